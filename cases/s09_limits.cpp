// Section 9: limits and performance. 9.1-9.6 send one large message (up to 16 MiB; in one
// frame, in fragments, or written in small chops), 9.7/9.8 a thousand small ones, each after
// the echo of the one before. The cases judge themselves, as Autobahn's do: the verdict is
// FAILED until the echo arrives, and the wire log is off while the bulk traffic runs.
//
// Beyond Autobahn, which compares only type and length, every echo is compared octet for
// octet with what was sent. The payloads are fixed by the case, so nothing is kept per run:
// 9.7/9.8 learn how many messages they sent from the Session's frame count.
#include <string>
#include <vector>

#include "cases/cut_short.h"
#include "cases/echo_difference.h"
#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;

namespace {

constexpr std::size_t KiB = 1024;
constexpr std::size_t MiB = 1024 * 1024;

// "64 KiB", "1 MiB", "256 octets".
std::string size_name(std::size_t n) {
    if (n >= MiB && n % MiB == 0) return std::to_string(n / MiB) + " MiB";
    if (n >= KiB && n % KiB == 0) return std::to_string(n / KiB) + " KiB";
    return octets(n);
}

// True when `data` is `pattern` repeated (the last repetition possibly cut short).
bool is_repeated(std::string_view data, std::string_view pattern) {
    for (std::size_t i = 0; i < data.size(); i += pattern.size())
        if (data.substr(i, pattern.size()) != pattern.substr(0, data.size() - i)) return false;
    return true;
}

std::string repeated(std::string_view pattern, std::size_t length) {
    std::string out;
    out.reserve(length);
    while (out.size() < length) out.append(pattern.substr(0, length - out.size()));
    return out;
}

// 'BAsd7&jh23' when printable ASCII, 0x00fe23faf0 otherwise.
std::string quoted(std::string_view octets) {
    for (unsigned char c : octets)
        if (c < 0x20 || c > 0x7e) return "0x" + protocol::hex_encode(octets);
    return "'" + std::string(octets) + "'";
}

std::string_view kind(bool binary) {
    return binary ? "binary" : "text";
}

constexpr std::string_view kSizeRule =
    "RFC 6455 sets no limit on message size; an endpoint with a limit of its own closes with "
    "1009 when a message exceeds it, and a message it accepts it must process intact (here: "
    "echo it unchanged).";
constexpr std::string_view kFragmentRule =
    "A message may arrive in any number of fragments, and the receiver reassembles them in "
    "order into the original message.";
constexpr std::string_view kChopRule =
    "Frames are a stream of octets over TCP: a receiver assembles a frame from however many "
    "reads it takes.";
constexpr std::string_view kRoundTripRule =
    "Messages of any length, down to empty ones, are delivered unchanged and in order; this "
    "measures how fast the peer turns each one around.";

// One large message, echoed once (9.1-9.6).
struct LargeMessage {
    std::string id;
    bool binary = false;
    std::string pattern;  // repeated up to `size`
    std::size_t size = 0;
    bool as_message = false;              // send_message() (9.3, 9.4) or one frame
    std::optional<std::size_t> fragment;  // 9.3, 9.4
    std::optional<std::size_t> chop;      // 9.5, 9.6
    int seconds = 0;
};

Case large_message_case(const LargeMessage& m) {
    std::string title =
        (m.binary ? "Binary" : "Text") + std::string(" message of ") + size_name(m.size);
    std::string description = "Sends one " + std::to_string(m.size) + "-octet " +
                              std::string(kind(m.binary)) + " message";
    std::string requirement(kSizeRule);
    std::vector<std::string> rfc{"RFC 6455 5.2", "RFC 6455 10.4"};
    if (m.fragment) {
        title += " in " + size_name(*m.fragment) + " fragments";
        description += " in fragments of " + std::to_string(*m.fragment) + " octets (" +
                       std::to_string(m.size / *m.fragment) +
                       (m.size == *m.fragment ? " frame" : " frames") + ")";
        requirement += " " + std::string(kFragmentRule);
        rfc.push_back("RFC 6455 5.4");
    } else {
        description += " in a single frame";
    }
    description += m.pattern.size() == 1 ? ", every octet " + quoted(m.pattern) + "."
                                         : ", its payload " + quoted(m.pattern) + " repeated.";
    if (m.chop) {
        title += ", written in " + std::to_string(*m.chop) + "-octet chops";
        description +=
            " The frame goes out in TCP writes of " + std::to_string(*m.chop) + " octets.";
        requirement += " " + std::string(kChopRule);
    }
    const std::string seconds = std::to_string(m.seconds);
    const std::string timer_result = "No echo arrived within " + seconds + " seconds.";

    return Case{
        .id = m.id,
        .title = std::move(title),
        .description = std::move(description),
        .expectation = "The peer echoes the message unchanged within " + seconds +
                       " seconds (we check every octet; Autobahn checks only type and length); "
                       "we then close normally with 1000.",
        .rfc = std::move(rfc),
        .requirement = std::move(requirement),
        .level = Level::should,
        .script = WebSocketScript{
            .on_open =
                [m, timer_result](Session& s) {
                    s.set_wirelog(false);
                    s.set_result(Behavior::failed, timer_result);
                    s.expect_close(we_close_normally());
                    const std::uint8_t op = m.binary ? opcode::binary : opcode::text;
                    if (m.as_message)
                        s.send_message(repeated(m.pattern, m.size), m.binary, m.fragment);
                    else
                        s.send_frame({.opcode = op,
                                      .payload = m.pattern,
                                      .payload_len = m.size,
                                      .chopsize = m.chop});
                    s.close_after(std::chrono::seconds(m.seconds));
                },
            .on_message =
                [m](Session& s, const Event& echo) {
                    if (!s.is_open()) return;  // decided already; the closing handshake runs
                    // Checked in place; the 16 MiB copy of what we sent is built only to explain
                    // a mismatch.
                    const bool same = echo.kind == Event::Kind::message &&
                                      echo.binary == m.binary && echo.data.size() == m.size &&
                                      is_repeated(echo.data, m.pattern);
                    const auto why =
                        same ? std::nullopt
                             : echo_difference("The echo", echo, repeated(m.pattern, m.size),
                                               m.binary, false);
                    if (why)
                        s.set_result(Behavior::failed, *why);
                    else
                        s.set_result(Behavior::ok, "The " + std::to_string(m.size) + "-octet " +
                                                       std::string(kind(m.binary)) +
                                                       " message came back unchanged.");
                    s.set_wirelog(true);
                    s.send_close(1000);
                },
            .memory_hint = m.size,
            .report_time = true,
            .adjust = explain_cut_short(timer_result, m.binary ? opcode::binary : opcode::text, 1),
        },
    };
}

// A thousand small messages, one round trip at a time (9.7, 9.8).
Case round_trips_case(std::string id, bool binary, std::size_t size, int seconds) {
    constexpr std::size_t kCount = 1000;
    const char fill = binary ? '\xfe' : '*';
    const std::uint8_t op = binary ? opcode::binary : opcode::text;
    const std::string what = size == 0 ? "empty " + std::string(kind(binary)) + " messages"
                                       : std::string(kind(binary)) + " messages of " +
                                             std::to_string(size) + " octets (" +
                                             (binary ? "0xfe" : "'*'") + " repeated)";
    const std::string secs = std::to_string(seconds);
    const std::string timer_result = "The " + std::to_string(kCount) +
                                     " round trips did not finish within " + secs + " seconds.";
    return Case{
        .id = std::move(id),
        .title = std::to_string(kCount) + " round trips of " + what.substr(0, what.find(" (")),
        .description = "Sends " + std::to_string(kCount) + " " + what +
                       ", one at a time: each goes out once the echo of the one before has "
                       "arrived, so the case measures the round-trip time.",
        .expectation =
            "The peer echoes every message unchanged (we check every octet; "
            "Autobahn checks only type and length) and all " +
            std::to_string(kCount) + " round trips finish within " + secs +
            " seconds; we then close normally with 1000.",
        .rfc = {"RFC 6455 5.6"},
        .requirement = std::string(kRoundTripRule),
        .level = Level::should,
        .script = WebSocketScript{
            .on_open =
                [op, fill, size, seconds, timer_result](Session& s) {
                    s.set_wirelog(false);
                    s.set_result(Behavior::failed, timer_result);
                    s.expect_close(we_close_normally());
                    s.close_after(std::chrono::seconds(seconds));
                    s.send_frame(
                        {.opcode = op, .payload = std::string(1, fill), .payload_len = size});
                },
            // Every message is one frame, so the Session's count of frames with our opcode is the
            // number of the message being echoed.
            .on_message =
                [binary, op, fill, size](Session& s, const Event& echo) {
                    if (!s.is_open()) return;
                    auto finish = [&s](Behavior behavior, std::string why) {
                        s.set_result(behavior, std::move(why));
                        s.set_wirelog(true);
                        s.send_close(1000);
                    };
                    const std::uint64_t sent = s.frames_sent(op);
                    if (auto why = echo_difference(
                            "Echo " + std::to_string(sent) + " of " + std::to_string(kCount), echo,
                            std::string(size, fill), binary, false)) {
                        finish(Behavior::failed, std::move(*why));
                    } else if (sent < kCount) {
                        s.send_frame(
                            {.opcode = op, .payload = std::string(1, fill), .payload_len = size});
                    } else {
                        finish(Behavior::ok, "All " + std::to_string(kCount) +
                                                 " messages came back unchanged in time.");
                    }
                },
            .memory_hint = size,
            .report_time = true,
            .adjust = explain_cut_short(timer_result, op, kCount),
        },
    };
}

}  // namespace

