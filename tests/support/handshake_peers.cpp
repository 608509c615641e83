#include "tests/support/handshake_peers.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <list>
#include <mutex>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <thread>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"
#include "tests/support/enum_names.h"
#include "tests/support/socket.h"

namespace wsconform::test_support {

// The names of ServerFlaw's values, in their order (tests/support/enum_names.h).
constexpr std::array<std::string_view, 13> kServerFlawNames{"none",
                                                            "wrong_accept",
                                                            "unoffered_subprotocol",
                                                            "upgrade_any_method",
                                                            "never_answer",
                                                            "partial_status_line",
                                                            "headers_forever",
                                                            "slow_headers",
                                                            "accepts_unmasked",
                                                            "crashes_past_2000_headers",
                                                            "no_header_limit",
                                                            "no_handshake_deadline",
                                                            "quadratic_protocols"};

std::string_view to_string(ServerFlaw flaw) noexcept {
    return name_in<ServerFlaw::quadratic_protocols>(kServerFlawNames, flaw);
}

namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxHead = 64 * 1024;
constexpr milliseconds kLifetime{20000};  // any connection, whatever it does

// Reads an HTTP head (request or response); the head and whatever followed it, or nothing.
std::optional<std::pair<std::string, std::size_t>> read_head(Socket& s, bool is_request,
                                                             Clock::time_point deadline,
                                                             protocol::HttpMessage& out,
                                                             std::error_code* error = nullptr,
                                                             std::size_t max_head = kMaxHead) {
    std::string buffer;
    for (;;) {
        if (s.read_some(buffer, deadline) != Socket::Read::data) return std::nullopt;
        const auto parsed = protocol::parse_http_head(buffer, is_request, out, max_head);
        if (parsed.status == protocol::HttpParse::Status::need_more) continue;
        if (parsed.status == protocol::HttpParse::Status::error) {
            if (error) *error = parsed.error;
            return std::nullopt;
        }
        return std::make_pair(std::move(buffer), parsed.consumed);
    }
}

// Echoes messages and completes the closing handshake over `s`, as an endpoint of `our_role`
// (a server echoes unmasked, a client masked with a fresh random key per frame). `leftover`
// are octets that came with the handshake. `check_masking` false plants the flaw of taking
// frames masked the wrong way for their sender.
void echo_loop(Socket& s, protocol::Role our_role, std::string leftover, Clock::time_point deadline,
               bool check_masking = true) {
    const bool we_are_client = our_role == protocol::Role::client;
    std::mt19937 rng(std::random_device{}());
    auto mask = [&]() -> std::optional<protocol::MaskKey> {
        if (!we_are_client) return std::nullopt;
        const auto r = rng();
        return protocol::MaskKey{static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(r >> 8),
                                 static_cast<std::uint8_t>(r >> 16),
                                 static_cast<std::uint8_t>(r >> 24)};
    };
    protocol::FrameParser parser({.role = our_role, .require_role_masking = check_masking});
    std::string message;
    std::string buffer = std::move(leftover);
    for (;;) {
        std::span<std::byte> input(reinterpret_cast<std::byte*>(buffer.data()), buffer.size());
        for (;;) {
            auto ev = parser.next(input);
            using S = protocol::FrameParser::Status;
            if (ev.status == S::need_more) break;
            if (ev.status == S::error) {
                s.write_all(
                    frame_bytes(protocol::opcode::close,
                                protocol::build_close_payload(protocol::close_code_for(ev.error)),
                                mask()),
                    deadline);
                return;
            }
            if (ev.status == S::header && !protocol::is_control(ev.header.opcode) &&
                ev.header.opcode != protocol::opcode::continuation)
                message.clear();
            if (ev.status == S::payload && !protocol::is_control(ev.header.opcode))
                message.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
            if (ev.status != S::frame_end) continue;
            const auto op = ev.header.opcode;
            std::string payload(reinterpret_cast<const char*>(ev.payload.data()),
                                ev.payload.size());
            if (op == protocol::opcode::ping) {
                s.write_all(frame_bytes(protocol::opcode::pong, payload, mask()), deadline);
            } else if (op == protocol::opcode::close) {
                protocol::ClosePayload cp;
                const auto err = protocol::parse_close_payload(ev.payload, cp);
                s.write_all(frame_bytes(protocol::opcode::close,
                                        err || !cp.code ? std::string()
                                                        : protocol::build_close_payload(*cp.code),
                                        mask()),
                            deadline);
                if (we_are_client) s.drain(std::min(deadline, Clock::now() + milliseconds(2000)));
                return;
            } else if (ev.message_end) {
                s.write_all(frame_bytes(ev.message_opcode, message, mask()), deadline);
            }
        }
        buffer.clear();
        if (s.read_some(buffer, deadline) != Socket::Read::data) return;
    }
}

}  // namespace

