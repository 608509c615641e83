// `wsconform fuzz URL` against a server with a planted crash (fuzz/live/planted_server.cpp):
// the live fuzzer must find it quickly and save a reproducer that `wsconform replay` triggers
// again on a fresh server, and that does not reproduce on a server without the bug. Also: the
// inputs depend only on the seed, and a correct server gives no finding. The shadow of the
// server's parser and the reader of the server's bytes are tested on their own, from tables.
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

#include "harness/live_fuzz/peer_reader.h"
#include "harness/live_fuzz/shadow.h"
#include "mutation/frame_mutator.h"
#include "protocol/permessage_deflate.h"
#include "tests/support/build_paths.h"

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
    std::string cmd = test_support::wsconform_binary();
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

// A run against `server` with two jobs, findings into `out`.
LiveFuzzOptions options_for(const PlantedServer& server, const fs::path& out) {
    LiveFuzzOptions o;
    o.endpoint = endpoint(server.url());
    o.jobs = 2;
    o.timeout = std::chrono::milliseconds(2000);
    o.out_dir = out.string();
    return o;
}

TEST(LiveFuzz, CorrectServerGivesNoFinding) {
    PlantedServer server("none");
    ASSERT_GT(server.port(), 0);
    LiveFuzzOptions o = options_for(server, scratch_dir("clean"));
    o.iterations = 150;
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
        LiveFuzzOptions o = options_for(server, out);
        // Any seed finds it (seed 1 after ~1850 inputs, ~15 s on a loaded 2-core machine); with
        // seed 2 the first triggering input is number ~100, which keeps the test short.
        o.seed = 2;
        o.duration_s = 25;
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
    // `wsconform replay` on a fresh server: with the same bug it reproduces (exit 1) and the
    // server is gone; without the bug it does not (exit 0).
    struct Replay {
        const char* trigger;
        int exit_code;
    };
    for (const Replay r : {Replay{"cont126", 1}, Replay{"none", 0}}) {
        SCOPED_TRACE(r.trigger);
        PlantedServer server(r.trigger);
        ASSERT_GT(server.port(), 0);
        EXPECT_EQ(run_binary({"replay", finding, server.url(), "--timeout", "2"}), r.exit_code);
        EXPECT_EQ(server.exited(), r.exit_code == 1);
    }
    fs::remove_all(out);
}

// ---- the shadow of the server's parser, and the reader of what the server sends ----------

namespace op = protocol::opcode;

// One frame as the generator writes it: masked with the RFC 6455 §5.7 example key.
std::string frame(std::uint8_t opcode, std::string payload, bool masked = true,
                  std::uint8_t rsv = 0) {
    fuzz::ModelFrame f;
    f.opcode = opcode;
    f.payload = std::move(payload);
    f.masked = masked;
    f.key = {0x37, 0xfa, 0x21, 0x3d};
    f.rsv = rsv;
    std::string out;
    fuzz::append_frame(f, out);
    return out;
}

// The same frame with FIN cleared: a message's first fragments.
std::string unfinished(std::string bytes) {
    bytes[0] = static_cast<char>(bytes[0] & 0x7f);
    return bytes;
}

// A text message compressed as RFC 7692 §7.2.1 says (RSV1, no 00 00 ff ff tail).
std::string compressed_text(const std::string& plain, bool masked = true) {
    protocol::Deflater deflater(15, true);
    std::string data;
    deflater.compress(plain, data);
    return frame(op::text, data, masked, protocol::rsv::rsv1);
}

struct ShadowRow {
    const char* what;
    std::string sent;
    bool deflate;
    live_fuzz::Verdict verdict;
    std::uint64_t pad;
};

