#include "harness/echo_server.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstring>
#include <functional>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/transport/h2_session.h"
#include "harness/transport/listener.h"
#include "harness/transport/write_queue.h"
#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame_parser.h"
#include "protocol/h2_headers.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"
#include "protocol/utf8.h"

namespace wsconform::harness {

namespace asio = boost::asio;
using protocol::FrameParser;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
// Stop reading while this much echo data waits to be written: a peer that sends without
// reading cannot make us buffer without bound.
constexpr std::size_t kMaxQueuedBytes = 8u << 20;
// RFC 9113 §3.4: what an HTTP/2 client sends first.
constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string frame_bytes(std::uint8_t opcode, std::string_view payload, std::uint8_t rsv = 0) {
    return protocol::encode_frame({.fin = true, .rsv = rsv, .opcode = opcode}, payload);
}

class EchoConnection;
// Keeps track of a connection for stop(): each WebSocket on an HTTP/2 connection is one.
using Adopt = std::function<void(const std::shared_ptr<EchoConnection>&)>;

// RFC 6455 §10.2: a request with an Origin the server does not trust gets 403.
bool origin_allowed(const EchoServerOptions& options, std::optional<std::string_view> origin) {
    return !origin || options.allowed_origins.empty() ||
           std::any_of(options.allowed_origins.begin(), options.allowed_origins.end(),
                       [&](const std::string& a) { return protocol::iequals(a, *origin); });
}

void serve_h2(transport::StreamPtr stream, std::string preread, const EchoServerOptions& options,
              Adopt adopt);

class EchoConnection : public std::enable_shared_from_this<EchoConnection> {
  public:
    EchoConnection(transport::StreamPtr stream, const EchoServerOptions& options, Adopt adopt = {})
        : adopt_(std::move(adopt)),
          stream_(std::move(stream)),
          timer_(stream_->get_executor()),
          options_(options),
          buffer_(kReadChunk),
          parser_({.role = protocol::Role::server,
                   .close_code_policy = protocol::CloseCodePolicy::rfc,
                   .max_frame_payload = options.max_message,
                   .max_message_payload = options.max_message}) {}

