// One truth per run (issue 15): in each way a run can end — normally, re-run into a folder that
// holds an earlier run, stopped by SIGINT or SIGTERM, stopped by --timeout, with two agents
// whose names clean to the same file name, with a target that cannot be reached — the exit
// code, the summary line, index.json, index.html and junit.xml say the same thing. The binary
// is spawned against our own peers (a correct one, one that stalls, one that resets).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/buggy_server.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/cli_test.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using test_support::Bug;
using test_support::BuggyServer;
using json = nlohmann::json;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string url_of(const BuggyServer& server) {
    return "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
}

// What every view of a report folder says, counted the same way.
struct Views {
    std::map<std::string, std::map<std::string, std::string>> outcomes;  // agent -> id -> outcome
    std::size_t junit_tests = 0, junit_failures = 0, junit_errors = 0, junit_skipped = 0;
    std::string banner;  // index.html's verdict line

    std::size_t count(const std::string& outcome) const {
        std::size_t n = 0;
        for (const auto& [agent, cases] : outcomes)
            for (const auto& [id, o] : cases) n += o == outcome;
        return n;
    }
    std::size_t total() const {
        std::size_t n = 0;
        for (const auto& [agent, cases] : outcomes) n += cases.size();
        return n;
    }
};

std::size_t attribute(const std::string& text, const std::string& name) {
    std::smatch m;
    const std::regex re(" " + name + "=\"([0-9]+)\"");
    return std::regex_search(text, m, re) ? std::stoul(m[1]) : 0;
}

// index.json's outcome of each case comes from its case file (which each entry names).
Views read_views(const fs::path& dir) {
    Views v;
    const auto index = json::parse(test_support::read_text(dir / "index.json"));
    for (const auto& [agent, cases] : index.items())
        for (const auto& [id, entry] : cases.items()) {
            const auto file = json::parse(
                test_support::read_text(dir / entry.at("reportfile").get<std::string>()));
            EXPECT_EQ(file.at("agent"), agent);
            EXPECT_EQ(file.at("id"), id);
            v.outcomes[agent][id] = file.at("outcome").get<std::string>();
            if (file.at("outcome") == "not-run") {
                EXPECT_EQ(entry.at("behavior"), "UNIMPLEMENTED") << id;
                EXPECT_EQ(entry.at("outcome"), "not-run") << id;
            }
        }
    const std::string xml = test_support::read_text(dir / "junit.xml");
    const std::string head = xml.substr(0, xml.find("<testsuite "));
    v.junit_tests = attribute(head, "tests");
    v.junit_failures = attribute(head, "failures");
    v.junit_errors = attribute(head, "errors");
    const std::regex suite_skipped("<testsuite [^>]* skipped=\"([0-9]+)\"");
    for (auto it = std::sregex_iterator(xml.begin(), xml.end(), suite_skipped);
         it != std::sregex_iterator(); ++it)
        v.junit_skipped += std::stoul((*it)[1]);
    std::smatch m;
    const std::string html = test_support::read_text(dir / "index.html");
    if (std::regex_search(html, m, std::regex("id=\"verdict\">([^<]*)</p>"))) v.banner = m[1];
    return v;
}

// The summary line of a run's stdout ("3 cases: 1 passed, 1 failed, 1 not run (0.52 s)"),
// without its time.
std::string summary_line(const std::string& out) {
    std::smatch m;
    std::string line;
    const std::regex re("(^|\n)([0-9]+ cases?: [^\n(]*) \\(");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), re); it != std::sregex_iterator();
         ++it)
        line = (*it)[2];
    return line;
}

// A run stopped before any case finished: it exits 1, and every view says all `n` cases were
// not run, none failed.
Views expect_nothing_run(test_support::ChildProcess& cli, const fs::path& outdir, std::size_t n) {
    EXPECT_EQ(cli.wait(20s), 1) << cli.out() << cli.err();
    const std::string count = std::to_string(n);
    EXPECT_EQ(summary_line(cli.out()),
              count + (n == 1 ? " case" : " cases") + ": 0 passed, 0 failed, " + count + " not run")
        << cli.out();
    auto v = read_views(outdir);
    EXPECT_EQ(v.total(), n);
    EXPECT_EQ(v.count("not-run"), n);
    EXPECT_EQ(v.junit_tests, n);
    EXPECT_EQ(v.junit_skipped, n);
    EXPECT_EQ(v.junit_failures + v.junit_errors, 0u);
    return v;
}

class ReportPaths : public test_support::CliTest {
  protected:
    test_support::ProgramRun run(std::vector<std::string> args) {
        args.insert(args.end(), {"--color", "never"});
        return wsconform(args);
    }
};

