// A client connection driven one step at a time, each step bound by a deadline: for the live
// fuzzer, `replay` and the reachability probe, which send one input and wait for what comes
// back before deciding the next step. It runs its own io_context on the calling thread.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "harness/transport/connector.h"
#include "harness/transport/stream.h"
#include "protocol/h2_headers.h"

namespace wsconform::harness::transport {

class H2Session;

class BlockingClient {
  public:
    using Deadline = std::chrono::milliseconds;

    BlockingClient();
    ~BlockingClient();
    BlockingClient(const BlockingClient&) = delete;
    BlockingClient& operator=(const BlockingClient&) = delete;

    // Each returns the operation's error, or boost::asio::error::timed_out when the deadline
    // passed first (the operation is then cancelled).
    ErrorCode connect(const ConnectTarget& target, Deadline deadline);
    // WebSocket over HTTP/2 (RFC 8441), on the connection connect() opened: waits for the
    // server's SETTINGS, sends `request` (an extended CONNECT) and gives its `response` (any
    // status: the caller judges). From then on, write() and read_some() use the WebSocket's
    // stream. A TLS connection on which ALPN did not choose h2 gives H2Error::not_h2.
    ErrorCode open_h2_websocket(protocol::H2Fields request, protocol::H2Fields& response,
                                Deadline deadline);
    ErrorCode write(std::string_view bytes, Deadline deadline);
    // Appends what arrives, at most `limit` bytes (at least one is asked for), to `out`.
    ErrorCode read_some(std::string& out, std::size_t limit, Deadline deadline);
    void close();

  private:
    ErrorCode run(const std::function<void(std::function<void(const ErrorCode&)>)>& start,
                  Deadline deadline);

    boost::asio::io_context io_;
    std::shared_ptr<H2Session> h2_;  // the HTTP/2 connection, when stream_ is one of it
    StreamPtr stream_;
    std::shared_ptr<PendingConnect> pending_;
};

inline bool is_timeout(const ErrorCode& ec) {
    return ec == boost::asio::error::timed_out;
}

}  // namespace wsconform::harness::transport
