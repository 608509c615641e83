#include "tests/support/buggy_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <list>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::test_support {

std::string_view to_string(Bug bug) noexcept {
    switch (bug) {
        case Bug::none:
            return "none";
        case Bug::skip_utf8_validation:
            return "skip_utf8_validation";
        case Bug::ignore_rsv:
            return "ignore_rsv";
        case Bug::no_pong:
            return "no_pong";
        case Bug::stall_after_handshake:
            return "stall_after_handshake";
        case Bug::close_always_1000:
            return "close_always_1000";
        case Bug::reset_mid_case:
            return "reset_mid_case";
        case Bug::wrong_accept:
            return "wrong_accept";
    }
    return "?";
}

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// Every blocking wait is cut into slices this long, so that a stop is seen promptly.
constexpr milliseconds kPollSlice{50};
constexpr std::size_t kReadChunk = 64 * 1024;

// One unmasked frame with FIN set, as a server sends it (RFC 6455 5.1).
std::string frame_bytes(std::uint8_t opcode, std::string_view payload) {
    protocol::FrameHeader h{.fin = true, .opcode = opcode, .payload_length = payload.size()};
    std::array<std::byte, protocol::kMaxHeaderSize> head;
    const auto n = protocol::encode_header(h, head);
    std::string out(reinterpret_cast<const char*>(head.data()), n);
    out.append(payload);
    return out;
}

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

enum class Wait { ready, timeout, stopped, hangup };

class Connection {
  public:
    Connection(int fd, Bug bug, const BuggyServerLimits& limits, const std::atomic<bool>& stopping)
        : fd_(fd), bug_(bug), limits_(limits), stopping_(stopping) {
        int one = 1;
        ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        lifetime_end_ = Clock::now() + milliseconds(limits_.lifetime_ms);
    }
    ~Connection() {
        if (fd_ >= 0) ::close(fd_);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void run() {
        if (!handshake()) return;
        if (bug_ == Bug::stall_after_handshake) {
            // Never read or write again: only notice (without reading) when the peer goes.
            wait_for(POLLRDHUP, lifetime_end_);
            return;
        }
        serve();
    }

  private:
    enum class Next { more, closing, done };

    Clock::time_point bounded(milliseconds from_now) const {
        return std::min(Clock::now() + from_now, lifetime_end_);
    }

    // Waits until the socket has one of `events`, the deadline passes or the server stops.
    Wait wait_for(short events, Clock::time_point deadline) {
        for (;;) {
            if (stopping_) return Wait::stopped;
            const auto now = Clock::now();
            if (now >= deadline) return Wait::timeout;
            const auto slice = std::min<Clock::duration>(kPollSlice, deadline - now);
            const int ms = std::max<int>(
                1, static_cast<int>(std::chrono::duration_cast<milliseconds>(slice).count()));
            pollfd p{fd_, events, 0};
            const int r = ::poll(&p, 1, ms);
            if (r < 0) {
                if (errno == EINTR) continue;
                return Wait::hangup;
            }
            if (r == 0) continue;
            if (p.revents & events) return Wait::ready;
            if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return Wait::hangup;
        }
    }

    // Bytes read (> 0), or 0 on EOF, error, timeout or stop.
    std::size_t read_some(std::span<std::byte> into, Clock::time_point deadline) {
        for (;;) {
            if (wait_for(POLLIN, deadline) != Wait::ready) return 0;
            const auto n = ::recv(fd_, into.data(), into.size(), MSG_DONTWAIT);
            if (n > 0) return static_cast<std::size_t>(n);
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
            return 0;
        }
    }

    // Writes everything within the idle timeout; false when the peer is gone or too slow.
    bool write_all(std::string_view bytes) {
        const auto deadline = bounded(milliseconds(limits_.idle_timeout_ms));
        while (!bytes.empty()) {
            if (wait_for(POLLOUT, deadline) != Wait::ready) return false;
            const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
                return false;
            }
            bytes.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    // RFC 6455 4.2: read the upgrade request, answer 101 (or 400/426 and stop).
    bool handshake() {
        const auto deadline = bounded(milliseconds(limits_.handshake_timeout_ms));
        std::string head;
        std::vector<std::byte> chunk(4096);
        for (;;) {
            const auto n = read_some(chunk, deadline);
            if (n == 0) return false;
            head.append(reinterpret_cast<const char*>(chunk.data()), n);
            protocol::HttpMessage request;
            const auto parsed =
                protocol::parse_http_head(head, true, request, limits_.max_header_bytes);
            if (parsed.status == protocol::HttpParse::Status::need_more) continue;
            if (parsed.status == protocol::HttpParse::Status::error) {
                write_all(protocol::build_rejection(parsed.error));
                return false;
            }
            protocol::UpgradeRequest upgrade;
            if (auto ec = protocol::check_upgrade_request(request, upgrade)) {
                write_all(protocol::build_rejection(ec));
                return false;
            }
            std::string key = upgrade.key;
            if (bug_ == Bug::wrong_accept) {
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
                                         .validate_utf8 = bug_ != Bug::skip_utf8_validation,
                                         .close_code_policy = protocol::CloseCodePolicy::rfc,
                                         .max_frame_payload = limits_.max_message,
                                         .max_message_payload = limits_.max_message});
        std::vector<std::byte> buffer(std::max(kReadChunk, leftover_.size()));
        std::size_t n = leftover_.size();
        std::memcpy(buffer.data(), leftover_.data(), n);
        leftover_.clear();
        for (;;) {
            if (n > 0) {
                std::span<std::byte> input(buffer.data(), n);
                if (bug_ == Bug::ignore_rsv) scrubber_.scrub(input);
                const auto next = on_bytes(input);
                if (next == Next::done) return;
                if (next == Next::closing) {
                    linger();
                    return;
                }
            }
            n = read_some(std::span(buffer.data(), kReadChunk),
                          bounded(milliseconds(limits_.idle_timeout_ms)));
            if (n == 0) return;  // EOF, reset, idle or stop: just close
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
                    if (bug_ == Bug::reset_mid_case && !protocol::is_control(ev.header.opcode)) {
                        reset();
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
                if (bug_ == Bug::close_always_1000) code = protocol::close_code::normal;
                write_all(
                    frame_bytes(protocol::opcode::close, protocol::build_close_payload(code)));
                return Next::closing;
            }
            case protocol::opcode::ping:
                if (bug_ == Bug::no_pong) return Next::more;
                return write_all(frame_bytes(protocol::opcode::pong, control)) ? Next::more
                                                                               : Next::done;
            case protocol::opcode::pong:
                return Next::more;
            default:
                break;
        }
        if (!ev.message_end) return Next::more;
        const bool sent = write_all(frame_bytes(ev.message_opcode, message_));
        message_.clear();
        if (message_.capacity() > kReadChunk) message_.shrink_to_fit();
        return sent ? Next::more : Next::done;
    }

    Next fail(std::uint16_t code, std::string reason) {
        if (bug_ == Bug::close_always_1000) code = protocol::close_code::normal;
        if (reason.size() > 123) reason.resize(123);
        write_all(
            frame_bytes(protocol::opcode::close, protocol::build_close_payload(code, reason)));
        return Next::closing;
    }

    // RFC 6455 7.1.1: the server closes TCP first. Half-close, then read and discard until
    // the peer's FIN, so that closing does not turn into a reset that destroys our Close.
    void linger() {
        ::shutdown(fd_, SHUT_WR);
        const auto deadline = bounded(milliseconds(limits_.linger_ms));
        std::array<std::byte, 4096> sink;
        while (read_some(sink, deadline) > 0) {
        }
    }

    // Bug::reset_mid_case: an abortive close sends RST instead of FIN.
    void reset() {
        struct ::linger lg {
            1, 0
        };
        ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
        ::close(fd_);
        fd_ = -1;
    }

    int fd_;
    const Bug bug_;
    const BuggyServerLimits& limits_;
    const std::atomic<bool>& stopping_;
    Clock::time_point lifetime_end_;
    std::string leftover_;
    protocol::FrameParser parser_;
    RsvScrubber scrubber_;
    std::string message_;
};

}  // namespace

struct BuggyServer::Impl {
    Bug bug;
    BuggyServerLimits limits;
    int listen_fd = -1;
    std::uint16_t port = 0;
    std::atomic<bool> stopping{false};
    std::atomic<std::size_t> accepted{0};
    std::thread acceptor;