TEST(LiveFuzzShadow, ReadsWhatWeSendAsAStrictServer) {
    using V = live_fuzz::Verdict;
    const std::string hello = frame(op::text, "Hello");  // 81 85 37 fa 21 3d 7f 9f 4d 51 58
    const ShadowRow rows[] = {
        {"masked text", hello, false, V::valid, 0},
        {"a text split by a ping",
         unfinished(frame(op::text, "Hel")) + frame(op::ping, "p") + frame(op::continuation, "lo"),
         false, V::valid, 0},
        {"an open fragmented message", unfinished(frame(op::text, "Hel")), false, V::valid, 0},
        {"unmasked text", frame(op::text, "Hello", false), false, V::invalid, 0},
        {"a ping of 126 bytes", frame(op::ping, std::string(126, 'p')), false, V::invalid, 0},
        {"RSV1 without deflate agreed", compressed_text("Hello"), false, V::invalid, 0},
        {"3 payload bytes missing", hello.substr(0, hello.size() - 3), false, V::incomplete, 3},
        {"only the first header byte", hello.substr(0, 1), false, V::incomplete, 0},
        {"compressed text", compressed_text("h\xc3\xa9llo"), true, V::valid, 0},
        {"compressed text that is not UTF-8", compressed_text("h\xc3\x28llo"), true, V::invalid, 0},
        {"compressed data that does not inflate",
         frame(op::text, "\xff\xff\xff", true, protocol::rsv::rsv1), true, V::uncertain, 0},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.what);
        const auto shadow = live_fuzz::shadow_parse(row.sent, row.deflate);
        EXPECT_STREQ(live_fuzz::to_string(shadow.verdict), live_fuzz::to_string(row.verdict))
            << shadow.why;
        EXPECT_EQ(shadow.pad, row.pad);
    }
}

struct PeerRow {
    const char* what;
    std::vector<std::string> chunks;  // as they arrive
    bool deflate;
    std::string violation;  // how the violation begins; empty: none
};

TEST(LiveFuzzPeerReader, ChecksWhatTheServerSends) {
    const std::string close = frame(op::close, std::string("\x03\xe8", 2), false);
    const PeerRow rows[] = {
        {"echo, pong, close",
         {frame(op::text, "Hi", false), frame(op::pong, "ab", false), close},
         false,
         ""},
        {"a frame cut anywhere",
         {close.substr(0, 1), close.substr(1, 2), close.substr(3)},
         false,
         ""},
        {"compressed text", {compressed_text("h\xc3\xa9llo", false)}, true, ""},
        {"masked by the server", {frame(op::text, "Hi")}, false, "server sent an invalid frame: "},
        {"data after the close frame, in the same read",
         {close + frame(op::text, "Hi", false)},
         false,
         "data after the server's close frame"},
        {"data after the close frame, in a later read",
         {close, frame(op::text, "Hi", false)},
         false,
         "data after the server's close frame"},
        {"compressed text that is not UTF-8",
         {compressed_text("h\xc3\x28llo", false)},
         true,
         "server's compressed text message is not UTF-8"},
        {"compressed data that does not inflate",
         {frame(op::binary, "\xff\xff\xff", false, protocol::rsv::rsv1)},
         true,
         "server's compressed message does not inflate: "},
    };
    for (const auto& row : rows) {
        SCOPED_TRACE(row.what);
        live_fuzz::PeerReader reader(row.deflate);
        bool ok = true;
        for (const auto& chunk : row.chunks) ok = reader.feed(chunk) && ok;
        EXPECT_EQ(ok, row.violation.empty());
        EXPECT_EQ(reader.violation().empty(), row.violation.empty()) << reader.violation();
        EXPECT_TRUE(reader.violation().starts_with(row.violation)) << reader.violation();
    }
    live_fuzz::PeerReader reader(false);
    ASSERT_TRUE(reader.feed(frame(op::pong, "ab", false)));
    EXPECT_TRUE(reader.has_pong("ab"));
    EXPECT_FALSE(reader.has_pong("ba"));
    EXPECT_FALSE(reader.closed());
    ASSERT_TRUE(reader.feed(close));
    EXPECT_TRUE(reader.closed());
}

}  // namespace
}  // namespace wsconform::harness
