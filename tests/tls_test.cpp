// wss:// end to end on loopback: the reference server over TLS gives the verdicts it gives over
// TCP; a client verifies the chain and the name (and skips both only when told); the connect
// override keeps the URL's name for SNI; mTLS; and peers that break the TLS handshake (reset,
// garbage, silence) get a verdict within the case deadline.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "cases/registry.h"
#include "harness/echo_server.h"
#include "harness/endpoint.h"
#include "harness/runner.h"
#include "harness/transport/certificates.h"
#include "harness/transport/tls_context.h"
#include "support/socket.h"

namespace wsconform {
namespace {

using namespace harness;
using namespace std::chrono_literals;
namespace t = harness::transport;

// One CA and a leaf it issued for localhost and 127.0.0.1, made once for the whole file.
struct Pki {
    t::IssuedCertificate ca =
        t::issue_certificate({.common_name = "tls_test CA", .is_ca = true}, nullptr);
    t::IssuedCertificate leaf = t::issue_certificate(
        {.common_name = "localhost", .dns_names = {"localhost"}, .ip_addresses = {"127.0.0.1"}},
        &ca);
    t::IssuedCertificate other_name = t::issue_certificate(
        {.common_name = "service.invalid", .dns_names = {"service.invalid"}}, &ca);
    t::IssuedCertificate client = t::issue_certificate({.common_name = "a client"}, &ca);
};

const Pki& pki() {
    static const Pki instance;
    return instance;
}

t::TlsContextPtr server_context(const t::IssuedCertificate& leaf, std::string client_ca = {}) {
    t::TlsServerSettings settings;
    settings.identity = {leaf.certificate_pem, leaf.private_key_pem};
    settings.client_ca_pem = std::move(client_ca);
    std::string error;
    auto context = t::TlsContext::server(std::move(settings), error);
    EXPECT_TRUE(context) << error;
    return context;
}

t::TlsContextPtr client_context(t::TlsClientSettings settings) {
    std::string error;
    auto context = t::TlsContext::client(settings, error);
    EXPECT_TRUE(context) << error;
    return context;
}

t::TlsContextPtr trusting_client() {
    return client_context({.ca_pem = pki().ca.certificate_pem});
}

Endpoint endpoint(const std::string& url, t::TlsContextPtr tls = nullptr) {
    std::string error;
    auto ep = parse_ws_url(url, error);
    EXPECT_TRUE(ep) << error;
    ep->tls = std::move(tls);
    return *ep;
}

class ReferenceServer {
  public:
    explicit ReferenceServer(t::TlsContextPtr tls) : server_(options(std::move(tls))) {
        server_.listen();
        server_.start_background();
    }
    std::uint16_t port() const { return server_.port(); }
    std::string url(const std::string& host = "127.0.0.1") const {
        return "wss://" + host + ":" + std::to_string(port()) + "/";
    }

