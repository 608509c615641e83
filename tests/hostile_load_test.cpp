// Hostile peers that try to starve wsconform rather than break a rule:
// - 300 local sockets that connect to `wsconform test-client`, send nothing (or half a
//   request) and reconnect whenever they are closed: a well-behaved client must still be served
//   (the connection cap closes the oldest sockets without a complete request first);
// - a server that floods frames and never answers a ping: `wsconform fuzz` must report a hang,
//   whatever else the server sends.
// The binary is spawned: exit codes are real.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "protocol/frame.h"
#include "protocol/handshake.h"
#include "tests/support/buggy_client.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/scratch_test.h"
#include "tests/support/socket.h"

namespace wsconform {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using test_support::Clock;

// ---- test-client stays available ---------------------------------------------------------------

// `count` sockets to `port` that send `bytes` (maybe nothing) and then wait; each one the
// server closes is opened again at once, until the destructor.
class ReconnectingSockets {
  public:
    ReconnectingSockets(std::uint16_t port, std::size_t count, std::string bytes)
        : port_(port), bytes_(std::move(bytes)), fds_(count, -1) {
        thread_ = std::thread([this] { run(); });
    }
    ~ReconnectingSockets() {
        stop_ = true;
        thread_.join();
        for (const int fd : fds_)
            if (fd >= 0) ::close(fd);
    }
    std::size_t reconnects() const { return reconnects_; }

  private:
    void run() {
        while (!stop_) {
            std::vector<pollfd> polled;
            for (auto& fd : fds_) {
                if (fd < 0) {
                    std::string error;
                    fd = test_support::connect_loopback(port_, Clock::now() + 1s, error);
                    if (fd < 0) continue;
                    ++reconnects_;
                    if (!bytes_.empty()) ::send(fd, bytes_.data(), bytes_.size(), MSG_NOSIGNAL);
                }
                polled.push_back({fd, POLLIN, 0});
            }
            ::poll(polled.data(), polled.size(), 50);
            for (const auto& p : polled) {
                if (!(p.revents & (POLLIN | POLLHUP | POLLERR))) continue;
                char buf[1024];
                // An answer (503) or the end: this socket is done, a new one takes its place.
                ::recv(p.fd, buf, sizeof buf, MSG_DONTWAIT);
                for (auto& fd : fds_)
                    if (fd == p.fd) fd = -1;
                ::close(p.fd);
            }
        }
    }

