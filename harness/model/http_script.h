// Raw-HTTP scripting for section 14 (the opening handshake, RFC 6455 §4), in both roles.
//
// A handshake case states the exact octets to send (testing a server: our request; testing a
// client: our answer to its request) and a pure judge over what came back. The harness
// (harness/http_case.cpp) owns the socket, the clock and every deadline; what it saw is handed
// to the judge as plain data, the same data the report shows. No Asio here.
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/events.h"
#include "harness/model/judge.h"
#include "protocol/frame.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

// How a raw-HTTP connection ended.
enum class HttpEnd {
    not_connected,  // TCP never connected
    peer_closed,    // the peer closed TCP (FIN)
    peer_reset,     // the peer reset TCP
    we_closed,      // we closed TCP when our script ran out (the peer left it open)
    deadline,       // the case deadline passed; we dropped TCP
};

// The names of HttpEnd's values, in their order.
inline constexpr std::array<const char*, 5> kHttpEndNames{
    "never connected", "the peer closed TCP", "the peer reset TCP",
    "we closed TCP (the peer left it open)", "the case deadline passed"};
static_assert(kHttpEndNames.size() == static_cast<std::size_t>(HttpEnd::deadline) + 1);

inline const char* to_string(HttpEnd end) noexcept {
    const auto i = static_cast<std::size_t>(end);
    return i < kHttpEndNames.size() ? kHttpEndNames[i] : "?";
}

// What came back where an HTTP message head was expected.
enum class HeadStatus {
    none,       // not one byte before the connection ended or the wait ran out
    partial,    // some bytes, but the connection ended or the wait ran out inside the head
    complete,   // a whole head that parses as HTTP/1.x
    malformed,  // bytes that are not an HTTP/1.x head (RFC 9112 §2-§5)
    too_large,  // no blank line within the cap
};

// The names of HeadStatus's values, in their order.
inline constexpr std::array<const char*, 5> kHeadStatusNames{"no answer", "an incomplete head",
                                                             "a complete head", "a malformed head",
                                                             "a head over the size cap"};
static_assert(kHeadStatusNames.size() == static_cast<std::size_t>(HeadStatus::too_large) + 1);

inline const char* to_string(HeadStatus head) noexcept {
    const auto i = static_cast<std::size_t>(head);
    return i < kHeadStatusNames.size() ? kHeadStatusNames[i] : "?";
}

// The harness's waits for one raw-HTTP case. The case deadline always lies past all of them,
// so a peer that never answers, answers half a status line or sends headers forever ends
// the case in bounded time and memory.
struct HttpTimeouts {
    std::chrono::milliseconds connect{3000};
    std::chrono::milliseconds head{5000};       // from the start until a whole head is in
    std::chrono::milliseconds echo{2000};       // after a 101: for the peer's messages
    std::chrono::milliseconds close{2000};      // after our close frame: reply and TCP close
    std::chrono::milliseconds linger{1000};     // after a refusal: does the server close TCP?
    std::chrono::milliseconds fail_wait{2000};  // testing a client: does it close TCP?
};
inline constexpr std::size_t kMaxHttpHeadBytes = 64 * 1024;  // cap on a head we read
inline constexpr std::size_t kMaxHttpBodyBytes = 64 * 1024;  // cap on what we keep after it

// ---------------------------------------------------------------- section 15's settings

// What the user states for section 15's handshake, Origin and proxy probes (15.4-15.6): the
// flags of cli/security_options.h, with their documented defaults.
struct SecuritySettings {
    // --allowed-origin (repeatable): the origins the server accepts. Empty: no policy stated,
    // and the Origin cases (15.5) are informational.
    std::vector<std::string> allowed_origins;
    // --slowloris-connections: slow connections opened at once (15.4.4).
    int slowloris_connections = 8;
    // --slowloris-deadline: each slow connection must be closed by the server within this.
    std::chrono::milliseconds slowloris_deadline{30000};
    // --redos-ratio: a 4x longer header taking this many times longer is a super-linear rise.
    double redos_ratio = 8.0;
};

// The settings of this process's run: set once by the CLI (or a test) before cases start,
// read by the harness when it builds a request. (Merge note: SessionConfig may carry it.)
const SecuritySettings& security_settings();
void set_security_settings(SecuritySettings settings);

// Whether `origin` is one of `allowed` (ASCII case-insensitive, as RFC 6454 §6.2 serializes).
bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed);

// ---------------------------------------------------------------- testing a server

