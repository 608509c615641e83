#include "harness/model/judge.h"

#include <algorithm>
#include <tuple>

#include "harness/model/case.h"

namespace wsconform::harness {

namespace {

std::string join_codes(const std::vector<std::uint16_t>& codes) {
    std::string out;
    for (auto code : codes) {
        if (!out.empty()) out += ',';
        out += std::to_string(code);
    }
    return out;
}

}  // namespace

std::string volume_sentence(const Observation& o) {
    std::uint64_t frames = 0;
    for (const auto& [opcode, n] : o.tx_frames) frames += n;
    return "Volume: sent " + std::to_string(o.tx_octets) + " octets in " + std::to_string(frames) +
           (frames == 1 ? " frame" : " frames") + ", received " + std::to_string(o.rx_octets) +
           " octets, over 1 connection open " + std::to_string(o.open_ms) + " ms.";
}

Outcome overall_outcome(Behavior behavior, Behavior behavior_close, std::string* reason) {
    auto say = [&](std::string text) {
        if (reason) *reason = std::move(text);
    };
    if (behavior == Behavior::unimplemented) {
        say("the peer did not negotiate what the case needs (behavior UNIMPLEMENTED)");
        return Outcome::unimplemented;
    }
    if (behavior == Behavior::informational || behavior_close == Behavior::informational) {
        say("informational case: the RFC leaves the outcome to the implementation");
        return Outcome::informational;
    }
    const bool behavior_failed = behavior != Behavior::ok && behavior != Behavior::non_strict;
    const bool close_failed = behavior_close == Behavior::failed ||
                              behavior_close == Behavior::wrong_code ||
                              behavior_close == Behavior::unclean;
    if (behavior_failed && close_failed) {
        say("both columns failed: behavior " + std::string(to_string(behavior)) +
            ", behaviorClose " + std::string(to_string(behavior_close)));
        return Outcome::fail;
    }
    if (behavior_failed) {
        say("behavior " + std::string(to_string(behavior)));
        return Outcome::fail;
    }
    if (close_failed) {
        say("behaviorClose " + std::string(to_string(behavior_close)));
        return Outcome::fail;
    }
    if (behavior == Behavior::non_strict) {
        say("behavior NON-STRICT: acceptable, but not what the RFC prefers");
        return Outcome::non_strict;
    }
    if (behavior_close == Behavior::failed_by_client) {
        // RFC 6455 §7.1.1: the server SHOULD close the TCP connection first.
        say("behaviorClose FAILED BY CLIENT: the server did not drop TCP after the closing "
            "handshake");
        return Outcome::non_strict;
    }
    say("both columns OK");
    return Outcome::pass;
}

std::pair<Behavior, std::string> close_behavior(const Observation& o) {
    if (!o.was_open)
        return {Behavior::failed, "The WebSocket opening handshake was never completed!"};
    const auto& ec = o.expected_close;
    if (ec.closed_by_me != o.closed_by_me)
        return {Behavior::failed, "The connection was failed by the wrong endpoint"};
    if (ec.require_clean && !o.was_clean)
        return {Behavior::unclean, "The spec requires the connection to be failed cleanly here"};
    if (o.remote_close_code && std::find(ec.close_codes.begin(), ec.close_codes.end(),
                                         *o.remote_close_code) == ec.close_codes.end())
        return {Behavior::wrong_code,
                "The close code should have been " + join_codes(ec.close_codes) + " or empty"};
    if (!o.is_server && o.dropped_by_me)
        return {Behavior::failed_by_client,
                "It is preferred that the server close the TCP connection"};
    return {Behavior::ok, "Connection was properly closed"};
}

Verdict judge(const Case& c, const Observation& o) {
    Verdict v;
    v.behavior = o.scripted_behavior.value_or(Behavior::failed);
    v.result = o.scripted_behavior ? o.scripted_result : "Actual events differ from any expected.";
    // A script's failure sentence is written in advance ("no echo within 100 seconds"); when
    // the peer ended the case first, say so, or the sentence misleads.
    if (o.scripted_behavior == Behavior::failed && o.remote_close_code && !o.closed_by_me &&
        !o.failed_by_me) {
        v.result += " The peer closed the connection first, with code " +
                    std::to_string(*o.remote_close_code);
        if (o.remote_close_reason && !o.remote_close_reason->empty())
            v.result += " (\"" + *o.remote_close_reason + "\")";
        v.result += ".";
    }

    // AB:case/case.py onConnectionLost: the first alternative equal to what was received wins
    // (never when events were dropped: `received` is then only their beginning).
    for (const auto& [behavior, events] : o.expected) {
        if (o.received_dropped.count == 0 && events == o.received) {
            v.behavior = behavior;
            v.result = "Actual events match at least one expected.";
            break;
        }
    }

    std::tie(v.behavior_close, v.result_close) = close_behavior(o);
    // UTF-8 cases: if the wrong endpoint closed, the peer never noticed the bad bytes.
    const auto& ec = o.expected_close;
    if (o.was_open && ec.closed_by_wrong_endpoint_is_fatal && ec.closed_by_me != o.closed_by_me)
        v.behavior = Behavior::failed;

    const WebSocketScript* script = c.websocket();
    if (script && script->wrong_code_fails && v.behavior_close == Behavior::wrong_code) {
        v.behavior = Behavior::failed;
        v.result = v.result_close;
    }
    if (script && script->informational) {
        if (v.behavior == Behavior::ok)
            v.result = "The peer answered the way the first alternative describes.";
        else if (v.behavior == Behavior::non_strict)
            v.result = "The peer answered the way the second alternative describes.";
        v.behavior = Behavior::informational;
        v.behavior_close = Behavior::informational;
    }
    if (script && script->adjust) script->adjust(o, v);
    if (!o.lenient_handshake.empty()) {
        if (v.behavior == Behavior::ok) v.behavior = Behavior::non_strict;
        v.result += " " + o.lenient_handshake;
    }
    if (!o.harness_error.empty() && v.behavior != Behavior::ok) {
        v.result += " (" + o.harness_error + ")";
    }
    v.outcome = overall_outcome(v.behavior, v.behavior_close, &v.outcome_reason);
    if (!v.warning.empty() && v.outcome == Outcome::pass) {
        v.outcome = Outcome::warning;
        v.outcome_reason = v.warning;
    }
    if (c.can_crash_peer) v.result += " " + volume_sentence(o);
    return v;
}

}  // namespace wsconform::harness
