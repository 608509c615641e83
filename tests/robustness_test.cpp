// The command line against peers that misbehave at the transport level, and against bad
// input: a peer that stalls after the handshake, one that resets the connection mid-case,
// an address where nothing listens, and malformed specs, patterns, URLs and flags. Every run
// must end within its deadlines, with a real exit code (1 failures, 2 usage, 3 unreachable)
// and verdicts or one stderr line that say why. The binary is spawned, so exit codes are real.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/judge.h"
#include "harness/model/timeouts.h"
#include "harness/model/wire_log.h"
#include "tests/support/buggy_server.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/cli_test.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;
using test_support::Bug;
using test_support::BuggyServer;
using test_support::TempDir;

// Runs the wsconform binary with `args` to its end; stdout and stderr go to files in `dir`. A
// child still running after `safety` is killed (the test then fails on the exit code).
test_support::ProgramRun run_wsconform(const std::vector<std::string>& args,
                                       const std::filesystem::path& dir,
                                       std::chrono::milliseconds safety = 60s) {
    return test_support::run_to_end(test_support::wsconform_binary(), args, dir, safety);
}

std::string url_of(std::uint16_t port) {
    return "ws://127.0.0.1:" + std::to_string(port) + "/";
}

std::size_t line_count(const std::string& text) {
    return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

bool contains(const json& value, const std::string& text) {
    return value.is_string() && value.get<std::string>().find(text) != std::string::npos;
}

// Every NOTE row of a case's wire log, joined.
std::string wirelog_notes(const json& report) {
    std::string notes;
    for (const auto& row : report.at("wirelog"))
        if (row.is_array() && !row.empty() && row[0] == "NOTE" && row.size() > 1)
            notes += row[1].get<std::string>() + "\n";
    return notes;
}

class Robustness : public test_support::CliTest {};

// ---- what a case keeps, whatever the peer sends -----------------------------------------------

// A flood of received-octets rows: the log keeps its first and last rows within its byte
// budget, says how many it dropped between, and loses none of the count.
TEST(WireLogBudget, AFloodKeepsTheHeadTheTailAndACount) {
    harness::WireLog log;
    constexpr int kRows = 100000;
    for (int i = 0; i < kRows; ++i) {
        harness::WireRow row;
        row.kind = "RO";
        row.t_us = i;
        row.length = 65536;
        row.excerpt.assign(harness::WireLog::kExcerptBytes, 'x');
        log.add(std::move(row));
    }
    const auto rows = log.rows();
    ASSERT_GT(rows.size(), 3u);
    const auto note = std::find_if(rows.begin(), rows.end(),
                                   [](const harness::WireRow& r) { return r.kind == "NOTE"; });
    ASSERT_NE(note, rows.end());
    EXPECT_NE(note->text.find(std::to_string(log.dropped_rows()) + " further wire log rows"),
              std::string::npos)
        << note->text;
    EXPECT_EQ(rows.front().t_us, 0);
    EXPECT_EQ(rows.back().t_us, kRows - 1);
    EXPECT_EQ(rows.size() - 1 + log.dropped_rows(), static_cast<std::size_t>(kRows));
    const std::size_t kept_bytes =
        rows.size() * (sizeof(harness::WireRow) + harness::WireLog::kExcerptBytes);
    EXPECT_LE(kept_bytes, harness::WireLog::kHeadBytes + harness::WireLog::kTailBytes + 4096);
}

// A remark of the harness between the head and the tail is what explains a long case's
// verdict: it survives the flood around it, in order after the count; a trace (a retold frame)
// goes with the rows it retells; and remarks alone stay within their own budget.
TEST(WireLogBudget, RemarksBetweenHeadAndTailAreKept) {
    harness::WireLog log;
    constexpr int kRows = 20000;
    auto flood = [&](int from, int to) {
        for (int i = from; i < to; ++i) {
            harness::WireRow row;
            row.kind = "RO";
            row.t_us = i;
            row.excerpt.assign(harness::WireLog::kExcerptBytes, 'x');
            log.add(std::move(row));
        }
    };
    flood(0, kRows / 2);
    log.add_trace(kRows / 2, "<- DATA stream=1 length=16384");
    log.add_note(kRows / 2, "connection error: over 100 requests on the case's connection");
    flood(kRows / 2 + 1, kRows);
    const auto rows = log.rows();
    auto text_at = [&](std::string_view text) {
        return std::find_if(rows.begin(), rows.end(), [&](const harness::WireRow& r) {
            return r.kind == "NOTE" && r.text.find(text) != std::string::npos;
        });
    };
    const auto count = text_at("further wire log rows");
    const auto remark = text_at("over 100 requests");
    ASSERT_NE(count, rows.end());
    ASSERT_NE(remark, rows.end());
    EXPECT_LT(count, remark);
    EXPECT_EQ(text_at("<- DATA"), rows.end());
    EXPECT_EQ(rows.back().t_us, kRows - 1);
    // Every row is kept, counted as dropped, or is the count itself.
    EXPECT_EQ(rows.size() - 1 + log.dropped_rows(), static_cast<std::size_t>(kRows + 1));

    harness::WireLog remarks_only;
    for (int i = 0; i < 100000; ++i) remarks_only.add_note(i, "reading paused for 10 ms");
    std::size_t kept_bytes = 0;
    for (const auto& r : remarks_only.rows())
        kept_bytes += sizeof(harness::WireRow) + r.text.size();
    EXPECT_LE(kept_bytes, harness::WireLog::kHeadBytes + harness::WireLog::kMiddleNoteBytes +
                              harness::WireLog::kTailBytes + 4096);
}

// Events past the case's budget make `received` only a beginning: it matches no expectation,
// even one it equals.
TEST(DroppedEvents, NeverMatchAnExpectation) {
    harness::Case c;
    c.id = "0.1";
    c.script = harness::WebSocketScript{};
    harness::Observation o;
    o.was_open = true;
    o.closed_by_me = true;
    o.was_clean = true;
    o.remote_close_code = 1000;
    o.expected = {{harness::Behavior::ok, {harness::text_message("hello")}}};
    o.received = {harness::text_message("hello")};
    EXPECT_EQ(harness::judge(c, o).behavior, harness::Behavior::ok);
    o.received_dropped.count = 1;
    EXPECT_EQ(harness::judge(c, o).behavior, harness::Behavior::failed);
}

// A message cut short differs from the whole one, whatever it begins with.
TEST(DroppedEvents, AMessageCutShortDiffersFromTheWhole) {
    auto cut = harness::binary_message(std::string(10, 'a'));
    cut.omitted = 100;
    cut.sha256 = std::string(64, '0');
    EXPECT_NE(cut, harness::binary_message(std::string(10, 'a')));
    EXPECT_NE(cut, harness::binary_message(std::string(110, 'a')));
}

// ---- peers that misbehave -----------------------------------------------------------------------

TEST_F(Robustness, StallAfterHandshakeEndsWithinTheCaseTimers) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server(Bug::stall_after_handshake);
    // The longest of the three is 6.4.1: timeout A (1 s) + timeout B (1 s) + killAfter (1 s),
    // then our Close goes unanswered for the close handshake timeout. They run at once.
    const harness::Timeouts t;
    const auto longest = 3000ms + t.close_handshake;
    const auto bound = longest + 2000ms;  // process start, probe, report writing
    const auto r =
        run_wsconform({"test-server", url_of(server.port()), "--agent", "stall", "--outdir",
                       outdir().string(), "--cases", "1.1.1", "2.5", "6.4.1", "--quiet"},
                      dir_.path());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_LT(r.seconds, std::chrono::duration<double>(bound).count());
    EXPECT_GE(r.seconds, std::chrono::duration<double>(longest).count() - 0.1)
        << "the case timers must actually run";

    // 1.1.1: no echo, and our Close went unanswered.
    const auto echo = case_report("stall", "1.1.1");
    EXPECT_EQ(echo.at("behavior"), "FAILED");
    EXPECT_EQ(echo.at("behaviorClose"), "UNCLEAN");
    EXPECT_EQ(echo.at("outcome"), "fail");
    EXPECT_TRUE(contains(echo.at("result"), "differ from any expected")) << echo.at("result");
    EXPECT_TRUE(echo.at("wasCloseHandshakeTimeout").get<bool>());
    EXPECT_TRUE(contains(echo.at("wasNotCleanReason"), "closing handshake"))
        << echo.at("wasNotCleanReason");
    EXPECT_TRUE(contains(echo.at("outcomeReason"), "UNCLEAN")) << echo.at("outcomeReason");

    // 2.5: the peer should have failed the connection; our kill timer did.
    const auto ping = case_report("stall", "2.5");
    EXPECT_EQ(ping.at("behavior"), "OK");
    EXPECT_EQ(ping.at("behaviorClose"), "FAILED");
    EXPECT_TRUE(contains(ping.at("resultClose"), "wrong endpoint")) << ping.at("resultClose");
    EXPECT_TRUE(contains(ping.at("outcomeReason"), "behaviorClose FAILED"))
        << ping.at("outcomeReason");
    EXPECT_EQ(ping.at("localCloseCode"), 1001) << "killAfter closes with Going Away";

    // 6.4.1: both waits elapsed with the connection open, and we closed: fatal here.
    const auto utf8 = case_report("stall", "6.4.1");
    EXPECT_EQ(utf8.at("behavior"), "FAILED");
    EXPECT_EQ(utf8.at("behaviorClose"), "FAILED");
    EXPECT_EQ(utf8.at("received"), json::parse(R"([["timeout", "A"], ["timeout", "B"]])"));
    EXPECT_TRUE(contains(utf8.at("outcomeReason"), "both columns failed"))
        << utf8.at("outcomeReason");
}

