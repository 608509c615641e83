// The report directory: case files and index.json written as cases end, from many threads,
// merged with an index.json already there; atomic writes; the terminal summary.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "protocol/hex.h"
#include "reports/autobahn_json.h"
#include "reports/report_dir.h"
#include "reports/terminal.h"
#include "tests/support/report_fixtures.h"
#include "util/atomic_file.h"

namespace wsconform::reports {
namespace {

using namespace test_support;  // fs, Behavior, Outcome, TempDir, the fixtures

// Files whose name starts with '.', i.e. temporary files left behind.
int leftover_temp_files(const fs::path& dir) {
    int n = 0;
    for (const auto& e : fs::directory_iterator(dir))
        if (e.path().filename().string().front() == '.') ++n;
    return n;
}

// A catalogue of cases to report on: "1.1.1" ... "1.1.N".
std::vector<harness::Case> make_cases(int n) {
    std::vector<harness::Case> cases;
    for (int i = 1; i <= n; ++i)
        cases.push_back(report_case("1.1." + std::to_string(i),
                                    "Text message of " + std::to_string(i) + " bytes"));
    return cases;
}

harness::CaseResult make_result(const harness::Case& c, std::string agent, Outcome outcome) {
    harness::CaseResult r = report_result(c, std::move(agent), outcome);
    r.observation.expected = {{Behavior::ok, {harness::text_message("*")}}};
    r.observation.received = {harness::text_message("*")};
    if (outcome == Outcome::fail) r.verdict.outcome_reason = "behavior FAILED";
    return r;
}

// ---- ReportDir.

TEST(ReportDir, CreatesTheDirectory) {
    TempDir tmp;
    const fs::path dir = tmp.path() / "a" / "b";
    ReportDir reports(dir);
    EXPECT_TRUE(fs::is_directory(dir));
    EXPECT_EQ(reports.index_path(), dir / "index.json");
}

TEST(ReportDir, TwoAgentsFromManyThreads) {
    TempDir tmp;
    const auto cases = make_cases(60);
    const std::vector<std::string> agents = {"ws@8.18.3", "Other Agent/1.0"};
    {
        ReportDir reports(tmp.path());
        std::vector<std::thread> threads;
        constexpr int kThreads = 6;
        for (int t = 0; t < kThreads; ++t) {
            threads.emplace_back([&, t] {
                for (std::size_t i = t; i < cases.size() * agents.size(); i += kThreads) {
                    const auto& c = cases[i / agents.size()];
                    reports.add(make_result(c, agents[i % agents.size()], Outcome::pass));
                }
            });
        }
        for (auto& th : threads) th.join();
        EXPECT_EQ(reports.summaries().size(), cases.size() * agents.size());
        EXPECT_EQ(reports.index().size(), 2u);
    }

    const Index index = read_index_json(tmp.path() / "index.json");
    ASSERT_EQ(index.size(), 2u);
    for (const auto& agent : agents) {
        ASSERT_TRUE(index.contains(agent)) << agent;
        const auto& per_agent = index.at(agent);
        EXPECT_EQ(per_agent.size(), cases.size());
        for (const auto& c : cases) {
            ASSERT_TRUE(per_agent.contains(c.id)) << agent << ' ' << c.id;
            const auto& e = per_agent.at(c.id);
            EXPECT_EQ(e.behavior, Behavior::ok);
            EXPECT_EQ(e.remote_close_code, 1000);
            EXPECT_EQ(e.duration_ms, 7);
            EXPECT_EQ(e.reportfile, case_report_file(agent, c.id, "json"));
            const fs::path file = tmp.path() / e.reportfile;
            ASSERT_TRUE(fs::exists(file)) << file;
            const auto j = nlohmann::json::parse(read_text(file));
            EXPECT_EQ(j["id"], c.id);
            EXPECT_EQ(j["agent"], agent);
        }
    }
    EXPECT_TRUE(fs::exists(tmp.path() / "ws_8_18_3_case_1_1_60.json"));
    EXPECT_TRUE(fs::exists(tmp.path() / "other_agent_1_0_case_1_1_1.json"));
    EXPECT_EQ(leftover_temp_files(tmp.path()), 0);
}

// An index.json written by Autobahn itself: its agents stay, the same agent and case is
// replaced by our result.
TEST(ReportDir, MergesAnAutobahnIndexAlreadyThere) {
    TempDir tmp;
    write_text(tmp.path() / "index.json", R"({
   "AutobahnPython/0.6.0": {
      "1.1.1": {
         "behavior": "OK",
         "behaviorClose": "OK",
         "duration": 2,
         "remoteCloseCode": 1000,
         "reportfile": "autobahnpython_0_6_0_case_1_1_1.json"
      },
      "7.1.6": {
         "behavior": "INFORMATIONAL",
         "behaviorClose": "INFORMATIONAL",
         "duration": 1021,
         "remoteCloseCode": null,
         "reportfile": "autobahnpython_0_6_0_case_7_1_6.json"
      }
   },
   "ws@8.18.3": {
      "1.1.1": {
         "behavior": "FAILED",
         "behaviorClose": "UNCLEAN",
         "duration": 1,
         "remoteCloseCode": null,
         "reportfile": "ws_8_18_3_case_1_1_1.json"
      },
      "1.1.2": {
         "behavior": "NON-STRICT",
         "behaviorClose": "WRONG CODE",
         "duration": 3,
         "remoteCloseCode": 1002,
         "reportfile": "ws_8_18_3_case_1_1_2.json"
      }
   }
})");
    const auto cases = make_cases(1);
    {
        ReportDir reports(tmp.path());
        reports.add(make_result(cases[0], "ws@8.18.3", Outcome::pass));
    }
    const Index index = read_index_json(tmp.path() / "index.json");
    ASSERT_EQ(index.size(), 2u);
    const auto& autobahn = index.at("AutobahnPython/0.6.0");
    EXPECT_EQ(autobahn.size(), 2u);
    EXPECT_EQ(autobahn.at("7.1.6"),
              (IndexEntry{Behavior::informational, Behavior::informational, 1021, std::nullopt,
                          "autobahnpython_0_6_0_case_7_1_6.json"}));
    const auto& ws = index.at("ws@8.18.3");
    EXPECT_EQ(ws.at("1.1.1"), (IndexEntry{Behavior::ok, Behavior::ok, 7, 1000,
                                          "ws_8_18_3_case_1_1_1.json"}));  // replaced
    EXPECT_EQ(ws.at("1.1.2").behavior_close, Behavior::wrong_code);        // kept
}

TEST(ReportDir, RefusesToOverwriteAnUnreadableIndex) {
    TempDir tmp;
    write_text(tmp.path() / "index.json", "{ truncated");
    EXPECT_THROW(ReportDir{tmp.path()}, std::runtime_error);
    EXPECT_EQ(read_text(tmp.path() / "index.json"), "{ truncated");
}

TEST(ReportDir, ReportsAFileThatCannotBeWritten) {
    TempDir tmp;
    const auto cases = make_cases(1);
    ReportDir reports(tmp.path());
    // A directory where the case file should go: the rename fails.
    fs::create_directory(tmp.path() / "x_case_1_1_1.json");
    fs::create_directory(tmp.path() / "x_case_1_1_1.json" / "keep");
    EXPECT_THROW(reports.add(make_result(cases[0], "x", Outcome::pass)), std::system_error);
    EXPECT_EQ(leftover_temp_files(tmp.path()), 0);
}

// Names that clean to one file name ("Srv"/"srv", and "..", "." and "unknown", which clean
// to "unknown") get stems of their own, kept when the folder is opened again.
TEST(ReportDir, AgentsWhoseNamesCleanAlikeKeepTheirOwnFiles) {
    TempDir tmp;
    const auto cases = make_cases(1);
    const std::vector<std::pair<std::string, std::string>> stems = {
        {"..", "unknown"}, {".", "unknown_2"}, {"unknown", "unknown_3"},
        {"Srv", "srv"},    {"srv", "srv_2"},   {"srv 2", "srv_2_2"},
    };
    {
        ReportDir reports(tmp.path(), EarlierResults::replace, "2026-01-01T00:00:00.000Z");
        for (const auto& [agent, stem] : stems) {
            reports.add(make_result(cases[0], agent, Outcome::pass));
            const auto file = tmp.path() / (stem + "_case_1_1_1.json");
            ASSERT_TRUE(fs::exists(file)) << agent;
            const auto j = nlohmann::json::parse(read_text(file));
            EXPECT_EQ(j["agent"], agent);
            EXPECT_EQ(j["fileStem"], stem);
            EXPECT_EQ(j["runId"], "2026-01-01T00:00:00.000Z");
        }
    }
    ReportDir again(tmp.path());
    for (const auto& [agent, stem] : stems) {
        EXPECT_EQ(again.agent_stem(agent), stem) << agent;
        EXPECT_EQ(again.index().at(agent).at("1.1.1").reportfile, stem + "_case_1_1_1.json");
    }
    EXPECT_EQ(again.agent_stem("new"), "new");
}

// Without --merge a run starts afresh: the files the old index.json names, their pages and the
// views go; files it does not name stay.
TEST(ReportDir, ReplaceRemovesTheEarlierRunOnly) {
    TempDir tmp;
    const auto cases = make_cases(2);
    {
        ReportDir reports(tmp.path());
        for (const auto& c : cases) reports.add(make_result(c, "old", Outcome::fail));
    }
    for (const char* name : {"old_case_1_1_1.html", "index.html", "junit.xml", "notes.txt"})
        write_text(tmp.path() / name, "x");
    ReportDir reports(tmp.path(), EarlierResults::replace);
    EXPECT_TRUE(reports.index().empty());
    for (const char* name : {"old_case_1_1_1.json", "old_case_1_1_2.json", "old_case_1_1_1.html",
                             "index.html", "junit.xml", "index.json"})
        EXPECT_FALSE(fs::exists(tmp.path() / name)) << name;
    EXPECT_TRUE(fs::exists(tmp.path() / "notes.txt"));
}

// A case not run: both columns UNIMPLEMENTED in index.json, which also says "not-run" (its
// columns cannot); the reader takes it back.
TEST(ReportDir, IndexCarriesTheOutcomeTheColumnsCannotSay) {
    TempDir tmp;
    const auto cases = make_cases(2);
    {
        ReportDir reports(tmp.path());
        auto r = make_result(cases[0], "a", Outcome::unimplemented);
        r.verdict.outcome = Outcome::not_run;
        reports.add(r);
        reports.add(make_result(cases[1], "a", Outcome::pass));
    }
    const auto text = read_text(tmp.path() / "index.json");
    const auto j = nlohmann::json::parse(text);
    EXPECT_EQ(j["a"]["1.1.1"]["outcome"], "not-run");
    EXPECT_EQ(j["a"]["1.1.1"]["behavior"], "UNIMPLEMENTED");
    EXPECT_FALSE(j["a"]["1.1.2"].contains("outcome")) << "Autobahn's columns say it";
    const Index index = parse_index_json(text);
    EXPECT_EQ(index.at("a").at("1.1.1").outcome, Outcome::not_run);
    EXPECT_EQ(index.at("a").at("1.1.2").outcome, std::nullopt);
}

// A client that runs a case twice: index.json keeps the later result, and so does the summary
// the exit code and the terminal's counts come from (it had both rows: 3 cases counted for 2).
TEST(ReportDir, ACaseAddedAgainReplacesItsSummaryRow) {
    TempDir tmp;
    const auto cases = make_cases(2);
    ReportDir reports(tmp.path());
    reports.add(make_result(cases[0], "a", Outcome::fail));
    reports.add(make_result(cases[1], "a", Outcome::pass));
    reports.add(make_result(cases[0], "a", Outcome::pass));
    reports.add(make_result(cases[0], "b", Outcome::fail));
    const auto rows = reports.summaries();
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].id, "1.1.1");
    EXPECT_EQ(rows[0].agent, "a");
    EXPECT_EQ(rows[0].outcome, Outcome::pass);
    EXPECT_EQ(rows[1].id, "1.1.2");
    EXPECT_EQ(rows[2].agent, "b");
    EXPECT_EQ(rows[2].outcome, Outcome::fail);
    EXPECT_EQ(reports.index().at("a").at("1.1.1").behavior, Behavior::ok);
}

