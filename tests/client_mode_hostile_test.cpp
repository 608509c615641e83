// `wsconform test-client` faces clients it cannot trust: agent names that try to leave the
// report folder (../, /, NUL, invalid UTF-8, 10 KB of text), request heads past the 16 KiB cap,
// malformed query strings, and 1,000 connections at once. The server (the real command line,
// as a child process) must not crash, must write nothing outside its report folder, must keep
// its memory bounded (VmHWM from /proc), and must still answer afterwards.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "reports/autobahn_json.h"
#include "tests/support/buggy_client.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/sanitizers.h"
#include "tests/support/scratch_test.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;
using test_support::BuggyClient;
using test_support::ChildProcess;

// The server's peak resident size; AddressSanitizer alone multiplies it (some 10 MB grow to 75).
const long kMemoryBoundKb = 200 * 1024 * (test_support::kUnderAsan ? 3 : 1);

// A server of its own per test: `wsconform test-client` on an ephemeral port, its reports in
// <tmp>/parent/reports, its output in <tmp>.
class Hostile : public test_support::ScratchTest {
  protected:
    void SetUp() override {
        ASSERT_FALSE(dir_.path().empty());
        fs::create_directories(parent());
        server_ = std::make_unique<ChildProcess>(
            test_support::wsconform_binary(),
            std::vector<std::string>{"test-client", "--listen", "127.0.0.1:0", "--outdir",
                                     outdir().string(), "--cases", "1.1.*", "--color", "never"},
            dir_.path(), "server");
        port_ = server_->wait_for_port(10s);
        ASSERT_NE(port_, 0) << server_->err();
    }

    fs::path parent() const { return dir_.path() / "parent"; }
    fs::path outdir() const { return parent() / "reports"; }

    // A correct client (no planted bug) of the server.
    BuggyClient correct_client() const { return {port_, test_support::ClientBug::none}; }

    // The server still answers, and still runs.
    void expect_alive() {
        EXPECT_TRUE(server_->running()) << server_->err();
        EXPECT_EQ(correct_client().case_count(), 8);
    }

    // Nothing but the report folder in its parent, and nothing but report files in it.
    void expect_only_report_files() {
        std::vector<std::string> in_parent;
        for (const auto& e : fs::directory_iterator(parent()))
            in_parent.push_back(e.path().filename().string());
        EXPECT_EQ(in_parent, std::vector<std::string>{"reports"});
        const std::regex report_file(R"([a-z0-9_]{1,100}_case_1_1_[1-8]\.(json|html))");
        for (const auto& e : fs::recursive_directory_iterator(outdir())) {
            const auto name = e.path().filename().string();
            EXPECT_EQ(e.path().parent_path(), outdir()) << e.path();
            EXPECT_TRUE(e.is_regular_file()) << e.path();
            EXPECT_TRUE(name == "index.json" || name == "index.html" || name == "junit.xml" ||
                        std::regex_match(name, report_file))
                << name;
        }
        // And nothing next to our temporary folder either.
        for (const auto& e : fs::directory_iterator(dir_.path())) {
            const auto name = e.path().filename().string();
            EXPECT_TRUE(name == "parent" || name == "server.out" || name == "server.err") << name;
        }
    }

    json index() const { return json::parse(test_support::read_text(outdir() / "index.json")); }

    std::unique_ptr<ChildProcess> server_;
    std::uint16_t port_ = 0;
};

