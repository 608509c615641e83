// Autobahn|Testsuite's own command line, so that its scripts run unchanged:
//   wsconform -m fuzzingclient [-s fuzzingclient.json] [-w ws://HOST:PORT]   (test-server)
//   wsconform -m fuzzingserver [-s fuzzingserver.json]                        (test-client)
// The spec files are read as they are (spec.h).
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/options.h"
#include "cli/spec.h"
#include "cli/test_client.h"
#include "cli/test_server.h"

namespace wsconform::cli {

namespace {

// A spec file read with `read` (spec.h): what is wrong with it is a usage error; its warnings
// (unknown keys) go to stderr, a line each.
template <class Read>
auto read_spec(Read read, const std::string& spec_path) {
    try {
        auto spec = read(spec_path);
        for (const auto& w : spec.warnings) std::cerr << "wsconform: warning: " << w << "\n";
        return spec;
    } catch (const std::exception& e) {
        throw UsageError(e.what());
    }
}

TestServerConfig config_from_spec(const std::string& spec_path, const std::string& wsuri) {
    const auto spec = read_spec(read_fuzzingclient_spec, spec_path);
    TestServerConfig config;
    config.report.outdir = spec.outdir;
    config.selection = {spec.cases, spec.exclude_cases, spec.exclude_agent_cases};
    for (const auto& s : spec.servers) {
        ConnectOptions connect;
        ServerTarget target{parse_url(s.url, connect), s.agent, {}};
        target.endpoint.tls_name = s.hostname;
        if (!s.origin.empty()) target.extra_headers.push_back("Origin: " + s.origin);
        if (!s.protocols.empty()) {
            std::string list;
            for (const auto& p : s.protocols) list += (list.empty() ? "" : ", ") + p;
            target.extra_headers.push_back("Sec-WebSocket-Protocol: " + list);
        }
        config.targets.push_back(std::move(target));
    }
    if (config.targets.empty() && !wsuri.empty()) {
        config.targets.push_back({parse_url(wsuri), "", {}});
    }
    if (config.targets.empty()) {
        throw UsageError(spec_path + ": \"servers\" is empty and no --wsuri was given");
    }
    return config;
}

TestClientConfig config_from_server_spec(const std::string& spec_path, const std::string& key,
                                         const std::string& cert) {
    const auto spec = read_spec(read_fuzzingserver_spec, spec_path);
    std::string error;
    const auto endpoint = harness::parse_ws_url(spec.url, error);
    if (!endpoint) throw UsageError(spec_path + ": \"url\": " + error);
    TestClientConfig config;
    const bool v6 = endpoint->host.find(':') != std::string::npos;
    config.listen =
        (v6 ? "[" + endpoint->host + "]" : endpoint->host) + ":" + std::to_string(endpoint->port);
    config.tls_files = {.cert = cert.empty() ? spec.cert : cert,
                        .key = key.empty() ? spec.key : key};
    if (endpoint->secure && config.tls_files.cert.empty())
        throw UsageError(spec_path + ": a wss:// \"url\" needs \"cert\" and \"key\" (or -c/-k)");
    if (!endpoint->secure && !config.tls_files.cert.empty())
        throw UsageError(spec_path + ": \"cert\"/\"key\" need a wss:// \"url\"");
    config.report.outdir = spec.outdir;
    config.selection = {spec.cases, spec.exclude_cases, spec.exclude_agent_cases};
    return config;
}

}  // namespace

Command autobahn_mode(CLI::App& app) {
    struct Options {
        std::string mode, spec_path, wsuri, key, cert;
    };
    auto o = std::make_shared<Options>();
    app.add_option("-m,--mode", o->mode, "Autobahn mode: fuzzingclient")
        ->check(CLI::IsMember({"fuzzingclient", "fuzzingserver"}));
    app.add_option("-s,--spec", o->spec_path, "Autobahn spec file (with -m)");
    app.add_option("-w,--wsuri", o->wsuri, "server URL when the spec lists none (with -m)");
    app.add_option("-k,--key", o->key, "TLS private key (with -m fuzzingserver)");
    app.add_option("-c,--cert", o->cert, "TLS certificate (with -m fuzzingserver)");
    return {[o] {
                return !o->mode.empty() || !o->spec_path.empty() || !o->wsuri.empty() ||
                       !o->key.empty() || !o->cert.empty();
            },
            [o] {
                if (o->mode.empty()) {
                    throw UsageError("--spec and --wsuri need --mode fuzzingclient");
                }
                const std::string spec =
                    o->spec_path.empty() ? "./" + o->mode + ".json" : o->spec_path;
                if (o->mode == "fuzzingserver")
                    return run_test_client(config_from_server_spec(spec, o->key, o->cert));
                return run_test_server(config_from_spec(spec, o->wsuri));
            }};
}

}  // namespace wsconform::cli
