// The built-in reference echo server (`wsconform serve`): a strict RFC 6455 endpoint. It echoes
// every text/binary message with the same type and bytes, answers pings, completes the closing
// handshake echoing the peer's code, and fails the connection with the close code the RFC asks
// for on every violation, checking UTF-8 fail-fast. No Asio in this header.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "harness/transport/tls_fwd.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

struct EchoServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9001;  // 0: ephemeral
    // Limits (RFC 6455 10.4; section 15 checks them): a message larger than max_message,
    // compressed or inflated, fails the connection with 1009 (a frame header declaring more at
    // once); so does a message of more than max_fragments frames. A peer that does not read
    // what we owe it (echoes, pongs) is not read either until our queue drains.
    std::size_t max_message = 64u << 20;
    std::size_t max_fragments = 100000;
    std::size_t max_connections = 1000;
    // The opening handshake is bounded: its head in octets and in header lines (a larger one
    // is refused with 431 or 400), and in time from the connect (a slower client is dropped).
    std::size_t max_header_bytes = 16 * 1024;
    std::size_t max_header_lines = 100;
    std::chrono::milliseconds handshake_timeout{10000};
    // Set: the Origin values accepted (RFC 6455 10.2); a request with another Origin gets 403.
    // A request without Origin (not from a browser) is accepted. Empty: any Origin.
    std::vector<std::string> allowed_origins;
    // After we send a close frame, how long we wait for the peer's before dropping TCP.
    std::chrono::milliseconds close_timeout{2000};
    unsigned threads = 1;
    // permessage-deflate (RFC 7692): accepted when a client offers it, asking of the client
    // what the policy says. RSV1 is legal only on connections that agreed to it.
    bool deflate = true;
    protocol::DeflateServerPolicy deflate_policy;
    int deflate_level = 1;  // zlib level of our echoes: speed over size
    // Echo a compressed message with the peer's own compressed bytes instead of compressing it
    // again, when that is valid: our compressed stream then holds exactly the messages the
    // peer's holds, in the same order (every compressed message is echoed compressed, every
    // other one uncompressed), and the peer's back-references fit the window and context rules
    // agreed for our direction (its window no larger than ours; it resets whenever we must).
    // Every message is still inflated and checked first. It halves the server's CPU in
    // sections 12 and 13; turn it off to have the peer inflate what our Deflater writes.
    bool deflate_passthrough = true;
    // run() also returns on SIGINT/SIGTERM, after closing connections.
    bool stop_on_signals = false;
    // Set: serve wss:// only (--tls-cert/--tls-key).
    transport::TlsContextPtr tls;
    // WebSockets over HTTP/2 too (RFC 8441, --http2): a connection that starts with the
    // HTTP/2 client preface (h2c with prior knowledge, or h2 chosen by ALPN when `tls` offers
    // it) is served as HTTP/2, advertising SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; each extended
    // CONNECT gets the same echo logic on its stream. HTTP/1.1 upgrades still work alike.
    bool http2 = false;
};

class EchoServer {
  public:
    explicit EchoServer(EchoServerOptions options);
    ~EchoServer();

    // Binds and listens; throws std::system_error with a one-line message on failure.
    void listen();
    std::uint16_t port() const;
    // Serves until stop() (thread-safe, also from a signal handler thread) is called.
    void run();
    void stop();
    // Starts serving on background threads (for tests); stop() + destructor end it.
    void start_background();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsconform::harness
