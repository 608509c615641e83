// Target `inflate`: the bounded Inflater of permessage-deflate (RFC 7692 §7.2.2). zlib itself
// is not instrumented, so this fuzzes our wrapper: the output cap, the 00 00 ff ff tail that
// finish_message() adds, context takeover across messages, and chunked input.
//
// Input: byte 0 = window bits (8 + bits 0-2), no_context_takeover (bit 3), cap (bits 4-7, an
// entry of kCaps); byte 1 = mode (bit 0: round trip), deflate level (bits 1-4), chunk salt.
// The rest is a list of messages, each as one length byte (0: the rest) and its bytes: in raw
// mode, compressed data from anywhere; in round-trip mode, plain text our Deflater compresses.
//
// Oracles: a message's output never exceeds the cap (the header: a message that would exceed
// max_output fails with inflate_limit_exceeded "before the output grows past the cap"); errors
// are inflate_failed or inflate_limit_exceeded only; the output does not depend on how the
// input is chunked (but for a distance past the agreed window, which zlib catches or not
// depending on the chunking: then the largest window must inflate it); the Deflater's output
// inflates back to its input, and fails the cap exactly when the message is larger than the cap.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "protocol/error.h"
#include "protocol/permessage_deflate.h"

namespace {

using namespace wsconform;
using protocol::Error;

// Output caps: tiny ones, the control-frame and length-form boundaries, and a few past the
// 1 MiB floor of the ratio guard (bigger ones only make a bomb input slower to run).
constexpr std::array<std::size_t, 16> kCaps = {
    0,     1,     2,     16,     100,    125,      1000,           4096,
    16384, 65535, 65536, 100000, 262144, 1u << 20, (1u << 20) + 1, 2u << 20};

struct MessageResult {
    std::string out;
    std::error_code ec;  // the first error; nothing is fed after it
};

// The header's bound: a message never appends more than max_output bytes, and growing the
// string never takes its capacity past that either (allowing for allocation rounding and the
// small-string buffer).
void check_bounds(const std::string& out, std::size_t cap) {
    FUZZ_CHECK(out.size() <= cap);
    FUZZ_CHECK(out.capacity() <= std::max<std::size_t>(cap, 15) + 64);
}

// After an error the inflater keeps answering with it, and appends nothing.
MessageResult sticky(protocol::Inflater& inf, MessageResult r) {
    FUZZ_CHECK(r.ec == Error::inflate_failed || r.ec == Error::inflate_limit_exceeded);
    std::string more;
    const std::byte zero{0};
    FUZZ_CHECK(inf.feed({&zero, 1}, more) == r.ec && more.empty());
    FUZZ_CHECK(inf.finish_message(more) == r.ec && more.empty());
    return r;
}

// Feeds one message's bytes in chunks (or whole), then finishes it.
MessageResult inflate_message(protocol::Inflater& inf, std::span<const std::uint8_t> msg,
                              std::uint8_t salt, bool chunked, std::size_t cap) {
    MessageResult r;
    for (std::size_t i = 0; i < msg.size();) {
        const std::size_t len =
            chunked ? std::min<std::size_t>(msg.size() - i, 1 + ((msg[i] ^ salt) & 15))
                    : msg.size();
        // An exact-size copy: a read past the chunk is an ASan report.
        auto chunk = std::make_unique<std::byte[]>(len);
        std::memcpy(chunk.get(), msg.data() + i, len);
        r.ec = inf.feed({chunk.get(), len}, r.out);
        check_bounds(r.out, cap);
        if (r.ec) return sticky(inf, r);
        i += len;
    }
    r.ec = inf.finish_message(r.out);
    check_bounds(r.out, cap);
    return r.ec ? sticky(inf, r) : r;
}

void check_error(std::error_code ec) {
    if (!ec) return;
    FUZZ_CHECK(ec == Error::inflate_failed || ec == Error::inflate_limit_exceeded);
}

std::vector<std::span<const std::uint8_t>> split_messages(std::span<const std::uint8_t> rest) {
    std::vector<std::span<const std::uint8_t>> msgs;
    while (!rest.empty() && msgs.size() < 4) {
        std::size_t len = rest[0];
        rest = rest.subspan(1);
        if (len == 0 || len > rest.size()) len = rest.size();
        msgs.push_back(rest.first(len));
        rest = rest.subspan(len);
    }
    return msgs;
}

// Messages [0, upto] through an Inflater with the largest window, fed whole: the result of
// the last one.
MessageResult inflate_wide(bool nct, std::size_t cap, std::uint8_t salt,
                           const std::vector<std::span<const std::uint8_t>>& msgs,
                           std::size_t upto) {
    protocol::Inflater wide(15, nct, cap);
    MessageResult r;
    for (std::size_t i = 0; i <= upto; ++i) {
        r = inflate_message(wide, msgs[i], salt, false, cap);
        if (r.ec) break;
    }
    return r;
}

void raw_mode(int bits, bool nct, std::size_t cap, std::uint8_t salt,
              std::span<const std::uint8_t> rest) {
    protocol::Inflater whole(bits, nct, cap);
    protocol::Inflater chunked(bits, nct, cap);
    const auto msgs = split_messages(rest);
    for (std::size_t i = 0; i < msgs.size(); ++i) {
        const MessageResult a = inflate_message(whole, msgs[i], salt, false, cap);
        const MessageResult b = inflate_message(chunked, msgs[i], salt, true, cap);
        check_error(a.ec);
        check_error(b.ec);
        // The ratio guard looks at the input fed so far, which chunking changes; below 1 MiB of
        // output only the cap and the data decide, and chunking must not matter ...
        const bool limit =
            a.ec == Error::inflate_limit_exceeded || b.ec == Error::inflate_limit_exceeded;
        if (!limit && a.ec != b.ec) {
            // ... except for a distance beyond the agreed window (permessage_deflate.h: zlib
            // accepts one that stays within its window plus the output of the current
            // inflate() call, so how the input is cut decides). Then the data is valid
            // DEFLATE: the largest window inflates it, to what the accepting side produced.
            FUZZ_CHECK(bits < 15);
            const MessageResult& ok = a.ec ? b : a;
            const MessageResult& bad = a.ec ? a : b;
            FUZZ_CHECK(bad.ec == Error::inflate_failed);
            const MessageResult w = inflate_wide(nct, cap, salt, msgs, i);
            FUZZ_CHECK(!w.ec && w.out == ok.out);
        } else if (!limit) {
            if (!a.ec) FUZZ_CHECK(a.out == b.out);
        } else if (a.out.size() < (1u << 20) && b.out.size() < (1u << 20)) {
            FUZZ_CHECK(a.ec == b.ec);
        }
        if (a.ec || b.ec) return;  // an inflater is not used after an error
    }
}

void round_trip_mode(int bits, bool nct, std::size_t cap, int level, std::uint8_t salt,
                     std::span<const std::uint8_t> rest) {
    // zlib cannot deflate with an 8-bit window: the Deflater raises 8 to 9, so the receiving
    // window must be at least 9 for its output (see Deflater in permessage_deflate.h).
    const int receive_bits = bits < 9 ? 9 : bits;
    protocol::Deflater deflater(bits, nct, level);
    protocol::Inflater roomy(receive_bits, nct, 64u << 20);
    protocol::Inflater capped(receive_bits, nct, cap);
    bool capped_alive = true;
    for (const auto msg : split_messages(rest)) {
        std::string compressed;
        deflater.compress(std::as_bytes(msg), compressed);
        // The trailing 00 00 ff ff is removed (§7.2.1).
        FUZZ_CHECK(compressed.size() < 4 ||
                   compressed.substr(compressed.size() - 4) != std::string("\x00\x00\xff\xff", 4));
        const auto* c = reinterpret_cast<const std::uint8_t*>(compressed.data());
        const MessageResult a =
            inflate_message(roomy, {c, compressed.size()}, salt, true, 64u << 20);
        FUZZ_CHECK(!a.ec);
        FUZZ_CHECK(a.out.size() == msg.size() &&
                   std::equal(msg.begin(), msg.end(),
                              reinterpret_cast<const std::uint8_t*>(a.out.data())));
        if (!capped_alive) continue;
        const MessageResult b = inflate_message(capped, {c, compressed.size()}, salt, false, cap);
        if (msg.size() > cap) {
            FUZZ_CHECK(b.ec == Error::inflate_limit_exceeded);
            capped_alive = false;
        } else {
            FUZZ_CHECK(!b.ec && b.out == a.out);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const int bits = 8 + (data[0] & 7);
    const bool nct = (data[0] & 8) != 0;
    const std::size_t cap = kCaps[data[0] >> 4];
    const bool round_trip = (data[1] & 1) != 0;
    const int level = (data[1] >> 1) & 0xF;  // 0..15, zlib takes 0..9
    const std::uint8_t salt = data[1];
    const std::span<const std::uint8_t> rest(data + 2, size - 2);
    if (round_trip) {
        round_trip_mode(bits, nct, cap, level > 9 ? 9 : level, salt, rest);
    } else {
        raw_mode(bits, nct, cap, salt, rest);
    }
    return 0;
}
