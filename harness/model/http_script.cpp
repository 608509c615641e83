#include "harness/model/http_script.h"

#include "harness/model/case.h"
#include "protocol/http.h"

namespace wsconform::harness {

namespace {
SecuritySettings& settings_store() {
    static SecuritySettings settings;
    return settings;
}
}  // namespace

const SecuritySettings& security_settings() {
    return settings_store();
}

void set_security_settings(SecuritySettings settings) {
    settings_store() = std::move(settings);
}

bool origin_allowed(std::string_view origin, const std::vector<std::string>& allowed) {
    for (const auto& a : allowed)
        if (protocol::iequals(a, origin)) return true;
    return false;
}

Verdict finish_http_verdict(Level level, Verdict v) {
    const bool should_rule_broken = level == Level::should && v.behavior == Behavior::failed;
    if (should_rule_broken) {
        v.behavior = Behavior::non_strict;
        v.result = "(should) " + v.result;
    }
    if (level == Level::informational) {
        v.behavior = Behavior::informational;
        v.behavior_close = Behavior::informational;
    }
    // A judge may ask for a warning: the peer passed, with a figure a person should look at.
    const bool warn = v.outcome == Outcome::warning;
    std::string reason;
    v.outcome = overall_outcome(v.behavior, v.behavior_close, &reason);
    if (warn && v.outcome == Outcome::pass) {
        v.outcome = Outcome::warning;
        v.outcome_reason = "warning: " + v.result;
        return v;
    }
    // A broken should-level rule is never worse than NON-STRICT: how the connection then ends
    // (a lax client waiting on a connection it thinks is open, say) follows from the same
    // leniency, and the close column still reports it.
    if (should_rule_broken && v.outcome == Outcome::fail) {
        v.outcome = Outcome::non_strict;
        reason = "behavior NON-STRICT (a should-level rule)";
    }
    // Name what decided in the report's one-line reason, not only the column's value.
    const bool behavior_decides = v.behavior != Behavior::ok;
    const bool close_decides = v.behavior_close != Behavior::ok;
    if (v.outcome == Outcome::informational) {
        v.outcome_reason = "informational: " + v.result;
    } else if (v.outcome != Outcome::pass && behavior_decides &&
               v.behavior != Behavior::unimplemented) {
        v.outcome_reason = reason + ": " + v.result;
        if (close_decides && v.outcome == Outcome::fail) v.outcome_reason += "; " + v.result_close;
    } else if (v.outcome != Outcome::pass && close_decides) {
        v.outcome_reason = reason + ": " + v.result_close;
    } else {
        v.outcome_reason = std::move(reason);
    }
    return v;
}

}  // namespace wsconform::harness
