#include "cases/s17_http2/server_cases.h"

#include <algorithm>
#include <array>
#include <functional>
#include <string>
#include <utility>

#include "harness/model/h2_script.h"
#include "protocol/h2_frame.h"
#include "protocol/h2_headers.h"

namespace wsconform::cases::s17 {

namespace {

using harness::Behavior;
using harness::Case;
using harness::H2Context;
using harness::H2Exchange;
using harness::H2Plan;
using harness::H2StreamPlan;
using harness::H2StreamSeen;
using harness::Level;
using harness::Verdict;
using protocol::H2Field;
using protocol::H2Fields;

constexpr const char* kGreeting = "Hello over HTTP/2";
// How an RFC 9113 §7 error code reads in a verdict.
std::string error_name(std::uint32_t code) {
    return protocol::h2::error_code_name(code);
}

// One column's verdict; the close column says how the streams ended (judged only in 17.4).
Verdict verdict(Behavior b, std::string text, const H2Exchange& x) {
    std::string ends;
    for (const auto& s : x.streams) {
        ends += (ends.empty() ? "" : "; ") + std::string("stream ") + std::to_string(s.id) + ": ";
        ends += s.reset_code     ? "RST_STREAM " + error_name(*s.reset_code) + " from the server"
                : s.we_cancelled ? std::string("we reset it (CANCEL)")
                : s.peer_ended   ? std::string("END_STREAM from the server")
                                 : std::string("still open when the case ended");
    }
    if (x.goaway_code) ends += "; GOAWAY " + error_name(*x.goaway_code);
    if (ends.empty()) ends = "no stream was opened";
    return harness::make_verdict(b, std::move(text),
                                 b == Behavior::unimplemented ? b : Behavior::ok,
                                 "How it ended: " + ends + ".");
}

// What came back on a stream, in one sentence.
std::string seen(const H2StreamSeen& s) {
    std::string out = "stream " + std::to_string(s.id) + ": ";
    if (s.status)
        out += ":status " + std::to_string(s.status);
    else if (s.reset_code)
        out += "RST_STREAM " + error_name(*s.reset_code) + " (no response)";
    else
        out += "no response";
    if (s.status && s.reset_code) out += ", then RST_STREAM " + error_name(*s.reset_code);
    if (s.opened() && s.plan.websocket) {
        std::size_t same = 0;
        while (same < s.messages.size() && same < s.plan.texts.size() &&
               s.messages[same] == s.plan.texts[same])
            ++same;
        out += ", " + std::to_string(same) + " of " + std::to_string(s.plan.texts.size()) +
               " message(s) came back as sent";
        if (const auto others = s.messages.size() - same + s.messages_not_kept)
            out += " (and " + std::to_string(others) + " other message(s))";
        if (!s.frame_error.empty()) out += ", its frames broke a rule: " + s.frame_error;
        if (s.peer_sent_close)
            out += ", the server's Close " + (s.peer_close_code ? std::to_string(*s.peer_close_code)
                                                                : std::string("(no code)"));
    }
    return out;
}

// A stream that ended without the server's Close, said truly whether or not ours went out
// (it does not when the stream or the connection ends first).
std::string no_close_from(const H2StreamSeen& s) {
    const auto stream = "stream " + std::to_string(s.id);
    return s.we_sent_close ? stream + " did not answer our Close"
                           : stream + " ended with no Close from the server, before ours went out";
}

const H2StreamSeen* first_stream(const H2Exchange& x) {
    return x.stream(0);
}

// No stream to judge: the connection failed first.
std::optional<Verdict> no_exchange(const H2Exchange& x) {
    if (!x.connected) return verdict(Behavior::failed, "No connection: " + x.error + ".", x);
    if (!x.settings_received)
        return verdict(Behavior::failed,
                       "The server sent no SETTINGS (RFC 9113 §3.4): " + x.error + ".", x);
    if (x.streams.empty())
        return verdict(Behavior::failed, "No stream was opened: " + x.error + ".", x);
    return std::nullopt;
}

// A case whose point is not the opening itself: when the server refuses a valid extended
// CONNECT, the case is not applicable (17.1.2 judges the refusal).
std::optional<Verdict> opening_gate(const H2Exchange& x, const H2StreamSeen& s) {
    if (s.opened()) return std::nullopt;
    return verdict(Behavior::unimplemented,
                   "Not applicable: the server did not open a WebSocket for a valid extended "
                   "CONNECT (" +
                       seen(s) + "); case 17.1.2 judges that.",
                   x);
}

// ---------------------------------------------------------------- plans

H2StreamPlan websocket(H2Fields fields, std::vector<std::string> texts = {kGreeting}) {
    H2StreamPlan p;
    p.fields = std::move(fields);
    p.texts = std::move(texts);
    return p;
}

// The valid request changed by `edit`: a malformed one (17.2, 17.3).
std::function<H2Plan(const H2Context&)> malformed(std::function<void(H2Fields&)> edit) {
    return [edit](const H2Context& c) {
        auto fields = c.extended_connect();
        edit(fields);
        return H2Plan{.streams = {websocket(std::move(fields))}};
    };
}

void remove(H2Fields& fields, std::string_view name) {
    std::erase_if(fields, [&](const H2Field& f) { return f.name == name; });
}
void set(H2Fields& fields, std::string_view name, std::string value) {
    for (auto& f : fields)
        if (f.name == name) f.value = value;
}
// After the pseudo-headers (RFC 9113 §8.3: they come first).
void add(H2Fields& fields, std::string name, std::string value) {
    const auto at = std::find_if(fields.begin(), fields.end(),
                                 [](const H2Field& f) { return f.name[0] != ':'; });
    fields.insert(at, {std::move(name), std::move(value)});
}

// ---------------------------------------------------------------- judges

// 17.2, 17.3: the request is malformed; any refusal passes, a 2xx fails. `strict_status`: the
// status RFC 9220 suggests (a refusal with another one is NON-STRICT).
std::function<Verdict(const H2Exchange&)> must_refuse(std::string what, int strict_status = 0) {
    return [what, strict_status](const H2Exchange& x) {
        if (auto v = no_exchange(x)) return *v;
        const auto& s = *first_stream(x);
        if (s.opened())
            return verdict(Behavior::failed,
                           "The server accepted " + what + " (" + seen(s) +
                               "): it must refuse it (a 4xx, or RST_STREAM PROTOCOL_ERROR).",
                           x);
        if (s.refused()) {
            if (strict_status && s.status != strict_status)
                return verdict(Behavior::non_strict,
                               "The server refused " + what + " (" + seen(s) +
                                   "); RFC 9220 §3 suggests :status " +
                                   std::to_string(strict_status) + ".",
                               x);
            return verdict(Behavior::ok, "The server refused " + what + " (" + seen(s) + ").", x);
        }
        if (x.goaway_code)
            return verdict(Behavior::ok,
                           "The server ended the connection with GOAWAY " +
                               error_name(*x.goaway_code) + " for " + what +
                               " (a connection error in place of a stream error, RFC 9113 §5.4.1).",
                           x);
        if (s.status)
            return verdict(Behavior::non_strict,
                           "The server answered " + what + " with :status " +
                               std::to_string(s.status) + ", neither a refusal nor an opening.",
                           x);
        return verdict(Behavior::failed,
                       "The server never answered " + what + " (" + seen(s) + ").", x);
    };
}

// The WebSocket on the first stream opened and echoed; `more` judges the rest.
std::function<Verdict(const H2Exchange&)> opens(
    std::function<std::optional<Verdict>(const H2Exchange&, const H2StreamSeen&)> more = {},
    bool gate = true) {
    return [more, gate](const H2Exchange& x) {
        if (auto v = no_exchange(x)) return *v;
        const auto& s = *first_stream(x);
        if (gate) {
            if (auto v = opening_gate(x, s)) return *v;
        } else if (!s.opened()) {
            return verdict(Behavior::failed,
                           "The server did not open a WebSocket for a valid extended CONNECT (" +
                               seen(s) + ").",
                           x);
        }
        if (more)
            if (auto v = more(x, s)) return *v;
        if (!x.messages_judged)
            return verdict(Behavior::ok, "The WebSocket opened (" + seen(s) + ").", x);
        if (!s.echoed())
            return verdict(
                Behavior::failed,
                "The WebSocket opened but our message did not come back (" + seen(s) + ").", x);
        return verdict(Behavior::ok,
                       "The WebSocket opened and our message came back (" + seen(s) + ").", x);
    };
}

Case server_case(std::string id, std::string title, std::string description,
                 std::string expectation, std::vector<std::string> rfc, std::string requirement,
                 std::function<H2Plan(const H2Context&)> plan,
                 std::function<Verdict(const H2Exchange&)> judge, Level level = Level::must) {
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description),
        .expectation = std::move(expectation),
        .rfc = std::move(rfc),
        .requirement = std::move(requirement),
        .level = level,
        .script = harness::H2ServerProbe{std::move(plan), std::move(judge)},
    };
}

