// The one place that accepts connections: the reference server and the client-testing server
// take their streams from here, plain or TLS (the TLS handshake runs here, under a deadline,
// before the stream is handed on). It counts the streams
// it handed out that are still alive, and past `max_connections` answers a newcomer with
// `busy_response` and closes it, so a flood of idle sockets cannot take every descriptor.
// With `evict_idle`, a connection that has not sent a complete request yet (not engaged())
// gives way to the newcomer instead, oldest first: idle sockets cannot lock a real client out.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>

#include "harness/transport/stream.h"
#include "harness/transport/tls_context.h"

namespace wsconform::harness::transport {

struct ListenerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;  // 0: ephemeral
    std::size_t max_connections = 256;
    std::string busy_response;  // written (best effort) to a connection refused for capacity
    // Past max_connections, close the oldest connection not engaged() yet (it gets
    // busy_response) and take the newcomer; refuse the newcomer only when every connection is
    // engaged.
    bool evict_idle = false;
    // Each accepted stream gets a strand of its own (for an io_context run by several
    // threads); otherwise it runs on the io_context directly.
    bool strand_per_connection = false;
    // Set: every connection is TLS; a handshake not done within the timeout is closed.
    TlsContextPtr tls;
    std::chrono::milliseconds tls_handshake_timeout{10000};
    // A TLS handshake that failed (the client refused our certificate, spoke something else,
    // or went silent), with what its ClientHello said.
    std::function<void(const std::string& remote, const ErrorCode&, const TlsSessionInfo&)>
        on_tls_failure;
};

class Listener : public std::enable_shared_from_this<Listener> {
  public:
    using AcceptHandler = std::function<void(StreamPtr)>;

    Listener(boost::asio::io_context& io, ListenerOptions options);

    // Binds and listens; throws std::system_error with a one-line message on failure.
    void listen();
    std::uint16_t port() const;
    // Accepts until close(), handing each stream within capacity to `on_accept`.
    void start(AcceptHandler on_accept);
    // Stops accepting (thread-safe: posted to the io_context).
    void close();
    // With evict_idle: `stream` sent a complete request and is no longer closed to make room
    // (thread-safe).
    void engaged(const Stream& stream);

    std::size_t live() const { return *live_; }
    std::size_t accepted() const { return accepted_; }

  private:
    void accept_next();
    void secure(StreamPtr stream);
    // Hands a stream to on_accept_ (with evict_idle: as the newest not engaged yet).
    void hand_on(StreamPtr stream);
    // Closes the oldest stream not engaged yet; false when there is none.
    bool evict_oldest_idle();

    boost::asio::io_context& io_;
    ListenerOptions options_;
    boost::asio::ip::tcp::acceptor acceptor_;
    AcceptHandler on_accept_;
    std::shared_ptr<std::atomic<std::size_t>> live_ = std::make_shared<std::atomic<std::size_t>>(0);
    std::atomic<std::size_t> accepted_{0};
    std::atomic<bool> closed_{false};
    std::mutex idle_mutex_;
    // Handed on, not engaged yet, oldest first (the pointer only identifies a live stream).
    std::list<std::pair<const Stream*, std::weak_ptr<Stream>>> idle_;
};

}  // namespace wsconform::harness::transport
