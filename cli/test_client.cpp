#include "cli/test_client.h"

#include <unistd.h>

#include <boost/asio/ip/address.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <system_error>
#include <thread>

#include "cli/child_process.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/signal_watcher.h"
#include "harness/fuzzing_server.h"
#include "harness/runner.h"
#include "harness/transport/certificates.h"
#include "harness/transport/tls_context.h"
#include "util/atomic_file.h"

namespace wsconform::cli {

namespace {

using Clock = std::chrono::steady_clock;

std::string substitute(std::string text, const std::string& key, const std::string& value) {
    for (auto pos = text.find(key); pos != std::string::npos;
         pos = text.find(key, pos + value.size())) {
        text.replace(pos, key.size(), value);
    }
    return text;
}

// An agent name as the terminal should show it: quoted, at most 80 characters, anything but
// printable ASCII as \xHH (a client chooses the name; it must not drive the terminal).
std::string printable_agent(const std::string& agent) {
    std::string out = "'";
    for (std::size_t i = 0; i < agent.size() && i < 80; ++i) {
        const auto c = static_cast<unsigned char>(agent[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\' && c != '\'') {
            out += static_cast<char>(c);
        } else {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", c);
            out += hex;
        }
    }
    out += agent.size() > 80 ? "'..." : "'";
    return out;
}

// Cases an agent never ran: they count against it when we started the client ourselves.
// Each agent seen (or, when none ran a case, the --agent name) with its selected cases that
// have no result.
std::map<std::string, std::vector<const harness::Case*>> never_run(
    const std::vector<reports::SummaryRow>& rows, const std::vector<const harness::Case*>& selected,
    const TestClientConfig& config) {
    std::map<std::string, std::set<std::string>> ran;
    for (const auto& row : rows) ran[row.agent].insert(row.id);
    if (ran.empty()) ran[config.agent];
    std::map<std::string, std::vector<const harness::Case*>> missing;
    for (const auto& [agent, ids] : ran) {
        for (const auto* c : selected) {
            if (!ids.count(c->id) && !excluded_for_agent(config.selection, agent, c->id)) {
                missing[agent].push_back(c);
            }
        }
    }
    return missing;
}

// The names our throwaway certificates carry: localhost and the loopback addresses, and the
// listen address.
harness::transport::CertificateRequest leaf_request(const std::string& listen_host) {
    harness::transport::CertificateRequest leaf{.common_name = "localhost",
                                                .dns_names = {"localhost"},
                                                .ip_addresses = {"127.0.0.1", "::1"}};
    boost::system::error_code not_an_address;
    boost::asio::ip::make_address(listen_host, not_an_address);
    if (not_an_address)
        leaf.dns_names.push_back(listen_host);
    else if (listen_host != "127.0.0.1" && listen_host != "::1")
        leaf.ip_addresses.push_back(listen_host);
    return leaf;
}

// Section 16's certificates, each wrong in one way only.
harness::transport::TlsIdentity flawed_identity(harness::CertificateFlaw flaw,
                                                const harness::transport::IssuedCertificate& ca,
                                                harness::transport::CertificateRequest leaf) {
    namespace t = harness::transport;
    using F = harness::CertificateFlaw;
    const t::IssuedCertificate* issuer = &ca;
    t::IssuedCertificate stranger;
    switch (flaw) {
        case F::none:
            break;
        case F::untrusted_issuer:
            stranger = t::issue_certificate(
                {.common_name = "wsconform untrusted CA", .is_ca = true}, nullptr);
            issuer = &stranger;
            break;
        case F::self_signed:
            issuer = nullptr;
            break;
        case F::expired:
            leaf.not_before = -std::chrono::hours(24 * 30);
            leaf.not_after = -std::chrono::hours(24);
            break;
        case F::not_yet_valid:
            leaf.not_before = std::chrono::hours(24);
            leaf.not_after = std::chrono::hours(24 * 30);
            break;
        case F::wrong_name:
            leaf.common_name = "wrong-name.invalid";
            leaf.dns_names = {"wrong-name.invalid"};
            leaf.ip_addresses = {};
            break;
        case F::ca_as_leaf:
            leaf.is_ca = true;
            break;
    }
    const auto issued = t::issue_certificate(leaf, issuer);
    return {issued.certificate_pem + (issuer ? issuer->certificate_pem : ""),
            issued.private_key_pem, to_string(flaw)};
}

// The server's TLS: from --tls-cert/--tls-key, or a throwaway CA (written to the report folder
// for the client under test to trust) with a leaf for localhost and the listen address; only
// then can section 16 issue its flawed certificates.
void set_up_tls(const TestClientConfig& config, harness::FuzzingServerOptions& options,
                std::string& ca_path) {
    namespace t = harness::transport;
    if (!config.tls_files.cert.empty() || !config.tls_files.key.empty()) {
        server_tls_context(config.tls_files);  // checks the files (UsageError)
        t::TlsServerSettings settings;
        std::string error;
        t::read_pem_file(config.tls_files.cert, settings.identity.certificate_chain_pem, error);
        t::read_pem_file(
            config.tls_files.key.empty() ? config.tls_files.cert : config.tls_files.key,
            settings.identity.private_key_pem, error);
        options.tls = std::move(settings);
        return;
    }
    if (!config.tls) return;
    const auto ca = t::issue_certificate({.common_name = "wsconform throwaway CA",
                                          .is_ca = true,
                                          .not_after = std::chrono::hours(48)},
                                         nullptr);
    const auto leaf = leaf_request(options.host);
    const auto issued = t::issue_certificate(leaf, &ca);
    t::TlsServerSettings settings;
    settings.identity = {issued.certificate_pem + ca.certificate_pem, issued.private_key_pem, ""};
    options.tls = std::move(settings);
    options.flawed_certificate = [ca, leaf](harness::CertificateFlaw flaw) {
        return flawed_identity(flaw, ca, leaf);
    };
    std::error_code ignored;
    std::filesystem::create_directories(config.report.outdir, ignored);
    ca_path = (std::filesystem::absolute(config.report.outdir) / "wsconform-ca.pem").string();
    util::atomic_write(ca_path, ca.certificate_pem);
}

// Section 15: after a case that can crash the client, has the client's process ended? It is
// given a moment to (a crash ends the connection a little before the process).
bool client_went_down(const std::function<bool()>& ended) {
    for (int i = 0; i < 10; ++i) {
        if (ended()) return true;
        usleep(30'000);
    }
    return false;
}

}  // namespace

int run_test_client(const TestClientConfig& config) {
    const auto selected = select_cases(config.selection, Tested::client,
                                       config.tls || !config.tls_files.cert.empty());
    harness::FuzzingServerOptions options;
    parse_listen(config.listen, options.host, options.port);
    options.check_host_port = config.host_check;
    options.exit_after_agents = config.exit_after_agents;
    options.expected_agent = config.agent;
    options.http2 = config.http2;
    options.timeouts = options.timeouts.scaled_by(config.time_scale);
    options.limits = limit_thresholds(config.limits);
    std::string ca_path;
    set_up_tls(config, options, ca_path);
    const bool quiet = config.report.quiet;

    // The client drives the run: the total is known only when we start it ourselves.
    RunReport report(config.report, config.run_command.empty() ? 0 : selected.size());
    // The client we start (--run), polled from two threads.
    std::unique_ptr<ChildProcess> child;
    std::mutex child_mutex;
    auto child_ended = [&] {
        std::lock_guard lock(child_mutex);
        return child && child->poll();
    };
    // Section 15: the case during which the client under test went down (its process ended).
    std::string downed_by;
    // The client asked for /updateReports: it got through every case, and its process ending
    // now is its normal end, not a crash (a case may be judged after the client moved on).
    std::atomic<bool> client_finished{false};
    harness::FuzzingServerHooks hooks;
    hooks.on_result = [&](harness::CaseResult&& result) {
        // A case our own stop cut short (not run) is not the client's doing, even when the
        // stop then killed the client.
        if (result.test && result.test->can_crash_peer && child && downed_by.empty() &&
            !client_finished && result.verdict.outcome != harness::Outcome::not_run &&
            client_went_down(child_ended)) {
            std::string how;
            {
                std::lock_guard lock(child_mutex);
                how = child->failure();
            }
            downed_by = result.test->id;
            harness::fail_for_downed_peer(
                result, "the client under test " + (how.empty() ? "exited" : how));
        }
        report.add(result);
    };
    hooks.is_excluded = [&](const std::string& agent, const std::string& id) {
        return excluded_for_agent(config.selection, agent, id);
    };
    // Rendered before the /updateReports connection is closed, as Autobahn does: a client
    // that waits for that close finds the reports complete.
    hooks.on_update_reports = [&](const std::string& agent) {
        client_finished = true;
        report.write_views();
        if (!quiet) {
            report.progress().print_above([&](std::ostream& out) {
                out << "Reports updated for agent " << printable_agent(agent) << "\n";
            });
        }
    };
    hooks.on_log = [&](const std::string& line) {
        if (!quiet) std::cerr << "wsconform: " << line << "\n";
    };

    harness::FuzzingServer server(options, selected, hooks);
    try {
        server.listen();
    } catch (const std::system_error& e) {
        throw UsageError(e.what());
    }
    // With our own CA the URL names localhost: a DNS name, so clients send SNI.
    const std::string url = listening_url(ca_path.empty() ? options.host : "localhost",
                                          server.port(), options.tls.has_value());
    std::cout << "wsconform test-client: listening on " << url << "/ (" << selected.size()
              << " cases";
    if (config.time_scale != 1) std::cout << ", every case timer x" << config.time_scale;
    std::cout << ")" << std::endl;
    if (!ca_path.empty())
        std::cout << "wsconform test-client: clients must trust the CA in " << ca_path << std::endl;

    SignalWatcher signals([&] { server.stop("interrupted by a signal"); });

    const auto started = Clock::now();
    if (!config.run_command.empty()) {
        std::lock_guard lock(child_mutex);
        child = std::make_unique<ChildProcess>(substitute(
            substitute(substitute(config.run_command, "{url}", url), "{agent}", config.agent),
            "{ca}", ca_path));
    }
    // Serving ends when the client we started ends, or at the deadline (--timeout; with --run
    // an hour by default), which also ends the client.
    const double limit = config.timeout_s > 0 ? config.timeout_s : (child ? 3600 : 0);
    std::thread monitor;
    std::atomic<bool> serving{true};
    bool child_timed_out = false;
    if (limit > 0) {
        monitor = std::thread([&, limit] {
            const auto until = started + seconds_to_ms(limit);
            while (serving && !child_ended()) {
                if (Clock::now() >= until) {
                    // The cases under way are cut short by us, not failed by the client: the
                    // server stops (reporting them not run) before the client is killed.
                    server.stop(config.timeout_s > 0
                                    ? "the run timeout (--timeout) passed"
                                    : "the one-hour limit of a client run by --run passed");
                    if (child) {
                        child_timed_out = true;
                        child->kill_group();
                    }
                    return;
                }
                usleep(50'000);
            }
            if (serving) server.stop();
        });
    }
    server.run();
    serving = false;
    if (child && !child_ended()) child->kill_group();
    if (monitor.joinable()) monitor.join();
    std::string child_failure;
    if (child) {
        child_failure = child_timed_out ? "did not finish within its deadline and was killed"
                                        : child->failure();
    }

    // With --run, every selected case is in the report: those the client never ran (or, no
    // client having connected, all of them) as not run.
    std::size_t missing = 0;
    const bool nobody = server.connections_seen() == 0;
    if (child) {
        const auto never = never_run(report.dir().summaries(), selected, config);
        for (const auto& [agent, cases] : never) {
            if (nobody) {
                report.add_unreachable(agent, cases, "no client connected");
                missing += cases.size();
            } else {
                missing += report.add_not_run(
                    agent, cases,
                    signals.interrupted() ? "interrupted by a signal"
                    : downed_by.empty()
                        ? "the client under test never ran it"
                        : "the client under test went down during case " + downed_by);
            }
        }
    }
    report.finish();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    if (!child_failure.empty()) {
        std::cerr << "wsconform: the client under test " << child_failure << "\n";
    }
    if (nobody) {
        // Like an unreachable server: one line (and the client's own failure, said above).
        std::cerr << (child && child_failure.empty()
                          ? "wsconform: no client connected: the client under test exited "
                            "with status 0 first (is --run the right command?)\n"
                          : "wsconform: no client connected\n");
        return signals.interrupted() ? kExitFailures : kExitUnreachable;
    }
    report.print_summary(elapsed);
    // The summary's "not run" also counts the cases our stop cut short, which the client did
    // ask for: say both, so the two numbers add up.
    const auto not_run = static_cast<std::size_t>(
        std::count_if(report.rows().begin(), report.rows().end(),
                      [](const auto& r) { return r.outcome == harness::Outcome::not_run; }));
    const std::size_t cut_short = not_run > missing ? not_run - missing : 0;
    if (missing) {
        std::cout << missing << (missing == 1 ? " selected case was" : " selected cases were")
                  << " never run by the client";
        if (cut_short)
            std::cout << " (and " << cut_short << (cut_short == 1 ? " more was" : " more were")
                      << " under way when the run stopped)";
        std::cout << "\n";
    } else if (cut_short) {
        std::cout << cut_short << (cut_short == 1 ? " case was" : " cases were")
                  << " under way when the run stopped\n";
    }
    report.print_baseline();
    const int code = report.exit_code(signals.interrupted());
    return code == kExitOk && !child_failure.empty() ? kExitFailures : code;
}

}  // namespace wsconform::cli
