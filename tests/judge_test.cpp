// The judge (AB:case/case.py onConnectionLost) over synthetic observations: every value of
// both verdict columns, the order of the close checks, the case flags, the 6.4.x fail-fast
// rule and the overall outcome. Then the early close (finishWhenDone), which lives in
// CaseSession, over a real connection to the reference server.
#include "harness/model/judge.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/echo_server.h"
#include "harness/endpoint.h"
#include "harness/model/case.h"
#include "harness/model/events.h"
#include "harness/model/result.h"
#include "harness/runner.h"

namespace wsconform::harness {
namespace {

using namespace std::chrono_literals;

// ---- observations -----------------------------------------------------------------------------

ExpectedClose we_close() {
    return {.closed_by_me = true, .close_codes = {1000}, .require_clean = true};
}
ExpectedClose peer_fails(std::uint16_t code) {
    return {.closed_by_me = false, .close_codes = {code}, .require_clean = false};
}
ExpectedClose peer_fails_on_utf8() {
    return {.closed_by_me = false,
            .close_codes = {1007},
            .require_clean = false,
            .closed_by_wrong_endpoint_is_fatal = true};
}

// 1.1.x as it should go: the echo came, we closed with 1000, the peer answered and dropped TCP.
Observation echo_went_well() {
    Observation o;
    o.was_open = true;
    o.expected = {{Behavior::ok, {text_message("hello")}}};
    o.expected_close = we_close();
    o.received = {text_message("hello")};
    o.closed_by_me = true;
    o.was_clean = true;
    o.local_close_code = 1000;
    o.remote_close_code = 1000;
    return o;
}

// 2.5 as it should go: nothing came back, the peer failed the connection with 1002.
Observation peer_failed(std::uint16_t code) {
    Observation o;
    o.was_open = true;
    o.expected = {{Behavior::ok, {}}};
    o.expected_close = peer_fails(1002);
    o.closed_by_me = false;
    o.was_clean = true;
    o.remote_close_code = code;
    o.local_close_code = 1000;
    return o;
}

// 6.4.x: OK = [timeout A] (failed between parts 2 and 3), NON-STRICT = [A, B] (failed only
// after the whole message); the peer fails with 1007 and the wrong endpoint closing is fatal.
Observation fail_fast(std::vector<Event> received) {
    Observation o;
    o.was_open = true;
    o.expected = {{Behavior::ok, {timeout("A")}},
                  {Behavior::non_strict, {timeout("A"), timeout("B")}}};
    o.expected_close = peer_fails_on_utf8();
    o.received = std::move(received);
    o.closed_by_me = false;
    o.was_clean = true;
    o.remote_close_code = 1007;
    return o;
}

// ---- the table --------------------------------------------------------------------------------

struct JudgeRow {
    std::string name;
    Case test;
    Observation observed;
    Behavior behavior;
    Behavior behavior_close;
    Outcome outcome;
    std::string result_has;        // substring of `result` (empty: not checked)
    std::string result_close_has;  // substring of `result_close`
};

void PrintTo(const JudgeRow& row, std::ostream* os) {
    *os << row.name;
}

template <typename F>
Observation with(Observation o, F&& change) {
    change(o);
    return o;
}

// A case by assignment (designated initializers that skip members make -Wextra noisy).
Case make_case(std::string id, std::string title, std::function<void(Session&)> on_open = nullptr) {
    Case c;
    c.id = std::move(id);
    c.title = std::move(title);
    c.script = WebSocketScript{.on_open = std::move(on_open)};
    return c;
}
Case plain() {
    return make_case("0.1", "synthetic");
}
Case with_flags(bool wrong_code_fails, bool informational) {
    Case c = plain();
    c.script =
        WebSocketScript{.wrong_code_fails = wrong_code_fails, .informational = informational};
    return c;
}

std::vector<JudgeRow> judge_rows() {
    std::vector<JudgeRow> rows;
    auto add = [&](std::string name, Case c, Observation o, Behavior b, Behavior bc, Outcome out,
                   std::string result_has = {}, std::string result_close_has = {}) {
        rows.push_back({std::move(name), std::move(c), std::move(o), b, bc, out,
                        std::move(result_has), std::move(result_close_has)});
    };

    // -- behavior: what the peer sent.
    add("EchoMatchesOk", plain(), echo_went_well(), Behavior::ok, Behavior::ok, Outcome::pass,
        "match at least one expected", "properly closed");
    add("SecondAlternativeIsNonStrict", plain(),
        with(peer_failed(1002),
             [](Observation& o) {
                 // 3.2: OK = [echo of the valid message], NON-STRICT = [] (failed before echoing).
                 o.expected = {{Behavior::ok, {text_message("Hello, world!")}},
                               {Behavior::non_strict, {}}};
             }),
        Behavior::non_strict, Behavior::ok, Outcome::non_strict);
    add("FirstMatchingAlternativeWins", plain(),
        with(peer_failed(1002),
             [](Observation& o) {
                 o.expected = {{Behavior::ok, {}}, {Behavior::non_strict, {}}};
             }),
        Behavior::ok, Behavior::ok, Outcome::pass);
    add("OtherEventsFail", plain(),
        with(echo_went_well(), [](Observation& o) { o.received = {text_message("hellO")}; }),
        Behavior::failed, Behavior::ok, Outcome::fail, "differ from any expected");
    add("AnExtraPongFails", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 // Unsolicited pongs are recorded, so a heartbeat fails an echo case.
                 o.received.push_back(pong("heartbeat"));
             }),
        Behavior::failed, Behavior::ok, Outcome::fail);
    add("ScriptedOk", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.expected.clear();
                 o.scripted_behavior = Behavior::ok;
                 o.scripted_result = "1000 messages echoed in 12 ms";
             }),
        Behavior::ok, Behavior::ok, Outcome::pass, "1000 messages echoed");
    add("ScriptedFailed", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.expected.clear();
                 o.scripted_behavior = Behavior::failed;
                 o.scripted_result = "echo 17 has the wrong SHA-1";
             }),
        Behavior::failed, Behavior::ok, Outcome::fail, "wrong SHA-1");
    add("LenientDeflateResponseMakesOkNonStrict", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 // 13.3.x against a server that accepts without server_max_window_bits=9.
                 o.expected.clear();
                 o.scripted_behavior = Behavior::ok;
                 o.scripted_result = "1000 messages echoed";
                 o.lenient_handshake = "its response leaves out server_max_window_bits=9";
             }),
        Behavior::non_strict, Behavior::ok, Outcome::non_strict,
        "1000 messages echoed its response leaves out server_max_window_bits=9");
    add("LenientDeflateResponseKeepsAFailure", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.expected.clear();
                 o.scripted_behavior = Behavior::failed;
                 o.scripted_result = "echo 17 has the wrong SHA-1";
                 o.lenient_handshake = "its response leaves out server_no_context_takeover";
             }),
        Behavior::failed, Behavior::ok, Outcome::fail, "leaves out server_no_context_takeover");
    add("ScriptedFailureSaysThePeerClosedFirst", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 // 9.3.1 against ws 8.23: a limit on fragments closes with 1008 long before
                 // the 100 s timer the prepared sentence speaks of.
                 o.expected.clear();
                 o.received.clear();
                 o.scripted_behavior = Behavior::failed;
                 o.scripted_result = "No echo arrived within 100 seconds.";
                 o.closed_by_me = false;
                 o.remote_close_code = 1008;
                 o.remote_close_reason = "Too many message fragments";
             }),
        Behavior::failed, Behavior::failed, Outcome::fail,
        "closed the connection first, with code 1008 (\"Too many message fragments\")",
        "wrong endpoint");
    add("ScriptedUnimplemented", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.expected.clear();
                 o.received.clear();
                 o.scripted_behavior = Behavior::unimplemented;
                 o.scripted_result = "permessage-deflate was not negotiated";
             }),
        Behavior::unimplemented, Behavior::ok, Outcome::unimplemented, "not negotiated");
    add("ScriptedIsOverriddenByAMatch", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.scripted_behavior = Behavior::failed;
                 o.scripted_result = "scripted";
             }),
        Behavior::ok, Behavior::ok, Outcome::pass, "match at least one expected");

    // -- behaviorClose: each value.
    add("ClosedByWrongEndpoint", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.closed_by_me = false;  // the peer sent the first Close
             }),
        Behavior::ok, Behavior::failed, Outcome::fail, {}, "wrong endpoint");
    add("NeverOpened", plain(),
        with(Observation{},
             [](Observation& o) {
                 o.expected_close = we_close();
                 o.harness_error = "opening handshake: Sec-WebSocket-Accept mismatch";
             }),
        Behavior::failed, Behavior::failed, Outcome::fail, "Sec-WebSocket-Accept mismatch",
        "never completed");
    add("Unclean", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.was_clean = false;
                 o.remote_close_code.reset();
                 o.dropped_by_me = true;
                 o.was_close_handshake_timeout = true;
             }),
        Behavior::ok, Behavior::unclean, Outcome::fail, {}, "failed cleanly");
    add("WrongCode", plain(),
        with(echo_went_well(), [](Observation& o) { o.remote_close_code = 1001; }), Behavior::ok,
        Behavior::wrong_code, Outcome::fail, {}, "should have been 1000 or empty");
    add("WrongCodeListsEveryAcceptedCode", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.expected_close.close_codes = {1000, 4999};
                 o.remote_close_code = 1002;
             }),
        Behavior::ok, Behavior::wrong_code, Outcome::fail, {}, "1000,4999 or empty");
    add("FailedByClient", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.dropped_by_me = true;  // the server did not drop TCP first
             }),
        Behavior::ok, Behavior::failed_by_client, Outcome::non_strict, {},
        "preferred that the server close");
    add("DroppingTcpIsFineAsTheServer", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.is_server = true;
                 o.dropped_by_me = true;
             }),
        Behavior::ok, Behavior::ok, Outcome::pass);
    add("CloseWithoutCodePassesAnyList", plain(),
        with(peer_failed(1002),
             [](Observation& o) {
                 o.remote_close_code.reset();  // an empty Close body
             }),
        Behavior::ok, Behavior::ok, Outcome::pass);
    add("TcpDropWithoutCloseFailsNothing", plain(),
        with(peer_failed(1002),
             [](Observation& o) {
                 o.remote_close_code.reset();
                 o.was_clean = false;
                 o.was_not_clean_reason = "peer dropped the TCP connection";
             }),
        Behavior::ok, Behavior::ok, Outcome::pass);

    // -- the order of the close checks: closedByMe, then UNCLEAN, then WRONG CODE, then
    // FAILED BY CLIENT. Start with every fault and remove one at a time.
    auto all_faults = [] {
        Observation o = echo_went_well();
        o.closed_by_me = false;      // 1: wrong endpoint
        o.was_clean = false;         // 2: unclean
        o.remote_close_code = 1011;  // 3: wrong code
        o.dropped_by_me = true;      // 4: we dropped TCP
        return o;
    };
    add("OrderWrongEndpointFirst", plain(), all_faults(), Behavior::ok, Behavior::failed,
        Outcome::fail, {}, "wrong endpoint");
    add("OrderThenUnclean", plain(),
        with(all_faults(), [](Observation& o) { o.closed_by_me = true; }), Behavior::ok,
        Behavior::unclean, Outcome::fail);
    add("OrderThenWrongCode", plain(),
        with(all_faults(),
             [](Observation& o) {
                 o.closed_by_me = true;
                 o.was_clean = true;
             }),
        Behavior::ok, Behavior::wrong_code, Outcome::fail);
    add("OrderThenFailedByClient", plain(),
        with(all_faults(),
             [](Observation& o) {
                 o.closed_by_me = true;
                 o.was_clean = true;
                 o.remote_close_code = 1000;
             }),
        Behavior::ok, Behavior::failed_by_client, Outcome::non_strict);
    add("UncleanIgnoredWhenNotRequired", plain(),
        with(peer_failed(1002),
             [](Observation& o) {
                 o.was_clean = false;
                 o.remote_close_code = 1011;
             }),
        Behavior::ok, Behavior::wrong_code, Outcome::fail);

    // -- closedByWrongEndpointIsFatal (UTF-8 cases, Autobahn #20).
    add("WrongEndpointIsFatalInUtf8Cases", plain(),
        with(peer_failed(1007),
             [](Observation& o) {
                 o.expected_close = peer_fails_on_utf8();
                 o.closed_by_me = true;  // our kill timer closed: the peer never noticed
                 o.remote_close_code = 1000;
             }),
        Behavior::failed, Behavior::failed, Outcome::fail, {}, "wrong endpoint");
    add("WrongEndpointIsNotFatalElsewhere", plain(),
        with(peer_failed(1002),
             [](Observation& o) {
                 o.closed_by_me = true;  // 2.5 against a peer that ignores the bad ping
                 o.remote_close_code = 1000;
             }),
        Behavior::ok, Behavior::failed, Outcome::fail);
    add("FatalFlagNeedsTheWrongEndpoint", plain(),
        with(peer_failed(1007), [](Observation& o) { o.expected_close = peer_fails_on_utf8(); }),
        Behavior::ok, Behavior::ok, Outcome::pass);

    // -- wrong_code_fails (7.x).
    add("WrongCodeFailsBehaviorIn7x", with_flags(true, false),
        with(echo_went_well(), [](Observation& o) { o.remote_close_code = 1002; }),
        Behavior::failed, Behavior::wrong_code, Outcome::fail, "should have been 1000",
        "should have been 1000");
    add("WrongCodeFlagLeavesOtherVerdicts", with_flags(true, false),
        with(echo_went_well(), [](Observation& o) { o.was_clean = false; }), Behavior::ok,
        Behavior::unclean, Outcome::fail);

    // -- informational (7.1.6, 7.13.x): both columns forced, whatever happened.
    add("InformationalFirstAlternative", with_flags(true, true), echo_went_well(),
        Behavior::informational, Behavior::informational, Outcome::informational,
        "first alternative");
    add("InformationalSecondAlternative", with_flags(false, true),
        with(peer_failed(1002),
             [](Observation& o) {
                 o.expected = {{Behavior::ok, {text_message("x")}}, {Behavior::non_strict, {}}};
             }),
        Behavior::informational, Behavior::informational, Outcome::informational,
        "second alternative");
    add("InformationalEvenWhenEverythingFailed", with_flags(true, true),
        with(echo_went_well(),
             [](Observation& o) {
                 o.received.clear();
                 o.closed_by_me = false;
                 o.remote_close_code = 1011;
             }),
        Behavior::informational, Behavior::informational, Outcome::informational);

    // -- the 6.4.x fail-fast rule.
    add("FailFastNothingReceivedFailedTooEarly", plain(), fail_fast({}), Behavior::failed,
        Behavior::ok, Outcome::fail, "differ from any expected");
    add("FailFastTimeoutAIsOk", plain(), fail_fast({timeout("A")}), Behavior::ok, Behavior::ok,
        Outcome::pass);
    add("FailFastTimeoutsABAreNonStrict", plain(), fail_fast({timeout("A"), timeout("B")}),
        Behavior::non_strict, Behavior::ok, Outcome::non_strict);
    add("FailFastWeClosedIsFatal", plain(),
        with(fail_fast({timeout("A"), timeout("B")}),
             [](Observation& o) {
                 o.closed_by_me = true;  // killAfter: the peer never failed
                 o.remote_close_code = 1000;
             }),
        Behavior::failed, Behavior::failed, Outcome::fail);
    add("FailFastWrongCode", plain(),
        with(fail_fast({timeout("A")}), [](Observation& o) { o.remote_close_code = 1002; }),
        Behavior::ok, Behavior::wrong_code, Outcome::fail);

    // -- harness errors are appended to a failed result, never to an OK one.
    add("HarnessErrorExplainsAFailure", plain(),
        with(echo_went_well(),
             [](Observation& o) {
                 o.received.clear();
                 o.harness_error = "case deadline exceeded";
             }),
        Behavior::failed, Behavior::ok, Outcome::fail, "(case deadline exceeded)");
    return rows;
}