// ---- atomic_write.

TEST(AtomicWrite, ReplacesTheFileWhole) {
    TempDir tmp;
    const fs::path file = tmp.path() / "f.json";
    util::atomic_write(file, "first, and longer");
    util::atomic_write(file, "second");
    EXPECT_EQ(read_text(file), "second");
    util::atomic_write(file, "");
    EXPECT_EQ(read_text(file), "");
    EXPECT_EQ(leftover_temp_files(tmp.path()), 0);
}

TEST(AtomicWrite, FailsWithTheStepAndThePath) {
    TempDir tmp;
    const fs::path file = tmp.path() / "missing" / "f.json";
    try {
        util::atomic_write(file, "x");
        FAIL() << "no exception";
    } catch (const std::system_error& e) {
        EXPECT_EQ(e.code(), std::errc::no_such_file_or_directory);
        EXPECT_NE(std::string(e.what()).find(file.string()), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("temporary file"), std::string::npos) << e.what();
    }
}

// ---- Terminal.

TEST(Terminal, FailedCaseShowsRequirementExpectedAndActual) {
    const harness::Case c = report_case("2.5", "Ping with a 126-byte payload",
                                        "Control frames carry at most 125 payload bytes.");
    auto r = make_result(c, "ws@8.18.3", Outcome::fail);
    r.verdict.outcome_reason = "close: peer did not fail the connection";
    r.observation.expected = {{Behavior::ok, {}}};
    r.observation.expected_close = {
        .closed_by_me = false, .close_codes = {1002}, .require_clean = false};
    r.observation.received = {harness::pong(std::string(126, '\xfe'))};
    r.observation.closed_by_me = true;
    r.observation.was_clean = true;
    std::ostringstream out;
    print_case_line(out, r, false);
    EXPECT_EQ(out.str(),
              "✘ 2.5  Ping with a 126-byte payload — close: peer did not fail the connection "
              "[ws@8.18.3]\n"
              "    Requirement: Control frames carry at most 125 payload bytes.\n"
              "    Expected: OK: no message; the peer closes with code 1002, clean or not\n"
              "    Actual:   pong 0x" +
                  protocol::hex_encode(std::string(32, '\xfe')) +
                  "… (126 B); we closed; the peer sent code 1000, clean\n");
}

