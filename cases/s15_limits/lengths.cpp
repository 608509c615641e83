// 15.2 lengths and sizes (see cases/s15_limits/s15_limits.cpp): a 64-bit length with its top
// bit set, frames declaring huge legal lengths then nothing, and a message as large as a
// missing limit. Both roles.
#include <algorithm>
#include <memory>

#include "cases/payloads.h"
#include "cases/s15_limits/groups.h"
#include "cases/s15_limits/probe.h"

namespace wsconform::cases::limits {

using namespace detail;
using harness::Behavior;
using harness::Observation;

namespace {

constexpr std::size_t kPiece = 64 * 1024;  // one write of a paced payload

// A frame header declaring `length` payload octets (2^63-1, 2^40), then one piece of it, then
// silence: the peer must not allocate what is declared, and may close with 1009.
harness::Case declared_length(std::string id, std::string title, std::uint64_t length) {
    return limit_case({
        .id = std::move(id),
        .title = std::move(title),
        .description = "Sends a binary frame header declaring " + std::to_string(length) +
                       " payload octets (a legal length), then " + std::to_string(kPiece) +
                       " of them, then nothing for --limit-prompt seconds.",
        .expectation =
            "The peer fails the connection with 1009 (or 1008, or drops TCP): the message is "
            "past its limit. Waiting for the rest is reported as a warning with the time "
            "waited; a peer down afterwards (it tried to allocate the declared size) fails.",
        .rfc = {"RFC 6455 5.2", "RFC 6455 10.4", "RFC 6455 7.4.1"},
        .requirement = "An endpoint MUST protect itself against resource exhaustion; a frame "
                       "too big to process is refused with 1009, never allocated as declared.",
        .script = limit_script(
            [length](Session& s) {
                s.begin_frame(opcode::binary, length);
                s.send_frame_data(std::string(kPiece, '*'));
                s.kill_after(s.limits().prompt);
            },
            [length](const Observation& o) -> Finding {
                return {Finding::Kind::warning,
                        "The peer waited " + seconds_text(std::chrono::milliseconds(o.open_ms)) +
                            " for the rest of a frame declaring " + octets_text(length) +
                            " without closing (no 1009); it was still up afterwards."};
            }),
    });
}

}  // namespace

std::vector<harness::Case> lengths() {
    std::vector<harness::Case> out;

    // gorilla CVE-2020-27813: the top bit of the 64-bit length taken as a sign.
    out.push_back(limit_case({
        .id = "15.2.1",
        .title = "64-bit payload length with its most significant bit set",
        .description = "Sends a text frame whose 64-bit length field reads 0x8000000000000005, "
                       "followed by 'Hello'.",
        .expectation = std::string(kFailProtocol) +
                       " It does so within --limit-prompt seconds. Failing it with 1009 (a "
                       "length too big) instead is safe but NON-STRICT.",
        .rfc = {"RFC 6455 5.2"},
        .requirement = "The most significant bit of a 64-bit payload length MUST be 0; such a "
                       "frame is a protocol error (gorilla CVE-2020-27813).",
        .script =
            [] {
                auto script = fails_promptly(
                    [](Session& s) {
                        // FIN=1 op=text len=127 + 0x8000000000000005, "Hello" (masked to a server)
                        std::string frame =
                            role_frame(s.is_server(), {.fin = true, .opcode = opcode::text},
                                       "Hello", protocol::LengthForm::bits64);
                        frame[2] = static_cast<char>(frame[2] | 0x80);
                        s.send_raw(std::move(frame));
                    },
                    {1002, 1009});
                script.adjust = [](const Observation& o, harness::Verdict& v) {
                    if (o.remote_close_code != 1009 || v.behavior != Behavior::ok) return;
                    v.behavior = Behavior::non_strict;
                    v.result =
                        "The peer failed the connection with 1009 (too big) rather than "
                        "1002: safe, but RFC 6455 5.2 makes the frame a protocol error.";
                };
                return script;
            }(),
    }));
    out.push_back(declared_length("15.2.2", "Frame declaring 2^63-1 payload octets, then silence",
                                  0x7fffffffffffffffULL));
    out.push_back(declared_length("15.2.3", "Frame declaring 2^40 payload octets, then silence",
                                  std::uint64_t{1} << 40));

    // A message as large as a missing limit, streamed: where does the peer say 1009?
    out.push_back(limit_case({
        .id = "15.2.4",
        .title = "Binary message as large as a missing limit, streamed",
        .description = "Sends one binary frame of --limit-missing-size octets (1 GiB by "
                       "default), written 64 KiB at a time as the peer reads them; an echo is "
                       "counted and hashed, never held.",
        .expectation = "The peer fails the connection with 1009 (or 1008, or drops TCP) at its "
                       "limit; the report says how much was sent by then. Echoing it all is a "
                       "warning naming the size accepted; no answer within the probe's bound, "
                       "or a peer down afterwards, fails.",
        .rfc = {"RFC 6455 10.4", "RFC 6455 7.4.1"},
        .requirement = "An endpoint MUST protect itself against resource exhaustion: a message "
                       "past its limit is refused with 1009.",
        .script = limit_script(
            [](Session& s) {
                const std::uint64_t size = s.limits().missing_limit_bytes;
                s.set_wirelog(false);
                s.begin_frame(opcode::binary, size);
                auto left = std::make_shared<std::uint64_t>(size);
                s.send_paced([left](Session& s) {
                    if (*left == 0) return false;
                    const auto n = std::min<std::uint64_t>(*left, kPiece);
                    *left -= n;
                    s.send_frame_data(std::string(n, '*'));
                    return true;
                });
                s.kill_after(transfer_bound(s.limits(), 2 * size));
            },
            [](const Observation& o) -> Finding {
                if (messages_received(o) > 0)
                    return {Finding::Kind::warning,
                            "The peer accepted and echoed a message of " +
                                octets_text(largest_message(o)) +
                                ": no message limit up to --limit-missing-size."};
                return {Finding::Kind::hang,
                        "neither a close nor an echo within " +
                            seconds_text(std::chrono::milliseconds(o.open_ms)) + " (" +
                            octets_text(o.tx_octets) + " sent)."};
            }),
    }));
    return out;
}

}  // namespace wsconform::cases::limits
