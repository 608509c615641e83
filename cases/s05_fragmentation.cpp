// Section 5: fragmentation (RFC 6455 5.4). Valid fragmented messages, control frames
// between fragments, fragmented control frames, and continuation frames out of place.
#include <string>
#include <utility>
#include <vector>

#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;
using harness::pong;
using harness::text_message;

namespace {

struct Frame {
    std::uint8_t opcode;
    bool fin;
    std::string payload;
};

void send_all(Session& s, const std::vector<Frame>& frames, WriteMode mode) {
    for (const Frame& f : frames)
        s.send_frame(written({.opcode = f.opcode, .payload = f.payload, .fin = f.fin}, mode));
}

constexpr std::string_view kFragmentRule =
    "A message may be split into a first frame with FIN clear, continuation frames, and a "
    "final frame with FIN set; the receiver reassembles the fragments in order.";
constexpr std::string_view kInterleaveRule =
    "Control frames may be injected between the fragments of a message and are handled at "
    "once; the message is reassembled around them.";
constexpr std::string_view kControlFragmentRule =
    "Control frames must not be fragmented (FIN is always set on them); a receiver that gets "
    "one with FIN clear fails the connection.";
constexpr std::string_view kContinuationRule =
    "A continuation frame is only valid inside a fragmented message, and inside one every "
    "data frame is a continuation; anything else is a protocol error and the receiver fails "
    "the connection.";

// The peer must fail the connection with 1002; no event is expected.
Case failing(std::string id, std::string title, std::string description, std::vector<Frame> frames,
             WriteMode mode, std::string_view requirement,
             std::vector<std::string> rfc = {"RFC 6455 5.4"}) {
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description) + std::string(write_mode_note(mode)),
        .expectation = std::string(kFailProtocol),
        .rfc = std::move(rfc),
        .requirement = std::string(requirement),
        .level = Level::must,
        .script =
            WebSocketScript{
                .on_open =
                    [frames = std::move(frames), mode](Session& s) {
                        s.expect(Behavior::ok, {});
                        s.expect_close(peer_fails(1002));
                        send_all(s, frames, mode);
                        s.kill_after(1s);
                    },
            },
    };
}

// The peer answers with `events`; we close one second later at the latest.
Case answered(std::string id, std::string title, std::string description, std::string expectation,
              std::vector<Frame> frames, WriteMode mode, std::vector<harness::Event> events,
              std::string_view requirement) {
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description) + std::string(write_mode_note(mode)),
        .expectation = std::move(expectation),
        .rfc = {"RFC 6455 5.4"},
        .requirement = std::string(requirement),
        .level = Level::must,
        .script =
            WebSocketScript{
                .on_open =
                    [frames = std::move(frames), mode, events = std::move(events)](Session& s) {
                        s.expect(Behavior::ok, events);
                        s.expect_close(we_close_normally());
                        send_all(s, frames, mode);
                        s.close_after(1s);
                    },
            },
    };
}

constexpr std::uint8_t kText = opcode::text;
constexpr std::uint8_t kCont = opcode::continuation;

struct ModeRow {
    const char* id;
    WriteMode mode;
    const char* title_suffix;
};

}  // namespace

