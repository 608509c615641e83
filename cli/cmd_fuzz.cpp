// `wsconform fuzz URL` and `wsconform replay FILE URL` (harness/live_fuzz.h, docs/fuzzing.md).
//
// fuzz exit codes: 0 no finding, 1 findings (files in --out), 2 usage, 3 server unreachable.
// replay exit codes: 1 the finding reproduces, 0 it does not, 2 usage or a bad file,
// 3 server unreachable before the first input.
#include <CLI/CLI.hpp>

#include <fstream>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>

#include "cli/commands.h"
#include "harness/endpoint.h"
#include "harness/live_fuzz.h"

namespace wsconform::cli {
namespace {

harness::Endpoint endpoint_or_throw(const std::string& url) {
    std::string error;
    auto ep = harness::parse_ws_url(url, error);
    if (!ep) throw std::runtime_error(error);
    if (ep->secure) throw std::runtime_error("wss:// is not supported by the live fuzzer yet");
    return *ep;
}

struct FuzzCli {
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
};

int run_fuzz(const FuzzCli& c) {
    harness::LiveFuzzOptions o;
    o.endpoint = endpoint_or_throw(c.url);
    o.seed = c.seed;
    if (c.iterations > 0) o.iterations = c.iterations;
    if (c.duration > 0) o.duration_s = c.duration;
    o.jobs = c.jobs;
    o.out_dir = c.out;
    o.timeout = std::chrono::milliseconds(static_cast<long>(c.timeout_s * 1000));
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
        std::cerr << "wsconform fuzz: cannot connect to " << o.endpoint.url << "\n";
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

int run_replay(const std::string& file, const std::string& url, double timeout_s) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + file);
    std::stringstream text;
    text << in.rdbuf();
    const harness::LiveFinding f = harness::finding_from_json(text.str());
    harness::LiveFuzzOptions o;
    o.endpoint = endpoint_or_throw(url);
    o.timeout = std::chrono::milliseconds(static_cast<long>(timeout_s * 1000));
    if (!harness::server_alive(o.endpoint)) {
        std::cerr << "wsconform replay: cannot connect to " << o.endpoint.url << "\n";
        return kExitUnreachable;
    }
    std::cerr << "wsconform replay: " << harness::to_string(f.kind) << " (" << f.detail << "), "
              << f.inputs.size() << " input(s), against " << o.endpoint.url << "\n";
    const auto r = harness::replay_live_finding(f, o);
    std::cout << (r.reproduced ? "REPRODUCED: " : "not reproduced: ") << r.detail << "\n";
    return r.reproduced ? kExitFailures : kExitOk;
}

}  // namespace

ExtraCommand fuzz_command(CLI::App& app) {
    auto c = std::make_shared<FuzzCli>();
    auto* sub = app.add_subcommand(
        "fuzz",
        "Send mutated handshakes and frame sequences to a live server; report crashes, hangs, "
        "protocol violations and slow answers, each saved as a replayable file");
    sub->add_option("url", c->url, "ws:// URL of the server")->required();
    sub->add_option("--seed", c->seed, "the inputs depend only on this")->capture_default_str();
    auto* iterations =
        sub->add_option("--iterations", c->iterations, "inputs to send (default 1000)")
            ->check(CLI::PositiveNumber);
    sub->add_option("--duration", c->duration, "send inputs for S seconds")
        ->check(CLI::PositiveNumber)
        ->excludes(iterations);
    sub->add_option("--jobs,-j", c->jobs, "connections at once")->check(CLI::Range(1u, 64u));
    sub->add_option("--out", c->out, "folder for finding files")->capture_default_str();
    sub->add_option("--timeout", c->timeout_s, "seconds an owed answer may take (else: hang)")
        ->check(CLI::Range(0.05, 600.0))
        ->capture_default_str();
    sub->add_option("--slow-ms", c->slow_ms,
                    "an owed answer slower than this and 50x the median "
                    "is reported as slow")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    sub->add_option("--watch-pid", c->watch_pid, "server process to watch (peak RSS, Linux)")
        ->check(CLI::PositiveNumber);
    sub->add_option("--peer-rss-limit", c->peer_rss_limit_mb,
                    "with --watch-pid: report when the server's RSS passes this many MiB")
        ->check(CLI::PositiveNumber);
    sub->add_flag("--quiet,-q", c->quiet, "no progress lines");
    return {sub, [c] { return run_fuzz(*c); }};
}

ExtraCommand replay_command(CLI::App& app) {
    struct Options {
        std::string file, url;
        double timeout_s = 5;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(
        "replay", "Replay a finding of `wsconform fuzz` (exit 1 if it reproduces, 0 if not)");
    sub->add_option("file", o->file, "finding file (JSON)")->required();
    sub->add_option("url", o->url, "ws:// URL of the server")->required();
    sub->add_option("--timeout", o->timeout_s, "seconds an owed answer may take")
        ->check(CLI::Range(0.05, 600.0))
        ->capture_default_str();
    return {sub, [o] { return run_replay(o->file, o->url, o->timeout_s); }};
}

}  // namespace wsconform::cli
