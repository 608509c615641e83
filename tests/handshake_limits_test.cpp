// Section 15.4-15.6 (the opening handshake, Origin, a proxy in front): our reference server
// and a client of ours pass; each server with one planted weakness (tests/support/
// handshake_peers.h) is flagged by its case, with the outcome the issue asks for, and by no
// other case of these groups, compared with the same server without the weakness. Each case
// runs alone against a fresh server: a planted crash must not spill into the next case, and
// the timing cases (15.4.4-6) must not share the machine (CTest RUN_SERIAL).
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "cases/registry.h"
#include "harness/echo_server.h"
#include "harness/model/http_script.h"
#include "tests/support/case_runs.h"

namespace wsconform {
namespace {

using harness::Outcome;
using std::chrono::milliseconds;
using test_support::explain;
using test_support::HandshakeServer;
using test_support::ServerFlaw;

// The quick server-side cases of 15.4 (slowloris has its own tests) and 15.6.
const std::vector<std::string> kQuickIds{"15.4.1", "15.4.2", "15.4.3",
                                         "15.4.5", "15.4.6", "15.6.1"};
constexpr const char* kTrusted = "https://app.wsconform.example";

// Section 15's settings for one test, back to the defaults afterwards.
class Settings {
  public:
    explicit Settings(harness::SecuritySettings s) { harness::set_security_settings(std::move(s)); }
    ~Settings() { harness::set_security_settings({}); }
};

harness::SecuritySettings quick_slowloris() {
    harness::SecuritySettings s;
    s.slowloris_connections = 4;
    s.slowloris_deadline = milliseconds(2500);
    return s;
}

harness::CaseResult run_alone(std::uint16_t port, const std::string& id) {
    auto results = test_support::run_server_cases(port, {id});
    EXPECT_EQ(results.count(id), 1u) << id;
    return results.count(id) ? results.at(id) : harness::CaseResult{};
}

harness::CaseResult run_on_fresh(ServerFlaw flaw, const std::string& id,
                                 milliseconds head_wait = milliseconds(5000)) {
    HandshakeServer server(flaw, head_wait);
    return run_alone(server.port(), id);
}

// The control server's outcomes, each case once per test program.
const std::map<std::string, Outcome>& control_outcomes() {
    static const auto outcomes = [] {
        std::map<std::string, Outcome> out;
        for (const auto& id : kQuickIds) {
            const auto r = run_on_fresh(ServerFlaw::none, id);
            EXPECT_EQ(r.verdict.outcome, Outcome::pass) << id << " control: " << explain(r);
            out[id] = r.verdict.outcome;
        }
        return out;
    }();
    return outcomes;
}

struct FlawRow {
    ServerFlaw flaw;
    std::map<std::string, Outcome> flagged;  // the cases that must notice it, and how
};

void PrintTo(const FlawRow& row, std::ostream* os) {
    *os << test_support::to_string(row.flaw);
}

class PlantedWeakness : public testing::TestWithParam<FlawRow> {};

TEST_P(PlantedWeakness, IsFlaggedByItsCaseAndNoOther) {
    const auto& row = GetParam();
    for (const auto& id : kQuickIds) {
        const auto r = run_on_fresh(row.flaw, id);
        SCOPED_TRACE(id + ": " + explain(r));
        const auto flagged = row.flagged.find(id);
        EXPECT_EQ(r.verdict.outcome,
                  flagged != row.flagged.end() ? flagged->second : control_outcomes().at(id));
    }
}

INSTANTIATE_TEST_SUITE_P(
    HandshakeLimits, PlantedWeakness,
    testing::Values(FlawRow{ServerFlaw::crashes_past_2000_headers, {{"15.4.3", Outcome::fail}}},
                    FlawRow{ServerFlaw::no_header_limit,
                            {{"15.4.1", Outcome::warning}, {"15.4.2", Outcome::warning}}},
                    FlawRow{ServerFlaw::quadratic_protocols, {{"15.4.5", Outcome::fail}}}),
    [](const testing::TestParamInfo<FlawRow>& info) {
        return std::string(test_support::to_string(info.param.flaw));
    });

TEST(HandshakeLimits, SlowlorisPassesAServerWithAHandshakeDeadline) {
    Settings settings(quick_slowloris());
    const auto r = run_on_fresh(ServerFlaw::none, "15.4.4", milliseconds(1000));
    EXPECT_EQ(r.verdict.outcome, Outcome::pass) << explain(r);
}

TEST(HandshakeLimits, SlowlorisWarnsOfAServerWithoutOne) {
    Settings settings(quick_slowloris());
    const auto r = run_on_fresh(ServerFlaw::no_handshake_deadline, "15.4.4");
    EXPECT_EQ(r.verdict.outcome, Outcome::warning) << explain(r);
    EXPECT_NE(r.verdict.result.find("4 of 4 slow connections were still open"), std::string::npos)
        << r.verdict.result;
}

TEST(HandshakeLimits, ReferenceServerPassesEveryServerCase) {
    auto s = quick_slowloris();
    s.allowed_origins = {kTrusted};
    Settings settings(s);
    harness::EchoServerOptions options;
    options.port = 0;
    options.handshake_timeout = milliseconds(1000);
    options.allowed_origins = {kTrusted};
    harness::EchoServer server(options);
    server.listen();
    server.start_background();
    for (const auto* c : test_support::select("15.*")) {
        if (!c->http_server_probe() || !(c->id.starts_with("15.4.") || c->id.starts_with("15.5.") ||
                                         c->id.starts_with("15.6.")))
            continue;
        const auto r = run_alone(server.port(), c->id);
        // No Origin at all is never a policy matter (a non-browser client).
        const auto expected = c->id == "15.5.3" ? Outcome::informational : Outcome::pass;
        EXPECT_EQ(r.verdict.outcome, expected) << c->id << ": " << explain(r);
    }
    server.stop();
}

TEST(HandshakeLimits, ClientOfOursPassesTheClientCases) {
    const auto results = test_support::run_client_cases(test_support::ClientFlaw::none,
                                                        {"15.4.7", "15.4.8"}, "good-client");
    ASSERT_EQ(results.size(), 2u);
    for (const auto& [id, r] : results)
        EXPECT_EQ(r.verdict.outcome, Outcome::pass) << id << ": " << explain(r);
}

// A server that checks no Origin: with a stated policy every foreign variant fails and the
// request without Origin stays informational; without a policy every case is informational.
TEST(HandshakeLimits, AnyOriginServerFailsEveryDisallowedOriginOnlyWithAPolicy) {
    HandshakeServer server(ServerFlaw::none);
    {
        harness::SecuritySettings s;
        s.allowed_origins = {kTrusted};
        Settings settings(s);
        const auto results = test_support::run_server_cases(server.port(), {"15.5.*"});
        ASSERT_EQ(results.size(), 8u);
        for (const auto& [id, r] : results)
            EXPECT_EQ(r.verdict.outcome, id == "15.5.3" ? Outcome::informational : Outcome::fail)
                << id << ": " << explain(r);
    }
    const auto results = test_support::run_server_cases(server.port(), {"15.5.*"});
    for (const auto& [id, r] : results) {
        EXPECT_EQ(r.verdict.outcome, Outcome::informational) << id << ": " << explain(r);
        EXPECT_NE(r.verdict.result.find("accepted"), std::string::npos) << r.verdict.result;
    }
}

TEST(HandshakeLimits, OptInOnly) {
    const std::vector<std::string> everything{"*"}, ones{"1*"};
    for (const auto& patterns : {everything, ones})
        for (const auto* c : cases::select(patterns, {}))
            EXPECT_FALSE(c->id.starts_with("15.")) << c->id;
    EXPECT_EQ(test_support::select("15.4.*").size(), 8u);
    EXPECT_EQ(test_support::select("15.5.*").size(), 8u);
    EXPECT_EQ(test_support::select("15.6.*").size(), 1u);
}

}  // namespace
}  // namespace wsconform