std::vector<Case> section5_fragmentation() {
    std::vector<Case> out;

    out.push_back(failing("5.1", "Ping in two fragments",
                          "Sends a Ping with FIN clear and payload 'fragment1', then a "
                          "continuation frame with 'fragment2'.",
                          {{opcode::ping, false, "fragment1"}, {kCont, true, "fragment2"}},
                          WriteMode::plain, kControlFragmentRule,
                          {"RFC 6455 5.4", "RFC 6455 5.5"}));
    out.push_back(failing("5.2", "Pong in two fragments",
                          "Sends a Pong with FIN clear and payload 'fragment1', then a "
                          "continuation frame with 'fragment2'.",
                          {{opcode::pong, false, "fragment1"}, {kCont, true, "fragment2"}},
                          WriteMode::plain, kControlFragmentRule,
                          {"RFC 6455 5.4", "RFC 6455 5.5"}));

    for (const ModeRow& row : {ModeRow{"5.3", WriteMode::plain, ""},
                               ModeRow{"5.4", WriteMode::sync, ", one write per frame"},
                               ModeRow{"5.5", WriteMode::octets, ", octet-wise writes"}}) {
        out.push_back(
            answered(row.id, std::string("Text message in two fragments") + row.title_suffix,
                     "Sends a text message as two frames: 'fragment1' with FIN clear, then a "
                     "continuation 'fragment2' with FIN set.",
                     "The peer echoes 'fragment1fragment2' as one message; we then close normally "
                     "with 1000.",
                     {{kText, false, "fragment1"}, {kCont, true, "fragment2"}}, row.mode,
                     {text_message("fragment1fragment2")}, kFragmentRule));
    }

    for (const ModeRow& row : {ModeRow{"5.6", WriteMode::plain, ""},
                               ModeRow{"5.7", WriteMode::sync, ", one write per frame"},
                               ModeRow{"5.8", WriteMode::octets, ", octet-wise writes"}}) {
        out.push_back(answered(
            row.id,
            std::string("Text message in two fragments with a Ping between") + row.title_suffix,
            "Sends 'fragment1' as a text frame with FIN clear, a Ping with 'ping payload', "
            "then the continuation 'fragment2' with FIN set.",
            "The peer first answers the Ping with a Pong 'ping payload', then echoes "
            "'fragment1fragment2' as one message; we then close normally with 1000.",
            {{kText, false, "fragment1"},
             {opcode::ping, true, "ping payload"},
             {kCont, true, "fragment2"}},
            row.mode, {pong("ping payload"), text_message("fragment1fragment2")}, kInterleaveRule));
    }

    for (const ModeRow& row : {ModeRow{"5.9", WriteMode::plain, ""},
                               ModeRow{"5.10", WriteMode::sync, ", one write per frame"},
                               ModeRow{"5.11", WriteMode::octets, ", octet-wise writes"}}) {
        out.push_back(failing(
            row.id,
            std::string("Final continuation frame with no message started") + row.title_suffix,
            "Sends a continuation frame with FIN set and payload 'non-continuation payload' "
            "while no message is in progress, then a text message 'Hello, world!'.",
            {{kCont, true, "non-continuation payload"}, {kText, true, "Hello, world!"}}, row.mode,
            kContinuationRule));
    }

    for (const ModeRow& row : {ModeRow{"5.12", WriteMode::plain, ""},
                               ModeRow{"5.13", WriteMode::sync, ", one write per frame"},
                               ModeRow{"5.14", WriteMode::octets, ", octet-wise writes"}}) {
        out.push_back(failing(
            row.id,
            std::string("Non-final continuation frame with no message started") + row.title_suffix,
            "Sends a continuation frame with FIN clear and payload 'non-continuation payload' "
            "while no message is in progress, then a text message 'Hello, world!'.",
            {{kCont, false, "non-continuation payload"}, {kText, true, "Hello, world!"}}, row.mode,
            kContinuationRule));
    }

    out.push_back(Case{
        .id = "5.15",
        .title = "Complete fragmented message, then a stray continuation",
        .description = "Sends a valid two-frame text message ('fragment1', 'fragment2'), then a "
                       "continuation 'fragment3' with FIN clear that belongs to no message, "
                       "then a text frame 'fragment4'.",
        .expectation = "The peer echoes 'fragment1fragment2', then fails the connection (close "
                       "1002 or TCP drop). Failing before the echo is tolerated as non-strict.",
        .rfc = {"RFC 6455 5.4"},
        .requirement = std::string(kContinuationRule),
        .level = Level::must,
        .script =
            WebSocketScript{
                .on_open =
                    [](Session& s) {
                        s.expect(Behavior::ok, {text_message("fragment1fragment2")});
                        s.expect(Behavior::non_strict, {});
                        s.expect_close(peer_fails(1002));
                        send_all(s,
                                 {{kText, false, "fragment1"},
                                  {kCont, true, "fragment2"},
                                  {kCont, false, "fragment3"},
                                  {kText, true, "fragment4"}},
                                 WriteMode::plain);
                        s.kill_after(1s);
                    },
            },
    });

    // 5.16, 5.17: the same three frames twice; the first continuation has nothing to continue.
    for (const auto& [id, first_fin] : {std::pair{"5.16", false}, std::pair{"5.17", true}}) {
        const std::vector<Frame> three{{kCont, first_fin, "fragment1"},
                                       {kText, false, "fragment2"},
                                       {kCont, true, "fragment3"}};
        std::vector<Frame> frames = three;
        frames.insert(frames.end(), three.begin(), three.end());
        out.push_back(failing(
            id,
            first_fin ? "Final continuation frame first, then a fragmented message, twice"
                      : "Non-final continuation frame first, then a fragmented message, twice",
            std::string("Sends, twice: a continuation 'fragment1' with FIN ") +
                (first_fin ? "set" : "clear") +
                " while no message is in progress, a text frame 'fragment2' with FIN clear and a "
                "continuation 'fragment3' with FIN set.",
            std::move(frames), WriteMode::plain, kContinuationRule));
    }

    out.push_back(failing("5.18", "Text frame where a continuation is due",
                          "Sends a text frame 'fragment1' with FIN clear, then another text "
                          "frame 'fragment2' with FIN set instead of a continuation.",
                          {{kText, false, "fragment1"}, {kText, true, "fragment2"}},
                          WriteMode::plain, kContinuationRule));

    // 5.19, 5.20: five fragments with two Pings between them, paused for a second halfway.
    for (const ModeRow& row : {ModeRow{"5.19", WriteMode::plain, ""},
                               ModeRow{"5.20", WriteMode::sync, ", one write per frame"}}) {
        const WriteMode mode = row.mode;
        out.push_back(Case{
            .id = row.id,
            .title =
                std::string("Fragmented message with Pings, paused halfway") + row.title_suffix,
            .description = "Sends text fragments 'fragment1' and 'fragment2' (FIN clear) and a "
                           "Ping 'pongme 1!'; waits one second; sends 'fragment3' and "
                           "'fragment4', a Ping 'pongme 2!', and the final 'fragment5'." +
                           std::string(write_mode_note(mode)),
            .expectation = "The peer answers each Ping as it arrives, then echoes "
                           "'fragment1fragment2fragment3fragment4fragment5' as one message; we "
                           "then close normally with 1000.",
            .rfc = {"RFC 6455 5.4", "RFC 6455 5.5.2"},
            .requirement = std::string(kInterleaveRule),
            .level = Level::must,
            .script =
                WebSocketScript{
                    .on_open =
                        [mode](Session& s) {
                            s.expect(
                                Behavior::ok,
                                {pong("pongme 1!"), pong("pongme 2!"),
                                 text_message("fragment1fragment2fragment3fragment4fragment5")});
                            s.expect_close(we_close_normally());
                            send_all(s,
                                     {{kText, false, "fragment1"},
                                      {kCont, false, "fragment2"},
                                      {opcode::ping, true, "pongme 1!"}},
                                     mode);
                            s.continue_later(1s, [mode](Session& s) {
                                send_all(s,
                                         {{kCont, false, "fragment3"},
                                          {kCont, false, "fragment4"},
                                          {opcode::ping, true, "pongme 2!"},
                                          {kCont, true, "fragment5"}},
                                         mode);
                                s.close_after(1s);
                            });
                        },
                },
        });
    }
    return out;
}

}  // namespace wsconform::cases
