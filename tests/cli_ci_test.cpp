// What CI needs of the command line: Autobahn's form (-m fuzzingclient -s spec.json) takes
// every flag of its subcommand (--baseline, -q, --jobs, --strict, --outdir ...), --spec on
// test-server and test-client (the flags beside it win), and --rerun-failed DIR runs again
// exactly the cases that did not pass. The binary is spawned against planted-bug servers
// (tests/support/buggy_server.h): exit codes and output are real.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "tests/support/buggy_server.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/scratch_test.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using test_support::Bug;
using test_support::BuggyServer;

test_support::ProgramRun run_wsconform(const std::vector<std::string>& args, const fs::path& dir) {
    return test_support::run_to_end(test_support::wsconform_binary(), args, dir, 60s);
}

std::set<std::string> case_ids(const fs::path& outdir) {
    std::set<std::string> ids;
    const auto index = json::parse(test_support::read_text(outdir / "index.json"));
    for (const auto& [agent, cases] : index.items())
        for (const auto& [id, entry] : cases.items()) ids.insert(id);
    return ids;
}

// A fuzzingclient spec naming `server` as agent Srv, with its own outdir ("spec-out").
fs::path write_client_spec(const fs::path& dir, const BuggyServer& server,
                           const std::vector<std::string>& cases) {
    const auto spec = dir / "fuzzingclient.json";
    std::ofstream(spec) << json{
        {"outdir", (dir / "spec-out").string()},
        {"servers",
         {{{"url", "ws://127.0.0.1:" + std::to_string(server.port())}, {"agent", "Srv"}}}},
        {"cases", cases}}.dump();
    return spec;
}

// ---- Autobahn's form with the subcommand's flags: one row each -----------------------------

struct FormRow {
    std::string what;
    Bug bug;                         // the server the spec names
    std::vector<std::string> flags;  // after -m fuzzingclient -s SPEC ("{base}": the baseline)
    int code;
    std::string out_has;  // on stdout
    std::string out_lacks;
};

void PrintTo(const FormRow& row, std::ostream* os) {
    *os << row.what;
}

const FormRow kFormRows[] = {
    {"Quiet", Bug::none, {"-q", "--jobs", "2", "--color", "never"}, 0, "4 cases", "Testing "},
    {"JobsShownInTheStartLine", Bug::none, {"--jobs", "3"}, 0, "4 cases, 3 at a time", ""},
    // 2.1 needs a pong: against the baseline of a correct server, a regression.
    {"BaselineRegression", Bug::no_pong, {"--baseline", "{base}"}, 1, "Baseline: 1 regression", ""},
    {"BaselineKnownFailure",
     Bug::no_pong,
     {"--baseline", "{self}"},
     0,
     "Baseline: 0 regressions",
     ""},
    // 7.13.1 (close code 5000) is INFORMATIONAL: a pass unless --strict.
    {"StrictFailsInformational", Bug::none, {"--strict"}, 1, "", ""},
    {"OutdirWinsOverTheSpec", Bug::none, {"--outdir", "{dir}/flag-out"}, 0, "flag-out", "spec-out"},
};

class AutobahnForm : public test_support::ScratchTest,
                     public ::testing::WithParamInterface<FormRow> {};

TEST_P(AutobahnForm, TakesTheSubcommandsFlags) {
    const auto& row = GetParam();
    ASSERT_FALSE(dir_.path().empty());
    const std::vector<std::string> cases = {"1.1.1", "2.1", "2.5", "7.13.1"};
    const auto base = dir_.path() / "base";
    {
        BuggyServer good(Bug::none);
        const auto spec = write_client_spec(dir_.path(), good, cases);
        const auto r = run_wsconform(
            {"-m", "fuzzingclient", "-s", spec.string(), "--outdir", base.string()}, dir_.path());
        ASSERT_EQ(r.code, 0) << r.out << r.err;
    }
    BuggyServer server(row.bug);
    const auto spec = write_client_spec(dir_.path(), server, cases);
    std::vector<std::string> args = {"-m", "fuzzingclient", "-s", spec.string()};
    if (row.flags != std::vector<std::string>{"--baseline", "{self}"}) {
        for (auto flag : row.flags) {
            if (flag == "{base}") flag = base.string();
            if (flag.starts_with("{dir}")) flag = dir_.path().string() + flag.substr(5);
            args.push_back(flag);
        }
    } else {  // the server's own earlier run as the baseline
        ASSERT_EQ(run_wsconform(args, dir_.path()).code, 1);
        args.insert(args.end(), {"--baseline", (dir_.path() / "spec-out").string(), "--outdir",
                                 (dir_.path() / "again").string()});
    }
    const auto r = run_wsconform(args, dir_.path());
    EXPECT_EQ(r.code, row.code) << r.out << r.err;
    EXPECT_NE(r.out.find(row.out_has), std::string::npos) << r.out;
    if (!row.out_lacks.empty()) {
        EXPECT_EQ(r.out.find(row.out_lacks), std::string::npos) << r.out;
    }
}