class JudgeTable : public ::testing::TestWithParam<JudgeRow> {};

TEST_P(JudgeTable, GivesBothColumnsAndTheOutcome) {
    const auto& row = GetParam();
    const Verdict v = judge(row.test, row.observed);
    EXPECT_EQ(to_string(v.behavior), to_string(row.behavior)) << "result: " << v.result;
    EXPECT_EQ(to_string(v.behavior_close), to_string(row.behavior_close))
        << "resultClose: " << v.result_close;
    EXPECT_EQ(to_string(v.outcome), to_string(row.outcome)) << v.outcome_reason;
    EXPECT_FALSE(v.outcome_reason.empty());
    if (!row.result_has.empty()) {
        EXPECT_NE(v.result.find(row.result_has), std::string::npos) << v.result;
    }
    if (!row.result_close_has.empty()) {
        EXPECT_NE(v.result_close.find(row.result_close_has), std::string::npos) << v.result_close;
    }
}

INSTANTIATE_TEST_SUITE_P(Judge, JudgeTable, ::testing::ValuesIn(judge_rows()),
                         [](const auto& info) { return info.param.name; });

TEST(Judge, HarnessErrorIsNotAppendedToAnOkResult) {
    auto o = echo_went_well();
    o.harness_error = "something the harness noticed";
    const auto v = judge(plain(), o);
    EXPECT_EQ(v.behavior, Behavior::ok);
    EXPECT_EQ(v.result.find("something"), std::string::npos) << v.result;
}

