// 15.3 floods (see cases/s15_limits/s15_limits.cpp): a message of many tiny fragments never
// finished, pings while the pongs are not read, and a close reason with invalid UTF-8 arriving
// one octet at a time. Both roles.
#include <algorithm>
#include <functional>
#include <memory>
#include <string>

#include "cases/payloads.h"
#include "cases/s15_limits/groups.h"
#include "cases/s15_limits/probe.h"

namespace wsconform::cases::limits {

using namespace detail;
using harness::Behavior;
using harness::Observation;

namespace {

constexpr std::uint64_t kFragments = 131072;  // ws #2331 pinned 13.5 MB with 131,000
// 31 MiB of pongs: more than the kernel's buffers and a peer's write queue of several MiB hold.
constexpr std::uint64_t kPings = 250000;
constexpr std::uint64_t kBatch = 4096;     // frames queued per paced step
constexpr std::size_t kPingPayload = 125;  // the largest a control frame carries

// Sends `total` frames from `frame` (the index in, the frame out), kBatch at a time as the
// peer reads them; after the last one, `then`.
void send_frames(Session& s, std::uint64_t total, std::function<FrameSpec(std::uint64_t)> frame,
                 std::function<void(Session&)> then) {
    auto sent = std::make_shared<std::uint64_t>(0);
    s.send_paced([=](Session& s) {
        if (*sent == total) {
            then(s);
            return false;
        }
        for (std::uint64_t end = std::min(total, *sent + kBatch); *sent < end; ++*sent)
            s.send_frame(frame(*sent));
        return true;
    });
}

constexpr std::string_view kResumedTag = "reading resumed; pings queued so far: ";

// The pings queued before we read again (what 15.3.2's script says in its result when it
// reads again), or all of them when it never did.
std::uint64_t pings_while_unread(const Observation& o) {
    if (o.scripted_result.starts_with(kResumedTag))
        return std::stoull(o.scripted_result.substr(kResumedTag.size()));
    return kPings;
}

std::uint64_t frames_of(const Observation& o, std::uint8_t op) {
    const auto it = o.tx_frames.find(op);
    return it == o.tx_frames.end() ? 0 : it->second;
}

}  // namespace

std::vector<harness::Case> floods() {
    std::vector<harness::Case> out;

    // ws GHSA-96hv-2xvq-fx4p: no limit on the number of fragments.
    out.push_back(limit_case({
        .id = "15.3.1",
        .title = "131,072 one-octet fragments of a text message never finished",
        .description = "Sends a text frame 'x' with FIN=0, then 131,072 continuation frames of "
                       "one octet each with FIN=0, as fast as the peer reads them; never the "
                       "last fragment. Then waits --limit-prompt seconds.",
        .expectation =
            "The peer fails the connection with 1009 (or 1008, or drops TCP) at its fragment "
            "or message limit. Taking every fragment and waiting is a warning naming the "
            "count; a peer down afterwards fails.",
        .rfc = {"RFC 6455 5.4", "RFC 6455 10.4"},
        .requirement = "An endpoint MUST protect itself against resource exhaustion: the "
                       "fragments of one message are bounded (ws GHSA-96hv-2xvq-fx4p).",
        .script = limit_script(
            [](Session& s) {
                s.set_wirelog(false);
                s.send_frame({.opcode = opcode::text, .payload = "x", .fin = false});
                send_frames(
                    s, kFragments,
                    [](std::uint64_t) {
                        return FrameSpec{
                            .opcode = opcode::continuation, .payload = "x", .fin = false};
                    },
                    [](Session& s) { s.kill_after(s.limits().prompt); });
                s.kill_after(transfer_bound(s.limits(), 64u << 20));
            },
            [](const Observation& o) -> Finding {
                return {Finding::Kind::warning,
                        "The peer took " + std::to_string(frames_of(o, 0)) +
                            " continuation frames of one unfinished message and kept the "
                            "connection open for " +
                            seconds_text(std::chrono::milliseconds(o.open_ms)) +
                            ": no fragment limit up to " + std::to_string(kFragments) + "."};
            }),
    }));

    // ws maxPendingAutoPongs: pongs that pile up behind a reader that does not read.
    out.push_back(limit_case({
        .id = "15.3.2",
        .title = "250,000 pings while the pongs are not read",
        .description =
            "Stops reading for 2 x --limit-prompt seconds, and meanwhile sends 250,000 pings of "
            "125 octets, as fast as the peer reads them; then reads again, waits --limit-prompt "
            "seconds and closes (1000).",
        .expectation =
            "The peer bounds the pongs it keeps for a reader that does not read: it closes "
            "(1008, 1009, 1011 or a TCP drop), stops reading, or answers fewer than all the "
            "pings (RFC 6455 5.5.3 lets it answer only the latest). Answering every ping is a "
            "warning naming the octets it held; a peer down afterwards fails.",
        .rfc = {"RFC 6455 5.5.2", "RFC 6455 5.5.3", "RFC 6455 10.4"},
        .requirement = "An endpoint MUST protect itself against resource exhaustion: the "
                       "pongs it owes a peer that does not read are bounded.",
        .script = limit_script(
            [](Session& s) {
                s.set_wirelog(false);
                const auto pause = 2 * s.limits().prompt;
                s.pause_reading(pause);
                // Pings queued so far; whether the flood is over, and whether we read again:
                // once both, we close after --limit-prompt seconds.
                struct Flood {
                    std::uint64_t sent = 0;
                    bool over = false, reading = false;
                };
                auto flood = std::make_shared<Flood>();
                auto close_when_both = [flood](Session& s) {
                    if (flood->over && flood->reading) s.close_after(s.limits().prompt);
                };
                send_frames(
                    s, kPings,
                    [flood](std::uint64_t i) {
                        flood->sent = i + 1;
                        return FrameSpec{.opcode = opcode::ping,
                                         .payload = std::string(kPingPayload, 'p')};
                    },
                    [flood, close_when_both](Session& s) {
                        flood->over = true;
                        close_when_both(s);
                    });
                // How far the flood got while we did not read (queued, mostly written).
                s.continue_later(pause, [flood, close_when_both](Session& s) {
                    s.set_result(Behavior::ok,
                                 std::string(kResumedTag) + std::to_string(flood->sent));
                    flood->reading = true;
                    close_when_both(s);
                });
                s.kill_after(transfer_bound(s.limits(), 64u << 20) + 2 * pause);
            },
            [](const Observation& o) -> Finding {
                const auto sent = frames_of(o, opcode::ping);
                const auto pongs = pongs_received(o);
                const auto unread = pings_while_unread(o);
                const std::string figures =
                    std::to_string(pongs) + " pongs for " + std::to_string(sent) + " pings, " +
                    std::to_string(unread) + " of them sent while we did not read";
                if (unread < kPings)
                    return {Finding::Kind::pass,
                            "The peer stopped reading while its pongs were not read "
                            "(back-pressure): " +
                                figures + "."};
                if (pongs < sent)
                    return {Finding::Kind::pass,
                            "The peer kept a bounded number of pongs: " + figures + "."};
                return {Finding::Kind::warning,
                        "The peer read every ping and answered each: " + figures + ", " +
                            octets_text(pongs * (kPingPayload + 2)) +
                            " of pongs owed to a reader that did not "
                            "read."};
            },
            {1008, 1009, 1011}),
    }));

    // Autobahn #93: fail fast on a close reason's invalid UTF-8, not once the frame is whole.
    static const std::string kReason = "ab\xff this reason is not UTF-8 and keeps coming";
    out.push_back(limit_case({
        .id = "15.3.3",
        .title = "Close reason with invalid UTF-8, arriving one octet at a time",
        .description = "Sends a close frame (code 1000) whose reason's third octet is 0xff, "
                       "one octet per write, 50 ms apart (" +
                       std::to_string(kReason.size() + 2) + " payload octets).",
        .expectation = "The peer fails the connection with 1007 (or drops TCP) as soon as the "
                       "0xff arrives (OK), or once the frame is whole (NON-STRICT: not fail-"
                       "fast).",
        .rfc = {"RFC 6455 5.5.1", "RFC 6455 8.1", "RFC 6455 7.4.1"},
        .requirement = "A close reason is UTF-8; invalid UTF-8 fails the connection (1007), "
                       "best as soon as it arrives (Autobahn #93).",
        .script =
            WebSocketScript{
                .on_open =
                    [](Session& s) {
                        s.expect(Behavior::ok, {});
                        s.expect(Behavior::non_strict,
                                 {harness::timeout("the whole close frame was sent")});
                        s.expect_close(peer_fails_on_utf8());
                        auto frame = std::make_shared<std::string>(
                            role_frame(s.is_server(), {.fin = true, .opcode = opcode::close},
                                       "\x03\xe8" + kReason));
                        // One octet, then the next 50 ms later; with the last, a tag saying so (a
                        // peer that was not fail-fast closes right after it).
                        auto step = std::make_shared<std::function<void(Session&, std::size_t)>>();
                        *step = [frame, weak = std::weak_ptr(step)](Session& s, std::size_t at) {
                            if (at == frame->size()) return;
                            if (at + 1 == frame->size())
                                s.record(harness::timeout("the whole close frame was sent"));
                            s.send_raw(frame->substr(at, 1), std::nullopt, true);
                            if (auto next = weak.lock())
                                s.continue_later(
                                    50ms, [next, at](Session& s) { (*next)(s, at + 1); },
                                    "next octet");
                        };
                        (*step)(s, 0);
                        s.kill_after(s.limits().prompt + 50ms * static_cast<int>(frame->size()));
                    },
                .on_message = record_then_close},
    }));
    return out;
}

}  // namespace wsconform::cases::limits