std::function<H2Plan(const H2Context&)> valid_request(std::vector<std::string> extra = {}) {
    return [extra](const H2Context& c) {
        return H2Plan{.streams = {websocket(c.extended_connect(extra))}};
    };
}

// ---------------------------------------------------------------- 17.1

void add_opening(std::vector<Case>& out) {
    out.push_back(server_case(
        "17.1.1", "The server's SETTINGS advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1",
        "Testing a server over HTTP/2: we read the server's first SETTINGS frame and look for "
        "SETTINGS_ENABLE_CONNECT_PROTOCOL (0x8). We then send a valid extended CONNECT either way, "
        "to show what the server does with it.",
        "The parameter is there with the value 1, and the frame holds no value a client must "
        "refuse (such as MAX_FRAME_SIZE below 16,384). Without the parameter no client may open a "
        "WebSocket over HTTP/2, and every other case of 17.1-17.5 is not applicable; a server that "
        "then answers the extended CONNECT with a 2xx treats a malformed request as valid.",
        {"RFC 8441 3", "RFC 8441 4", "RFC 9113 6.5.2"},
        "A server that supports WebSockets over HTTP/2 sends SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; "
        "a client may send :protocol only after receiving it, and a :protocol without it is "
        "malformed. A SETTINGS value outside its range is a connection error.",
        [](const H2Context& c) {
            auto plan = H2Plan{.streams = {websocket(c.extended_connect())}};
            plan.needs_setting = false;
            return plan;
        },
        [](const H2Exchange& x) {
            if (!x.connected)
                return verdict(Behavior::failed, "No connection: " + x.error + ".", x);
            if (!x.settings_received)
                return verdict(Behavior::failed,
                               "The server sent no SETTINGS (RFC 9113 §3.4): " + x.error + ".", x);
            if (!x.bad_setting.empty())
                return verdict(Behavior::failed,
                               "The server's SETTINGS carry a value no client may accept: " +
                                   x.bad_setting + "; we failed the connection, as a client must.",
                               x);
            if (x.advertises_connect())
                return verdict(Behavior::ok,
                               "The server's SETTINGS carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1.",
                               x);
            std::string text =
                "The server's SETTINGS do not carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (" +
                (x.connect_protocol ? "the value is " + std::to_string(*x.connect_protocol)
                                    : std::string("the parameter is absent")) +
                "): no client may open a WebSocket over HTTP/2 with it.";
            if (const auto* s = first_stream(x); s && s->opened())
                text +=
                    " Yet it answered our extended CONNECT with :status " +
                    std::to_string(s->status) +
                    " (RFC 8441 §3: without the setting the request is malformed, a stream error "
                    "PROTOCOL_ERROR).";
            else if (const auto* s = first_stream(x))
                text += " Our extended CONNECT anyway: " + seen(*s) + ".";
            return verdict(Behavior::failed, text, x);
        }));
    out.push_back(server_case(
        "17.1.2", "A valid extended CONNECT opens a WebSocket: 2xx, then our message comes back",
        "Testing a server over HTTP/2: :method CONNECT, :protocol websocket, :scheme, :path, "
        ":authority, sec-websocket-version 13 (no key, no Connection or Upgrade); then one text "
        "message, our Close and END_STREAM.",
        "A 2xx response (200), then the message echoed on the same stream.",
        {"RFC 8441 4", "RFC 8441 5"},
        "A server that advertises the setting answers a valid extended CONNECT for websocket with "
        "a "
        "2xx; the stream then carries RFC 6455 frames.",
        valid_request(), opens({}, false)));
    out.push_back(server_case(
        "17.1.3", "The 2xx carries no sec-websocket-accept",
        "Testing a server over HTTP/2: the valid extended CONNECT of 17.1.2; we look at its "
        "response's fields.",
        "No sec-websocket-accept field in the response (the key and its accept value belong to "
        "the HTTP/1.1 upgrade). A server that sends one is NON-STRICT.",
        {"RFC 8441 5"}, "Sec-WebSocket-Key and Sec-WebSocket-Accept are not used over HTTP/2.",
        valid_request(),
        opens([](const H2Exchange& x, const H2StreamSeen& s) -> std::optional<Verdict> {
            if (const auto v = protocol::find_field(*s.response, "sec-websocket-accept"))
                return verdict(
                    Behavior::failed,
                    "The response carries sec-websocket-accept: " + std::string(*v) + ".", x);
            return std::nullopt;
        }),
        Level::should));
    out.push_back(server_case(
        "17.1.4", "The 2xx carries no connection-specific field",
        "Testing a server over HTTP/2: the valid extended CONNECT of 17.1.2; we look for "
        "connection, upgrade, keep-alive, proxy-connection and transfer-encoding in its response.",
        "None of them: an HTTP/2 message with a connection-specific field is malformed.",
        {"RFC 9113 8.2.2", "RFC 8441 5"},
        "An endpoint MUST NOT generate an HTTP/2 message containing connection-specific header "
        "fields.",
        valid_request(),
        opens([](const H2Exchange& x, const H2StreamSeen& s) -> std::optional<Verdict> {
            for (const char* name :
                 {"connection", "upgrade", "keep-alive", "proxy-connection", "transfer-encoding"})
                if (const auto v = protocol::find_field(*s.response, name))
                    return verdict(Behavior::failed,
                                   "The response carries the connection-specific field " +
                                       std::string(name) + ": " + std::string(*v) + ".",
                                   x);
            return std::nullopt;
        })));
    out.push_back(server_case(
        "17.1.5", "An extended CONNECT sent before the server's SETTINGS arrived",
        "Testing a server over HTTP/2: our preface and SETTINGS, then at once (before the server's "
        "SETTINGS can have arrived) an extended CONNECT on stream 1 with a text message. Once the "
        "server's SETTINGS are in, a second, valid extended CONNECT on stream 3.",
        "Stream 1 may be refused (the client broke RFC 8441 §3) or served (the server had sent the "
        "setting already); either way the connection stays usable: stream 3 opens and echoes. "
        "A server that ends the connection or no longer serves stream 3 fails.",
        {"RFC 8441 3", "RFC 9113 3.4", "RFC 9113 5.4.2"},
        "A client must wait for the setting before sending :protocol; a server that receives an "
        "early one answers that stream only (a stream error at most), never the whole connection.",
        [](const H2Context& c) {
            auto plan = H2Plan{.streams = {websocket(c.extended_connect())},
                               .then = {websocket(c.extended_connect(), {"Hello after SETTINGS"})}};
            plan.before_settings = true;
            return plan;
        },
        [](const H2Exchange& x) {
            if (auto v = no_exchange(x)) return *v;
            const auto* second = x.stream(1);
            const std::string first = seen(*first_stream(x));
            if (!second)
                return verdict(
                    Behavior::failed,
                    "The connection did not survive the early extended CONNECT (" + first + ")" +
                        (x.goaway_code ? ": GOAWAY " + error_name(*x.goaway_code) : std::string()) +
                        ".",
                    x);
            if (second->status >= 300) return *opening_gate(x, *second);
            if (!second->opened() || (x.messages_judged && !second->echoed()))
                return verdict(Behavior::failed,
                               "After the early extended CONNECT (" + first +
                                   "), a valid one failed (" + seen(*second) + ").",
                               x);
            return verdict(Behavior::ok,
                           "The early extended CONNECT: " + first +
                               "; the connection stayed usable: " + seen(*second) + ".",
                           x);
        }));
}

