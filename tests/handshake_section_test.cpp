// Section 14, the opening handshake (RFC 6455 §4): the catalogue, the judges on hand-made
// exchanges, and whole runs in both roles: our reference echo server and a client of ours
// pass every must-level case; peers with one planted handshake flaw each
// (tests/support/handshake_peers.h) get exactly the verdicts their flaw should cause; and a
// peer that never answers, answers half a status line or sends headers forever gets a verdict
// within the case deadline, in bounded memory.
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cases/registry.h"
#include "harness/echo_server.h"
#include "harness/endpoint.h"
#include "harness/fuzzing_server.h"
#include "harness/model/http_script.h"
#include "harness/model/result.h"
#include "harness/runner.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "tests/support/case_runs.h"
#include "tests/support/handshake_peers.h"

namespace wsconform {
namespace {

using harness::Behavior;
using harness::Case;
using harness::ClientExchange;
using harness::ClientHistory;
using harness::HeadStatus;
using harness::HttpEnd;
using harness::Level;
using harness::Outcome;
using harness::ServerExchange;
using protocol::HandshakeError;
using test_support::ClientFlaw;
using test_support::columns;
using test_support::explain;
using test_support::quick_options;
using test_support::Results;
using test_support::run_client_cases;
using test_support::run_server_cases;
using test_support::select;
using test_support::ServerFlaw;

const Case& get(const std::string& id) {
    const Case* c = cases::find(id);
    if (!c) throw std::runtime_error("no case " + id);
    return *c;
}

// ================================================================ the catalogue

TEST(HandshakeCatalogue, AtLeastFortyCasesInBothRoles) {
    const auto all = select("14.*");
    std::size_t servers = 0, clients = 0;
    for (const auto* c : all) {
        servers += c->http_server_probe() != nullptr;
        clients += c->http_client_probe() != nullptr;
    }
    EXPECT_GE(all.size(), 40u);
    EXPECT_GE(servers, 20u);
    EXPECT_GE(clients, 20u);
}

TEST(HandshakeCatalogue, EveryCaseCitesItsRuleAndHasOneScriptForItsRole) {
    for (const auto* c : select("14.*")) {
        SCOPED_TRACE(c->id);
        const auto sub = c->id.substr(0, c->id.find('.', 3));
        EXPECT_FALSE(c->title.empty());
        EXPECT_FALSE(c->description.empty());
        EXPECT_FALSE(c->expectation.empty());
        EXPECT_FALSE(c->requirement.empty());
        ASSERT_FALSE(c->rfc.empty());
        for (const auto& r : c->rfc) EXPECT_TRUE(r.starts_with("RFC ")) << r;
        EXPECT_TRUE(c->is_handshake_case()) << "handshake cases are raw HTTP only";
        const bool for_servers = sub == "14.1" || sub == "14.2" || sub == "14.3";
        EXPECT_EQ(c->http_server_probe() != nullptr, for_servers);
        EXPECT_EQ(c->http_client_probe() != nullptr, !for_servers);
        if (c->http_server_probe()) {
            EXPECT_TRUE(c->http_server_probe()->request && c->http_server_probe()->judge);
            EXPECT_EQ(c->http_server_probe()->expect_upgrade, sub != "14.2");
        }
        if (c->http_client_probe()) {
            EXPECT_TRUE(c->http_client_probe()->respond && c->http_client_probe()->judge);
        }
    }
}

// The requests are what their titles say: 14.1 passes our own strict request checker, and
// each 14.2 request breaks exactly the rule its case names.
TEST(HandshakeCatalogue, ServerRequestsBreakExactlyTheirRule) {
    const harness::RequestContext context{"127.0.0.1:9001", "/", "AQIDBAUGBwgJCgsMDQ4PEA=="};
    for (const auto* c : select("14.1.*")) {
        SCOPED_TRACE(c->id);
        const auto request = c->http_server_probe()->request(context);
        protocol::HttpMessage m;
        const auto parsed = protocol::parse_http_head(request.head, true, m);
        ASSERT_EQ(parsed.status, protocol::HttpParse::Status::ok);
        EXPECT_EQ(parsed.consumed, request.head.size());
        protocol::UpgradeRequest upgrade;
        EXPECT_FALSE(protocol::check_upgrade_request(m, upgrade));
    }
    const std::map<std::string, HandshakeError> rule = {
        {"14.2.1", HandshakeError::missing_upgrade},
        {"14.2.2", HandshakeError::upgrade_not_websocket},
        {"14.2.3", HandshakeError::connection_without_upgrade},
        {"14.2.4", HandshakeError::connection_without_upgrade},
        {"14.2.5", HandshakeError::missing_key},
        {"14.2.6", HandshakeError::key_not_16_bytes},
        {"14.2.7", HandshakeError::key_not_16_bytes},
        {"14.2.8", HandshakeError::key_not_16_bytes},
        {"14.2.9", HandshakeError::duplicate_key},
        {"14.2.10", HandshakeError::unsupported_version},
        {"14.2.11", HandshakeError::missing_version},
        {"14.2.12", HandshakeError::method_not_get},
        {"14.2.13", HandshakeError::method_not_get},
        {"14.2.14", HandshakeError::http_version_too_old},
        {"14.2.15", HandshakeError::missing_host},
        {"14.2.16", HandshakeError::duplicate_host},
        {"14.2.17", HandshakeError::malformed_http},  // "X : v" is not a field line
        {"14.2.18", HandshakeError::header_too_large},
    };
    for (const auto* c : select("14.2.*")) {
        SCOPED_TRACE(c->id);
        ASSERT_TRUE(rule.count(c->id)) << "no row for " << c->id;
        const auto request = c->http_server_probe()->request(context);
        protocol::HttpMessage m;
        const auto parsed = protocol::parse_http_head(request.head, true, m);
        std::error_code ec = parsed.error;
        if (parsed.status == protocol::HttpParse::Status::ok) {
            protocol::UpgradeRequest upgrade;
            ec = protocol::check_upgrade_request(m, upgrade);
        }
        EXPECT_EQ(ec, rule.at(c->id)) << ec.message();
    }
}

// A case for clients greets with its own ID ("Hello from wsconform, case 14.4.1"): the rows
// name the ID twice, once for the case and once for its answer.
TEST(HandshakeCatalogue, ClientCasesGreetWithTheirOwnId) {
    harness::ClientRequest request;
    request.key = "AQIDBAUGBwgJCgsMDQ4PEA==";
    for (const auto* c : select("14.*")) {
        if (!c->http_client_probe()) continue;
        SCOPED_TRACE(c->id);
        const auto answer = c->http_client_probe()->respond(request);
        ASSERT_FALSE(answer.texts.empty());
        for (const auto& text : answer.texts)
            EXPECT_TRUE(text.starts_with("Hello from wsconform, case " + c->id)) << text;
        if (answer.texts.size() > 1) {
            EXPECT_TRUE(answer.texts[0].ends_with(", message 1")) << answer.texts[0];
        } else {
            EXPECT_EQ(answer.texts[0], "Hello from wsconform, case " + c->id);
        }
    }
}

// ================================================================ the judges, on hand-made
// exchanges

ServerExchange answered(const std::string& head, HttpEnd end) {
    ServerExchange x;
    x.connected = true;
    x.request_written = true;
    x.head = HeadStatus::complete;
    x.head_text = head;
    EXPECT_EQ(protocol::parse_http_head(head, false, x.response).status,
              protocol::HttpParse::Status::ok);
    x.end = end;
    return x;
}

harness::Verdict judged(const std::string& id, const ServerExchange& x) {
    const auto& c = get(id);
    return harness::finish_http_verdict(c.level, c.http_server_probe()->judge(x));
}

TEST(HandshakeJudges, RefusalColumns) {
    struct Row {
        std::string head;
        HttpEnd end;
        std::string want;
        const char* why;
    };
    const std::vector<Row> rows = {
        {"HTTP/1.1 400 Bad Request\r\n\r\n", HttpEnd::peer_closed, "OK / OK", "refused and closed"},
        {"HTTP/1.1 400 Bad Request\r\n\r\n", HttpEnd::we_closed, "OK / OK",
         "kept as a persistent HTTP/1.1 connection"},
        {"HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n", HttpEnd::we_closed, "OK / FAILED",
         "said close, kept it open"},
        {"HTTP/1.1 200 OK\r\n\r\n", HttpEnd::peer_closed, "NON-STRICT / OK",
         "not upgraded, but no 4xx"},
        {"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n", HttpEnd::peer_closed,
         "FAILED / FAILED", "upgraded"},
    };
    for (const auto& row : rows) {
        EXPECT_EQ(columns(judged("14.2.12", answered(row.head, row.end))), row.want) << row.why;
    }
    ServerExchange silent;
    silent.connected = true;
    silent.end = HttpEnd::peer_closed;
    EXPECT_EQ(columns(judged("14.2.12", silent)), "NON-STRICT / OK") << "closed without an answer";
    silent.end = HttpEnd::we_closed;
    EXPECT_EQ(columns(judged("14.2.12", silent)), "FAILED / FAILED") << "never answered";
    silent.head = HeadStatus::partial;
    silent.end = HttpEnd::peer_closed;
    EXPECT_EQ(columns(judged("14.2.12", silent)), "FAILED / OK")
        << "half a status line, then closed";
}

TEST(HandshakeJudges, VersionRefusalNeedsTheVersionHeader) {
    EXPECT_EQ(columns(judged(
                  "14.2.10",
                  answered("HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\n\r\n",
                           HttpEnd::peer_closed))),
              "OK / OK");
    EXPECT_EQ(
        columns(judged("14.2.10",
                       answered("HTTP/1.1 400 Bad Request\r\nSec-WebSocket-Version: 13, 8\r\n\r\n",
                                HttpEnd::peer_closed))),
        "NON-STRICT / OK")
        << "400 with the header: acceptable, but 4.2.2 names 426";
    EXPECT_EQ(columns(judged("14.2.10", answered("HTTP/1.1 426 Upgrade Required\r\n\r\n",
                                                 HttpEnd::peer_closed))),
              "FAILED / OK")
        << "no Sec-WebSocket-Version: 4.2.2 MUST";
    EXPECT_EQ(columns(judged("14.2.15",
                             answered("HTTP/1.1 404 Not Found\r\n\r\n", HttpEnd::peer_closed))),
              "NON-STRICT / OK")
        << "RFC 9112 3.2 names 400";
}

TEST(HandshakeJudges, ShouldLevelFailureIsNonStrictAndInformationalIsForced) {
    harness::Verdict v = harness::make_verdict(Behavior::failed, "x", Behavior::ok, "y");
    auto should = harness::finish_http_verdict(Level::should, v);
    EXPECT_EQ(should.behavior, Behavior::non_strict);
    EXPECT_EQ(should.outcome, Outcome::non_strict);
    auto must = harness::finish_http_verdict(Level::must, v);
    EXPECT_EQ(must.outcome, Outcome::fail);
    EXPECT_NE(must.outcome_reason.find("x"), std::string::npos) << "the reason names what failed";
    auto info = harness::finish_http_verdict(Level::informational, v);
    EXPECT_EQ(columns(info), "INFORMATIONAL / INFORMATIONAL");
    EXPECT_EQ(info.outcome, Outcome::informational);
}

ClientExchange opened_with_masks(std::vector<protocol::MaskKey> masks) {
    ClientExchange x;
    x.response.valid = true;
    x.masks = std::move(masks);
    x.frames = x.masks.size();
    x.we_sent_close = x.peer_sent_close = true;
    x.end = HttpEnd::we_closed;
    return x;
}

TEST(HandshakeJudges, MaskingKeys) {
    const auto& judge = get("14.5.7").http_client_probe()->judge;
    const ClientHistory none;
    auto b = [](const harness::Verdict& v) { return std::string(harness::to_string(v.behavior)); };
    EXPECT_EQ(
        b(judge(opened_with_masks({{1, 2, 3, 4}, {9, 8, 7, 6}, {0x5a, 0x11, 0xc3, 0x07}}), none)),
        "OK");
    EXPECT_EQ(b(judge(opened_with_masks({{1, 2, 3, 4}, {9, 8, 7, 6}, {1, 2, 3, 4}}), none)),
              "FAILED")
        << "a repeat";
    EXPECT_EQ(b(judge(opened_with_masks({{0, 0, 0, 1}, {0, 0, 0, 2}, {0, 0, 0, 3}}), none)),
              "FAILED")
        << "a counter";
    EXPECT_EQ(b(judge(opened_with_masks({{1, 2, 3, 4}, {0, 0, 0, 0}, {7, 7, 7, 7}}), none)),
              "FAILED")
        << "zero key";
    EXPECT_EQ(
        b(judge(opened_with_masks({{0xa0, 1, 2, 3}, {0x0a, 1, 2, 3}, {0xa0, 1, 2, 3}}), none)),
        "FAILED");
    ClientHistory before;
    before.masks = {{9, 8, 7, 6}};
    EXPECT_EQ(
        b(judge(opened_with_masks({{1, 2, 3, 4}, {9, 8, 7, 6}, {0x5a, 0x11, 0xc3, 0x07}}), before)),
        "FAILED")
        << "a key from an earlier connection";
}

TEST(HandshakeJudges, FreshKeys) {
    const auto& judge = get("14.5.6").http_client_probe()->judge;
    auto with_key = [](std::string key) {
        ClientExchange x = opened_with_masks({});
        x.request.key = std::move(key);
        return x;
    };
    auto b = [](const harness::Verdict& v) { return std::string(harness::to_string(v.behavior)); };
    ClientHistory before;
    before.keys = {"q83vEjRWeJASNFZ4kBI0Vg==", "3q2+7wEjRWeJq83vASNFZw=="};
    EXPECT_EQ(b(judge(with_key("m0s7dW5n2TRUv1k0y4cGlA=="), before)), "OK");
    EXPECT_EQ(b(judge(with_key("q83vEjRWeJASNFZ4kBI0Vg=="), before)), "FAILED") << "a repeat";
    EXPECT_EQ(b(judge(with_key("q83vEjRWeJASNFZ4kBI0Vw=="), before)), "FAILED")
        << "15 of 16 octets shared";
    EXPECT_EQ(b(judge(with_key("dGhlIHNhbXBsZSBub25jZQ=="), {})), "FAILED")
        << "the RFC's sample nonce";
    EXPECT_EQ(b(judge(with_key("AAAAAAAAAAAAAAAAAAAAAA=="), {})), "FAILED") << "16 zero octets";
    EXPECT_EQ(b(judge(with_key("m0s7dW5n2TRUv1k0y4cGlA=="), {})), "INFORMATIONAL")
        << "nothing to compare with";
}

TEST(HandshakeJudges, ClientMustSendNoFrameAfterABadHandshake) {
    const auto& judge = get("14.4.1").http_client_probe()->judge;
    ClientExchange x;
    x.response.valid = false;
    x.response.texts = {"hello"};
    x.end = HttpEnd::peer_closed;
    EXPECT_EQ(columns(judge(x, {})), "OK / OK");
    x.frames = 1;
    x.messages = {harness::text_message("hello")};
    EXPECT_EQ(columns(judge(x, {})), "FAILED / OK") << "it echoed";
    x = ClientExchange{};
    x.response.valid = false;
    x.end = HttpEnd::we_closed;
    EXPECT_EQ(columns(judge(x, {})), "OK / FAILED") << "silent, but kept TCP open";
    x.early_frames = x.frames = 2;
    x.end = HttpEnd::peer_closed;
    EXPECT_EQ(columns(judge(x, {})), "OK / OK") << "frames before our answer are 14.5.8's business";
}

// ================================================================ runs

// Every case passes, but should-level ones may be NON-STRICT and informational ones are
// INFORMATIONAL; cases for the other role are not applicable.
void expect_conformant(const Results& results, bool other_role_na = true) {
    for (const auto& [id, r] : results) {
        SCOPED_TRACE(id + ": " + explain(r));
        const bool for_this_role = r.is_server ? r.test->http_client_probe() != nullptr
                                               : r.test->http_server_probe() != nullptr;
        if (!for_this_role) {
            if (other_role_na) {
                EXPECT_EQ(r.verdict.outcome, Outcome::unimplemented);
            }
            continue;
        }
        switch (r.test->level) {
            case Level::must:
                EXPECT_EQ(r.verdict.outcome, Outcome::pass);
                break;
            case Level::should:
                EXPECT_TRUE(r.verdict.outcome == Outcome::pass ||
                            r.verdict.outcome == Outcome::non_strict);
                if (r.verdict.outcome != Outcome::pass)
                    std::cout << "  note: " << id << " " << explain(r) << "\n";
                break;
            case Level::informational:
                EXPECT_EQ(r.verdict.outcome, Outcome::informational);
                break;
        }
    }
}

TEST(HandshakeSection, ReferenceServerPassesEveryMustCase) {
    const auto results = test_support::run_reference_server_cases({"14.*"});
    EXPECT_EQ(results.size(), select("14.*").size());
    expect_conformant(results);
}

TEST(HandshakeSection, ControlServerPassesEverything) {
    test_support::HandshakeServer server(ServerFlaw::none);
    const auto results = run_server_cases(server.port(), {"14.*"});
    for (const auto& [id, r] : results) {
        if (!r.test->http_server_probe()) continue;
        EXPECT_EQ(r.verdict.outcome, Outcome::pass) << id << ": " << explain(r);
    }
}

// A planted flaw: the cases (globs anchored at both ends) it must fail, with their columns;
// every other server case must end as it does against the control.
struct FlawRow {
    ServerFlaw flaw;
    std::vector<std::pair<std::string, std::string>> failing;  // pattern -> "behavior / close"
};

class FlawedServer : public ::testing::TestWithParam<FlawRow> {};

TEST_P(FlawedServer, FailsExactlyTheCasesOfItsFlaw) {
    const auto& row = GetParam();
    test_support::HandshakeServer server(row.flaw);
    const auto results = run_server_cases(server.port(), {"14.*"});
    for (const auto& [id, r] : results) {
        if (!r.test->http_server_probe()) continue;
        SCOPED_TRACE(id + ": " + explain(r));
        const std::pair<std::string, std::string>* hit = nullptr;
        for (const auto& f : row.failing)
            if (cases::pattern_matches_fully(f.first, id)) hit = &f;
        if (!hit) {
            EXPECT_EQ(r.verdict.outcome, Outcome::pass);
            continue;
        }
        EXPECT_EQ(columns(r.verdict), hit->second);
        const auto want = r.test->level == Level::should ? Outcome::non_strict : Outcome::fail;
        EXPECT_EQ(r.verdict.outcome, want);
    }
}

// 14.1's should-level cases fail as NON-STRICT; the must-level ones as FAILED.
const std::vector<std::pair<std::string, std::string>> kEvery141 = {{"14.1.*", "FAILED / OK"},
                                                                    {"14.1.7", "NON-STRICT / OK"},
                                                                    {"14.1.8", "NON-STRICT / OK"},
                                                                    {"14.1.10", "NON-STRICT / OK"},
                                                                    {"14.1.11", "NON-STRICT / OK"}};

std::vector<std::pair<std::string, std::string>> plus(
    std::vector<std::pair<std::string, std::string>> a,
    std::vector<std::pair<std::string, std::string>> b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

INSTANTIATE_TEST_SUITE_P(
    Handshake, FlawedServer,
    ::testing::Values(
        // The accept value is wrong: every case that needs a valid 101 fails, and the two
        // accept checks; refusals and the other response rules are unaffected.
        FlawRow{ServerFlaw::wrong_accept,
                plus(kEvery141, {{"14.3.4", "FAILED / OK"}, {"14.3.5", "FAILED / OK"}})},
        // "mqtt" whatever was offered: a valid 101 never happens, and the subprotocol rules fail.
        FlawRow{ServerFlaw::unoffered_subprotocol, plus(kEvery141, {{"14.3.6", "FAILED / OK"},
                                                                    {"14.3.7", "FAILED / OK"},
                                                                    {"14.3.8", "FAILED / OK"}})},
        // POST and "get" upgraded: only those two refusals fail, in both columns.
        FlawRow{ServerFlaw::upgrade_any_method,
                {{"14.2.12", "FAILED / FAILED"}, {"14.2.13", "FAILED / FAILED"}}}),
    [](const auto& info) { return std::string(test_support::to_string(info.param.flaw)); });

// ---- peers that never finish their answer

struct HangRow {
    ServerFlaw flaw;
    HeadStatus head;
};

class HangingServer : public ::testing::TestWithParam<HangRow> {};

TEST_P(HangingServer, GetsAVerdictWithinTheDeadlineInBoundedMemory) {
    const auto& row = GetParam();
    test_support::HandshakeServer server(row.flaw);
    const auto head_wait = std::chrono::milliseconds(1500);
    const auto started = std::chrono::steady_clock::now();
    const auto results = run_server_cases(server.port(), {"14.1.1"}, quick_options(head_wait));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(results.size(), 1u);
    const auto& r = results.begin()->second;
    EXPECT_EQ(r.verdict.outcome, Outcome::fail) << explain(r);
    EXPECT_EQ(columns(r.verdict), "FAILED / FAILED") << explain(r);
    // The head wait decides, well before the case deadline.
    EXPECT_LT(elapsed, head_wait + std::chrono::milliseconds(1500));
    EXPECT_LE(r.http_response.size(), harness::kMaxHttpHeadBytes + 100);
    EXPECT_LT(server.bytes_written(), 8u << 20) << "we stop reading at the cap";
    EXPECT_NE(r.verdict.result.find("answered"), std::string::npos) << r.verdict.result;
    // The report says what came: nothing, part of a head, or a head over the cap.
    const std::map<HeadStatus, std::string> said = {{HeadStatus::none, "no answer"},
                                                    {HeadStatus::partial, "an incomplete head"},
                                                    {HeadStatus::too_large, "not HTTP/1.x"}};
    EXPECT_NE(r.verdict.result.find(said.at(row.head)), std::string::npos) << r.verdict.result;
}

INSTANTIATE_TEST_SUITE_P(
    Handshake, HangingServer,
    ::testing::Values(HangRow{ServerFlaw::never_answer, HeadStatus::none},
                      HangRow{ServerFlaw::partial_status_line, HeadStatus::partial},
                      HangRow{ServerFlaw::slow_headers, HeadStatus::partial},
                      HangRow{ServerFlaw::headers_forever, HeadStatus::too_large}),
    [](const auto& info) { return std::string(test_support::to_string(info.param.flaw)); });

TEST(HangingServer, EveryRefusalCaseEndsInTime) {
    // 18 refusal cases against a server that never answers, 8 at a time, 1 s head wait each.
    test_support::HandshakeServer server(ServerFlaw::never_answer);
    const auto started = std::chrono::steady_clock::now();
    const auto results =
        run_server_cases(server.port(), {"14.2.*"}, quick_options(std::chrono::milliseconds(1000)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(8));
    for (const auto& [id, r] : results) {
        // A head it cannot parse (14.2.17) or that passes its cap (14.2.18) gets a 400 before
        // the planted flaw: those two pass.
        const bool parse_error = id == "14.2.17" || id == "14.2.18";
        const auto should = r.test->level == Level::should;
        EXPECT_EQ(columns(r.verdict), parse_error ? "OK / OK"
                                      : should    ? "NON-STRICT / FAILED"
                                                  : "FAILED / FAILED")
            << id << ": " << explain(r);
    }
}

// ---- testing clients

TEST(HandshakeSection, ClientOfOursPassesEveryMustCase) {
    const auto results = run_client_cases(ClientFlaw::none, {"14.*"}, "good-client");
    EXPECT_EQ(results.size(), select("14.*").size());
    expect_conformant(results);
    // With the whole section run, 14.5.6 has earlier keys to compare with.
    ASSERT_TRUE(results.count("14.5.6"));
    EXPECT_EQ(results.at("14.5.6").verdict.outcome, Outcome::pass) << explain(results.at("14.5.6"));
}

TEST(HandshakeSection, ClientIgnoringTheAcceptFailsExactlyTheAcceptCases) {
    const auto results = run_client_cases(ClientFlaw::ignore_accept, {"14.[456].*"}, "lax-client");
    // It echoes our message, then waits on a connection it believes open, until we drop it.
    const std::map<std::string, std::pair<std::string, Outcome>> failing = {
        {"14.4.1", {"FAILED / FAILED", Outcome::fail}},
        {"14.4.2", {"FAILED / FAILED", Outcome::fail}},
        {"14.4.3", {"FAILED / FAILED", Outcome::fail}},
        {"14.4.4", {"NON-STRICT / FAILED", Outcome::non_strict}},  // a should-level rule
    };
    for (const auto& [id, r] : results) {
        SCOPED_TRACE(id + ": " + explain(r));
        if (auto it = failing.find(id); it != failing.end()) {
            EXPECT_EQ(columns(r.verdict), it->second.first);
            EXPECT_EQ(r.verdict.outcome, it->second.second);
        } else if (r.test->level == Level::informational) {
            EXPECT_EQ(r.verdict.outcome, Outcome::informational);
        } else {
            EXPECT_EQ(r.verdict.outcome, Outcome::pass);
        }
    }
}

}  // namespace
}  // namespace wsconform
