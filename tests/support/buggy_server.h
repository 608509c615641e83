// A small WebSocket echo server for detection tests: a correct RFC 6455 endpoint built on the
// project's sans-I/O codec, with a planted bug (or several, or none; and optionally no echo).
// Running the catalogue against it shows whether the harness notices exactly that bug, and nothing
// else.
//
// Blocking POSIX sockets, one thread per connection, every wait bounded: it listens on
// 127.0.0.1 (ephemeral port) from construction until destruction. No Asio in this header.
#pragma once

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace wsconform::test_support {

enum class Bug {
    none,                   // a correct server (the control)
    skip_utf8_validation,   // never checks UTF-8: echoes invalid text, accepts bad close reasons
    ignore_rsv,             // clears RSV bits instead of failing: such frames act as normal ones
    no_pong,                // never answers a Ping
    stall_after_handshake,  // sends the 101, then never reads or writes; TCP stays open
    close_always_1000,      // answers every Close with 1000 and fails with 1000 (not 1002/1007)
    reset_mid_case,         // on the first data frame it accepts: TCP reset (SO_LINGER 0 + close)
    wrong_accept,           // answers the upgrade with a wrong Sec-WebSocket-Accept
};

std::string_view to_string(Bug bug) noexcept;
// How GoogleTest prints a Bug (a test parameter): its name.
inline void PrintTo(Bug bug, std::ostream* out) {
    *out << to_string(bug);
}

struct BuggyServerLimits {
    std::size_t max_connections = 512;    // more are answered 503 and closed
    std::size_t max_message = 16u << 20;  // larger messages are failed with 1009
    std::size_t max_header_bytes = 16 * 1024;
    unsigned handshake_timeout_ms = 5000;
    unsigned idle_timeout_ms = 30000;  // no byte from the peer for this long: drop
    unsigned lifetime_ms = 60000;      // any connection, whatever it does
    unsigned linger_ms = 2000;         // after our Close: wait this long for the peer's FIN
};

// Several planted bugs at once, and what the server asks of and does for its clients.
struct BuggyServerOptions {
    std::vector<Bug> bugs;  // none: a correct server
    // False: data messages are read, checked and dropped, never echoed (a chat or API
    // endpoint); pings, closes and protocol errors are handled as before.
    bool echo = true;
    // "Name: value" an upgrade request must carry (name case-insensitive, value exact), else
    // 403 Forbidden; empty: none.
    std::string required_header;
    BuggyServerLimits limits;
};

class BuggyServer {
  public:
    explicit BuggyServer(Bug bug, BuggyServerLimits limits = {});
    explicit BuggyServer(BuggyServerOptions options);
    // Stops accepting, ends every connection and joins every thread it started.
    ~BuggyServer();
    BuggyServer(const BuggyServer&) = delete;
    BuggyServer& operator=(const BuggyServer&) = delete;

    std::uint16_t port() const noexcept;
    Bug bug() const noexcept;
    // Connections accepted so far (for tests of the server itself).
    std::size_t connections_accepted() const noexcept;
    // The head of the last upgrade request that arrived, as it came off the wire.
    std::string last_request() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsconform::test_support
