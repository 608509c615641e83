// The fuzzer's side of one connection: send the handshake and check the answer (RFC 6455
// §4.1, RFC 7692), send the frames, then, when the shadow of the server's parser says an
// answer is owed, a probe ping and a close, and check everything that comes back. Every step
// is bound by a deadline (transport::BlockingClient).
#include "harness/live_fuzz/client.h"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/live_fuzz/liveness.h"
#include "harness/live_fuzz/peer_reader.h"
#include "harness/live_fuzz/shadow.h"
#include "harness/transport/blocking_client.h"
#include "harness/transport/h2_session.h"
#include "protocol/h2_headers.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace live_fuzz {

namespace {

constexpr milliseconds kMutatedHandshakeWait{1000};
constexpr milliseconds kQuietWait{200};
constexpr std::size_t kMaxHeadBytes = 64 * 1024;
constexpr std::size_t kMaxPad = 64 * 1024;
// Past max_read, what the server sends is still parsed (a pong may come after a flood), in
// reads of this size, for as long as an answer is owed: the deadline bounds it, not a count.
constexpr std::size_t kDrainChunk = 64 * 1024;

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

milliseconds ms_left(milliseconds budget, Clock::time_point since) {
    return budget - std::chrono::duration_cast<milliseconds>(Clock::now() - since);
}

// The permessage-deflate offers of our request, as the server should read them.
std::vector<protocol::DeflateParams> offered_deflate(const std::string& request) {
    constexpr std::string_view kName = "Sec-WebSocket-Extensions: ";
    const auto at = request.find(kName);
    if (at == std::string::npos) return {};
    const auto end = request.find("\r\n", at);
    std::vector<protocol::Extension> offered;
    protocol::parse_extensions(
        std::string_view(request).substr(at + kName.size(), end - at - kName.size()), offered);
    std::vector<protocol::DeflateParams> alternatives;
    for (const auto& e : offered) {
        protocol::DeflateParams p;
        if (!protocol::parse_deflate_params(e, true, p)) alternatives.push_back(p);
    }
    return alternatives;
}

// One input, step by step. Each step returns false when the input is over; the outcome is
// then final.
class InputRun {
  public:
    InputRun(const LiveInput& in, const LiveFuzzOptions& o) : in_(in), o_(o) {}

    LiveOutcome run(const transport::ConnectTarget& target) {
        if (!connect(target)) return out_;
        if (target.http2 ? open_over_h2(target) : read_response() && check_upgrade())
            exchange_frames();
        return out_;
    }

  private:
    // The first finding wins.
    bool finding(FindingKind kind, std::string detail) {
        if (!out_.finding) {
            out_.finding = kind;
            out_.detail = std::move(detail);
        }
        return false;
    }
    bool over(std::string detail) {
        out_.detail = std::move(detail);
        return false;
    }
    bool violation_seen() {
        if (peer_->violation().empty()) return false;
        finding(FindingKind::violation, peer_->violation());
        return true;
    }

    bool connect(const transport::ConnectTarget& target) {
        const auto ec = client_.connect(target, std::min(o_.timeout, kConnectTimeout));
        if (ec == boost::asio::error::connection_refused) {
            return finding(FindingKind::crash, "connection refused");
        }
        if (transport::is_timeout(ec)) {
            return finding(FindingKind::hang, "TCP connect not accepted in time");
        }
        if (ec) return over("connect: " + ec.message());
        out_.connected = true;
        return true;
    }

    // RFC 8441: the input's request becomes an extended CONNECT with the same header fields
    // (those HTTP/2 forbids left out), and its frames go on the stream it opens. A mutated
    // request is HTTP/1.1 text with nothing to map onto HTTP/2 fields: such an input ends here.
    bool open_over_h2(const transport::ConnectTarget& target) {
        if (!in_.handshake_valid) return over("a mutated HTTP/1.1 request has no HTTP/2 form");
        const auto head_end = in_.handshake.find("\r\n\r\n");
        const auto first_line_end = in_.handshake.find("\r\n");
        const std::string_view first_line(in_.handshake.data(), first_line_end);
        const auto path_at = first_line.find(' ') + 1;
        const auto path = first_line.substr(path_at, first_line.rfind(' ') - path_at);
        std::vector<std::string> headers;
        std::string authority;
        for (auto at = first_line_end + 2; at < head_end;) {
            const auto end = in_.handshake.find("\r\n", at);
            std::string line = in_.handshake.substr(at, end - at);
            if (line.rfind("Host: ", 0) == 0) authority = line.substr(6);
            headers.push_back(std::move(line));
            at = end + 2;
        }
        const bool tls = target.tls != nullptr;
        protocol::H2Fields response;
        const auto sent_at = Clock::now();
        const auto ec = client_.open_h2_websocket(
            protocol::build_extended_connect(tls ? "https" : "http", authority, path, headers),
            response, o_.timeout);
        if (transport::is_timeout(ec))
            return finding(FindingKind::hang, "no answer to a valid extended CONNECT");
        if (ec == transport::H2Error::not_h2) return over("over TLS, ALPN did not choose h2");
        if (ec) {
            out_.dropped = true;
            return finding(FindingKind::violation,
                           "no answer to a valid extended CONNECT: " + ec.message());
        }
        out_.latency_ms = ms_since(sent_at);
        const std::vector<std::string> offered_ext =
            in_.offers_deflate ? std::vector<std::string>{"permessage-deflate"}
                               : std::vector<std::string>{};
        protocol::UpgradeResponse up;
        if (const auto bad = protocol::check_extended_connect_response(
                response, in_.offered_protocols, offered_ext, up)) {
            return finding(
                FindingKind::violation,
                "bad answer to a valid extended CONNECT: " + bad.message() + " (:status " +
                    std::string(protocol::find_field(response, ":status").value_or("none")) + ")");
        }
        return accept_extensions(up);
    }

