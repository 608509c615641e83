// Running the `wsconform` command line (and other programs) from tests: a child process with
// its output in files, a run to its end, and a port where nothing listens.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace wsconform::test_support {

// A program run with stdin from /dev/null and stdout, stderr into `<dir>/<name>.out` and
// `<dir>/<name>.err`. The destructor kills it (SIGKILL) if it still runs.
class ChildProcess {
  public:
    ChildProcess(const std::string& program, const std::vector<std::string>& args,
                 const std::filesystem::path& dir, const std::string& name = "cli");
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    pid_t pid() const noexcept { return pid_; }
    // Waits for "listening on ws://127.0.0.1:PORT/" on stdout: the port, or 0 when the
    // program ended or `timeout` passed first.
    std::uint16_t wait_for_port(std::chrono::milliseconds timeout);
    // Waits for the end: the exit status, 128 + the signal when killed by one, or -1 when it
    // still ran after `timeout` (it is then killed).
    int wait(std::chrono::milliseconds timeout);
    bool running();
    // Seconds from start to the end seen by wait() (or to now).
    double seconds() const;
    std::string out() const;
    std::string err() const;
    // A "VmHWM"/"VmRSS"-style line of /proc/PID/status, in kB (0 when not available).
    long status_kb(std::string_view key) const;

  private:
    pid_t pid_ = -1;
    bool ended_ = false;
    int code_ = -1;
    std::chrono::steady_clock::time_point started_, ended_at_;
    std::filesystem::path out_path_, err_path_;
};

// How a program run to its end went.
struct ProgramRun {
    int code = -1;  // as ChildProcess::wait returns it: -1 when killed at `safety`
    std::string out;
    std::string err;
    double seconds = 0;
};

// Runs `program` with `args` to its end (killed after `safety`); its output goes to
// `<dir>/<name>.out` and `.err` and comes back in the result.
ProgramRun run_to_end(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& dir,
                      std::chrono::milliseconds safety = std::chrono::seconds(60),
                      const std::string& name = "cli");

// A port on 127.0.0.1 where nothing listens right now: bound once to get it, then closed.
std::uint16_t closed_port();

}  // namespace wsconform::test_support
