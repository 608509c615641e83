// `wsconform test-client --http2` against our own client over HTTP/2 (issue 18, "our client
// over h2 passes the client role"): the test driver (tests/support/driver_main.cpp with
// --http2) opens every WebSocket with an extended CONNECT (RFC 8441), over h2c by prior
// knowledge and over TLS with ALPN h2, and passes a slice of sections 1-7. The same port still
// takes HTTP/1.1 upgrades. The planted client that sends its CONNECT before the server's
// SETTINGS is not caught by any of these cases. The whole binary runs, so the outcomes, the
// summary and the exit code are the real ones. Section 17's client cases run against the same
// driver: ours passes them all, the planted client is caught by 17.6.1-17.6.3 (the one rule of
// RFC 8441 §3 it breaks), and without --http2 they are not applicable.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

// A few dozen cases of sections 1-7, each quick: framing, pings, reserved bits, opcodes,
// fragmentation, UTF-8 and the closing handshake; not 7.1.6 (INFORMATIONAL by design), nor the
// octet-wise writes of 3.4 and 4.1.5 (slow on a loaded machine).
const std::vector<std::string> kSlice{
    "1.1.*", "1.2.1", "2.1",   "2.2",   "2.3",   "2.4",   "2.5",   "2.6",   "3.1",  "3.2", "3.3",
    "3.5",   "3.6",   "3.7",   "4.1.1", "4.1.2", "4.1.3", "4.1.4", "4.2.1", "5.1",  "5.2", "5.6",
    "5.8",   "6.1.*", "6.3.*", "7.1.1", "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.3.*"};

struct Run {
    test_support::ProgramRun program;
    std::map<std::string, std::string> outcome;  // case ID -> our outcome (the case's JSON)
    std::string http_request;                    // of the first case
};

Run run_cases(const std::vector<std::string>& cases, const std::vector<std::string>& server_flags,
              const std::string& driver_flags) {
    test_support::TempDir dir;
    const auto outdir = dir.path() / "report";
    std::vector<std::string> args{"test-client", "--listen", "127.0.0.1:0", "--cases"};
    args.insert(args.end(), cases.begin(), cases.end());
    args.insert(args.end(), server_flags.begin(), server_flags.end());
    args.insert(args.end(),
                {"--outdir", outdir.string(), "--run",
                 "'" + test_support::test_driver_binary() + "' {url} {agent} " + driver_flags});
    Run run;
    run.program = test_support::run_to_end(test_support::wsconform_binary(), args, dir.path(), 60s);
    const auto index = json::parse(test_support::read_text(outdir / "index.json"));
    for (const auto& [agent, cases] : index.items())
        for (const auto& [id, entry] : cases.items()) {
            const auto report = json::parse(
                test_support::read_text(outdir / entry.at("reportfile").get<std::string>()));
            run.outcome[id] = report.at("outcome").get<std::string>();
            if (run.http_request.empty()) run.http_request = report.value("httpRequest", "");
        }
    return run;
}

struct Variant {
    const char* name;
    std::vector<std::string> server_flags;
    std::string driver_flags;
    const char* request_fragment;  // in every case's httpRequest
};

class H2ClientMode : public ::testing::TestWithParam<Variant> {};

TEST_P(H2ClientMode, OurClientPassesTheSlice) {
    const auto& v = GetParam();
    auto flags = v.server_flags;
    flags.push_back("--http2");
    const auto run = run_cases(kSlice, flags, v.driver_flags);
    EXPECT_EQ(run.program.code, 0) << run.program.out << run.program.err;
    EXPECT_GE(run.outcome.size(), 40u) << run.program.out << run.program.err;
    for (const auto& [id, outcome] : run.outcome) EXPECT_EQ(outcome, "pass") << id;
    EXPECT_NE(run.http_request.find(v.request_fragment), std::string::npos) << run.http_request;
}

INSTANTIATE_TEST_SUITE_P(
    Transports, H2ClientMode,
    ::testing::Values(Variant{"h2c", {}, "--http2", ":protocol: websocket"},
                      Variant{"h2_over_tls", {"--tls"}, "--http2 --ca {ca}", ":scheme: https"},
                      // The same port still takes HTTP/1.1 upgrades.
                      Variant{"http11_on_the_same_port", {}, "", "Upgrade: websocket"},
                      // The planted RFC 8441 §3 mistake is no fault in sections 1-7.
                      Variant{"connect_before_settings",
                              {},
                              "--http2 --connect-before-settings",
                              ":method: CONNECT"}),
    [](const auto& info) { return std::string(info.param.name); });

// Section 17's client cases (17.6, 17.7), one driver run each, the driver's cases in order and
// one connection each (--parallel 1: the connection a case needs is the one after the last
// /runCase). Every verdict, per case ID.
struct Section17Variant {
    const char* name;
    std::vector<std::string> server_flags;
    std::string driver_flags;
    std::map<std::string, std::string> want;
};

class H2ClientSection17 : public ::testing::TestWithParam<Section17Variant> {};

TEST_P(H2ClientSection17, VerdictsPerCase) {
    const auto& v = GetParam();
    const auto run = run_cases({"17.*"}, v.server_flags, v.driver_flags + " --parallel 1");
    EXPECT_EQ(run.outcome, v.want) << run.program.out << run.program.err;
}

std::map<std::string, std::string> all_17(const char* outcome) {
    std::map<std::string, std::string> out;
    for (const char* id :
         {"17.6.1", "17.6.2", "17.6.3", "17.7.1", "17.7.2", "17.7.3", "17.7.4", "17.7.5"})
        out[id] = outcome;
    return out;
}

std::map<std::string, std::string> planted() {
    auto out = all_17("pass");
    // The same RFC 8441 §3 rule: no extended CONNECT before (or without) the setting.
    out["17.6.1"] = out["17.6.2"] = out["17.6.3"] = "fail";
    return out;
}

INSTANTIATE_TEST_SUITE_P(
    Clients, H2ClientSection17,
    ::testing::Values(
        Section17Variant{"our_client", {"--http2"}, "--http2", all_17("pass")},
        Section17Variant{
            "our_client_over_tls", {"--http2", "--tls"}, "--http2 --ca {ca}", all_17("pass")},
        Section17Variant{
            "connect_before_settings", {"--http2"}, "--http2 --connect-before-settings", planted()},
        // Without --http2 they are not applicable.
        Section17Variant{"http11", {}, "", all_17("unimplemented")}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace wsconform