// ---------------------------------------------------------------- HandshakeServer

// quadratic_protocols: every position rescans the rest of the value for its end (a regex
// that backtracks over a run of spaces, as ws before 7.4.6 did: CVE-2021-32640).
std::size_t quadratic_scan(std::string_view value) {
    volatile std::size_t steps = 0;
    for (int pass = 0; pass < 3; ++pass)
        for (std::size_t i = 0; i < value.size(); ++i)
            for (std::size_t j = i; j < value.size() && value[j] != ','; ++j) steps = steps + 1;
    return steps;
}

// crashes_past_2000_headers: what node's HTTP parser leaves of a request (its first 2,000
// header lines, maxHeadersCount) lacks the key.
bool key_past_2000_headers(const protocol::HttpMessage& request) {
    constexpr std::size_t kKept = 2000;
    if (request.headers.size() <= kKept) return false;
    for (std::size_t i = 0; i < kKept; ++i)
        if (protocol::iequals(request.headers[i].name, "Sec-WebSocket-Key")) return false;
    return true;
}

struct HandshakeServer::Impl {
    ServerFlaw flaw;
    std::chrono::milliseconds head_wait{5000};
    std::atomic<bool> crashed{false};
    std::atomic<bool> stop{false};
    std::atomic<std::uint64_t> written{0};
    std::mutex mutex;
    std::list<std::thread> connections;
    std::unique_ptr<Acceptor> acceptor;

    void serve(int fd) {
        Socket s(fd, &stop);
        const auto end = Clock::now() + kLifetime;
        auto write = [&](std::string_view bytes) {
            const bool ok = s.write_all(bytes, end);
            if (ok) written += bytes.size();
            return ok;
        };
        if (crashed) return;  // a crashed server answers nothing: the connection drops
        protocol::HttpMessage request;
        std::error_code error;
        const bool unlimited =
            flaw == ServerFlaw::no_header_limit || flaw == ServerFlaw::crashes_past_2000_headers;
        const auto head_end = flaw == ServerFlaw::no_handshake_deadline
                                  ? end
                                  : std::min(end, Clock::now() + head_wait);
        auto head = read_head(s, true, head_end, request, &error, unlimited ? 4u << 20 : kMaxHead);
        if (head && flaw == ServerFlaw::crashes_past_2000_headers) {
            if (key_past_2000_headers(request)) {
                crashed = true;  // node ws 8.11: TypeError, the process exits
                return;
            }
            if (head->second > kMaxHead) error = protocol::HandshakeError::header_too_large;
            if (error) head.reset();
        }
        if (flaw == ServerFlaw::quadratic_protocols && head)
            if (auto offered = request.header("Sec-WebSocket-Protocol")) quadratic_scan(*offered);
        if (!head) {
            if (!error) return;
            write(protocol::build_rejection(error));  // malformed or over the cap: 400
            s.shutdown_write();
            s.drain(std::min(end, Clock::now() + milliseconds(1000)));
            return;
        }
        switch (flaw) {
            case ServerFlaw::never_answer:
                s.drain(end);
                return;
            case ServerFlaw::partial_status_line:
                write("HTTP/1.1 10");
                s.drain(end);
                return;
            case ServerFlaw::headers_forever: {
                if (!write("HTTP/1.1 101 Switching Protocols\r\n")) return;
                const std::string line = "X-Forever: " + std::string(1024, 'f') + "\r\n";
                while (write(line)) {
                }
                return;
            }
            case ServerFlaw::slow_headers: {
                if (!write("HTTP/1.1 101 Switching Protocols\r\nX-Slow: ")) return;
                while (write("s")) std::this_thread::sleep_for(milliseconds(50));
                return;
            }
            default:
                break;
        }
        protocol::HttpMessage checked = request;
        if (flaw == ServerFlaw::upgrade_any_method) checked.method = "GET";
        protocol::UpgradeRequest upgrade;
        if (auto ec = protocol::check_upgrade_request(checked, upgrade)) {
            write(protocol::build_rejection(ec));
            s.shutdown_write();
            s.drain(std::min(end, Clock::now() + milliseconds(1000)));
            return;
        }
        std::string key = upgrade.key;
        if (flaw == ServerFlaw::wrong_accept) key[0] = key[0] == 'A' ? 'B' : 'A';
        std::optional<std::string_view> subprotocol;
        if (flaw == ServerFlaw::unoffered_subprotocol) subprotocol = "mqtt";
        if (!write(protocol::build_upgrade_response(key, subprotocol))) return;
        echo_loop(s, protocol::Role::server, head->first.substr(head->second), end,
                  flaw != ServerFlaw::accepts_unmasked);
    }
};