// ---------------------------------------------------------------- 17.2, 17.3

struct Malformed {
    const char* id;
    const char* title;
    const char* what;  // "an extended CONNECT with ..."
    std::vector<std::string> rfc;
    const char* requirement;
    std::function<void(H2Fields&)> edit;
    int strict_status = 0;
    Level level = Level::must;
};

void add_malformed(std::vector<Case>& out) {
    const std::vector<Malformed> rows{
        {"17.2.2",
         "Extended CONNECT with :protocol twice",
         "an extended CONNECT with :protocol twice",
         {"RFC 9113 8.3", "RFC 8441 4"},
         "A pseudo-header field appears at most once; a request with a duplicate is malformed.",
         [](H2Fields& f) {
             add(f, ":protocol", "websocket");
             std::stable_partition(f.begin(), f.end(),
                                   [](const H2Field& x) { return x.name[0] == ':'; });
         }},
        {"17.2.3",
         "Extended CONNECT with an empty :protocol",
         "an extended CONNECT with an empty :protocol",
         {"RFC 8441 4", "RFC 8441 5"},
         ":protocol names the protocol the stream will carry; an empty value names none.",
         [](H2Fields& f) { set(f, ":protocol", ""); }},
        {"17.2.4",
         "Extended CONNECT with a CR in :protocol",
         "an extended CONNECT whose :protocol is \"websocket\\r\"",
         {"RFC 9113 8.2.1", "RFC 8441 4"},
         "A field value containing CR, LF or NUL makes the request malformed.",
         [](H2Fields& f) { set(f, ":protocol", "websocket\r"); }},
        {"17.2.5",
         "Extended CONNECT with an LF in :protocol",
         "an extended CONNECT whose :protocol is \"websocket\\n\"",
         {"RFC 9113 8.2.1", "RFC 8441 4"},
         "A field value containing CR, LF or NUL makes the request malformed.",
         [](H2Fields& f) { set(f, ":protocol", "websocket\n"); }},
        {"17.2.6",
         "Extended CONNECT with a NUL in :protocol",
         "an extended CONNECT whose :protocol is \"websocket\\0\"",
         {"RFC 9113 8.2.1", "RFC 8441 4"},
         "A field value containing CR, LF or NUL makes the request malformed.",
         [](H2Fields& f) { set(f, ":protocol", std::string("websocket\0", 10)); }},
        {"17.2.7",
         "Extended CONNECT for an unknown protocol",
         "an extended CONNECT for the protocol \"wsconform-unknown\"",
         {"RFC 8441 4", "RFC 9220 3"},
         "A server refuses a :protocol it does not serve; RFC 9220 §3 suggests 501 (Not "
         "Implemented).",
         [](H2Fields& f) { set(f, ":protocol", "wsconform-unknown"); },
         501},
        {"17.2.8",
         "Extended CONNECT without :scheme",
         "an extended CONNECT without :scheme",
         {"RFC 8441 4"},
         "With :protocol, the :scheme and :path pseudo-headers MUST be included.",
         [](H2Fields& f) { remove(f, ":scheme"); }},
        {"17.2.9",
         "Extended CONNECT without :path",
         "an extended CONNECT without :path",
         {"RFC 8441 4"},
         "With :protocol, the :scheme and :path pseudo-headers MUST be included.",
         [](H2Fields& f) { remove(f, ":path"); }},
        {"17.2.10",
         "Extended CONNECT without :authority",
         "an extended CONNECT without :authority",
         {"RFC 8441 4", "RFC 9113 8.3.1", "RFC 9113 8.5"},
         "A CONNECT request carries :authority.",
         [](H2Fields& f) { remove(f, ":authority"); }},
        {"17.3.1",
         "Extended CONNECT with a connection field",
         "an extended CONNECT with \"connection: upgrade\"",
         {"RFC 9113 8.2.2", "RFC 8441 5"},
         "A message with a connection-specific field (Connection) is malformed.",
         [](H2Fields& f) { add(f, "connection", "upgrade"); }},
        {"17.3.2",
         "Extended CONNECT with an upgrade field",
         "an extended CONNECT with \"upgrade: websocket\"",
         {"RFC 9113 8.2.2", "RFC 8441 5"},
         "A message with a connection-specific field (Upgrade) is malformed.",
         [](H2Fields& f) { add(f, "upgrade", "websocket"); }},
        {"17.3.3",
         "Extended CONNECT with a sec-websocket-key field",
         "an extended CONNECT with a sec-websocket-key",
         {"RFC 8441 5"},
         "Sec-WebSocket-Key is not used over HTTP/2; a server should refuse a request that carries "
         "one.",
         [](H2Fields& f) { add(f, "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="); },
         0,
         Level::should},
    };
    // 17.2.1 first: a plain CONNECT (RFC 9113 §8.5), which must not become a WebSocket.
    out.push_back(server_case(
        "17.2.1", "CONNECT without :protocol (a plain CONNECT to :authority)",
        "Testing a server over HTTP/2: :method CONNECT and :authority only (a plain CONNECT, RFC "
        "9113 §8.5), with sec-websocket-version 13, then a masked text frame on the stream.",
        "The server refuses it (a 4xx, 5xx or RST_STREAM) or at least does not treat the stream as "
        "a WebSocket: a server that echoes our message fails, a bare 2xx (a tunnel?) is "
        "NON-STRICT.",
        {"RFC 8441 4", "RFC 9113 8.5"},
        "Only :protocol turns a CONNECT into an extended CONNECT; a plain CONNECT asks for a "
        "tunnel to :authority, never a WebSocket.",
        [](const H2Context& c) {
            H2Fields fields{{":method", "CONNECT"},
                            {":authority", c.authority},
                            {"sec-websocket-version", "13"}};
            return H2Plan{.streams = {websocket(std::move(fields))}};
        },
        [](const H2Exchange& x) {
            const auto v = must_refuse("a plain CONNECT")(x);
            const auto* s = first_stream(x);
            if (v.behavior != Behavior::failed || !s || !s->opened() || !s->messages.empty())
                return v;
            return verdict(
                Behavior::non_strict,
                "The server answered a plain CONNECT with :status " + std::to_string(s->status) +
                    (x.messages_judged ? " but did not treat the stream as a WebSocket ("
                                       : "; whether it treats the stream as a WebSocket is not "
                                         "judged under --profile protocol (") +
                    seen(*s) + ").",
                x);
        }));
    for (const auto& r : rows)
        out.push_back(server_case(
            r.id, r.title,
            std::string("Testing a server over HTTP/2: ") + r.what +
                ", otherwise the valid request of 17.1.2 (header block written by us, as "
                "literals), "
                "then a text message if the server answers 2xx.",
            r.strict_status
                ? "A refusal: :status " + std::to_string(r.strict_status) +
                      " passes, another 4xx/5xx or RST_STREAM is NON-STRICT, a 2xx fails."
                : std::string(
                      "A refusal: a 4xx or 5xx, RST_STREAM (PROTOCOL_ERROR), or GOAWAY. A 2xx ") +
                      (r.level == Level::should ? "is NON-STRICT." : "fails."),
            r.rfc, r.requirement, malformed(r.edit), must_refuse(r.what, r.strict_status),
            r.level));
}