// A case judged by its own rule (no event script) shows its expectation in words; its close
// expectation only where that was judged (9.x, not 17.x).
TEST(Terminal, ACaseWithoutAnEventScriptShowsItsExpectation) {
    harness::Case c = report_case("17.1.2", "Extended CONNECT opens a WebSocket");
    c.expectation = "A 2xx response (200), then the message echoed on the same stream.";
    auto r = make_result(c, "h2", Outcome::fail);
    r.observation.expected.clear();
    r.observation.expected_close_judged = false;
    std::ostringstream out;
    print_case_line(out, r, false);
    EXPECT_NE(out.str().find("    Expected: A 2xx response (200), then the message echoed on the "
                             "same stream.\n"),
              std::string::npos)
        << out.str();

    harness::Case large = report_case("9.1.1", "Text message of 64 KiB");
    large.expectation = "The peer echoes the message unchanged.";
    auto echoed = make_result(large, "ws", Outcome::fail);
    echoed.observation.expected.clear();
    out.str("");
    print_case_line(out, echoed, false);
    EXPECT_NE(out.str().find("    Expected: The peer echoes the message unchanged.; we close, the "
                             "peer replies with code 1000, cleanly\n"),
              std::string::npos)
        << out.str();
}

TEST(Terminal, OtherOutcomesTakeOneLine) {
    const harness::Case c = report_case("6.4.1", "Fail fast on invalid UTF-8");
    auto r = make_result(c, "ws", Outcome::non_strict);
    r.verdict.outcome_reason = "behavior NON-STRICT";
    std::ostringstream out;
    print_case_line(out, r, false);
    EXPECT_EQ(out.str(), "~ 6.4.1  Fail fast on invalid UTF-8 — behavior NON-STRICT [ws]\n");
    r.verdict.outcome = Outcome::unimplemented;
    out.str("");
    print_case_line(out, r, false);
    EXPECT_EQ(out.str().substr(0, 3), "∅");
}

