// `wsconform fuzz URL` and `wsconform replay FILE URL` (see live_fuzz.h): a generator of test
// inputs that depends only on (seed, index), a small Boost.Asio client loop where every
// operation has a deadline, a shadow of the server's parser (our own FrameParser in the server
// role over what we sent) that says when an answer is owed, and a checker of what the server
// sends back (FrameParser in the client role).
#include "harness/live_fuzz.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "mutation/frame_mutator.h"
#include "harness/model/wire_log.h"
#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame_parser.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"
#include "protocol/utf8.h"
#include "protocol/hex.h"

namespace wsconform::harness {

namespace asio = boost::asio;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

const char* to_string(FindingKind kind) noexcept {
    switch (kind) {
        case FindingKind::crash:
            return "crash";
        case FindingKind::hang:
            return "hang";
        case FindingKind::violation:
            return "violation";
        case FindingKind::slow:
            return "slow";
        case FindingKind::peer_memory:
            return "peer_memory";
    }
    return "unknown";
}

namespace {

constexpr std::size_t kMaxInputBytes = 64 * 1024;
constexpr std::size_t kMaxWrites = 200;
constexpr std::size_t kMaxPad = 64 * 1024;
constexpr std::size_t kInflateCap = 16u << 20;
constexpr milliseconds kConnectTimeout{2000};
constexpr milliseconds kMutatedHandshakeWait{1000};
constexpr milliseconds kQuietWait{200};

// ---- generation ---------------------------------------------------------------------------

using fuzz::FrameSequence;
using fuzz::ModelFrame;
using fuzz::Rng;
namespace op = protocol::opcode;

std::string one_frame(const ModelFrame& f) {
    std::string out;
    fuzz::append_frame(f, out);
    return out;
}

// Appends one valid message (or control frame) a client could send.
void add_valid(std::vector<ModelFrame>& out, Rng& rng, bool deflate) {
    const std::size_t size = rng.chance(1, 5) ? rng.range(126, 3000) : rng.below(126);
    switch (rng.below(deflate ? 7 : 6)) {
        case 0:
            out.push_back(fuzz::make_frame(op::text, fuzz::random_text(rng, size), true, rng));
            break;
        case 1:
            out.push_back(fuzz::make_frame(op::binary, fuzz::random_bytes(rng, size), true, rng));
            break;
        case 2: {  // fragmented, sometimes with a control frame in the middle
            const std::string text = fuzz::random_text(rng, size + 2);
            const std::size_t parts = rng.range(2, 4);
            std::size_t at = 0;
            for (std::size_t i = 0; i < parts; ++i) {
                const std::size_t end = i + 1 == parts ? text.size() : rng.range(at, text.size());
                // A cut inside a code point is fine: UTF-8 is checked across frames.
                out.push_back(fuzz::make_frame(i == 0 ? op::text : op::continuation,
                                               text.substr(at, end - at), true, rng,
                                               i + 1 == parts));
                at = end;
                if (i + 1 < parts && rng.chance(1, 3)) {
                    out.push_back(fuzz::make_frame(op::ping, fuzz::random_bytes(rng, rng.below(16)),
                                                   true, rng));
                }
            }
            break;
        }
        case 3:
            out.push_back(
                fuzz::make_frame(op::ping, fuzz::random_bytes(rng, rng.below(126)), true, rng));
            break;
        case 4:
            out.push_back(
                fuzz::make_frame(op::pong, fuzz::random_bytes(rng, rng.below(32)), true, rng));
            break;
        case 5:
            out.push_back(fuzz::make_frame(op::text, "", true, rng));
            break;
        case 6: {  // compressed (RFC 7692 §7.2.1), each message from a fresh context
            const bool text = rng.chance(1, 2);
            const std::string plain =
                text ? fuzz::random_text(rng, size) : fuzz::random_bytes(rng, size);
            protocol::Deflater deflater(15, true, static_cast<int>(rng.below(10)));
            std::string compressed;
            deflater.compress(plain, compressed);
            if (rng.chance(1, 3) && compressed.size() >= 2) {
                const std::size_t cut = rng.range(1, compressed.size() - 1);
                ModelFrame a = fuzz::make_frame(text ? op::text : op::binary,
                                                compressed.substr(0, cut), true, rng, false);
                a.rsv = protocol::rsv::rsv1;
                out.push_back(std::move(a));
                out.push_back(
                    fuzz::make_frame(op::continuation, compressed.substr(cut), true, rng));
            } else {
                ModelFrame f =
                    fuzz::make_frame(text ? op::text : op::binary, compressed, true, rng);
                f.rsv = protocol::rsv::rsv1;
                out.push_back(std::move(f));
            }
            break;
        }
    }
}

std::string frame_summary(const FrameSequence& seq) {
    std::string s;
    std::size_t n = 0;
    for (const auto& f : seq.frames) {
        if (++n > 16) {
            s += " ...";
            break;
        }
        if (!s.empty()) s += ' ';
        s += protocol::opcode_name(f.opcode);
        if (!f.fin) s += "/nofin";
        if (f.rsv != 0) s += "/rsv" + std::to_string(f.rsv);
        if (!f.masked) s += "/unmasked";
        s += ":" + std::to_string(f.declared_length.value_or(f.payload.size()));
        if (f.declared_length) s += "(has " + std::to_string(f.payload.size()) + ")";
    }
    if (!seq.tail.empty()) s += " +" + std::to_string(seq.tail.size()) + " raw bytes";
    return s;
}

// A request that breaks (or bends) the upgrade rules; always ends with a blank line.
std::string mutated_handshake(Rng& rng, const Endpoint& ep, const std::string& key,
                              std::string& what) {
    std::vector<std::string> lines = {"GET " + ep.target + " HTTP/1.1",
                                      "Host: " + ep.host_header,
                                      "Upgrade: websocket",
                                      "Connection: Upgrade",
                                      "Sec-WebSocket-Key: " + key,
                                      "Sec-WebSocket-Version: 13"};
    std::string eol = "\r\n";
    auto set = [&](std::size_t i, std::string v) { lines[i] = std::move(v); };
    switch (rng.below(15)) {
        case 0:
            what = "header dropped";
            lines.erase(lines.begin() +
                        static_cast<std::ptrdiff_t>(rng.range(1, lines.size() - 1)));
            break;
        case 1: {
            what = "header duplicated";
            const std::size_t i = rng.range(1, lines.size() - 1);
            lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(i), lines[i]);
            break;
        }
        case 2: {
            static constexpr std::array<const char*, 4> kMethods = {"POST", "get", "PUT",
                                                                    "OPTIONS"};
            what = "method";
            set(0, std::string(rng.pick(kMethods)) + " " + ep.target + " HTTP/1.1");
            break;
        }
        case 3: {
            static constexpr std::array<const char*, 4> kVersions = {"HTTP/1.0", "HTTP/2.0",
                                                                     "HTTP/1.2", "HTTP/1"};
            what = "HTTP version";
            set(0, "GET " + ep.target + " " + rng.pick(kVersions));
            break;
        }
        case 4: {
            static constexpr std::array<const char*, 5> kValues = {"8", "14", "13, 8", "", "abc"};
            what = "Sec-WebSocket-Version";
            set(5, std::string("Sec-WebSocket-Version: ") + rng.pick(kValues));
            break;
        }
        case 5: {
            static constexpr std::array<const char*, 4> kKeys = {
                "dGhlIHNhbXBsZSBub25jZQ",
                "dGhlIHNhbXBsZSBub25jZQ===", "!!!!!!!!!!!!!!!!!!!!!!==", ""};
            what = "Sec-WebSocket-Key";
            set(4, std::string("Sec-WebSocket-Key: ") + rng.pick(kKeys));
            break;
        }
        case 6: {
            static constexpr std::array<const char*, 3> kUpgrades = {"h2c", "", "websocket2"};
            what = "Upgrade";
            set(2, std::string("Upgrade: ") + rng.pick(kUpgrades));
            break;
        }
        case 7:
            what = "Connection";
            set(3, rng.chance(1, 2) ? "Connection: keep-alive" : "Connection: close");
            break;
        case 8:
            what = "long header value";
            lines.push_back("X-Long: " + std::string(rng.range(1000, 12000), 'a'));
            break;
        case 9: {
            what = "many headers";
            const std::size_t n = rng.range(50, 300);
            for (std::size_t i = 0; i < n; ++i)
                lines.push_back("X-Pad-" + std::to_string(i) + ": v");
            break;
        }
        case 10:
            what = "space before colon";
            set(1, "Host : " + ep.host_header);
            break;
        case 11:
            what = "obs-fold";
            lines.insert(lines.begin() + 3, " folded");
            break;
        case 12:
            what = "bare LF line ends";
            eol = "\n";
            break;
        case 13: {
            what = "bytes mutated";
            std::string head;
            for (const auto& l : lines) head += l + "\r\n";
            const std::size_t n = rng.range(1, 4);
            for (std::size_t i = 0; i < n; ++i) {
                std::string buf = head;
                buf.resize(head.size() + 16);
                buf.resize(fuzz::simple_byte_mutate(
                    rng, reinterpret_cast<std::uint8_t*>(buf.data()), head.size(), buf.size()));
                head = std::move(buf);
            }
            return head + "\r\n";
        }
        case 14: {
            static constexpr std::array<const char*, 3> kExt = {
                "Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=99",
                "Sec-WebSocket-Extensions: permessage-deflate; =", "Sec-WebSocket-Protocol: a b"};
            what = "bad extension or protocol header";
            lines.push_back(rng.pick(kExt));
            break;
        }
    }
    std::string out;
    for (const auto& l : lines) out += l + eol;
    return out + eol;
}

std::uint64_t input_seed(std::uint64_t seed, std::uint64_t index) {
    Rng mix(seed ^ 0x5753434F4E464F52ull);  // "WSCONFOR"
    return mix.next() ^ (index * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
}

}  // namespace

LiveInput generate_live_input(std::uint64_t seed, std::uint64_t index, const Endpoint& endpoint) {
    Rng rng(input_seed(seed, index));
    LiveInput in;
    in.seed = seed;
    in.index = index;

    std::array<std::uint8_t, 16> nonce{};
    for (auto& b : nonce) b = rng.byte();
    const std::string key = protocol::make_key(nonce);
    in.offers_deflate = rng.chance(1, 3);
    std::vector<std::string> extra;
    if (in.offers_deflate) {
        static constexpr std::array<const char*, 5> kOffers = {
            "permessage-deflate", "permessage-deflate; client_no_context_takeover",
            "permessage-deflate; server_no_context_takeover",
            "permessage-deflate; server_max_window_bits=10",
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover"};
        extra.push_back(std::string("Sec-WebSocket-Extensions: ") + rng.pick(kOffers));
    }
    if (rng.chance(1, 10)) {
        in.offered_protocols = {"chat"};
        extra.push_back("Sec-WebSocket-Protocol: chat");
    }

    if (rng.chance(1, 8)) {
        std::string what;
        in.handshake = mutated_handshake(rng, endpoint, key, what);
        in.handshake_valid = false;
        in.offers_deflate = false;
        in.description = "mutated handshake: " + what;
        return in;
    }
    in.handshake =
        protocol::build_upgrade_request(endpoint.host_header, endpoint.target, key, extra);

    // A valid prefix, then (most of the time) mutated frames.
    FrameSequence seq;
    const std::size_t valid = rng.below(4);
    for (std::size_t i = 0; i < valid; ++i) add_valid(seq.frames, rng, in.offers_deflate);
    std::size_t mutations = 0;
    if (rng.chance(7, 10)) {
        FrameSequence tail;
        const std::size_t base = rng.range(1, 2);
        for (std::size_t i = 0; i < base; ++i) add_valid(tail.frames, rng, in.offers_deflate);
        const fuzz::ByteMutator bytes = [&rng](std::uint8_t* d, std::size_t n, std::size_t max) {
            return fuzz::simple_byte_mutate(rng, d, n, max);
        };
        fuzz::MutatorOptions mo;
        mo.client_frames = true;
        mo.max_payload = 1024;
        mutations = rng.range(1, 4);
        for (std::size_t i = 0; i < mutations; ++i) fuzz::mutate_once(tail, rng, bytes, mo);
        seq.frames.insert(seq.frames.end(), tail.frames.begin(), tail.frames.end());
        seq.tail = tail.tail;
    }
    std::string wire = fuzz::serialize(seq);
    if (wire.size() > kMaxInputBytes) wire.resize(kMaxInputBytes);
    in.description = std::to_string(valid) + " valid message(s), " + std::to_string(mutations) +
                     " mutation(s)" + (in.offers_deflate ? ", deflate offered" : "") + ": " +
                     frame_summary(seq);

    // Writes: whole, or cut at random points.
    if (rng.chance(1, 2) || wire.empty()) {
        if (!wire.empty()) in.writes.push_back(wire);
    } else {
        std::size_t at = 0;
        while (at < wire.size()) {
            std::size_t n = rng.chance(1, 4) ? 1 : rng.range(1, 64);
            if (in.writes.size() + 1 == kMaxWrites) n = wire.size() - at;
            n = std::min(n, wire.size() - at);
            in.writes.push_back(wire.substr(at, n));
            at += n;
        }
    }

    in.probe_payload = fuzz::random_bytes(rng, 8);
    in.probe_ping = one_frame(fuzz::make_frame(op::ping, in.probe_payload, true, rng));
    in.probe_close = one_frame(
        fuzz::make_frame(op::close, protocol::build_close_payload(1000, "fuzz done"), true, rng));
    return in;
}

namespace {

// ---- a client with deadlines ------------------------------------------------------------

class Client {
  public:
    Client() : socket_(io_) {}

    boost::system::error_code connect(const Endpoint& ep, milliseconds deadline) {
        boost::system::error_code ec;
        tcp::resolver resolver(io_);
        const auto results = resolver.resolve(ep.host, std::to_string(ep.port), ec);
        if (ec) return ec;
        return run(
            [&](auto handler) {
                asio::async_connect(socket_, results,
                                    [handler](const boost::system::error_code& e,
                                              const tcp::endpoint&) { handler(e); });
            },
            deadline);
    }

    boost::system::error_code write(std::string_view data, milliseconds deadline) {
        return run(
            [&](auto handler) {
                asio::async_write(
                    socket_, asio::buffer(data.data(), data.size()),
                    [handler](const boost::system::error_code& e, std::size_t) { handler(e); });
            },
            deadline);
    }

    // Appends what arrives (at most `limit` bytes) to `out`.
    boost::system::error_code read_some(std::string& out, std::size_t limit,
                                        milliseconds deadline) {
        std::array<char, 16384> buf;
        std::size_t got = 0;
        const auto ec = run(
            [&](auto handler) {
                socket_.async_read_some(
                    asio::buffer(buf.data(), std::min(buf.size(), std::max<std::size_t>(limit, 1))),
                    [handler, &got](const boost::system::error_code& e, std::size_t n) {
                        got = n;
                        handler(e);
                    });
            },
            deadline);
        out.append(buf.data(), got);
        return ec;
    }

    void close() {
        boost::system::error_code ignored;
        socket_.shutdown(tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

  private:
    // Starts an operation and runs the loop until it completes or the deadline passes; then
    // cancels it. Returns the operation's error, or timed_out.
    template <class Start>
    boost::system::error_code run(Start start, milliseconds deadline) {
        std::optional<boost::system::error_code> result;
        start([&result](const boost::system::error_code& e) { result = e; });
        io_.restart();
        io_.run_for(std::max(deadline, milliseconds(1)));
        if (!result) {
            boost::system::error_code ignored;
            socket_.cancel(ignored);
            io_.restart();
            io_.run();
            return asio::error::timed_out;
        }
        return *result;
    }

    asio::io_context io_;
    tcp::socket socket_;
};

bool is_timeout(const boost::system::error_code& ec) {
    return ec == asio::error::timed_out;
}

// ---- the shadow of the server's parser ------------------------------------------------------

enum class Verdict { valid, invalid, incomplete, uncertain };

const char* verdict_name(Verdict v) {
    switch (v) {
        case Verdict::valid:
            return "valid";
        case Verdict::invalid:
            return "invalid";
        case Verdict::incomplete:
            return "incomplete";
        case Verdict::uncertain:
            return "uncertain";
    }
    return "?";
}

struct Shadow {
    Verdict verdict = Verdict::valid;
    std::string why;
    std::uint64_t pad = 0;  // payload bytes still owed by the last frame (when mid-frame)
};

// How a strict server (RFC 6455/7692, no size cap below 16 MiB) reads `bytes`.
Shadow shadow_parse(const std::string& sent, bool deflate) {
    std::string bytes = sent;  // the parser unmasks in place
    protocol::ParserOptions o;
    o.role = protocol::Role::server;
    o.permessage_deflate = deflate;
    protocol::FrameParser parser(o);
    std::span<std::byte> input(reinterpret_cast<std::byte*>(bytes.data()), bytes.size());
    std::byte* const base = input.data();
    std::size_t boundary = 0;  // where the last whole frame ended
    bool in_frame = false;
    std::uint64_t frame_left = 0;
    bool compressed = false;
    std::uint8_t message_op = 0;
    std::string message;
    bool uncertain = false;
    std::string uncertain_why;
    while (true) {
        const auto ev = parser.next(input);
        using S = protocol::FrameParser::Status;
        if (ev.status == S::need_more) break;
        if (ev.status == S::error) return {Verdict::invalid, ev.error.message(), 0};
        if (ev.status == S::header) {
            in_frame = true;
            frame_left = ev.header.payload_length;
            if (!protocol::is_control(ev.header.opcode) && ev.header.opcode != op::continuation) {
                message.clear();
                compressed = ev.message_compressed;
                message_op = ev.message_opcode;
            }
        } else if (ev.status == S::payload) {
            frame_left -= ev.payload.size();
            if (compressed && message.size() < kInflateCap) {
                message.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
            }
        } else if (ev.status == S::frame_end) {
            in_frame = false;
            frame_left = 0;
            boundary = static_cast<std::size_t>(input.data() - base);
            if (ev.message_end && compressed) {
                // The server inflates; whether it fails on data we mutated can depend on its
                // window and context, so a failure here makes the verdict uncertain.
                protocol::Inflater inflater(15, false, kInflateCap);
                std::string plain;
                auto ec =
                    inflater.feed(std::as_bytes(std::span(message.data(), message.size())), plain);
                if (!ec) ec = inflater.finish_message(plain);
                if (ec) {
                    uncertain = true;
                    uncertain_why = "compressed message does not inflate: " + ec.message();
                } else if (message_op == op::text && !protocol::is_valid_utf8(plain)) {
                    return {Verdict::invalid, "compressed text is not UTF-8", 0};
                }
            }
        }
    }
    // Inside a frame the server waits for its payload; an open fragmented message is fine.
    if (in_frame) return {Verdict::incomplete, "stops inside a frame", frame_left};
    if (boundary != bytes.size()) return {Verdict::incomplete, "stops inside a frame header", 0};
    if (uncertain) return {Verdict::uncertain, uncertain_why, 0};
    return {Verdict::valid, "", 0};
}

// ---- what the server sends back ------------------------------------------------------------

class PeerReader {
  public:
    PeerReader(bool deflate) : deflate_(deflate), parser_(client_options(deflate)) {}

    // Parses `bytes`; false once a violation was seen (see violation()).
    bool feed(std::string_view bytes) {
        if (!violation_.empty()) return false;
        if (closed_ && !bytes.empty()) {
            violation_ = "data after the server's close frame";
            return false;
        }
        buf_.assign(bytes.begin(), bytes.end());
        std::span<std::byte> input(reinterpret_cast<std::byte*>(buf_.data()), buf_.size());
        using S = protocol::FrameParser::Status;
        while (true) {
            const auto ev = parser_.next(input);
            if (ev.status == S::need_more) return true;
            if (ev.status == S::error) {
                violation_ = "server sent an invalid frame: " + ev.error.message();
                return false;
            }
            if (ev.status == S::header) {
                if (!protocol::is_control(ev.header.opcode) &&
                    ev.header.opcode != op::continuation) {
                    compressed_ = ev.message_compressed;
                    message_op_ = ev.message_opcode;
                    message_.clear();
                }
            } else if (ev.status == S::payload) {
                if (compressed_ && message_.size() < kInflateCap) {
                    message_.append(reinterpret_cast<const char*>(ev.payload.data()),
                                    ev.payload.size());
                }
            } else if (ev.status == S::frame_end) {
                const std::string_view p(reinterpret_cast<const char*>(ev.payload.data()),
                                         ev.payload.size());
                if (ev.header.opcode == op::pong) pongs_.emplace_back(p);
                if (ev.header.opcode == op::close) {
                    closed_ = true;
                    if (input.size() > 0) {
                        violation_ = "data after the server's close frame";
                        return false;
                    }
                    return true;
                }
                if (ev.message_end && compressed_) check_compressed();
                if (!violation_.empty()) return false;
            }
        }
    }

    const std::string& violation() const noexcept { return violation_; }
    bool closed() const noexcept { return closed_; }
    bool has_pong(std::string_view payload) const {
        return std::find(pongs_.begin(), pongs_.end(), payload) != pongs_.end();
    }

  private:
    static protocol::ParserOptions client_options(bool deflate) {
        protocol::ParserOptions o;
        o.role = protocol::Role::client;
        o.permessage_deflate = deflate;
        return o;
    }

    // RFC 7692 §7.2.2 on the client side: inflate with the largest window; keeping our context
    // is right whether or not the server keeps its own.
    void check_compressed() {
        if (!inflater_) inflater_.emplace(15, false, kInflateCap);
        std::string plain;
        auto ec =
            inflater_->feed(std::as_bytes(std::span(message_.data(), message_.size())), plain);
        if (!ec) ec = inflater_->finish_message(plain);
        if (ec) {
            violation_ = "server's compressed message does not inflate: " + ec.message();
        } else if (message_op_ == op::text && !protocol::is_valid_utf8(plain)) {
            violation_ = "server's compressed text message is not UTF-8";
        }
    }

    bool deflate_;
    protocol::FrameParser parser_;
    std::optional<protocol::Inflater> inflater_;
    std::string buf_;
    std::string message_;
    bool compressed_ = false;
    std::uint8_t message_op_ = 0;
    bool closed_ = false;
    std::vector<std::string> pongs_;
    std::string violation_;
};

double ms_since(Clock::time_point t) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

}  // namespace

bool server_alive(const Endpoint& endpoint) {
    Client c;
    const auto ec = c.connect(endpoint, kConnectTimeout);
    c.close();
    return !ec;
}

// True only when the server refuses (or fails) three connections in a row, 20, 100 and 400 ms
// apart. One refusal proves little: a crashing process may still hold its listening socket
// for a moment, and on a busy loopback a new connection can collide with one of thousands in
// TIME-WAIT and be refused although the server is fine.
bool server_down(const Endpoint& endpoint) {
    for (const auto pause : {milliseconds(20), milliseconds(100), milliseconds(400)}) {
        if (server_alive(endpoint)) return false;
        std::this_thread::sleep_for(pause);
    }
    return !server_alive(endpoint);
}

bool server_down_within(const Endpoint& endpoint, std::chrono::milliseconds grace) {
    const auto until = Clock::now() + grace;
    int refusals = 0;
    while (true) {
        refusals = server_alive(endpoint) ? 0 : refusals + 1;
        if (refusals >= 3) return true;
        if (Clock::now() >= until) return false;
        std::this_thread::sleep_for(milliseconds(50));
    }
}

LiveOutcome run_live_input(const LiveInput& in, const LiveFuzzOptions& o) {
    LiveOutcome out;
    Client c;
    auto finding = [&](FindingKind k, std::string detail) {
        if (!out.finding) {
            out.finding = k;
            out.detail = std::move(detail);
        }
        return out;
    };
    const auto ec = c.connect(o.endpoint, std::min(o.timeout, kConnectTimeout));
    if (ec) {
        if (ec == asio::error::connection_refused) {
            return finding(FindingKind::crash, "connection refused");
        }
        if (is_timeout(ec)) return finding(FindingKind::hang, "TCP connect not accepted in time");
        out.detail = "connect: " + ec.message();
        return out;
    }
    out.connected = true;
    if (c.write(in.handshake, o.timeout)) {
        out.detail = "could not send the handshake";
        return out;
    }
    const auto sent_at = Clock::now();

    // The response head.
    std::string head;
    protocol::HttpMessage response;
    protocol::HttpParse parsed;
    const milliseconds wait =
        in.handshake_valid ? o.timeout : std::min(o.timeout, kMutatedHandshakeWait);
    while (true) {
        const auto left = wait - std::chrono::duration_cast<milliseconds>(Clock::now() - sent_at);
        const auto rec = c.read_some(head, 64 * 1024, std::max(left, milliseconds(1)));
        parsed = protocol::parse_http_head(head, false, response);
        if (parsed.status != protocol::HttpParse::Status::need_more) break;
        if (is_timeout(rec) || left <= milliseconds(0)) {
            if (in.handshake_valid) {
                return finding(FindingKind::hang,
                               head.empty() ? "no answer to a valid upgrade request"
                                            : "incomplete answer to a valid upgrade request");
            }
            out.detail = "no answer to a mutated upgrade request (not a finding)";
            return out;
        }
        if (rec) {  // EOF or reset
            out.dropped = true;
            if (in.handshake_valid) {
                return finding(FindingKind::violation,
                               "connection closed without answering a valid upgrade request");
            }
            out.detail = "closed after a mutated upgrade request";
            return out;
        }
    }
    if (parsed.status == protocol::HttpParse::Status::error) {
        return finding(FindingKind::violation,
                       "answer to the upgrade request is not HTTP: " + parsed.error.message());
    }
    if (in.handshake_valid) out.latency_ms = ms_since(sent_at);
    if (!in.handshake_valid) {
        out.detail = "mutated upgrade answered " + std::to_string(response.status);
        return out;
    }

    // §4.1: the client's checks of the 101, and of the permessage-deflate answer.
    const auto key_line = in.handshake.find("Sec-WebSocket-Key: ");
    const std::string key = in.handshake.substr(key_line + 19, 24);
    const std::vector<std::string> offered_ext =
        in.offers_deflate ? std::vector<std::string>{"permessage-deflate"}
                          : std::vector<std::string>{};
    protocol::UpgradeResponse up;
    if (const auto hec = protocol::check_upgrade_response(response, key, in.offered_protocols,
                                                          offered_ext, up)) {
        return finding(FindingKind::violation, "bad answer to a valid upgrade: " + hec.message());
    }
    for (const auto& ext : up.extensions) {
        const auto offer_at = in.handshake.find("Sec-WebSocket-Extensions: ");
        std::vector<protocol::Extension> offered;
        const auto offer_end = in.handshake.find("\r\n", offer_at);
        protocol::parse_extensions(
            std::string_view(in.handshake).substr(offer_at + 26, offer_end - offer_at - 26),
            offered);
        std::vector<protocol::DeflateParams> alternatives;
        for (const auto& e : offered) {
            protocol::DeflateParams p;
            if (!protocol::parse_deflate_params(e, true, p)) alternatives.push_back(p);
        }
        protocol::DeflateParams agreed;
        if (const auto dec = protocol::check_deflate_response(ext, alternatives, agreed)) {
            return finding(FindingKind::violation,
                           "bad permessage-deflate answer: " + dec.message());
        }
        out.deflate = true;
    }
    out.upgraded = true;

    // Frames: what comes back is checked as it arrives.
    PeerReader peer(out.deflate);
    std::string rest = head.substr(parsed.consumed);
    std::size_t read_total = rest.size();
    bool eof = false;
    if (!peer.feed(rest)) return finding(FindingKind::violation, peer.violation());

    // Reads for up to `d`, until `done()` or the connection ends. True when done() held.
    auto read_until = [&](milliseconds d, auto done) -> bool {
        const auto start = Clock::now();
        while (!done()) {
            if (eof || read_total >= o.max_read) return false;
            const auto left = d - std::chrono::duration_cast<milliseconds>(Clock::now() - start);
            if (left <= milliseconds(0)) return false;
            std::string chunk;
            const auto rec = c.read_some(chunk, o.max_read - read_total, left);
            read_total += chunk.size();
            if (!peer.feed(chunk)) return false;
            if (rec && !is_timeout(rec)) eof = true;
        }
        return true;
    };

    std::string sent;
    for (const auto& w : in.writes) sent += w;
    Shadow shadow = shadow_parse(sent, out.deflate);
    std::string pad;
    if (shadow.verdict == Verdict::incomplete && shadow.pad > 0 && shadow.pad <= kMaxPad) {
        pad.assign(static_cast<std::size_t>(shadow.pad), '\0');
        shadow = shadow_parse(sent + pad, out.deflate);
    }
    out.verdict = verdict_name(shadow.verdict);

    bool write_failed = false;
    for (const auto& w : in.writes) {
        if (c.write(w, o.timeout)) {
            write_failed = true;
            break;
        }
    }
    if (!write_failed && !pad.empty() && c.write(pad, o.timeout)) write_failed = true;
    // Whatever arrived so far (echoes, a close) is checked; a little waiting lets a server
    // that fails the connection do so before the probe.
    read_until(shadow.verdict == Verdict::valid ? milliseconds(0) : kQuietWait,
               [&] { return peer.closed(); });
    if (!peer.violation().empty()) return finding(FindingKind::violation, peer.violation());

    if (shadow.verdict == Verdict::valid && !write_failed && !peer.closed() && !eof) {
        // An answer is owed: the pong, then the close.
        const auto ping_at = Clock::now();
        if (!c.write(in.probe_ping, o.timeout)) {
            const bool answered = read_until(
                o.timeout, [&] { return peer.has_pong(in.probe_payload) || peer.closed(); });
            if (!peer.violation().empty()) return finding(FindingKind::violation, peer.violation());
            if (!answered && !eof && read_total < o.max_read) {
                return finding(FindingKind::hang, "no pong (nor close) within " +
                                                      std::to_string(o.timeout.count()) +
                                                      " ms after a valid sequence");
            }
            if (peer.has_pong(in.probe_payload)) {
                out.latency_ms = ms_since(ping_at);
                out.pong = true;
            }
            if (!peer.closed() && !eof && !c.write(in.probe_close, o.timeout)) {
                const bool closed = read_until(o.timeout, [&] { return peer.closed(); });
                if (!peer.violation().empty()) {
                    return finding(FindingKind::violation, peer.violation());
                }
                if (!closed && !eof && read_total < o.max_read) {
                    return finding(FindingKind::hang, "no close frame within " +
                                                          std::to_string(o.timeout.count()) +
                                                          " ms after our close");
                }
            }
        }
    } else if (shadow.verdict == Verdict::invalid) {
        // The server should fail the connection; one that stays silent is not reported.
        read_until(std::min(o.timeout, milliseconds(1000)), [&] { return peer.closed(); });
        if (!peer.violation().empty()) return finding(FindingKind::violation, peer.violation());
    }
    c.close();
    // Ended without a close frame (EOF, reset, or writes refused): the caller checks that the
    // server is still there.
    out.dropped = (eof || write_failed) && !peer.closed();
    if (out.detail.empty()) out.detail = shadow.why;
    return out;
}

namespace {

// ---- findings on disk ----------------------------------------------------------------------

std::string from_hex(const std::string& h) {
    if (h.size() % 2 != 0) throw std::runtime_error("odd-length hex string");
    std::string out;
    out.reserve(h.size() / 2);
    for (std::size_t i = 0; i < h.size(); i += 2) {
        const auto v = std::stoul(h.substr(i, 2), nullptr, 16);
        out += static_cast<char>(v);
    }
    return out;
}

void write_atomically(const std::filesystem::path& path, const std::string& text) {
    const auto tmp = path.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << text;
        if (!f) throw std::runtime_error("cannot write " + tmp);
    }
    std::filesystem::rename(tmp, path);
}

std::size_t rss_kb(int pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(f, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stoul(line.substr(6));
    }
    return 0;
}

}  // namespace

std::string finding_to_json(const LiveFinding& f) {
    nlohmann::json j;
    j["format"] = "wsconform-live-fuzz-finding/1";
    j["kind"] = to_string(f.kind);
    j["detail"] = f.detail;
    j["url"] = f.url;
    j["seed"] = f.seed;
    j["replay"] = "wsconform replay FILE URL";
    auto inputs = nlohmann::json::array();
    for (const auto& in : f.inputs) {
        nlohmann::json i;
        i["seed"] = in.seed;
        i["index"] = in.index;
        i["description"] = in.description;
        i["handshake_valid"] = in.handshake_valid;
        i["offers_deflate"] = in.offers_deflate;
        i["offered_protocols"] = in.offered_protocols;
        i["handshake_hex"] = protocol::hex_encode(in.handshake);
        auto writes = nlohmann::json::array();
        for (const auto& w : in.writes) writes.push_back(protocol::hex_encode(w));
        i["writes_hex"] = std::move(writes);
        i["probe_ping_hex"] = protocol::hex_encode(in.probe_ping);
        i["probe_payload_hex"] = protocol::hex_encode(in.probe_payload);
        i["probe_close_hex"] = protocol::hex_encode(in.probe_close);
        inputs.push_back(std::move(i));
    }
    j["inputs"] = std::move(inputs);
    return j.dump(2) + "\n";
}

LiveFinding finding_from_json(const std::string& text) {
    LiveFinding f;
    try {
        const auto j = nlohmann::json::parse(text);
        if (j.value("format", "") != "wsconform-live-fuzz-finding/1") {
            throw std::runtime_error("not a wsconform live-fuzz finding (format field)");
        }
        const std::string kind = j.at("kind");
        bool known = false;
        for (auto k : {FindingKind::crash, FindingKind::hang, FindingKind::violation,
                       FindingKind::slow, FindingKind::peer_memory}) {
            if (kind == to_string(k)) {
                f.kind = k;
                known = true;
            }
        }
        if (!known) throw std::runtime_error("unknown finding kind '" + kind + "'");
        f.detail = j.value("detail", "");
        f.url = j.value("url", "");
        f.seed = j.value("seed", std::uint64_t{0});
        for (const auto& i : j.at("inputs")) {
            LiveInput in;
            in.seed = i.value("seed", std::uint64_t{0});
            in.index = i.value("index", std::uint64_t{0});
            in.description = i.value("description", "");
            in.handshake_valid = i.at("handshake_valid");
            in.offers_deflate = i.value("offers_deflate", false);
            in.offered_protocols = i.value("offered_protocols", std::vector<std::string>{});
            in.handshake = from_hex(i.at("handshake_hex"));
            for (const auto& w : i.at("writes_hex")) in.writes.push_back(from_hex(w));
            in.probe_ping = from_hex(i.value("probe_ping_hex", ""));
            in.probe_payload = from_hex(i.value("probe_payload_hex", ""));
            in.probe_close = from_hex(i.value("probe_close_hex", ""));
            f.inputs.push_back(std::move(in));
        }
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("malformed finding file: ") + e.what());
    }
    if (f.inputs.empty()) throw std::runtime_error("finding file lists no input");
    return f;
}

LiveFuzzSummary run_live_fuzz(const LiveFuzzOptions& o) {
    LiveFuzzSummary summary;
    const auto started = Clock::now();
    if (!server_alive(o.endpoint)) {
        summary.unreachable = true;
        return summary;
    }
    std::filesystem::create_directories(o.out_dir);
    const std::uint64_t limit =
        o.iterations ? *o.iterations : (o.duration_s ? UINT64_MAX : std::uint64_t{1000});
    const auto deadline = o.duration_s ? started + std::chrono::duration_cast<Clock::duration>(
                                                       std::chrono::duration<double>(*o.duration_s))
                                       : Clock::time_point::max();
    const unsigned jobs = std::max(1u, o.jobs);

    std::atomic<std::uint64_t> next{0}, done{0}, upgraded{0}, answered{0}, pongs{0}, refusals{0};
    std::map<std::string, std::uint64_t> verdicts;  // our parser's view of what was sent
    std::atomic<bool> stop{false};
    std::mutex mu;  // guards everything below
    std::vector<double> latencies;
    std::vector<std::optional<LiveInput>> current(jobs), previous(jobs);
    std::set<std::string> seen;
    std::size_t peak_rss = 0;
    bool rss_reported = false;

    auto log = [&](const std::string& line) {
        if (o.log) o.log(line);
    };
    auto median = [&]() {
        if (latencies.empty()) return 0.0;
        std::vector<double> v = latencies;
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
        return v[v.size() / 2];
    };
    // Saves a finding (under `mu`); the inputs are sorted by index.
    auto save = [&](FindingKind kind, const std::string& detail, std::vector<LiveInput> inputs) {
        if (summary.finding_files.size() >= o.max_findings) return;
        const std::string key = std::string(to_string(kind)) + "|" + detail;
        if (kind != FindingKind::crash && !seen.insert(key).second) return;
        std::sort(inputs.begin(), inputs.end(),
                  [](const LiveInput& a, const LiveInput& b) { return a.index < b.index; });
        LiveFinding f{kind, detail, o.endpoint.url, o.seed, std::move(inputs)};
        const auto path = std::filesystem::path(o.out_dir) /
                          (std::string(to_string(kind)) + "-seed" + std::to_string(o.seed) +
                           "-input" + std::to_string(f.inputs.back().index) + ".json");
        write_atomically(path, finding_to_json(f));
        summary.finding_files.push_back(path.string());
        log(std::string("FINDING ") + to_string(kind) + ": " + detail + " -> " + path.string());
    };
    // A crash: the inputs in flight or just finished on every worker are the suspects.
    auto save_crash = [&](unsigned worker, const LiveInput* at, const std::string& detail) {
        std::lock_guard lock(mu);
        if (stop.exchange(true)) return;
        std::vector<LiveInput> suspects;
        for (unsigned w = 0; w < jobs; ++w) {
            if (previous[w]) suspects.push_back(*previous[w]);
            if (current[w] && (w != worker || at != nullptr)) suspects.push_back(*current[w]);
        }
        if (suspects.empty() && at) suspects.push_back(*at);
        if (suspects.empty()) return;
        save(FindingKind::crash, detail, std::move(suspects));
    };

    std::thread monitor;
    std::atomic<bool> monitor_stop{false};
    if (o.watch_pid > 0) {
        monitor = std::thread([&] {
            while (!monitor_stop) {
                const std::size_t kb = rss_kb(o.watch_pid);
                {
                    std::lock_guard lock(mu);
                    peak_rss = std::max(peak_rss, kb);
                    if (o.peer_rss_limit_mb > 0 && kb > o.peer_rss_limit_mb * 1024 &&
                        !rss_reported) {
                        rss_reported = true;
                        std::vector<LiveInput> inputs;
                        for (unsigned w = 0; w < jobs; ++w) {
                            if (current[w]) inputs.push_back(*current[w]);
                        }
                        if (!inputs.empty()) {
                            save(FindingKind::peer_memory,
                                 "server RSS " + std::to_string(kb / 1024) + " MiB > limit " +
                                     std::to_string(o.peer_rss_limit_mb) + " MiB",
                                 std::move(inputs));
                        }
                    }
                }
                std::this_thread::sleep_for(milliseconds(100));
            }
        });
    }

    auto worker = [&](unsigned w) {
        while (!stop && Clock::now() < deadline) {
            const std::uint64_t index = next++;
            if (index >= limit) break;
            LiveInput in = generate_live_input(o.seed, index, o.endpoint);
            {
                std::lock_guard lock(mu);
                current[w] = in;
            }
            const LiveOutcome r = run_live_input(in, o);
            ++done;
            if (r.upgraded) ++upgraded;
            if (r.pong) ++pongs;
            if (!r.verdict.empty()) {
                std::lock_guard lock(mu);
                ++verdicts[r.verdict];
            }
            // Anything short of an orderly end: is the server still there?
            if (r.finding || !r.connected || r.dropped) {
                if (server_down(o.endpoint)) {
                    if (r.finding == FindingKind::crash) {
                        // Refused before this input was sent: the earlier ones are suspects.
                        save_crash(w, nullptr, "server refuses connections");
                    } else {
                        save_crash(w, &in,
                                   "server gone after this input (" +
                                       (r.detail.empty() ? std::string("no detail") : r.detail) +
                                       ")");
                    }
                    break;
                }
                if (r.finding == FindingKind::crash) {
                    ++refusals;  // a transient refusal; the input was not sent
                    std::lock_guard lock(mu);
                    current[w].reset();
                    continue;
                }
            }
            std::lock_guard lock(mu);
            if (r.finding) {
                save(*r.finding, r.detail, {in});
            } else if (r.latency_ms >= 0) {
                ++answered;
                const double m = median();
                if (latencies.size() >= 20 && r.latency_ms > o.slow.count() &&
                    r.latency_ms > o.slow_factor * m) {
                    std::ostringstream s;
                    s << "answer after " << static_cast<long>(r.latency_ms) << " ms (median " << m
                      << " ms)";
                    save(FindingKind::slow, s.str(), {in});
                }
                if (latencies.size() < 2000) latencies.push_back(r.latency_ms);
            }
            previous[w] = std::move(in);
            current[w].reset();
        }
    };

    std::vector<std::thread> threads;
    for (unsigned w = 0; w < jobs; ++w) threads.emplace_back(worker, w);
    std::atomic<bool> workers_done{false};
    std::thread progress([&] {  // a line every 5 s
        auto last = Clock::now();
        while (!workers_done) {
            std::this_thread::sleep_for(milliseconds(100));
            if (Clock::now() - last < std::chrono::seconds(5)) continue;
            last = Clock::now();
            std::lock_guard lock(mu);
            std::ostringstream s;
            s << done << " inputs, " << upgraded << " upgraded, " << pongs << " pongs, median "
              << median() << " ms, " << summary.finding_files.size() << " finding(s)";
            log(s.str());
        }
    });
    for (auto& t : threads) t.join();
    workers_done = true;
    progress.join();
    monitor_stop = true;
    if (monitor.joinable()) monitor.join();

    summary.inputs = done;
    summary.upgraded = upgraded;
    summary.probes_answered = pongs;
    summary.answers_timed = answered;
    summary.transient_refusals = refusals;
    summary.verdicts = verdicts;
    summary.seconds = ms_since(started) / 1000;
    summary.median_latency_ms = median();
    summary.peer_peak_rss_kb = peak_rss;
    return summary;
}

ReplayResult replay_live_finding(const LiveFinding& f, const LiveFuzzOptions& o) {
    ReplayResult result;
    for (LiveInput in : f.inputs) {
        // The request names the host it was recorded against; name this one.
        if (!f.url.empty()) {
            std::string error;
            if (const auto recorded = parse_ws_url(f.url, error)) {
                const std::string from = "Host: " + recorded->host_header + "\r\n";
                const std::string to = "Host: " + o.endpoint.host_header + "\r\n";
                const auto at = in.handshake.find(from);
                if (at != std::string::npos) in.handshake.replace(at, from.size(), to);
            }
        }
        const LiveOutcome r = run_live_input(in, o);
        if (f.kind == FindingKind::crash) {
            // The last input gets a grace period: the crash it causes may take a moment to
            // close the listening socket. Earlier ones get the quick check.
            const bool last = in.index == f.inputs.back().index;
            const bool down = last ? server_down_within(o.endpoint, milliseconds(2000))
                                   : (r.finding || !r.connected || r.dropped ||
                                      !server_alive(o.endpoint)) &&
                                         server_down(o.endpoint);
            if (down) {
                result.reproduced = true;
                result.detail = "server gone after input " + std::to_string(in.index);
                return result;
            }
        } else if (r.finding == f.kind) {
            result.reproduced = true;
            result.detail = std::string(to_string(f.kind)) + " on input " +
                            std::to_string(in.index) + ": " + r.detail;
            return result;
        }
        if (r.finding) {
            result.detail += (result.detail.empty() ? "" : "; ") + std::string("input ") +
                             std::to_string(in.index) + ": " + to_string(*r.finding) + " (" +
                             r.detail + ")";
        }
    }
    if (result.detail.empty()) result.detail = "every input ran without the finding";
    return result;
}

}  // namespace wsconform::harness