HandshakeServer::HandshakeServer(ServerFlaw flaw, std::chrono::milliseconds head_wait)
    : impl_(std::make_unique<Impl>()) {
    impl_->flaw = flaw;
    impl_->head_wait = head_wait;
    impl_->acceptor = std::make_unique<Acceptor>(128, impl_->stop, [impl = impl_.get()](int fd) {
        std::lock_guard lock(impl->mutex);
        impl->connections.emplace_back([impl, fd] { impl->serve(fd); });
    });
}

HandshakeServer::~HandshakeServer() {
    impl_->acceptor.reset();  // stops accepting
    for (auto& t : impl_->connections)
        if (t.joinable()) t.join();
}

std::uint16_t HandshakeServer::port() const noexcept {
    return impl_->acceptor->port();
}
std::uint64_t HandshakeServer::bytes_written() const noexcept {
    return impl_->written;
}

// ---------------------------------------------------------------- a client of the driver protocol

void run_client_case(std::uint16_t port, int number, const std::string& agent, ClientFlaw flaw) {
    const auto end = Clock::now() + milliseconds(15000);
    std::string error;
    const int fd = connect_loopback(port, end, error);
    if (fd < 0) return;
    Socket s(fd);

    std::random_device rd;
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rd());
    const auto key = protocol::make_key(nonce);
    const std::string host = "127.0.0.1:" + std::to_string(port);
    const std::string target = "/runCase?case=" + std::to_string(number) + "&agent=" + agent;
    const bool deflate =
        flaw == ClientFlaw::offers_deflate || flaw == ClientFlaw::any_deflate_parameters;
    const std::vector<std::string> offer{"Sec-WebSocket-Extensions: permessage-deflate"};
    const std::vector<std::string> offered_names{std::string(protocol::kPermessageDeflate)};
    if (!s.write_all(protocol::build_upgrade_request(host, target, key,
                                                     deflate ? offer : std::vector<std::string>{}),
                     end))
        return;

    protocol::HttpMessage response;
    auto head = read_head(s, false, std::min(end, Clock::now() + milliseconds(5000)), response);
    if (!head) return;  // not an HTTP answer: _Fail the WebSocket Connection_
    protocol::UpgradeResponse info;
    if (auto ec = protocol::check_upgrade_response(
            response, key, {}, deflate ? offered_names : std::vector<std::string>{}, info)) {
        const bool accept_error = ec == protocol::HandshakeError::accept_mismatch ||
                                  ec == protocol::HandshakeError::missing_accept;
        if (!(flaw == ClientFlaw::ignore_accept && accept_error)) return;  // fail: close TCP
    }
    const protocol::DeflateParams bare;
    for (const auto& ext : info.extensions) {  // RFC 7692 7: the parameters must fit the offer
        protocol::DeflateParams agreed;
        if (flaw == ClientFlaw::offers_deflate &&
            protocol::check_deflate_response(ext, std::span(&bare, 1), agreed))
            return;  // fail: close TCP
    }
    echo_loop(s, protocol::Role::client, head->first.substr(head->second), end,
              flaw != ClientFlaw::accepts_masked);
}

}  // namespace wsconform::test_support