TEST_F(Hostile, AgentNamesStayInTheReportFolder) {
    const BuggyClient client = correct_client();
    // Sent percent-encoded; the server decodes them to exactly these bytes.
    const std::vector<std::string> accepted = {
        "../evil",
        "../../../../../../../../../../tmp/wsconform-escape",
        "/etc/passwd",
        "/",
        "a/b/c",
        "..",
        ".",
        std::string("x\0y", 3),
        std::string("\0", 1),
        "\xff\xfe invalid UTF-8",
        "back\\slash",
        "~user",
        "CON",
        "\r\nSet-Cookie: x",
        std::string(200, '.'),  // the longest accepted
        [] {                    // 66 x "../" + ".."
            std::string s;
            while (s.size() + 3 <= 198) s += "../";
            return s + "..";
        }(),
    };
    for (const auto& agent : accepted) {
        const auto e = client.run_case(1, agent);
        EXPECT_EQ(e.http_status, 101) << json(agent).dump() << ": " << e.http_response;
        EXPECT_TRUE(client.update_reports(agent)) << json(agent).dump();
    }
    // Raw targets, not encoded by us: what the server's own decoding makes of them.
    const std::map<std::string, std::string> raw = {
        {"../raw/slashes", "../raw/slashes"},
        {"%2e%2e%2fdecoded", "../decoded"},
        {"..%252fonce", "..%2fonce"},  // decoded once only
        {"a%", "a%"},
        {"b%4", "b%4"},
        {"c%zz", "c%zz"},
        {"d+e", "d e"},
    };
    for (const auto& [sent, agent] : raw) {
        const auto e = client.open("/runCase?case=2&agent=" + sent);
        EXPECT_EQ(e.http_status, 101) << sent << ": " << e.http_response;
    }
    // Too long: 10 KB of text, raw (within the 16 KiB head cap: refused for its length) and
    // percent-encoded (17 KB: refused for the head's size).
    const std::string ten_kb(10 * 1024, 'A');
    std::string ten_kb_of_dots;
    while (ten_kb_of_dots.size() < 10 * 1024) ten_kb_of_dots += "../";
    for (const auto& target :
         {"/runCase?case=1&agent=" + ten_kb, "/runCase?case=1&agent=" + ten_kb_of_dots,
          test_support::run_case_target(1, ten_kb_of_dots)}) {
        const auto e = client.open(target);
        EXPECT_EQ(e.http_status, 400) << target.size() << ": " << e.http_response.substr(0, 300);
    }
    // /updateReports does not filter by agent (as in Autobahn): it answers, and stores nothing.
    EXPECT_TRUE(client.update_reports(ten_kb));

    expect_alive();
    expect_only_report_files();
    EXPECT_FALSE(fs::exists("/tmp/wsconform-escape_case_1_1_1.json"));
    EXPECT_FALSE(fs::exists(dir_.path() / "evil_case_1_1_1.json"));

    // index.json keeps every agent as sent (invalid UTF-8 replaced), each pointing at a file
    // in the folder that is named after the agent's clean form, with a suffix when another
    // agent has that name already ("..", "." and "unknown"): one file per agent.
    const auto idx = index();
    std::set<std::string> expected_agents;
    for (const auto& a : accepted) expected_agents.insert(a);
    for (const auto& [sent, agent] : raw) expected_agents.insert(agent);
    std::set<std::string> stored, files;
    for (const auto& [agent, entries] : idx.items()) {
        stored.insert(agent);
        for (const auto& [id, entry] : entries.items()) {
            const auto file = entry.at("reportfile").get<std::string>();
            const auto stem = file.substr(0, file.rfind("_case_"));
            const auto clean = reports::clean_for_filename(agent);
            EXPECT_TRUE(stem == clean || stem.starts_with(clean + "_")) << file << " " << agent;
            EXPECT_EQ(file, reports::case_file_for_stem(stem, id, "json"));
            EXPECT_TRUE(fs::is_regular_file(outdir() / file)) << file;
            EXPECT_TRUE(files.insert(file).second) << "two agents share " << file;
            const auto doc = json::parse(test_support::read_text(outdir() / file));
            EXPECT_EQ(doc.at("fileStem"), stem);
        }
    }
    EXPECT_EQ(stored.size(), expected_agents.size());
    for (const auto& a : expected_agents) {
        if (a.find('\xff') == std::string::npos) {
            EXPECT_TRUE(stored.count(a)) << json(a).dump();
        }
    }
    EXPECT_TRUE(stored.count(std::string("x\0y", 3)));
    EXPECT_TRUE(idx.contains("../evil"));
    EXPECT_EQ(idx.at("../evil").at("1.1.1").at("reportfile"), "evil_case_1_1_1.json");
    EXPECT_TRUE(idx.at(".").at("1.1.1").at("reportfile").get<std::string>().starts_with("unknown"));
}