    struct Worker {
        std::thread thread;
        std::atomic<bool> done{false};
    };
    std::list<std::unique_ptr<Worker>> workers;  // touched by the acceptor thread only

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

    void accept_loop() {
        while (!stopping) {
            pollfd p{listen_fd, POLLIN, 0};
            const int r = ::poll(&p, 1, static_cast<int>(kPollSlice.count()));
            reap(false);
            if (r <= 0) continue;
            const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
            if (fd < 0) continue;
            ++accepted;
            if (workers.size() >= limits.max_connections) {
                static constexpr std::string_view kBusy =
                    "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                    "Content-Length: 0\r\n\r\n";
                ::send(fd, kBusy.data(), kBusy.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
                ::close(fd);
                continue;
            }
            auto worker = std::make_unique<Worker>();
            auto* raw = worker.get();
            try {
                raw->thread = std::thread([this, raw, fd] {
                    {
                        Connection connection(fd, bug, limits, stopping);
                        connection.run();
                    }
                    raw->done = true;
                });
            } catch (const std::system_error&) {
                ::close(fd);  // no thread to serve it
                continue;
            }
            workers.push_back(std::move(worker));
        }
        reap(true);
    }
};

BuggyServer::BuggyServer(Bug bug, BuggyServerLimits limits) : impl_(std::make_unique<Impl>()) {
    impl_->bug = bug;
    impl_->limits = limits;
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "buggy server: socket");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, 1024) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const int err = errno;
        ::close(fd);
        throw std::system_error(err, std::generic_category(), "buggy server: listen");
    }
    impl_->listen_fd = fd;
    impl_->port = ntohs(addr.sin_port);
    impl_->acceptor = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

BuggyServer::~BuggyServer() {
    impl_->stopping = true;
    impl_->acceptor.join();  // it joins every connection thread before it returns
    ::close(impl_->listen_fd);
}

std::uint16_t BuggyServer::port() const noexcept {
    return impl_->port;
}
Bug BuggyServer::bug() const noexcept {
    return impl_->bug;
}
std::size_t BuggyServer::connections_accepted() const noexcept {
    return impl_->accepted;
}

}  // namespace wsconform::test_support
