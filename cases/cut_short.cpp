#include "cases/cut_short.h"

#include <utility>

namespace wsconform::cases {

namespace {

// How the connection ended, for a sentence: "the peer closed it with code 1000".
std::string how_it_ended(const harness::Observation& o) {
    auto with_reason = [](std::uint16_t code, const std::optional<std::string>& reason) {
        std::string text = "code " + std::to_string(code);
        if (reason && !reason->empty()) text += " (" + *reason + ")";
        return text;
    };
    if (o.failed_by_me && o.local_close_code)
        return "we failed it with " + with_reason(*o.local_close_code, o.local_close_reason);
    if (o.failed_by_me) return "we failed it";
    if (o.remote_close_code)
        return "the peer closed it with " +
               with_reason(*o.remote_close_code, o.remote_close_reason);
    if (!o.harness_error.empty()) return o.harness_error;
    if (!o.was_not_clean_reason.empty()) return o.was_not_clean_reason;
    return "the TCP connection dropped";
}

}  // namespace

std::function<void(const harness::Observation&, harness::Verdict&)> explain_cut_short(
    std::string timer_result, std::uint8_t opcode, std::uint64_t total) {
    return [timer_result = std::move(timer_result), opcode, total](const harness::Observation& o,
                                                                   harness::Verdict& v) {
        // Our timer's close leaves the sentence true; our failing the connection does not.
        const bool timer_closed = o.closed_by_me && !o.failed_by_me;
        if (v.result != timer_result || timer_closed || !o.was_open) return;
        const auto it = o.tx_frames.find(opcode);
        const std::uint64_t sent = it == o.tx_frames.end() ? 0 : it->second;
        const std::uint64_t back = sent > 0 ? sent - 1 : 0;  // the last one was in flight
        v.result = "The connection ended before the time limit, after " + std::to_string(back) +
                   " of the " + std::to_string(total) + (total == 1 ? " message" : " messages") +
                   " came back: " + how_it_ended(o) + ".";
    };
}

}  // namespace wsconform::cases