  private:
    static EchoServerOptions options(t::TlsContextPtr tls) {
        EchoServerOptions o;
        o.port = 0;
        o.tls = std::move(tls);
        o.handshake_timeout = 2000ms;
        return o;
    }
    EchoServer server_;
};

std::vector<const Case*> select(const std::vector<std::string>& patterns) {
    return cases::select(patterns, {});
}

std::map<std::string, CaseResult> run(const Endpoint& target, const std::vector<const Case*>& cs,
                                      Timeouts timeouts = {}) {
    RunOptions options;
    options.agent = "tls_test";
    options.timeouts = timeouts;
    Runner runner(options);
    std::map<std::string, CaseResult> out;
    runner.run(target, cs, [&](CaseResult&& r) { out.emplace(r.test->id, std::move(r)); });
    return out;
}

std::string verdict(const CaseResult& r) {
    return std::string(to_string(r.verdict.behavior)) + " " +
           std::string(to_string(r.verdict.behavior_close)) + " " +
           std::to_string(r.observation.remote_close_code.value_or(0));
}

TEST(Tls, TheReferenceServerGivesTheSameVerdictsOverWssAsOverWs) {
    ReferenceServer wss(server_context(pki().leaf));
    EchoServerOptions plain_options;
    plain_options.port = 0;
    EchoServer ws(plain_options);
    ws.listen();
    ws.start_background();

    const auto cs = select({"1.*", "2.*", "3.*", "4.*", "5.*", "6.*", "7.*", "10.*"});
    ASSERT_EQ(cs.size(), 247u);
    const auto over_tls = run(endpoint(wss.url(), trusting_client()), cs);
    const auto over_tcp = run(endpoint("ws://127.0.0.1:" + std::to_string(ws.port()) + "/"), cs);
    ASSERT_EQ(over_tls.size(), cs.size());
    for (const auto& [id, r] : over_tcp) {
        EXPECT_EQ(verdict(over_tls.at(id)), verdict(r)) << id;
        EXPECT_NE(r.verdict.behavior, Behavior::failed) << id;
    }
}

TEST(Tls, AClientVerifiesTheChainAndTheName) {
    ReferenceServer server(server_context(pki().leaf));
    RunOptions options;
    // Trusted issuer, name in the certificate: by IP address and by DNS name.
    EXPECT_TRUE(probe(endpoint(server.url(), trusting_client()), options).upgraded);
    EXPECT_TRUE(probe(endpoint(server.url("localhost"), trusting_client()), options).upgraded);

    // The system store does not know our CA.
    const auto untrusted = probe(endpoint(server.url(), client_context({})), options);
    EXPECT_FALSE(untrusted.upgraded);
    EXPECT_NE(untrusted.error.find("certificate verify failed"), std::string::npos)
        << untrusted.error;
    EXPECT_NE(untrusted.error.find("--cafile"), std::string::npos) << untrusted.error;

    // --insecure skips both checks.
    EXPECT_TRUE(probe(endpoint(server.url(),
                               client_context({.verify_chain = false, .verify_hostname = false})),
                      options)
                    .upgraded);
}

TEST(Tls, ACertificateForAnotherNameIsRefused) {
    ReferenceServer server(server_context(pki().other_name));
    const auto r = probe(endpoint(server.url(), trusting_client()), {});
    EXPECT_FALSE(r.upgraded);
    EXPECT_NE(r.error.find("certificate verify failed: IP address mismatch"), std::string::npos)
        << r.error;
}

TEST(Tls, TheConnectOverrideKeepsTheUrlsNameForSniAndVerification) {
    // service.invalid never resolves; the certificate names it and nothing else.
    ReferenceServer server(server_context(pki().other_name));
    auto target =
        endpoint("wss://service.invalid:" + std::to_string(server.port()) + "/", trusting_client());
    EXPECT_FALSE(probe(target, {}).upgraded) << "the name must not resolve";
    target.connect_host = "127.0.0.1";
    target.connect_port = server.port();
    const auto r = probe(target, {});
    EXPECT_TRUE(r.upgraded) << r.error;
    const auto results = run(target, select({"1.1.1"}));
    EXPECT_EQ(results.at("1.1.1").verdict.behavior, Behavior::ok);
    EXPECT_NE(results.at("1.1.1").http_request.find("Host: service.invalid:"), std::string::npos);
}

TEST(Tls, AServerThatRequiresAClientCertificateGetsOne) {
    ReferenceServer server(server_context(pki().leaf, pki().ca.certificate_pem));
    EXPECT_FALSE(probe(endpoint(server.url(), trusting_client()), {}).upgraded);

    const auto dir =
        std::filesystem::temp_directory_path() / ("wsconform-tls-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "client.pem") << pki().client.certificate_pem;
    std::ofstream(dir / "client.key") << pki().client.private_key_pem;
    const auto with_cert = client_context({.ca_pem = pki().ca.certificate_pem,
                                           .client_certificate_file = (dir / "client.pem").string(),
                                           .client_key_file = (dir / "client.key").string()});
    const auto r = probe(endpoint(server.url(), with_cert), {});
    EXPECT_TRUE(r.upgraded) << r.error;
    std::filesystem::remove_all(dir);
}

// A TCP server that accepts and then misbehaves instead of speaking TLS.
class BrokenTlsServer {
  public:
    enum class Mode { reset, garbage, silent };

    explicit BrokenTlsServer(Mode mode)
        : fd_(test_support::listen_loopback(8, port_)), thread_([this, mode] { serve(mode); }) {}
    ~BrokenTlsServer() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    std::string url() const { return "wss://127.0.0.1:" + std::to_string(port_) + "/"; }

  private:
    void serve(Mode mode) {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            test_support::Socket s(::accept(fd_, nullptr, nullptr), &stop_);
            std::string hello;
            s.read_some(hello, test_support::Clock::now() + 2s);
            if (mode == Mode::reset) s.reset();
            if (mode == Mode::garbage) {
                s.write_all("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n",
                            test_support::Clock::now() + 1s);
                s.drain(test_support::Clock::now() + 2s);
            }
            if (mode == Mode::silent) s.drain(test_support::Clock::now() + 10s);
        }
    }

    std::uint16_t port_ = 0;
    int fd_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

class BrokenHandshake : public ::testing::TestWithParam<BrokenTlsServer::Mode> {};

TEST_P(BrokenHandshake, IsAVerdictWithinTheCaseDeadline) {
    BrokenTlsServer server(GetParam());
    Timeouts timeouts;
    timeouts.open_handshake = 1500ms;
    const auto started = std::chrono::steady_clock::now();
    const auto results =
        run(endpoint(server.url(), trusting_client()), select({"1.1.1"}), timeouts);
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_EQ(results.size(), 1u);
    const auto& r = results.at("1.1.1");
    EXPECT_EQ(r.verdict.behavior, Behavior::failed);
    EXPECT_FALSE(r.observation.was_open);
    EXPECT_LT(took, 5s) << r.verdict.result << " / " << r.observation.was_not_clean_reason;
}

INSTANTIATE_TEST_SUITE_P(Tls, BrokenHandshake,
                         ::testing::Values(BrokenTlsServer::Mode::reset,
                                           BrokenTlsServer::Mode::garbage,
                                           BrokenTlsServer::Mode::silent));

TEST(Tls, AServerClosesAClientThatNeverFinishesTheHandshake) {
    ReferenceServer server(server_context(pki().leaf));
    std::string error;
    const int fd =
        test_support::connect_loopback(server.port(), test_support::Clock::now() + 2s, error);
    ASSERT_GE(fd, 0) << error;
    test_support::Socket s(fd);
    // Silent for longer than the server's 2 s handshake deadline: it must hang up on us.
    std::string got;
    const auto started = test_support::Clock::now();
    while (s.read_some(got, test_support::Clock::now() + 6s) == test_support::Socket::Read::data) {
    }
    EXPECT_LT(test_support::Clock::now() - started, 5s);
}

}  // namespace
}  // namespace wsconform