// What a request script builds on: the target named on the command line and a fresh key.
struct RequestContext {
    std::string host;     // Host value for the target: "127.0.0.1:9001"
    std::string target;   // the resource name from the URL: "/" or "/path?query"
    std::string key;      // a fresh Sec-WebSocket-Key (base64 of 16 random octets)
    bool secure = false;  // wss:// (the origin's scheme is https)
    const SecuritySettings* settings = nullptr;  // never null when the harness builds it
};

// The octets we send, exactly.
struct RawRequest {
    std::string head;  // request line, header lines, blank line
    // The key the response's Sec-WebSocket-Accept must answer (may differ from the context's
    // when the case sends a fixed one; empty when the request has none).
    std::string key;
    // Offered in `head`, for the judges' checks of the response.
    std::vector<std::string> protocols;
    std::vector<protocol::DeflateParams> deflate_offers;
    std::vector<std::string> other_extensions;  // offered extension names besides deflate
    // A text message whose masked frame follows the head in the same write (a client that
    // does not wait for the 101, §4.1). Otherwise our text message goes out after a 101.
    std::optional<std::string> pipelined_text;
    // Write the head in pieces of this many octets, each its own TCP segment (0: one write).
    std::size_t chopsize = 0;
    // The case sets Origin (or leaves it out) on purpose: --origin is not added.
    bool own_origin = false;
    // Section 15.5: the Origin sent and whether the stated policy allows it (no policy: unset).
    std::optional<std::string> origin;
    std::optional<bool> origin_allowed;
    // Section 15.6: after a non-101 answer, these octets go out on the same connection and a
    // second head is read (a refused upgrade must leave plain HTTP, never a tunnel).
    std::string follow_up;
};

// One extra connection of a section 15 probe (a fresh handshake, a slow or a timed request).
struct SideConnection {
    bool connected = false;
    std::string error;  // connect or write trouble, in one line
    HeadStatus head = HeadStatus::none;
    protocol::HttpMessage response;  // when head == complete
    std::string head_text;           // the head's octets (capped)
    std::uint64_t bytes_written = 0;
    std::int64_t answer_us = -1;  // from the first octet written until a head or the peer's close
    std::int64_t closed_ms = -1;  // from the connect until the peer closed TCP (-1: it did not)

    bool got_status(int status) const {
        return head == HeadStatus::complete && response.status == status;
    }
};

// A section 15 timing probe: one request size, measured `repeats` times.
struct TimedSize {
    std::size_t size = 0;          // the probed element's length
    std::vector<std::int64_t> us;  // each measurement (answer_us)
    std::int64_t median_us = 0;
};

// Everything seen on one connection to a server.
struct ServerExchange {
    RawRequest request;  // as sent
    bool connected = false;
    std::string error;             // connect or write trouble, in one line
    bool request_written = false;  // every octet of the request was written
    HeadStatus head = HeadStatus::none;
    std::string head_text;           // octets of the response head (capped)
    protocol::HttpMessage response;  // when head == complete
    std::string head_error;          // why it did not parse, when malformed/too_large
    std::int64_t head_ms = -1;       // from the start until the head was complete
    // After a 101 (valid or not): the WebSocket traffic.
    std::string sent_text;        // the text message we sent ("" when none)
    std::vector<Event> messages;  // messages the server sent, in order
    std::uint64_t frames = 0;     // frames the server sent (any opcode)
    std::string frame_error;      // the server's frames broke RFC 6455 (as a client parses)
    bool deflate_agreed = false;  // the response accepted one of our deflate offers
    bool we_sent_close = false;   // we started the closing handshake
    bool peer_sent_close = false;
    bool peer_closed_first = false;  // the server's close frame came before ours
    std::optional<std::uint16_t> peer_close_code;
    // After any other status: the octets after the head (a body), counted and kept up to a cap.
    std::uint64_t body_bytes = 0;
    std::string body_excerpt;
    HttpEnd end = HttpEnd::not_connected;
    std::int64_t end_ms = 0;  // from the start until the connection ended
    // Section 15: what the extra connections of the probe saw.
    std::optional<SideConnection> alive;      // a fresh handshake after the case (crashed?)
    std::vector<SideConnection> slow;         // slowloris: the slow connections
    std::optional<SideConnection> during;     // slowloris: a fresh handshake meanwhile
    std::vector<TimedSize> timings;           // a timing probe, smallest size first
    std::optional<SideConnection> follow_up;  // 15.6: the second answer on this connection
    std::optional<SideConnection> control;    // 15.6: the follow-up on a fresh connection

    bool got_status(int status) const {
        return head == HeadStatus::complete && response.status == status;
    }
    // The first message the server sent is our text message.
    bool echoed() const {
        return !sent_text.empty() && !messages.empty() &&
               messages.front() == text_message(sent_text);
    }
};

