// Section 2: pings and pongs (RFC 6455 5.5.2, 5.5.3).
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;
using harness::pong;

namespace {

constexpr std::string_view kPongRule =
    "An endpoint that receives a Ping answers with a Pong whose application data is the "
    "Ping's, as soon as practical.";
constexpr std::string_view kUnsolicitedPongRule =
    "A Pong may be sent unsolicited, as a heartbeat; it calls for no answer, so the peer "
    "sends nothing back.";

// A case whose pings the peer must answer, as `on_open` sends and expects them.
Case pongs_case(std::string id, std::string title, std::string description, std::string expectation,
                std::function<void(Session&)> on_open) {
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description),
        .expectation = std::move(expectation),
        .rfc = {"RFC 6455 5.5.2", "RFC 6455 5.5.3"},
        .requirement = std::string(kPongRule),
        .script = WebSocketScript{.on_open = std::move(on_open)},
    };
}

// A ping with `payload`, answered by a pong; we close after `close_after`.
Case ping_case(std::string id, std::string title, std::string description, std::string payload,
               std::optional<std::size_t> chopsize, harness::Duration close_after) {
    return pongs_case(
        std::move(id), std::move(title), std::move(description),
        "The peer answers with a Pong carrying the same payload; we then close "
        "normally with 1000.",
        [payload, chopsize, close_after](Session& s) {
            s.expect(Behavior::ok, {pong(payload)});
            s.expect_close(we_close_normally());
            s.send_frame({.opcode = opcode::ping, .payload = payload, .chopsize = chopsize});
            s.close_after(close_after);
        });
}

// Ten pings "payload-0" .. "payload-9", each answered in order.
Case ten_pings_case(std::string id, std::string title, std::optional<std::size_t> chopsize) {
    std::string description = "Sends ten Pings in a row with payloads 'payload-0' to 'payload-9'.";
    if (chopsize) description += write_mode_note(WriteMode::octets);
    return pongs_case(
        std::move(id), std::move(title), std::move(description),
        "The peer answers each Ping with a Pong carrying its payload, in order "
        "(RFC 6455 allows answering only the latest, but one Pong per Ping is "
        "expected here); we then close normally with 1000.",
        [chopsize](Session& s) {
            std::vector<harness::Event> pongs;
            for (int i = 0; i < 10; ++i) pongs.push_back(pong("payload-" + std::to_string(i)));
            s.expect(Behavior::ok, pongs);
            for (const auto& p : pongs)
                s.send_frame({.opcode = opcode::ping, .payload = p.data, .chopsize = chopsize});
            s.expect_close(we_close_normally());
            s.close_after(3s);
        });
}

}  // namespace

std::vector<Case> section2_pings() {
    std::vector<Case> out;
    out.push_back(ping_case("2.1", "Ping without payload", "Sends a Ping with an empty payload.",
                            "", std::nullopt, 1s));
    out.push_back(ping_case("2.2", "Ping with a short text payload",
                            "Sends a Ping with the 13-octet payload 'Hello, world!'.",
                            "Hello, world!", std::nullopt, 1s));
    out.push_back(ping_case("2.3", "Ping with a short binary payload",
                            "Sends a Ping with the 8-octet payload 0x00fffefdfcfb00ff (not UTF-8).",
                            decode_hex_literal("00fffefdfcfb00ff"), std::nullopt, 1s));
    out.push_back(ping_case("2.4", "Ping with a 125-octet payload",
                            "Sends a Ping with 125 octets of 0xfe, the largest control payload.",
                            std::string(125, '\xfe'), std::nullopt, 1s));

    out.push_back(Case{
        .id = "2.5",
        .title = "Ping with a 126-octet payload",
        .description = "Sends a Ping with 126 octets of 0xfe, one more than a control frame may "
                       "carry.",
        .expectation = std::string(kFailProtocol),
        .rfc = {"RFC 6455 5.5", "RFC 6455 7.1.7"},
        .requirement = "Control frames carry at most 125 payload octets; a longer one is a "
                       "protocol error, and the receiver fails the connection.",
        .script = on_open([](Session& s) {
            s.expect(Behavior::ok, {});
            s.expect_close(peer_fails(1002));
            s.send_frame({.opcode = opcode::ping, .payload = std::string(126, '\xfe')});
            s.kill_after(1s);
        }),
    });

    out.push_back(ping_case(
        "2.6", "Ping with a 125-octet payload, written octet by octet",
        "Sends a Ping with 125 octets of 0xfe." + std::string(write_mode_note(WriteMode::octets)),
        std::string(125, '\xfe'), 1, 2s));

    // 2.7, 2.8: an unsolicited pong, then our close; nothing may come back but the close.
    struct UnsolicitedRow {
        const char* id;
        const char* title;
        const char* payload;
    };
    for (const UnsolicitedRow& row :
         {UnsolicitedRow{"2.7", "Unsolicited Pong without payload", ""},
          UnsolicitedRow{"2.8", "Unsolicited Pong with payload", "unsolicited pong payload"}}) {
        const std::string payload = row.payload;
        out.push_back(Case{
            .id = row.id,
            .title = row.title,
            .description = payload.empty()
                               ? "Sends a Pong with an empty payload that answers no Ping, then "
                                 "a Close with 1000."
                               : "Sends a Pong with the payload '" + payload +
                                     "' that answers no Ping, then a Close with 1000.",
            .expectation = "The peer sends nothing in reply to the Pong and completes the "
                           "closing handshake cleanly.",
            .rfc = {"RFC 6455 5.5.3"},
            .requirement = std::string(kUnsolicitedPongRule),
            .script = on_open([payload](Session& s) {
                s.expect(Behavior::ok, {});
                s.expect_close(we_close_normally());
                s.send_frame({.opcode = opcode::pong, .payload = payload});
                s.send_close(1000);
                s.close_after(1s);
            }),
        });
    }

    // 2.9: a pong case whose Ping follows an unsolicited Pong, so both rules apply.
    Case unsolicited_then_ping = pongs_case(
        "2.9", "Unsolicited Pong, then a Ping",
        "Sends a Pong with the payload 'unsolicited pong payload' that answers no Ping, then a "
        "Ping with the payload 'ping payload'.",
        "The peer ignores the Pong and answers the Ping with a Pong carrying 'ping payload'; we "
        "then close normally with 1000.",
        [](Session& s) {
            s.expect(Behavior::ok, {pong("ping payload")});
            s.expect_close(we_close_normally());
            s.send_frame({.opcode = opcode::pong, .payload = "unsolicited pong payload"});
            s.send_frame({.opcode = opcode::ping, .payload = "ping payload"});
            s.close_after(1s);
        });
    unsolicited_then_ping.requirement.insert(0, std::string(kUnsolicitedPongRule) + " ");
    out.push_back(std::move(unsolicited_then_ping));

    out.push_back(ten_pings_case("2.10", "Ten Pings in a row", std::nullopt));
    out.push_back(ten_pings_case("2.11", "Ten Pings in a row, written octet by octet", 1));
    return out;
}

}  // namespace wsconform::cases
