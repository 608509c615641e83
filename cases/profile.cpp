#include "cases/profile.h"

#include <algorithm>
#include <array>
#include <utility>

#include "cases/registry.h"
#include "harness/model/h2_script.h"

namespace wsconform::cases {

namespace {

using harness::Behavior;
using harness::Case;
using harness::Duration;
using harness::Event;
using harness::ExpectedClose;
using harness::FrameSpec;
using harness::Session;
using Kind = ProtocolRule::Kind;

// clang-format off
constexpr std::array kRules{
    ProtocolRule{"1.*", Kind::needs_echo, "sends a text or binary message and judges its echo"},
    ProtocolRule{"2.*", Kind::runs, "Pings and Pongs: judged on the Pongs that come back, or must not"},
    ProtocolRule{"3.*", Kind::runs, "reserved bits: the peer must fail the connection (1002); the echo of a valid message sent first is not expected"},
    ProtocolRule{"4.*", Kind::runs, "reserved opcodes: the peer must fail the connection (1002); the echo of a valid message sent first is not expected"},
    ProtocolRule{"5.1", Kind::runs, "a fragmented Ping: the peer must fail the connection (1002)"},
    ProtocolRule{"5.2", Kind::runs, "a fragmented Pong: the peer must fail the connection (1002)"},
    ProtocolRule{"5.3", Kind::needs_echo, "a fragmented text message, judged on its echo"},
    ProtocolRule{"5.4", Kind::needs_echo, "a fragmented text message, judged on its echo"},
    ProtocolRule{"5.5", Kind::needs_echo, "a fragmented text message, judged on its echo"},
    ProtocolRule{"5.6", Kind::runs, "a Ping between fragments: judged on its Pong; the message's echo is not expected"},
    ProtocolRule{"5.7", Kind::runs, "a Ping between fragments: judged on its Pong; the message's echo is not expected"},
    ProtocolRule{"5.8", Kind::runs, "a Ping between fragments: judged on its Pong; the message's echo is not expected"},
    ProtocolRule{"5.19", Kind::runs, "Pings between fragments: judged on their Pongs; the message's echo is not expected"},
    ProtocolRule{"5.20", Kind::runs, "Pings between fragments: judged on their Pongs; the message's echo is not expected"},
    ProtocolRule{"5.*", Kind::runs, "continuation frames out of place: the peer must fail the connection (1002)"},
    ProtocolRule{"6.*", Kind::runs_when_peer_must_fail, "invalid UTF-8: the peer must fail the connection (1007), in 6.4 as soon as the bad octet arrives"},
    ProtocolRule{"7.1.1", Kind::needs_echo, "closes once its message is echoed"},
    ProtocolRule{"7.1.6", Kind::needs_echo, "records whether the echo comes before the Close"},
    ProtocolRule{"7.*", Kind::runs, "the closing handshake: judged on the Close the peer answers with, its code and how TCP ends"},
    ProtocolRule{"9.*", Kind::needs_echo, "large messages, judged on their echo and its round-trip time"},
    ProtocolRule{"10.*", Kind::needs_echo, "a message judged on its echo"},
    ProtocolRule{"12.*", Kind::needs_echo, "compressed messages, judged on their echo"},
    ProtocolRule{"13.*", Kind::needs_echo, "compressed messages, judged on their echo"},
    ProtocolRule{"14.1.*", Kind::needs_echo, "a valid request: judged on the 101 and the echo of a message"},
    ProtocolRule{"14.*", Kind::runs, "the opening handshake: judged on the response and how the connection ends"},
    ProtocolRule{"16.1.7", Kind::runs, "SNI: judged on the TLS handshake alone"},
    ProtocolRule{"16.1.8", Kind::runs, "ALPN: judged on the TLS handshake alone"},
    ProtocolRule{"16.1.*", Kind::needs_echo, "the certificates a client accepts: cases for test-client, never run by test-server"},
    ProtocolRule{"16.2.4", Kind::runs, "a Close with close_notify behind it: judged on the Close the peer answers with"},
    ProtocolRule{"16.2.5", Kind::runs, "the end of TLS: judged on close_notify"},
    ProtocolRule{"16.2.*", Kind::needs_echo, "a message in unusual TLS records, judged on its echo"},
    ProtocolRule{"16.3.*", Kind::runs, "the server's TLS configuration: judged on the TLS handshake alone"},
    ProtocolRule{"17.5.1", Kind::needs_echo, "two WebSockets on one connection, judged on each one's echo"},
    ProtocolRule{"17.5.3", Kind::needs_echo, "a 1 MiB message through small flow-control windows, judged on its echo"},
    ProtocolRule{"17.5.4", Kind::needs_echo, "a held stream window, judged on the DATA of the echo"},
    ProtocolRule{"17.6.*", Kind::needs_echo, "an HTTP/2 client's handling of our SETTINGS: cases for test-client, never run by test-server"},
    ProtocolRule{"17.7.*", Kind::needs_echo, "an HTTP/2 client's extended CONNECT: cases for test-client, never run by test-server"},
    ProtocolRule{"17.*", Kind::runs, "WebSocket over HTTP/2: judged on the server's SETTINGS, its responses and how its streams end"},
    ProtocolRule{"18.*", Kind::runs, "masking: the peer must fail the connection (1002); the echo of a valid message sent first is not expected"},
};
// clang-format on

constexpr std::string_view kValidUtf8 = "valid UTF-8 text, judged on its echo";

// A Session that only records what a script declares in on_open. Nothing is sent; no timer
// fires.
class Declaring final : public Session {
  public:
    DeclaredExpectations declared;

