#include "cli/child_process.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <stdexcept>

namespace wsconform::cli {

ChildProcess::ChildProcess(const std::string& command) {
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("cannot start --run command: fork failed");
    if (pid_ == 0) {
        setpgid(0, 0);
        // The parent blocks SIGINT and SIGTERM (SignalWatcher); the client must not.
        sigset_t none;
        sigemptyset(&none);
        pthread_sigmask(SIG_SETMASK, &none, nullptr);
        execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    setpgid(pid_, pid_);
}

bool ChildProcess::poll() {
    if (ended_) return true;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        ended_ = true;
        status_ = status;
    }
    return ended_;
}

void ChildProcess::kill_group() {
    if (ended_) return;
    ::kill(-pid_, SIGTERM);
    for (int i = 0; i < 20 && !poll(); ++i) usleep(100'000);
    if (!ended_) {
        ::kill(-pid_, SIGKILL);
        while (!poll()) usleep(50'000);
    }
}

std::string ChildProcess::failure() const {
    if (!ended_) return "still running";
    if (WIFEXITED(status_)) {
        return WEXITSTATUS(status_) == 0
                   ? ""
                   : "exited with status " + std::to_string(WEXITSTATUS(status_));
    }
    if (WIFSIGNALED(status_)) return "was killed by signal " + std::to_string(WTERMSIG(status_));
    return "ended abnormally";
}

}  // namespace wsconform::cli
