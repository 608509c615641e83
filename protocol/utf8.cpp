// Incremental UTF-8 validation as a deterministic automaton over bytes (RFC 3629 §4 syntax):
//
//   UTF8-2 = %xC2-DF UTF8-tail
//   UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2UTF8-tail / %xED %x80-9F UTF8-tail /
//            %xEE-EF 2UTF8-tail
//   UTF8-4 = %xF0 %x90-BF 2UTF8-tail / %xF1-F3 3UTF8-tail / %xF4 %x80-8F 2UTF8-tail
//
// The restricted second bytes after E0, ED, F0 and F4 exclude overlong forms, surrogates and
// code points above U+10FFFF, so the automaton rejects at the first byte that no valid
// continuation could follow: fail-fast, whatever the chunking.
//
// Encoding: each state is a multiple of 6 (its bit position), and kRows[byte] packs, for
// every state, the next state at that state's bit position. One step is then a single load
// and shift, `rows[byte] >> state`, with no branch; only the low 6 bits of `state` matter, so
// they are masked once per block instead of once per byte.
#include "protocol/utf8.h"

#include <array>
#include <cstring>

namespace wsconform::protocol {
namespace {

// Automaton states, by index.
enum : unsigned {
    kAccept,   // between code points
    kTail1,    // one UTF8-tail byte still needed
    kTail2,    // two
    kTail3,    // three
    kAfterE0,  // next byte must be A0-BF (no overlong 3-byte form)
    kAfterED,  // next byte must be 80-9F (no surrogate)
    kAfterF0,  // next byte must be 90-BF (no overlong 4-byte form)
    kAfterF4,  // next byte must be 80-8F (nothing above U+10FFFF)
    kReject,   // absorbing
    kStateCount,
};
constexpr unsigned kBits = 6;
constexpr std::uint64_t kRejectShift = kReject * kBits;

constexpr unsigned next_state(unsigned state, unsigned b) noexcept {
    const bool tail = b >= 0x80 && b <= 0xBF;
    switch (state) {
        case kAccept:
            if (b <= 0x7F) return kAccept;
            if (b >= 0xC2 && b <= 0xDF) return kTail1;
            if (b == 0xE0) return kAfterE0;
            if (b == 0xED) return kAfterED;
            if (b >= 0xE1 && b <= 0xEF) return kTail2;
            if (b == 0xF0) return kAfterF0;
            if (b >= 0xF1 && b <= 0xF3) return kTail3;
            if (b == 0xF4) return kAfterF4;
            return kReject;  // 80-BF (no lead byte), C0-C1 (overlong), F5-FF
        case kTail1:
            return tail ? kAccept : kReject;
        case kTail2:
            return tail ? kTail1 : kReject;
        case kTail3:
            return tail ? kTail2 : kReject;
        case kAfterE0:
            return (b >= 0xA0 && b <= 0xBF) ? kTail1 : kReject;
        case kAfterED:
            return (b >= 0x80 && b <= 0x9F) ? kTail1 : kReject;
        case kAfterF0:
            return (b >= 0x90 && b <= 0xBF) ? kTail2 : kReject;
        case kAfterF4:
            return (b >= 0x80 && b <= 0x8F) ? kTail2 : kReject;
        default:
            return kReject;
    }
}

constexpr std::array<std::uint64_t, 256> make_rows() noexcept {
    std::array<std::uint64_t, 256> rows{};
    for (unsigned b = 0; b < 256; ++b) {
        std::uint64_t row = 0;
        for (unsigned s = 0; s < kStateCount; ++s) {
            row |= std::uint64_t{next_state(s, b) * kBits} << (s * kBits);
        }
        rows[b] = row;
    }
    return rows;
}

constexpr std::array<std::uint64_t, 256> kRows = make_rows();
static_assert(kStateCount * kBits <= 64);

inline std::uint64_t step(std::uint64_t state, unsigned char b) noexcept {
    return kRows[b] >> (state & 63);
}

constexpr std::uint64_t kHighBits = 0x8080808080808080ull;

inline std::uint64_t load64(const unsigned char* p) noexcept {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    return w;
}

// True when the 64 bytes at `p` are all ASCII. With GCC/Clang, 16-byte vector loads (any
// alignment, through memcpy) halve the loads against 8-byte words; otherwise plain words.
inline bool ascii64(const unsigned char* p) noexcept {
#if defined(__GNUC__)
    using Vec = std::uint64_t __attribute__((vector_size(16)));
    Vec a, b, c, d;
    std::memcpy(&a, p, 16);
    std::memcpy(&b, p + 16, 16);
    std::memcpy(&c, p + 32, 16);
    std::memcpy(&d, p + 48, 16);
    const Vec all = (a | b) | (c | d);
    return ((all[0] | all[1]) & kHighBits) == 0;
#else
    std::uint64_t all = 0;
    for (std::size_t i = 0; i < 64; i += 8) all |= load64(p + i);
    return (all & kHighBits) == 0;
#endif
}

// Index of the byte in [p, p + n) that takes `state` to reject (there is one).
std::size_t find_reject(std::uint64_t state, const unsigned char* p, std::size_t n) noexcept {
    for (std::size_t i = 0; i < n; ++i) {
        state = step(state, p[i]) & 63;
        if (state == kRejectShift) return i;
    }
    return n;
}

}  // namespace

bool Utf8Validator::feed(std::span<const std::byte> chunk) noexcept {
    if (failed()) return false;
    const auto* const begin = reinterpret_cast<const unsigned char*>(chunk.data());
    const auto* p = begin;
    std::size_t n = chunk.size();
    std::uint64_t state = state_;

    auto fail_at = [&](std::size_t index) {
        first_bad_ = offset_ + index;
        offset_ += chunk.size();
        state_ = static_cast<std::uint32_t>(kRejectShift);
        return false;
    };

    constexpr std::size_t kBlock = 16;
    while (n >= kBlock) {
        if (state == 0) {
            // ASCII fast path, only between code points: 16 bytes, then 64 at a time.
            if (((load64(p) | load64(p + 8)) & kHighBits) == 0) {
                p += kBlock;
                n -= kBlock;
                while (n >= 64 && ascii64(p)) {
                    p += 64;
                    n -= 64;
                }
                continue;
            }
        }
        // 16 automaton steps, unrolled by four; rejection is absorbing, so one check at the
        // end of the block suffices, and find_reject() then locates the byte.
        std::uint64_t s = state;
        for (std::size_t i = 0; i < kBlock; i += 4) {
            s = step(s, p[i]);
            s = step(s, p[i + 1]);
            s = step(s, p[i + 2]);
            s = step(s, p[i + 3]);
        }
        s &= 63;
        if (s == kRejectShift) {
            return fail_at(static_cast<std::size_t>(p - begin) + find_reject(state, p, kBlock));
        }
        state = s;
        p += kBlock;
        n -= kBlock;
    }
    for (std::size_t i = 0; i < n; ++i) {
        state = step(state, p[i]) & 63;
        if (state == kRejectShift) return fail_at(static_cast<std::size_t>(p - begin) + i);
    }
    state_ = static_cast<std::uint32_t>(state);
    offset_ += chunk.size();
    return true;
}

bool Utf8Validator::finish() noexcept {
    if (failed()) return false;
    if (state_ != 0) {
        // The stream stops inside a code point: the missing byte is the bad one.
        first_bad_ = offset_;
        state_ = static_cast<std::uint32_t>(kRejectShift);
        return false;
    }
    return true;
}

bool is_valid_utf8(std::span<const std::byte> data) noexcept {
    Utf8Validator v;
    return v.feed(data) && v.finish();
}

}  // namespace wsconform::protocol
