// The script of 12.x and 13.x.
#include "cases/compression_case.h"

#include <chrono>
#include <utility>

#include "cases/cut_short.h"
#include "cases/echo_difference.h"
#include "cases/payloads.h"

namespace wsconform::cases {

namespace {

using harness::Behavior;
using harness::Event;
using harness::Session;
using harness::WebSocketScript;
namespace opcode = protocol::opcode;

std::string with_units(std::size_t n, bool text) {
    return text ? detail::characters(n) : detail::octets(n);
}

}  // namespace

harness::Case compression_case(CompressionCase spec) {
    const PayloadSetInfo& info = payload_set_info(spec.set);
    const CompressionRow row = spec.row;
    const PayloadSet set = spec.set;
    const bool text = info.text;
    const std::string count = std::to_string(row.count);
    const std::string seconds = std::to_string(row.seconds);

    std::string description = "Sends " + count + (text ? " text" : " binary") +
                              " messages compressed with permessage-deflate, one at a time "
                              "(the next once the previous one came back): each is the next " +
                              with_units(row.length, text) + " of the " +
                              std::string(info.summary) +
                              " payload set, wrapping around at its end, ";
    description += row.auto_fragment == 0 ? std::string("each in a single frame.")
                                          : "auto-fragmented into frames of at most " +
                                                detail::octets(row.auto_fragment) + ".";
    if (!spec.parameters_note.empty()) description += " " + spec.parameters_note;

    const std::string timeout_result =
        "The " + count + " round trips did not finish within " + seconds + " seconds.";
    const std::string what_ok = "All " + count + " messages came back unchanged in time.";

    return harness::Case{
        .id = std::move(spec.id),
        .title = std::move(spec.title),
        .description = std::move(description),
        .expectation =
            "The peer echoes every message unchanged (we compare type, length and "
            "every octet, not only Autobahn's SHA-1) and all " +
            count + " round trips finish within " + seconds +
            " seconds; we then close normally with 1000. If permessage-deflate is "
            "not agreed the case is UNIMPLEMENTED.",
        .rfc = std::move(spec.rfc),
        .requirement = std::move(spec.requirement),
        .level = harness::Level::must,
        .script = WebSocketScript{
            .on_open =
                [set, row, text, timeout_result](Session& s) {
                    s.set_wirelog(false);
                    s.set_auto_fragment_size(row.auto_fragment);
                    s.expect_close(detail::we_close_normally());
                    if (!s.deflate_negotiated()) {
                        s.set_result(Behavior::unimplemented,
                                     "permessage-deflate was not agreed in the opening handshake, "
                                     "so no compressed message was sent.");
                        s.send_close(1000);
                        return;
                    }
                    s.set_result(Behavior::failed, timeout_result);
                    s.close_after(std::chrono::seconds(row.seconds));
                    s.send_message(payload_message(set, row.length, 0), !text);
                },
            // The Session counts the data frames we sent, and every message starts with exactly
            // one frame of its opcode: that count is the number of the message being echoed. The
            // script keeps no state of its own, so concurrent runs of the case cannot mix.
            .on_message =
                [set, row, text, what_ok](Session& s, const Event& echo) {
                    if (!s.is_open()) return;  // decided already; the closing handshake runs
                    auto finish = [&s](Behavior behavior, std::string why) {
                        s.set_result(behavior, std::move(why));
                        s.set_wirelog(true);
                        s.send_close(1000);
                    };
                    const std::uint64_t sent = s.frames_sent(text ? opcode::text : opcode::binary);
                    if (sent == 0) {
                        finish(Behavior::failed, "A message arrived before we sent any.");
                        return;
                    }
                    const std::string expected = payload_message(set, row.length, sent - 1);
                    if (auto why = detail::echo_difference(
                            "Echo " + std::to_string(sent) + " of " + std::to_string(row.count),
                            echo, expected, !text, text)) {
                        finish(Behavior::failed, std::move(*why));
                        return;
                    }
                    if (sent < row.count) {
                        s.send_message(payload_message(set, row.length, sent), !text);
                        return;
                    }
                    finish(Behavior::ok, what_ok);
                },
            // The largest message: text sets are cut by code point, up to 4 octets each.
            .memory_hint = row.length * (text ? 4 : 1),
            .report_time = true,
            .report_compression_ratio = true,
            .deflate_offers = std::move(spec.offers),
            .deflate_server_policy = spec.server_policy,
            .deflate_server_fallbacks = std::move(spec.server_fallbacks),
            .adjust =
                explain_cut_short(timeout_result, text ? opcode::text : opcode::binary, row.count),
        },
    };
}

}  // namespace wsconform::cases
