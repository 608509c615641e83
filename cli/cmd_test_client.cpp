// `wsconform test-client --listen ADDR [--run COMMAND]`: its options (test_client.h runs it).
#include <CLI/CLI.hpp>

#include "cli/ci_options.h"
#include "cli/commands.h"
#include "cli/limit_options.h"
#include "cli/options.h"
#include "cli/test_client.h"

namespace wsconform::cli {

namespace {

struct TestClientOptions {
    TestClientConfig config;
    bool no_host_check = false;
    CiOptions ci;
};

CLI::App* test_client_subcommand(CLI::App& app, TestClientOptions& o) {
    auto* sub = app.add_subcommand(
        "test-client", "Test WebSocket clients (Autobahn's fuzzingserver and its URL protocol)");
    auto& c = o.config;
    sub->add_option("--listen", c.listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    add_case_options(*sub, c.selection, "serve");
    sub->add_option("--outdir", c.report.outdir, "report folder")->capture_default_str();
    sub->add_flag("--merge", c.report.merge,
                  "keep the report folder's earlier results (default: this run replaces them)");
    sub->add_option("--run", c.run_command,
                    "start the client under test: a shell command where {url}, {agent} "
                    "and (with --tls) {ca} are replaced");
    sub->add_option("--agent", c.agent, "what {agent} becomes in --run")->capture_default_str();
    add_whole_option(*sub, "--exit-after-agents", c.exit_after_agents, {1, 1e6},
                     "stop after this many agents called /updateReports");
    add_number_option(*sub, "--timeout", c.timeout_s, kRunTimeout,
                      "stop after S seconds (with --run: default 3600)");
    add_time_scale_option(*sub, c.time_scale);
    add_limit_threshold_options(*sub, c.limits);
    sub->add_flag("--no-host-check", o.no_host_check,
                  "accept any Host header (Autobahn insists on the listening port)");
    add_verdict_options(*sub, c.report);
    sub->add_flag("--tls", c.tls,
                  "serve wss://; without --tls-cert, with a throwaway CA written to "
                  "<outdir>/wsconform-ca.pem");
    add_server_tls_options(*sub, c.tls_files);
    sub->add_flag("--http2", c.http2,
                  "speak HTTP/2 too (RFC 8441): h2c by prior knowledge, ALPN h2 with --tls; "
                  "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, each extended CONNECT a request of the "
                  "URL protocol, GET / the browser driver page");
    add_ci_options(*sub, o.ci, "fuzzingserver");
    return sub;
}

int run_parsed(const TestClientOptions& o) {
    TestClientConfig config = o.config;
    config.host_check = !o.no_host_check;
    if (!o.ci.spec.empty()) apply_spec(o.ci, config);
    return run_with_ci_options(o.ci, config.selection.cases, config.report.outdir, "client",
                               config.tls || !config.tls_files.cert.empty(),
                               [&] { return run_test_client(config); });
}

}  // namespace

Command test_client_command(CLI::App& app) {
    return add_command<TestClientOptions>(app, test_client_subcommand, run_parsed);
}

}  // namespace wsconform::cli
