// The live progress line on a terminal: "[ 37/247] ✘ 2 failed · 0:12 elapsed · ETA 0:41",
// redrawn in place as cases end (and once a second while they run). Lines printed through
// print_above() appear above it. When disabled (not a TTY, --quiet) it prints nothing and
// print_above() just prints.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <iosfwd>
#include <mutex>
#include <string>
#include <thread>

#include "harness/model/events.h"

namespace wsconform::reports {

class ProgressLine {
  public:
    // `total` 0: unknown (no ETA). `color`: ANSI colour in the line.
    ProgressLine(std::ostream& out, bool enabled, bool color, std::size_t total = 0);
    ~ProgressLine();  // finish()
    ProgressLine(const ProgressLine&) = delete;
    ProgressLine& operator=(const ProgressLine&) = delete;

    bool enabled() const noexcept { return enabled_; }

    // Thread-safe. More cases to expect (e.g. the next agent's).
    void add_total(std::size_t n);
    // Thread-safe. One more case finished with this outcome; redraws.
    void case_done(harness::Outcome outcome);
    // Thread-safe. Clears the line, lets `print` write whole lines, redraws.
    void print_above(const std::function<void(std::ostream&)>& print);
    // Clears the line and stops the ticker; later calls draw nothing. Idempotent.
    void finish();

    // The line's text (no colour, no control characters), for tests.
    static std::string render(std::size_t done, std::size_t total, std::size_t failed,
                              std::chrono::steady_clock::duration elapsed, bool color);

  private:
    void draw_locked();
    void clear_locked();

    std::ostream& out_;
    const bool enabled_;
    const bool color_;
    const std::chrono::steady_clock::time_point started_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::size_t total_ = 0;   // guarded by mutex_
    std::size_t done_ = 0;    // guarded by mutex_
    std::size_t failed_ = 0;  // guarded by mutex_
    bool drawn_ = false;      // guarded by mutex_: the line is on screen
    bool finished_ = false;   // guarded by mutex_
    std::thread ticker_;
};

}  // namespace wsconform::reports
