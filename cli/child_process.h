// The client under test that `test-client --run` starts: a shell command (/bin/sh -c) in a
// process group of its own, so that a hang can be ended with everything it spawned.
#pragma once

#include <sys/types.h>

#include <string>

namespace wsconform::cli {

class ChildProcess {
  public:
    // Starts `command`; throws std::runtime_error when it cannot.
    explicit ChildProcess(const std::string& command);
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    // Polls without blocking; true once the child has ended.
    bool poll();
    // SIGTERM to the whole group, SIGKILL 2 s later if it still runs; returns once it ended.
    void kill_group();
    // Empty when the child exited with status 0, else how it ended ("exited with status 3").
    std::string failure() const;

  private:
    pid_t pid_ = -1;
    bool ended_ = false;
    int status_ = 0;
};

}  // namespace wsconform::cli
