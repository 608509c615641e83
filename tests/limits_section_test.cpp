// Section 15, groups 15.1-15.3 (compression, lengths, floods) and the machinery every
// section-15 case runs on (harness/model/limits.h): the catalogue's shape and the opt-in rule;
// the deflate bomb's octets; our reference server passing every case; and weak peers
// (tests/support/hostile_peer.py `server limits FLAW`), each flagged by its own case and by no
// other, one of them crashing, after which the rest of the run is reported not run.
#include <gtest/gtest.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cases/registry.h"
#include "cases/s15_limits/probe.h"
#include "cli/case_selection.h"
#include "harness/echo_server.h"
#include "harness/runner.h"
#include "tests/support/case_runs.h"
#include "tests/support/child_process.h"
#include "tests/support/handshake_peers.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using harness::Outcome;
using test_support::explain;
using test_support::Results;

const std::vector<std::string> kGroups{"15.1.*", "15.2.*", "15.3.*"};

// Short bounds: "promptly" is 0.5 s, a missing limit 128 MiB (our server's limit is 64 MiB, the
// weak peers' 1 MiB: both refuse a frame declaring more at its header).
harness::RunOptions limit_options() {
    auto options = test_support::quick_options();
    options.limits.prompt = std::chrono::milliseconds(500);
    options.limits.missing_limit_bytes = 128u << 20;
    return options;
}

// Every case of `patterns` against ws://127.0.0.1:port/, the not-run ones included.
Results run_limits(std::uint16_t port, const std::vector<std::string>& patterns) {
    std::string error;
    const auto endpoint =
        harness::parse_ws_url("ws://127.0.0.1:" + std::to_string(port) + "/", error);
    Results results;
    if (!endpoint) return results;
    harness::Runner runner(limit_options());
    runner.run(*endpoint, cases::select(patterns, {}),
               [&](harness::CaseResult&& r) { results.emplace(r.test->id, std::move(r)); });
    return results;
}

TEST(LimitsSection, CasesCiteTheRfcAndRunAloneAndOnlyWhenAskedFor) {
    const auto cases = cases::select(kGroups, {});
    ASSERT_GE(cases.size(), 9u);
    for (const auto* c : cases) {
        SCOPED_TRACE(c->id);
        // 15.1.3 onwards (RFC 7692 parameter edge cases) are raw-HTTP probes of one request or
        // one answer: they cannot crash a peer, so they run like section 14's cases.
        EXPECT_EQ(c->can_crash_peer, c->websocket() != nullptr);
        ASSERT_FALSE(c->rfc.empty());
        EXPECT_FALSE(c->requirement.empty());
        EXPECT_FALSE(c->expectation.empty());
    }
    // What `wsconform test-server URL` runs without --cases, and with --cases '1*': section 18
    // but nothing of section 15.
    for (const std::vector<std::string>& patterns : {std::vector<std::string>{"*"}, {"1*"}}) {
        cli::CaseSelection selection;
        selection.cases = patterns;
        const auto selected = cli::select_cases(selection, cli::Tested::server);
        std::size_t fifteen = 0, eighteen = 0;
        for (const auto* c : selected) {
            fifteen += c->id.starts_with("15.");
            eighteen += c->id.starts_with("18.");
        }
        EXPECT_EQ(fifteen, 0u) << patterns.front();
        EXPECT_GT(eighteen, 0u) << patterns.front();
    }
}

// The bomb inflates (zlib, raw deflate, the flush's 00 00 ff ff put back) to what it says,
// zeros only, at about 1032:1.
TEST(LimitsSection, DeflateBombInflatesToWhatItSays) {
    for (const std::uint64_t size : {259ull, 1ull << 20, 64ull << 20}) {
        SCOPED_TRACE(size);
        std::string bomb = cases::limits::deflate_bomb(size);
        EXPECT_LT(bomb.size(), size / 1000 + 64);
        bomb += std::string("\x00\x00\xff\xff", 4);
        z_stream z{};
        ASSERT_EQ(inflateInit2(&z, -15), Z_OK);
        z.next_in = reinterpret_cast<Bytef*>(bomb.data());
        z.avail_in = static_cast<uInt>(bomb.size());
        std::vector<unsigned char> out(1 << 20);
        std::uint64_t total = 0;
        bool zeros = true;
        int rc = Z_OK;
        while (rc == Z_OK && (z.avail_in > 0 || z.avail_out == 0)) {
            z.next_out = out.data();
            z.avail_out = static_cast<uInt>(out.size());
            rc = inflate(&z, Z_SYNC_FLUSH);
            const auto n = out.size() - z.avail_out;
            for (std::size_t i = 0; i < n; ++i) zeros = zeros && out[i] == 0;
            total += n;
            if (n == 0) break;
        }
        inflateEnd(&z);
        EXPECT_TRUE(rc == Z_OK || rc == Z_BUF_ERROR) << rc;
        EXPECT_EQ(total, cases::limits::deflate_bomb_size(size));
        EXPECT_GE(total, size);
        EXPECT_TRUE(zeros);
    }
}