INSTANTIATE_TEST_SUITE_P(Flags, AutobahnForm, ::testing::ValuesIn(kFormRows),
                         [](const auto& info) { return info.param.what; });

TEST(AutobahnArguments, AFlagItsSubcommandLacksIsAUsageError) {
    test_support::TempDir dir;
    const auto r =
        run_wsconform({"-m", "fuzzingclient", "-s", "x.json", "--no-such-flag"}, dir.path());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("--no-such-flag"), std::string::npos) << r.err;
}

// ---- --spec on test-client: the spec's url is where it listens, the flags beside it win ----

class ClientSpec : public test_support::ScratchTest {};

TEST_F(ClientSpec, ListensWhereTheSpecSaysAndTakesFlags) {
    ASSERT_FALSE(dir_.path().empty());
    const auto port = test_support::closed_port();
    const auto spec = dir_.path() / "fuzzingserver.json";
    std::ofstream(spec) << json{
        {"url", "ws://127.0.0.1:" + std::to_string(port)},
        {"outdir", (dir_.path() / "clients").string()},
        {"cases", {"1.1.1"}}}.dump();
    for (const auto& form :
         {std::vector<std::string>{"test-client", "--spec", spec.string()},
          std::vector<std::string>{"-m", "fuzzingserver", "-s", spec.string()}}) {
        auto args = form;
        args.insert(args.end(), {"--timeout", "1", "-q", "--color", "never"});
        const auto r = run_wsconform(args, dir_.path());
        EXPECT_EQ(r.code, 3) << "no client came: " << r.out << r.err;
        EXPECT_NE(r.out.find(":" + std::to_string(port)), std::string::npos) << r.out;
    }
}

// ---- --rerun-failed --------------------------------------------------------------------------

class RerunFailed : public test_support::ScratchTest {};

TEST_F(RerunFailed, RunsExactlyTheCasesThatDidNotPass) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer no_pong(Bug::no_pong);  // fails 2.1 and 2.10 (pings unanswered)
    const std::string url = "ws://127.0.0.1:" + std::to_string(no_pong.port());
    const auto first = dir_.path() / "first";
    auto r = run_wsconform({"test-server", url, "--cases", "1.1.*", "2.*", "--agent", "Srv", "-q",
                            "--outdir", first.string()},
                           dir_.path());
    ASSERT_EQ(r.code, 1) << r.out << r.err;
    std::set<std::string> failed;
    const auto index = json::parse(test_support::read_text(first / "index.json"));
    for (const auto& [id, entry] : index.at("Srv").items())
        if (entry.at("behavior") != "OK" || entry.at("behaviorClose") != "OK") failed.insert(id);
    ASSERT_FALSE(failed.empty());
    ASSERT_LT(failed.size(), index.at("Srv").size());

    const auto again = dir_.path() / "again";
    r = run_wsconform({"test-server", url, "--agent", "Srv", "--rerun-failed", first.string(),
                       "--outdir", again.string()},
                      dir_.path());
    EXPECT_EQ(r.code, 1) << r.out << r.err;
    EXPECT_EQ(case_ids(again), failed);
    EXPECT_NE(r.out.find("Running again the " + std::to_string(failed.size()) + " case"),
              std::string::npos)
        << r.out;

    r = run_wsconform({"test-server", url, "--rerun-failed", first.string(), "--cases", "1.*"},
                      dir_.path());
    EXPECT_EQ(r.code, 2) << "--cases beside --rerun-failed: " << r.err;

    // A report where every case passed: nothing to run, exit 0.
    BuggyServer good(Bug::none);
    const auto clean = dir_.path() / "clean";
    ASSERT_EQ(run_wsconform({"test-server", "ws://127.0.0.1:" + std::to_string(good.port()),
                             "--cases", "1.1.1", "-q", "--outdir", clean.string()},
                            dir_.path())
                  .code,
              0);
    r = run_wsconform({"test-server", url, "--rerun-failed", clean.string(), "--outdir",
                       (dir_.path() / "none").string()},
                      dir_.path());
    EXPECT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(r.out.find("nothing to run again"), std::string::npos) << r.out;
    EXPECT_FALSE(fs::exists(dir_.path() / "none" / "index.json"));
}

