// 15.1 compression (see cases/s15_limits/s15_limits.cpp): a deflate bomb to the peer, and a
// compressed frame when permessage-deflate was never agreed. Both roles. Then the parameter
// edge cases of compression_params.cpp.
#include "cases/payloads.h"
#include "cases/s15_limits/compression_params.h"
#include "cases/s15_limits/groups.h"
#include "cases/s15_limits/probe.h"

namespace wsconform::cases::limits {

using namespace detail;
using harness::Behavior;
using harness::Observation;

namespace {

// 15.1.1's script: offers (or accepts) permessage-deflate, then sends the bomb.
WebSocketScript bomb_script() {
    auto script = limit_script(
        [](Session& s) {
            if (!s.deflate_negotiated()) {
                s.set_result(Behavior::unimplemented,
                             "permessage-deflate was not agreed: no bomb to send");
                s.send_close(1000);
                return;
            }
            const auto size = s.limits().missing_limit_bytes;
            s.send_frame({.opcode = opcode::binary,
                          .payload = deflate_bomb(size),
                          .rsv = protocol::rsv::rsv1});
            s.kill_after(transfer_bound(s.limits(), 2 * size));
        },
        [](const Observation& o) -> Finding {
            if (messages_received(o) > 0 || o.local_close_code == 1009)
                return {Finding::Kind::warning,
                        "The peer inflated the bomb (" + octets_text(o.tx_octets) + " sent) and " +
                            (o.local_close_code == 1009
                                 ? "echoed more than the --limit-missing-size octets we take back"
                                 : "echoed " + octets_text(largest_message(o))) +
                            ": no limit on the inflated size up to --limit-missing-size."};
            return {Finding::Kind::hang, "neither a close nor an echo within " +
                                             seconds_text(std::chrono::milliseconds(o.open_ms)) +
                                             "."};
        });
    script.memory_hint = 2u << 20;
    script.deflate_offers = {protocol::DeflateParams{}};
    return script;
}

}  // namespace

std::vector<harness::Case> compression() {
    std::vector<harness::Case> out;

    // The bomb: as large inflated as a missing limit, about 1/1032 of that on the wire.
    out.push_back(limit_case({
        .id = "15.1.1",
        .title = "Deflate bomb: a compressed message inflating to the size of a missing limit",
        .description =
            "Agrees permessage-deflate, then sends one binary message of about 1 MiB compressed "
            "that inflates to at least --limit-missing-size octets of zeros (1 GiB by default): "
            "one dynamic-Huffman block of 258-octet back-references.",
        .expectation =
            "The peer stops inflating at its limit and fails the connection with 1009 (or "
            "1008, or drops TCP). Inflating and echoing it all is a warning naming the size; "
            "no answer within the probe's bound, or a peer down afterwards, fails.",
        .rfc = {"RFC 7692 8.1", "RFC 6455 10.4", "RFC 6455 7.4.1"},
        .requirement = "An endpoint MUST protect itself against resource exhaustion: an "
                       "inflated message is bounded like any other (undici CVE-2026-1526, "
                       "websocketpp #1191).",
        .script = bomb_script(),
    }));

    // aiohttp GHSA-mq44-7p77-q5h7: a client that inflated RSV1 frames nobody agreed to.
    out.push_back(limit_case({
        .id = "15.1.2",
        .title = "Compressed frame (RSV1) when permessage-deflate was never agreed",
        .description =
            "Testing a server: offers no extension; testing a client: refuses its offer. Then "
            "sends a binary frame with RSV1 set whose payload is valid deflate data (259 zeros).",
        .expectation = std::string(kFailProtocol) +
                       " Inflating the payload and echoing 259 zeros fails the case.",
        .rfc = {"RFC 6455 5.2", "RFC 7692 6"},
        .requirement = "RSV1 means nothing unless an extension gave it a meaning: without "
                       "permessage-deflate agreed, the receiver MUST fail the connection.",
        .script = fails_promptly([](Session& s) {
            s.send_frame({.opcode = opcode::binary,
                          .payload = deflate_bomb(259),
                          .rsv = protocol::rsv::rsv1});
        }),
    }));

    // 15.1.3 onwards: RFC 7692 parameter edge cases (Autobahn #112).
    for (auto& c : compression_params()) out.push_back(std::move(c));
    return out;
}

}  // namespace wsconform::cases::limits
