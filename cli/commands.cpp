#include "cli/commands.h"

#include <CLI/CLI.hpp>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <mutex>
#include <set>
#include <thread>

#include "cases/registry.h"
#include "cli/spec.h"
#include "harness/echo_server.h"
#include "harness/endpoint.h"
#include "harness/fuzzing_server.h"
#include "harness/runner.h"
#include "reports/baseline.h"
#include "reports/progress.h"
#include "reports/report_dir.h"
#include "reports/terminal.h"
#include "reports/views.h"

namespace wsconform::cli {

namespace {

using harness::Outcome;

// A one-line usage or configuration error: printed by run() and turned into exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

bool want_color(const std::string& mode) {
    if (mode == "never") return false;
    if (mode == "always") return true;
    if (std::getenv("NO_COLOR") != nullptr) return false;
    return isatty(STDOUT_FILENO) != 0;
}

// SIGINT/SIGTERM are blocked in every thread and taken by one watcher thread, which calls
// `on_signal` once: the run then stops cleanly and the report stays valid.
class SignalWatcher {
public:
    explicit SignalWatcher(std::function<void()> on_signal) {
        sigemptyset(&set_);
        sigaddset(&set_, SIGINT);
        sigaddset(&set_, SIGTERM);
        pthread_sigmask(SIG_BLOCK, &set_, nullptr);
        thread_ = std::thread([this, on_signal = std::move(on_signal)] {
            timespec tick{0, 100'000'000};
            while (!done_) {
                if (sigtimedwait(&set_, nullptr, &tick) > 0) {
                    interrupted_ = true;
                    on_signal();
                    return;
                }
            }
        });
    }
    ~SignalWatcher() {
        done_ = true;
        thread_.join();
        pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
    }
    bool interrupted() const { return interrupted_; }

private:
    sigset_t set_;
    std::atomic<bool> done_{false};
    std::atomic<bool> interrupted_{false};
    std::thread thread_;
};

struct ServerTarget {
    harness::Endpoint endpoint;
    std::string agent;  // empty: from the Server header
    std::vector<std::string> extra_headers;
};

struct TestServerConfig {
    std::vector<ServerTarget> targets;
    std::vector<std::string> cases{"*"};
    std::vector<std::string> exclude;
    std::map<std::string, std::vector<std::string>> exclude_agent_cases;
    std::string outdir = "./reports/servers";
    unsigned jobs = 0;
    double timeout_s = 0;
    double case_timeout_s = 0;
    bool strict = false;
    bool quiet = false;
    std::string color = "auto";
    std::string baseline;  // --baseline: an earlier index.json or report folder
};

// Section 14 has cases for one role only: a run leaves out those of the other role rather
// than reporting them as not applicable. (Sections 1-13 serve both roles, so Autobahn's case
// numbering is unchanged.)
void drop_other_role(std::vector<const harness::Case*>& selected, bool testing_server) {
    std::erase_if(selected, [testing_server](const harness::Case* c) {
        return testing_server ? (c->http_client_probe() && !c->http_server_probe())
                              : (c->http_server_probe() && !c->http_client_probe());
    });
}

std::vector<const harness::Case*> select_cases(const TestServerConfig& config) {
    std::vector<std::string> unmatched;
    auto selected = cases::select(config.cases, config.exclude, &unmatched);
    if (!unmatched.empty())
        throw UsageError("case pattern '" + unmatched.front() + "' matches no case");
    drop_other_role(selected, true);
    if (selected.empty()) throw UsageError("no case left to run after exclusions");
    return selected;
}

bool excluded_for_agent(const TestServerConfig& config, const std::string& agent,
                        const std::string& id) {
    for (const auto& [agent_pattern, case_patterns] : config.exclude_agent_cases) {
        if (!cases::pattern_matches_fully(agent_pattern, agent)) continue;
        for (const auto& p : case_patterns)
            if (cases::pattern_matches_fully(p, id)) return true;
    }
    return false;
}

int run_test_server(const TestServerConfig& config) {
    const auto selected = select_cases(config);
    const bool color = want_color(config.color);
    std::unique_ptr<reports::ReportDir> report;
    try {
        report = std::make_unique<reports::ReportDir>(config.outdir);
    } catch (const std::exception& e) {
        throw UsageError(std::string("cannot use report folder: ") + e.what());
    }
    std::optional<reports::ReportModel> baseline;
    if (!config.baseline.empty()) {
        try {
            baseline = reports::load_baseline(config.baseline);
        } catch (const std::exception& e) {
            throw UsageError(std::string("cannot read --baseline: ") + e.what());
        }
    }
    reports::ProgressLine progress(std::cout, !config.quiet && isatty(STDOUT_FILENO), color);

    std::mutex runner_mutex;
    harness::Runner* active = nullptr;
    std::atomic<bool> interrupted{false};
    SignalWatcher signals([&] {
        interrupted = true;
        std::lock_guard lock(runner_mutex);
        if (active) active->stop("interrupted by a signal");
    });

    const auto started = std::chrono::steady_clock::now();
    bool unreachable = false;
    std::size_t not_run = 0;
    for (const auto& target : config.targets) {
        if (interrupted) break;
        harness::RunOptions options;
        options.jobs = config.jobs;
        options.extra_headers = target.extra_headers;
        if (config.case_timeout_s > 0)
            options.timeouts.case_limit =
                std::chrono::milliseconds(static_cast<long>(config.case_timeout_s * 1000));
        if (config.timeout_s > 0) {
            const auto spent = std::chrono::steady_clock::now() - started;
            const auto left =
                std::chrono::milliseconds(static_cast<long>(config.timeout_s * 1000)) -
                std::chrono::duration_cast<std::chrono::milliseconds>(spent);
            if (left.count() <= 0) break;
            options.run_timeout = left;
        }
        const auto probe = harness::probe(target.endpoint, options);
        if (!probe.reachable) {
            std::cerr << "wsconform: " << probe.error << "\n";
            unreachable = true;
            continue;
        }
        std::string agent = target.agent;
        if (agent.empty()) agent = probe.server_header.empty() ? "UnknownServer" : probe.server_header;
        options.agent = agent;
        harness::Runner runner(options);

        std::vector<const harness::Case*> cases;
        for (const auto* c : selected)
            if (!excluded_for_agent(config, agent, c->id)) cases.push_back(c);
        if (!config.quiet)
            progress.print_above([&](std::ostream& out) {
                out << "Testing " << target.endpoint.url << " as agent '" << agent << "': "
                    << cases.size() << " cases, "
                    << (options.jobs ? options.jobs : harness::default_jobs()) << " at a time\n";
            });
        progress.add_total(cases.size());
        {
            std::lock_guard lock(runner_mutex);
            active = &runner;
        }
        if (interrupted) runner.stop("interrupted by a signal");
        auto summary = runner.run(target.endpoint, cases, [&](harness::CaseResult&& result) {
            report->add(result);
            progress.case_done(result.verdict.outcome);
            if (!config.quiet && result.verdict.outcome != Outcome::pass)
                progress.print_above(
                    [&](std::ostream& out) { reports::print_case_line(out, result, color); });
        });
        {
            std::lock_guard lock(runner_mutex);
            active = nullptr;
        }
        not_run += summary.not_run;
        if (summary.stopped) {
            progress.print_above([&](std::ostream&) {
                std::cerr << "wsconform: run stopped (" << summary.stop_reason << "); "
                          << summary.not_run << " cases of agent '" << agent
                          << "' not run; the report holds the cases that finished\n";
            });
            if (interrupted) break;
        }
    }

    progress.finish();
    bool views_failed = false;
    try {
        reports::write_views(report->dir());  // also after an interruption: what finished
    } catch (const std::exception& e) {
        std::cerr << "wsconform: cannot write index.html and junit.xml: " << e.what() << "\n";
        views_failed = true;
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto rows = report->summaries();
    if (!config.quiet || !rows.empty()) {
        reports::print_summary(std::cout, rows, elapsed, color);
        std::cout << "Report: " << report->index_path().string() << "\n";
        std::cout << "HTML: " << (report->dir() / "index.html").string()
                  << "  JUnit: " << (report->dir() / "junit.xml").string() << "\n";
    }
    std::optional<reports::BaselineComparison> against;
    if (baseline) {
        against = reports::compare_to_baseline(*baseline, rows);
        reports::print_baseline(std::cout, *against, color);
    }
    if (interrupted) return kExitFailures;
    if (unreachable) return kExitUnreachable;
    bool failed = not_run > 0 || views_failed;
    for (const auto& row : rows) {
        if (against) break;  // with a baseline only regressions count
        if (row.outcome == Outcome::fail) failed = true;
        if (config.strict && row.outcome != Outcome::pass) failed = true;
    }
    if (against && against->has_regressions()) failed = true;
    return failed ? kExitFailures : kExitOk;
}

ServerTarget make_target(const std::string& url, std::string agent) {
    std::string error;
    auto endpoint = harness::parse_ws_url(url, error);
    if (!endpoint) throw UsageError(error);
    return {*endpoint, std::move(agent), {}};
}

TestServerConfig config_from_spec(const std::string& spec_path, const std::string& wsuri) {
    FuzzingClientSpec spec;
    try {
        spec = read_fuzzingclient_spec(spec_path);
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
    TestServerConfig config;
    config.outdir = spec.outdir;
    config.cases = spec.cases;
    config.exclude = spec.exclude_cases;
    config.exclude_agent_cases = spec.exclude_agent_cases;
    for (const auto& s : spec.servers) {
        auto target = make_target(s.url, s.agent);
        if (!s.origin.empty()) target.extra_headers.push_back("Origin: " + s.origin);
        if (!s.protocols.empty()) {
            std::string list;
            for (const auto& p : s.protocols) list += (list.empty() ? "" : ", ") + p;
            target.extra_headers.push_back("Sec-WebSocket-Protocol: " + list);
        }
        config.targets.push_back(std::move(target));
    }
    if (config.targets.empty() && !wsuri.empty()) config.targets.push_back(make_target(wsuri, ""));
    if (config.targets.empty())
        throw UsageError(spec_path + ": \"servers\" is empty and no --wsuri was given");
    return config;
}

struct ServeDeflateFlags {
    bool off = false;
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int client_max_window_bits = 0;
    bool recompress = false;
    int level = 1;
};

int run_serve(const std::string& listen, std::size_t max_message, unsigned threads,
              const ServeDeflateFlags& deflate) {
    harness::EchoServerOptions options;
    options.deflate = !deflate.off;
    options.deflate_policy.request_server_no_context_takeover = deflate.server_no_context_takeover;
    options.deflate_policy.request_client_no_context_takeover = deflate.client_no_context_takeover;
    options.deflate_policy.request_client_max_window_bits = deflate.client_max_window_bits;
    options.deflate_passthrough = !deflate.recompress;
    options.deflate_level = deflate.level;
    std::string error;
    if (!harness::parse_listen_address(listen, options.host, options.port, error))
        throw UsageError(error);
    options.max_message = max_message;
    options.threads = threads;
    options.stop_on_signals = true;
    harness::EchoServer server(options);
    try {
        server.listen();
    } catch (const std::system_error& e) {
        throw UsageError(e.what());
    }
    const bool v6 = options.host.find(':') != std::string::npos;
    std::cout << "wsconform serve: listening on ws://" << (v6 ? "[" + options.host + "]" : options.host)
              << ":" << server.port() << "/" << std::endl;
    server.run();
    return kExitOk;
}

int run_list(const std::vector<std::string>& patterns) {
    std::vector<std::string> include = patterns.empty() ? std::vector<std::string>{"*"} : patterns;
    std::vector<std::string> unmatched;
    auto selected = cases::select(include, {}, &unmatched);
    if (!unmatched.empty()) throw UsageError("case pattern '" + unmatched.front() + "' matches no case");
    for (const auto* c : selected) std::cout << c->id << "\t" << c->title << "\n";
    return kExitOk;
}


// ------------------------------------------------------------------ test-client

struct TestClientConfig {
    std::string listen = "127.0.0.1:9001";
    std::vector<std::string> cases{"*"};
    std::vector<std::string> exclude;
    std::map<std::string, std::vector<std::string>> exclude_agent_cases;
    std::string outdir = "./reports/clients";
    std::string run_command;
    std::string agent = "client";  // what {agent} becomes in --run
    std::size_t exit_after_agents = 0;
    bool host_check = true;
    double timeout_s = 0;
    bool strict = false;
    bool quiet = false;
    std::string color = "auto";
    std::string baseline;  // --baseline: an earlier index.json or report folder
};

std::string substitute(std::string text, const std::string& key, const std::string& value) {
    for (auto pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos + value.size()))
        text.replace(pos, key.size(), value);
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

// The client under test, started with /bin/sh -c in a process group of its own so that a hang
// can be ended with everything it spawned.
class ChildProcess {
public:
    explicit ChildProcess(const std::string& command) {
        pid_ = fork();
        if (pid_ < 0) throw std::runtime_error("cannot start --run command: fork failed");
        if (pid_ == 0) {
            setpgid(0, 0);
            sigset_t none;
            sigemptyset(&none);
            pthread_sigmask(SIG_SETMASK, &none, nullptr);
            execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
            _exit(127);
        }
        setpgid(pid_, pid_);
    }
    // Polls without blocking; true once the child has ended.
    bool poll() {
        if (ended_) return true;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            ended_ = true;
            status_ = status;
        }
        return ended_;
    }
    void kill_group() {
        if (ended_) return;
        ::kill(-pid_, SIGTERM);
        for (int i = 0; i < 20 && !poll(); ++i) usleep(100'000);
        if (!ended_) {
            ::kill(-pid_, SIGKILL);
            while (!poll()) usleep(50'000);
        }
    }
    // Empty when the child exited with status 0.
    std::string failure() const {
        if (!ended_) return "still running";
        if (WIFEXITED(status_))
            return WEXITSTATUS(status_) == 0 ? "" : "exited with status " + std::to_string(WEXITSTATUS(status_));
        if (WIFSIGNALED(status_)) return "was killed by signal " + std::to_string(WTERMSIG(status_));
        return "ended abnormally";
    }

private:
    pid_t pid_ = -1;
    bool ended_ = false;
    int status_ = 0;
};

int run_test_client(const TestClientConfig& config) {
    std::vector<std::string> unmatched;
    auto selected = cases::select(config.cases, config.exclude, &unmatched);
    if (!unmatched.empty())
        throw UsageError("case pattern '" + unmatched.front() + "' matches no case");
    drop_other_role(selected, false);
    if (selected.empty()) throw UsageError("no case left to run after exclusions");

    harness::FuzzingServerOptions options;
    std::string error;
    if (!harness::parse_listen_address(config.listen, options.host, options.port, error))
        throw UsageError(error);
    options.check_host_port = config.host_check;
    options.exit_after_agents = config.exit_after_agents;

    const bool color = want_color(config.color);
    std::unique_ptr<reports::ReportDir> report;
    try {
        report = std::make_unique<reports::ReportDir>(config.outdir);
    } catch (const std::exception& e) {
        throw UsageError(std::string("cannot use report folder: ") + e.what());
    }
    TestServerConfig exclusions;
    exclusions.exclude_agent_cases = config.exclude_agent_cases;
    std::optional<reports::ReportModel> baseline;
    if (!config.baseline.empty()) {
        try {
            baseline = reports::load_baseline(config.baseline);
        } catch (const std::exception& e) {
            throw UsageError(std::string("cannot read --baseline: ") + e.what());
        }
    }
    // The client drives the run: the total is known only when we start it ourselves.
    reports::ProgressLine progress(std::cout, !config.quiet && isatty(STDOUT_FILENO), color,
                                   config.run_command.empty() ? 0 : selected.size());

    harness::FuzzingServerHooks hooks;
    hooks.on_result = [&](harness::CaseResult&& result) {
        report->add(result);
        progress.case_done(result.verdict.outcome);
        if (!config.quiet && result.verdict.outcome != Outcome::pass)
            progress.print_above(
                [&](std::ostream& out) { reports::print_case_line(out, result, color); });
    };
    hooks.is_excluded = [&](const std::string& agent, const std::string& id) {
        return excluded_for_agent(exclusions, agent, id);
    };
    // Rendered before the /updateReports connection is closed, as Autobahn does: a client
    // that waits for that close finds the reports complete.
    hooks.on_update_reports = [&](const std::string& agent) {
        try {
            reports::write_views(report->dir());
        } catch (const std::exception& e) {
            std::cerr << "wsconform: cannot write index.html and junit.xml: " << e.what() << "\n";
        }
        if (!config.quiet)
            progress.print_above([&](std::ostream& out) {
                out << "Reports updated for agent " << printable_agent(agent) << "\n";
            });
    };
    hooks.on_log = [&](const std::string& line) {
        if (!config.quiet) std::cerr << "wsconform: " << line << "\n";
    };

    harness::FuzzingServer server(options, selected, hooks);
    try {
        server.listen();
    } catch (const std::system_error& e) {
        throw UsageError(e.what());
    }
    const bool v6 = options.host.find(':') != std::string::npos;
    const std::string url =
        "ws://" + (v6 ? "[" + options.host + "]" : options.host) + ":" + std::to_string(server.port());
    std::cout << "wsconform test-client: listening on " << url << "/ (" << selected.size()
              << " cases)" << std::endl;

    std::atomic<bool> interrupted{false};
    SignalWatcher signals([&] {
        interrupted = true;
        server.stop();
    });

    const auto started = std::chrono::steady_clock::now();
    std::unique_ptr<ChildProcess> child;
    std::thread monitor;
    std::atomic<bool> serving{true};
    std::string child_failure;
    bool child_timed_out = false;
    if (!config.run_command.empty()) {
        auto command = substitute(substitute(config.run_command, "{url}", url), "{agent}", config.agent);
        child = std::make_unique<ChildProcess>(command);
        const double limit = config.timeout_s > 0 ? config.timeout_s : 3600;
        monitor = std::thread([&, limit] {
            const auto until = started + std::chrono::milliseconds(static_cast<long>(limit * 1000));
            while (serving && !child->poll()) {
                if (std::chrono::steady_clock::now() >= until) {
                    child_timed_out = true;
                    child->kill_group();
                    break;
                }
                usleep(50'000);
            }
            if (serving) server.stop();
        });
    } else if (config.timeout_s > 0) {
        monitor = std::thread([&] {
            const auto until =
                started + std::chrono::milliseconds(static_cast<long>(config.timeout_s * 1000));
            while (serving && std::chrono::steady_clock::now() < until) usleep(50'000);
            if (serving) server.stop();
        });
    }
    server.run();
    serving = false;
    if (child && !child->poll()) child->kill_group();
    if (monitor.joinable()) monitor.join();
    if (child) child_failure = child_timed_out ? "did not finish within its deadline and was killed"
                                               : child->failure();
    progress.finish();
    bool views_failed = false;
    try {
        reports::write_views(report->dir());  // also after an interruption: what finished
    } catch (const std::exception& e) {
        std::cerr << "wsconform: cannot write index.html and junit.xml: " << e.what() << "\n";
        views_failed = true;
    }

    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const auto rows = report->summaries();
    // Cases an agent never ran count against it when we started the client ourselves.
    std::size_t missing = 0;
    if (child) {
        std::map<std::string, std::set<std::string>> ran;
        for (const auto& row : rows) ran[row.agent].insert(row.id);
        if (ran.empty()) ran[config.agent];
        for (const auto& [agent, ids] : ran)
            for (const auto* c : selected)
                if (!ids.count(c->id) && !excluded_for_agent(exclusions, agent, c->id)) ++missing;
    }
    reports::print_summary(std::cout, rows, elapsed, color);
    if (missing) std::cout << missing << " selected cases were never run by the client\n";
    std::cout << "Report: " << report->index_path().string() << "\n";
    std::cout << "HTML: " << (report->dir() / "index.html").string()
              << "  JUnit: " << (report->dir() / "junit.xml").string() << "\n";
    if (!child_failure.empty()) std::cerr << "wsconform: the client under test " << child_failure << "\n";
    std::optional<reports::BaselineComparison> against;
    if (baseline) {
        against = reports::compare_to_baseline(*baseline, rows);
        reports::print_baseline(std::cout, *against, color);
    }

    if (interrupted) return kExitFailures;
    if (server.connections_seen() == 0) {
        std::cerr << (child && child_failure.empty()
                          ? "wsconform: no client connected: the client under test exited "
                            "with status 0 first (is --run the right command?)\n"
                          : "wsconform: no client connected\n");
        return kExitUnreachable;
    }
    bool failed = !child_failure.empty() || missing > 0 || views_failed;
    for (const auto& row : rows) {
        if (against) break;  // with a baseline only regressions count
        if (row.outcome == Outcome::fail) failed = true;
        if (config.strict && row.outcome != Outcome::pass) failed = true;
    }
    if (against && against->has_regressions()) failed = true;
    return failed ? kExitFailures : kExitOk;
}

TestClientConfig config_from_server_spec(const std::string& spec_path) {
    FuzzingServerSpec spec;
    try {
        spec = read_fuzzingserver_spec(spec_path);
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
    std::string error;
    auto endpoint = harness::parse_ws_url(spec.url, error);
    if (!endpoint) throw UsageError(spec_path + ": \"url\": " + error);
    TestClientConfig config;
    config.listen = endpoint->host_header;
    config.outdir = spec.outdir;
    config.cases = spec.cases;
    config.exclude = spec.exclude_cases;
    config.exclude_agent_cases = spec.exclude_agent_cases;
    return config;
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"wsconform: a WebSocket (RFC 6455, RFC 7692) conformance test suite", "wsconform"};
    app.set_version_flag("--version", "wsconform " WSCONFORM_VERSION);
    app.require_subcommand(0, 1);

    // Autobahn's own command line: wsconform -m fuzzingclient -s fuzzingclient.json
    std::string mode, spec_path, wsuri;
    app.add_option("-m,--mode", mode, "Autobahn mode: fuzzingclient")
        ->check(CLI::IsMember({"fuzzingclient", "fuzzingserver"}));
    app.add_option("-s,--spec", spec_path, "Autobahn spec file (with -m)");
    app.add_option("-w,--wsuri", wsuri, "server URL when the spec lists none (with -m)");

    TestServerConfig ts;
    std::vector<std::string> urls, agents;
    auto* test_server = app.add_subcommand("test-server", "Test WebSocket servers (Autobahn's fuzzingclient)");
    test_server->add_option("url", urls, "ws:// URL of a server under test")->required();
    test_server->add_option("--cases", ts.cases, "case ID patterns to run (Autobahn globs)");
    test_server->add_option("--exclude", ts.exclude, "case ID patterns to leave out");
    test_server->add_option("--agent", agents, "agent name per URL (default: its Server header)");
    test_server->add_option("--jobs,-j", ts.jobs, "cases run at once")->check(CLI::Range(1u, 1024u));
    test_server->add_option("--outdir", ts.outdir, "report folder")->capture_default_str();
    test_server->add_option("--timeout", ts.timeout_s, "stop the whole run after S seconds")
        ->check(CLI::PositiveNumber);
    test_server->add_option("--case-timeout", ts.case_timeout_s,
                            "hard limit on any single case, in seconds")
        ->check(CLI::PositiveNumber);
    test_server->add_flag("--strict", ts.strict, "NON-STRICT and INFORMATIONAL count as failures");
    test_server->add_flag("--quiet,-q", ts.quiet, "print only the summary");
    test_server->add_option("--baseline", ts.baseline,
                            "an earlier index.json or report folder: only regressions fail");
    test_server->add_option("--color", ts.color, "auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));

    std::string listen = "127.0.0.1:9001";
    std::size_t max_message = 64u << 20;
    unsigned threads = 2;
    auto* serve = app.add_subcommand("serve", "Run the built-in strict reference echo server");
    serve->add_option("--listen", listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    serve->add_option("--max-message", max_message, "largest message accepted, in bytes")
        ->check(CLI::Range(std::size_t{1}, std::size_t{1} << 32));
    serve->add_option("--threads", threads, "I/O threads")->check(CLI::Range(1u, 64u));
    ServeDeflateFlags serve_deflate;
    serve->add_flag("--no-deflate", serve_deflate.off, "never accept permessage-deflate");
    serve->add_flag("--deflate-server-no-context-takeover",
                    serve_deflate.server_no_context_takeover,
                    "reset our compression context after every message");
    serve->add_flag("--deflate-client-no-context-takeover",
                    serve_deflate.client_no_context_takeover,
                    "ask clients to reset theirs (client_no_context_takeover)");
    serve->add_option("--deflate-client-max-window-bits", serve_deflate.client_max_window_bits,
                      "ask clients that allow it for this window size (client_max_window_bits)")
        ->check(CLI::Range(9, 15));
    serve->add_flag("--deflate-recompress", serve_deflate.recompress,
                    "compress every echo ourselves, even where the client's own compressed "
                    "bytes would do");
    serve->add_option("--deflate-level", serve_deflate.level, "zlib level of the echoes we compress")
        ->check(CLI::Range(0, 9))
        ->capture_default_str();

    TestClientConfig tc;
    bool no_host_check = false;
    auto* test_client = app.add_subcommand(
        "test-client", "Test WebSocket clients (Autobahn's fuzzingserver and its URL protocol)");
    test_client->add_option("--listen", tc.listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    test_client->add_option("--cases", tc.cases, "case ID patterns to serve (Autobahn globs)");
    test_client->add_option("--exclude", tc.exclude, "case ID patterns to leave out");
    test_client->add_option("--outdir", tc.outdir, "report folder")->capture_default_str();
    test_client->add_option("--run", tc.run_command,
                            "start the client under test: a shell command where {url} and "
                            "{agent} are replaced");
    test_client->add_option("--agent", tc.agent, "what {agent} becomes in --run")
        ->capture_default_str();
    test_client->add_option("--exit-after-agents", tc.exit_after_agents,
                            "stop after this many agents called /updateReports");
    test_client->add_option("--timeout", tc.timeout_s,
                            "stop after S seconds (with --run: default 3600)")
        ->check(CLI::PositiveNumber);
    test_client->add_flag("--no-host-check", no_host_check,
                          "accept any Host header (Autobahn insists on the listening port)");
    test_client->add_flag("--strict", tc.strict, "NON-STRICT and INFORMATIONAL count as failures");
    test_client->add_flag("--quiet,-q", tc.quiet, "print only the summary");
    test_client->add_option("--baseline", tc.baseline,
                            "an earlier index.json or report folder: only regressions fail");
    test_client->add_option("--color", tc.color, "auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));

    std::vector<std::string> list_patterns;
    auto* list = app.add_subcommand("list", "List case IDs and titles");
    list->add_option("pattern", list_patterns, "case ID patterns");

    std::vector<ExtraCommand> extras;
    for (const auto& registrar : extra_commands()) extras.push_back(registrar(app));

    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) {  // --help, --help-all, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        std::cerr << "wsconform: " << what << "\n";
        return kExitUsage;
    }

    try {
        if (*test_server) {
            if (agents.size() > urls.size())
                throw UsageError("more --agent names than URLs");
            for (std::size_t i = 0; i < urls.size(); ++i)
                ts.targets.push_back(make_target(urls[i], i < agents.size() ? agents[i] : ""));
            return run_test_server(ts);
        }
        if (*test_client) {
            tc.host_check = !no_host_check;
            return run_test_client(tc);
        }
        if (*serve) return run_serve(listen, max_message, threads, serve_deflate);
        if (*list) return run_list(list_patterns);
        for (const auto& extra : extras)
            if (static_cast<const CLI::App*>(extra.subcommand)->parsed()) return extra.run();
        if (!mode.empty()) {
            if (spec_path.empty()) spec_path = "./" + mode + ".json";
            if (mode == "fuzzingserver") return run_test_client(config_from_server_spec(spec_path));
            return run_test_server(config_from_spec(spec_path, wsuri));
        }
        if (!spec_path.empty() || !wsuri.empty())
            throw UsageError("--spec and --wsuri need --mode fuzzingclient");
        std::cout << app.help();
        return kExitUsage;
    } catch (const UsageError& e) {
        std::cerr << "wsconform: " << e.what() << "\n";
        return kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << "wsconform: " << e.what() << "\n";
        return kExitUsage;
    }
}

}  // namespace wsconform::cli