    // Sends the request and reads the response head.
    bool read_response() {
        if (client_.write(in_.handshake, o_.timeout)) return over("could not send the handshake");
        const auto sent_at = Clock::now();
        const milliseconds wait =
            in_.handshake_valid ? o_.timeout : std::min(o_.timeout, kMutatedHandshakeWait);
        protocol::HttpParse parsed;
        while (true) {
            const auto left = ms_left(wait, sent_at);
            const auto rec =
                client_.read_some(head_, kMaxHeadBytes, std::max(left, milliseconds(1)));
            parsed = protocol::parse_http_head(head_, false, response_);
            if (parsed.status != protocol::HttpParse::Status::need_more) break;
            if (transport::is_timeout(rec) || left <= milliseconds(0)) {
                if (in_.handshake_valid) {
                    return finding(FindingKind::hang,
                                   head_.empty() ? "no answer to a valid upgrade request"
                                                 : "incomplete answer to a valid upgrade request");
                }
                return over("no answer to a mutated upgrade request (not a finding)");
            }
            if (rec) {  // EOF or reset
                out_.dropped = true;
                if (in_.handshake_valid) {
                    return finding(FindingKind::violation,
                                   "connection closed without answering a valid upgrade request");
                }
                return over("closed after a mutated upgrade request");
            }
        }
        if (parsed.status == protocol::HttpParse::Status::error) {
            return finding(FindingKind::violation,
                           "answer to the upgrade request is not HTTP: " + parsed.error.message());
        }
        if (!in_.handshake_valid) {
            return over("mutated upgrade answered " + std::to_string(response_.status));
        }
        out_.latency_ms = ms_since(sent_at);
        head_.erase(0, parsed.consumed);  // what follows the head: the first frames
        return true;
    }

    // §4.1: the client's checks of the 101, and of the permessage-deflate answer.
    bool check_upgrade() {
        const auto key_line = in_.handshake.find("Sec-WebSocket-Key: ");
        const std::string key = in_.handshake.substr(key_line + 19, 24);
        const std::vector<std::string> offered_ext =
            in_.offers_deflate ? std::vector<std::string>{"permessage-deflate"}
                               : std::vector<std::string>{};
        protocol::UpgradeResponse up;
        if (const auto ec = protocol::check_upgrade_response(response_, key, in_.offered_protocols,
                                                             offered_ext, up)) {
            return finding(FindingKind::violation,
                           "bad answer to a valid upgrade: " + ec.message());
        }
        return accept_extensions(up);
    }

    // The permessage-deflate answer (RFC 7692); then the frames read so far are checked.
    bool accept_extensions(const protocol::UpgradeResponse& up) {
        for (const auto& ext : up.extensions) {
            protocol::DeflateParams agreed;
            if (const auto ec =
                    protocol::check_deflate_response(ext, offered_deflate(in_.handshake), agreed)) {
                return finding(FindingKind::violation,
                               "bad permessage-deflate answer: " + ec.message());
            }
            out_.deflate = true;
        }
        out_.upgraded = true;
        // Frames: what comes back is checked as it arrives.
        peer_.emplace(out_.deflate);
        read_total_ = head_.size();
        if (!peer_->feed(head_)) return finding(FindingKind::violation, peer_->violation());
        return true;
    }

