#include "reports/progress.h"

#include <cstdio>
#include <ostream>

namespace wsconform::reports {

namespace {

std::string clock_text(std::chrono::steady_clock::duration d) {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(d).count();
    char buf[32];
    if (s >= 3600)
        std::snprintf(buf, sizeof buf, "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
                      static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
    else
        std::snprintf(buf, sizeof buf, "%lld:%02lld", static_cast<long long>(s / 60),
                      static_cast<long long>(s % 60));
    return buf;
}

}  // namespace

ProgressLine::ProgressLine(std::ostream& out, bool enabled, bool color, std::size_t total)
    : out_(out),
      enabled_(enabled),
      color_(color),
      started_(std::chrono::steady_clock::now()),
      total_(total) {
    if (!enabled_) return;
    ticker_ = std::thread([this] {
        std::unique_lock lock(mutex_);
        while (!finished_) {
            if (wake_.wait_for(lock, std::chrono::seconds(1)) == std::cv_status::timeout &&
                !finished_)
                draw_locked();
        }
    });
}

ProgressLine::~ProgressLine() {
    finish();
}

void ProgressLine::add_total(std::size_t n) {
    std::lock_guard lock(mutex_);
    total_ += n;
    if (enabled_ && !finished_) draw_locked();
}

void ProgressLine::case_done(harness::Outcome outcome) {
    std::lock_guard lock(mutex_);
    ++done_;
    if (outcome == harness::Outcome::fail) ++failed_;
    if (enabled_ && !finished_) draw_locked();
}

void ProgressLine::print_above(const std::function<void(std::ostream&)>& print) {
    std::lock_guard lock(mutex_);
    const bool was_drawn = drawn_;
    if (enabled_) clear_locked();
    print(out_);
    if (enabled_ && was_drawn && !finished_) draw_locked();
    out_ << std::flush;
}

void ProgressLine::finish() {
    {
        std::lock_guard lock(mutex_);
        if (finished_) return;
        finished_ = true;
        if (enabled_) clear_locked();
        out_ << std::flush;
    }
    wake_.notify_all();
    if (ticker_.joinable()) ticker_.join();
}

std::string ProgressLine::render(std::size_t done, std::size_t total, std::size_t failed,
                                 std::chrono::steady_clock::duration elapsed, bool color) {
    std::string line = "[";
    if (total) {
        const std::string t = std::to_string(total), d = std::to_string(done);
        line += std::string(d.size() < t.size() ? t.size() - d.size() : 0, ' ') + d + "/" + t;
    } else {
        line += std::to_string(done) + " done";
    }
    line += "] ";
    const std::string fails = (failed ? "✘ " : "✔ ") + std::to_string(failed) + " failed";
    if (color)
        line += (failed ? "\x1b[31m" : "\x1b[32m") + fails + "\x1b[0m";
    else
        line += fails;
    line += " · " + clock_text(elapsed) + " elapsed";
    if (total && done && done < total) {
        const auto left =
            elapsed * static_cast<long long>(total - done) / static_cast<long long>(done);
        line += " · ETA " + clock_text(left);
    }
    return line;
}

void ProgressLine::draw_locked() {
    const auto elapsed = std::chrono::steady_clock::now() - started_;
    out_ << '\r' << render(done_, total_, failed_, elapsed, color_) << "\x1b[K" << std::flush;
    drawn_ = true;
}

void ProgressLine::clear_locked() {
    if (!drawn_) return;
    out_ << "\r\x1b[K";
    drawn_ = false;
}

}  // namespace wsconform::reports
