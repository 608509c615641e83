#include "cli/test_server.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <mutex>
#include <optional>

#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/signal_watcher.h"
#include "harness/runner.h"
#include "harness/transport/tls_context.h"

namespace wsconform::cli {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// The run options for the next target; nothing when --timeout is already spent.
std::optional<harness::RunOptions> run_options(const TestServerConfig& config,
                                               const ServerTarget& target,
                                               Clock::time_point started) {
    harness::RunOptions options;
    options.jobs = config.jobs;
    options.extra_headers = target.extra_headers;
    options.timeouts = options.timeouts.scaled_by(config.time_scale);
    options.limits = limit_thresholds(config.limits);
    if (config.case_timeout_s > 0)
        options.timeouts.case_limit = seconds_to_ms(config.case_timeout_s);
    if (config.timeout_s > 0) {
        const auto left = seconds_to_ms(config.timeout_s) -
                          std::chrono::duration_cast<milliseconds>(Clock::now() - started);
        if (left.count() <= 0) return std::nullopt;
        options.run_timeout = left;
    }
    return options;
}

}  // namespace

int run_test_server(const TestServerConfig& config) {
    const bool tls = std::any_of(config.targets.begin(), config.targets.end(),
                                 [](const ServerTarget& t) { return t.endpoint.secure; });
    const auto selected = select_cases(config.selection, Tested::server, tls);
    const cases::ProfiledCases profiled(selected, config.profile);  // outlives the report
    RunReport report(config.report);
    auto& progress = report.progress();
    const bool quiet = config.report.quiet;

    std::mutex runner_mutex;
    harness::Runner* active = nullptr;
    SignalWatcher signals([&] {
        std::lock_guard lock(runner_mutex);
        if (active) active->stop("interrupted by a signal");
    });

    const auto started = Clock::now();
    // The cases an agent gets: the selection, less its --exclude-agent-cases.
    auto cases_for = [&](const std::string& agent) {
        std::vector<const harness::Case*> cases;
        for (const auto* c : profiled.cases())
            if (!excluded_for_agent(config.selection, agent, c->id)) cases.push_back(c);
        return cases;
    };
    // Without --agent, a target not reached (no Server header to name it) goes by its URL.
    auto fallback_agent = [](const ServerTarget& t) {
        return t.agent.empty() ? t.endpoint.url : t.agent;
    };
    for (const auto& target : config.targets) {
        auto options = run_options(config, target, started);
        if (signals.interrupted() || !options) {
            // Every selected case is in the report: those of targets never tried as not run.
            const std::string agent = fallback_agent(target);
            report.add_not_run(agent, cases_for(agent),
                               signals.interrupted() ? "interrupted by a signal"
                                                     : "the run timeout (--timeout) passed");
            continue;
        }
        const auto probe = harness::probe(target.endpoint, *options);
        if (!probe.connected) {
            std::cerr << "wsconform: " << probe.error << "\n";
            const std::string agent = fallback_agent(target);
            report.add_unreachable(agent, cases_for(agent), probe.error);
            continue;
        }
        if (!probe.upgraded) {
            // A verdict, not "unreachable": every case runs and fails on its own, section 14
            // saying which rule of the opening handshake the answer broke.
            progress.print_above([&](std::ostream&) {
                std::cerr << "wsconform: " << probe.error << "; running every case anyway\n";
            });
        }
        std::string agent = target.agent;
        if (agent.empty()) {
            agent = probe.server_header.empty() ? "UnknownServer" : probe.server_header;
        }
        options->agent = agent;
        options->not_run = profiled.not_run();
        harness::Runner runner(*options);

        const auto cases = cases_for(agent);
        if (!quiet) {
            progress.print_above([&](std::ostream& out) {
                out << "Testing " << target.endpoint.url << " as agent '" << agent
                    << "': " << cases.size() << " cases, "
                    << (options->jobs ? options->jobs : harness::default_jobs()) << " at a time";
                const auto not_run = std::count_if(cases.begin(), cases.end(), [&](auto* c) {
                    return profiled.not_run().contains(c->id);
                });
                if (target.endpoint.secure && target.endpoint.tls &&
                    !target.endpoint.tls->client_settings().verify_chain)
                    out << "; the server's certificate is not verified (--insecure)";
                if (config.time_scale != 1) out << "; every case timer x" << config.time_scale;
                if (config.profile == cases::Profile::protocol)
                    out << "; --profile protocol runs " << cases.size() - not_run
                        << " of them, the others need an echo server (UNIMPLEMENTED)";
                out << "\n";
            });
        }
        progress.add_total(cases.size());
        {
            std::lock_guard lock(runner_mutex);
            active = &runner;
        }
        if (signals.interrupted()) runner.stop("interrupted by a signal");
        const auto summary = runner.run(target.endpoint, cases,
                                        [&](harness::CaseResult&& result) { report.add(result); });
        {
            std::lock_guard lock(runner_mutex);
            active = nullptr;
        }
        if (summary.stopped && !quiet) {
            progress.print_above([&](std::ostream&) {
                std::cerr << "wsconform: run stopped (" << summary.stop_reason << "); "
                          << summary.not_run << " cases of agent '" << agent
                          << "' not run; the report lists them as not run\n";
            });
        }
    }

    report.finish();
    const double elapsed = std::chrono::duration<double>(Clock::now() - started).count();
    report.print_summary(elapsed);
    report.print_baseline();
    return report.exit_code(signals.interrupted());
}

}  // namespace wsconform::cli
