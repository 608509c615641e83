#include "cases/s17_http2/client_cases.h"

#include <string>
#include <string_view>
#include <utility>

#include "cases/payloads.h"
#include "harness/model/h2_client_script.h"
#include "protocol/h2_frame.h"

namespace wsconform::cases::s17 {

namespace {

using harness::Behavior;
using harness::Case;
using harness::H2ClientExchange;
using harness::H2ClientRequest;
using harness::H2SettingsProfile;
using harness::Level;
using harness::Verdict;
using Judge = std::function<Verdict(const H2ClientExchange&)>;

constexpr const char* kEchoText = "Hello over HTTP/2";

std::string ms(std::int64_t v) {
    return std::to_string(v) + " ms";
}

// One request in a sentence: "stream 1, :path /runCase?case=1&agent=a, 3 ms after the
// client's preface, before our SETTINGS, answered RST_STREAM PROTOCOL_ERROR".
std::string request_text(const H2ClientRequest& r) {
    std::string out = "stream " + std::to_string(r.stream) + ", " +
                      std::string(protocol::find_field(r.fields, ":method").value_or("no :method"));
    if (const auto p = protocol::find_field(r.fields, ":protocol"))
        out += " :protocol " + std::string(*p);
    out += " :path " + std::string(protocol::find_field(r.fields, ":path").value_or("(none)"));
    out += ", " + ms(r.at_ms) + " after the client's preface";
    if (r.before_our_settings)
        out += ", before our SETTINGS";
    else if (r.before_settings_ack)
        out += ", before the client acknowledged our SETTINGS";
    if (!r.answer.empty()) out += ", answered " + r.answer;
    return out;
}

// How the connection ended, for the close column and the texts.
std::string ending(const H2ClientExchange& x) {
    if (x.fell_back_to_http11) return "the client asked for the case over HTTP/1.1 instead";
    if (x.goaway_code)
        return "the client sent GOAWAY " +
               std::string(protocol::h2::error_code_name(*x.goaway_code)) + " at " +
               ms(x.goaway_ms);
    if (x.peer_closed) return "the client closed the connection at " + ms(x.closed_ms);
    if (!x.error.empty()) return "the connection failed: " + x.error;
    if (x.timed_out) return "the client went quiet; we ended the connection at " + ms(x.end_ms);
    return "we ended the connection at " + ms(x.end_ms);
}

Verdict verdict(Behavior b, std::string text, const H2ClientExchange& x) {
    std::string close = "How it ended: " + ending(x);
    if (x.opened)
        close += std::string("; the WebSocket: ") +
                 (x.peer_sent_close ? "the client's Close" : "no Close from the client") +
                 (x.peer_ended ? ", END_STREAM" : "") +
                 (x.reset_code
                      ? ", RST_STREAM " + std::string(protocol::h2::error_code_name(*x.reset_code))
                      : std::string());
    return harness::make_verdict(b, std::move(text),
                                 b == Behavior::unimplemented ? b : Behavior::ok, close + ".");
}

// The cases that open a WebSocket on their connection (17.6.1, 17.7.3-17.7.5): not applicable
// when the client did not ask for this case there.
std::optional<Verdict> not_asked_here(const H2ClientExchange& x) {
    const auto* c = x.first_connect();
    if (c && c->for_this_case && c->answer == ":status 200") return std::nullopt;
    std::string text =
        "Not applicable: the client did not ask for this case on the HTTP/2 connection prepared "
        "for it (" +
        harness::to_string(x.profile) + "): ";
    text += c ? "its extended CONNECT was another request (" + request_text(*c) + ")"
              : "it sent no extended CONNECT there (" + ending(x) + ")";
    return verdict(Behavior::unimplemented,
                   text +
                       ". A client that keeps one connection for several cases, or does not "
                       "run the cases in order, one connection each, cannot be tested so.",
                   x);
}

// ---------------------------------------------------------------- 17.6

Verdict judge_delayed(const H2ClientExchange& x) {
    if (const auto* c = x.first_connect(); c && c->before_our_settings)
        return verdict(Behavior::failed,
                       "The client sent an extended CONNECT before our SETTINGS, which we held "
                       "back " +
                           ms(harness::kH2SettingsDelay.count()) + " (" + request_text(*c) +
                           "): it may use :protocol only after receiving "
                           "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 §3).",
                       x);
    if (auto na = not_asked_here(x)) return *na;
    const std::string waited = "The client waited for our SETTINGS (sent " +
                               ms(x.settings_sent_ms) +
                               " after its preface): " + request_text(*x.first_connect());
    if (!x.echoed_first())
        return verdict(Behavior::failed,
                       waited + "; but the WebSocket did not echo our message (" +
                           std::to_string(x.messages.size()) + " message(s) came back).",
                       x);
    return verdict(Behavior::ok, waited + "; the WebSocket echoed our message.", x);
}

Verdict judge_forbidden(const H2ClientExchange& x) {
    const std::string settings = harness::to_string(x.profile);
    if (const auto* c = x.first_connect()) {
        std::string text = "The client sent an extended CONNECT on a connection with " + settings +
                           " (" + request_text(*c) +
                           "): without SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 it must not use "
                           ":protocol (RFC 8441 §3).";
        if (c->before_our_settings || c->before_settings_ack)
            text +=
                " It came before the client could have read our SETTINGS (before it "
                "acknowledged them): it did not wait for them at all, the RFC 8441 §3 rule "
                "case 17.6.1 checks.";
        return verdict(Behavior::failed, text, x);
    }
    // Nothing sent is a pass only if the connection worked: not after our I/O failed, or the
    // client's frames could not be read (a header block without end ...).
    if (!x.error.empty())
        return verdict(Behavior::unimplemented,
                       "Not applicable: the connection with " + settings +
                           " failed before the client showed what it does without the setting "
                           "(" +
                           x.error + "); it sent no extended CONNECT there.",
                       x);
    return verdict(Behavior::ok,
                   "The client sent no extended CONNECT on a connection with " + settings + "; " +
                       ending(x) + ".",
                   x);
}

// A client whose SETTINGS carry a value a server must refuse has its connection failed at
// once (RFC 9113 §6.5.2): the section's first case fails on it, the others are not applicable.
Judge settings_checked(Judge judge, bool catches) {
    return [judge = std::move(judge), catches](const H2ClientExchange& x) {
        if (x.bad_setting.empty()) return judge(x);
        if (catches)
            return verdict(Behavior::failed,
                           "The client's SETTINGS carry a value no server may accept: " +
                               x.bad_setting + "; we failed the connection, as a server must.",
                           x);
        return verdict(Behavior::unimplemented,
                       "Not applicable: the client's SETTINGS carry " + x.bad_setting +
                           ", a connection error for any server; case 17.6.1 judges that.",
                       x);
    };
}

// ---------------------------------------------------------------- 17.7

// The one request of a `normal` case, and what it lacks or carries wrongly.
Judge judge_fields(bool required) {
    return [required](const H2ClientExchange& x) {
        if (x.requests.empty()) return verdict(Behavior::failed, "No request reached the case.", x);
        const auto& f = x.requests.front().fields;
        std::string wrong;
        auto add = [&](std::string what) { wrong += (wrong.empty() ? "" : "; ") + what; };
        auto expect = [&](const char* name, std::string_view want) {
            const auto n = protocol::count_fields(f, name);
            const auto v = protocol::find_field(f, name);
            if (n == 0)
                add(std::string("no ") + name);
            else if (n > 1)
                add(std::string(name) + " " + std::to_string(n) + " times");
            else if (!want.empty() && *v != want)
                add(std::string(name) + " is \"" + std::string(*v) + "\", not \"" +
                    std::string(want) + "\"");
            else if (v->empty())
                add(std::string(name) + " is empty");
        };
        if (required) {
            expect(":method", "CONNECT");
            expect(":protocol", "websocket");
            expect(":scheme", "");
            if (const auto s = protocol::find_field(f, ":scheme");
                s && *s != "http" && *s != "https")
                add(":scheme is \"" + std::string(*s) + "\", neither http nor https");
            expect(":path", "");
            expect(":authority", "");
            expect("sec-websocket-version", "13");
        } else {
            for (const char* name : {"connection", "upgrade", "sec-websocket-key", "host",
                                     "keep-alive", "proxy-connection", "transfer-encoding"})
                if (const auto v = protocol::find_field(f, name))
                    add(std::string(name) + ": " + std::string(*v));
            if (const auto te = protocol::find_field(f, "te"); te && *te != "trailers")
                add("te: " + std::string(*te) + " (only \"trailers\" is allowed)");
        }
        if (!wrong.empty())
            return verdict(Behavior::failed,
                           std::string(required ? "The extended CONNECT lacks what RFC 8441 §4-5 "
                                                  "require: "
                                                : "The extended CONNECT carries fields HTTP/2 "
                                                  "forbids: ") +
                               wrong + ".",
                           x);
        return verdict(Behavior::ok,
                       required ? "The extended CONNECT carries :method CONNECT, :protocol "
                                  "websocket, :scheme, :path, :authority and "
                                  "sec-websocket-version 13."
                                : "The extended CONNECT carries no connection-specific field, "
                                  "no host and no sec-websocket-key.",
                       x);
    };
}

Verdict judge_change(const H2ClientExchange& x) {
    if (auto na = not_asked_here(x)) return *na;
    const std::string change = x.profile == H2SettingsProfile::one_then_zero
                                   ? "our change of SETTINGS_ENABLE_CONNECT_PROTOCOL from 1 to 0"
                                   : "our SETTINGS_ENABLE_CONNECT_PROTOCOL = 2";
    if (x.change_sent_ms < 0)
        return verdict(Behavior::unimplemented,
                       "Not applicable: the WebSocket did not echo our first message (" +
                           std::to_string(x.messages.size()) +
                           " message(s) came back), so the setting was never changed; case "
                           "17.6.1 judges the opening.",
                       x);
    const std::string after = " (sent at " + ms(x.change_sent_ms) + ")";
    if (x.goaway_code == protocol::h2::error::protocol_error)
        return verdict(Behavior::ok,
                       "The client answered " + change + after + " with GOAWAY PROTOCOL_ERROR at " +
                           ms(x.goaway_ms) + ".",
                       x);
    if (x.goaway_code || x.peer_closed)
        return verdict(
            Behavior::non_strict,
            "The client treated " + change + after + " as a connection error, but " +
                (x.goaway_code
                     ? "with GOAWAY " + std::string(protocol::h2::error_code_name(*x.goaway_code)) +
                           " at " + ms(x.goaway_ms) + " (RFC 8441 §3 names PROTOCOL_ERROR)"
                     : "by closing the connection without a GOAWAY at " + ms(x.closed_ms)) +
                ".",
            x);
    return verdict(Behavior::failed,
                   "The client carried on after " + change + after + ": " +
                       (x.change_acked ? "it acknowledged the SETTINGS, " : "") +
                       std::to_string(x.messages_after_change()) +
                       " message(s) echoed after it, no GOAWAY within the wait (" + ending(x) +
                       "). RFC 8441 §3 makes it a connection error of type PROTOCOL_ERROR.",
                   x);
}

// H2SettingsProfile::held_window (17.7.5): the client's echo of a message its window cannot
// hold.
Verdict judge_held_window(const H2ClientExchange& x) {
    static_assert(harness::kH2HeldWindow == 4096 && harness::kH2HeldWindowMessage == 12 * 1024,
                  "the texts below name them");
    if (auto na = not_asked_here(x)) return *na;
    const std::string held = std::to_string(x.data_while_held) +
                             " octets of DATA came while it was held " +
                             ms(harness::kH2WindowHold.count());
    if (x.window_overrun)
        return verdict(Behavior::failed,
                       "The client sent DATA " + std::to_string(x.window_overrun) +
                           " octets past our 4,096-octet stream window (RFC 9113 §6.9.1; " + held +
                           ").",
                       x);
    if (!x.echoed_first())
        return verdict(Behavior::failed,
                       "The client kept to our 4,096-octet stream window (" + held +
                           "), but did not echo our 12 KiB message once it opened (" +
                           std::to_string(x.messages.size()) + " message(s) came back; " +
                           ending(x) + ").",
                       x);
    return verdict(Behavior::ok,
                   "The client kept to our 4,096-octet stream window (" + held +
                       "), and echoed our 12 KiB message whole once it opened.",
                   x);
}

// ---------------------------------------------------------------- the cases

struct Row {
    const char* id;
    const char* title;
    H2SettingsProfile profile;
    const char* description;
    const char* expectation;
    std::vector<std::string> rfc;
    const char* requirement;
    Judge judge;
};

}  // namespace

std::vector<Case> client_cases() {
    const std::vector<Row> rows{
        {"17.6.1",
         "The client waits for our SETTINGS before its extended CONNECT",
         H2SettingsProfile::delayed,
         "Testing a client over HTTP/2: on the connection the client opens for this case our "
         "SETTINGS (with SETTINGS_ENABLE_CONNECT_PROTOCOL = 1) go out 200 ms after its preface. "
         "Its extended CONNECT for the case then gets 200, one text message and our Close.",
         "No extended CONNECT before our SETTINGS (one is refused with RST_STREAM "
         "PROTOCOL_ERROR and fails); after them, the WebSocket echoes our message and closes "
         "cleanly. The client's SETTINGS hold no value a server must refuse (such as "
         "MAX_FRAME_SIZE below 16,384).",
         {"RFC 8441 3", "RFC 9113 3.4", "RFC 9113 6.5.2"},
         "A client may send :protocol only after it received SETTINGS_ENABLE_CONNECT_PROTOCOL = "
         "1 from the server. A SETTINGS value outside its range is a connection error.",
         judge_delayed},
        {"17.6.2",
         "No extended CONNECT when our SETTINGS lack SETTINGS_ENABLE_CONNECT_PROTOCOL",
         H2SettingsProfile::absent,
         "Testing a client over HTTP/2: the connection the client opens for this case gets "
         "SETTINGS "
         "without SETTINGS_ENABLE_CONNECT_PROTOCOL; we watch it for 3 s.",
         "No extended CONNECT on it (one is refused with RST_STREAM PROTOCOL_ERROR and fails). The "
         "connection ending, the case asked for over HTTP/1.1 instead, or no request within 3 s "
         "pass.",
         {"RFC 8441 3"},
         "Without SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 from the server a client must not send "
         ":protocol.",
         judge_forbidden},
        {"17.6.3",
         "No extended CONNECT when our SETTINGS_ENABLE_CONNECT_PROTOCOL is 0",
         H2SettingsProfile::zero,
         "Testing a client over HTTP/2: the connection the client opens for this case gets "
         "SETTINGS_ENABLE_CONNECT_PROTOCOL = 0; we watch it for 3 s.",
         "No extended CONNECT on it (one is refused with RST_STREAM PROTOCOL_ERROR and fails). The "
         "connection ending, the case asked for over HTTP/1.1 instead, or no request within 3 s "
         "pass.",
         {"RFC 8441 3"},
         "SETTINGS_ENABLE_CONNECT_PROTOCOL = 0 does not allow :protocol.",
         judge_forbidden},
        {"17.7.1",
         "The extended CONNECT carries the pseudo-headers and version RFC 8441 requires",
         H2SettingsProfile::normal,
         "Testing a client over HTTP/2: we look at the client's extended CONNECT for this case as "
         "it arrives (before any check of ours), then open the WebSocket, send one text message "
         "and close.",
         "The request carries :method CONNECT, :protocol websocket, :scheme (http or https), "
         ":path, :authority and sec-websocket-version: 13, each once; then the message is echoed "
         "and the close is clean.",
         {"RFC 8441 4", "RFC 8441 5", "RFC 9113 8.3.1"},
         "An extended CONNECT carries :protocol, :scheme, :path and :authority; a WebSocket one "
         "names websocket and carries Sec-WebSocket-Version as in RFC 6455.",
         judge_fields(true)},
        {"17.7.2",
         "The extended CONNECT carries no connection-specific field and no key",
         H2SettingsProfile::normal,
         "Testing a client over HTTP/2: we look at the client's extended CONNECT for this case as "
         "it arrives, then open the WebSocket, send one text message and close.",
         "No connection, upgrade, keep-alive, proxy-connection or transfer-encoding field (te "
         "only as \"trailers\"), no host, no sec-websocket-key; then the message is echoed and "
         "the close is clean.",
         {"RFC 8441 5", "RFC 9113 8.2.2", "RFC 9113 8.3.1"},
         "Over HTTP/2 the Upgrade mechanism and its fields are not used, a message with a "
         "connection-specific field is malformed, and :authority replaces Host.",
         judge_fields(false)},
        {"17.7.3",
         "A change of SETTINGS_ENABLE_CONNECT_PROTOCOL from 1 to 0 is a connection error",
         H2SettingsProfile::one_then_zero,
         "Testing a client over HTTP/2: on the connection the client opens for this case our "
         "SETTINGS carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1; once its WebSocket echoed our first "
         "message we send SETTINGS with the value 0 and a second message, and watch for 3 s.",
         "GOAWAY PROTOCOL_ERROR passes; another GOAWAY or the connection closed is NON-STRICT "
         "(the code is named); carrying on (the second message echoed, no GOAWAY) fails.",
         {"RFC 8441 3", "RFC 9113 5.4.1"},
         "A sender must not change SETTINGS_ENABLE_CONNECT_PROTOCOL from 1 to 0; a receiver treats "
         "it as a connection error of type PROTOCOL_ERROR.",
         judge_change},
        {"17.7.4",
         "SETTINGS_ENABLE_CONNECT_PROTOCOL = 2 is a connection error",
         H2SettingsProfile::one_then_two,
         "Testing a client over HTTP/2: as 17.7.3, but the second SETTINGS frame carries "
         "SETTINGS_ENABLE_CONNECT_PROTOCOL = 2.",
         "GOAWAY PROTOCOL_ERROR passes; another GOAWAY or the connection closed is NON-STRICT; "
         "carrying on fails.",
         {"RFC 8441 3", "RFC 9113 6.5.2"},
         "A value of SETTINGS_ENABLE_CONNECT_PROTOCOL other than 0 or 1 is a connection error of "
         "type PROTOCOL_ERROR.",
         judge_change},
        {"17.7.5",
         "The client keeps to a 4,096-octet stream window held shut",
         H2SettingsProfile::held_window,
         "Testing a client over HTTP/2: on the connection the client opens for this case our "
         "SETTINGS carry SETTINGS_INITIAL_WINDOW_SIZE = 4,096; once its WebSocket opens we send a "
         "12 KiB text message and give the stream no WINDOW_UPDATE for 500 ms (the connection's "
         "window is reopened as we read), then open it to 65,535.",
         "At most 4,096 octets of DATA on the stream while its window is held (more fails, and "
         "ends the connection with FLOW_CONTROL_ERROR); then the message is echoed whole.",
         {"RFC 9113 6.9.1", "RFC 9113 6.9.2", "RFC 9113 6.5.3", "RFC 8441 5"},
         "A sender must not send a flow-controlled frame longer than the space in either of the "
         "receiver's windows; SETTINGS_INITIAL_WINDOW_SIZE sets a new stream's.",
         judge_held_window},
    };
    std::vector<Case> out;
    for (const auto& r : rows) {
        harness::H2ClientProbe probe{
            .profile = r.profile,
            .judge = settings_checked(r.judge, std::string_view(r.id) == "17.6.1")};
        if (r.profile == H2SettingsProfile::normal)
            probe.echo = [](harness::Session& s) {
                s.expect(Behavior::ok, {harness::text_message(kEchoText)});
                s.expect_close(detail::we_close_normally());
                s.send_message(kEchoText, false);
                s.kill_after(std::chrono::seconds(2));
            };
        out.push_back(Case{
            .id = r.id,
            .title = r.title,
            .description = r.description,
            .expectation = r.expectation,
            .rfc = r.rfc,
            .requirement = r.requirement,
            .script = std::move(probe),
        });
    }
    return out;
}

}  // namespace wsconform::cases::s17
