// Section 5: fragmentation (RFC 6455 5.4). Valid fragmented messages, control frames
// between fragments, fragmented control frames, and continuation frames out of place.
#include <string>
#include <tuple>
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

constexpr std::uint8_t kText = opcode::text;
constexpr std::uint8_t kCont = opcode::continuation;

// Frames sent in one write mode, and what must come back: `echo` (we close after a second at
// the latest), or, when it is empty, nothing: the peer fails the connection with 1002.
struct Sequence {
    std::string title;
    std::string description;
    std::vector<Frame> frames;
    std::vector<harness::Event> echo;
    std::string expectation = std::string(kFailProtocol);
    std::string_view requirement = kContinuationRule;
    std::vector<std::string> rfc = {"RFC 6455 5.4"};
};

Case sequence_case(std::string id, Sequence q, WriteMode mode = WriteMode::plain) {
    const bool fails = q.echo.empty();
    return Case{
        .id = std::move(id),
        .title = q.title + std::string(write_mode_title(mode)),
        .description = q.description + std::string(write_mode_note(mode)),
        .expectation = std::move(q.expectation),
        .rfc = std::move(q.rfc),
        .requirement = std::string(q.requirement),
        .script = on_open(
            [frames = std::move(q.frames), echo = std::move(q.echo), fails, mode](Session& s) {
                s.expect(Behavior::ok, echo);
                s.expect_close(fails ? peer_fails(1002) : we_close_normally());
                send_all(s, frames, mode);
                if (fails)
                    s.kill_after(1s);
                else
                    s.close_after(1s);
            }),
    };
}

}  // namespace

std::vector<Case> section5_fragmentation() {
    std::vector<Case> out;

    // 5.1, 5.2: a fragmented control frame.
    for (const auto& [id, op, name] :
         {std::tuple{"5.1", opcode::ping, "Ping"}, std::tuple{"5.2", opcode::pong, "Pong"}}) {
        out.push_back(sequence_case(
            id, {.title = std::string(name) + " in two fragments",
                 .description = "Sends a " + std::string(name) +
                                " with FIN clear and payload 'fragment1', then a continuation "
                                "frame with 'fragment2'.",
                 .frames = {{op, false, "fragment1"}, {kCont, true, "fragment2"}},
                 .requirement = kControlFragmentRule,
                 .rfc = {"RFC 6455 5.4", "RFC 6455 5.5"}}));
    }

    // 5.3 - 5.14: four sequences, each written in the three write modes.
    const Sequence in_three_modes[] = {
        {.title = "Text message in two fragments",
         .description = "Sends a text message as two frames: 'fragment1' with FIN clear, then a "
                        "continuation 'fragment2' with FIN set.",
         .frames = {{kText, false, "fragment1"}, {kCont, true, "fragment2"}},
         .echo = {text_message("fragment1fragment2")},
         .expectation =
             "The peer echoes 'fragment1fragment2' as one message; we then close normally "
             "with 1000.",
         .requirement = kFragmentRule},
        {.title = "Text message in two fragments with a Ping between",
         .description = "Sends 'fragment1' as a text frame with FIN clear, a Ping with 'ping "
                        "payload', then the continuation 'fragment2' with FIN set.",
         .frames = {{kText, false, "fragment1"},
                    {opcode::ping, true, "ping payload"},
                    {kCont, true, "fragment2"}},
         .echo = {pong("ping payload"), text_message("fragment1fragment2")},
         .expectation = "The peer first answers the Ping with a Pong 'ping payload', then echoes "
                        "'fragment1fragment2' as one message; we then close normally with 1000.",
         .requirement = kInterleaveRule},
        {.title = "Final continuation frame with no message started",
         .description = "Sends a continuation frame with FIN set and payload 'non-continuation "
                        "payload' while no message is in progress, then a text message 'Hello, "
                        "world!'.",
         .frames = {{kCont, true, "non-continuation payload"}, {kText, true, "Hello, world!"}}},
        {.title = "Non-final continuation frame with no message started",
         .description = "Sends a continuation frame with FIN clear and payload 'non-continuation "
                        "payload' while no message is in progress, then a text message 'Hello, "
                        "world!'.",
         .frames = {{kCont, false, "non-continuation payload"}, {kText, true, "Hello, world!"}}},
    };
    int n = 3;
    for (const Sequence& q : in_three_modes)
        for (WriteMode mode : {WriteMode::plain, WriteMode::sync, WriteMode::octets})
            out.push_back(sequence_case("5." + std::to_string(n++), q, mode));

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
        .script = on_open([](Session& s) {
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
        }),
    });

    // 5.16, 5.17: the same three frames twice; the first continuation has nothing to continue.
    for (const auto& [id, first_fin] : {std::pair{"5.16", false}, std::pair{"5.17", true}}) {
        const std::vector<Frame> three{{kCont, first_fin, "fragment1"},
                                       {kText, false, "fragment2"},
                                       {kCont, true, "fragment3"}};
        std::vector<Frame> frames = three;
        frames.insert(frames.end(), three.begin(), three.end());
        out.push_back(sequence_case(
            id,
            {.title = first_fin ? "Final continuation frame first, then a fragmented message, twice"
                                : "Non-final continuation frame first, then a fragmented message, "
                                  "twice",
             .description = std::string("Sends, twice: a continuation 'fragment1' with FIN ") +
                            (first_fin ? "set" : "clear") +
                            " while no message is in progress, a text frame 'fragment2' with "
                            "FIN clear and a continuation 'fragment3' with FIN set.",
             .frames = std::move(frames)}));
    }

    out.push_back(sequence_case(
        "5.18", {.title = "Text frame where a continuation is due",
                 .description = "Sends a text frame 'fragment1' with FIN clear, then another text "
                                "frame 'fragment2' with FIN set instead of a continuation.",
                 .frames = {{kText, false, "fragment1"}, {kText, true, "fragment2"}}}));

    // 5.19, 5.20: five fragments with two Pings between them, paused for a second halfway.
    for (const auto& [id, mode] :
         {std::pair{"5.19", WriteMode::plain}, std::pair{"5.20", WriteMode::sync}}) {
        out.push_back(Case{
            .id = id,
            .title = "Fragmented message with Pings, paused halfway" +
                     std::string(write_mode_title(mode)),
            .description = "Sends text fragments 'fragment1' and 'fragment2' (FIN clear) and a "
                           "Ping 'pongme 1!'; waits one second; sends 'fragment3' and "
                           "'fragment4', a Ping 'pongme 2!', and the final 'fragment5'." +
                           std::string(write_mode_note(mode)),
            .expectation = "The peer answers each Ping as it arrives, then echoes "
                           "'fragment1fragment2fragment3fragment4fragment5' as one message; we "
                           "then close normally with 1000.",
            .rfc = {"RFC 6455 5.4", "RFC 6455 5.5.2"},
            .requirement = std::string(kInterleaveRule),
            .script = on_open([mode](Session& s) {
                s.expect(Behavior::ok,
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
            }),
        });
    }
    return out;
}

}  // namespace wsconform::cases