TEST_F(Robustness, ResetMidCaseIsReportedAsADroppedConnection) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server(Bug::reset_mid_case);
    // 1.1.1 meets the reset, 2.1 (ping only) never does, 5.15 meets it before its bad frame.
    // Nothing waits for a timer but 2.1's pong, which comes at once.
    const auto r =
        run_wsconform({"test-server", url_of(server.port()), "--agent", "reset", "--outdir",
                       outdir().string(), "--cases", "1.1.1", "2.1", "5.15", "--quiet"},
                      dir_.path());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_LT(r.seconds, 3.0);

    const auto echo = case_report("reset", "1.1.1");
    EXPECT_EQ(echo.at("behavior"), "FAILED");
    EXPECT_EQ(echo.at("behaviorClose"), "FAILED");
    EXPECT_EQ(echo.at("outcome"), "fail");
    EXPECT_FALSE(echo.at("closedByMe").get<bool>());
    EXPECT_FALSE(echo.at("wasClean").get<bool>());
    EXPECT_TRUE(contains(echo.at("wasNotCleanReason"), "dropped the TCP connection"))
        << echo.at("wasNotCleanReason");
    const auto notes = wirelog_notes(echo);
    EXPECT_NE(notes.find("reset"), std::string::npos) << notes;

    EXPECT_EQ(case_report("reset", "2.1").at("outcome"), "pass");
    const auto early = case_report("reset", "5.15");
    EXPECT_EQ(early.at("behavior"), "NON-STRICT");
    EXPECT_EQ(early.at("outcome"), "non-strict");
}

