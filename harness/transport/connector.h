// The one place that opens outgoing connections: resolve a host, then connect to its
// addresses in order until one answers, and for wss:// run the TLS handshake on the
// connection, so callers get a Stream either way.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/transport/stream.h"
#include "harness/transport/tls_context.h"

namespace wsconform::harness::transport {

// Where to connect: the resolved addresses of one host.
struct ConnectTarget {
    std::string host;  // as written in the URL: SNI and the name the certificate must match
    std::uint16_t port = 0;
    std::vector<boost::asio::ip::tcp::endpoint> addresses;
    TlsContextPtr tls;  // set: TLS (wss://) on top of the TCP connection
    // Set: connect to this HTTP proxy and ask it to CONNECT to host:port first.
    // (`addresses` are then the proxy's.)
    struct Proxy {
        std::string name;           // the proxy's "HOST:PORT", for messages (never credentials)
        std::string authority;      // what to CONNECT to: "HOST:PORT"
        std::string authorization;  // a Proxy-Authorization value, or empty
    };
    std::optional<Proxy> proxy;
    // WebSockets over HTTP/2 (RFC 8441): the session runs an HTTP/2 connection on the stream
    // the connector gives (h2c with prior knowledge; over TLS, `tls` offers ALPN "h2").
    bool http2 = false;
};

// Resolves `host` (blocking; once per run). On failure returns an empty address list and
// sets `error` to one line.
ConnectTarget resolve(const std::string& host, std::uint16_t port, std::string& error);

using ConnectHandler = std::function<void(const ErrorCode&, StreamPtr)>;

// A connection attempt under way; cancel() ends it (the handler then gets operation_aborted).
class PendingConnect {
  public:
    virtual ~PendingConnect() = default;
    virtual void cancel() = 0;
};

// Connects to the target's addresses in order on `io` (or to its proxy's, then asks the proxy
// to CONNECT), then runs the TLS handshake when the target asks for TLS. The handler gets the
// stream, or the last address's error (no address at all: host_not_found), or the TLS handshake's.
std::shared_ptr<PendingConnect> async_connect(boost::asio::io_context& io,
                                              const ConnectTarget& target, ConnectHandler handler);

}  // namespace wsconform::harness::transport
