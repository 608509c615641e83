// Does the suite catch real bugs, and only those? The 247 cases (sections 1-7, 10) run
// against a server with one planted bug each, and every case must end exactly as RFC 6455 and
// Autobahn's judging (reference/autobahn.md §2) say it should for that bug (the tables are in
// tests/support/verdict_table.cpp). A correct server of ours (Bug::none) is the control. Then:
// --jobs 1 and --jobs 16 give the same verdicts.
//
// The variants run in parallel, once, when the first test asks; each test checks one of them.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <optional>
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
#include "tests/support/sanitizers.h"
#include "tests/support/verdict_table.h"

namespace wsconform {
namespace {

using harness::Outcome;
using test_support::Bug;
using test_support::BuggyServer;
using namespace test_support::verdicts;

// ---- running ------------------------------------------------------------------------------------

using Results = std::map<std::string, harness::CaseResult>;

struct VariantRun {
    Results results;
    harness::RunSummary summary;
    double seconds = 0;
};

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
    // Under AddressSanitizer ten runs and nine servers share two cores with another test: a
    // Ping written octet by octet (2.6, 127 writes) once took more than its 2 s to leave. The
    // timers run twice as long there, as --time-scale does for a slow peer; the verdicts are
    // the same at any scale.
    if (test_support::kUnderAsan) options.timeouts = options.timeouts.scaled_by(2);
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

// The buggy servers, one test each, named after its bug ("none" is the control).
const Bug kBugs[] = {Bug::none,           Bug::skip_utf8_validation,  Bug::ignore_rsv,
                     Bug::no_pong,        Bug::stall_after_handshake, Bug::close_always_1000,
                     Bug::reset_mid_case, Bug::wrong_accept};
constexpr std::string_view kReferenceTest = "OneJobAndSixteenJobsGiveTheSameVerdicts";

// What the tests look at.
struct Runs {
    std::map<Bug, VariantRun> bugs;
    VariantRun serial, parallel;  // the reference server, at --jobs 1 and at the default
    double seconds = 0;           // all of them together
};

// Runs the variants of the tests that will run (a --gtest_filter may select some), all at once.
Runs run_selected() {
    std::set<Bug> bugs;
    bool reference = false;
    const auto* unit = ::testing::UnitTest::GetInstance();
    for (int s = 0; s < unit->total_test_suite_count(); ++s) {
        const auto* suite = unit->GetTestSuite(s);
        for (int i = 0; i < suite->total_test_count(); ++i) {
            const auto* info = suite->GetTestInfo(i);
            if (!info->should_run()) continue;
            const std::string_view name = info->name();
            if (name == kReferenceTest) reference = true;
            for (const auto bug : kBugs)
                if (name.ends_with("/" + std::string(test_support::to_string(bug))))
                    bugs.insert(bug);
        }
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

    Runs runs;
    for (auto& [bug, future] : bug_runs) runs.bugs[bug] = future.get();
    if (reference) {
        runs.serial = serial.get();
        runs.parallel = parallel.get();
    }
    runs.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return runs;
}

// The runs are made once, when the first test asks for them.
class Detection : public ::testing::Test {
  protected:
    static const Runs& runs() {
        static const Runs runs = run_selected();
        return runs;
    }
};

class DetectionOfBug : public Detection, public ::testing::WithParamInterface<Bug> {};

// Every case ends as `expectations(bug)` says; every row selects at least one case.
TEST_P(DetectionOfBug, EndsEveryCaseAsItsTableSays) {
    const Bug bug = GetParam();
    const auto& run = runs().bugs.at(bug);
    EXPECT_EQ(run.summary.finished, 247u) << run.summary.stop_reason;
    EXPECT_FALSE(run.summary.stopped) << run.summary.stop_reason;
    const auto tally = expect_verdicts(
        expectations(bug), test_support::to_string(bug),
        [&](const harness::Case& c) -> std::optional<CaseEnd> {
            const auto it = run.results.find(c.id);
            if (it == run.results.end()) return std::nullopt;
            const auto& v = it->second.verdict;
            return CaseEnd{std::string(harness::to_string(v.outcome)),
                           std::string(harness::to_string(v.behavior)),
                           std::string(harness::to_string(v.behavior_close)), explain(it->second)};
        });
    std::cout << "  " << test_support::to_string(bug) << ":" << tally << " in " << run.seconds
              << " s (all variants together: " << runs().seconds << " s)\n";
}

INSTANTIATE_TEST_SUITE_P(Bugs, DetectionOfBug, ::testing::ValuesIn(kBugs), [](const auto& info) {
    return std::string(test_support::to_string(info.param));
});

TEST_F(Detection, OneJobAndSixteenJobsGiveTheSameVerdicts) {
    const auto& serial = runs().serial;
    const auto& parallel = runs().parallel;
    ASSERT_EQ(serial.results.size(), 247u) << serial.summary.stop_reason;
    ASSERT_EQ(parallel.results.size(), 247u) << parallel.summary.stop_reason;
    for (const auto& [id, one] : serial.results) {
        const auto& many = parallel.results.at(id);
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
    for (const auto& [id, r] : parallel.results) {
        const auto* row = expectation_for(kInformational, id);
        EXPECT_EQ(harness::to_string(r.verdict.outcome),
                  harness::to_string(row ? row->outcome : Outcome::pass))
            << id << ": " << explain(r);
    }
    std::cout << "  reference: --jobs 1 " << serial.seconds << " s, --jobs 16 " << parallel.seconds
              << " s\n";
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