    const std::uint16_t port_;
    const std::string bytes_;
    std::vector<int> fds_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> reconnects_{0};
    std::thread thread_;
};

struct Starver {
    const char* name;
    const char* bytes;  // what each socket sends before it waits
};

void PrintTo(const Starver& s, std::ostream* os) {
    *os << s.name;
}

class Availability : public test_support::ScratchTest,
                     public ::testing::WithParamInterface<Starver> {};

// The issue asks for 20 s of reconnecting; CI takes 8 s (WSCONFORM_STARVE_SECONDS=20 runs the
// issue's figure), a request every 0.7 s, still far past the 10 s request timeout's first turn:
// before the cap closed the idle sockets first, every one of these requests was answered 503.
TEST_P(Availability, AWellBehavedClientIsServedWhile300SocketsStarveTheServer) {
    ASSERT_FALSE(dir_.path().empty());
    test_support::ChildProcess server(
        test_support::wsconform_binary(),
        {"test-client", "--listen", "127.0.0.1:0", "--outdir", (dir_.path() / "reports").string(),
         "--cases", "1.1.*", "--color", "never"},
        dir_.path(), "server");
    const auto port = server.wait_for_port(10s);
    ASSERT_NE(port, 0) << server.err();
    const test_support::BuggyClient client(port, test_support::ClientBug::none,
                                           {.timeout_ms = 3000});
    ASSERT_EQ(client.case_count(), 8);

    ReconnectingSockets starvers(port, 300, GetParam().bytes);
    std::this_thread::sleep_for(1s);  // every slot taken
    const char* seconds_text = std::getenv("WSCONFORM_STARVE_SECONDS");
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::seconds(seconds_text ? std::atoi(seconds_text) : 8);
    int served = 0, asked = 0;
    while (std::chrono::steady_clock::now() < until) {
        ++asked;
        if (client.case_count() == 8) ++served;
        std::this_thread::sleep_for(700ms);
    }
    std::cout << "  served " << served << " of " << asked << "; " << starvers.reconnects()
              << " connections from the starving sockets\n";
    EXPECT_GE(served * 10, asked * 9);
    EXPECT_GT(starvers.reconnects(), 300u) << "the starving sockets must have been turned over";
    EXPECT_TRUE(server.running()) << server.err();
}

const Starver kStarvers[] = {
    {"SendNothing", ""},
    {"SendHalfARequest", "GET /getCaseCount HTTP/1.1\r\nHost: 127.0.0.1\r\n"},
};

INSTANTIATE_TEST_SUITE_P(TestClient, Availability, ::testing::ValuesIn(kStarvers),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- the fuzzer and a server that floods -------------------------------------------------------

// Answers every upgrade request with a 101, then sends text frames as fast as it can and reads
// (and drops) whatever comes: it never answers a ping, nor a close.
class FloodingServer {
  public:
    FloodingServer()
        : acceptor_(std::make_unique<test_support::Acceptor>(64, stop_, [this](int fd) {
              std::lock_guard lock(mu_);
              threads_.emplace_back([this, fd] { serve(fd); });
          })) {}
    ~FloodingServer() {
        acceptor_.reset();  // sets stop_ and joins: no connection comes after this
        for (auto& t : threads_) t.join();
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(acceptor_->port()) + "/"; }

  private:
    void serve(int fd) {
        test_support::Socket s(fd, &stop_);
        std::string head;
        while (head.find("\r\n\r\n") == std::string::npos) {
            if (s.read_some(head, Clock::now() + 2s) != test_support::Socket::Read::data) return;
        }
        std::string key;
        if (const auto at = head.find("Sec-WebSocket-Key: "); at != std::string::npos)
            key = head.substr(at + 19, head.find("\r\n", at) - at - 19);
        if (!s.write_all(protocol::build_upgrade_response(key), Clock::now() + 1s)) return;
        std::string burst;
        while (burst.size() < 64 * 1024)
            burst += test_support::frame_bytes(protocol::opcode::text, "flood flood flood");
        while (!stop_) {
            if (!s.write_all(burst, Clock::now() + 2s)) return;
            std::string dropped;
            if (s.read_some(dropped, Clock::now()) == test_support::Socket::Read::eof) return;
        }
    }

    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::vector<std::thread> threads_;
    std::unique_ptr<test_support::Acceptor> acceptor_;
};

class FuzzFlood : public test_support::ScratchTest {};

TEST_F(FuzzFlood, AServerThatFloodsAndNeverAnswersPingsIsAFinding) {
    ASSERT_FALSE(dir_.path().empty());
    FloodingServer server;
    const auto out = dir_.path() / "findings";
    const auto r = test_support::run_to_end(
        test_support::wsconform_binary(),
        {"fuzz", server.url(), "--iterations", "6", "--timeout", "1", "--out", out.string()},
        dir_.path(), 60s);
    EXPECT_EQ(r.code, 1) << "findings exit 1\n" << r.out << r.err;
    // "FINDING hang: no pong (nor close) within 1000 ms ... (it sent more than 1024 KiB
    // meanwhile)"
    EXPECT_NE(r.err.find("FINDING hang: no pong (nor close)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("KiB meanwhile"), std::string::npos) << r.err;
    bool hang_file = false;
    if (fs::exists(out))
        for (const auto& f : fs::directory_iterator(out))
            hang_file |= f.path().filename().string().starts_with("hang");
    EXPECT_TRUE(hang_file) << "a hang finding file in " << out;
}

}  // namespace
}  // namespace wsconform