// ---- A new run replaces the earlier one; --merge keeps it --------------------------------------

TEST_F(ReportPaths, ReRunIntoAFolderHoldsThatRunOnly) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer bad(Bug::reset_mid_case), good(Bug::none);
    auto r = run({"test-server", url_of(bad), "--agent", "srv", "--cases", "1.1.1", "1.1.2"});
    ASSERT_EQ(r.code, 1) << r.out << r.err;
    ASSERT_TRUE(fs::exists(outdir() / "srv_case_1_1_2.json"));
    fs::create_directories(outdir() / "mine");  // not ours: left alone

    r = run({"test-server", url_of(good), "--agent", "srv", "--cases", "1.1.1"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_EQ(summary_line(r.out), "1 case: 1 passed, 0 failed") << r.out;
    auto v = read_views(outdir());
    EXPECT_EQ(v.total(), 1u);
    EXPECT_EQ(v.outcomes["srv"]["1.1.1"], "pass");
    EXPECT_EQ(v.junit_tests, 1u);
    EXPECT_EQ(v.junit_failures, 0u);
    EXPECT_EQ(v.banner, "✔ Pass: 1 of 1 results acceptable");
    EXPECT_FALSE(fs::exists(outdir() / "srv_case_1_1_2.json")) << "the earlier run's file";
    EXPECT_FALSE(fs::exists(outdir() / "srv_case_1_1_2.html"));
    EXPECT_TRUE(fs::exists(outdir() / "mine"));

    // --merge: the earlier results stay, each case file saying which run wrote it.
    r = run({"test-server", url_of(bad), "--agent", "srv", "--cases", "1.1.2", "--merge"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(summary_line(r.out), "1 case: 0 passed, 1 failed") << r.out;
    v = read_views(outdir());
    EXPECT_EQ(v.total(), 2u);
    EXPECT_EQ(v.outcomes["srv"]["1.1.1"], "pass");
    EXPECT_EQ(v.outcomes["srv"]["1.1.2"], "fail");
    EXPECT_EQ(v.junit_tests, 2u);
    EXPECT_EQ(v.junit_failures, 1u);
    EXPECT_EQ(v.banner, "✘ Fail: 1 of 2 results failed");
    const auto first = json::parse(test_support::read_text(outdir() / "srv_case_1_1_1.json"));
    const auto second = json::parse(test_support::read_text(outdir() / "srv_case_1_1_2.json"));
    EXPECT_TRUE(first.at("runId").is_string());
    EXPECT_NE(first.at("runId"), second.at("runId"));
    EXPECT_EQ(first.at("fileStem"), "srv");
}

// ---- Stopped by a signal: every selected case is there, the unfinished ones not run -----------

class Signals : public ReportPaths, public ::testing::WithParamInterface<int> {};

TEST_P(Signals, CasesNotRunAreInEveryView) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer stall(Bug::stall_after_handshake);
    test_support::ChildProcess cli(
        test_support::wsconform_binary(),
        {"test-server", url_of(stall), "--agent", "stall", "--cases", "1.1.1", "1.1.2", "1.1.3",
         "--jobs", "1", "--outdir", outdir().string(), "--color", "never"},
        dir_.path());
    // Once the run is under way (the signals are taken by then), the first case waits for the
    // stalled peer.
    for (int i = 0; i < 400 && cli.out().find("Testing ") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    std::this_thread::sleep_for(300ms);
    ::kill(cli.pid(), GetParam());
    const auto v = expect_nothing_run(cli, outdir(), 3);
    EXPECT_EQ(v.banner, "– Incomplete: 3 of 3 cases not run (interrupted by a signal)");
}

INSTANTIATE_TEST_SUITE_P(Stop, Signals, ::testing::Values(SIGINT, SIGTERM), [](const auto& info) {
    return info.param == SIGINT ? "Sigint" : "Sigterm";
});

// ---- test-client stopped while a case is under way: that case is not run, not failed ---------

// A --run client that opens case 1's WebSocket, touches `mark`, then says nothing: the case
// waits for an echo that never comes (bash for /dev/tcp; the port is the last part of {url}).
std::string silent_client(const fs::path& mark) {
    return "bash -c 'p=${0##*:}; p=${p%%/*}; exec 3<>/dev/tcp/127.0.0.1/$p && printf "
           "\"GET /runCase?case=1&agent=silent HTTP/1.1\\r\\nHost: 127.0.0.1:$p\\r\\nUpgrade: "
           "websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Key: "
           "dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n\" >&3 && "
           "touch \"$1\" && sleep 60' {url} '" +
           mark.string() + "'";
}

class ClientStops : public ReportPaths {
  protected:
    // The views after a run of `cases` in which the client stalled in the first and the run was
    // stopped (by `signal`, or else by --timeout 1, before that case's own time is up): every
    // case not run, none failed, and no client "went down" for being killed by our stop.
    void expect_stopped_run(int signal, std::vector<std::string> cases) {
        const auto mark = dir_.path() / "opened";
        std::vector<std::string> args{
            "test-client", "--listen", "127.0.0.1:0", "--outdir", outdir().string(),   "--color",
            "never",       "--agent",  "silent",      "--run",    silent_client(mark), "--cases"};
        args.insert(args.end(), cases.begin(), cases.end());
        if (!signal) args.insert(args.end(), {"--timeout", "1"});
        test_support::ChildProcess cli(test_support::wsconform_binary(), args, dir_.path());
        for (int i = 0; i < 400 && !fs::exists(mark); ++i) std::this_thread::sleep_for(25ms);
        ASSERT_TRUE(fs::exists(mark)) << cli.out() << cli.err();
        if (signal) {
            std::this_thread::sleep_for(300ms);
            ::kill(cli.pid(), signal);
        }
        expect_nothing_run(cli, outdir(), cases.size());
        // The client never ran the others; the first was cut short by us. Together they are
        // the summary's "not run".
        if (cases.size() == 2) {
            EXPECT_NE(cli.out().find("\n1 selected case was never run by the client (and 1 more "
                                     "was under way when the run stopped)\n"),
                      std::string::npos)
                << cli.out();
        }
        EXPECT_EQ(cli.err().find("went down"), std::string::npos) << cli.err();
        std::string id = cases.front();
        std::replace(id.begin(), id.end(), '.', '_');
        const auto cut =
            json::parse(test_support::read_text(outdir() / ("silent_case_" + id + ".json")));
        EXPECT_EQ(cut.at("result"), signal ? "Not run: interrupted by a signal."
                                           : "Not run: the run timeout (--timeout) passed.");
    }
};

TEST_F(ClientStops, InterruptedCaseIsNotRun) {
    ASSERT_FALSE(dir_.path().empty());
    expect_stopped_run(SIGINT, {"1.1.1", "1.1.2"});
}

TEST_F(ClientStops, CaseCutByTheRunTimeoutIsNotRun) {
    ASSERT_FALSE(dir_.path().empty());
    expect_stopped_run(0, {"1.1.1", "1.1.2"});
}

// A section 15 case watches for a client that goes down; the one our deadline kills is not.
TEST_F(ClientStops, LimitsCaseCutByTheRunTimeoutIsNotRun) {
    ASSERT_FALSE(dir_.path().empty());
    expect_stopped_run(0, {"15.3.1"});
}

// ---- --timeout: the run stops, and its report says which cases it did not make ---------------

TEST_F(ReportPaths, RunTimeoutWritesEveryCase) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer stall(Bug::stall_after_handshake);
    const auto r =
        run({"test-server", url_of(stall), "--agent", "stall", "--cases", "9.*", "--timeout", "4"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_LT(r.seconds, 15.0);
    const auto v = read_views(outdir());
    const std::size_t not_run = v.count("not-run"), failed = v.count("fail");
    EXPECT_GT(not_run, 0u);
    EXPECT_EQ(not_run + failed, v.total());
    EXPECT_EQ(summary_line(r.out), std::to_string(v.total()) + " cases: 0 passed, " +
                                       std::to_string(failed) + " failed, " +
                                       std::to_string(not_run) + " not run")
        << r.out;
    EXPECT_EQ(v.junit_tests, v.total());
    EXPECT_EQ(v.junit_skipped, not_run);
    EXPECT_EQ(v.junit_failures, failed);
    EXPECT_NE(r.err.find("the run timeout (--timeout) passed"), std::string::npos) << r.err;
    EXPECT_TRUE(v.banner.starts_with(failed ? "✘ Fail: " : "– Incomplete: ")) << v.banner;
}

// ---- Agents whose names clean to one file name keep their own files ---------------------------

TEST_F(ReportPaths, CollidingAgentNamesGetTheirOwnFiles) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer good(Bug::none), bad(Bug::reset_mid_case);
    const auto r = run(
        {"test-server", url_of(good), url_of(bad), "--agent", "Srv", "srv", "--cases", "1.1.1"});
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(summary_line(r.out), "2 cases: 1 passed, 1 failed") << r.out;
    const auto v = read_views(outdir());
    EXPECT_EQ(v.outcomes.at("Srv").at("1.1.1"), "pass");
    EXPECT_EQ(v.outcomes.at("srv").at("1.1.1"), "fail");
    EXPECT_EQ(v.junit_tests, 2u);
    EXPECT_EQ(v.junit_failures, 1u);
    EXPECT_EQ(v.banner, "✘ Fail: 1 of 2 results failed");
    const auto idx = index();
    EXPECT_EQ(idx.at("Srv").at("1.1.1").at("reportfile"), "srv_case_1_1_1.json");
    EXPECT_EQ(idx.at("srv").at("1.1.1").at("reportfile"), "srv_2_case_1_1_1.json");
    const auto second = json::parse(test_support::read_text(outdir() / "srv_2_case_1_1_1.json"));
    EXPECT_EQ(second.at("agent"), "srv");
    EXPECT_EQ(second.at("fileStem"), "srv_2");
    // The pages too: each agent's own.
    EXPECT_NE(test_support::read_text(outdir() / "srv_2_case_1_1_1.html").find("✘"),
              std::string::npos);
    const std::string xml = test_support::read_text(outdir() / "junit.xml");
    const auto failure = xml.find("<failure");
    ASSERT_NE(failure, std::string::npos);
    EXPECT_NE(xml.rfind("classname=\"srv.", failure), std::string::npos);
    EXPECT_EQ(xml.find("classname=\"Srv.", failure), std::string::npos)
        << "Srv's test case comes first and has no failure";
}

// ---- Unreachable: one line, exit 3, and a report that says so -------------------------------

TEST_F(ReportPaths, UnreachableTargetSaysSoAndNothingElse) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer good(Bug::none);
    auto r = run({"test-server", url_of(good), "--agent", "x", "--cases", "1.1.1", "1.1.2"});
    ASSERT_EQ(r.code, 0) << r.out << r.err;

    const std::string closed = "ws://127.0.0.1:" + std::to_string(test_support::closed_port());
    r = run({"test-server", closed, "--agent", "x", "--cases", "1.1.1", "1.1.2"});
    EXPECT_EQ(r.code, 3) << r.out << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
    const auto v = read_views(outdir());
    EXPECT_EQ(v.total(), 2u) << "no earlier result left for this agent";
    EXPECT_EQ(v.count("not-run"), 2u);
    EXPECT_EQ(v.junit_tests, 2u);
    EXPECT_EQ(v.junit_errors, 2u);
    EXPECT_EQ(v.junit_skipped + v.junit_failures, 0u);
    EXPECT_TRUE(
        v.banner.starts_with("– Unreachable: 2 of 2 cases not run (unreachable: cannot "
                             "connect"))
        << v.banner;
    const auto file = json::parse(test_support::read_text(outdir() / "x_case_1_1_1.json"));
    EXPECT_NE(file.at("harnessError").get<std::string>().find("cannot connect"), std::string::npos);
}

// Several URLs, some unreachable: 3 when nothing failed, 1 when a case did.
struct MixedRun {
    std::string name;
    Bug reachable;
    int code;
    std::string summary;
};

void PrintTo(const MixedRun& row, std::ostream* os) {
    *os << row.name;
}

class MixedTargets : public ReportPaths, public ::testing::WithParamInterface<MixedRun> {};

TEST_P(MixedTargets, ExitCodeSaysTheWorst) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server(GetParam().reachable);
    const std::string closed = "ws://127.0.0.1:" + std::to_string(test_support::closed_port());
    const auto r =
        run({"test-server", url_of(server), closed, "--agent", "up", "down", "--cases", "1.1.1"});
    EXPECT_EQ(r.code, GetParam().code) << r.out << r.err;
    EXPECT_EQ(summary_line(r.out), GetParam().summary) << r.out;
    EXPECT_NE(r.out.find("  down: 1 case: 0 passed, 0 failed, 1 not run"), std::string::npos)
        << r.out;
    const auto v = read_views(outdir());
    EXPECT_EQ(v.outcomes.at("down").at("1.1.1"), "not-run");
    EXPECT_EQ(v.junit_errors, 1u);
}

const MixedRun kMixedRuns[] = {
    {"NothingFailedExitsThree", Bug::none, 3, "2 cases: 1 passed, 0 failed, 1 not run"},
    {"AFailureExitsOne", Bug::reset_mid_case, 1, "2 cases: 0 passed, 1 failed, 1 not run"},
};

INSTANTIATE_TEST_SUITE_P(Unreachable, MixedTargets, ::testing::ValuesIn(kMixedRuns),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace wsconform
