// Autobahn|Testsuite's own command line, so that its scripts run unchanged:
//   wsconform -m fuzzingclient [-s fuzzingclient.json] [-w ws://HOST:PORT]   (test-server)
//   wsconform -m fuzzingserver [-s fuzzingserver.json] [-k KEY] [-c CERT]     (test-client)
// That form is the matching subcommand with --spec (autobahn_arguments), so every flag of the
// subcommand works beside it (--baseline, -q, --jobs, --strict, --color ...). The spec files
// are read as they are (spec.h); the flags given on the command line win over them.
#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>

#include "cli/ci_options.h"
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

// The selection and report folder of a spec, where the command line gave none.
template <class Spec>
void apply_common(const CiOptions& o, const Spec& spec, CaseSelection& selection,
                  ReportOptions& report) {
    if (!o.given("--outdir")) report.outdir = spec.outdir;
    if (!o.given("--cases")) selection.cases = spec.cases;
    if (!o.given("--exclude")) selection.exclude = spec.exclude_cases;
    selection.exclude_agent_cases = spec.exclude_agent_cases;
}

// One Autobahn flag and what it becomes: -s FILE -> --spec FILE.
struct FlagMap {
    std::string_view short_name, long_name, ours;
};
constexpr FlagMap kFlags[] = {{"-s", "--spec", "--spec"},
                              {"-w", "--wsuri", "--wsuri"},
                              {"-k", "--key", "--tls-key"},
                              {"-c", "--cert", "--tls-cert"}};

// `arg` as `name` with its value attached ("-sFILE", "--spec=FILE"): the value.
std::optional<std::string> attached_value(const std::string& arg, std::string_view short_name,
                                          std::string_view long_name) {
    if (arg.starts_with(std::string(long_name) + "=")) return arg.substr(long_name.size() + 1);
    if (!arg.starts_with("--") && arg.size() > 2 && arg.starts_with(short_name))
        return arg.substr(2);
    return std::nullopt;
}

}  // namespace

void apply_spec(const CiOptions& o, TestServerConfig& config, const ConnectOptions& connect,
                const std::vector<std::string>& headers) {
    const auto spec = read_spec(read_fuzzingclient_spec, o.spec);
    apply_common(o, spec, config.selection, config.report);
    if (!config.targets.empty()) return;  // URLs on the command line replace the spec's
    for (const auto& s : spec.servers) {
        ServerTarget target{parse_url(s.url, connect), s.agent, headers};
        target.endpoint.tls_name = s.hostname;
        if (!s.origin.empty()) target.extra_headers.push_back("Origin: " + s.origin);
        if (!s.protocols.empty()) {
            std::string list;
            for (const auto& p : s.protocols) list += (list.empty() ? "" : ", ") + p;
            target.extra_headers.push_back("Sec-WebSocket-Protocol: " + list);
        }
        config.targets.push_back(std::move(target));
    }
    if (config.targets.empty() && !o.wsuri.empty())
        config.targets.push_back({parse_url(o.wsuri, connect), "", headers});
    if (config.targets.empty())
        throw UsageError(o.spec + ": \"servers\" is empty and no URL (or -w) was given");
}

void apply_spec(const CiOptions& o, TestClientConfig& config) {
    const auto spec = read_spec(read_fuzzingserver_spec, o.spec);
    apply_common(o, spec, config.selection, config.report);
    std::string error;
    const auto endpoint = harness::parse_ws_url(spec.url, error);
    if (!endpoint) throw UsageError(o.spec + ": \"url\": " + error);
    if (!o.given("--listen")) {
        const bool v6 = endpoint->host.find(':') != std::string::npos;
        config.listen = (v6 ? "[" + endpoint->host + "]" : endpoint->host) + ":" +
                        std::to_string(endpoint->port);
    }
    if (!o.given("--tls-cert")) config.tls_files.cert = spec.cert;
    if (!o.given("--tls-key")) config.tls_files.key = spec.key;
    if (endpoint->secure && config.tls_files.cert.empty())
        throw UsageError(o.spec + ": a wss:// \"url\" needs \"cert\" and \"key\" (or -c/-k)");
    if (!endpoint->secure && !config.tls_files.cert.empty() && !o.given("--tls-cert"))
        throw UsageError(o.spec + ": \"cert\"/\"key\" need a wss:// \"url\"");
}

std::optional<std::vector<std::string>> autobahn_arguments(const std::vector<std::string>& args) {
    std::string mode;
    std::vector<std::string> rest;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const auto& arg = args[i];
        if (arg == "--") {
            rest.insert(rest.end(), args.begin() + static_cast<std::ptrdiff_t>(i), args.end());
            break;
        }
        if ((arg == "-m" || arg == "--mode") && i + 1 < args.size()) {
            mode = args[++i];
        } else if (const auto v = attached_value(arg, "-m", "--mode")) {
            mode = *v;
        } else {
            rest.push_back(arg);
        }
    }
    if (mode != "fuzzingclient" && mode != "fuzzingserver") return std::nullopt;
    std::vector<std::string> out{mode == "fuzzingclient" ? "test-server" : "test-client"};
    bool spec = false;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        const auto& arg = rest[i];
        const FlagMap* flag = nullptr;
        std::optional<std::string> value;
        for (const auto& f : kFlags) {
            if (arg == f.short_name || arg == f.long_name) {
                flag = &f;
                if (i + 1 < rest.size()) value = rest[++i];
            } else if ((value = attached_value(arg, f.short_name, f.long_name))) {
                flag = &f;
            }
            if (flag) break;
        }
        if (!flag) {
            out.push_back(arg);
            continue;
        }
        spec = spec || flag->ours == "--spec";
        out.emplace_back(flag->ours);
        if (value) out.push_back(*value);
    }
    if (!spec) {
        out.emplace_back("--spec");
        out.push_back("./" + mode + ".json");
    }
    return out;
}

Command autobahn_mode(CLI::App& app) {
    // Shown in --help; a command line with -m fuzzingclient|fuzzingserver never gets here
    // (autobahn_arguments made it the subcommand's), so these are only ever given wrongly.
    struct Options {
        std::string mode, spec_path, wsuri, key, cert;
    };
    auto o = std::make_shared<Options>();
    app.add_option("-m,--mode", o->mode,
                   "Autobahn mode: fuzzingclient (test-server) or fuzzingserver (test-client); "
                   "every flag of that subcommand works beside it")
        ->check(CLI::IsMember({"fuzzingclient", "fuzzingserver"}));
    app.add_option("-s,--spec", o->spec_path, "Autobahn spec file (with -m)");
    app.add_option("-w,--wsuri", o->wsuri, "server URL when the spec lists none (with -m)");
    app.add_option("-k,--key", o->key, "TLS private key (with -m fuzzingserver)");
    app.add_option("-c,--cert", o->cert, "TLS certificate (with -m fuzzingserver)");
    return {[o] {
                return !o->mode.empty() || !o->spec_path.empty() || !o->wsuri.empty() ||
                       !o->key.empty() || !o->cert.empty();
            },
            []() -> int { throw UsageError("--spec and --wsuri need --mode fuzzingclient"); }};
}

}  // namespace wsconform::cli
