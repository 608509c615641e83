// What a report says must be what happened: a timed echo case cut short before its timer
// says how it ended (not "did not finish within 60 seconds"), and a case whose opening
// handshake timed out records the time it spent, not a duration of 0.
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "cases/cut_short.h"
#include "harness/model/judge.h"
#include "protocol/frame.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/scratch_test.h"
#include "tests/support/socket.h"

namespace wsconform {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// ---- a timed case cut short --------------------------------------------------------------------

constexpr const char* kTimerResult = "The 1000 round trips did not finish within 60 seconds.";

struct CutShort {
    const char* name;
    void (*set_up)(harness::Observation&);
    const char* result;  // what the verdict says afterwards
};

void PrintTo(const CutShort& row, std::ostream* os) {
    *os << row.name;
}

const CutShort kCutShort[] = {
    {"WeFailedItOnADeflateBomb",
     [](harness::Observation& o) {
         o.closed_by_me = true;  // as the engine records it: our close frame came first
         o.failed_by_me = true;
         o.local_close_code = 1009;
         o.local_close_reason = "message too big";
     },
     "The connection ended before the time limit, after 41 of the 1000 messages came back: we "
     "failed it with code 1009 (message too big)."},
    {"TheTcpConnectionDropped", [](harness::Observation&) {},
     "The connection ended before the time limit, after 41 of the 1000 messages came back: the "
     "TCP connection dropped."},
    {"OurTimerClosedIt", [](harness::Observation& o) { o.closed_by_me = true; }, kTimerResult},
    {"NeverOpened", [](harness::Observation& o) { o.was_open = false; }, kTimerResult},
};

class CutShortCases : public ::testing::TestWithParam<CutShort> {};

TEST_P(CutShortCases, SayHowTheConnectionEnded) {
    harness::Observation o;
    o.was_open = true;
    o.tx_frames[protocol::opcode::text] = 42;  // the 42nd was in flight
    GetParam().set_up(o);
    harness::Verdict v;
    v.result = kTimerResult;
    cases::explain_cut_short(kTimerResult, protocol::opcode::text, 1000)(o, v);
    EXPECT_EQ(v.result, GetParam().result);
}

INSTANTIATE_TEST_SUITE_P(Wording, CutShortCases, ::testing::ValuesIn(kCutShort),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- an opening handshake that timed out -------------------------------------------------------

// Accepts connections and never says a word.
class SilentServer {
  public:
    SilentServer()
        : acceptor_(16, stop_, [this](int fd) {
              std::lock_guard lock(mu_);
              fds_.push_back(fd);
          }) {}
    ~SilentServer() {
        stop_ = true;
        std::lock_guard lock(mu_);
        for (const int fd : fds_) ::close(fd);
    }
    std::uint16_t port() const { return acceptor_.port(); }

  private:
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::vector<int> fds_;
    test_support::Acceptor acceptor_;
};

class HandshakeTimeout : public test_support::ScratchTest {};

TEST_F(HandshakeTimeout, RecordsTheTimeSpentNotZero) {
    const auto outdir = dir_.path() / "reports";
    SilentServer server;
    ASSERT_FALSE(dir_.path().empty());
    const auto r = test_support::run_to_end(
        test_support::wsconform_binary(),
        {"test-server", "ws://127.0.0.1:" + std::to_string(server.port()), "--agent", "silent",
         "--outdir", outdir.string(), "--cases", "1.1.1", "--quiet"},
        dir_.path(), 60s);
    EXPECT_EQ(r.code, 1) << r.err;
    const auto index = json::parse(test_support::read_text(outdir / "index.json"));
    // The opening handshake timeout is 5 s.
    EXPECT_GE(index.at("silent").at("1.1.1").at("duration").get<long>(), 4900) << index.dump();
}

}  // namespace
}  // namespace wsconform
