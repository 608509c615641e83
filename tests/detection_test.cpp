// Does the suite catch real bugs, and only those? The 247 cases (sections 1-7, 10) run
// against a server with one planted bug each, and every case must end exactly as RFC 6455 and
// Autobahn's judging (reference/autobahn.md §2) say it should for that bug. A correct server
// of ours (Bug::none) is the control. Then: --jobs 1 and --jobs 16 give the same verdicts.
//
// The variants run in parallel, once, in SetUpTestSuite; each TEST checks one of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cases/registry.h"
#include "harness/echo_server.h"
#include "harness/endpoint.h"
#include "harness/model/events.h"
#include "harness/model/result.h"
#include "harness/runner.h"
#include "tests/support/buggy_server.h"

namespace wsconform {
namespace {

using harness::Outcome;
using test_support::Bug;
using test_support::BuggyServer;

// ---- expectations -------------------------------------------------------------------------------

// One row: the cases a pattern (Autobahn glob, anchored at both ends) selects end with
// `outcome` and the two verdict columns `columns` ("behavior / behaviorClose", "*" for any),
// because `why`. The first matching row wins; a case no row matches must pass.
struct Expect {
    std::string pattern;
    Outcome outcome;
    std::string columns;
    std::string why;
};

// 7.1.6 (order of echo and Close) and 7.13.x (codes 5000, 65535) are informational by design:
// both columns are forced, whatever the peer does.
const std::vector<Expect> kInformational = {
    {"7.1.6", Outcome::informational, "INFORMATIONAL / INFORMATIONAL", "informational by design"},
    {"7.13.*", Outcome::informational, "INFORMATIONAL / INFORMATIONAL", "informational by design"},
};

// Text with invalid UTF-8 (RFC 6455 8.1, RFC 3629): the peer must fail the connection with
// 1007. The generated families 6.5-6.23 mix valid and invalid sequences; these are the
// invalid ones (checked against reference/autobahn-cases.tsv below).
const std::vector<std::string> kInvalidUtf8 = {
    "6.3.*",  // κόσμε + a UTF-16 surrogate, whole and fragmented
    "6.4.*",  // fail-fast: U+110000 in the middle of a message
    "6.6.1",  // truncated prefixes of κόσμε: a code point cut short
    "6.6.3",  "6.6.4", "6.6.6", "6.6.8", "6.6.10",
    "6.8.*",   // 5- and 6-byte sequences
    "6.10.*",  // above U+10FFFF
    "6.11.5",  // U+110000
    "6.12.*",  // unexpected continuation bytes
    "6.13.*",  // lonely start bytes
    "6.14.*",  // sequences missing their last continuation byte
    "6.15.1",  // those concatenated
    "6.16.*",  // bytes FE and FF
    "6.17.*",  // overlong ASCII
    "6.18.*",  // maximal overlong sequences
    "6.19.*",  // overlong NUL
    "6.20.*",  // single UTF-16 surrogates
    "6.21.*",  // paired UTF-16 surrogates
};

// Frames the peer must refuse with 1002 (RFC 6455 5.2, 5.4, 5.5): control payload > 125,
// RSV bits, reserved opcodes, fragmented control frames, continuations out of place.
const std::vector<std::string> kProtocolErrors = {
    "2.5",  "3.*",  "4.*",  "5.1",  "5.2",  "5.9",  "5.10", "5.11",
    "5.12", "5.13", "5.14", "5.15", "5.16", "5.17", "5.18",
};

std::vector<Expect> rows(const std::vector<std::string>& patterns, Outcome outcome,
                         const std::string& columns, const std::string& why) {
    std::vector<Expect> out;
    for (const auto& p : patterns) out.push_back({p, outcome, columns, why});
    return out;
}

std::vector<Expect> concat(std::initializer_list<std::vector<Expect>> parts) {
    std::vector<Expect> out;
    for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

std::vector<Expect> expectations(Bug bug) {
    switch (bug) {
        case Bug::none:
            return kInformational;

        case Bug::skip_utf8_validation:
            return concat({
                kInformational,
                rows(kInvalidUtf8, Outcome::fail, "FAILED / FAILED",
                     "the invalid text is echoed: we fail the connection (1007) ourselves, and "
                     "the wrong endpoint closing is fatal in UTF-8 cases"),
                {{"7.5.1", Outcome::fail, "FAILED / WRONG CODE",
                  "a Close reason that is not UTF-8 is accepted and answered with 1000, not "
                  "1002/1007; WRONG CODE fails behavior in 7.x"}},
            });

        case Bug::ignore_rsv:
            return concat({
                kInformational,
                {{"3.7", Outcome::pass, "OK / OK",
                  "a Close with RSV bits is answered as a normal Close without a code; the "
                  "peer closed first and an empty Close passes any code list: this bug is "
                  "invisible on a Close"}},
                rows({"3.1", "3.2", "3.3", "3.4", "3.5", "3.6"}, Outcome::fail, "FAILED / FAILED",
                     "the frame with RSV bits is echoed instead of failing the connection, so "
                     "the events differ and our kill timer closes (wrong endpoint)"),
            });

        case Bug::no_pong:
            return concat({
                kInformational,
                rows({"2.1", "2.2", "2.3", "2.4", "2.6", "2.9", "2.10", "2.11"}, Outcome::fail,
                     "FAILED / OK", "the expected Pong never comes"),
                rows({"5.6", "5.7", "5.8", "5.19", "5.20"}, Outcome::fail, "FAILED / OK",
                     "the Ping between the fragments is never answered"),
            });

        case Bug::stall_after_handshake:
            return concat({
                kInformational,
                rows({"7.3.2", "7.3.6", "7.5.1", "7.9.*"}, Outcome::non_strict,
                     "OK / FAILED BY CLIENT",
                     "we send a malformed Close and, with no answer, drop TCP after the close "
                     "handshake timeout; requireClean is off, so Autobahn grades behaviorClose "
                     "FAILED BY CLIENT (a warning), not a failure"),
                rows({"2.7", "2.8", "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.3.1", "7.3.3", "7.3.4",
                      "7.3.5", "7.7.*"},
                     Outcome::fail, "OK / UNCLEAN",
                     "nothing is expected back, but our Close is never answered: the closing "
                     "handshake times out"),
                rows(kProtocolErrors, Outcome::fail, "* / FAILED",
                     "the peer never fails the connection: our kill timer closes (wrong "
                     "endpoint)"),
                rows(kInvalidUtf8, Outcome::fail, "FAILED / FAILED",
                     "the peer never fails the connection: our kill timer closes (wrong "
                     "endpoint, fatal in UTF-8 cases)"),
                {{"*", Outcome::fail, "FAILED / UNCLEAN",
                  "no echo or Pong ever comes, and our Close is never answered"}},
            });

        case Bug::close_always_1000:
            return concat({
                kInformational,
                rows(kProtocolErrors, Outcome::fail, "* / WRONG CODE",
                     "the connection is failed with 1000 instead of 1002"),
                rows(kInvalidUtf8, Outcome::fail, "* / WRONG CODE",
                     "the connection is failed with 1000 instead of 1007"),
                rows({"7.3.2", "7.3.6", "7.9.*"}, Outcome::fail, "FAILED / WRONG CODE",
                     "a malformed Close is answered with 1000 instead of 1002"),
                {{"7.5.1", Outcome::fail, "FAILED / WRONG CODE",
                  "a Close reason that is not UTF-8 is answered with 1000, not 1002/1007"}},
                // 7.7.x accept 1000 or the echoed code; everything else closes with 1000 anyway.
            });

        case Bug::reset_mid_case:
            return concat({
                kInformational,
                {{"6.4.*", Outcome::fail, "FAILED / OK",
                  "the reset comes with the first (valid) part, before timeout A: the peer "
                  "failed too early"}},
                rows(kInvalidUtf8, Outcome::pass, "OK / OK",
                     "a TCP reset on the first data frame looks like failing the connection by "
                     "dropping TCP, which Autobahn accepts (closedByMe false, no code)"),
                rows({"3.2", "3.3", "3.4", "4.1.3", "4.1.4", "4.1.5", "4.2.3", "4.2.4", "4.2.5",
                      "5.15"},
                     Outcome::non_strict, "NON-STRICT / OK",
                     "reset on the valid message before the bad frame: no echo matches the "
                     "NON-STRICT alternative [], and a TCP drop counts as failing"),
                {{"5.18", Outcome::pass, "OK / OK",
                  "reset on the first frame: nothing echoed is the OK alternative and the drop "
                  "counts as failing the connection"}},
                {{"7.1.5", Outcome::fail, "OK / UNCLEAN",
                  "reset on the first fragment, after we queued our Close"}},
                rows({"1.*", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.19", "5.20", "6.*",
                      "7.1.1", "10.1.1"},
                     Outcome::fail, "FAILED / FAILED",
                     "the message is never echoed: the connection is reset instead (so the "
                     "wrong endpoint ended it)"),
                // Section 2, section 7 but 7.1.1 and 7.1.5, and the frames the parser refuses
                // before any data frame is accepted (3.1, 3.5-3.7, 4.1.1-2, 4.2.1-2, 5.1-2,
                // 5.9-5.14, 5.16, 5.17) never reach the bug: they pass.
            });

        case Bug::wrong_accept:
            return concat({
                kInformational,  // forced even when the WebSocket never opened, as in Autobahn
                {{"*", Outcome::fail, "FAILED / FAILED", "the opening handshake never completes"}},
            });
    }
    return {};
}

// "OK / WRONG CODE" against the verdict; "*" matches any value.
bool columns_match(const std::string& columns, const harness::Verdict& v) {
    const auto slash = columns.find(" / ");
    if (slash == std::string::npos) return false;
    const auto behavior = columns.substr(0, slash);
    const auto close = columns.substr(slash + 3);
    return (behavior == "*" || behavior == harness::to_string(v.behavior)) &&
           (close == "*" || close == harness::to_string(v.behavior_close));
}

const Expect* expectation_for(const std::vector<Expect>& table, const std::string& id) {
    for (const auto& row : table)
        if (cases::pattern_matches_fully(row.pattern, id)) return &row;
    return nullptr;
}

// ---- running ------------------------------------------------------------------------------------

using Results = std::map<std::string, harness::CaseResult>;

struct VariantRun {
    Results results;
    harness::RunSummary summary;
    double seconds = 0;
};

std::vector<const harness::Case*> all_247() {
    // Sections 1-7 and 10: the planted bugs are framing bugs; 9, 12 and 13 are long
    // performance runs, and 14 tests the handshake (tests/handshake_section_test.cpp).
    const std::vector<std::string> sections{"1.*", "2.*", "3.*", "4.*", "5.*",
                                            "6.*", "7.*", "10.*"};
    return cases::select(sections, {});
}

VariantRun run_cases(std::uint16_t port, const std::string& agent, unsigned jobs) {
    std::string error;
    const auto endpoint =
        harness::parse_ws_url("ws://127.0.0.1:" + std::to_string(port) + "/", error);
    VariantRun run;
    if (!endpoint) {
        run.summary.stop_reason = error;
        return run;
    }
    harness::RunOptions options;
    options.agent = agent;
    options.jobs = jobs;
    harness::Runner runner(options);
    const auto cases = all_247();
    const auto started = std::chrono::steady_clock::now();
    run.summary = runner.run(*endpoint, cases, [&run](harness::CaseResult&& r) {
        run.results.emplace(r.test->id, std::move(r));
    });
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return run;
}

// Enough of a result to decide whether the harness or the expectation is wrong.
std::string explain(const harness::CaseResult& r) {
    const auto& o = r.observation;
    const auto& v = r.verdict;
    std::ostringstream out;
    out << "behavior " << harness::to_string(v.behavior) << " (" << v.result << "), behaviorClose "
        << harness::to_string(v.behavior_close) << " (" << v.result_close << "); received "
        << o.received.size() << " events; closedByMe " << o.closed_by_me << ", droppedByMe "
        << o.dropped_by_me << ", wasClean " << o.was_clean << ", remote code "
        << (o.remote_close_code ? std::to_string(*o.remote_close_code) : "none");
    if (!o.was_not_clean_reason.empty()) out << ", not clean: " << o.was_not_clean_reason;
    if (!o.harness_error.empty()) out << ", harness: " << o.harness_error;
    out << ", " << r.duration_ms << " ms";
    for (const auto& row : r.wirelog.rows())
        if (row.kind == "NOTE") out << "\n      note: " << row.text;
    return out.str();
}

// The buggy server each test checks. Only the variants of the tests that will run are run
// (CTest starts one process per test), all at once.
const std::map<std::string, Bug, std::less<>> kTestBug = {
    {"CorrectServerPassesEverything", Bug::none},
    {"SkipUtf8Validation", Bug::skip_utf8_validation},
    {"IgnoreRsv", Bug::ignore_rsv},
    {"NoPong", Bug::no_pong},
    {"StallAfterHandshake", Bug::stall_after_handshake},
    {"CloseAlways1000", Bug::close_always_1000},
    {"ResetMidCase", Bug::reset_mid_case},
    {"WrongAccept", Bug::wrong_accept},
};
constexpr std::string_view kReferenceTest = "OneJobAndSixteenJobsGiveTheSameVerdicts";

class Detection : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {
        std::set<Bug> bugs;
        bool reference = false;
        const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
        for (int i = 0; suite && i < suite->total_test_count(); ++i) {
            const auto* info = suite->GetTestInfo(i);
            if (!info->should_run()) continue;
            if (const auto it = kTestBug.find(info->name()); it != kTestBug.end())
                bugs.insert(it->second);
            if (info->name() == kReferenceTest) reference = true;
        }

        const auto started = std::chrono::steady_clock::now();
        std::map<Bug, std::future<VariantRun>> bug_runs;
        for (const auto bug : bugs) {
            bug_runs[bug] = std::async(std::launch::async, [bug] {
                BuggyServer server(bug);
                // A stalled peer makes every case wait for its timers (up to 10 s + the
                // close handshake timeout): run them all at once.
                const unsigned jobs = bug == Bug::stall_after_handshake ? 256 : 0;
                return run_cases(server.port(), std::string(test_support::to_string(bug)), jobs);
            });
        }
        // The reference server, sequentially and at the default concurrency.
        auto on_reference = [](unsigned jobs) {
            harness::EchoServerOptions options;
            options.port = 0;
            harness::EchoServer server(options);
            server.listen();
            server.start_background();
            auto run = run_cases(server.port(), "reference", jobs);
            server.stop();
            return run;
        };
        std::future<VariantRun> serial, parallel;
        if (reference) {
            serial = std::async(std::launch::async, on_reference, 1u);
            parallel = std::async(std::launch::async, on_reference, 0u);
        }

        runs_ = new std::map<Bug, VariantRun>;
        for (auto& [bug, future] : bug_runs) (*runs_)[bug] = future.get();
        serial_ = new VariantRun(reference ? serial.get() : VariantRun{});
        parallel_ = new VariantRun(reference ? parallel.get() : VariantRun{});
        seconds_ =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    }

    static void TearDownTestSuite() {
        delete runs_;
        delete serial_;
        delete parallel_;
        runs_ = nullptr;
        serial_ = parallel_ = nullptr;
    }

    // Every case ends as `expectations(bug)` says; every row selects at least one case.
    static void check(Bug bug) {
        const auto& run = runs_->at(bug);
        const auto table = expectations(bug);
        const auto cases = all_247();
        ASSERT_EQ(cases.size(), 247u);
        EXPECT_EQ(run.summary.finished, cases.size()) << run.summary.stop_reason;
        EXPECT_FALSE(run.summary.stopped) << run.summary.stop_reason;

        std::map<std::string, int> tally;
        for (const auto* c : cases) {
            const auto* row = expectation_for(table, c->id);
            const Outcome expected = row ? row->outcome : Outcome::pass;
            const std::string columns = row ? row->columns : "OK / OK";
            const auto it = run.results.find(c->id);
            if (it == run.results.end()) {
                ADD_FAILURE() << c->id << ": no result";
                continue;
            }
            const auto& verdict = it->second.verdict;
            ++tally[std::string(harness::to_string(verdict.outcome))];
            EXPECT_TRUE(verdict.outcome == expected && columns_match(columns, verdict))
                << c->id << " (" << c->title << ") against " << test_support::to_string(bug)
                << "\n    expected " << harness::to_string(expected) << ", " << columns << ": "
                << (row ? row->why : "unaffected by this bug") << "\n    actual "
                << harness::to_string(verdict.outcome) << ": " << explain(it->second);
        }
        // A pattern that selects nothing is a typo.
        for (const auto& row : table) {
            const bool selects = std::any_of(cases.begin(), cases.end(), [&](const auto* c) {
                return cases::pattern_matches_fully(row.pattern, c->id);
            });
            EXPECT_TRUE(selects) << "pattern " << row.pattern << " selects no case";
        }
        std::ostringstream line;
        for (const auto& [outcome, n] : tally) line << " " << outcome << "=" << n;
        std::cout << "  " << test_support::to_string(bug) << ":" << line.str() << " in "
                  << run.seconds << " s (all variants together: " << seconds_ << " s)\n";
    }

    static std::map<Bug, VariantRun>* runs_;
    static VariantRun* serial_;
    static VariantRun* parallel_;
    static double seconds_;
};

std::map<Bug, VariantRun>* Detection::runs_ = nullptr;
VariantRun* Detection::serial_ = nullptr;
VariantRun* Detection::parallel_ = nullptr;
double Detection::seconds_ = 0;

TEST_F(Detection, CorrectServerPassesEverything) {
    check(Bug::none);
}
TEST_F(Detection, SkipUtf8Validation) {
    check(Bug::skip_utf8_validation);
}
TEST_F(Detection, IgnoreRsv) {
    check(Bug::ignore_rsv);
}
TEST_F(Detection, NoPong) {
    check(Bug::no_pong);
}
TEST_F(Detection, StallAfterHandshake) {
    check(Bug::stall_after_handshake);
}
TEST_F(Detection, CloseAlways1000) {
    check(Bug::close_always_1000);
}
TEST_F(Detection, ResetMidCase) {
    check(Bug::reset_mid_case);
}
TEST_F(Detection, WrongAccept) {
    check(Bug::wrong_accept);
}

TEST_F(Detection, OneJobAndSixteenJobsGiveTheSameVerdicts) {
    ASSERT_EQ(serial_->results.size(), 247u) << serial_->summary.stop_reason;
    ASSERT_EQ(parallel_->results.size(), 247u) << parallel_->summary.stop_reason;
    for (const auto& [id, one] : serial_->results) {
        const auto& many = parallel_->results.at(id);
        EXPECT_EQ(harness::to_string(one.verdict.behavior),
                  harness::to_string(many.verdict.behavior))
            << id;
        EXPECT_EQ(harness::to_string(one.verdict.behavior_close),
                  harness::to_string(many.verdict.behavior_close))
            << id;
        EXPECT_EQ(harness::to_string(one.verdict.outcome), harness::to_string(many.verdict.outcome))
            << id << "\n    --jobs 1:  " << explain(one) << "\n    --jobs 16: " << explain(many);
    }
    // And the reference server passes everything but the informational cases.
    for (const auto& [id, r] : parallel_->results) {
        const auto* row = expectation_for(kInformational, id);
        EXPECT_EQ(harness::to_string(r.verdict.outcome),
                  harness::to_string(row ? row->outcome : Outcome::pass))
            << id << ": " << explain(r);
    }
    std::cout << "  reference: --jobs 1 " << serial_->seconds << " s, --jobs 16 "
              << parallel_->seconds << " s\n";
}

// The hand-written list of invalid UTF-8 cases is Autobahn's: exactly the section 6 cases
// whose expected close code is 1007 in reference/autobahn-cases.tsv.
TEST(DetectionTable, InvalidUtf8PatternsMatchAutobahnsCaseList) {
    const std::filesystem::path tsv =
        std::filesystem::path(WSCONFORM_SHARED_DIR) / "reference" / "autobahn-cases.tsv";
    std::ifstream in(tsv);
    ASSERT_TRUE(in.is_open()) << "cannot read " << tsv << " (in-tree reference data)";
    std::set<std::string> from_tsv;
    std::string line;
    while (std::getline(in, line)) {
        const auto tab = line.find('\t');
        if (tab == std::string::npos) continue;
        const std::string id = line.substr(0, tab);
        if (id.starts_with("6.") && line.find("codes=[1007]") != std::string::npos)
            from_tsv.insert(id);
    }
    ASSERT_FALSE(from_tsv.empty());
    std::set<std::string> from_patterns;
    for (const auto* c : all_247())
        for (const auto& p : kInvalidUtf8)
            if (cases::pattern_matches_fully(p, c->id)) from_patterns.insert(c->id);
    EXPECT_EQ(from_patterns, from_tsv);
}

}  // namespace
}  // namespace wsconform