TEST_F(Hostile, OversizedAndMalformedRequests) {
    const std::string host = "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
    const std::string upgrade =
        "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    struct Row {
        std::string name;
        std::string bytes;
        std::string status;  // the start of the answer
    };
    const std::vector<Row> rows = {
        {"request line of 20 KiB",
         "GET /runCase?case=1&agent=" + std::string(20 * 1024, 'a') + " HTTP/1.1\r\n" + host +
             upgrade + "\r\n",
         "HTTP/1.1 400"},
        {"headers of 64 KiB",
         "GET /getCaseCount HTTP/1.1\r\n" + host + upgrade +
             [] {
                 std::string h;
                 for (int i = 0; i < 1024; ++i)
                     h += "X-Filler-" + std::to_string(i) + ": " + std::string(50, 'x') + "\r\n";
                 return h;
             }() +
             "\r\n",
         "HTTP/1.1 400"},
        {"1 MiB without a line end", std::string(1 << 20, 'G'), "HTTP/1.1 400"},
        {"binary junk", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 16),
         "HTTP/1.1 400"},
        {"POST", "POST /getCaseCount HTTP/1.1\r\n" + host + upgrade + "\r\n", "HTTP/1.1 400"},
        {"HTTP/1.0", "GET /getCaseCount HTTP/1.0\r\n" + host + upgrade + "\r\n", "HTTP/1.1 400"},
        {"two Host headers", "GET /getCaseCount HTTP/1.1\r\n" + host + host + upgrade + "\r\n",
         "HTTP/1.1 400"},
        {"no key",
         "GET /getCaseCount HTTP/1.1\r\n" + host +
             "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
             "13\r\n\r\n",
         "HTTP/1.1 400"},
        {"version 8",
         "GET /getCaseCount HTTP/1.1\r\n" + host +
             "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: "
             "8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n",
         "HTTP/1.1 426"},
        // A valid upgrade to /runCase followed at once by bytes that are no frame of ours:
        // the case starts with them, and our side fails the connection.
        {"garbage after the upgrade",
         "GET /runCase?case=1&agent=garbage HTTP/1.1\r\n" + host + upgrade + "\r\n" +
             std::string(1000, '\xff'),
         "HTTP/1.1 101"},
    };
    for (const auto& row : rows) {
        const auto reply = test_support::raw_exchange(port_, row.bytes, 5000);
        EXPECT_TRUE(reply.connected) << row.name;
        EXPECT_FALSE(reply.timed_out) << row.name << ": the server neither answered nor closed";
        EXPECT_TRUE(reply.bytes.starts_with(row.status))
            << row.name << ": " << reply.bytes.substr(0, 200);
    }
    // First a round trip: the server writes a case's report in the same turn of its event
    // loop as it closes the connection, so once it answers again the report is there.
    expect_alive();
    // The garbage case was judged like any other (the client failed it: we closed with 1002).
    const auto idx = index();
    ASSERT_TRUE(idx.contains("garbage"));
    EXPECT_EQ(idx.at("garbage").at("1.1.1").at("behavior"), "FAILED");
    expect_only_report_files();
}

// Opens `n` TCP connections to 127.0.0.1:port without waiting for any of them.
std::vector<int> open_connections(std::uint16_t port, int n) {
    std::vector<int> fds;
    for (int i = 0; i < n; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) break;
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(port);
        ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        fds.push_back(fd);
    }
    return fds;
}