TEST(Terminal, ColourOnlyWhenAskedAndPeerTextIsEscaped) {
    const harness::Case c = report_case("1.1.1", "Text");
    auto r = make_result(c, "evil\x1b[2J", Outcome::fail);
    r.observation.received = {harness::text_message("\x1b]0;pwned\x07")};
    r.observation.remote_close_reason = "bye\r\n";
    std::ostringstream plain, colored;
    print_case_line(plain, r, false);
    print_case_line(colored, r, true);
    EXPECT_EQ(plain.str().find('\x1b'), std::string::npos) << plain.str();
    EXPECT_NE(plain.str().find("evil\\x1b[2J"), std::string::npos) << plain.str();
    EXPECT_NE(plain.str().find("\"\\x1b]0;pwned\\x07\""), std::string::npos) << plain.str();
    EXPECT_NE(plain.str().find("\"bye\\r\\n\""), std::string::npos) << plain.str();
    EXPECT_NE(colored.str().find("\x1b[31m"), std::string::npos);
    EXPECT_EQ(colored.str().find("\x1b[2J"), std::string::npos);
}

TEST(Terminal, SummaryCountsAndRecapsFailures) {
    std::vector<SummaryRow> rows = {
        {"1.1.1", "ws", "A", Outcome::pass, "", 1},
        {"6.4.1", "ws", "B", Outcome::non_strict, "behavior NON-STRICT", 1},
        {"7.13.1", "ws", "C", Outcome::informational, "", 1},
        {"2.10", "ws", "D", Outcome::fail, "behavior FAILED", 1},
        {"2.9", "ws", "E", Outcome::fail, "close FAILED", 1},
    };
    std::ostringstream out;
    print_summary(out, rows, 2.314, false);
    EXPECT_EQ(out.str(),
              "\nFailed:\n"
              "  ✘ 2.9  E — close FAILED [ws]\n"
              "  ✘ 2.10  D — behavior FAILED [ws]\n"
              "\n"
              "5 cases: 1 passed, 1 non-strict, 1 informational, 2 failed (2.31 s)\n");

    rows = {
        {"1.1.1", "ws", "A", Outcome::pass, "", 1},
        {"1.1.2", "ws", "B", Outcome::warning, "no limit", 1},
        {"1.1.3", "ws", "C", Outcome::not_run, "interrupted by a signal", 0},
        {"1.1.4", "ws", "D", Outcome::not_run, "interrupted by a signal", 0},
    };
    out.str("");
    print_summary(out, rows, 1, false);
    EXPECT_EQ(out.str(), "\n4 cases: 1 passed, 1 warning, 0 failed, 2 not run (1.00 s)\n");

    rows = {{"1.1.1", "a", "", Outcome::pass, "", 1}, {"1.1.1", "b", "", Outcome::pass, "", 1}};
    out.str("");
    print_summary(out, rows, 0.5, false);
    EXPECT_EQ(out.str(),
              "\n  a: 1 case: 1 passed, 0 failed\n  b: 1 case: 1 passed, 0 failed\n"
              "2 cases: 2 passed, 0 failed (0.50 s)\n");
}

}  // namespace
}  // namespace wsconform::reports
