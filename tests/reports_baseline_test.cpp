// Baselines: only regressions fail a run (worse than the baseline for the same agent and case);
// cases the baseline lacks are reported as new and fail only with --strict; improvements are
// reported. First the comparison itself, then real runs
// of `wsconform test-server --baseline` against a correct server and one that never answers
// pings (tests/support/buggy_server.h).
#include <gtest/gtest.h>

#include <stdlib.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "reports/baseline.h"
#include "reports/progress.h"
#include "reports/report_dir.h"
#include "reports/views.h"
#include "tests/support/buggy_server.h"
#include "tests/support/build_paths.h"
#include "tests/support/report_fixtures.h"

namespace wsconform::reports {
namespace {

using namespace test_support;  // fs, Behavior, Outcome, TempDir, the fixtures

harness::Case make_case(std::string id) {
    return report_case(id, "Case " + id);
}

SummaryRow row(std::string id, std::string agent, Outcome o) {
    SummaryRow r;
    r.id = std::move(id);
    r.agent = std::move(agent);
    r.outcome = o;
    r.reason = o == Outcome::fail ? "behavior FAILED" : "";
    return r;
}

// Baseline: Srv passes 1.1.1 and 2.1, fails 2.5, is non-strict in 6.4.1.
struct BaselineFolder {
    TempDir tmp;
    std::vector<harness::Case> cases{make_case("1.1.1"), make_case("2.1"), make_case("2.5"),
                                     make_case("6.4.1")};
    BaselineFolder() {
        ReportDir dir(tmp.path());
        dir.add(report_result(cases[0], "Srv", Outcome::pass));
        dir.add(report_result(cases[1], "Srv", Outcome::pass));
        dir.add(report_result(cases[2], "Srv", Outcome::fail));
        dir.add(report_result(cases[3], "Srv", Outcome::non_strict));
    }
};

std::vector<std::string> ids(const std::vector<BaselineChange>& changes) {
    std::vector<std::string> out;
    for (const auto& c : changes) out.push_back(c.id);
    return out;
}

TEST(Baseline, RegressionsImprovementsAndNewCases) {
    BaselineFolder base;
    const ReportModel model = load_baseline(base.tmp.path());
    const std::vector<SummaryRow> now = {
        row("1.1.1", "Srv", Outcome::fail),  // regression
        row("2.1", "Srv", Outcome::pass),    // unchanged
        row("2.5", "Srv", Outcome::pass),    // improvement
        row("6.4.1", "Srv", Outcome::pass),  // improvement (non-strict -> pass)
        row("3.1", "Srv", Outcome::fail),    // new and failed: new, not a regression
        row("3.2", "Srv", Outcome::pass),    // new and passed
    };
    const auto cmp = compare_to_baseline(model, now);
    EXPECT_EQ(ids(cmp.regressions), (std::vector<std::string>{"1.1.1"}));
    EXPECT_EQ(ids(cmp.improvements), (std::vector<std::string>{"2.5", "6.4.1"}));
    EXPECT_EQ(ids(cmp.new_cases), (std::vector<std::string>{"3.1", "3.2"}));
    EXPECT_EQ(cmp.unchanged, 1u);
    EXPECT_TRUE(cmp.has_regressions());
    ASSERT_TRUE(cmp.regressions[0].before);
    EXPECT_EQ(*cmp.regressions[0].before, Outcome::pass);
    EXPECT_FALSE(cmp.new_cases[0].before);

    std::ostringstream out;
    print_baseline(out, cmp, false);
    EXPECT_NE(out.str().find("Baseline: 1 regression, 2 improvements, 2 new cases (1 unchanged)"),
              std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("✘ 1.1.1  Case 1.1.1  [Srv] pass → fail — behavior FAILED"),
              std::string::npos)
        << out.str();
    EXPECT_NE(out.str().find("✔ 2.5  Case 2.5  [Srv] fail → pass"), std::string::npos);
    EXPECT_NE(out.str().find("New cases, not in the baseline (they fail the run only with "
                             "--strict):\n  ✘ 3.1  [Srv] new → fail — behavior FAILED\n"),
              std::string::npos)
        << out.str();
    EXPECT_EQ(out.str().find("3.2"), std::string::npos) << "a new case that passed: counted only";
}

// A case the baseline lacks (new in a newer wsconform) fails the run only with --strict, and
// then only when it did not pass.
TEST(Baseline, NewCasesFailOnlyWhenStrict) {
    BaselineFolder base;
    const auto model = load_baseline(base.tmp.path());
    const auto failed = compare_to_baseline(model, {row("3.1", "Srv", Outcome::fail)});
    EXPECT_FALSE(failed.has_regressions());
    EXPECT_TRUE(failed.has_regressions(true));
    const auto odd = compare_to_baseline(model, {row("3.1", "Srv", Outcome::non_strict)});
    EXPECT_TRUE(odd.has_regressions(true));
    const auto passed = compare_to_baseline(model, {row("3.1", "Srv", Outcome::pass)});
    EXPECT_FALSE(passed.has_regressions(true));
}

TEST(Baseline, SameResultsHaveNoRegression) {
    BaselineFolder base;
    const auto cmp = compare_to_baseline(
        load_baseline(base.tmp.path() / "index.json"),
        {row("1.1.1", "Srv", Outcome::pass), row("2.1", "Srv", Outcome::pass),
         row("2.5", "Srv", Outcome::fail), row("6.4.1", "Srv", Outcome::non_strict)});
    EXPECT_FALSE(cmp.has_regressions());
    EXPECT_TRUE(cmp.improvements.empty());
    EXPECT_EQ(cmp.unchanged, 4u);
}

TEST(Baseline, IndexJsonAloneIsEnough) {
    BaselineFolder base;
    for (const auto& e : fs::directory_iterator(base.tmp.path()))
        if (e.path().filename() != "index.json") fs::remove(e.path());
    const ReportModel model = load_baseline(base.tmp.path() / "index.json");
    ASSERT_TRUE(model.find("Srv", "2.5"));
    EXPECT_EQ(model.find("Srv", "2.5")->outcome, Outcome::fail);
    EXPECT_EQ(model.find("Srv", "6.4.1")->outcome, Outcome::non_strict);
    EXPECT_EQ(compare_to_baseline(model, {row("2.1", "Srv", Outcome::fail)}).regressions.size(),
              1u);
}

// The Server header often carries a version: a lone baseline agent stands in for a new name.
TEST(Baseline, LoneBaselineAgentStandsInForARenamedOne) {
    BaselineFolder base;
    const auto cmp =
        compare_to_baseline(load_baseline(base.tmp.path()), {row("2.1", "Srv/2.0", Outcome::fail)});
    ASSERT_EQ(cmp.regressions.size(), 1u);
    ASSERT_TRUE(cmp.regressions[0].before);
    EXPECT_EQ(*cmp.regressions[0].before, Outcome::pass);
    ASSERT_EQ(cmp.notes.size(), 1u);
    EXPECT_NE(cmp.notes[0].find("'Srv/2.0' is not in the baseline"), std::string::npos);
}

// ---- Real runs.

std::string test_server(const BuggyServer& server, const fs::path& outdir,
                        const std::string& extra) {
    return test_support::wsconform_binary() +
           " test-server ws://127.0.0.1:" + std::to_string(server.port()) +
           "/ --cases 1.1.1 2.1 2.5 2.7 --agent Srv --color never --outdir '" + outdir.string() +
           "' " + extra;
}

// The lines under "Regressions:" (up to the next heading).
std::vector<std::string> regression_lines(const std::string& output) {
    std::vector<std::string> lines;
    std::istringstream in(output);
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line == "Regressions:") {
            inside = true;
            continue;
        }
        if (inside && !line.starts_with("  ")) break;
        if (inside) lines.push_back(line);
    }
    return lines;
}

