// Helpers shared by the section files: payload builders, the write modes Autobahn varies
// (plain, one write per frame, one octet per write) and the close outcomes that recur.
// Internal to cases/.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <utility>

#include "harness/model/case.h"
#include "harness/model/events.h"
#include "harness/model/session.h"
#include "protocol/frame.h"
#include "protocol/hex.h"

namespace wsconform::cases::detail {

using namespace std::chrono_literals;
namespace opcode = protocol::opcode;

using harness::Case;
using harness::Event;
using harness::ExpectedClose;
using harness::FrameSpec;
using harness::Level;
using harness::Session;
using harness::WebSocketScript;

// "00fffe" -> the three octets 0x00 0xff 0xfe. The digits are literals in our own sources,
// so a bad digit is a bug in the catalogue: it aborts at start-up and the catalogue test
// catches it before anyone runs a case.
inline std::string decode_hex_literal(std::string_view digits) {
    auto octets = protocol::hex_decode(digits);
    if (!octets) {
        std::fprintf(stderr, "wsconform: bad hex payload literal \"%.*s\"\n",
                     static_cast<int>(digits.size()), digits.data());
        std::abort();
    }
    return *std::move(octets);
}

// "1 octet", "16 octets"; "1 character", "3 characters".
inline std::string octets(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " octet" : " octets");
}
inline std::string characters(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " character" : " characters");
}

// The script of a case that needs nothing but its on_open (Autobahn's onOpen): the
// expectations, timers and sends, with the default message handling and closing handshake.
inline WebSocketScript on_open(std::function<void(Session&)> script) {
    return WebSocketScript{.on_open = std::move(script)};
}

// How the octets of each frame go onto the wire. Autobahn repeats many cases three times,
// changing only this.
enum class WriteMode {
    plain,   // frames may be coalesced into one write
    sync,    // each frame in a write of its own (Autobahn's sync=True)
    octets,  // each frame written one octet at a time (Autobahn's chopsize=1)
};

inline FrameSpec written(FrameSpec frame, WriteMode mode) {
    if (mode == WriteMode::sync) frame.sync = true;
    if (mode == WriteMode::octets) frame.chopsize = 1;
    return frame;
}

// A phrase appended to descriptions: "", " Each frame is written on its own.", ...
inline std::string_view write_mode_note(WriteMode mode) {
    return mode == WriteMode::sync     ? " Each frame goes out in a TCP write of its own."
           : mode == WriteMode::octets ? " Every frame is written one octet per TCP write."
                                       : "";
}

// A phrase appended to titles: "", ", one write per frame", ", octet-wise writes".
inline std::string_view write_mode_title(WriteMode mode) {
    return mode == WriteMode::sync     ? ", one write per frame"
           : mode == WriteMode::octets ? ", octet-wise writes"
                                       : "";
}

// The close outcomes, as Autobahn's expectedClose.
// We close with 1000 once the expected events arrived; the handshake must complete cleanly.
inline ExpectedClose we_close_normally() {
    return {.closed_by_me = true, .close_codes = {1000}, .require_clean = true};
}
// The peer must fail the connection: a close frame with `code`, or simply dropping TCP.
inline ExpectedClose peer_fails(std::uint16_t code) {
    return {.closed_by_me = false, .close_codes = {code}, .require_clean = false};
}
// The same for invalid UTF-8, where the wrong endpoint closing also fails `behavior`.
inline ExpectedClose peer_fails_on_utf8() {
    return {.closed_by_me = false,
            .close_codes = {1007},
            .require_clean = false,
            .closed_by_wrong_endpoint_is_fatal = true};
}

// Shared expectation sentences.
inline constexpr std::string_view kEchoThenClose =
    "The peer echoes the message unchanged; we then close normally with 1000.";
inline constexpr std::string_view kFailProtocol =
    "The peer fails the connection: a close frame with 1002, or a plain TCP drop. Nothing is "
    "echoed.";
inline constexpr std::string_view kFailUtf8 =
    "The peer fails the connection: a close frame with 1007, or a plain TCP drop. Nothing is "
    "echoed.";

// Autobahn's shape for a frame the peer must reject (3.x, 4.x): optionally a valid text
// message first, whose echo is expected (OK) though a peer that fails before echoing it is
// tolerated (NON-STRICT); then the bad frame; then, in that variant, a Ping whose Pong must
// never come. The peer fails the connection with 1002.
inline void send_rejected_frame(Session& s, const FrameSpec& bad, bool valid_message_first,
                                WriteMode mode = WriteMode::plain) {
    static const std::string kValid = "Hello, world!";
    if (valid_message_first) {
        s.expect(harness::Behavior::ok, {harness::text_message(kValid)});
        s.expect(harness::Behavior::non_strict, {});
    } else {
        s.expect(harness::Behavior::ok, {});
    }
    s.expect_close(peer_fails(1002));
    if (valid_message_first)
        s.send_frame(written({.opcode = opcode::text, .payload = kValid}, mode));
    s.send_frame(written(bad, mode));
    if (valid_message_first) s.send_frame(written({.opcode = opcode::ping}, mode));
    s.kill_after(1s);
}

}  // namespace wsconform::cases::detail