TEST_F(Robustness, NothingListeningExitsThreeAtOnce) {
    ASSERT_FALSE(dir_.path().empty());
    // Section 1 only: the report lists every selected case as not run, and writing 500 cases'
    // files and pages on a loaded machine is not what "at once" is about (no connect timeout).
    const auto r = run_wsconform({"test-server", url_of(test_support::closed_port()), "--outdir",
                                  outdir().string(), "--quiet", "--cases", "1.*"},
                                 dir_.path());
    EXPECT_EQ(r.code, 3);
    EXPECT_LT(r.seconds, 1.0);
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
}

// A server that answers the handshake wrongly gets a full report instead (endpoint_test).

// ---- bad input: exit 2 and exactly one line on stderr ------------------------------------------

struct BadInput {
    std::string name;
    std::vector<std::string> args;  // "SPEC" is replaced by the spec file's path
    std::string spec;               // written to SPEC when not empty
    std::string stderr_has;
};

void PrintTo(const BadInput& row, std::ostream* os) {
    *os << row.name;
}

const BadInput kBadInputs[] = {
    {"SpecNotJson", {"-m", "fuzzingclient", "-s", "SPEC"}, "{\"servers\": [", "not valid JSON"},
    {"SpecServersNotAList",
     {"-m", "fuzzingclient", "-s", "SPEC"},
     R"({"servers": {"url": "ws://127.0.0.1:9001"}, "cases": ["*"]})",
     "servers"},
    {"SpecMissing", {"-m", "fuzzingclient", "-s", "/nonexistent/fuzzingclient.json"}, "", "spec"},
    {"CasePatternMatchesNothing",
     {"test-server", "ws://127.0.0.1:9/", "--cases", "99.*"},
     "",
     "99.*"},
    {"HttpUrl", {"test-server", "http://x"}, "", "http://x"},
    {"UrlWithoutHost", {"test-server", "ws://"}, "", "host"},
    {"PortOutOfRange", {"test-server", "ws://h:99999"}, "", "99999"},
    {"ListenNonsense", {"serve", "--listen", "nonsense"}, "", "nonsense"},
    {"UnknownFlag", {"test-server", "ws://127.0.0.1:9/", "--frobnicate"}, "", "--frobnicate"},
    {"JobsZero", {"test-server", "ws://127.0.0.1:9/", "--jobs", "0"}, "", "jobs"},
    {"HeaderWithoutColon", {"test-server", "ws://h/", "--header", "X-A b"}, "", "':'"},
    {"HeaderWithCrLf", {"test-server", "ws://h/", "--header", "X: b\r\nY: c"}, "", "CR, LF"},
    {"HeaderNameNotAToken", {"fuzz", "ws://h/", "--header", "X A: b"}, "", "token"},
    {"HeaderWeSetOurselves", {"fuzz", "ws://h/", "-H", "Sec-WebSocket-Key: x"}, "", "itself"},
    {"SubprotocolNotAToken", {"test-server", "ws://h/", "--subprotocol", "a b"}, "", "a b"},
    {"ProfileUnknown", {"test-server", "ws://h/", "--profile", "chat"}, "", "profile"},
};

class BadInputs : public ::testing::TestWithParam<BadInput> {};

TEST_P(BadInputs, ExitTwoWithOneLine) {
    const auto& row = GetParam();
    TempDir dir;
    ASSERT_FALSE(dir.path().empty());
    const auto spec = dir.path() / "fuzzingclient.json";
    if (!row.spec.empty()) std::ofstream(spec) << row.spec;
    std::vector<std::string> args;
    for (const auto& a : row.args) args.push_back(a == "SPEC" ? spec.string() : a);
    const auto r = run_wsconform(args, dir.path(), 10s);
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_EQ(line_count(r.err), 1u) << r.err;
    EXPECT_TRUE(r.err.starts_with("wsconform: ")) << r.err;
    EXPECT_NE(r.err.find(row.stderr_has), std::string::npos) << r.err;
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_LT(r.seconds, 2.0);
}

INSTANTIATE_TEST_SUITE_P(Cli, BadInputs, ::testing::ValuesIn(kBadInputs),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace wsconform
