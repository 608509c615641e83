// Section 18: masking (RFC 6455 5.1, 5.3, 10.3). Every frame from a client is masked and no
// frame from a server is, so that a script in a browser cannot choose the octets an
// intermediary sees (10.3). A server MUST fail the connection on an unmasked frame, a client on
// a masked one. Each case sends one frame masked the way its sender must not mask — unmasked
// when we test a server, masked when we test a client — and expects the connection failed with
// 1002 before anything of that frame is echoed or answered.
#include <array>
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;
using namespace std::string_view_literals;

namespace {

// One frame of a case's sequence.
struct MaskFrame {
    std::uint8_t opcode;
    std::string_view payload;
    bool fin = true;
    bool wrong = false;         // masked the wrong way for our role
    std::size_t repeat_to = 0;  // > 0: `payload` repeated to this many octets
};

struct MaskRow {
    const char* id;
    const char* title;
    bool valid_message_first;  // a valid text message first (its echo expected), a Ping last
    std::array<MaskFrame, 3> frames;
    std::size_t frame_count;
};

constexpr std::string_view kHello = "Hello, world!";

// clang-format off
constexpr std::array<MaskRow, 12> kRows{{
    {"18.1.1", "Text message in one frame", false,
     {{{opcode::text, kHello, true, true}}}, 1},
    {"18.1.2", "Binary message in one frame", false,
     {{{opcode::binary, "\x00\xff\xfe\xfd\xfc\xfb\x00\xff"sv, true, true}}}, 1},
    {"18.1.3", "Text message with an empty payload", false,
     {{{opcode::text, "", true, true}}}, 1},
    {"18.1.4", "Text message after a valid message", true,
     {{{opcode::text, kHello, true, true}}}, 1},
    {"18.1.5", "Binary message of 65,536 octets (64-bit length)", false,
     {{{opcode::binary, "*", true, true, 65536}}}, 1},
    {"18.2.1", "Ping", false,
     {{{opcode::ping, kHello, true, true}}}, 1},
    {"18.2.2", "Unsolicited Pong after a valid message", true,
     {{{opcode::pong, kHello, true, true}}}, 1},
    {"18.2.3", "Close frame with code 1000", false,
     {{{opcode::close, "\x03\xe8"sv, true, true}}}, 1},
    {"18.3.1", "First fragment of a text message", false,
     {{{opcode::text, "Hello, ", false, true},
       {opcode::continuation, "world!", true, false}}}, 2},
    {"18.3.2", "Middle fragment of a text message", false,
     {{{opcode::text, "Hello", false, false},
       {opcode::continuation, ", ", false, true},
       {opcode::continuation, "world!", true, false}}}, 3},
    {"18.3.3", "Last fragment of a text message", false,
     {{{opcode::text, "Hello, ", false, false},
       {opcode::continuation, "world!", true, true}}}, 2},
    {"18.3.4", "Ping between two fragments of a text message", false,
     {{{opcode::text, "Hello, ", false, false},
       {opcode::ping, "ping", true, true},
       {opcode::continuation, "world!", true, false}}}, 3},
}};
// clang-format on

std::string frame_name(std::uint8_t op, bool fin) {
    switch (op) {
        case opcode::text:
            return fin ? "a text frame" : "a first text fragment";
        case opcode::binary:
            return "a binary frame";
        case opcode::continuation:
            return fin ? "a last continuation frame" : "a continuation frame";
        case opcode::ping:
            return "a Ping";
        case opcode::pong:
            return "a Pong";
        default:
            return "a Close frame";
    }
}

std::string describe(const MaskRow& row) {
    std::string out =
        row.valid_message_first ? "Sends a valid text message 'Hello, world!', then " : "Sends ";
    for (std::size_t i = 0; i < row.frame_count; ++i) {
        const MaskFrame& f = row.frames[i];
        if (i > 0) out += i + 1 == row.frame_count ? " and " : ", ";
        out += frame_name(f.opcode, f.fin);
        if (f.repeat_to > 0)
            out += " of " + std::to_string(f.repeat_to) + " octets";
        else if (f.opcode == opcode::close)
            out += " (code 1000)";
        else if (!f.payload.empty())
            out += " '" + std::string(f.payload) + "'";
        else
            out += " with an empty payload";
        if (f.wrong) out += " masked the wrong way (unmasked to a server, masked to a client)";
    }
    if (row.valid_message_first) out += ", then a Ping";
    return out + ".";
}

}  // namespace

std::vector<Case> section18_masking() {
    std::vector<Case> out;
    for (const MaskRow& row : kRows) {
        out.push_back(Case{
            .id = row.id,
            .title = std::string(row.title) + " masked the wrong way",
            .description = describe(row),
            .expectation =
                row.valid_message_first
                    ? "The peer echoes the valid message, then fails the connection on the "
                      "wrongly masked frame (close 1002 or TCP drop) without acting on it; the "
                      "Ping is never answered. Failing before the echo is tolerated as "
                      "non-strict."
                    : "The peer fails the connection (close 1002 or TCP drop) on the wrongly "
                      "masked frame, without echoing, answering or completing anything.",
            .rfc = {"RFC 6455 5.1", "RFC 6455 5.3", "RFC 6455 10.3"},
            .requirement = "A client masks every frame it sends and a server masks none; a "
                           "server fails the connection on an unmasked frame, a client on a "
                           "masked one.",
            .script = on_open([row](Session& s) {
                if (row.valid_message_first) {
                    s.expect(harness::Behavior::ok, {harness::text_message(std::string(kHello))});
                    s.expect(harness::Behavior::non_strict, {});
                    s.send_frame({.opcode = opcode::text, .payload = std::string(kHello)});
                } else {
                    s.expect(harness::Behavior::ok, {});
                }
                s.expect_close(peer_fails(1002));
                for (std::size_t i = 0; i < row.frame_count; ++i) {
                    const MaskFrame& f = row.frames[i];
                    FrameSpec spec{.opcode = f.opcode,
                                   .payload = std::string(f.payload),
                                   .fin = f.fin,
                                   .wrong_masking = f.wrong};
                    if (f.repeat_to > 0) spec.payload_len = f.repeat_to;
                    s.send_frame(std::move(spec));
                }
                if (row.valid_message_first) s.send_frame({.opcode = opcode::ping});
                s.kill_after(1s);
            }),
        });
    }
    return out;
}

}  // namespace wsconform::cases
