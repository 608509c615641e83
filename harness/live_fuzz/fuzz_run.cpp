// The main loop of `wsconform fuzz URL` (run_live_fuzz): --jobs workers take input indexes in
// turn and run each on a connection of its own; after any input that ended short of an
// orderly close they check that the server is still there. Findings are saved as they come, a
// watcher samples the server's memory (--watch-pid), and a progress line goes out every 5 s.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness/live_fuzz.h"
#include "harness/live_fuzz/client.h"
#include "harness/live_fuzz/finding_file.h"
#include "harness/live_fuzz/liveness.h"

namespace wsconform::harness {

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr milliseconds kSecondLook{100};

// The resident memory of process `pid` in KiB (Linux), 0 when unknown.
std::size_t rss_kb(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    }
    return 0;
}

class FuzzRun {
  public:
    FuzzRun(const LiveFuzzOptions& o, transport::ConnectTarget target, Clock::time_point started)
        : o_(o),
          target_(std::move(target)),
          jobs_(std::max(1u, o.jobs)),
          limit_(o.iterations ? *o.iterations : (o.duration_s ? UINT64_MAX : std::uint64_t{1000})),
          deadline_(o.duration_s ? started + std::chrono::duration_cast<Clock::duration>(
                                                 std::chrono::duration<double>(*o.duration_s))
                                 : Clock::time_point::max()),
          current_(jobs_),
          previous_(jobs_) {}

    // Runs until --iterations or --duration is spent, or the server is gone.
    LiveFuzzSummary run() {
        std::thread monitor;
        if (o_.watch_pid > 0) monitor = std::thread([this] { watch_memory(); });
        std::vector<std::thread> threads;
        for (unsigned w = 0; w < jobs_; ++w) threads.emplace_back([this, w] { work(w); });
        std::thread progress([this] { report_progress(); });
        for (auto& t : threads) t.join();
        workers_done_ = true;
        progress.join();
        monitor_stop_ = true;
        if (monitor.joinable()) monitor.join();
        std::lock_guard lock(mu_);
        summary_.median_latency_ms = median();
        return summary_;
    }

  private:
    void log(const std::string& line) const {
        if (o_.log) o_.log(line);
    }

    // Under mu_.
    double median() const {
        if (latencies_.empty()) return 0.0;
        std::vector<double> v = latencies_;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        return v[v.size() / 2];
    }

    // Saves a finding (under mu_); the inputs are sorted by index.
    void save(FindingKind kind, const std::string& detail, std::vector<LiveInput> inputs) {
        if (summary_.finding_files.size() >= o_.max_findings) return;
        const std::string key = std::string(to_string(kind)) + "|" + detail;
        if (kind != FindingKind::crash && !seen_.insert(key).second) return;
        std::sort(inputs.begin(), inputs.end(),
                  [](const LiveInput& a, const LiveInput& b) { return a.index < b.index; });
        const LiveFinding f{kind, detail, o_.endpoint.url, o_.seed, std::move(inputs)};
        const auto path = live_fuzz::write_finding(o_.out_dir, f).string();
        summary_.finding_files.push_back(path);
        log(std::string("FINDING ") + to_string(kind) + ": " + detail + " -> " + path);
    }

    // A crash: the inputs in flight or just finished on every worker are the suspects.
    void save_crash(unsigned worker, const LiveInput* at, const std::string& detail) {
        std::lock_guard lock(mu_);
        if (stop_.exchange(true)) return;
        std::vector<LiveInput> suspects;
        for (unsigned w = 0; w < jobs_; ++w) {
            if (previous_[w]) suspects.push_back(*previous_[w]);
            if (current_[w] && (w != worker || at != nullptr)) suspects.push_back(*current_[w]);
        }
        if (suspects.empty() && at) suspects.push_back(*at);
        if (suspects.empty()) return;
        save(FindingKind::crash, detail, std::move(suspects));
    }

    // Whether the server is gone after an input that ended short of an orderly close. A
    // crashing process may still accept a connection for a moment after it dropped ours (its
    // listening socket goes last), so a finding that came with a dropped connection gets a
    // second look a little later: it may be the crash's own symptom, not a finding of its own.
    bool server_gone_after(const LiveOutcome& r) const {
        if (live_fuzz::server_down(target_)) return true;
        if (!r.finding || r.finding == FindingKind::crash || !r.dropped) return false;
        std::this_thread::sleep_for(kSecondLook);
        return live_fuzz::server_down(target_);
    }

