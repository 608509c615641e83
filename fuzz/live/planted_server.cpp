// wsconform_planted_server: a small, correct WebSocket echo server (RFC 6455, no extensions)
// with one planted crash, the test peer for `wsconform fuzz URL` (tests/live_fuzz_test.cpp,
// docs/fuzzing.md). When a frame matching --crash-on is accepted, the whole process aborts,
// so the port refuses connections from then on: exactly what the live mode calls a crash.
//
//   wsconform_planted_server [--port N] [--crash-on TRIGGER]
//     TRIGGER: cont126  a continuation frame whose payload is exactly 126 bytes (default)
//              ping-in-fragment  a ping inside a fragmented message
//              none     never crash (a correct control peer)
//   prints "LISTENING <port>" once it accepts connections.
//
// Blocking POSIX sockets, one thread per connection, every read bounded by a timeout, every
// buffer capped. Built on the project's sans-I/O codec.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace {

using namespace wsconform::protocol;

enum class Trigger { none, cont126, ping_in_fragment };
Trigger g_trigger = Trigger::cont126;
std::atomic<int> g_connections{0};
constexpr int kMaxConnections = 256;
constexpr std::size_t kMaxMessage = 1 << 20;

bool send_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool send_frame(int fd, std::uint8_t op, std::string_view payload) {
    FrameHeader h;
    h.opcode = op;
    h.payload_length = payload.size();
    std::array<std::byte, kMaxHeaderSize> head{};
    const std::size_t n = encode_header(h, head);
    std::string out(reinterpret_cast<const char*>(head.data()), n);
    out += payload;
    return send_all(fd, out);
}

void planted_check(const FrameHeader& h, bool in_message) {
    const bool hit =
        (g_trigger == Trigger::cont126 && h.opcode == opcode::continuation &&
         h.payload_length == 126) ||
        (g_trigger == Trigger::ping_in_fragment && h.opcode == opcode::ping && in_message);
    if (hit) {
        std::fprintf(stderr, "planted_server: planted crash triggered (op=%u len=%llu)\n", h.opcode,
                     static_cast<unsigned long long>(h.payload_length));
        std::abort();
    }
}

void serve(int fd) {
    timeval tv{5, 0};  // every read waits at most 5 s
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    // Handshake.
    std::string head;
    char buf[16384];
    HttpMessage request;
    std::size_t consumed = 0;
    while (true) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        head.append(buf, static_cast<std::size_t>(n));
        const HttpParse r = parse_http_head(head, true, request);
        if (r.status == HttpParse::Status::need_more) continue;
        if (r.status == HttpParse::Status::error) {
            send_all(fd, build_rejection(r.error));
            return;
        }
        consumed = r.consumed;
        break;
    }
    UpgradeRequest up;
    if (const auto ec = check_upgrade_request(request, up)) {
        send_all(fd, build_rejection(ec));
        return;
    }
    if (!send_all(fd, build_upgrade_response(up.key))) return;

    // Frames.
    FrameParser parser(ParserOptions{.role = Role::server,
                                     .max_frame_payload = kMaxMessage,
                                     .max_message_payload = kMaxMessage});
    std::string pending = head.substr(consumed);
    std::string message;
    std::uint8_t message_op = 0;
    while (true) {
        std::span<std::byte> input(reinterpret_cast<std::byte*>(pending.data()), pending.size());
        bool need_more = false;
        while (!need_more) {
            const bool in_message = parser.in_message();
            const auto ev = parser.next(input);
            switch (ev.status) {
                case FrameParser::Status::need_more:
                    need_more = true;
                    break;
                case FrameParser::Status::header:
                    planted_check(ev.header, in_message);
                    if (ev.header.opcode == opcode::text || ev.header.opcode == opcode::binary) {
                        message.clear();
                        message_op = ev.header.opcode;
                    }
                    break;
                case FrameParser::Status::payload:
                    message.append(reinterpret_cast<const char*>(ev.payload.data()),
                                   ev.payload.size());
                    break;
                case FrameParser::Status::frame_end: {
                    const std::string_view p(reinterpret_cast<const char*>(ev.payload.data()),
                                             ev.payload.size());
                    if (ev.header.opcode == opcode::ping) {
                        if (!send_frame(fd, opcode::pong, p)) return;
                    } else if (ev.header.opcode == opcode::close) {
                        send_frame(fd, opcode::close, p.size() >= 2 ? p.substr(0, 2) : p);
                        ::shutdown(fd, SHUT_WR);
                        return;
                    } else if (ev.message_end) {
                        if (!send_frame(fd, message_op, message)) return;
                    }
                    break;
                }
                case FrameParser::Status::error:
                    send_frame(fd, opcode::close,
                               build_close_payload(close_code_for(ev.error), ""));
                    ::shutdown(fd, SHUT_WR);
                    return;
            }
        }
        pending.clear();
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) return;
        pending.assign(buf, static_cast<std::size_t>(n));
    }
}

}  // namespace

int main(int argc, char** argv) {
    int port = 0;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--port" && i + 1 < argc) {
            port = std::atoi(argv[++i]);
        } else if (a == "--crash-on" && i + 1 < argc) {
            const std::string_view t = argv[++i];
            if (t == "none") {
                g_trigger = Trigger::none;
            } else if (t == "cont126") {
                g_trigger = Trigger::cont126;
            } else if (t == "ping-in-fragment") {
                g_trigger = Trigger::ping_in_fragment;
            } else {
                std::fprintf(stderr, "planted_server: unknown trigger %s\n", argv[i]);
                return 2;
            }
        } else {
            std::fprintf(stderr,
                         "usage: wsconform_planted_server [--port N] "
                         "[--crash-on cont126|ping-in-fragment|none]\n");
            return 2;
        }
    }
    std::signal(SIGPIPE, SIG_IGN);
    const int lfd = ::socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::bind(lfd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(lfd, 64) != 0) {
        std::perror("planted_server: bind/listen");
        return 1;
    }
    socklen_t len = sizeof addr;
    getsockname(lfd, reinterpret_cast<sockaddr*>(&addr), &len);
    std::printf("LISTENING %u\n", ntohs(addr.sin_port));
    std::fflush(stdout);
    while (true) {
        const int fd = ::accept(lfd, nullptr, nullptr);
        if (fd < 0) continue;
        if (g_connections.load() >= kMaxConnections) {
            ::close(fd);
            continue;
        }
        ++g_connections;
        std::thread([fd] {
            serve(fd);
            ::close(fd);
            --g_connections;
        }).detach();
    }
}