TEST(BaselineRun, OneInjectedRegressionFailsAndIsNamed) {
    TempDir tmp;
    std::string out;
    {
        BuggyServer good(Bug::none);
        ASSERT_EQ(run_command(test_server(good, tmp.path() / "clean", ""), &out), 0) << out;
    }
    BuggyServer no_pong(Bug::no_pong);  // 2.1 expects a pong: the only case it changes
    const int rc = run_command(test_server(no_pong, tmp.path() / "broken",
                                           "--baseline '" + (tmp.path() / "clean").string() + "'"),
                               &out);
    EXPECT_EQ(rc, 1) << out;
    const auto lines = regression_lines(out);
    ASSERT_EQ(lines.size(), 1u) << out;
    EXPECT_TRUE(lines[0].starts_with("  ✘ 2.1  ")) << lines[0];
    EXPECT_NE(lines[0].find("[Srv] pass → fail"), std::string::npos) << lines[0];
    EXPECT_NE(out.find("Baseline: 1 regression, 0 improvements, 0 new cases (3 unchanged)"),
              std::string::npos)
        << out;

    // The same run against itself: the failure is known, nothing regressed.
    const int again = run_command(
        test_server(no_pong, tmp.path() / "again",
                    "--baseline '" + (tmp.path() / "broken" / "index.json").string() + "'"),
        &out);
    EXPECT_EQ(again, 0) << out;
    EXPECT_TRUE(regression_lines(out).empty()) << out;
    EXPECT_NE(out.find("Baseline: 0 regressions, 0 improvements, 0 new cases (4 unchanged)"),
              std::string::npos)
        << out;
}

