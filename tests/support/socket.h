// Blocking TCP on 127.0.0.1 for the test peers (buggy_server, buggy_client, handshake_peers):
// every wait is bounded by a deadline and, in a server, by its stop flag. And the one frame
// writer they share. No Asio: these peers must not share code with the harness they test.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

#include "protocol/frame.h"

namespace wsconform::test_support {

using Clock = std::chrono::steady_clock;

// A connected socket, closed at the end of its scope.
class Socket {
  public:
    // Takes `fd` and sets TCP_NODELAY; a set `stop` ends every wait early.
    explicit Socket(int fd, const std::atomic<bool>* stop = nullptr);
    ~Socket();
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;

    int fd() const noexcept { return fd_; }

    enum class Wait { ready, timeout, stopped, hangup };
    // Waits for one of the poll(2) `events`.
    Wait wait(short events, Clock::time_point deadline);

    enum class Read { data, eof, timeout };
    // Appends what is there (at least one octet) to `into`, or says why not: eof also stands
    // for a reset, an error, a hangup or a stop.
    Read read_some(std::string& into, Clock::time_point deadline);
    // Writes all of `bytes`; false when the peer is gone or the deadline passes first.
    bool write_all(std::string_view bytes, Clock::time_point deadline);
    // Reads and discards until the peer closes or the deadline passes.
    void drain(Clock::time_point deadline);
    void shutdown_write();
    // An abortive close: RST instead of FIN (SO_LINGER 0, then close).
    void reset();

  private:
    int fd_;
    const std::atomic<bool>* stop_;
};

// A listening socket on 127.0.0.1 and an ephemeral port (set in `port`); std::system_error
// when there is none.
int listen_loopback(int backlog, std::uint16_t& port);

// The accepting side of a test server: a listening socket on 127.0.0.1 and an ephemeral port,
// and a thread that accepts on it until `stop` is set. It hands each connection's socket to
// `on_accept` and calls `after_poll` after every look at the listening socket (at least every
// 50 ms), both on that thread. std::system_error when there is no port.
class Acceptor {
  public:
    Acceptor(int backlog, std::atomic<bool>& stop, std::function<void(int fd)> on_accept,
             std::function<void()> after_poll = {});
    // Sets `stop`, joins the thread and closes the listening socket.
    ~Acceptor();
    Acceptor(const Acceptor&) = delete;
    Acceptor& operator=(const Acceptor&) = delete;

    std::uint16_t port() const noexcept { return port_; }

  private:
    void run();

    std::atomic<bool>& stop_;
    std::function<void(int)> on_accept_;
    std::function<void()> after_poll_;
    std::uint16_t port_ = 0;
    int fd_ = -1;
    std::thread thread_;
};

// A socket connected to 127.0.0.1:port, or -1 with `error` set.
int connect_loopback(std::uint16_t port, Clock::time_point deadline, std::string& error);

// One frame with FIN set, masked with `mask` when there is one (RFC 6455 5.2, 5.3): the
// codec's own encode_frame().
std::string frame_bytes(std::uint8_t opcode, std::string_view payload,
                        std::optional<protocol::MaskKey> mask = std::nullopt);

}  // namespace wsconform::test_support
