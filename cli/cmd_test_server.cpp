// `wsconform test-server URL... [--agent NAME...]`: its options (test_server.h runs it).
#include <CLI/CLI.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "cli/ci_options.h"
#include "cli/commands.h"
#include "cli/limit_options.h"
#include "cli/options.h"
#include "cli/security_options.h"
#include "cli/test_server.h"

namespace wsconform::cli {

namespace {

struct TestServerOptions {
    TestServerConfig config;
    std::vector<std::string> urls, agents;
    ConnectOptions connect;
    RequestHeaderOptions headers;
    SecurityOptions security;
    std::string profile = "echo";
    CiOptions ci;
};

CLI::App* test_server_subcommand(CLI::App& app, TestServerOptions& o) {
    auto* sub =
        app.add_subcommand("test-server", "Test WebSocket servers (Autobahn's fuzzingclient)");
    auto& c = o.config;
    sub->add_option("url", o.urls,
                    "ws:// or wss:// URL of a server under test (with --spec: instead of its "
                    "servers)");
    add_case_options(*sub, c.selection, "run");
    add_profile_option(*sub, o.profile);
    add_request_header_options(*sub, o.headers);
    sub->add_option("--agent", o.agents, "agent name per URL (default: its Server header)");
    add_whole_option(*sub, "--jobs,-j", c.jobs, {1, 1024}, "cases run at once");
    sub->add_option("--outdir", c.report.outdir, "report folder")->capture_default_str();
    sub->add_flag("--merge", c.report.merge,
                  "keep the report folder's earlier results (default: this run replaces them)");
    add_number_option(*sub, "--timeout", c.timeout_s, kRunTimeout,
                      "stop the whole run after S seconds");
    add_number_option(*sub, "--case-timeout", c.case_timeout_s, kCaseTimeout,
                      "hard limit on any single case, in seconds");
    add_time_scale_option(*sub, c.time_scale);
    add_limit_threshold_options(*sub, c.limits);
    add_verdict_options(*sub, c.report);
    add_connect_options(*sub, o.connect);
    add_security_options(*sub, o.security);
    add_ci_options(*sub, o.ci, "fuzzingclient");
    return sub;
}

int run_parsed(const TestServerOptions& o) {
    if (o.urls.empty() && o.ci.spec.empty())
        throw UsageError("test-server: give the URL of a server (or --spec FILE)");
    if (o.agents.size() > o.urls.size()) throw UsageError("more --agent names than URLs");
    TestServerConfig config = o.config;
    config.profile = parse_profile_option(o.profile);
    const auto headers = request_header_lines(o.headers);
    harness::set_security_settings(security_settings_from(o.security));
    for (std::size_t i = 0; i < o.urls.size(); ++i) {
        config.targets.push_back(
            {parse_url(o.urls[i], o.connect), i < o.agents.size() ? o.agents[i] : "", headers});
    }
    if (!o.ci.spec.empty()) apply_spec(o.ci, config, o.connect, headers);
    const bool tls = std::any_of(config.targets.begin(), config.targets.end(),
                                 [](const ServerTarget& t) { return t.endpoint.secure; });
    return run_with_ci_options(o.ci, config.selection.cases, config.report.outdir, "server", tls,
                               [&] { return run_test_server(config); });
}

}  // namespace

Command test_server_command(CLI::App& app) {
    return add_command<TestServerOptions>(app, test_server_subcommand, run_parsed);
}

}  // namespace wsconform::cli
