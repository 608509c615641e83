// A structure-aware model of a WebSocket frame sequence, and the mutations the fuzzers apply
// to it: opcodes, FIN, RSV, the mask bit and key, the length form and deliberate length lies,
// payload bytes, and whole frames (insert a control frame, delete, duplicate, swap, split a
// message into fragments, join fragments). Used in two places:
//   - fuzz/frame_parser_structured_fuzz.cpp: LLVMFuzzerCustomMutator (payload bytes are
//     mutated by LLVMFuzzerMutate);
//   - harness/live_fuzz/input.cpp: the generator of `wsconform fuzz URL`, which has no coverage
//     feedback and supplies its own byte mutator.
// The corpus stays raw wire bytes: parse_frame_sequence() reads any bytes back into the model
// (a header that announces more than follows keeps the announced length as a lie, and bytes
// that do not form a header stay as a raw tail), so seeds work with and without this mutator.
//
// Header-only, standard library and protocol/ only. Deterministic: everything random comes
// from Rng, whose sequence is the same on every platform (no std:: distributions).
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frame.h"
#include "protocol/mask.h"

namespace wsconform::fuzz {

// splitmix64: tiny, fast, and good enough to drive mutations.
class Rng {
  public:
    explicit Rng(std::uint64_t seed) noexcept : state_(seed) {}
    std::uint64_t next() noexcept {
        std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    // Uniform enough in [0, n); 0 when n is 0.
    std::uint64_t below(std::uint64_t n) noexcept { return n == 0 ? 0 : next() % n; }
    std::size_t index(std::size_t n) noexcept { return static_cast<std::size_t>(below(n)); }
    // [lo, hi]
    std::uint64_t range(std::uint64_t lo, std::uint64_t hi) noexcept {
        return lo + below(hi - lo + 1);
    }
    bool chance(unsigned num, unsigned den) noexcept { return below(den) < num; }
    std::uint8_t byte() noexcept { return static_cast<std::uint8_t>(next()); }
    template <class T, std::size_t N>
    const T& pick(const std::array<T, N>& items) noexcept {
        return items[index(N)];
    }

  private:
    std::uint64_t state_;
};

// Mutates data[0, size) in place, with room up to max_size; returns the new size.
// LLVMFuzzerMutate has exactly this shape.
using ByteMutator =
    std::function<std::size_t(std::uint8_t* data, std::size_t size, std::size_t max_size)>;

struct ModelFrame {
    bool fin = true;
    std::uint8_t rsv = 0;  // 4 = RSV1, 2 = RSV2, 1 = RSV3
    std::uint8_t opcode = protocol::opcode::text;
    bool masked = false;
    protocol::MaskKey key{};
    protocol::LengthForm form = protocol::LengthForm::minimal;
    // Written instead of payload.size() when set: a length that lies.
    std::optional<std::uint64_t> declared_length;
    std::string payload;  // unmasked
};

struct FrameSequence {
    std::vector<ModelFrame> frames;
    std::string tail;  // trailing bytes that do not form a whole header
};

// Interesting values, shared by the mutator and the live generator.
namespace interesting {
// Close codes on both sides of every range boundary of RFC 6455 §7.4.
inline constexpr std::array<std::uint16_t, 22> kCloseCodes = {
    0,    999,  1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008,
    1011, 1012, 1014, 1015, 1016, 2999, 3000, 3999, 4000, 4999, 65535};
// Payload lengths at the 7/16/64-bit form boundaries and the control-frame limit.
inline constexpr std::array<std::uint64_t, 14> kLengths = {0,
                                                           1,
                                                           125,
                                                           126,
                                                           127,
                                                           128,
                                                           65535,
                                                           65536,
                                                           65537,
                                                           0x7FFFFFFFull,
                                                           0xFFFFFFFFull,
                                                           0x7FFFFFFFFFFFFFFFull,
                                                           0x8000000000000000ull,
                                                           0xFFFFFFFFFFFFFFFFull};
// UTF-8: valid multi-byte sequences and the classic invalid ones (overlong, surrogate, above
// U+10FFFF, lone continuation, truncated, bytes never allowed).
inline constexpr std::array<std::string_view, 20> kUtf8 = {
    "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5",  // κόσμε
    "\xF0\x9F\x98\x80",                              // U+1F600
    "\xEF\xBF\xBF",                                  // U+FFFF
    "\xF4\x8F\xBF\xBF",                              // U+10FFFF
    "\xED\x9F\xBF",                                  // U+D7FF
    "\xC2\x80",                                      // U+0080
    "\xC0\xAF",                                      // overlong '/'
    "\xE0\x80\xAF",                                  // overlong, 3 bytes
    "\xF0\x80\x80\xAF",                              // overlong, 4 bytes
    "\xED\xA0\x80",                                  // surrogate U+D800
    "\xED\xBF\xBF",                                  // surrogate U+DFFF
    "\xF4\x90\x80\x80",                              // U+110000
    "\x80",                                          // lone continuation
    "\xBF",
    "\xE2\x82",      // truncated 3-byte sequence
    "\xF0\x9F\x98",  // truncated 4-byte sequence
    "\xFE",
    "\xFF",
    "\xC1\xBF",
    "\xF8\x88\x80\x80\x80",  // old 5-byte form
};
}  // namespace interesting

// Reads wire bytes back into the model. Never fails: what does not parse ends up in `tail`.
inline FrameSequence parse_frame_sequence(std::span<const std::uint8_t> wire) {
    FrameSequence seq;
    auto rest = std::as_bytes(wire);
    while (!rest.empty()) {
        const auto d = protocol::decode_header(rest);
        if (d.status != protocol::HeaderDecode::Status::ok) break;
        ModelFrame f;
        f.fin = d.header.fin;
        f.rsv = d.header.rsv;
        f.opcode = d.header.opcode;
        f.masked = d.header.masked;
        f.key = d.header.mask_key;
        if (!d.length_minimal) {
            f.form = d.header_size - (f.masked ? 4 : 0) == 4 ? protocol::LengthForm::bits16
                                                             : protocol::LengthForm::bits64;
        }
        rest = rest.subspan(d.header_size);
        const std::uint64_t length = d.header.payload_length;
        const std::size_t have =
            length < rest.size() ? static_cast<std::size_t>(length) : rest.size();
        if (have != length) f.declared_length = length;
        f.payload.assign(reinterpret_cast<const char*>(rest.data()), have);
        if (f.masked) {
            protocol::apply_mask_bytewise(
                std::as_writable_bytes(std::span(f.payload.data(), f.payload.size())), f.key);
        }
        rest = rest.subspan(have);
        seq.frames.push_back(std::move(f));
    }
    seq.tail.assign(reinterpret_cast<const char*>(rest.data()), rest.size());
    return seq;
}

inline void append_frame(const ModelFrame& f, std::string& out) {
    protocol::FrameHeader h;
    h.fin = f.fin;
    h.rsv = f.rsv & 7;
    h.opcode = f.opcode & 0xF;
    h.masked = f.masked;
    h.mask_key = f.key;
    h.payload_length = f.declared_length.value_or(f.payload.size());
    std::array<std::byte, protocol::kMaxHeaderSize> head{};
    const std::size_t n = protocol::encode_header(h, head, f.form);
    out.append(reinterpret_cast<const char*>(head.data()), n);
    const std::size_t at = out.size();
    out += f.payload;
    if (f.masked) {
        protocol::apply_mask_bytewise(
            std::as_writable_bytes(std::span(out.data() + at, f.payload.size())), f.key);
    }
}

inline std::string serialize(const FrameSequence& seq) {
    std::string out;
    for (const auto& f : seq.frames) append_frame(f, out);
    out += seq.tail;
    return out;
}

// Builders of well-formed frames.
inline ModelFrame make_frame(std::uint8_t op, std::string payload, bool masked, Rng& rng,
                             bool fin = true) {
    ModelFrame f;
    f.opcode = op;
    f.fin = fin;
    f.masked = masked;
    if (masked) {
        for (auto& k : f.key) k = rng.byte();
    }
    f.payload = std::move(payload);
    return f;
}

inline std::string close_payload(std::uint16_t code, std::string_view reason) {
    std::string p;
    p += static_cast<char>(code >> 8);
    p += static_cast<char>(code & 0xFF);
    p += reason;
    return p;
}

// Valid UTF-8 text of about `n` bytes, ASCII with multi-byte sequences mixed in.
inline std::string random_text(Rng& rng, std::size_t n) {
    std::string s;
    while (s.size() < n) {
        if (rng.chance(1, 6)) {
            s += interesting::kUtf8[rng.index(6)];  // the first six are valid
        } else {
            s += static_cast<char>(rng.range(0x20, 0x7E));
        }
    }
    return s;
}

inline std::string random_bytes(Rng& rng, std::size_t n) {
    std::string s(n, '\0');
    for (auto& c : s) c = static_cast<char>(rng.byte());
    return s;
}

// A small self-contained byte mutator for when libFuzzer's is not there (the live mode):
// bit flips, random and interesting bytes, insertions, deletions, copies.
inline std::size_t simple_byte_mutate(Rng& rng, std::uint8_t* data, std::size_t size,
                                      std::size_t max_size) {
    const unsigned what = static_cast<unsigned>(rng.below(size == 0 ? 1 : 6));
    switch (what) {
        case 0:  // insert bytes
        default: {
            const std::size_t room = max_size > size ? max_size - size : 0;
            const std::size_t n = std::min<std::size_t>(room, rng.range(1, 8));
            const std::size_t at = rng.index(size + 1);
            std::copy_backward(data + at, data + size, data + size + n);
            for (std::size_t i = 0; i < n; ++i) data[at + i] = rng.byte();
            return size + n;
        }
        case 1:  // flip a bit
            data[rng.index(size)] ^= static_cast<std::uint8_t>(1u << rng.below(8));
            return size;
        case 2:  // random byte
            data[rng.index(size)] = rng.byte();
            return size;
        case 3: {  // interesting byte
            static constexpr std::array<std::uint8_t, 10> kBytes = {0x00, 0x7F, 0x80, 0xBF, 0xC0,
                                                                    0xC2, 0xE0, 0xED, 0xF4, 0xFF};
            data[rng.index(size)] = rng.pick(kBytes);
            return size;
        }
        case 4: {  // delete a run
            const std::size_t at = rng.index(size);
            const std::size_t n = std::min<std::size_t>(size - at, rng.range(1, 8));
            std::copy(data + at + n, data + size, data + at);
            return size - n;
        }
        case 5: {  // copy a run over another place
            const std::size_t from = rng.index(size);
            const std::size_t to = rng.index(size);
            const std::size_t n = std::min({size - from, size - to, std::size_t{16}});
            std::copy_n(data + from, n, data + to);
            return size;
        }
    }
}

struct MutatorOptions {
    bool client_frames = true;       // frames we build are masked (a client's frames)
    std::size_t max_payload = 1024;  // payload growth cap per frame
};

namespace detail {

inline void mutate_payload(ModelFrame& f, Rng& rng, const ByteMutator& bytes,
                           const MutatorOptions& o) {
    switch (rng.below(5)) {
        case 0:
        case 1: {
            // Room to grow by up to 16 bytes, but not past max_payload.
            const std::size_t room =
                std::max(f.payload.size(), std::min(f.payload.size() + 16, o.max_payload));
            std::string buf = f.payload;
            buf.resize(room);
            const std::size_t n =
                bytes(reinterpret_cast<std::uint8_t*>(buf.data()), f.payload.size(), buf.size());
            buf.resize(std::min(n, buf.size()));
            f.payload = std::move(buf);
            break;
        }
        case 2: {  // splice in a UTF-8 snippet
            const auto snip = rng.pick(interesting::kUtf8);
            const std::size_t at = rng.index(f.payload.size() + 1);
            f.payload.insert(at, snip);
            break;
        }
        case 3:  // a close payload
            f.payload = close_payload(
                rng.pick(interesting::kCloseCodes),
                rng.chance(1, 2) ? std::string_view("bye") : rng.pick(interesting::kUtf8));
            break;
        case 4:  // resize: empty, or around a length-form boundary
            if (rng.chance(1, 3)) {
                f.payload.clear();
            } else {
                static constexpr std::array<std::size_t, 6> kSizes = {1, 2, 124, 125, 126, 127};
                const std::size_t n = std::min(rng.pick(kSizes), o.max_payload);
                f.payload.resize(n, static_cast<char>(rng.range(0x20, 0x7E)));
            }
            break;
    }
}

inline ModelFrame random_control(Rng& rng, const MutatorOptions& o) {
    static constexpr std::array<std::uint8_t, 3> kOps = {
        protocol::opcode::ping, protocol::opcode::pong, protocol::opcode::close};
    const std::uint8_t op = rng.pick(kOps);
    std::string payload = op == protocol::opcode::close
                              ? close_payload(rng.pick(interesting::kCloseCodes), "")
                              : random_bytes(rng, rng.below(8));
    if (op == protocol::opcode::close && rng.chance(1, 4)) payload.clear();
    return make_frame(op, std::move(payload), o.client_frames, rng);
}

}  // namespace detail

// Applies one structural mutation to `seq`. Every branch leaves a serializable model.
inline void mutate_once(FrameSequence& seq, Rng& rng, const ByteMutator& bytes,
                        const MutatorOptions& o) {
    using namespace protocol;
    auto& fs = seq.frames;
    if (fs.empty()) {
        fs.push_back(
            make_frame(opcode::text, random_text(rng, rng.below(16)), o.client_frames, rng));
        return;
    }
    ModelFrame& f = fs[rng.index(fs.size())];
    switch (rng.below(16)) {
        case 0: {  // opcode: usually a defined one
            static constexpr std::array<std::uint8_t, 6> kOps = {0x0, 0x1, 0x2, 0x8, 0x9, 0xA};
            f.opcode = rng.chance(4, 5) ? rng.pick(kOps) : static_cast<std::uint8_t>(rng.below(16));
            break;
        }
        case 1:
            f.fin = !f.fin;
            break;
        case 2:
            f.rsv =
                rng.chance(1, 2) ? (f.rsv ^ rsv::rsv1) : static_cast<std::uint8_t>(rng.below(8));
            break;
        case 3:  // mask bit or key
            if (rng.chance(1, 2)) {
                f.masked = !f.masked;
            } else {
                for (auto& k : f.key) k = rng.byte();
            }
            break;
        case 4: {  // length form (non-minimal forms are a violation of their own)
            static constexpr std::array<LengthForm, 4> kForms = {
                LengthForm::minimal, LengthForm::bits7, LengthForm::bits16, LengthForm::bits64};
            f.form = rng.pick(kForms);
            break;
        }
        case 5: {  // length lie
            const std::uint64_t n = f.payload.size();
            switch (rng.below(4)) {
                case 0:
                    f.declared_length.reset();
                    break;
                case 1:
                    f.declared_length = n + rng.range(1, 4);
                    break;
                case 2:
                    f.declared_length = n > 0 ? n - rng.range(1, n < 4 ? n : 4) : 1;
                    break;
                default:
                    f.declared_length = rng.pick(interesting::kLengths);
                    break;
            }
            break;
        }
        case 6:
        case 7:
        case 8:
            detail::mutate_payload(f, rng, bytes, o);
            break;
        case 9: {  // insert a control frame anywhere (also inside a fragmented message)
            const std::size_t at = rng.index(fs.size() + 1);
            fs.insert(fs.begin() + static_cast<std::ptrdiff_t>(at), detail::random_control(rng, o));
            break;
        }
        case 10:  // delete a frame
            fs.erase(fs.begin() + static_cast<std::ptrdiff_t>(rng.index(fs.size())));
            break;
        case 11: {  // duplicate a frame
            const std::size_t at = rng.index(fs.size());
            const ModelFrame copy = fs[at];
            fs.insert(fs.begin() + static_cast<std::ptrdiff_t>(at), copy);
            break;
        }
        case 12: {  // swap two frames
            const std::size_t a = rng.index(fs.size());
            const std::size_t b = rng.index(fs.size());
            std::swap(fs[a], fs[b]);
            break;
        }
        case 13: {  // split a frame into two fragments
            const std::size_t at = rng.index(fs.size());
            ModelFrame first = fs[at];
            ModelFrame second = first;
            const std::size_t cut = rng.index(first.payload.size() + 1);
            first.payload.resize(cut);
            second.payload.erase(0, cut);
            first.fin = false;
            first.declared_length.reset();
            second.opcode = opcode::continuation;
            second.rsv = 0;
            if (second.masked) {
                for (auto& k : second.key) k = rng.byte();
            }
            fs[at] = std::move(first);
            fs.insert(fs.begin() + static_cast<std::ptrdiff_t>(at) + 1, std::move(second));
            break;
        }
        case 14: {  // join a frame with the next one
            const std::size_t at = rng.index(fs.size());
            if (at + 1 < fs.size()) {
                fs[at].payload += fs[at + 1].payload;
                fs[at].fin = fs[at + 1].fin;
                fs[at].declared_length.reset();
                fs.erase(fs.begin() + static_cast<std::ptrdiff_t>(at) + 1);
            }
            break;
        }
        case 15:  // the raw tail
            if (!seq.tail.empty() && rng.chance(1, 2)) {
                seq.tail.clear();
            } else {
                std::string buf = seq.tail;
                buf.resize(seq.tail.size() + 16);
                buf.resize(std::min(
                    bytes(reinterpret_cast<std::uint8_t*>(buf.data()), seq.tail.size(), buf.size()),
                    buf.size()));
                seq.tail = std::move(buf);
            }
            break;
    }
}

}  // namespace wsconform::fuzz
