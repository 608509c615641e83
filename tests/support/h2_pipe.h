// The test client's HTTP/2 side (BuggyClient with ClientOptions::http2): one WebSocket over
// RFC 8441's extended CONNECT on a connection of its own, through the harness's H2Session
// (client role), with a blocking interface like Socket's so the same conversation code runs
// over it. h2c by prior knowledge, or TLS with ALPN "h2". Every wait is bounded.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "protocol/h2_headers.h"
#include "tests/support/socket.h"

namespace wsconform::test_support {

struct H2PipeOptions {
    std::uint16_t port = 0;  // on 127.0.0.1
    bool tls = false;
    std::string ca_file;            // with tls: the CA to trust (the server's name: localhost)
    bool wait_for_settings = true;  // false: the planted mistake (CONNECT before SETTINGS)
};

class H2Pipe {
  public:
    explicit H2Pipe(H2PipeOptions options);
    ~H2Pipe();  // our END_STREAM and GOAWAY go out (bounded), then the connection closes

    // Connects and sends `request` on a new stream; true once the server's response arrived
    // (in `response`, any status), false with `error` set otherwise (the server does not
    // offer RFC 8441, the connection failed or ended, the deadline passed).
    bool open(protocol::H2Fields request, Clock::time_point deadline, protocol::H2Fields& response,
              std::string& error);
    // open() gave up because the server's SETTINGS do not allow an extended CONNECT (RFC 8441
    // §3): the client doing its job, not the server failing to answer.
    bool not_offered() const;
    // open() failed because we refused the server's certificate (section 16's flawed ones).
    bool certificate_refused() const;

    // As Socket's: the stream's DATA, eof for END_STREAM, a reset or the connection's end.
    Socket::Read read_some(std::string& into, Clock::time_point deadline);
    bool write_all(std::string_view bytes, Clock::time_point deadline);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsconform::test_support
