// A small WebSocket client for testing `wsconform test-client`: it speaks Autobahn's URL
// protocol (/getCaseCount, /runCase, /getCaseInfo, /getCaseStatus, /updateReports,
// /stopServer) and plays each case as the clients Autobahn tests do: echo every message with
// the same type and bytes, answer pings, fail the connection on protocol errors (1002) and
// invalid UTF-8 (1007), answer the server's Close and wait for it to drop TCP. It is a correct
// RFC 6455 client built on the project's sans-I/O codec, with at most one planted bug; with
// its limits set (ClientOptions) it is also the client of ours that section 15 judges.
//
// Blocking POSIX sockets to 127.0.0.1, every wait bounded. No Asio in this header.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsconform::test_support {

enum class ClientBug {
    none,                  // a correct client (the control)
    unmasked,              // sends every frame unmasked (RFC 6455 5.1, 5.3 require masking)
    skip_utf8_validation,  // never checks UTF-8: echoes invalid text, accepts bad close reasons
    no_close_reply,        // never answers the server's Close frame (RFC 6455 5.5.1)
};

std::string_view to_string(ClientBug bug) noexcept;
std::optional<ClientBug> client_bug_from_string(std::string_view name) noexcept;

// How one connection went.
struct Exchange {
    std::string error;  // connect failure, timeout or a rejected response; empty otherwise
    // We failed the opening handshake: the response was malformed (or too large), or a 101
    // that RFC 6455 4.1 / RFC 7692 7 make us refuse.
    bool rejected_response = false;
    int http_status = 0;   // 101, 400, 503 ..., over HTTP/2 the :status (0: no parsable response)
    bool over_h2 = false;  // an extended CONNECT on an HTTP/2 connection (RFC 8441)
    std::string http_response;                // the response head, and for non-101 answers the body
    std::vector<std::string> texts;           // text messages received
    std::optional<std::uint16_t> close_code;  // the server's Close code, if it sent one
    bool close_received = false;              // the server sent a Close frame
    bool close_sent = false;                  // we sent a Close (reply or failure)
    std::optional<std::uint16_t> failed_with;  // we failed the connection with this code
    bool server_dropped_tcp = false;           // EOF/reset seen (rather than our deadline)

    // The WebSocket opened: a 101, or over HTTP/2 a 2xx (RFC 8441 §5).
    bool opened() const {
        return over_h2 ? http_status >= 200 && http_status < 300 : http_status == 101;
    }
};

struct ClientOptions {
    std::string host_header;      // empty: "127.0.0.1:<port>"
    unsigned timeout_ms = 30000;  // a whole connection, whatever happens
    unsigned linger_ms = 3000;    // after a Close went either way: wait this long for the drop
    // Also the cap on an inflated message: a deflate bomb is failed with 1009.
    std::size_t max_message = 16u << 20;
    // Offer permessage-deflate (RFC 7692), without parameters, check the response
    // strictly (parameters that do not fit the offer fail the connection: 7.1), and then
    // inflate what arrives compressed and echo compressed.
    bool offer_deflate = false;
    // Fail with 1009 a message of more than this many frames (0: no limit).
    std::size_t max_fragments = 0;
    // Each WebSocket over HTTP/2 instead (RFC 8441's extended CONNECT, one connection each):
    // h2c by prior knowledge, or with `tls` TLS and ALPN h2 to "localhost", trusting `ca_file`.
    bool http2 = false;
    bool tls = false;
    std::string ca_file;
    // The planted RFC 8441 §3 mistake (with http2): the extended CONNECT goes out right after
    // the preface, without waiting for the server's SETTINGS.
    bool connect_before_settings = false;
};

class BuggyClient {
  public:
    BuggyClient(std::uint16_t port, ClientBug bug, ClientOptions options = {});

    std::uint16_t port() const noexcept { return port_; }
    ClientBug bug() const noexcept { return bug_; }

    // One WebSocket connection to `target` (path and query, sent as given): the opening
    // handshake, then echo until the connection ends.
    Exchange open(const std::string& target) const;

    // The URL protocol. `agent` is percent-encoded here.
    std::optional<int> case_count() const;
    Exchange run_case(int number, std::string_view agent) const;
    Exchange run_case(std::string_view id, std::string_view agent) const;  // casetuple
    std::optional<std::string> case_info(int number) const;                // the JSON text
    std::optional<std::string> case_status(int number, std::string_view agent) const;
    bool update_reports(std::string_view agent, bool shutdown_on_complete = false) const;
    bool stop_server() const;

    // open() on every target, `parallel` at a time; results in the order of `targets`.
    std::vector<Exchange> open_all(const std::vector<std::string>& targets,
                                   unsigned parallel) const;

  private:
    Exchange open_h2(const std::string& target) const;

    std::uint16_t port_;
    ClientBug bug_;
    ClientOptions options_;
};

// Every byte outside RFC 3986's unreserved set as %XX.
std::string percent_encode(std::string_view text);
std::string run_case_target(int number, std::string_view agent);
std::string run_case_target(std::string_view id, std::string_view agent);

// Sends `bytes` to 127.0.0.1:port and returns what comes back until the peer closes, or
// `timeout_ms` passes (then `timed_out` is set). For raw HTTP tests.
struct RawReply {
    std::string bytes;
    bool connected = false;
    bool timed_out = false;
};
RawReply raw_exchange(std::uint16_t port, std::string_view bytes, unsigned timeout_ms = 5000);

}  // namespace wsconform::test_support