std::vector<Case> section9_limits() {
    const std::string text_pattern = "BAsd7&jh23";
    const std::string binary_pattern = decode_hex_literal("00fe23faf0");
    std::vector<Case> out;

    // Each text case has a binary twin in the next subsection (9.2.n for 9.1.n ...).
    auto add_with_binary_twin = [&out](LargeMessage text, std::string twin_id,
                                       std::string binary_pattern, int binary_seconds) {
        LargeMessage binary = text;
        binary.id = std::move(twin_id);
        binary.binary = true;
        binary.pattern = std::move(binary_pattern);
        binary.seconds = binary_seconds;
        out.push_back(large_message_case(text));
        out.push_back(large_message_case(binary));
    };

    // 9.1, 9.2: one frame of 64 KiB ... 16 MiB. Autobahn gives the first sizes 10 s and the
    // rest 100 s, but binary 1 MiB and 4 MiB only 10 s.
    const std::size_t sizes[] = {64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB, 8 * MiB, 16 * MiB};
    const int text_seconds[] = {10, 10, 100, 100, 100, 100};
    const int binary_seconds[] = {10, 10, 10, 10, 100, 100};
    for (int i = 0; i < 6; ++i) {
        const std::string n = std::to_string(i + 1);
        add_with_binary_twin({.id = "9.1." + n,
                              .pattern = text_pattern,
                              .size = sizes[i],
                              .seconds = text_seconds[i]},
                             "9.2." + n, binary_pattern, binary_seconds[i]);
    }

    // 9.3, 9.4: 4 MiB in fragments of 64 octets ... 4 MiB. Autobahn's payload is '*'
    // throughout, except 9.4.1, which sends 0xfe.
    const std::size_t fragments[] = {64,       256,       1 * KiB, 4 * KiB, 16 * KiB,
                                     64 * KiB, 256 * KiB, 1 * MiB, 4 * MiB};
    for (int i = 0; i < 9; ++i) {
        const std::string n = std::to_string(i + 1);
        add_with_binary_twin({.id = "9.3." + n,
                              .pattern = "*",
                              .size = 4 * MiB,
                              .as_message = true,
                              .fragment = fragments[i],
                              .seconds = 100},
                             "9.4." + n, i == 0 ? "\xfe" : "*", 100);
    }

    // 9.5, 9.6: one 1 MiB frame written in chops of 64 ... 2048 octets.
    const std::size_t chops[] = {64, 128, 256, 512, 1024, 2048};
    for (int i = 0; i < 6; ++i) {
        const std::string n = std::to_string(i + 1);
        add_with_binary_twin({.id = "9.5." + n,
                              .pattern = text_pattern,
                              .size = 1 * MiB,
                              .chop = chops[i],
                              .seconds = 1000},
                             "9.6." + n, binary_pattern, 1000);
    }

    // 9.7, 9.8: 1000 round trips of 0 ... 4096 octets.
    struct RoundTrips {
        std::size_t size;
        int seconds;
    };
    const RoundTrips trips[] = {{0, 60}, {16, 60}, {64, 60}, {256, 120}, {1024, 240}, {4096, 480}};
    for (int i = 0; i < 6; ++i) {
        const std::string n = std::to_string(i + 1);
        out.push_back(round_trips_case("9.7." + n, false, trips[i].size, trips[i].seconds));
        out.push_back(round_trips_case("9.8." + n, true, trips[i].size, trips[i].seconds));
    }
    return out;
}

}  // namespace wsconform::cases
