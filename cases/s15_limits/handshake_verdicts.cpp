#include "cases/s15_limits/handshake_verdicts.h"

#include <cstdio>
#include <utility>

namespace wsconform::cases::limits {

using harness::Behavior;
using harness::HeadStatus;
using harness::HttpEnd;

std::vector<harness::Case> to_cases(std::vector<CaseRow> rows) {
    std::vector<harness::Case> out;
    for (auto& row : rows)
        out.push_back(harness::Case{.id = row.id,
                                    .title = row.title,
                                    .description = std::move(row.description),
                                    .expectation = std::move(row.expectation),
                                    .rfc = std::move(row.rfc),
                                    .requirement = std::move(row.requirement),
                                    .script = std::move(row.script)});
    return out;
}

Verdict passed(std::string why) {
    return harness::make_verdict(Behavior::ok, why, Behavior::ok, why);
}

Verdict failed(std::string why) {
    return harness::make_verdict(Behavior::failed, std::move(why), Behavior::ok,
                                 "(not judged: the behavior column decides)");
}

Verdict warned(std::string why) {
    auto v = passed(std::move(why));
    v.outcome = harness::Outcome::warning;
    return v;
}

Verdict informed(std::string why) {
    return harness::make_verdict(Behavior::informational, why, Behavior::informational, why);
}

std::string counted(std::uint64_t n, const std::string& unit) {
    std::string digits = std::to_string(n);
    for (int i = static_cast<int>(digits.size()) - 3; i > 0; i -= 3) digits.insert(i, ",");
    if (unit.empty()) return digits;
    return digits + " " + unit + (n == 1 ? "" : "s");
}

std::string duration_text(std::int64_t us) {
    char text[32];
    if (us < 10'000)
        std::snprintf(text, sizeof text, "%.1f ms", static_cast<double>(us) / 1000.0);
    else if (us < 10'000'000)
        std::snprintf(text, sizeof text, "%lld ms", static_cast<long long>(us / 1000));
    else
        std::snprintf(text, sizeof text, "%.1f s", static_cast<double>(us) / 1e6);
    return text;
}

std::string server_answer(const ServerExchange& x) {
    if (x.head == HeadStatus::complete)
        return x.response.status == 101 ? "upgraded (101)"
                                        : "answered status " + std::to_string(x.response.status);
    const std::string part = x.head == HeadStatus::partial ? " after part of a head" : "";
    switch (x.end) {
        case HttpEnd::peer_closed:
            return "closed TCP without a whole answer" + part;
        case HttpEnd::peer_reset:
            return "reset TCP without a whole answer" + part;
        case HttpEnd::not_connected:
            return "refused the connection (" + x.error + ")";
        default:
            return "did not answer within the wait" + part;
    }
}

std::optional<Verdict> crashed(const ServerExchange& x) {
    if (!x.alive || x.alive->head != HeadStatus::none) return std::nullopt;
    const auto& a = *x.alive;
    const std::string why = !a.connected       ? a.error
                            : a.closed_ms >= 0 ? "the connection closed without an answer"
                                               : "no answer within the wait";
    return failed("after this request a fresh handshake gets no answer (" + why +
                  "): the server crashed or stopped serving");
}

}  // namespace wsconform::cases::limits
