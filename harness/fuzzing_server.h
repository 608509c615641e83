// Testing WebSocket clients, as Autobahn's fuzzingserver does: clients under test connect and
// drive the run with Autobahn's URL protocol (/getCaseCount, /runCase, /getCaseInfo,
// /getCaseStatus, /updateReports, /stopServer), and each /runCase plays one case with us as
// the server. It faces untrusted clients: requests, connections and names are capped, and
// agent names reach the file system only through the report writer's sanitizer.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/limits.h"
#include "harness/model/result.h"
#include "harness/model/timeouts.h"
#include "harness/transport/tls_context.h"

namespace wsconform::harness {

struct FuzzingServerOptions {
    std::string host = "127.0.0.1";
    std::uint16_t port = 9001;  // 0: ephemeral
    // Autobahn checks that the Host header names the port it listens on (a client behind a
    // port mapping must send the right one). Off: accept any Host.
    bool check_host_port = true;
    std::size_t max_connections = 256;
    std::size_t max_request_bytes = 16 * 1024;
    std::size_t max_agent_chars = 200;
    std::chrono::milliseconds request_timeout{10000};
    std::chrono::milliseconds status_wait{60000};  // /getCaseStatus waits at most this long
    Timeouts timeouts;
    std::size_t max_message = 64u << 20;
    // Section 15's thresholds (harness/model/limits.h), handed to every case.
    LimitThresholds limits;
    // Stop once this many distinct agents called /updateReports (0: never).
    std::size_t exit_after_agents = 0;
    unsigned threads = 2;
    // Set: serve wss:// only, with this certificate (--tls-cert/--tls-key, or our own CA's).
    std::optional<transport::TlsServerSettings> tls;
    // Section 16: the certificate with a given flaw, issued on demand (empty: the certificate
    // cases are not applicable; issuing them needs the CA's key, which only a CA of our own
    // gives us).
    std::function<transport::TlsIdentity(CertificateFlaw)> flawed_certificate;
    // The agent a refused certificate case is recorded under until a /runCase names one (the
    // --agent test-client gives its --run client).
    std::string expected_agent = "client";
    // HTTP/2 as well (RFC 8441, docs/http2.md): a connection that starts with the HTTP/2
    // preface (h2c with prior knowledge; over TLS, ALPN h2 is agreed before http/1.1) gets
    // SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, and each extended CONNECT is a request of the URL
    // protocol; GET / returns the page browsers load first. HTTP/1.1 upgrades still work.
    bool http2 = false;
};

struct FuzzingServerHooks {
    // Each finished case (called from one thread at a time).
    std::function<void(CaseResult&&)> on_result;
    // Agents excluded from a case by the spec's exclude-agent-cases.
    std::function<bool(const std::string& agent, const std::string& id)> is_excluded;
    // /updateReports?agent=A was called.
    std::function<void(const std::string& agent)> on_update_reports;
    // A line for the operator (connections refused, bad requests ...).
    std::function<void(const std::string& line)> on_log;
};

class FuzzingServer {
  public:
    FuzzingServer(FuzzingServerOptions options, std::vector<const Case*> cases,
                  FuzzingServerHooks hooks);
    ~FuzzingServer();
    FuzzingServer(const FuzzingServer&) = delete;
    FuzzingServer& operator=(const FuzzingServer&) = delete;

    // Binds and listens; throws std::system_error with a one-line message on failure.
    void listen();
    std::uint16_t port() const;
    // Serves until stop(), /stopServer, /updateReports?shutdownOnComplete=true, or
    // exit_after_agents is reached.
    void run();
    // Thread-safe. Cases under way are ended. With a reason (an interrupted run, a deadline)
    // they are reported as not run for it, as test-server reports the cases a stop cut short;
    // without one they are judged on what was seen (the client under test has ended).
    void stop(std::string not_run_reason = {});

    // How many connections asked for anything, and how many cases finished.
    std::size_t connections_seen() const;
    std::size_t cases_finished() const;

  private:
    struct Impl;
    std::shared_ptr<Impl> impl_;
};

}  // namespace wsconform::harness
