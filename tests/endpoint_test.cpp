// What a deployed endpoint needs from `test-server` and `fuzz`: the headers it asks for
// (--header, --origin, --subprotocol) and the URL's path and query, sent as given, with the
// credentials among them kept out of every report; and a handshake answered wrongly is a
// verdict (a full report, section 14 saying what was wrong, exit 1), while a target that
// cannot be connected to at all exits 3. The binary is spawned, so exit codes are real.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/endpoint.h"
#include "harness/live_fuzz.h"
#include "protocol/hex.h"
#include "tests/support/buggy_server.h"
#include "tests/support/child_process.h"
#include "tests/support/cli_test.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using test_support::BuggyServer;
using namespace std::chrono_literals;
namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view kToken = "Bearer s3cr3t-t0ken";
constexpr std::string_view kCookie = "session=c00kie-value";

std::string url_of(std::uint16_t port, const std::string& target = "/") {
    return "ws://127.0.0.1:" + std::to_string(port) + target;
}

// Every file under `dir`, read whole, with its path: where a secret must not be.
std::vector<std::pair<fs::path, std::string>> every_file(const fs::path& dir) {
    std::vector<std::pair<fs::path, std::string>> out;
    for (const auto& entry : fs::recursive_directory_iterator(dir))
        if (entry.is_regular_file())
            out.emplace_back(entry.path(), test_support::read_text(entry.path()));
    return out;
}

class DeployedEndpoint : public test_support::CliTest {};

// ---- headers, path and query, redaction ----------------------------------------------------

TEST_F(DeployedEndpoint, HeadersPathAndQueryReachTheServerAndNoReportShowsTheSecrets) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server({.required_header = "Authorization: " + std::string(kToken)});
    const auto r = wsconform({"test-server",   url_of(server.port(), "/api/v1/ws?room=7&x=%20y"),
                              "--agent",       "guarded",
                              "--cases",       "1.1.1",
                              "2.1",           "7.1.2",
                              "14.3.1",        "14.2.1",
                              "--header",      "Authorization: " + std::string(kToken),
                              "--header",      "Cookie: " + std::string(kCookie),
                              "--origin",      "https://app.example",
                              "--subprotocol", "chat,v2.json",
                              "--subprotocol", "mqtt",
                              "--color",       "always"});
    EXPECT_EQ(r.code, 0) << r.out << r.err;

    // On the wire: everything as given, the secrets whole.
    const auto request = server.last_request();
    EXPECT_TRUE(request.starts_with("GET /api/v1/ws?room=7&x=%20y HTTP/1.1\r\n")) << request;
    for (const std::string& line :
         {"Authorization: " + std::string(kToken), "Cookie: " + std::string(kCookie),
          std::string("Origin: https://app.example"),
          std::string("Sec-WebSocket-Protocol: chat, v2.json, mqtt")})
        EXPECT_NE(request.find(line + "\r\n"), std::string::npos) << line << "\n" << request;

    // In the reports and the terminal: the values redacted.
    for (const auto& [path, text] : every_file(outdir())) {
        EXPECT_EQ(text.find("s3cr3t"), std::string::npos) << path;
        EXPECT_EQ(text.find("c00kie"), std::string::npos) << path;
    }
    EXPECT_EQ(r.out.find("s3cr3t"), std::string::npos) << r.out;
    EXPECT_EQ(r.err.find("s3cr3t"), std::string::npos) << r.err;
    for (const char* id : {"1.1.1", "14.3.1"}) {
        const auto report = case_report("guarded", id);
        const auto sent = report.at("httpRequest").get<std::string>();
        EXPECT_NE(sent.find("Authorization: <redacted>"), std::string::npos) << id << sent;
        EXPECT_NE(sent.find("Cookie: <redacted>"), std::string::npos) << id << sent;
        EXPECT_NE(sent.find("Origin: https://app.example"), std::string::npos) << id << sent;
        EXPECT_NE(sent.find("GET /api/v1/ws?room=7&x=%20y HTTP/1.1"), std::string::npos) << sent;
        EXPECT_EQ(report.at("outcome"), "pass") << id;
    }
}

TEST_F(DeployedEndpoint, WithoutTheHeaderTheServerRefusesAndEveryCaseSaysSo) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server({.required_header = "Authorization: " + std::string(kToken)});
    const auto r = wsconform({"test-server", url_of(server.port()), "--agent", "guarded", "--cases",
                              "1.1.1", "--header", "Authorization: Bearer wrong", "--quiet"});
    EXPECT_EQ(r.code, 1) << r.err;  // a verdict, not "unreachable"
    EXPECT_NE(r.err.find("status 403"), std::string::npos) << r.err;
    const auto report = case_report("guarded", "1.1.1");
    EXPECT_EQ(report.at("outcome"), "fail");
    EXPECT_NE(report.at("result").get<std::string>().find("the server answered 403"),
              std::string::npos)
        << report.at("result");
}

// ---- a broken handshake is a verdict -------------------------------------------------------