// ---- adjust -------------------------------------------------------------------------------------

TEST(Judge, AdjustRunsAfterTheFlagsAndBeforeTheOutcome) {
    // 10.1.1: the case checks what the events cannot show (the frames we sent).
    Case c = with_flags(true, false);
    std::optional<Behavior> seen;
    std::get<WebSocketScript>(c.script).adjust = [&seen](const Observation& o, Verdict& v) {
        seen = v.behavior;
        const auto it = o.tx_frames.find(0x0);
        if (it == o.tx_frames.end() || it->second != 50) {
            v.behavior = Behavior::failed;
            v.result = "expected 50 continuation frames sent";
        }
    };
    auto o = echo_went_well();
    o.remote_close_code = 1002;  // WRONG CODE: wrong_code_fails has already failed behavior
    judge(c, o);
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(*seen, Behavior::failed) << "adjust runs after wrong_code_fails";

    o.remote_close_code = 1000;
    const auto v = judge(c, o);
    EXPECT_EQ(v.behavior, Behavior::failed);
    EXPECT_EQ(v.result, "expected 50 continuation frames sent");
    EXPECT_EQ(v.outcome, Outcome::fail) << "the outcome is computed after adjust";
    EXPECT_TRUE(v.outcome_reason.starts_with("behavior FAILED")) << v.outcome_reason;

    o.tx_frames[0x0] = 50;
    const auto ok = judge(c, o);
    EXPECT_EQ(ok.behavior, Behavior::ok);
    EXPECT_EQ(ok.outcome, Outcome::pass);
}

