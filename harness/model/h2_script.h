// Section 17 (WebSocket over HTTP/2, RFC 8441), testing a server: what a case asks the harness
// to do on one HTTP/2 connection (an H2Plan: which streams to open with which header fields,
// exactly as written, and what to send on them) and a pure judge over what came back (an
// H2Exchange: the server's SETTINGS, each stream's response fields, messages, resets and
// ends). The harness (harness/h2_case.cpp) writes the frames itself, so a case can send what
// nghttp2 would refuse to (a duplicate `:protocol`, a CR in a value, a missing pseudo-header).
// No Asio here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/http_script.h"
#include "protocol/h2_headers.h"

namespace wsconform::harness {

// What a case's request is built from: the target of the run.
struct H2Context {
    std::string scheme;     // "http" (h2c) or "https" (h2 over TLS)
    std::string authority;  // the URL's host and port
    std::string path;       // the URL's path and query
    // What every request of the run carries besides the pseudo-headers (user-agent, --header,
    // --origin), as "Name: value" lines.
    std::vector<std::string> extra_headers;

    // The valid extended CONNECT of RFC 8441 §5 for this target (with `extra` lines added).
    protocol::H2Fields extended_connect(std::vector<std::string> extra = {}) const {
        auto lines = extra_headers;
        lines.insert(lines.end(), extra.begin(), extra.end());
        return protocol::build_extended_connect(scheme, authority, path, lines);
    }
};

// One stream to open.
struct H2StreamPlan {
    protocol::H2Fields fields;  // the request's header block, exactly (order, case, bytes)
    // On a 2xx: a WebSocket. Each text goes out as one masked frame; then our Close (1000)
    // with END_STREAM, and we wait for the server's Close and END_STREAM. Not a WebSocket
    // (a plain GET): HEADERS carry END_STREAM and the response's DATA is counted.
    bool websocket = true;
    std::vector<std::string> texts;
    // Send the first text's frame only half, then RST_STREAM(CANCEL) (RFC 8441 §5's abortive
    // closure): no Close, no END_STREAM.
    bool cancel_mid_message = false;
    // Offered in `fields`, for the judge's and the harness's checks of the response.
    std::vector<std::string> protocols;
    bool deflate_offered = false;
};

struct H2Plan {
    std::vector<H2StreamPlan> streams;  // opened together (ids 1, 3, ...), texts interleaved
    std::vector<H2StreamPlan> then;     // opened once those ended, on the same connection
    // The first streams' HEADERS go out right after our preface, before the server's SETTINGS.
    bool before_settings = false;
    // Without SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 from the server the case is not applicable
    // (17.1.1 judges that); false: run anyway.
    bool needs_setting = true;
    // Our SETTINGS_INITIAL_WINDOW_SIZE (RFC 9113 §6.9.2 default 65,535: no parameter sent).
    std::uint32_t initial_window = 65535;
    // How long our stream windows stay as they are once our texts are out: no WINDOW_UPDATE
    // for a stream until then, so a server that keeps to them (RFC 9113 §6.9.1) sends at most
    // initial_window octets of DATA on it. Then each opens to 65,535 and reopens as we read.
    // Zero: reopened as we read from the start.
    std::chrono::milliseconds hold_stream_windows{0};
};

// What happened on one stream.
struct H2StreamSeen {
    std::uint32_t id = 0;
    H2StreamPlan plan;  // as sent
    std::optional<protocol::H2Fields> response;
    int status = 0;                           // the response's :status (0: none or unparsable)
    std::optional<std::uint32_t> reset_code;  // RST_STREAM from the server
    bool peer_ended = false;                  // END_STREAM from the server
    bool we_cancelled = false;                // we sent RST_STREAM(CANCEL)
    std::vector<std::string> messages;        // text messages the server sent, in order
    std::uint64_t messages_not_kept = 0;      // text messages beyond what we keep of them
    std::uint64_t binary_messages = 0;
    std::uint64_t data_bytes = 0;  // DATA octets received (a plain request's body)
    // Of the DATA octets (padding included): those that came while our window was held
    // (H2Plan::hold_stream_windows), and the most past the window we had opened (RFC 9113
    // §6.9.1; the connection then ends with FLOW_CONTROL_ERROR).
    std::uint64_t data_while_held = 0;
    std::uint64_t window_overrun = 0;
    std::string frame_error;  // the server's WebSocket frames broke RFC 6455 / 7692
    bool deflate_agreed = false;
    std::string deflate_response;  // the response's sec-websocket-extensions
    bool we_sent_close = false;
    bool peer_sent_close = false;
    std::optional<std::uint16_t> peer_close_code;

    bool refused() const { return status >= 400 || (status == 0 && reset_code.has_value()); }
    bool opened() const { return status >= 200 && status < 300; }
    // Every text we sent came back, in order, on this stream.
    bool echoed() const {
        return !plan.texts.empty() && messages == plan.texts && messages_not_kept == 0;
    }
};

// Everything seen on the connection.
struct H2Exchange {
    bool connected = false;
    std::string error;  // connect or I/O trouble, or the server's bytes are not HTTP/2
    bool settings_received = false;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> settings;  // as received, in order
    std::optional<std::uint32_t> connect_protocol;  // SETTINGS_ENABLE_CONNECT_PROTOCOL, if sent
    // A value of the server's SETTINGS that RFC 9113 §6.5.2 / RFC 8441 §3 forbid (we then failed
    // the connection), in words; empty when every value was allowed.
    std::string bad_setting;
    std::vector<H2StreamSeen> streams;  // in the order opened
    std::optional<std::uint32_t> goaway_code;
    bool peer_closed = false;  // the server closed the connection
    bool timed_out = false;    // a wait ran out
    // False under --profile protocol (cases/profile.h): the server is not an echo server, so
    // what comes back on a stream is not judged, only that it opened and how it ended.
    bool messages_judged = true;

    bool advertises_connect() const { return connect_protocol == 1u; }
    const H2StreamSeen* stream(std::size_t i) const {
        return i < streams.size() ? &streams[i] : nullptr;
    }
};

struct H2ServerProbe {
    std::function<H2Plan(const H2Context&)> plan;
    std::function<Verdict(const H2Exchange&)> judge;
};

}  // namespace wsconform::harness