    void start() {
        // Each echo is one write; after each, reading resumes if it paused for back-pressure.
        writes_ = transport::make_write_queue(stream_, shared_from_this(), {.coalesce = false});
        timer_.expires_after(options_.handshake_timeout);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec && self->state_ == State::handshake) self->close_now();
        });
        read();
    }

    // A WebSocket already opened (over HTTP/2: the 2xx was sent) with these extensions.
    void start_open(const std::optional<protocol::DeflateParams>& agreed) {
        writes_ = transport::make_write_queue(stream_, shared_from_this(), {.coalesce = false});
        open(agreed);
        read();
    }

    // transport::WriteQueue's hooks.
    void on_write(std::string_view, bool) {}
    void on_write_error(const transport::ErrorCode&) { close_now(); }
    void on_writes_drained() {
        if (state_ == State::lingering) start_linger();
    }

    void stop() {
        asio::post(stream_->get_executor(), [self = shared_from_this()] {
            if (self->state_ == State::open) {
                self->fail(protocol::close_code::going_away, "server shutting down");
            } else {
                self->close_now();
            }
        });
    }

  private:
    enum class State { handshake, open, closing, lingering, closed };

    void read() {
        if (reading_ || state_ == State::closed) return;
        if (writes_->queued_bytes() > kMaxQueuedBytes && state_ == State::open)
            return;  // resumed as writes complete
        reading_ = true;
        stream_->async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                self->reading_ = false;
                if (ec) {
                    self->on_read_end(ec);
                    return;
                }
                self->on_bytes(n);
                self->read();
            });
    }

    void on_bytes(std::size_t n) {
        switch (state_) {
            case State::handshake:
                on_handshake_bytes(n);
                return;
            case State::open:
                on_frame_bytes(std::span<std::byte>(buffer_.data(), n));
                return;
            case State::closing:
                // We failed or closed first: the peer's close frame ends it; bytes after a
                // violation are not frames we can trust, so only look for the close.
                on_frame_bytes(std::span<std::byte>(buffer_.data(), n));
                return;
            case State::lingering:
            case State::closed:
                return;  // discarded: we only wait for the peer's FIN
        }
    }

    void on_handshake_bytes(std::size_t n) {
        head_.append(reinterpret_cast<const char*>(buffer_.data()), n);
        if (options_.http2 && kH2Preface.starts_with(std::string_view(head_).substr(
                                  0, std::min(head_.size(), kH2Preface.size())))) {
            if (head_.size() < kH2Preface.size()) return;  // the rest of the preface
            // An HTTP/2 connection: handed over, with what was read of it.
            state_ = State::closed;
            timer_.cancel();
            serve_h2(stream_, std::move(head_), options_, adopt_);
            return;
        }
        protocol::HttpMessage request;
        auto parsed = protocol::parse_http_head(head_, true, request, options_.max_header_bytes);
        if (parsed.status == protocol::HttpParse::Status::need_more) return;
        if (parsed.status == protocol::HttpParse::Status::error) {
            reject(parsed.error);
            return;
        }
        if (request.headers.size() > options_.max_header_lines) {
            reject(protocol::HandshakeError::header_too_large);
            return;
        }
        protocol::UpgradeRequest upgrade;
        if (auto ec = protocol::check_upgrade_request(request, upgrade)) {
            reject(ec);
            return;
        }
        if (!origin_allowed(options_, request.header("Origin"))) {
            state_ = State::closing;
            queue("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
            linger_after_flush();
            return;
        }
        timer_.cancel();
        const auto agreed = negotiate_deflate(options_, upgrade);
        open(agreed);
        queue(agreed ? protocol::build_upgrade_response(upgrade.key, std::nullopt,
                                                        protocol::format_deflate_params(*agreed))
                     : protocol::build_upgrade_response(upgrade.key));
        std::string leftover = head_.substr(parsed.consumed);
        head_.clear();
        head_.shrink_to_fit();
        if (!leftover.empty()) {
            std::memcpy(buffer_.data(), leftover.data(), leftover.size());
            on_frame_bytes(std::span<std::byte>(buffer_.data(), leftover.size()));
        }
    }

  public:
    static std::optional<protocol::DeflateParams> negotiate_deflate(
        const EchoServerOptions& options, const protocol::UpgradeRequest& upgrade) {
        if (!options.deflate) return std::nullopt;
        return protocol::negotiate_deflate_as_server(upgrade.extensions, options.deflate_policy);
    }

  private:
    // The WebSocket is open, with permessage-deflate when `agreed`.
    void open(const std::optional<protocol::DeflateParams>& agreed) {
        state_ = State::open;
        if (agreed) {
            const auto settings = protocol::deflate_settings(*agreed, true);
            passthrough_ =
                options_.deflate_passthrough &&
                settings.receive_window_bits <= settings.send_window_bits &&
                (settings.receive_no_context_takeover || !settings.send_no_context_takeover);
            if (!passthrough_) {
                deflater_ = std::make_unique<protocol::Deflater>(settings.send_window_bits,
                                                                 settings.send_no_context_takeover,
                                                                 options_.deflate_level);
            }
            inflater_ = std::make_unique<protocol::Inflater>(settings.receive_window_bits,
                                                             settings.receive_no_context_takeover,
                                                             options_.max_message);
            parser_.set_permessage_deflate(true);
        }
    }

    void reject(std::error_code ec) {
        state_ = State::closing;
        queue(protocol::build_rejection(ec));
        linger_after_flush();
    }

    void on_frame_bytes(std::span<std::byte> input) {
        // Loop until the parser asks for more: a frame can end with no further input.
        while (state_ == State::open || state_ == State::closing) {
            auto ev = parser_.next(input);
            switch (ev.status) {
                case FrameParser::Status::need_more:
                    return;
                case FrameParser::Status::header:
                    if (ev.header.opcode == protocol::opcode::text ||
                        ev.header.opcode == protocol::opcode::binary)
                        compressed_ = (ev.header.rsv & protocol::rsv::rsv1) != 0;
                    break;
                case FrameParser::Status::payload:
                    if (state_ != State::open) break;
                    if (compressed_) {
                        if (auto err = inflater_->feed(ev.payload, message_)) {
                            fail(protocol::close_code_for(err), err.message());
                            return;
                        }
                        // Bounded: the parser caps a message's payload at max_message.
                        if (passthrough_)
                            compressed_message_.append(
                                reinterpret_cast<const char*>(ev.payload.data()),
                                ev.payload.size());
                    } else {
                        message_.append(reinterpret_cast<const char*>(ev.payload.data()),
                                        ev.payload.size());
                    }
                    break;
                case FrameParser::Status::frame_end:
                    on_frame_end(ev);
                    break;
                case FrameParser::Status::error:
                    if (state_ == State::open) {
                        fail(protocol::close_code_for(ev.error), ev.error.message());
                    } else {
                        linger_after_flush();
                    }
                    return;
            }
        }
    }

    void on_frame_end(const FrameParser::Event& ev) {
        const auto op = ev.header.opcode;
        const std::string_view control(reinterpret_cast<const char*>(ev.payload.data()),
                                       ev.payload.size());
        if (op == protocol::opcode::close) {
            if (state_ == State::open) {
                // Echo the peer's status code (RFC 6455 5.5.1), without its reason.
                protocol::ClosePayload cp;
                protocol::parse_close_payload(ev.payload, cp);
                queue(frame_bytes(protocol::opcode::close, protocol::build_close_payload(cp.code)));
            }
            state_ = State::closing;
            linger_after_flush();  // RFC 6455 7.1.1: the server closes TCP first
            return;
        }
        if (state_ != State::open) return;
        if (op == protocol::opcode::ping) {
            queue(frame_bytes(protocol::opcode::pong, control));
            return;
        }
        if (op == protocol::opcode::pong) return;
        if (++fragments_ > options_.max_fragments) {
            fail(protocol::close_code::message_too_big,
                 "more than " + std::to_string(options_.max_fragments) + " fragments");
            return;
        }
        if (ev.message_end) {
            fragments_ = 0;
            if (compressed_) {
                // Compressed text can only be checked once inflated: whole, not fail-fast.
                auto err = inflater_->finish_message(message_);
                if (!err && ev.message_opcode == protocol::opcode::text &&
                    !protocol::is_valid_utf8(message_))
                    err = protocol::Error::invalid_utf8;
                if (err) {
                    fail(protocol::close_code_for(err), err.message());
                    return;
                }
            }
            if (passthrough_ && compressed_) {
                queue(frame_bytes(ev.message_opcode, compressed_message_, protocol::rsv::rsv1));
                compressed_message_.clear();
                if (compressed_message_.capacity() > kReadChunk)
                    compressed_message_.shrink_to_fit();
            } else if (deflater_) {
                std::string compressed;
                deflater_->compress(message_, compressed);
                queue(frame_bytes(ev.message_opcode, compressed, protocol::rsv::rsv1));
            } else {
                queue(frame_bytes(ev.message_opcode, message_));
            }
            message_.clear();
            if (message_.capacity() > kReadChunk) message_.shrink_to_fit();
        }
    }

    // _Fail the WebSocket Connection_ (RFC 6455 7.1.7): send a close frame with `code`, then
    // close our side of TCP.
    void fail(std::uint16_t code, std::string reason) {
        if (reason.size() > 123) reason.resize(123);
        queue(frame_bytes(protocol::opcode::close, protocol::build_close_payload(code, reason)));
        message_.clear();
        compressed_message_.clear();
        // The server closes TCP first (RFC 6455 7.1.1); the peer's close reply, if any, is
        // read and discarded while we linger.
        state_ = State::closing;
        linger_after_flush();
    }

    // Half-close once everything queued is written, then read until the peer's FIN (or a
    // timeout) so that closing does not turn into a reset that destroys our last frame.
    void linger_after_flush() {
        if (state_ == State::lingering || state_ == State::closed) return;
        state_ = State::lingering;
        if (writes_->idle()) start_linger();
    }

    void start_linger() {
        stream_->shutdown_send();
        timer_.expires_after(options_.close_timeout);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->close_now();
        });
        read();
    }

    // The peer ended its side, or the stream failed. After an orderly end (eof) what is still
    // queued, above all our Close reply, goes out first, within the close timeout: over HTTP/2
    // a stream's DATA waits for its session to frame it, and closing now would drop it (the
    // peer's Close with END_STREAM was answered by END_STREAM alone).
    void on_read_end(const boost::system::error_code& ec) {
        if (ec != asio::error::eof || writes_->idle() || state_ == State::closed) {
            close_now();
            return;
        }
        state_ = State::lingering;  // on_writes_drained() starts the linger, which ends it
        timer_.expires_after(options_.close_timeout);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (!ec) self->close_now();
        });
    }

    void close_now() {
        if (state_ == State::closed) return;
        state_ = State::closed;
        timer_.cancel();
        stream_->close();
        writes_->clear();
    }

    void queue(std::string bytes) {
        writes_->push(std::move(bytes), false, [weak = weak_from_this()] {
            if (auto self = weak.lock(); self && self->state_ == State::open) self->read();
        });
    }

    Adopt adopt_;
    transport::StreamPtr stream_;
    std::shared_ptr<transport::WriteQueue> writes_;
    asio::steady_timer timer_;
    const EchoServerOptions& options_;
    std::vector<std::byte> buffer_;
    std::string head_;
    FrameParser parser_;
    std::string message_;
    bool compressed_ = false;
    std::size_t fragments_ = 0;       // frames of the message coming in
    bool passthrough_ = false;        // see EchoServerOptions::deflate_passthrough
    std::string compressed_message_;  // the peer's compressed bytes, when passing through
    std::unique_ptr<protocol::Deflater> deflater_;
    std::unique_ptr<protocol::Inflater> inflater_;
    bool reading_ = false;
    State state_ = State::handshake;
};