TEST(Judge, AdjustSeesTheInformationalColumns) {
    Case c = with_flags(false, true);
    std::optional<Behavior> seen;
    std::get<WebSocketScript>(c.script).adjust = [&seen](const Observation&, Verdict& v) {
        seen = v.behavior_close;
        v.result = "the peer echoed first";  // 7.1.6 says which order the peer chose
    };
    const auto v = judge(c, echo_went_well());
    ASSERT_TRUE(seen.has_value());
    EXPECT_EQ(*seen, Behavior::informational);
    EXPECT_EQ(v.result, "the peer echoed first");
    EXPECT_EQ(v.outcome, Outcome::informational);
}

// ---- overall_outcome ----------------------------------------------------------------------------

struct OutcomeRow {
    Behavior behavior;
    Behavior behavior_close;
    Outcome outcome;
    std::string reason_starts;  // the column (or columns) the reason names first
    std::string reason_has;     // and what else it must say
};

void PrintTo(const OutcomeRow& row, std::ostream* os) {
    *os << to_string(row.behavior) << " / " << to_string(row.behavior_close);
}

const OutcomeRow kOutcomes[] = {
    {Behavior::ok, Behavior::ok, Outcome::pass, "both columns OK", ""},
    {Behavior::non_strict, Behavior::ok, Outcome::non_strict, "behavior NON-STRICT", ""},
    {Behavior::ok, Behavior::failed_by_client, Outcome::non_strict,
     "behaviorClose FAILED BY CLIENT", ""},
    {Behavior::non_strict, Behavior::failed_by_client, Outcome::non_strict, "behavior NON-STRICT",
     ""},
    {Behavior::failed, Behavior::ok, Outcome::fail, "behavior FAILED", ""},
    {Behavior::failed, Behavior::failed_by_client, Outcome::fail, "behavior FAILED", ""},
    {Behavior::ok, Behavior::failed, Outcome::fail, "behaviorClose FAILED", ""},
    {Behavior::ok, Behavior::wrong_code, Outcome::fail, "behaviorClose WRONG CODE", ""},
    {Behavior::ok, Behavior::unclean, Outcome::fail, "behaviorClose UNCLEAN", ""},
    {Behavior::non_strict, Behavior::unclean, Outcome::fail, "behaviorClose UNCLEAN", ""},
    {Behavior::failed, Behavior::wrong_code, Outcome::fail, "both columns failed",
     "behavior FAILED, behaviorClose WRONG CODE"},
    {Behavior::failed, Behavior::failed, Outcome::fail, "both columns failed",
     "behavior FAILED, behaviorClose FAILED"},
    {Behavior::failed, Behavior::unclean, Outcome::fail, "both columns failed",
     "behaviorClose UNCLEAN"},
    {Behavior::informational, Behavior::informational, Outcome::informational, "informational", ""},
    {Behavior::failed, Behavior::informational, Outcome::informational, "informational", ""},
    {Behavior::unimplemented, Behavior::ok, Outcome::unimplemented, "the peer did not negotiate",
     "UNIMPLEMENTED"},
    {Behavior::unimplemented, Behavior::failed, Outcome::unimplemented,
     "the peer did not negotiate", ""},
    {Behavior::unimplemented, Behavior::informational, Outcome::unimplemented,
     "the peer did not negotiate", ""},
};

