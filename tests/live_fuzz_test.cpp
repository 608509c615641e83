// `wsconform fuzz URL` against a server with a planted crash (fuzz/live/planted_server.cpp):
// the live fuzzer must find it quickly and save a reproducer that `wsconform replay` triggers
// again on a fresh server, and that does not reproduce on a server without the bug. Also: the
// inputs depend only on the seed, and a correct server gives no finding.
#include "harness/live_fuzz.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#ifndef WSCONFORM_PLANTED_SERVER
#error "fuzz/CMakeLists.txt defines WSCONFORM_PLANTED_SERVER for this test"
#endif

extern char** environ;

namespace wsconform::harness {
namespace {

namespace fs = std::filesystem;

// A child process running the planted server; reads its "LISTENING <port>" line.
class PlantedServer {
  public:
    explicit PlantedServer(const std::string& trigger) {
        int out[2];
        if (pipe(out) != 0) return;
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
        posix_spawn_file_actions_addclose(&actions, out[0]);
        std::vector<std::string> args = {WSCONFORM_PLANTED_SERVER, "--crash-on", trigger};
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) != 0) pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
        close(out[1]);
        std::string line;
        pollfd p{out[0], POLLIN, 0};
        char c;
        while (pid_ > 0 && poll(&p, 1, 5000) > 0 && read(out[0], &c, 1) == 1 && c != '\n') {
            line += c;
        }
        close(out[0]);
        if (line.rfind("LISTENING ", 0) == 0) port_ = std::stoi(line.substr(10));
    }
    ~PlantedServer() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    int port() const { return port_; }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(port_) + "/"; }
    // True once the process has ended (crashed); reaps it.
    bool exited() {
        if (pid_ <= 0) return true;
        int status = 0;
        if (waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return true;
        }
        return false;
    }

  private:
    pid_t pid_ = -1;
    int port_ = 0;
};

Endpoint endpoint(const std::string& url) {
    std::string error;
    auto ep = parse_ws_url(url, error);
    EXPECT_TRUE(ep.has_value()) << error;
    return *ep;
}

fs::path scratch_dir(const std::string& name) {
    const fs::path dir = fs::temp_directory_path() /
                         ("wsconform_live_fuzz_" + name + "_" + std::to_string(getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

int run_binary(const std::vector<std::string>& args) {
    std::string cmd = WSCONFORM_BINARY;
    for (const auto& a : args) cmd += " '" + a + "'";
    cmd += " >/dev/null 2>&1";
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(LiveFuzz, InputsDependOnlyOnTheSeed) {
    const Endpoint ep = endpoint("ws://127.0.0.1:9/");
    for (std::uint64_t i = 0; i < 200; ++i) {
        const LiveInput a = generate_live_input(7, i, ep);
        const LiveInput b = generate_live_input(7, i, ep);
        EXPECT_EQ(a.handshake, b.handshake);
        EXPECT_EQ(a.writes, b.writes);
        EXPECT_EQ(a.probe_ping, b.probe_ping);
        EXPECT_EQ(a.description, b.description);
    }
    std::size_t same = 0;
    for (std::uint64_t i = 0; i < 50; ++i) {
        same += generate_live_input(7, i, ep).writes == generate_live_input(8, i, ep).writes;
    }
    EXPECT_LT(same, 10u);
}

TEST(LiveFuzz, FindingFilesRoundTrip) {
    LiveFinding f;
    f.kind = FindingKind::hang;
    f.detail = "no pong";
    f.url = "ws://127.0.0.1:9001/";
    f.seed = 3;
    f.inputs.push_back(generate_live_input(3, 11, endpoint(f.url)));
    const LiveFinding g = finding_from_json(finding_to_json(f));
    EXPECT_EQ(g.kind, f.kind);
    EXPECT_EQ(g.detail, f.detail);
    ASSERT_EQ(g.inputs.size(), 1u);
    EXPECT_EQ(g.inputs[0].handshake, f.inputs[0].handshake);
    EXPECT_EQ(g.inputs[0].writes, f.inputs[0].writes);
    EXPECT_EQ(g.inputs[0].probe_payload, f.inputs[0].probe_payload);
    EXPECT_THROW(finding_from_json("{}"), std::runtime_error);
}

TEST(LiveFuzz, CorrectServerGivesNoFinding) {
    PlantedServer server("none");
    ASSERT_GT(server.port(), 0);
    LiveFuzzOptions o;
    o.endpoint = endpoint(server.url());
    o.iterations = 150;
    o.jobs = 2;
    o.timeout = std::chrono::milliseconds(2000);
    o.out_dir = scratch_dir("clean").string();
    const auto s = run_live_fuzz(o);
    EXPECT_FALSE(s.unreachable);
    EXPECT_EQ(s.inputs, 150u);
    EXPECT_GT(s.upgraded, 50u);
    EXPECT_GT(s.probes_answered, 20u);
    EXPECT_TRUE(s.finding_files.empty()) << s.finding_files.front();
    fs::remove_all(o.out_dir);
}

TEST(LiveFuzz, FindsThePlantedCrashAndReplayTriggersIt) {
    const fs::path out = scratch_dir("crash");
    std::string finding;
    {
        PlantedServer server("cont126");
        ASSERT_GT(server.port(), 0);
        LiveFuzzOptions o;
        o.endpoint = endpoint(server.url());
        // Any seed finds it (seed 1 after ~1850 inputs, ~15 s on a loaded 2-core machine); with
        // seed 2 the first triggering input is number ~100, which keeps the test short.
        o.seed = 2;
        o.duration_s = 25;
        o.jobs = 2;
        o.timeout = std::chrono::milliseconds(2000);
        o.out_dir = out.string();
        const auto started = std::chrono::steady_clock::now();
        const auto s = run_live_fuzz(o);
        const double took =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        ASSERT_EQ(s.finding_files.size(), 1u) << "no crash found in " << s.inputs << " inputs";
        finding = s.finding_files.front();
        EXPECT_NE(finding.find("crash-"), std::string::npos);
        EXPECT_TRUE(server.exited());
        std::printf("planted crash found after %llu inputs, %.1f s\n",
                    static_cast<unsigned long long>(s.inputs), took);
    }
    // A fresh server with the same bug: `wsconform replay` reproduces it (exit 1).
    {
        PlantedServer server("cont126");
        ASSERT_GT(server.port(), 0);
        EXPECT_EQ(run_binary({"replay", finding, server.url(), "--timeout", "2"}), 1);
        EXPECT_TRUE(server.exited());
    }
    // Without the bug it does not (exit 0).
    {
        PlantedServer server("none");
        ASSERT_GT(server.port(), 0);
        EXPECT_EQ(run_binary({"replay", finding, server.url(), "--timeout", "2"}), 0);
    }
    fs::remove_all(out);
}

}  // namespace
}  // namespace wsconform::harness
