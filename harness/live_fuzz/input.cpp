// The inputs of `wsconform fuzz URL` (see live_fuzz.h): each a function of (seed, index)
// only. An opening handshake, valid or mutated; after a valid one, a valid prefix of messages
// and then frames mutated by mutation/frame_mutator.h, cut into writes; last, the probe ping
// and the close that ask for an answer.
#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "harness/live_fuzz.h"
#include "mutation/frame_mutator.h"
#include "protocol/close.h"
#include "protocol/frame.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

namespace {

constexpr std::size_t kMaxInputBytes = 64 * 1024;
constexpr std::size_t kMaxWrites = 200;

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

// A request that breaks (or bends) the upgrade rules; always ends with a blank line. The
// `kept` header lines follow the mutated ones unchanged.
std::string mutated_handshake(Rng& rng, const Endpoint& ep, const std::string& key,
                              const std::vector<std::string>& kept, std::string& what) {
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
            if (!kept.empty() && !head.ends_with('\n')) head += "\r\n";
            for (const auto& l : kept) head += l + "\r\n";
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
    lines.insert(lines.end(), kept.begin(), kept.end());
    std::string out;
    for (const auto& l : lines) out += l + eol;
    return out + eol;
}

std::uint64_t input_seed(std::uint64_t seed, std::uint64_t index) {
    Rng mix(seed ^ 0x5753434F4E464F52ull);  // "WSCONFOR"
    return mix.next() ^ (index * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull);
}

}  // namespace

LiveInput generate_live_input(std::uint64_t seed, std::uint64_t index, const Endpoint& endpoint,
                              const std::vector<std::string>& extra_headers) {
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
    // The endpoint's own subprotocols, when given, replace our occasional offer of "chat".
    const auto given_protocols = protocol::offered_subprotocols(extra_headers);
    if (rng.chance(1, 10) && given_protocols.empty()) {
        in.offered_protocols = {"chat"};
        extra.push_back("Sec-WebSocket-Protocol: chat");
    }
    if (!given_protocols.empty()) in.offered_protocols = given_protocols;
    extra.insert(extra.end(), extra_headers.begin(), extra_headers.end());

    if (rng.chance(1, 8)) {
        std::string what;
        in.handshake = mutated_handshake(rng, endpoint, key, extra_headers, what);
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

}  // namespace wsconform::harness