class OverallOutcome : public ::testing::TestWithParam<OutcomeRow> {};

TEST_P(OverallOutcome, NamesTheDecidingColumn) {
    const auto& row = GetParam();
    std::string reason;
    EXPECT_EQ(to_string(overall_outcome(row.behavior, row.behavior_close, &reason)),
              to_string(row.outcome));
    EXPECT_TRUE(reason.starts_with(row.reason_starts)) << reason;
    EXPECT_NE(reason.find(row.reason_has), std::string::npos) << reason;
    EXPECT_EQ(overall_outcome(row.behavior, row.behavior_close), row.outcome)
        << "the reason is optional";
}

INSTANTIATE_TEST_SUITE_P(Judge, OverallOutcome, ::testing::ValuesIn(kOutcomes));

// ---- the early close (CaseSession's finishWhenDone) over a real connection
// -------------------------

class EarlyClose : public ::testing::Test {
  protected:
    void SetUp() override {
        server_.listen();
        server_.start_background();
        std::string error;
        auto ep = parse_ws_url("ws://127.0.0.1:" + std::to_string(server_.port()) + "/", error);
        ASSERT_TRUE(ep) << error;
        endpoint_ = *ep;
    }

    // Runs all `cases` at once; results by case ID.
    std::map<std::string, CaseResult> run(const std::vector<const Case*>& cases) {
        std::map<std::string, CaseResult> out;
        RunOptions options;
        options.agent = "judge_test";
        Runner runner(options);
        runner.run(endpoint_, cases,
                   [&](CaseResult&& r) { out.emplace(r.test->id, std::move(r)); });
        return out;
    }