    void work(unsigned w) {
        while (!stop_ && Clock::now() < deadline_) {
            const std::uint64_t index = next_++;
            if (index >= limit_) break;
            LiveInput in = generate_live_input(o_.seed, index, o_.endpoint, o_.extra_headers);
            {
                std::lock_guard lock(mu_);
                current_[w] = in;
            }
            const LiveOutcome r = live_fuzz::run_input(in, o_, target_);
            {
                std::lock_guard lock(mu_);
                ++summary_.inputs;
                if (r.upgraded) ++summary_.upgraded;
                if (r.pong) ++summary_.probes_answered;
                if (!r.verdict.empty()) ++summary_.verdicts[r.verdict];
            }
            // Anything short of an orderly end: is the server still there?
            if (r.finding || !r.connected || r.dropped) {
                if (server_gone_after(r)) {
                    if (r.finding == FindingKind::crash) {
                        // Refused before this input was sent: the earlier ones are suspects.
                        save_crash(w, nullptr, "server refuses connections");
                    } else {
                        save_crash(w, &in,
                                   "server gone after this input (" +
                                       (r.detail.empty() ? std::string("no detail") : r.detail) +
                                       ")");
                    }
                    break;
                }
                if (r.finding == FindingKind::crash) {
                    std::lock_guard lock(mu_);
                    ++summary_.transient_refusals;  // the input was not sent
                    current_[w].reset();
                    continue;
                }
            }
            std::lock_guard lock(mu_);
            if (r.finding) {
                save(*r.finding, r.detail, {in});
            } else if (r.latency_ms >= 0) {
                ++summary_.answers_timed;
                const double m = median();
                if (latencies_.size() >= 20 && r.latency_ms > o_.slow.count() &&
                    r.latency_ms > o_.slow_factor * m) {
                    std::ostringstream s;
                    s << "answer after " << static_cast<long>(r.latency_ms) << " ms (median " << m
                      << " ms)";
                    save(FindingKind::slow, s.str(), {in});
                }
                if (latencies_.size() < 2000) latencies_.push_back(r.latency_ms);
            }
            previous_[w] = std::move(in);
            current_[w].reset();
        }
    }

    // --watch-pid: the server's peak RSS, and a finding (the inputs in flight) when it passes
    // --peer-rss-limit.
    void watch_memory() {
        while (!monitor_stop_) {
            const std::size_t kb = rss_kb(o_.watch_pid);
            {
                std::lock_guard lock(mu_);
                summary_.peer_peak_rss_kb = std::max(summary_.peer_peak_rss_kb, kb);
                if (o_.peer_rss_limit_mb > 0 && kb > o_.peer_rss_limit_mb * 1024 &&
                    !rss_reported_) {
                    rss_reported_ = true;
                    std::vector<LiveInput> inputs;
                    for (unsigned w = 0; w < jobs_; ++w) {
                        if (current_[w]) inputs.push_back(*current_[w]);
                    }
                    if (!inputs.empty()) {
                        save(FindingKind::peer_memory,
                             "server RSS " + std::to_string(kb / 1024) + " MiB > limit " +
                                 std::to_string(o_.peer_rss_limit_mb) + " MiB",
                             std::move(inputs));
                    }
                }
            }
            std::this_thread::sleep_for(milliseconds(100));
        }
    }

    // A line every 5 s until the workers are done.
    void report_progress() {
        auto last = Clock::now();
        while (!workers_done_) {
            std::this_thread::sleep_for(milliseconds(100));
            if (Clock::now() - last < std::chrono::seconds(5)) continue;
            last = Clock::now();
            std::lock_guard lock(mu_);
            std::ostringstream s;
            s << summary_.inputs << " inputs, " << summary_.upgraded << " upgraded, "
              << summary_.probes_answered << " pongs, median " << median() << " ms, "
              << summary_.finding_files.size() << " finding(s)";
            log(s.str());
        }
    }

    const LiveFuzzOptions& o_;
    const transport::ConnectTarget target_;
    const unsigned jobs_;
    const std::uint64_t limit_;
    const Clock::time_point deadline_;
    std::atomic<std::uint64_t> next_{0};
    std::atomic<bool> stop_{false};
    std::atomic<bool> workers_done_{false};
    std::atomic<bool> monitor_stop_{false};
    std::mutex mu_;  // guards everything below
    LiveFuzzSummary summary_;
    std::vector<double> latencies_;
    std::vector<std::optional<LiveInput>> current_, previous_;
    std::set<std::string> seen_;
    bool rss_reported_ = false;
};

}  // namespace

LiveFuzzSummary run_live_fuzz(const LiveFuzzOptions& o) {
    const auto started = Clock::now();
    auto target = live_fuzz::connect_target(o.endpoint);
    if (!live_fuzz::server_alive(target)) {
        LiveFuzzSummary summary;
        summary.unreachable = true;
        return summary;
    }
    std::filesystem::create_directories(o.out_dir);
    auto summary = FuzzRun(o, std::move(target), started).run();
    summary.seconds = std::chrono::duration<double>(Clock::now() - started).count();
    return summary;
}

}  // namespace wsconform::harness
