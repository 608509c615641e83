#include "tests/support/buggy_server.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <functional>
#include <list>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <thread>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "tests/support/enum_names.h"
#include "tests/support/socket.h"

namespace wsconform::test_support {

// The names of Bug's values, in their order (tests/support/enum_names.h).
constexpr std::array<std::string_view, 8> kBugNames{
    "none",           "skip_utf8_validation",  "ignore_rsv",
    "no_pong",        "stall_after_handshake", "close_always_1000",
    "reset_mid_case", "wrong_accept"};

std::string_view to_string(Bug bug) noexcept {
    return name_in<Bug::wrong_accept>(kBugNames, bug);
}

namespace {

using std::chrono::milliseconds;

// A message buffer grown past this is given back once its message is echoed.
constexpr std::size_t kLargeMessage = 64 * 1024;

// Bug::ignore_rsv: clears RSV1-3 in the first byte of every frame header before the parser
// sees it, so such frames are handled like any other. Tracks frame boundaries with the
// codec's header decoder.
class RsvScrubber {
  public:
    void scrub(std::span<std::byte> data) {
        std::size_t i = 0;
        while (i < data.size()) {
            if (remaining_ > 0) {
                const auto skip =
                    static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, data.size() - i));
                i += skip;
                remaining_ -= skip;
                continue;
            }
            if (have_ == 0) data[i] &= std::byte{0x8F};  // keep FIN and the opcode
            head_[have_++] = data[i++];
            const auto decoded = protocol::decode_header(std::span(head_.data(), have_));
            if (decoded.status == protocol::HeaderDecode::Status::ok) {
                remaining_ = decoded.header.payload_length;
                have_ = 0;
            } else if (have_ == head_.size()) {
                have_ = 0;  // cannot happen: a header is at most 14 bytes
            }
        }
    }

  private:
    std::array<std::byte, protocol::kMaxHeaderSize> head_{};
    std::size_t have_ = 0;
    std::uint64_t remaining_ = 0;
};

class Connection {
  public:
    Connection(int fd, const BuggyServerOptions& options, const std::atomic<bool>& stopping,
               std::function<void(std::string)> on_request)
        : socket_(fd, &stopping),
          options_(options),
          limits_(options.limits),
          on_request_(std::move(on_request)) {
        lifetime_end_ = Clock::now() + milliseconds(limits_.lifetime_ms);
    }

    void run() {
        if (!handshake()) return;
        if (has(Bug::stall_after_handshake)) {
            // Never read or write again: only notice (without reading) when the peer goes.
            socket_.wait(POLLRDHUP, lifetime_end_);
            return;
        }
        serve();
    }

  private:
    enum class Next { more, closing, done };

    bool has(Bug bug) const {
        return std::find(options_.bugs.begin(), options_.bugs.end(), bug) != options_.bugs.end();
    }

    Clock::time_point bounded(milliseconds from_now) const {
        return std::min(Clock::now() + from_now, lifetime_end_);
    }

    // Writes everything within the idle timeout; false when the peer is gone or too slow.
    bool write_all(std::string_view bytes) {
        return socket_.write_all(bytes, bounded(milliseconds(limits_.idle_timeout_ms)));
    }