    // Reads for up to `budget`, until `done()` or the connection ends. True when done() held.
    // A server that floods does not end the wait early: only the budget does.
    template <class Done>
    bool read_until(milliseconds budget, Done done) {
        const auto start = Clock::now();
        while (!done()) {
            if (eof_) return false;
            const auto left = ms_left(budget, start);
            if (left <= milliseconds(0)) return false;
            std::string chunk;
            const auto most = read_total_ < o_.max_read
                                  ? std::min(o_.max_read - read_total_, kDrainChunk)
                                  : kDrainChunk;
            const auto rec = client_.read_some(chunk, most, left);
            read_total_ += chunk.size();
            if (!peer_->feed(chunk)) return false;
            if (rec && !transport::is_timeout(rec)) eof_ = true;
        }
        return true;
    }

    // What a hang finding adds when the server kept sending while it owed the answer.
    std::string while_flooding() const {
        if (read_total_ < o_.max_read) return {};
        return " (it sent more than " + std::to_string(o_.max_read / 1024) + " KiB meanwhile)";
    }

    // The frames, then the probe where an answer is owed.
    void exchange_frames() {
        std::string sent;
        for (const auto& w : in_.writes) sent += w;
        Shadow shadow = shadow_parse(sent, out_.deflate);
        // A frame left open: its missing payload (zeros) completes it, so that the probe that
        // follows is read as a frame of its own.
        std::string pad;
        if (shadow.verdict == Verdict::incomplete && shadow.pad > 0 && shadow.pad <= kMaxPad) {
            pad.assign(static_cast<std::size_t>(shadow.pad), '\0');
            shadow = shadow_parse(sent + pad, out_.deflate);
        }
        out_.verdict = to_string(shadow.verdict);

        bool write_failed = false;
        for (const auto& w : in_.writes) {
            if (client_.write(w, o_.timeout)) {
                write_failed = true;
                break;
            }
        }
        if (!write_failed && !pad.empty() && client_.write(pad, o_.timeout)) write_failed = true;
        // Whatever arrived so far (echoes, a close) is checked; a little waiting lets a server
        // that fails the connection do so before the probe.
        read_until(shadow.verdict == Verdict::valid ? milliseconds(0) : kQuietWait,
                   [&] { return peer_->closed(); });
        if (violation_seen()) return;

        if (shadow.verdict == Verdict::valid && !write_failed && !peer_->closed() && !eof_) {
            if (!probe()) return;
        } else if (shadow.verdict == Verdict::invalid) {
            // The server should fail the connection; one that stays silent is not reported.
            read_until(std::min(o_.timeout, milliseconds(1000)), [&] { return peer_->closed(); });
            if (violation_seen()) return;
        }
        client_.close();
        // Ended without a close frame (EOF, reset, or writes refused): the caller checks that
        // the server is still there.
        out_.dropped = (eof_ || write_failed) && !peer_->closed();
        if (out_.detail.empty()) out_.detail = shadow.why;
    }

    // An answer is owed: the pong, then the close.
    bool probe() {
        const auto ping_at = Clock::now();
        if (client_.write(in_.probe_ping, o_.timeout)) return true;
        const bool answered = read_until(
            o_.timeout, [&] { return peer_->has_pong(in_.probe_payload) || peer_->closed(); });
        if (violation_seen()) return false;
        if (!answered && !eof_) {
            return finding(FindingKind::hang, "no pong (nor close) within " +
                                                  std::to_string(o_.timeout.count()) +
                                                  " ms after a valid sequence" + while_flooding());
        }
        if (peer_->has_pong(in_.probe_payload)) {
            out_.latency_ms = ms_since(ping_at);
            out_.pong = true;
        }
        if (peer_->closed() || eof_ || client_.write(in_.probe_close, o_.timeout)) return true;
        const bool closed = read_until(o_.timeout, [&] { return peer_->closed(); });
        if (violation_seen()) return false;
        if (!closed && !eof_) {
            return finding(FindingKind::hang, "no close frame within " +
                                                  std::to_string(o_.timeout.count()) +
                                                  " ms after our close" + while_flooding());
        }
        return true;
    }

    const LiveInput& in_;
    const LiveFuzzOptions& o_;
    transport::BlockingClient client_;
    LiveOutcome out_;
    std::string head_;  // the response head as read, then what followed it
    protocol::HttpMessage response_;
    std::optional<PeerReader> peer_;
    std::size_t read_total_ = 0;
    bool eof_ = false;
};

}  // namespace

LiveOutcome run_input(const LiveInput& input, const LiveFuzzOptions& options,
                      const transport::ConnectTarget& target) {
    return InputRun(input, options).run(target);
}

}  // namespace live_fuzz

LiveOutcome run_live_input(const LiveInput& input, const LiveFuzzOptions& options) {
    return live_fuzz::run_input(input, options, live_fuzz::connect_target(options.endpoint));
}

}  // namespace wsconform::harness