    void send_frame(FrameSpec) override {}
    void send_message(std::string, bool, std::optional<std::size_t>) override {}
    void send_raw(std::string, std::optional<std::size_t>, bool) override {}
    void begin_frame(std::uint8_t, std::uint64_t) override {}
    void send_frame_data(std::string) override {}
    void send_close(std::optional<std::uint16_t>, std::optional<std::string>) override {}
    void set_auto_fragment_size(std::size_t) override {}
    void send_close_and_end(std::uint16_t) override {}
    bool send_tls_key_update() override { return false; }
    bool start_tls_renegotiation() override { return false; }
    std::string tls_version() const override { return {}; }
    void continue_later(Duration, std::function<void(Session&)>, std::string) override {}
    void kill_after(Duration) override {}
    void close_after(Duration) override {}
    bool is_open() const override { return true; }
    bool is_server() const override { return false; }
    bool deflate_negotiated() const override { return false; }
    void expect(Behavior behavior, std::vector<Event> events) override {
        // As Autobahn's dict (and the harness's Session): declared again, a behavior's
        // events are replaced.
        for (auto& [b, e] : declared.expected) {
            if (b == behavior) {
                e = std::move(events);
                return;
            }
        }
        declared.expected.emplace_back(behavior, std::move(events));
    }
    void expect_close(ExpectedClose close) override { declared.close = std::move(close); }
    void record(Event) override {}
    void set_result(Behavior, std::string) override {}
    void set_wirelog(bool) override {}
    std::uint64_t frames_sent(std::uint8_t) const override { return 0; }
};

bool peer_must_fail(const Case& c) {
    return c.websocket() && !declared_expectations(c).close.closed_by_me;
}

}  // namespace

DeclaredExpectations declared_expectations(const Case& c) {
    Declaring session;
    if (c.websocket() && c.websocket()->on_open) c.websocket()->on_open(session);
    return std::move(session.declared);
}

std::optional<Profile> parse_profile(std::string_view name) {
    if (name == "echo") return Profile::echo;
    if (name == "protocol") return Profile::protocol;
    return std::nullopt;
}

std::span<const ProtocolRule> protocol_rules() {
    return kRules;
}

ProtocolDecision protocol_decision(const Case& c) {
    for (const auto& rule : kRules) {
        if (!pattern_matches_fully(rule.pattern, c.id)) continue;
        switch (rule.kind) {
            case Kind::runs:
                return {true, std::string(rule.why)};
            case Kind::needs_echo:
                return {false, std::string(rule.why)};
            case Kind::runs_when_peer_must_fail:
                if (peer_must_fail(c)) return {true, std::string(rule.why)};
                return {false, std::string(kValidUtf8)};
        }
    }
    return {false, "not in the protocol profile's table"};
}

std::string not_run_under_protocol_profile(const ProtocolDecision& decision) {
    return "Not applicable: needs an echo server (--profile protocol): " + decision.why +
           ". No connection was made.";
}

Case protocol_variant(const Case& c) {
    Case out = c;
    if (!out.websocket() && !out.h2_server_probe()) return out;
    out.expectation += " Under --profile protocol the peer's messages are not judged: " +
                       protocol_decision(c).why + ".";
    if (auto* probe = std::get_if<harness::H2ServerProbe>(&out.script)) {
        probe->judge = [judge = probe->judge](const harness::H2Exchange& x) {
            harness::H2Exchange without_messages = x;
            without_messages.messages_judged = false;
            return judge(without_messages);
        };
        return out;
    }
    auto* script = std::get_if<harness::WebSocketScript>(&out.script);
    // The script as it is, then each alternative it declared again without its messages: a
    // behavior declared again replaces its events (Autobahn's self.expected[behavior] = ...).
    auto expected = declared_expectations(c).expected;
    for (auto& [behavior, events] : expected)
        std::erase_if(events, [](const Event& e) { return e.kind == Event::Kind::message; });
    script->on_open = [on_open = script->on_open, expected = std::move(expected)](Session& s) {
        on_open(s);
        for (const auto& [behavior, events] : expected) s.expect(behavior, events);
    };
    script->on_message = [](Session&, const Event&) {};  // not recorded, not judged
    return out;
}

ProfiledCases::ProfiledCases(std::span<const Case* const> selected, Profile profile) {
    for (const Case* c : selected) {
        if (profile == Profile::echo) {
            cases_.push_back(c);
            continue;
        }
        const auto decision = protocol_decision(*c);
        if (decision.runs) {
            cases_.push_back(&variants_.emplace_back(protocol_variant(*c)));
        } else {
            cases_.push_back(c);
            not_run_.emplace(c->id, not_run_under_protocol_profile(decision));
        }
    }
}

}  // namespace wsconform::cases