    // RFC 6455 4.2: read the upgrade request, answer 101 (or 400/426 and stop).
    bool handshake() {
        const auto deadline = bounded(milliseconds(limits_.handshake_timeout_ms));
        std::string head;
        for (;;) {
            if (socket_.read_some(head, deadline) != Socket::Read::data) return false;
            protocol::HttpMessage request;
            const auto parsed =
                protocol::parse_http_head(head, true, request, limits_.max_header_bytes);
            if (parsed.status == protocol::HttpParse::Status::need_more) continue;
            if (parsed.status == protocol::HttpParse::Status::error) {
                write_all(protocol::build_rejection(parsed.error));
                return false;
            }
            on_request_(head.substr(0, parsed.consumed));
            protocol::UpgradeRequest upgrade;
            if (auto ec = protocol::check_upgrade_request(request, upgrade)) {
                write_all(protocol::build_rejection(ec));
                return false;
            }
            if (const auto& need = options_.required_header; !need.empty()) {
                const auto value = request.header(protocol::header_line_name(need));
                if (!value || *value != protocol::header_line_value(need)) {
                    write_all(
                        "HTTP/1.1 403 Forbidden\r\nConnection: close\r\n"
                        "Content-Length: 0\r\n\r\n");
                    return false;
                }
            }
            std::string key = upgrade.key;
            if (has(Bug::wrong_accept)) {
                // Another valid key (first base64 digit changed) gives another accept value.
                key[0] = key[0] == 'A' ? 'B' : 'A';
            }
            if (!write_all(protocol::build_upgrade_response(key))) return false;
            leftover_ = head.substr(parsed.consumed);
            return true;
        }
    }

    void serve() {
        parser_ = protocol::FrameParser({.role = protocol::Role::server,
                                         .validate_utf8 = !has(Bug::skip_utf8_validation),
                                         .close_code_policy = protocol::CloseCodePolicy::rfc,
                                         .max_frame_payload = limits_.max_message,
                                         .max_message_payload = limits_.max_message});
        std::string buffer = std::move(leftover_);
        for (;;) {
            if (!buffer.empty()) {
                std::span<std::byte> input(reinterpret_cast<std::byte*>(buffer.data()),
                                           buffer.size());
                if (has(Bug::ignore_rsv)) scrubber_.scrub(input);
                const auto next = on_bytes(input);
                if (next == Next::done) return;
                if (next == Next::closing) {
                    linger();
                    return;
                }
            }
            buffer.clear();
            // EOF, reset, idle or stop: just close.
            if (socket_.read_some(buffer, bounded(milliseconds(limits_.idle_timeout_ms))) !=
                Socket::Read::data)
                return;
        }
    }

    Next on_bytes(std::span<std::byte> input) {
        // A frame can end with no further input, so loop until the parser asks for more.
        for (;;) {
            const auto ev = parser_.next(input);
            switch (ev.status) {
                case protocol::FrameParser::Status::need_more:
                    return Next::more;
                case protocol::FrameParser::Status::header:
                    if (has(Bug::reset_mid_case) && !protocol::is_control(ev.header.opcode)) {
                        socket_.reset();
                        return Next::done;
                    }
                    break;
                case protocol::FrameParser::Status::payload:
                    message_.append(reinterpret_cast<const char*>(ev.payload.data()),
                                    ev.payload.size());
                    break;
                case protocol::FrameParser::Status::frame_end: {
                    const auto next = on_frame_end(ev);
                    if (next != Next::more) return next;
                    break;
                }
                case protocol::FrameParser::Status::error:
                    // _Fail the WebSocket Connection_ (RFC 6455 7.1.7) with the code 7.4.1 asks
                    // for.
                    return fail(protocol::close_code_for(ev.error), ev.error.message());
            }
        }
    }

    Next on_frame_end(const protocol::FrameParser::Event& ev) {
        const std::string_view control(reinterpret_cast<const char*>(ev.payload.data()),
                                       ev.payload.size());
        switch (ev.header.opcode) {
            case protocol::opcode::close: {
                // RFC 6455 5.5.1: answer with a Close, echoing the peer's status code.
                protocol::ClosePayload cp;
                protocol::parse_close_payload(ev.payload, cp);  // the parser judged it already
                std::optional<std::uint16_t> code = cp.code;
                if (has(Bug::close_always_1000)) code = protocol::close_code::normal;
                write_all(
                    frame_bytes(protocol::opcode::close, protocol::build_close_payload(code)));
                return Next::closing;
            }
            case protocol::opcode::ping:
                if (has(Bug::no_pong)) return Next::more;
                return write_all(frame_bytes(protocol::opcode::pong, control)) ? Next::more
                                                                               : Next::done;
            case protocol::opcode::pong:
                return Next::more;
            default:
                break;
        }
        if (!ev.message_end) return Next::more;
        const bool sent = !options_.echo || write_all(frame_bytes(ev.message_opcode, message_));
        message_.clear();
        if (message_.capacity() > kLargeMessage) message_.shrink_to_fit();
        return sent ? Next::more : Next::done;
    }

