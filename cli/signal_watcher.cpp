#include "cli/signal_watcher.h"

#include <pthread.h>

#include <ctime>

namespace wsconform::cli {

SignalWatcher::SignalWatcher(std::function<void()> on_signal) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    // Blocked before the watcher starts, so every thread started from here on inherits it.
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this, on_signal = std::move(on_signal)] {
        timespec tick{0, 100'000'000};
        while (!done_) {
            if (sigtimedwait(&set_, nullptr, &tick) > 0) {
                interrupted_ = true;
                on_signal();
                return;
            }
        }
    });
}

SignalWatcher::~SignalWatcher() {
    done_ = true;
    thread_.join();
    pthread_sigmask(SIG_UNBLOCK, &set_, nullptr);
}

}  // namespace wsconform::cli