TEST(LimitsSection, ReferenceServerPassesEveryCase) {
    harness::EchoServerOptions options;
    options.port = 0;
    harness::EchoServer server(options);
    server.listen();
    server.start_background();
    const auto results = run_limits(server.port(), kGroups);
    server.stop();
    EXPECT_EQ(results.size(), cases::select(kGroups, {}).size());
    for (const auto& [id, r] : results) {
        // 15.1.7 onwards test clients: not applicable here.
        const auto want = r.test->http_client_probe() ? Outcome::unimplemented : Outcome::pass;
        EXPECT_EQ(r.verdict.outcome, want) << id << ": " << explain(r);
    }
}

// tests/support/hostile_peer.py `server limits FLAW`, on an ephemeral port.
class WeakPeer {
  public:
    explicit WeakPeer(const std::string& flaw)
        : process_("/usr/bin/env",
                   {"python3", std::string(WSCONFORM_SOURCE_DIR) + "/tests/support/hostile_peer.py",
                    "server", "limits", (dir_.path() / "port").string(), flaw},
                   dir_.path(), "peer") {
        for (int i = 0; i < 300 && port_ == 0; ++i) {
            std::ifstream in(dir_.path() / "port");
            if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    std::uint16_t port() const { return port_; }

  private:
    test_support::TempDir dir_;
    test_support::ChildProcess process_;
    std::uint16_t port_ = 0;
};

TEST(LimitsSection, EachPlantedWeaknessIsFlaggedByItsCaseOnly) {
    // flaw -> the cases it must fail; the five peers run at once, each run one case at a time.
    const std::map<std::string, std::set<std::string>> flaws{
        {"inflate-unagreed", {"15.1.2"}},
        {"sign-bit-length", {"15.2.1"}},
        {"fragments-crash", {"15.3.1"}},
        {"deflate-echo-offer", {"15.1.3", "15.1.4"}}};
    std::map<std::string, std::future<Results>> runs;
    for (const std::string flaw :
         {"none", "inflate-unagreed", "sign-bit-length", "fragments-crash", "deflate-echo-offer"})
        runs[flaw] = std::async(std::launch::async, [flaw] {
            WeakPeer peer(flaw);
            EXPECT_NE(peer.port(), 0) << flaw;
            return run_limits(peer.port(), kGroups);
        });
    const Results control = runs["none"].get();
    ASSERT_EQ(control.size(), cases::select(kGroups, {}).size());
    for (const auto& [id, r] : control)
        EXPECT_NE(r.verdict.outcome, Outcome::fail) << "control " << id << ": " << explain(r);

    for (const auto& [flaw, flagged_by] : flaws) {
        SCOPED_TRACE(flaw);
        const Results weak = runs[flaw].get();
        ASSERT_EQ(weak.size(), control.size());
        bool down = false;  // past the crash: not run
        for (const auto& [id, r] : weak) {
            SCOPED_TRACE(id + ": " + explain(r));
            if (flagged_by.contains(id)) {
                EXPECT_EQ(r.verdict.outcome, Outcome::fail);
                down = flaw == "fragments-crash";
                if (down) {
                    EXPECT_NE(r.verdict.result.find("went down"), std::string::npos);
                }
            } else if (down) {
                EXPECT_EQ(r.verdict.outcome, Outcome::not_run);
                EXPECT_NE(r.verdict.result.find("during case 15.3.1"), std::string::npos);
            } else {
                EXPECT_EQ(r.verdict.outcome, control.at(id).verdict.outcome)
                    << "control " << explain(control.at(id));
            }
        }
    }
}

// 15.1.7-15.1.9 (testing a client): a client offering permessage-deflate that checks the
// response's parameters passes each; one taking any parameters fails each (the support client
// echoes our greeting once it believes the connection open).
TEST(LimitsSection, ClientsAreJudgedOnTheDeflateParametersTheyAccept) {
    using test_support::ClientFlaw;
    const std::vector<std::string> answers{"15.1.7", "15.1.8", "15.1.9"};
    const auto strict =
        test_support::run_client_cases(ClientFlaw::offers_deflate, answers, "strict");
    const auto lax =
        test_support::run_client_cases(ClientFlaw::any_deflate_parameters, answers, "lax");
    ASSERT_EQ(strict.size(), 3u);
    ASSERT_EQ(lax.size(), 3u);
    for (const auto& [id, r] : strict)
        EXPECT_EQ(r.verdict.outcome, Outcome::pass) << id << ": " << explain(r);
    for (const auto& [id, r] : lax)
        EXPECT_EQ(r.verdict.outcome, Outcome::fail) << id << ": " << explain(r);
}

}  // namespace
}  // namespace wsconform
