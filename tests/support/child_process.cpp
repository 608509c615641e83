#include "tests/support/child_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <thread>

#include "tests/support/temp_dir.h"

namespace wsconform::test_support {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

ChildProcess::ChildProcess(const std::string& program, const std::vector<std::string>& args,
                           const std::filesystem::path& dir, const std::string& name)
    : started_(Clock::now()), out_path_(dir / (name + ".out")), err_path_(dir / (name + ".err")) {
    std::vector<std::string> strings{program};
    strings.insert(strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : strings) argv.push_back(a.data());
    argv.push_back(nullptr);
    const auto out_path = out_path_.string();
    const auto err_path = err_path_.string();
    pid_ = ::fork();
    if (pid_ == 0) {
        // Only async-signal-safe calls until exec.
        const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        const int in = ::open("/dev/null", O_RDONLY);
        if (out < 0 || err < 0 || in < 0) ::_exit(127);
        ::dup2(in, 0);
        ::dup2(out, 1);
        ::dup2(err, 2);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    if (pid_ < 0) ended_ = true;
}

ChildProcess::~ChildProcess() {
    if (!ended_ && pid_ > 0) {
        ::kill(pid_, SIGKILL);
        int status = 0;
        ::waitpid(pid_, &status, 0);
    }
}

bool ChildProcess::running() {
    if (ended_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        ended_ = true;
        ended_at_ = Clock::now();
        code_ = WIFEXITED(status) ? WEXITSTATUS(status)
                                  : (WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1);
    }
    return !ended_;
}

int ChildProcess::wait(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (running()) {
        if (Clock::now() >= until) {
            ::kill(pid_, SIGKILL);
            int status = 0;
            ::waitpid(pid_, &status, 0);
            ended_ = true;
            ended_at_ = Clock::now();
            code_ = -1;
            break;
        }
        std::this_thread::sleep_for(milliseconds(5));
    }
    return code_;
}

std::uint16_t ChildProcess::wait_for_port(std::chrono::milliseconds timeout) {
    constexpr std::string_view kMarker = "listening on ws://127.0.0.1:";
    const auto until = Clock::now() + timeout;
    for (;;) {
        const auto text = out();
        if (const auto at = text.find(kMarker); at != std::string::npos) {
            const auto digits = at + kMarker.size();
            const auto slash = text.find('/', digits);
            if (slash != std::string::npos) {
                try {
                    const long port = std::stol(text.substr(digits, slash - digits));
                    if (port > 0 && port < 65536) return static_cast<std::uint16_t>(port);
                } catch (const std::exception&) {
                }
                return 0;
            }
        }
        if (!running() || Clock::now() >= until) return 0;
        std::this_thread::sleep_for(milliseconds(10));
    }
}

double ChildProcess::seconds() const {
    return std::chrono::duration<double>((ended_ ? ended_at_ : Clock::now()) - started_).count();
}

std::string ChildProcess::out() const {
    return read_text(out_path_);
}

std::string ChildProcess::err() const {
    return read_text(err_path_);
}

long ChildProcess::status_kb(std::string_view key) const {
    std::ifstream in("/proc/" + std::to_string(pid_) + "/status");
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() > key.size() && line.compare(0, key.size(), key) == 0 &&
            line[key.size()] == ':') {
            try {
                return std::stol(line.substr(key.size() + 1));
            } catch (const std::exception&) {
                return 0;
            }
        }
    }
    return 0;
}

ProgramRun run_to_end(const std::string& program, const std::vector<std::string>& args,
                      const std::filesystem::path& dir, std::chrono::milliseconds safety,
                      const std::string& name) {
    ChildProcess child(program, args, dir, name);
    ProgramRun r;
    r.code = child.wait(safety);
    r.seconds = child.seconds();
    r.out = child.out();
    r.err = child.err();
    return r;
}

std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
}

}  // namespace wsconform::test_support
