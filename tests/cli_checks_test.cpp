// Checked input on the command line: every number flag of every subcommand refuses NaN,
// infinities, zero (where zero means nothing), negative and huge values with exit 2 and one
// line naming the flag and its range; a spec file's unknown key gets a warning naming it; and
// --time-scale stretches the case timers and says so. The binary is spawned: exit codes and
// stderr are real.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
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

test_support::ProgramRun run_wsconform(const std::vector<std::string>& args,
                                       const std::filesystem::path& dir,
                                       std::chrono::milliseconds safety = 10s) {
    return test_support::run_to_end(test_support::wsconform_binary(), args, dir, safety);
}

std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

// ---- every number flag: one row each -----------------------------------------------------------

struct NumberFlag {
    std::vector<std::string> command;  // the subcommand and its positional arguments
    std::string flag;
    bool zero_allowed = false;  // 0 is in the flag's range (--seed, --deflate-level)
};

void PrintTo(const NumberFlag& row, std::ostream* os) {
    *os << row.command.front() << " " << row.flag;
}

const std::vector<std::string> kTestServer = {"test-server", "ws://127.0.0.1:9/"};
const std::vector<std::string> kTestClient = {"test-client", "--listen", "127.0.0.1:0"};
const std::vector<std::string> kServe = {"serve", "--listen", "127.0.0.1:0"};
const std::vector<std::string> kFuzz = {"fuzz", "ws://127.0.0.1:9/"};
const std::vector<std::string> kReplay = {"replay", "finding.json", "ws://127.0.0.1:9/"};

const NumberFlag kNumberFlags[] = {
    {kTestServer, "--jobs"},
    {kTestServer, "--timeout"},
    {kTestServer, "--case-timeout"},
    {kTestServer, "--time-scale"},
    {kTestClient, "--exit-after-agents"},
    {kTestClient, "--timeout"},
    {kTestClient, "--time-scale"},
    {kServe, "--max-message"},
    {kServe, "--threads"},
    {kServe, "--deflate-client-max-window-bits"},
    {kServe, "--deflate-level", true},
    {kFuzz, "--seed", true},
    {kFuzz, "--iterations"},
    {kFuzz, "--duration"},
    {kFuzz, "--jobs"},
    {kFuzz, "--timeout"},
    {kFuzz, "--slow-ms"},
    {kFuzz, "--watch-pid"},
    {kFuzz, "--peer-rss-limit"},
    {kReplay, "--timeout"},
};

// What no number flag takes. ("1e16" and "1e308" are past every range; "0.0004" is below the
// smallest duration any of them takes, and not a whole number.)
const char* const kRefused[] = {"nan",   "NaN", "inf", "-inf", "infinity", "-1", "1e16",
                                "1e308", "-0",  "",    "0x10", " 5",       "5s", "0.0004"};

class NumberFlags : public ::testing::TestWithParam<NumberFlag> {};

TEST_P(NumberFlags, RefuseWhatIsNotInTheirRangeWithOneLine) {
    const auto& row = GetParam();
    test_support::TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    std::vector<std::string> values(std::begin(kRefused), std::end(kRefused));
    if (!row.zero_allowed) values.push_back("0");
    for (const auto& value : values) {
        SCOPED_TRACE(row.flag + " '" + value + "'");
        auto args = row.command;
        args.push_back(row.flag);
        args.push_back(value);
        const auto r = run_wsconform(args, dir.path());
        EXPECT_EQ(r.code, 2) << r.err;
        EXPECT_EQ(line_count(r.err), 1u) << r.err;
        EXPECT_TRUE(r.err.starts_with("wsconform: ")) << r.err;
        EXPECT_NE(r.err.find(row.flag), std::string::npos) << r.err;
        EXPECT_LT(r.err.size(), 160u) << "one short line: " << r.err;
        EXPECT_TRUE(r.out.empty()) << r.out;
    }
    // The range the error names is in the help text too.
    auto help = row.command;
    help.resize(1);
    help.push_back("--help");
    const auto h = run_wsconform(help, dir.path());
    EXPECT_EQ(h.code, 0);
    const auto at = h.out.find(row.flag);
    ASSERT_NE(at, std::string::npos) << h.out;
    const auto line_end = h.out.find("\n  -", at + 1);
    EXPECT_NE(h.out.substr(at, line_end - at).find(" to "), std::string::npos)
        << "no range in the help of " << row.flag << ": " << h.out.substr(at, line_end - at);
}