TEST(BaselineRun, ImprovementIsReportedAndPasses) {
    TempDir tmp;
    std::string out;
    {
        BuggyServer no_pong(Bug::no_pong);
        ASSERT_EQ(run_command(test_server(no_pong, tmp.path() / "before", ""), &out), 1) << out;
    }
    BuggyServer good(Bug::none);
    const int rc = run_command(test_server(good, tmp.path() / "after",
                                           "--baseline '" + (tmp.path() / "before").string() + "'"),
                               &out);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("Improvements:\n  ✔ 2.1  "), std::string::npos) << out;
}

// A baseline from an older wsconform lacks the cases added since: a new case that fails is
// reported as new and passes the run, unless --strict.
TEST(BaselineRun, NewCaseAbsentFromTheBaselineFailsOnlyWhenStrict) {
    TempDir tmp;
    std::string out;
    {
        BuggyServer good(Bug::none);
        ASSERT_EQ(run_command(test_server(good, tmp.path() / "old", "--exclude 2.1"), &out), 0)
            << out;
    }
    BuggyServer no_pong(Bug::no_pong);  // fails 2.1, which the baseline lacks
    const std::string against = "--baseline '" + (tmp.path() / "old").string() + "'";
    EXPECT_EQ(run_command(test_server(no_pong, tmp.path() / "new", against), &out), 0) << out;
    EXPECT_NE(out.find("Baseline: 0 regressions, 0 improvements, 1 new case (3 unchanged)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("not in the baseline (they fail the run only with --strict):\n  ✘ 2.1  "),
              std::string::npos)
        << out;
    EXPECT_EQ(run_command(test_server(no_pong, tmp.path() / "strict", against + " --strict"), &out),
              1)
        << out;
}

TEST(BaselineRun, UnreadableBaselineIsAUsageError) {
    TempDir tmp;
    BuggyServer good(Bug::none);
    std::string out;
    EXPECT_EQ(run_command(test_server(good, tmp.path() / "x",
                                      "--baseline '" + (tmp.path() / "missing").string() + "'"),
                          &out),
              2)
        << out;
    EXPECT_NE(out.find("baseline"), std::string::npos) << out;
}

// ---- The live progress line (the other terminal view of a run).

TEST(ProgressLine, Text) {
    using std::chrono::seconds;
    EXPECT_EQ(ProgressLine::render(37, 247, 2, seconds(12), false),
              "[ 37/247] ✘ 2 failed · 0:12 elapsed · ETA 1:08");
    EXPECT_EQ(ProgressLine::render(0, 247, 0, seconds(0), false),
              "[  0/247] ✔ 0 failed · 0:00 elapsed");
    EXPECT_EQ(ProgressLine::render(5, 0, 0, seconds(3725), false),
              "[5 done] ✔ 0 failed · 1:02:05 elapsed");
    EXPECT_EQ(ProgressLine::render(1, 2, 1, seconds(1), true),
              "[1/2] \x1b[31m✘ 1 failed\x1b[0m · 0:01 elapsed · ETA 0:01");
}

TEST(ProgressLine, RedrawnInPlaceAndClearedForLinesAbove) {
    std::ostringstream out;
    {
        ProgressLine progress(out, true, false, 3);
        progress.print_above([](std::ostream& o) { o << "Testing\n"; });  // nothing drawn yet
        progress.case_done(Outcome::pass);
        progress.case_done(Outcome::fail);
        progress.print_above([](std::ostream& o) { o << "✘ 2.1 failed\n"; });
        progress.finish();
        progress.case_done(Outcome::pass);  // after finish: nothing
    }
    const std::string s = out.str();
    EXPECT_TRUE(s.starts_with("Testing\n\r[1/3] ✔ 0 failed")) << s;
    EXPECT_NE(s.find("\r[2/3] ✘ 1 failed"), std::string::npos) << s;
    EXPECT_NE(s.find("\r\x1b[K✘ 2.1 failed\n\r[2/3]"), std::string::npos) << s;
    EXPECT_TRUE(s.ends_with("\r\x1b[K")) << s;  // the line is gone at the end
    EXPECT_EQ(s.find("[3/3]"), std::string::npos) << s;
}

TEST(ProgressLine, DisabledPrintsOnlyTheLines) {
    std::ostringstream out;
    ProgressLine progress(out, false, true, 3);
    progress.case_done(Outcome::fail);
    progress.print_above([](std::ostream& o) { o << "line\n"; });
    progress.finish();
    EXPECT_EQ(out.str(), "line\n");
}

}  // namespace
}  // namespace wsconform::reports
