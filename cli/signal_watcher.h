// SIGINT and SIGTERM, taken in one place: while a SignalWatcher lives, both are blocked in
// every thread and a watcher thread waits for them. The first one calls `on_signal` once (the
// run then stops cleanly and its report stays valid); the exit code is then 1.
#pragma once

#include <signal.h>

#include <atomic>
#include <functional>
#include <thread>

namespace wsconform::cli {

class SignalWatcher {
  public:
    explicit SignalWatcher(std::function<void()> on_signal);
    ~SignalWatcher();
    SignalWatcher(const SignalWatcher&) = delete;
    SignalWatcher& operator=(const SignalWatcher&) = delete;

    bool interrupted() const noexcept { return interrupted_; }

  private:
    sigset_t set_;
    std::atomic<bool> done_{false};
    std::atomic<bool> interrupted_{false};
    std::thread thread_;
};

}  // namespace wsconform::cli