    Next fail(std::uint16_t code, std::string reason) {
        if (has(Bug::close_always_1000)) code = protocol::close_code::normal;
        if (reason.size() > 123) reason.resize(123);
        write_all(
            frame_bytes(protocol::opcode::close, protocol::build_close_payload(code, reason)));
        return Next::closing;
    }

    // RFC 6455 7.1.1: the server closes TCP first. Half-close, then read and discard until
    // the peer's FIN, so that closing does not turn into a reset that destroys our Close.
    void linger() {
        socket_.shutdown_write();
        socket_.drain(bounded(milliseconds(limits_.linger_ms)));
    }

    Socket socket_;
    const BuggyServerOptions& options_;
    const BuggyServerLimits& limits_;
    std::function<void(std::string)> on_request_;
    Clock::time_point lifetime_end_;
    std::string leftover_;
    protocol::FrameParser parser_;
    RsvScrubber scrubber_;
    std::string message_;
};

}  // namespace

struct BuggyServer::Impl {
    BuggyServerOptions options;
    mutable std::mutex request_mutex;
    std::string last_request;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> accepted{0};

    struct Worker {
        std::thread thread;
        std::atomic<bool> done{false};
    };
    std::list<std::unique_ptr<Worker>> workers;  // touched by the acceptor thread only
    std::unique_ptr<Acceptor> acceptor;

    void reap(bool all) {
        for (auto it = workers.begin(); it != workers.end();) {
            if (all || (*it)->done) {
                (*it)->thread.join();
                it = workers.erase(it);
            } else {
                ++it;
            }
        }
    }

    void serve(int fd) {
        ++accepted;
        if (workers.size() >= options.limits.max_connections) {
            static constexpr std::string_view kBusy =
                "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                "Content-Length: 0\r\n\r\n";
            ::send(fd, kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            ::close(fd);
            return;
        }
        auto worker = std::make_unique<Worker>();
        auto* raw = worker.get();
        try {
            raw->thread = std::thread([this, raw, fd] {
                {
                    Connection connection(fd, options, stopping, [this](std::string head) {
                        std::lock_guard lock(request_mutex);
                        last_request = std::move(head);
                    });
                    connection.run();
                }
                raw->done = true;
            });
        } catch (const std::system_error&) {
            ::close(fd);  // no thread to serve it
            return;
        }
        workers.push_back(std::move(worker));
    }
};

BuggyServer::BuggyServer(Bug bug, BuggyServerLimits limits)
    : BuggyServer(BuggyServerOptions{.bugs = {bug}, .limits = limits}) {}

BuggyServer::BuggyServer(BuggyServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    impl_->acceptor = std::make_unique<Acceptor>(
        1024, impl_->stopping, [impl = impl_.get()](int fd) { impl->serve(fd); },
        [impl = impl_.get()] { impl->reap(false); });
}

BuggyServer::~BuggyServer() {
    impl_->acceptor.reset();  // stops accepting
    impl_->reap(true);        // joins every connection thread
}

std::uint16_t BuggyServer::port() const noexcept {
    return impl_->acceptor->port();
}
Bug BuggyServer::bug() const noexcept {
    return impl_->options.bugs.empty() ? Bug::none : impl_->options.bugs.front();
}
std::size_t BuggyServer::connections_accepted() const noexcept {
    return impl_->accepted;
}

std::string BuggyServer::last_request() const {
    std::lock_guard lock(impl_->request_mutex);
    return impl_->last_request;
}

}  // namespace wsconform::test_support
