// `wsconform replay FILE URL`: a finding of `wsconform fuzz` replayed against a server.
//
// Exit codes: 1 the finding reproduces, 0 it does not, 2 usage or a bad file, 3 server
// unreachable before the first input.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "harness/live_fuzz.h"

namespace wsconform::cli {

namespace {

struct ReplayOptions {
    std::string file, url;
    double timeout_s = 5;
    ConnectOptions connect;
    RequestHeaderOptions headers;  // also what puts back a recorded "<redacted>" value
};

int run_replay(const ReplayOptions& c) {
    std::ifstream in(c.file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + c.file);
    std::stringstream text;
    text << in.rdbuf();
    const harness::LiveFinding f = harness::finding_from_json(text.str());
    harness::LiveFuzzOptions o;
    o.endpoint = parse_url(c.url, c.connect);
    o.extra_headers = request_header_lines(c.headers);
    o.timeout = seconds_to_ms(c.timeout_s);
    if (!harness::server_alive(o.endpoint)) {
        std::cerr << "wsconform replay: " << unreachable_reason(o.endpoint) << "\n";
        return kExitUnreachable;
    }
    std::cerr << "wsconform replay: " << harness::to_string(f.kind) << " (" << f.detail << "), "
              << f.inputs.size() << " input(s), against " << o.endpoint.url << "\n";
    const auto r = harness::replay_live_finding(f, o);
    std::cout << (r.reproduced ? "REPRODUCED: " : "not reproduced: ") << r.detail << "\n";
    return r.reproduced ? kExitFailures : kExitOk;
}

CLI::App* replay_subcommand(CLI::App& app, ReplayOptions& o) {
    auto* sub = app.add_subcommand(
        "replay", "Replay a finding of `wsconform fuzz` (exit 1 if it reproduces, 0 if not)");
    sub->add_option("file", o.file, "finding file (JSON)")->required();
    sub->add_option("url", o.url, "ws:// or wss:// URL of the server")->required();
    add_answer_timeout_option(*sub, o.timeout_s, "seconds an owed answer may take");
    add_connect_options(*sub, o.connect);
    add_request_header_options(*sub, o.headers);
    return sub;
}

}  // namespace

Command replay_command(CLI::App& app) {
    return add_command<ReplayOptions>(app, replay_subcommand, run_replay);
}

}  // namespace wsconform::cli