TEST_F(Hostile, ThousandConnectionsAtOnce) {
    // A few ordinary requests first, so "before" includes the steady state.
    const BuggyClient client = correct_client();
    ASSERT_EQ(client.run_case(1, "before").http_status, 101);
    const long before_kb = server_->status_kb("VmHWM");
    ASSERT_GT(before_kb, 0) << "no /proc/PID/status";

    // 1,000 at once: a third send nothing, a third half a request, a third a whole /runCase
    // upgrade. At most 256 are served; the rest get 503 and are closed (newcomers past the cap
    // take the place of the oldest sockets that sent no whole request, which get the 503).
    const auto started = std::chrono::steady_clock::now();
    auto fds = open_connections(port_, 1000);
    ASSERT_EQ(fds.size(), 1000u);
    const std::string host = "Host: 127.0.0.1:" + std::to_string(port_) + "\r\n";
    const std::string whole = "GET /runCase?case=1&agent=storm HTTP/1.1\r\n" + host +
                              "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                              "Sec-WebSocket-Version: 13\r\n"
                              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    const std::string half = "GET /runCase?case=1&agent=storm HTTP/1.1\r\n" + host;
    for (std::size_t i = 0; i < fds.size(); ++i) {
        pollfd p{fds[i], POLLOUT, 0};
        ::poll(&p, 1, 1000);
        const std::string& bytes = i % 3 == 1 ? half : whole;
        if (i % 3 != 0) ::send(fds[i], bytes.data(), bytes.size(), MSG_NOSIGNAL);
    }
    // Read what comes within a second: 503s, 101s (the runCase ones that got a slot).
    int busy = 0, upgraded = 0, closed = 0;
    std::vector<std::string> got(fds.size());
    const auto until = std::chrono::steady_clock::now() + 1500ms;
    while (std::chrono::steady_clock::now() < until) {
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i] < 0) continue;
            char buf[4096];
            const auto n = ::recv(fds[i], buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) got[i].append(buf, static_cast<std::size_t>(n));
            if (n == 0) {
                ::close(fds[i]);
                fds[i] = -1;
                ++closed;
            }
        }
        std::this_thread::sleep_for(20ms);
    }
    for (const auto& g : got) {
        if (g.starts_with("HTTP/1.1 503")) ++busy;
        if (g.starts_with("HTTP/1.1 101")) ++upgraded;
    }
    EXPECT_GE(busy, 1000 - 256) << "at most 256 connections are served at once";
    EXPECT_LE(upgraded, 256);
    EXPECT_GE(closed, busy);

    // A new client is not left hanging: the idle and half-sent ones give way to it (oldest
    // first), or, when every slot holds a whole request, it is turned away with 503.
    const auto during = client.open("/getCaseCount");
    EXPECT_TRUE(during.http_status == 503 || during.http_status == 101) << during.error;

    for (auto& fd : fds)
        if (fd >= 0) ::close(fd);
    // Once they are gone the slots come back (our closes reach the server at once).
    bool answered = false;
    for (int i = 0; i < 100 && !answered; ++i) {
        answered = client.case_count() == 8;
        if (!answered) std::this_thread::sleep_for(50ms);
    }
    EXPECT_TRUE(answered) << "the server did not recover";
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();

    // And once more with whole cases from clients that do their part, 300 at a time.
    std::vector<std::string> targets(600, test_support::run_case_target(2, "storm2"));
    int ran = 0;
    for (const auto& e : client.open_all(targets, 300)) {
        EXPECT_TRUE(e.http_status == 101 || e.http_status == 503) << e.error;
        if (e.http_status == 101) ++ran;
    }
    EXPECT_GE(ran, 256);

    const long after_kb = server_->status_kb("VmHWM");
    std::cout << "  server VmHWM: " << before_kb << " kB before, " << after_kb << " kB after; "
              << busy << " answered 503, " << upgraded << " upgraded; recovered in " << seconds
              << " s\n";
    EXPECT_LT(after_kb, kMemoryBoundKb);
    expect_alive();
    expect_only_report_files();
    EXPECT_TRUE(correct_client().stop_server());
    EXPECT_NE(server_->wait(5s), -1) << "did not stop";
}

}  // namespace
}  // namespace wsconform