// ---- A case page's "Run it again" command ------------------------------------------------------

// The command on a case's page, as a shell reads it (the page escapes it for HTML).
std::string reproduce_command(const fs::path& case_page) {
    const std::string page = test_support::read_text(case_page);
    const std::string open = "<code id=\"reproduce\">";
    const auto from = page.find(open);
    if (from == std::string::npos) return {};
    std::string command = page.substr(from + open.size());
    command.resize(command.find("</code>"));
    for (const auto& [entity, text] :
         {std::pair{"&#39;", "'"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&amp;", "&"}})
        for (auto at = command.find(entity); at != std::string::npos; at = command.find(entity))
            command.replace(at, std::string_view(entity).size(), text);
    return command;
}

class RunItAgain : public test_support::ScratchTest {};

// It repeats the flags that matter to the case (credentials redacted) and none that only shape
// the run, and run as it stands it gives the case the same verdict.
TEST_F(RunItAgain, CarriesTheFlagsThatMatterToTheCase) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server(Bug::no_pong);  // fails 2.1
    const std::string url = "ws://127.0.0.1:" + std::to_string(server.port()) + "/";
    const auto first = dir_.path() / "first";
    const auto r = run_wsconform({"test-server", url, "--cases", "2.1", "--agent", "Srv", "--jobs",
                                  "2", "--strict", "-q", "-H", "Authorization: Bearer s3cret", "-H",
                                  "X-Trace: 1", "--time-scale", "2", "--outdir", first.string()},
                                 dir_.path());
    ASSERT_EQ(r.code, 1) << r.out << r.err;
    const std::string command = reproduce_command(first / "srv_case_2_1.html");
    EXPECT_EQ(command, "wsconform test-server " + url +
                           " --cases 2.1 --header 'Authorization: <redacted>' --header 'X-Trace: "
                           "1' --time-scale 2 --agent Srv");
    for (const auto& file : fs::directory_iterator(first))
        EXPECT_EQ(test_support::read_text(file.path()).find("s3cret"), std::string::npos)
            << file.path();

    const auto again = dir_.path() / "again";
    // As a shell runs it, with our binary for `wsconform` and a folder of its own.
    const auto rerun =
        test_support::run_to_end("/bin/sh",
                                 {"-c",
                                  "exec \"$0\" " + command.substr(command.find(' ') + 1) +
                                      " -q --outdir '" + again.string() + "'",
                                  test_support::wsconform_binary()},
                                 dir_.path(), 60s, "rerun");
    EXPECT_EQ(rerun.code, 1) << rerun.out << rerun.err;
    const auto entry = [](const fs::path& dir) {
        return json::parse(test_support::read_text(dir / "index.json")).at("Srv").at("2.1");
    };
    EXPECT_EQ(entry(again).at("behavior"), entry(first).at("behavior"));
    EXPECT_EQ(entry(again).at("behaviorClose"), entry(first).at("behaviorClose"));
    const auto rerun_case = json::parse(test_support::read_text(again / "srv_case_2_1.json"));
    EXPECT_EQ(rerun_case.at("rerunFlags"),
              json::parse(test_support::read_text(first / "srv_case_2_1.json")).at("rerunFlags"));
}

}  // namespace
}  // namespace wsconform
