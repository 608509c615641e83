// `wsconform fuzz URL` (harness/live_fuzz.h, docs/fuzzing.md): mutated handshakes and frame
// sequences sent to a live server, each finding saved as a file `wsconform replay` replays.
//
// Exit codes: 0 no finding, 1 findings (files in --out), 2 usage, 3 server unreachable.
#include <CLI/CLI.hpp>

#include <chrono>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "harness/live_fuzz.h"

namespace wsconform::cli {

namespace {

struct FuzzOptions {
    std::string url;
    std::uint64_t seed = 1;
    std::uint64_t iterations = 0;
    double duration = 0;
    unsigned jobs = 1;
    std::string out = "./wsconform-fuzz";
    double timeout_s = 5;
    double slow_ms = 2000;
    int watch_pid = 0;
    std::size_t peer_rss_limit_mb = 0;
    bool quiet = false;
    ConnectOptions connect;
    RequestHeaderOptions headers;
};

int run_fuzz(const FuzzOptions& c) {
    harness::LiveFuzzOptions o;
    o.endpoint = parse_url(c.url, c.connect);
    o.extra_headers = request_header_lines(c.headers);
    o.seed = c.seed;
    if (c.iterations > 0) o.iterations = c.iterations;
    if (c.duration > 0) o.duration_s = c.duration;
    o.jobs = c.jobs;
    o.out_dir = c.out;
    o.timeout = seconds_to_ms(c.timeout_s);
    o.slow = std::chrono::milliseconds(static_cast<long>(c.slow_ms));
    o.watch_pid = c.watch_pid;
    o.peer_rss_limit_mb = c.peer_rss_limit_mb;
    auto mu = std::make_shared<std::mutex>();
    if (!c.quiet) {
        o.log = [mu](const std::string& line) {
            std::lock_guard lock(*mu);
            std::cerr << "wsconform fuzz: " << line << "\n";
        };
    }
    std::cerr << "wsconform fuzz: " << o.endpoint.url << ", seed " << o.seed << ", "
              << (o.iterations   ? std::to_string(*o.iterations) + " inputs"
                  : o.duration_s ? std::to_string(c.duration) + " s"
                                 : std::string("1000 inputs"))
              << ", " << o.jobs << " job(s), findings to " << o.out_dir << "\n";
    const auto s = harness::run_live_fuzz(o);
    if (s.unreachable) {
        std::cerr << "wsconform fuzz: " << unreachable_reason(o.endpoint) << "\n";
        return kExitUnreachable;
    }
    std::ostringstream line;
    line << s.inputs << " inputs in " << static_cast<long>(s.seconds) << " s, " << s.upgraded
         << " upgraded, " << s.probes_answered << " probe pings answered, median answer "
         << s.median_latency_ms << " ms; sent sequences:";
    for (const auto& [verdict, n] : s.verdicts) line << " " << n << " " << verdict;
    if (s.transient_refusals > 0) line << ", " << s.transient_refusals << " transient refusals";
    if (o.watch_pid > 0) line << ", server peak RSS " << s.peer_peak_rss_kb / 1024 << " MiB";
    line << ", " << s.finding_files.size() << " finding(s)";
    std::cout << line.str() << "\n";
    for (const auto& f : s.finding_files) std::cout << "  " << f << "\n";
    return s.finding_files.empty() ? kExitOk : kExitFailures;
}

CLI::App* fuzz_subcommand(CLI::App& app, FuzzOptions& c) {
    auto* sub = app.add_subcommand(
        "fuzz",
        "Send mutated handshakes and frame sequences to a live server; report crashes, hangs, "
        "protocol violations and slow answers, each saved as a replayable file");
    sub->add_option("url", c.url, "ws:// or wss:// URL of the server")->required();
    add_whole_option(*sub, "--seed", c.seed, {0, 1.8e19}, "the inputs depend only on this")
        ->capture_default_str();
    auto* iterations = add_whole_option(*sub, "--iterations", c.iterations, {1, 1e12},
                                        "inputs to send (default 1000)");
    add_number_option(*sub, "--duration", c.duration, {1, 604800, "s"}, "send inputs for S seconds")
        ->excludes(iterations);
    add_whole_option(*sub, "--jobs,-j", c.jobs, {1, 64}, "connections at once");
    sub->add_option("--out", c.out, "folder for finding files")->capture_default_str();
    add_request_header_options(*sub, c.headers);
    add_answer_timeout_option(*sub, c.timeout_s, "seconds an owed answer may take (else: hang)");
    add_connect_options(*sub, c.connect);
    add_number_option(*sub, "--slow-ms", c.slow_ms, {1, 600000, "ms"},
                      "an owed answer slower than this and 50x the median is reported as slow")
        ->capture_default_str();
    add_whole_option(*sub, "--watch-pid", c.watch_pid, {1, 4194304},
                     "server process to watch (peak RSS, Linux)");
    add_whole_option(*sub, "--peer-rss-limit", c.peer_rss_limit_mb, {1, 1048576, "MiB"},
                     "with --watch-pid: report when the server's RSS passes this many MiB");
    sub->add_flag("--quiet,-q", c.quiet, "no progress lines");
    return sub;
}

}  // namespace

Command fuzz_command(CLI::App& app) {
    return add_command<FuzzOptions>(app, fuzz_subcommand, run_fuzz);
}

}  // namespace wsconform::cli