    static EchoServerOptions ephemeral() {
        EchoServerOptions options;
        options.port = 0;
        return options;
    }

    EchoServer server_{ephemeral()};
    Endpoint endpoint_;
};

TEST_F(EarlyClose, EndsTheCaseAsSoonAsEveryExpectationIsMet) {
    // Met at once: the echo arrives and we close, long before the 10 s timer.
    const Case met = make_case("0.0.1", "echo met", [](Session& s) {
        s.expect(Behavior::ok, {text_message("early")});
        s.expect_close(we_close());
        s.send_message("early", false);
        s.close_after(10s);
    });
    // Never met: the expected message never comes, so only the 1 s timer ends the case.
    const Case unmet = make_case("0.0.2", "expectation never met", [](Session& s) {
        s.expect(Behavior::ok, {text_message("never sent")});
        s.expect_close(we_close());
        s.close_after(1s);
    });
    // Met, but the peer is the one expected to close: no early close from us.
    const Case peer_closes = make_case("0.0.3", "met, but the peer should close", [](Session& s) {
        s.expect(Behavior::ok, {text_message("x")});
        s.expect_close(peer_fails(1002));
        s.send_message("x", false);
        s.close_after(1s);
    });
    // Met, but the case suppresses the automatic close (7.x).
    Case suppressed = make_case("0.0.4", "met, close suppressed", [](Session& s) {
        s.expect(Behavior::ok, {text_message("y")});
        s.expect_close(we_close());
        s.send_message("y", false);
        s.close_after(1s);
    });
    std::get<WebSocketScript>(suppressed.script).suppress_close = true;

    const auto started = std::chrono::steady_clock::now();
    auto results = run({&met, &unmet, &peer_closes, &suppressed});
    const auto wall = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(results.size(), 4u);
    EXPECT_LT(wall, 5s) << "the 10 s timer must not decide";

    const auto& m = results.at("0.0.1");
    EXPECT_EQ(m.verdict.behavior, Behavior::ok) << m.verdict.result;
    EXPECT_EQ(m.verdict.behavior_close, Behavior::ok) << m.verdict.result_close;
    EXPECT_LT(m.duration_ms, 1000) << "we close as soon as the echo arrives";
    EXPECT_TRUE(m.observation.closed_by_me);
    EXPECT_EQ(m.observation.local_close_code, std::optional<std::uint16_t>(1000));

    const auto& u = results.at("0.0.2");
    EXPECT_GE(u.duration_ms, 1000) << "nothing was met: the close_after timer decides";
    EXPECT_EQ(u.verdict.behavior, Behavior::failed);
    EXPECT_EQ(u.verdict.behavior_close, Behavior::ok) << u.verdict.result_close;

    for (const char* id : {"0.0.3", "0.0.4"}) {
        const auto& r = results.at(id);
        EXPECT_GE(r.duration_ms, 1000) << id << ": no early close here";
        EXPECT_EQ(r.verdict.behavior, Behavior::ok) << id;
        EXPECT_FALSE(r.observation.received.empty()) << id;
    }
}

}  // namespace
}  // namespace wsconform::harness
