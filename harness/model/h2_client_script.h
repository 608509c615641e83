// Section 17 (WebSocket over HTTP/2, RFC 8441), testing a client: what a case asks of the
// client-testing server (the SETTINGS of the HTTP/2 connection it needs) and a pure judge over
// what the client did on that connection (an H2ClientExchange: its requests with their fields
// and times, its SETTINGS ACKs, the WebSocket traffic, its GOAWAY or its close).
//
// SETTINGS belong to a connection, and a client sends its preface before it names a case. So
// a case whose profile is not `normal` gets the next HTTP/2 connection after the /runCase of
// the case before it (the prediction section 16 uses for certificates), driven frame by frame
// by the harness (harness/h2_client_case.cpp): nghttp2 would refuse to send a value of 2 or a
// change from 1 to 0. A `normal` case needs no connection of its own: its /runCase arrives on
// any HTTP/2 connection, the judge sees that request as it came, then `echo` runs on the
// stream. No Asio here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/http_script.h"
#include "harness/model/session.h"
#include "protocol/h2_headers.h"

namespace wsconform::harness {

// The SETTINGS of the connection a client case runs on.
enum class H2SettingsProfile {
    normal,         // ENABLE_CONNECT_PROTOCOL = 1 at once, on any connection
    delayed,        // ENABLE_CONNECT_PROTOCOL = 1, sent 200 ms after the client's preface
    absent,         // SETTINGS without ENABLE_CONNECT_PROTOCOL
    zero,           // ENABLE_CONNECT_PROTOCOL = 0
    one_then_zero,  // 1, then (once the WebSocket echoed) a SETTINGS frame with 0
    one_then_two,   // 1, then (once the WebSocket echoed) a SETTINGS frame with 2
    // 1 and SETTINGS_INITIAL_WINDOW_SIZE = kH2HeldWindow; once the WebSocket opens, a message
    // of kH2HeldWindowMessage octets, and no WINDOW_UPDATE for its stream for kH2WindowHold
    held_window,
};

// How a profile reads in reports ("SETTINGS without ENABLE_CONNECT_PROTOCOL" ...).
std::string to_string(H2SettingsProfile profile);

// The delay of H2SettingsProfile::delayed.
inline constexpr std::chrono::milliseconds kH2SettingsDelay{200};
// H2SettingsProfile::held_window: the stream window we open, the message whose echo cannot fit
// in it (one DATA frame within the default SETTINGS_MAX_FRAME_SIZE), and how long we hold it.
inline constexpr std::uint32_t kH2HeldWindow = 4096;
inline constexpr std::size_t kH2HeldWindowMessage = 12 * 1024;
inline constexpr std::chrono::milliseconds kH2WindowHold{500};

// One request (a header block opening a stream) from the client.
struct H2ClientRequest {
    std::uint32_t stream = 0;
    protocol::H2Fields fields;  // as decoded, in order
    std::int64_t at_ms = 0;     // since the client's preface arrived
    // It arrived before our first SETTINGS frame was written (the client cannot have read it).
    bool before_our_settings = false;
    // It arrived before the client acknowledged our first SETTINGS (RFC 9113 §6.5.3).
    bool before_settings_ack = false;
    bool for_this_case = false;  // an extended CONNECT whose :path is this case's /runCase
    std::string answer;          // what we did: ":status 200", "RST_STREAM PROTOCOL_ERROR" ...

    bool extended_connect() const {
        return protocol::find_field(fields, ":method") == "CONNECT" &&
               protocol::find_field(fields, ":protocol").has_value();
    }
};

// Everything seen on the case's connection.
struct H2ClientExchange {
    H2SettingsProfile profile = H2SettingsProfile::normal;
    std::string error;  // I/O trouble, or the client's bytes are not HTTP/2
    // A value of the client's SETTINGS that RFC 9113 §6.5.2 / RFC 8441 §3 forbid (we then failed
    // the connection), in words; empty when every value was allowed.
    std::string bad_setting;
    std::int64_t settings_sent_ms = -1;  // our first SETTINGS went out
    std::int64_t settings_ack_ms = -1;   // the client acknowledged them
    std::vector<H2ClientRequest> requests;
    // The WebSocket of this case's extended CONNECT (answered :status 200).
    bool opened = false;
    std::vector<std::string> sent;      // our text messages, in order
    std::vector<std::string> messages;  // the client's text messages, in order
    std::string frame_error;            // the client's frames broke RFC 6455
    bool we_sent_close = false, peer_sent_close = false, peer_ended = false;
    std::optional<std::uint32_t> reset_code;  // RST_STREAM from the client on that stream
    // 17.7.3, 17.7.4: our second SETTINGS (the change) and what followed it.
    std::int64_t change_sent_ms = -1;
    std::size_t messages_before_change = 0;
    bool change_acked = false;  // the client acknowledged the change
    // The client's GOAWAY, its close of the connection, a fallback to HTTP/1.1.
    std::optional<std::uint32_t> goaway_code;
    std::int64_t goaway_ms = -1;
    bool peer_closed = false;
    std::int64_t closed_ms = -1;
    // H2SettingsProfile::held_window: the client's DATA octets (padding included) on the
    // WebSocket's stream while its window was held, and the most past the window we had
    // opened (RFC 9113 §6.9.1; we then end the connection with FLOW_CONTROL_ERROR).
    std::uint64_t data_while_held = 0;
    std::uint64_t window_overrun = 0;
    bool fell_back_to_http11 = false;  // a /runCase for this case came over HTTP/1.1 meanwhile
    bool timed_out = false;            // the last wait ran out (the client went quiet)
    std::int64_t end_ms = 0;           // when the case stopped watching

    // The client's first message is our first, back: the WebSocket echoes.
    bool echoed_first() const {
        return !sent.empty() && !messages.empty() && messages.front() == sent.front();
    }
    const H2ClientRequest* first_connect() const {
        for (const auto& r : requests)
            if (r.extended_connect()) return &r;
        return nullptr;
    }
    // The client's messages after our change of the setting.
    std::size_t messages_after_change() const {
        return messages.size() > messages_before_change ? messages.size() - messages_before_change
                                                        : 0;
    }
};

struct H2ClientProbe {
    H2SettingsProfile profile = H2SettingsProfile::normal;
    // Both columns from what was seen (the harness then applies the case's level). For a
    // `normal` case the exchange holds the one request (fields and time) and the judge looks
    // at it only; when it says OK, the case's verdict is that of `echo`.
    std::function<Verdict(const H2ClientExchange&)> judge;
    // `normal` cases: the on_open of the WebSocket script that runs on the stream after the
    // request was judged (a short echo and a clean close).
    std::function<void(Session&)> echo;
};

}  // namespace wsconform::harness