INSTANTIATE_TEST_SUITE_P(Cli, NumberFlags, ::testing::ValuesIn(kNumberFlags), [](const auto& info) {
    std::string name = info.param.command.front() + info.param.flag;
    std::erase_if(name, [](char c) { return !std::isalnum(c); });
    return name;
});

TEST(NumberFlagsMessage, TimeoutZeroSaysTheRangeInAFewWords) {
    test_support::TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    const auto r =
        run_wsconform({"test-server", "ws://127.0.0.1:9/", "--timeout", "0"}, dir.path());
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.err, "wsconform: --timeout: '0' is not a number from 1 to 604800 s\n");
}

// Cases of the other role only (a server's 17.1.1 asked of test-client, a client's 17.6.1 of
// test-server): one line naming the subcommand that runs them, not "no case left".
TEST(CaseSelection, CasesOfTheOtherRoleOnlyNameTheSubcommandThatRunsThem) {
    test_support::TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    const auto client = run_wsconform(
        {"test-client", "--listen", "127.0.0.1:0", "--http2", "--cases", "17.1.1", "--run", "true"},
        dir.path());
    EXPECT_EQ(client.code, 2);
    EXPECT_EQ(client.err,
              "wsconform: the selected cases test a server: run them with test-server\n");
    const auto server = run_wsconform(
        {"test-server", "ws://127.0.0.1:9/", "--http2", "--cases", "17.6.1"}, dir.path());
    EXPECT_EQ(server.code, 2);
    EXPECT_EQ(server.err,
              "wsconform: the selected cases test a client: run them with test-client\n");
}

// ---- spec files --------------------------------------------------------------------------------

class SpecFile : public test_support::ScratchTest {};

TEST_F(SpecFile, UnknownKeyIsNamedInAWarning) {
    ASSERT_FALSE(dir_.path().empty());
    const auto spec = dir_.path() / "fuzzingclient.json";
    const auto url = "ws://127.0.0.1:" + std::to_string(test_support::closed_port());
    std::ofstream(spec) << json{{"outdir", (dir_.path() / "reports").string()},
                                {"servers", {{{"url", url}, {"agentt", "typo"}}}},
                                {"exclude-case", {"1.*"}},
                                {"options", {{"failByDrop", false}}}}
                               .dump();
    const auto r = run_wsconform({"-m", "fuzzingclient", "-s", spec.string()}, dir_.path());
    EXPECT_EQ(r.code, 3) << r.err;  // nothing listens there
    EXPECT_NE(r.err.find("unknown key \"exclude-case\""), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("unknown key \"agentt\""), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find("options"), std::string::npos) << "Autobahn's own key: " << r.err;
}

// ---- --time-scale ------------------------------------------------------------------------------

class TimeScale : public test_support::ScratchTest {};

TEST_F(TimeScale, StretchesTheCaseTimersAndSaysSo) {
    ASSERT_FALSE(dir_.path().empty());
    test_support::BuggyServer server(test_support::Bug::stall_after_handshake);
    const auto outdir = dir_.path() / "reports";
    // 2.5 against a server that stalls: our kill timer (1 s) ends it; scaled by 3, 3 s.
    const auto r =
        run_wsconform({"test-server", "ws://127.0.0.1:" + std::to_string(server.port()), "--agent",
                       "slow", "--outdir", outdir.string(), "--cases", "2.5", "--time-scale", "3"},
                      dir_.path(), 60s);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE((r.out + r.err).find("every case timer x3"), std::string::npos) << r.out << r.err;
    const auto index = json::parse(test_support::read_text(outdir / "index.json"));
    const auto& entry = index.at("slow").at("2.5");
    EXPECT_GE(entry.at("duration").get<long>(), 3000) << "the 1 s kill timer, times 3";
    const auto report = json::parse(test_support::read_text(outdir / entry.at("reportfile")));
    EXPECT_EQ(report.at("localCloseCode"), 1001) << "still ended by the kill timer";
    EXPECT_NE(report.at("wirelog").dump().find("multiplied by 3 (--time-scale)"),
              std::string::npos);
}

}  // namespace
}  // namespace wsconform