// One HTTP/2 connection: each extended CONNECT is judged (RFC 8441 §4-5, as
// check_upgrade_request judges an HTTP/1.1 upgrade), answered 200 with the extensions agreed,
// and echoed on its stream; anything else gets its 4xx and the stream ends.
void serve_h2(transport::StreamPtr stream, std::string preread, const EchoServerOptions& options,
              Adopt adopt) {
    auto on_request = [&options, adopt](transport::H2StreamPtr h2, protocol::H2Fields request) {
        auto session = h2->session();
        if (!session) return;
        auto refuse = [&](std::string status, protocol::H2Fields extra = {}) {
            protocol::H2Fields response{{":status", std::move(status)}};
            response.insert(response.end(), extra.begin(), extra.end());
            session->respond(*h2, response, true);
            h2->close();
        };
        protocol::UpgradeRequest upgrade;
        if (auto ec = protocol::check_extended_connect(request, upgrade)) {
            if (ec == protocol::H2HeaderError::unsupported_version)
                refuse("426", {{"sec-websocket-version", "13"}});
            else if (ec == protocol::H2HeaderError::protocol_not_websocket)
                refuse("501");  // RFC 9220 §3: an unknown :protocol
            else
                refuse("400");
            return;
        }
        if (!origin_allowed(options, upgrade.origin)) {
            refuse("403");
            return;
        }
        const auto agreed = EchoConnection::negotiate_deflate(options, upgrade);
        protocol::H2Fields response{{":status", "200"}};
        if (agreed)
            response.push_back(
                {"sec-websocket-extensions", protocol::format_deflate_params(*agreed)});
        session->respond(*h2, response, false);
        auto connection = std::make_shared<EchoConnection>(h2, options);
        if (adopt) adopt(connection);
        connection->start_open(agreed);
    };
    transport::H2Session::server(std::move(stream),
                                 {.enable_connect_protocol = true, .linger = options.close_timeout},
                                 std::move(on_request), std::move(preread));
}

}  // namespace