struct HttpServerProbe {
    std::function<RawRequest(const RequestContext&)> request;
    // Whether the rule wants the server to upgrade (101, echo, closing handshake) or to
    // refuse. Only for the report's "expected" fields: the judge decides.
    bool expect_upgrade = true;
    // Both columns from what was seen. The harness then applies the case's level (a failed
    // `should` rule becomes NON-STRICT, `informational` forces INFORMATIONAL) and computes
    // the outcome.
    std::function<Verdict(const ServerExchange&)> judge;

    // Section 15 (each off by default): after the exchange, a fresh handshake tells whether
    // the server still accepts connections (a crash is detected so).
    bool check_alive = false;
    // Slowloris: instead of the one exchange, open SecuritySettings::slowloris_connections
    // connections, each sending the request (never its blank line) one octet per second,
    // and make a fresh handshake meanwhile; until the slowloris deadline.
    bool slowloris = false;
    // A timing probe: instead of the one exchange, `timed_request` for each size, `repeats`
    // times (interleaved), each on its own connection, timing the answer.
    std::function<RawRequest(const RequestContext&, std::size_t size)> timed_request;
    std::array<std::size_t, 3> timed_sizes{};
    int repeats = 3;
    // With a RawRequest::follow_up: the follow-up's octets on a fresh connection too.
    bool control_follow_up = false;
};

// ---------------------------------------------------------------- testing a client

// The client's upgrade request, as it arrived.
struct ClientRequest {
    std::string raw;                              // the head's octets
    protocol::HttpMessage head;                   // parsed
    std::string key;                              // Sec-WebSocket-Key ("" when absent)
    std::vector<std::string> protocols;           // offered subprotocols (as tokens)
    std::vector<protocol::Extension> extensions;  // offered extensions (empty if malformed)
    bool extensions_malformed = false;
    std::uint16_t listen_port = 0;  // the port the client connected to
};

// The octets we answer with, exactly.
struct RawResponse {
    std::string head;  // status line, header lines, blank line
    // Text messages we send after the head, one frame each; with `same_write` the first
    // frame leaves in the same write (and TCP segment) as the head.
    std::vector<std::string> texts;
    bool same_write = false;
    std::size_t chopsize = 0;            // write the head in pieces of this size
    std::chrono::milliseconds delay{0};  // wait this long before answering
    // The head is a valid 101 for this request: the client must open, echo every text and
    // answer our close. Otherwise the client must _Fail the WebSocket Connection_: we send
    // the texts anyway, never a close frame, and wait for it to drop TCP.
    bool valid = true;
};

// Everything seen on one connection from a client.
struct ClientExchange {
    ClientRequest request;
    RawResponse response;            // as sent
    std::uint64_t early_bytes = 0;   // octets after the request head before our answer went out
    std::vector<Event> messages;     // messages the client sent, in order
    std::uint64_t frames = 0;        // frames the client sent (any opcode)
    std::uint64_t early_frames = 0;  // of those, frames that came before our answer
    std::vector<protocol::MaskKey> masks;  // masking keys of its frames, in order
    bool unmasked_frame = false;
    std::string frame_error;  // its frames broke RFC 6455 (as a server parses)
    bool we_sent_close = false;
    bool peer_sent_close = false;
    bool peer_closed_first = false;
    std::optional<std::uint16_t> peer_close_code;
    HttpEnd end = HttpEnd::not_connected;
    std::int64_t end_ms = 0;
};

// What one agent (one client under test) did on its earlier connections of this run, kept
// across cases for the checks that compare connections (§4.1 fresh key, §10.3 fresh masks).
struct ClientHistory {
    std::vector<std::string> keys;         // Sec-WebSocket-Key of each earlier connection
    std::vector<protocol::MaskKey> masks;  // every masking key seen, in order
};

struct HttpClientProbe {
    std::function<RawResponse(const ClientRequest&)> respond;
    // `before` is this agent's history before this connection.
    std::function<Verdict(const ClientExchange&, const ClientHistory& before)> judge;
};

// ---------------------------------------------------------------- verdict helpers

// The case's level applied to a judge's columns: a failed `should` rule becomes NON-STRICT,
// `informational` forces both columns; then the outcome (harness::overall_outcome), whose
// reason names the deciding column's sentence.
enum class Level;
Verdict finish_http_verdict(Level level, Verdict v);

// A verdict with both columns set (inline: cases/ links without the harness library).
inline Verdict make_verdict(Behavior behavior, std::string result, Behavior behavior_close,
                            std::string result_close) {
    Verdict v;
    v.behavior = behavior;
    v.result = std::move(result);
    v.behavior_close = behavior_close;
    v.result_close = std::move(result_close);
    return v;
}

}  // namespace wsconform::harness
