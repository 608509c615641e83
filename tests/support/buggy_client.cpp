#include "tests/support/buggy_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <span>
#include <sstream>
#include <thread>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/mask.h"

namespace wsconform::test_support {

std::string_view to_string(ClientBug bug) noexcept {
    switch (bug) {
        case ClientBug::none:
            return "none";
        case ClientBug::unmasked:
            return "unmasked";
        case ClientBug::skip_utf8_validation:
            return "skip_utf8_validation";
        case ClientBug::no_close_reply:
            return "no_close_reply";
    }
    return "?";
}

std::optional<ClientBug> client_bug_from_string(std::string_view name) noexcept {
    for (auto bug : {ClientBug::none, ClientBug::unmasked, ClientBug::skip_utf8_validation,
                     ClientBug::no_close_reply})
        if (to_string(bug) == name) return bug;
    return std::nullopt;
}

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxHead = 16 * 1024;
constexpr std::size_t kMaxErrorBody = 64 * 1024;

enum class Wait { ready, timeout, hangup };

Wait wait_for(int fd, short events, Clock::time_point deadline) {
    for (;;) {
        const auto now = Clock::now();
        if (now >= deadline) return Wait::timeout;
        const auto ms = std::max<long>(
            1,
            std::min<long>(200, std::chrono::duration_cast<milliseconds>(deadline - now).count()));
        pollfd p{fd, events, 0};
        const int r = ::poll(&p, 1, static_cast<int>(ms));
        if (r < 0) {
            if (errno == EINTR) continue;
            return Wait::hangup;
        }
        if (r == 0) continue;
        if (p.revents & events) return Wait::ready;
        if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return Wait::hangup;
    }
}

enum class ReadResult { data, eof, timeout };

// Reads what is there (at least one byte), or tells why not. A reset counts as EOF.
ReadResult read_some(int fd, std::string& into, Clock::time_point deadline) {
    std::array<char, kReadChunk> chunk;
    for (;;) {
        const auto w = wait_for(fd, POLLIN, deadline);
        if (w == Wait::timeout) return ReadResult::timeout;
        const auto n = ::recv(fd, chunk.data(), chunk.size(), MSG_DONTWAIT);
        if (n > 0) {
            into.append(chunk.data(), static_cast<std::size_t>(n));
            return ReadResult::data;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) continue;
        return ReadResult::eof;
    }
}

bool write_all(int fd, std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        if (wait_for(fd, POLLOUT, deadline) != Wait::ready) return false;
        const auto n = ::send(fd, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

class Fd {
  public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

// A non-blocking TCP connection to 127.0.0.1:port, or -1 with `error` set.
int connect_loopback(std::uint16_t port, Clock::time_point deadline, std::string& error) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return -1;
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 &&
        errno != EINPROGRESS) {
        error = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
        return -1;
    }
    if (wait_for(fd, POLLOUT, deadline) == Wait::timeout) {
        error = "connect: timed out";
        ::close(fd);
        return -1;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
        error = std::string("connect: ") + std::strerror(so_error);
        ::close(fd);
        return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

// One frame with FIN set, masked with a fresh key unless `masked` is false.
std::string frame_bytes(std::uint8_t opcode, std::string_view payload, bool masked,
                        std::mt19937_64& rng) {
    protocol::FrameHeader h{.fin = true, .opcode = opcode, .payload_length = payload.size()};
    h.masked = masked;
    if (masked) {
        const auto r = rng();
        for (int i = 0; i < 4; ++i) h.mask_key[i] = static_cast<std::uint8_t>(r >> (8 * i));
    }
    std::array<std::byte, protocol::kMaxHeaderSize> head;
    const auto n = protocol::encode_header(h, head);
    std::string out(reinterpret_cast<const char*>(head.data()), n);
    const auto body_at = out.size();
    out.append(payload);
    if (masked && !payload.empty()) {
        auto body = std::as_writable_bytes(std::span(out.data() + body_at, payload.size()));
        protocol::apply_mask(body, h.mask_key, 0);
    }
    return out;
}

// The WebSocket part of a connection, after the 101.
class Conversation {
  public:
    Conversation(int fd, ClientBug bug, const ClientOptions& options, Clock::time_point deadline,
                 Exchange& out)
        : fd_(fd),
          bug_(bug),
          options_(options),
          deadline_(deadline),
          out_(out),
          rng_(std::random_device{}()),
          parser_({.role = protocol::Role::client,
                   .validate_utf8 = bug != ClientBug::skip_utf8_validation,
                   .close_code_policy = protocol::CloseCodePolicy::rfc,
                   .max_frame_payload = options.max_message,
                   .max_message_payload = options.max_message}) {}

    void run(std::string pending) {
        for (;;) {
            if (!pending.empty() && !done_reading_frames()) on_bytes(pending);
            pending.clear();
            const auto until = linger_until_ ? std::min(*linger_until_, deadline_) : deadline_;
            const auto r = read_some(fd_, pending, until);
            if (r == ReadResult::eof) {
                out_.server_dropped_tcp = true;
                return;
            }
            if (r == ReadResult::timeout) {
                if (!linger_until_) out_.error = "timed out";
                return;  // the server did not drop TCP after the closing handshake: we do
            }
        }
    }

  private:
    bool done_reading_frames() const { return failed_ || out_.close_received; }

    void send(std::uint8_t opcode, std::string_view payload) {
        if (write_failed_) return;
        const bool masked = bug_ != ClientBug::unmasked;
        if (!write_all(fd_, frame_bytes(opcode, payload, masked, rng_), deadline_))
            write_failed_ = true;
    }

    void start_linger() { linger_until_ = Clock::now() + milliseconds(options_.linger_ms); }

    // RFC 6455 7.1.7: _Fail the WebSocket Connection_ with the code 7.4.1 asks for, then wait
    // for the server's Close and its TCP drop (bytes after the violation are not parsed).
    void fail(std::uint16_t code) {
        failed_ = true;
        out_.failed_with = code;
        if (!out_.close_sent) {
            out_.close_sent = true;
            send(protocol::opcode::close, protocol::build_close_payload(code));
        }
        start_linger();
    }

    void on_bytes(std::string& bytes) {
        std::span<std::byte> input(reinterpret_cast<std::byte*>(bytes.data()), bytes.size());
        while (!done_reading_frames()) {
            const auto ev = parser_.next(input);
            switch (ev.status) {
                case protocol::FrameParser::Status::need_more:
                    return;
                case protocol::FrameParser::Status::header:
                    break;
                case protocol::FrameParser::Status::payload:
                    message_.append(reinterpret_cast<const char*>(ev.payload.data()),
                                    ev.payload.size());
                    break;
                case protocol::FrameParser::Status::frame_end:
                    on_frame_end(ev);
                    break;
                case protocol::FrameParser::Status::error:
                    fail(protocol::close_code_for(ev.error));
                    return;
            }
        }
    }

    void on_frame_end(const protocol::FrameParser::Event& ev) {
        const std::string_view control(reinterpret_cast<const char*>(ev.payload.data()),
                                       ev.payload.size());
        switch (ev.header.opcode) {
            case protocol::opcode::ping:
                send(protocol::opcode::pong, control);
                return;
            case protocol::opcode::pong:
                return;
            case protocol::opcode::close: {
                // The parser judged the payload already (length 1, code, UTF-8 of the reason
                // unless that check is the planted bug).
                out_.close_received = true;
                std::optional<std::uint16_t> code;
                if (control.size() >= 2)
                    code =
                        static_cast<std::uint16_t>((static_cast<unsigned char>(control[0]) << 8) |
                                                   static_cast<unsigned char>(control[1]));
                out_.close_code = code;
                // RFC 6455 5.5.1: answer with a Close, echoing the status code; then the server
                // drops TCP (7.1.1). Frames after the Close are not looked at.
                if (!out_.close_sent && bug_ != ClientBug::no_close_reply) {
                    out_.close_sent = true;
                    send(protocol::opcode::close, protocol::build_close_payload(code));
                }
                start_linger();
                return;
            }
            default:
                break;
        }
        if (!ev.message_end) return;
        if (ev.message_opcode == protocol::opcode::text) out_.texts.push_back(message_);
        send(ev.message_opcode, message_);
        message_.clear();
    }

    int fd_;
    ClientBug bug_;
    const ClientOptions& options_;
    Clock::time_point deadline_;
    Exchange& out_;
    std::mt19937_64 rng_;
    protocol::FrameParser parser_;
    std::string message_;
    bool failed_ = false;
    bool write_failed_ = false;
    std::optional<Clock::time_point> linger_until_;
};

std::optional<std::string> single_text(const Exchange& e) {
    if (e.http_status != 101 || e.texts.size() != 1) return std::nullopt;
    return e.texts.front();
}

}  // namespace

BuggyClient::BuggyClient(std::uint16_t port, ClientBug bug, ClientOptions options)
    : port_(port), bug_(bug), options_(std::move(options)) {}

Exchange BuggyClient::open(const std::string& target) const {
    Exchange out;
    const auto deadline = Clock::now() + milliseconds(options_.timeout_ms);
    Fd fd(connect_loopback(port_, deadline, out.error));
    if (fd.get() < 0) return out;

    std::mt19937_64 rng(std::random_device{}());
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng());
    const auto key = protocol::make_key(nonce);
    const std::string host =
        options_.host_header.empty() ? "127.0.0.1:" + std::to_string(port_) : options_.host_header;
    const std::vector<std::string> headers{"User-Agent: wsconform-test-client"};
    if (!write_all(fd.get(), protocol::build_upgrade_request(host, target, key, headers),
                   deadline)) {
        out.error = "could not send the upgrade request";
        return out;
    }

    std::string buffer;
    protocol::HttpMessage response;
    protocol::HttpParse parsed;
    for (;;) {
        const auto r = read_some(fd.get(), buffer, deadline);
        parsed = protocol::parse_http_head(buffer, false, response, kMaxHead);
        if (parsed.status != protocol::HttpParse::Status::need_more) break;
        if (r != ReadResult::data) {
            out.http_response = buffer;
            out.error = r == ReadResult::eof ? "connection closed before a response"
                                             : "timed out waiting for a response";
            return out;
        }
    }
    if (parsed.status == protocol::HttpParse::Status::error) {
        out.http_response = buffer.substr(0, kMaxHead);
        out.error = "malformed response: " + parsed.error.message();
        return out;
    }
    out.http_status = response.status;
    if (response.status != 101) {
        // The body, until the server closes (it always sends Connection: close).
        const auto body_deadline = std::min(deadline, Clock::now() + milliseconds(2000));
        while (buffer.size() < kMaxHead + kMaxErrorBody &&
               read_some(fd.get(), buffer, body_deadline) == ReadResult::data) {
        }
        out.http_response = std::move(buffer);
        out.server_dropped_tcp = true;
        return out;
    }
    out.http_response = buffer.substr(0, parsed.consumed);
    protocol::UpgradeResponse info;
    if (auto ec = protocol::check_upgrade_response(response, key, {}, {}, info)) {
        out.error = "bad 101 response: " + ec.message();
        return out;
    }
    Conversation conversation(fd.get(), bug_, options_, deadline, out);
    conversation.run(buffer.substr(parsed.consumed));
    return out;
}

std::optional<int> BuggyClient::case_count() const {
    const auto text = single_text(open("/getCaseCount"));
    if (!text) return std::nullopt;
    try {
        std::size_t used = 0;
        const int n = std::stoi(*text, &used);
        if (used != text->size()) return std::nullopt;
        return n;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Exchange BuggyClient::run_case(int number, std::string_view agent) const {
    return open(run_case_target(number, agent));
}

Exchange BuggyClient::run_case(std::string_view id, std::string_view agent) const {
    return open(run_case_target(id, agent));
}

std::optional<std::string> BuggyClient::case_info(int number) const {
    return single_text(open("/getCaseInfo?case=" + std::to_string(number)));
}

std::optional<std::string> BuggyClient::case_status(int number, std::string_view agent) const {
    return single_text(
        open("/getCaseStatus?case=" + std::to_string(number) + "&agent=" + percent_encode(agent)));
}

bool BuggyClient::update_reports(std::string_view agent, bool shutdown_on_complete) const {
    const auto e = open("/updateReports?agent=" + percent_encode(agent) +
                        (shutdown_on_complete ? "&shutdownOnComplete=true" : ""));
    return e.http_status == 101 && e.close_received;
}

bool BuggyClient::stop_server() const {
    const auto e = open("/stopServer");
    return e.http_status == 101 && e.close_received;
}

std::vector<Exchange> BuggyClient::open_all(const std::vector<std::string>& targets,
                                            unsigned parallel) const {
    std::vector<Exchange> results(targets.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    const unsigned n = std::max(1u, std::min<unsigned>(parallel, targets.size()));
    for (unsigned w = 0; w < n; ++w) {
        workers.emplace_back([&] {
            for (std::size_t i = next++; i < targets.size(); i = next++)
                results[i] = open(targets[i]);
        });
    }
    for (auto& t : workers) t.join();
    return results;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::string run_case_target(int number, std::string_view agent) {
    return "/runCase?case=" + std::to_string(number) + "&agent=" + percent_encode(agent);
}

std::string run_case_target(std::string_view id, std::string_view agent) {
    return "/runCase?casetuple=" + percent_encode(id) + "&agent=" + percent_encode(agent);
}

RawReply raw_exchange(std::uint16_t port, std::string_view bytes, unsigned timeout_ms) {
    RawReply reply;
    const auto deadline = Clock::now() + milliseconds(timeout_ms);
    std::string error;
    Fd fd(connect_loopback(port, deadline, error));
    if (fd.get() < 0) return reply;
    reply.connected = true;
    // The server may answer (and close) before it has read everything: keep what it said.
    write_all(fd.get(), bytes, deadline);
    for (;;) {
        const auto r = read_some(fd.get(), reply.bytes, deadline);
        if (r == ReadResult::eof) break;
        if (r == ReadResult::timeout) {
            reply.timed_out = true;
            break;
        }
    }
    return reply;
}

// ---- ChildProcess ---------------------------------------------------------------------------

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

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
    return slurp(out_path_);
}

std::string ChildProcess::err() const {
    return slurp(err_path_);
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

}  // namespace wsconform::test_support
