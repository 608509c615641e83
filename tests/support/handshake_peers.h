// Peers with one planted flaw each, for the section 14 tests (tests/handshake_section_test.cpp)
// and section 18's (tests/masking_section_test.cpp): a WebSocket echo server and a client of
// Autobahn's driver protocol, both built on the project's sans-I/O codec. Running section 14
// against them shows whether the harness notices exactly that flaw, and whether a peer that never
// answers, answers half a status line or sends headers forever still gets a verdict in bounded time
// and memory.
//
// Blocking POSIX sockets, every wait bounded; servers listen on 127.0.0.1 (ephemeral port) from
// construction until destruction. No Asio in this header.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace wsconform::test_support {

enum class ServerFlaw {
    none,                   // a correct echo server (the control)
    wrong_accept,           // Sec-WebSocket-Accept computed from another key
    unoffered_subprotocol,  // always selects subprotocol "mqtt", offered or not
    upgrade_any_method,     // upgrades a POST (or "get") as if it were GET
    never_answer,           // reads the request, then never writes; TCP stays open
    partial_status_line,    // writes "HTTP/1.1 10" and then nothing; TCP stays open
    headers_forever,        // a 101 status line, then 1 KiB header lines as fast as it can
    slow_headers,           // a 101 status line, then one octet every 50 ms, never a blank line
    accepts_unmasked,       // a correct handshake, then takes unmasked frames too (RFC 6455 5.1)
    // Section 15.4's planted weaknesses, one per probe:
    crashes_past_2000_headers,  // keeps the first 2,000 header lines (as node's parser does) and
                                // "crashes" when the key is not among them (CVE-2024-37890):
                                // from then on every connection is dropped unanswered
    no_header_limit,            // reads a head of any size (up to 4 MiB) and any line count
    no_handshake_deadline,      // waits for a request head as long as the connection lives
    quadratic_protocols,        // parses Sec-WebSocket-Protocol in time quadratic in its length
};

std::string_view to_string(ServerFlaw flaw) noexcept;

class HandshakeServer {
  public:
    // `head_wait`: how long it waits for a request head (no_handshake_deadline: no limit).
    explicit HandshakeServer(ServerFlaw flaw,
                             std::chrono::milliseconds head_wait = std::chrono::milliseconds(5000));
    // Stops accepting, ends every connection and joins every thread it started.
    ~HandshakeServer();
    HandshakeServer(const HandshakeServer&) = delete;
    HandshakeServer& operator=(const HandshakeServer&) = delete;

    std::uint16_t port() const noexcept;
    // Octets written on all connections so far (headers_forever: how much the harness let in
    // before it gave up).
    std::uint64_t bytes_written() const noexcept;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

enum class ClientFlaw {
    none,            // checks the 101 as RFC 6455 4.1 says
    ignore_accept,   // takes any Sec-WebSocket-Accept (or none) as valid
    accepts_masked,  // takes masked frames from the server (RFC 6455 5.1)
    // Section 15.1.7-15.1.9: both offer a bare permessage-deflate (and never compress).
    offers_deflate,          // checks the response's parameters against the offer (RFC 7692 7)
    any_deflate_parameters,  // takes a permessage-deflate response whatever its parameters
};

// Plays one case of `wsconform test-client` as a client under test: connects to
// 127.0.0.1:port/runCase?case=N&agent=A, checks the 101 (unless the flaw says otherwise),
// echoes every message with a fresh random masking key, and answers the server's close.
// Returns within about 15 s whatever the server does.
void run_client_case(std::uint16_t port, int number, const std::string& agent, ClientFlaw flaw);

}  // namespace wsconform::test_support
