#include "cli/test_client.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <system_error>
#include <thread>

#include "cli/child_process.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/signal_watcher.h"
#include "harness/fuzzing_server.h"

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
std::size_t never_run(const std::vector<reports::SummaryRow>& rows,
                      const std::vector<const harness::Case*>& selected,
                      const TestClientConfig& config) {
    std::map<std::string, std::set<std::string>> ran;
    for (const auto& row : rows) ran[row.agent].insert(row.id);
    if (ran.empty()) ran[config.agent];
    std::size_t missing = 0;
    for (const auto& [agent, ids] : ran) {
        for (const auto* c : selected) {
            if (!ids.count(c->id) && !excluded_for_agent(config.selection, agent, c->id)) {
                ++missing;
            }
        }
    }
    return missing;
}

}  // namespace

int run_test_client(const TestClientConfig& config) {
    const auto selected = select_cases(config.selection, Tested::client);
    harness::FuzzingServerOptions options;
    parse_listen(config.listen, options.host, options.port);
    options.check_host_port = config.host_check;
    options.exit_after_agents = config.exit_after_agents;
    const bool quiet = config.report.quiet;

    // The client drives the run: the total is known only when we start it ourselves.
    RunReport report(config.report, config.run_command.empty() ? 0 : selected.size());
    harness::FuzzingServerHooks hooks;
    hooks.on_result = [&](harness::CaseResult&& result) { report.add(result); };
    hooks.is_excluded = [&](const std::string& agent, const std::string& id) {
        return excluded_for_agent(config.selection, agent, id);
    };
    // Rendered before the /updateReports connection is closed, as Autobahn does: a client
    // that waits for that close finds the reports complete.
    hooks.on_update_reports = [&](const std::string& agent) {
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
    const std::string url = listening_url(options.host, server.port());
    std::cout << "wsconform test-client: listening on " << url << "/ (" << selected.size()
              << " cases)" << std::endl;

    SignalWatcher signals([&] { server.stop(); });

    const auto started = Clock::now();
    std::unique_ptr<ChildProcess> child;
    if (!config.run_command.empty()) {
        child = std::make_unique<ChildProcess>(
            substitute(substitute(config.run_command, "{url}", url), "{agent}", config.agent));
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
            while (serving && !(child && child->poll())) {
                if (Clock::now() >= until) {
                    if (child) {
                        child_timed_out = true;
                        child->kill_group();
                    }
                    break;
                }
                usleep(50'000);
            }
            if (serving) server.stop();
        });
    }
    server.run();
    serving = false;
    if (child && !child->poll()) child->kill_group();
    if (monitor.joinable()) monitor.join();
    std::string child_failure;
    if (child) {
        child_failure = child_timed_out ? "did not finish within its deadline and was killed"
                                        : child->failure();
    }

    report.finish();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    const std::size_t missing = child ? never_run(report.rows(), selected, config) : 0;
    report.print_summary(elapsed);
    if (missing) std::cout << missing << " selected cases were never run by the client\n";
    report.print_locations();
    if (!child_failure.empty()) {
        std::cerr << "wsconform: the client under test " << child_failure << "\n";
    }
    report.print_baseline();

    if (signals.interrupted()) return kExitFailures;
    if (server.connections_seen() == 0) {
        std::cerr << (child && child_failure.empty()
                          ? "wsconform: no client connected: the client under test exited "
                            "with status 0 first (is --run the right command?)\n"
                          : "wsconform: no client connected\n");
        return kExitUnreachable;
    }
    return !child_failure.empty() || missing > 0 || report.failed() ? kExitFailures : kExitOk;
}

}  // namespace wsconform::cli