TEST_F(DeployedEndpoint, AWrongAcceptGetsAFullReportWithSectionFourteen) {
    ASSERT_FALSE(dir_.path().empty());
    BuggyServer server(test_support::Bug::wrong_accept);
    const auto r = wsconform({"test-server", url_of(server.port()), "--agent", "wrong-accept",
                              "--cases", "1.1.*", "2.1", "7.7.1", "14.*", "--quiet"},
                             120s);
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("Sec-WebSocket-Accept"), std::string::npos) << r.err;
    ASSERT_TRUE(fs::exists(outdir() / "index.json"));
    const auto cases = index().at("wrong-accept");
    EXPECT_GT(cases.size(), 30u);
    // Every case outside section 14 fails, saying what was wrong with the handshake.
    for (const char* id : {"1.1.1", "1.1.8", "2.1", "7.7.1"}) {
        const auto report = case_report("wrong-accept", id);
        EXPECT_EQ(report.at("outcome"), "fail") << id;
        EXPECT_NE(report.at("result").get<std::string>().find("Sec-WebSocket-Accept"),
                  std::string::npos)
            << id << ": " << report.at("result");
    }
    // Section 14 judges the answer: a valid request answered with a wrong accept fails, a
    // request the server refuses as it should passes.
    const auto accepts = case_report("wrong-accept", "14.1.1");
    EXPECT_EQ(accepts.at("outcome"), "fail");
    EXPECT_NE(accepts.at("result").get<std::string>().find("Accept"), std::string::npos)
        << accepts.at("result");
    EXPECT_EQ(case_report("wrong-accept", "14.2.1").at("outcome"), "pass");
    // The views are written too.
    const auto junit = test_support::read_text(outdir() / "junit.xml");
    EXPECT_NE(junit.find("14.1.1"), std::string::npos);
    EXPECT_TRUE(fs::exists(outdir() / "index.html"));
}

TEST_F(DeployedEndpoint, NothingListeningStillExitsThreeWithAReportSayingSo) {
    ASSERT_FALSE(dir_.path().empty());
    const auto r = wsconform(
        {"test-server", url_of(test_support::closed_port()), "--quiet", "--cases", "1.1.*"});
    EXPECT_EQ(r.code, 3);
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
    // The report agrees: no case ran, each for want of a connection (docs/reports.md).
    const auto idx = index();
    ASSERT_EQ(idx.size(), 1u);
    EXPECT_EQ(idx.begin()->size(), 8u);
    for (const auto& [id, entry] : idx.begin()->items())
        EXPECT_EQ(entry.at("outcome"), "not-run") << id;
    const auto junit = test_support::read_text(outdir() / "junit.xml");
    EXPECT_NE(junit.find("tests=\"8\" failures=\"0\" errors=\"8\""), std::string::npos) << junit;
}

// ---- the live fuzzer ---------------------------------------------------------------------------

harness::Endpoint endpoint_of(const std::string& url) {
    std::string error;
    return harness::parse_ws_url(url, error).value();
}

TEST(LiveFuzzHeaders, EveryRequestCarriesThemAndFindingFilesHideTheSecrets) {
    const auto ep = endpoint_of("ws://127.0.0.1:9/ws?k=1");
    const std::vector<std::string> headers{"Authorization: " + std::string(kToken),
                                           "Sec-WebSocket-Protocol: graphql-ws"};
    harness::LiveFinding finding;
    finding.kind = harness::FindingKind::hang;
    finding.url = ep.url;
    for (std::uint64_t i = 0; i < 200; ++i) {
        auto in = harness::generate_live_input(5, i, ep, headers);
        EXPECT_NE(in.handshake.find("Authorization: " + std::string(kToken)), std::string::npos)
            << i << ": " << in.description;
        if (in.handshake_valid) {
            EXPECT_EQ(in.offered_protocols, std::vector<std::string>{"graphql-ws"}) << i;
            EXPECT_NE(in.handshake.find("GET /ws?k=1 HTTP/1.1\r\n"), std::string::npos) << i;
        }
        finding.inputs.push_back(std::move(in));
    }
    // Without headers the inputs are what they always were.
    EXPECT_EQ(harness::generate_live_input(5, 3, ep).handshake.find("Authorization"),
              std::string::npos);

    const auto text = harness::finding_to_json(finding);
    EXPECT_EQ(text.find(protocol::hex_encode("s3cr3t-t0ken")), std::string::npos);
    const auto read = harness::finding_from_json(text);
    for (const auto& in : read.inputs)
        EXPECT_NE(in.handshake.find("Authorization: <redacted>"), std::string::npos);
}

TEST(LiveFuzzHeaders, ReplayPutsTheGivenSecretBack) {
    BuggyServer server({.required_header = "Authorization: " + std::string(kToken)});
    const auto ep = endpoint_of(url_of(server.port()));
    const std::vector<std::string> headers{"Authorization: " + std::string(kToken)};
    harness::LiveFinding finding;
    finding.kind = harness::FindingKind::violation;
    finding.url = ep.url;
    for (std::uint64_t i = 0; finding.inputs.empty(); ++i) {
        auto in = harness::generate_live_input(9, i, ep, headers);
        if (in.handshake_valid) finding.inputs.push_back(std::move(in));
    }
    const auto saved = harness::finding_from_json(harness::finding_to_json(finding));
    harness::LiveFuzzOptions options;
    options.endpoint = ep;
    options.timeout = 2000ms;
    options.extra_headers = headers;
    harness::replay_live_finding(saved, options);
    EXPECT_NE(server.last_request().find("Authorization: " + std::string(kToken) + "\r\n"),
              std::string::npos)
        << server.last_request();
}

}  // namespace
}  // namespace wsconform