// ---------------------------------------------------------------- 17.4, 17.5

void add_negotiation_and_endings(std::vector<Case>& out) {
    out.push_back(server_case(
        "17.4.1", "Subprotocol negotiation over HTTP/2",
        "Testing a server over HTTP/2: the valid extended CONNECT with sec-websocket-protocol "
        "\"wsconform.a, wsconform.b\", then a text message.",
        "The response names one of the offered subprotocols or none; then the message comes back.",
        {"RFC 8441 5", "RFC 6455 4.2.2"},
        "Sec-WebSocket-Protocol works over HTTP/2 as over HTTP/1.1: the server selects one of the "
        "client's values, or none.",
        [](const H2Context& c) {
            auto s =
                websocket(c.extended_connect({"sec-websocket-protocol: wsconform.a, wsconform.b"}));
            s.protocols = {"wsconform.a", "wsconform.b"};
            return H2Plan{.streams = {std::move(s)}};
        },
        opens([](const H2Exchange& x, const H2StreamSeen& s) -> std::optional<Verdict> {
            const auto chosen = protocol::find_field(*s.response, "sec-websocket-protocol");
            if (chosen && *chosen != "wsconform.a" && *chosen != "wsconform.b")
                return verdict(Behavior::failed,
                               "The server chose the subprotocol \"" + std::string(*chosen) +
                                   "\", which we did not offer.",
                               x);
            return std::nullopt;
        })));
    out.push_back(server_case(
        "17.4.2", "permessage-deflate negotiation over HTTP/2",
        "Testing a server over HTTP/2: the valid extended CONNECT with sec-websocket-extensions "
        "\"permessage-deflate; client_max_window_bits\", then a text message (uncompressed; the "
        "echo may be compressed).",
        "The response accepts the offer with valid parameters, or declines it; then the message "
        "comes back (inflated when compressed).",
        {"RFC 8441 5", "RFC 7692 5", "RFC 7692 7.1"},
        "Sec-WebSocket-Extensions works over HTTP/2 as over HTTP/1.1: the server accepts an "
        "offered extension with parameters the offer allows, or none.",
        [](const H2Context& c) {
            auto s = websocket(c.extended_connect(
                {"sec-websocket-extensions: permessage-deflate; client_max_window_bits"}));
            s.deflate_offered = true;
            return H2Plan{.streams = {std::move(s)}};
        },
        opens([](const H2Exchange& x, const H2StreamSeen& s) -> std::optional<Verdict> {
            protocol::UpgradeResponse info;
            const std::vector<std::string> offered{std::string(protocol::kPermessageDeflate)};
            if (auto ec = protocol::check_extended_connect_response(*s.response, {}, offered, info))
                return verdict(Behavior::failed, "The response's extensions: " + ec.message() + ".",
                               x);
            if (!s.deflate_response.empty() && !s.deflate_agreed)
                return verdict(
                    Behavior::failed,
                    "The server's permessage-deflate response is not valid for our offer: \"" +
                        s.deflate_response + "\".",
                    x);
            if (!s.frame_error.empty())
                return verdict(Behavior::failed,
                               "The server's frames broke a rule: " + s.frame_error + ".", x);
            return std::nullopt;
        })));
    out.push_back(server_case(
        "17.4.3", "The orderly end: our Close with END_STREAM, the server's Close and END_STREAM",
        "Testing a server over HTTP/2: a WebSocket with one text message, then our Close (1000) in "
        "a DATA frame with END_STREAM.",
        "The server answers with its Close and ends its side with END_STREAM (the orderly "
        "closure). RST_STREAM after its Close is NON-STRICT; no Close fails.",
        {"RFC 8441 5", "RFC 6455 5.5.1"},
        "An orderly closure of the WebSocket is END_STREAM on the stream (the TCP FIN of RFC "
        "6455); "
        "RST_STREAM is the abortive one.",
        valid_request(),
        opens([](const H2Exchange& x, const H2StreamSeen& s) -> std::optional<Verdict> {
            if (!s.peer_sent_close)
                return verdict(Behavior::failed,
                               "The WebSocket's " + no_close_from(s) + " (" + seen(s) + ").", x);
            if (s.reset_code)
                return verdict(Behavior::non_strict,
                               "The server answered our Close, then reset the stream (" +
                                   error_name(*s.reset_code) + ") instead of END_STREAM.",
                               x);
            if (!s.peer_ended)
                return verdict(Behavior::failed,
                               "The server answered our Close but never sent END_STREAM.", x);
            return std::nullopt;
        })));
    out.push_back(server_case(
        "17.4.4", "RST_STREAM(CANCEL) from us in the middle of a message; a new stream still works",
        "Testing a server over HTTP/2: a WebSocket on stream 1, half of a 1000-octet text frame, "
        "then RST_STREAM(CANCEL) (the abortive closure); then a valid extended CONNECT on stream 3 "
        "of the same connection and a text message.",
        "The server survives: stream 3 opens and the message comes back.",
        {"RFC 8441 5", "RFC 9113 6.4", "RFC 9113 5.4.2"},
        "RST_STREAM ends one stream only; the connection and its other streams go on.",
        [](const H2Context& c) {
            auto first = websocket(c.extended_connect(), {std::string(1000, 'x')});
            first.cancel_mid_message = true;
            return H2Plan{.streams = {std::move(first)}, .then = {websocket(c.extended_connect())}};
        },
        [](const H2Exchange& x) {
            if (auto v = no_exchange(x)) return *v;
            if (auto v = opening_gate(x, *first_stream(x))) return *v;
            const auto* second = x.stream(1);
            if (!second || !second->opened() || (x.messages_judged && !second->echoed()))
                return verdict(
                    Behavior::failed,
                    "After our RST_STREAM(CANCEL) the connection no longer serves a WebSocket (" +
                        (second ? seen(*second) : std::string("no second stream")) + ")" +
                        (x.goaway_code ? "; GOAWAY " + error_name(*x.goaway_code) : std::string()) +
                        ".",
                    x);
            return verdict(Behavior::ok,
                           "After our RST_STREAM(CANCEL) on stream 1: " + seen(*second) + ".", x);
        }));
    out.push_back(server_case(
        "17.5.1", "Two WebSockets at once on one connection",
        "Testing a server over HTTP/2: two valid extended CONNECTs on streams 1 and 3, then two "
        "text messages on each, interleaved (1, 3, 1, 3).",
        "Both open, each stream gets back exactly its own messages, in order, and each answers "
        "our Close with its own.",
        {"RFC 8441 5", "RFC 9113 5", "RFC 6455 5.5.1"},
        "Each WebSocket is its own stream; streams are independent and interleave on the "
        "connection, and each ends with its own closing handshake.",
        [](const H2Context& c) {
            return H2Plan{
                .streams = {websocket(c.extended_connect(), {"one: first", "one: second"}),
                            websocket(c.extended_connect(), {"two: first", "two: second"})}};
        },
        [](const H2Exchange& x) {
            if (auto v = no_exchange(x)) return *v;
            if (auto v = opening_gate(x, *first_stream(x))) return *v;
            const auto* second = x.stream(1);
            const std::string both =
                seen(*first_stream(x)) + "; " + (second ? seen(*second) : "no second stream");
            if (!first_stream(x)->echoed() || !second || !second->echoed())
                return verdict(
                    Behavior::failed,
                    "The two WebSockets did not each get their own messages back (" + both + ").",
                    x);
            for (const auto& s : x.streams)
                if (!s.peer_sent_close)
                    return verdict(Behavior::failed,
                                   "Both WebSockets echoed their own messages, but " +
                                       no_close_from(s) + " (" + both + ").",
                                   x);
            return verdict(
                Behavior::ok,
                "Both WebSockets echoed their own messages and answered our Close (" + both + ").",
                x);
        }));
    out.push_back(server_case(
        "17.5.2", "A WebSocket beside a plain GET on the same connection",
        "Testing a server over HTTP/2: a valid extended CONNECT on stream 1 and a GET for the same "
        ":path on stream 3, then a text message on stream 1.",
        "The GET gets a response (any status) and the WebSocket's message comes back.",
        {"RFC 8441 5", "RFC 9113 5", "RFC 9113 8.1"},
        "A WebSocket stream and ordinary requests share a connection.",
        [](const H2Context& c) {
            H2StreamPlan get;
            get.fields = {{":method", "GET"},
                          {":scheme", c.scheme},
                          {":path", c.path},
                          {":authority", c.authority}};
            get.websocket = false;
            return H2Plan{.streams = {websocket(c.extended_connect()), std::move(get)}};
        },
        [](const H2Exchange& x) {
            if (auto v = no_exchange(x)) return *v;
            if (auto v = opening_gate(x, *first_stream(x))) return *v;
            const auto* get = x.stream(1);
            const std::string both =
                seen(*first_stream(x)) + "; the GET: " + (get ? seen(*get) : "not sent");
            if (!get || !get->status)
                return verdict(Behavior::failed,
                               "The GET beside the WebSocket got no response (" + both + ").", x);
            if (x.messages_judged && !first_stream(x)->echoed())
                return verdict(Behavior::failed,
                               "The WebSocket beside the GET did not echo (" + both + ").", x);
            return verdict(Behavior::ok, "Both streams were served (" + both + ").", x);
        }));
    out.push_back(server_case(
        "17.5.3", "A 1 MiB message through 65,535-octet windows",
        "Testing a server over HTTP/2: our initial windows stay at 65,535 octets (RFC 9113's "
        "default; we reopen them as we read); one 1 MiB text message, sent as the server's windows "
        "allow.",
        "The message comes back whole: both sides keep to the other's flow-control windows.",
        {"RFC 9113 5.2", "RFC 9113 6.9", "RFC 8441 5"},
        "DATA frames are flow-controlled per stream and per connection; a message larger than a "
        "window goes through as WINDOW_UPDATEs open it.",
        [](const H2Context& c) {
            std::string big(1u << 20, 'a');
            for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
            return H2Plan{.streams = {websocket(c.extended_connect(), {std::move(big)})}};
        },
        opens()));
    out.push_back(server_case(
        "17.5.4", "A 4,096-octet stream window, held shut",
        "Testing a server over HTTP/2: our SETTINGS_INITIAL_WINDOW_SIZE is 4,096; one 16 KiB text "
        "message, then no WINDOW_UPDATE for the stream for 500 ms (the connection's window is "
        "reopened as we read), then the stream's window opens to 65,535.",
        "The server sends at most 4,096 octets of DATA on the stream while its window is held "
        "(its echo waits), then the message comes back whole.",
        {"RFC 9113 6.9.1", "RFC 9113 6.9.2", "RFC 9113 6.5.3", "RFC 8441 5"},
        "A sender must not send a flow-controlled frame longer than the space in either of the "
        "receiver's windows; SETTINGS_INITIAL_WINDOW_SIZE sets a new stream's, and a SETTINGS "
        "frame applies as soon as it is received.",
        [](const H2Context& c) {
            std::string text(16u << 10, 'a');
            for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
            return H2Plan{.streams = {websocket(c.extended_connect(), {std::move(text)})},
                          .initial_window = 4096,
                          .hold_stream_windows = std::chrono::milliseconds(500)};
        },
        [](const H2Exchange& x) {
            if (auto v = no_exchange(x)) return *v;
            const auto& s = *first_stream(x);
            if (auto v = opening_gate(x, s)) return *v;
            const auto held = std::to_string(s.data_while_held) +
                              " octets of DATA came while the window was held; " + seen(s);
            if (s.window_overrun)
                return verdict(Behavior::failed,
                               "The server sent DATA " + std::to_string(s.window_overrun) +
                                   " octets past our 4,096-octet stream window (RFC 9113 "
                                   "§6.9.1; " +
                                   held + ").",
                               x);
            if (!s.echoed())
                return verdict(Behavior::failed,
                               "The server kept to our 4,096-octet stream window, but our message "
                               "did not come back once it opened (" +
                                   held + ").",
                               x);
            return verdict(Behavior::ok,
                           "The server kept to our 4,096-octet stream window, and our message "
                           "came back whole once it opened (" +
                               held + ").",
                           x);
        }));
}

}  // namespace

std::vector<Case> server_cases() {
    std::vector<Case> out;
    add_opening(out);
    add_malformed(out);
    add_negotiation_and_endings(out);
    return out;
}

}  // namespace wsconform::cases::s17