struct EchoServer::Impl {
    EchoServerOptions options;
    asio::io_context io;
    std::shared_ptr<transport::Listener> listener;
    std::vector<std::weak_ptr<EchoConnection>> connections;
    std::mutex connections_mutex;
    std::vector<std::thread> threads;
    std::atomic<bool> stopping{false};

    void on_accept(transport::StreamPtr stream) {
        if (stopping) return;
        auto conn = std::make_shared<EchoConnection>(
            std::move(stream), options,
            [this](const std::shared_ptr<EchoConnection>& c) { track(c); });
        track(conn);
        conn->start();
    }

    void track(const std::shared_ptr<EchoConnection>& conn) {
        std::lock_guard lock(connections_mutex);
        std::erase_if(connections, [](auto& w) { return w.expired(); });
        connections.push_back(conn);
    }
};

EchoServer::EchoServer(EchoServerOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

EchoServer::~EchoServer() {
    stop();
    for (auto& t : impl_->threads)
        if (t.joinable()) t.join();
}

void EchoServer::listen() {
    auto& impl = *impl_;
    impl.listener = std::make_shared<transport::Listener>(
        impl.io, transport::ListenerOptions{
                     .host = impl.options.host,
                     .port = impl.options.port,
                     .max_connections = impl.options.max_connections,
                     .busy_response = "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                      "Content-Length: 0\r\n\r\n",
                     .strand_per_connection = true,
                     .tls = impl.options.tls,
                     .tls_handshake_timeout = impl.options.handshake_timeout,
                 });
    impl.listener->listen();
    impl.listener->start(
        [impl = impl_.get()](transport::StreamPtr stream) { impl->on_accept(std::move(stream)); });
}

std::uint16_t EchoServer::port() const {
    return impl_->listener ? impl_->listener->port() : 0;
}

void EchoServer::run() {
    std::optional<asio::signal_set> signals;
    if (impl_->options.stop_on_signals) {
        signals.emplace(impl_->io, SIGINT, SIGTERM);
        signals->async_wait([this](const boost::system::error_code& ec, int) {
            if (!ec) stop();
        });
    }
    std::vector<std::thread> extra;
    for (unsigned i = 1; i < std::max(1u, impl_->options.threads); ++i)
        extra.emplace_back([this] { impl_->io.run(); });
    impl_->io.run();
    for (auto& t : extra) t.join();
}

void EchoServer::start_background() {
    for (unsigned i = 0; i < std::max(1u, impl_->options.threads); ++i)
        impl_->threads.emplace_back([this] { impl_->io.run(); });
}

void EchoServer::stop() {
    if (impl_->stopping.exchange(true)) return;
    if (impl_->listener) impl_->listener->close();
    asio::post(impl_->io, [impl = impl_.get()] {
        std::vector<std::shared_ptr<EchoConnection>> live;
        {
            std::lock_guard lock(impl->connections_mutex);
            for (auto& w : impl->connections)
                if (auto c = w.lock()) live.push_back(c);
        }
        for (auto& c : live) c->stop();
    });
    // Connections get their close timeout to finish; then the loop is stopped for good.
    auto timer = std::make_shared<asio::steady_timer>(impl_->io);
    timer->expires_after(impl_->options.close_timeout + std::chrono::milliseconds(200));
    timer->async_wait(
        [timer, impl = impl_.get()](const boost::system::error_code&) { impl->io.stop(); });
    asio::post(impl_->io, [impl = impl_.get()] {
        // Nothing else to wait for: stop now rather than at the timer.
        if (!impl->listener || impl->listener->live() == 0) impl->io.stop();
    });
}

}  // namespace wsconform::harness
