// The fixed-Huffman deflate encoder (RFC 1950, RFC 1951 3.2.6), with its bit writer.
#include "cases/flate_fixed.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <vector>

namespace wsconform::cases::detail {

namespace {

// Octets into the LSB-first bit order deflate uses.
class BitWriter {
  public:
    explicit BitWriter(std::string& out) : out_(out) {}
    void put(std::uint32_t bits, int count) {
        acc_ |= static_cast<std::uint64_t>(bits) << filled_;
        filled_ += count;
        while (filled_ >= 8) {
            out_.push_back(static_cast<char>(acc_ & 0xff));
            acc_ >>= 8;
            filled_ -= 8;
        }
    }
    // Huffman codes are defined most significant bit first.
    void put_code(std::uint32_t code, int length) {
        std::uint32_t reversed = 0;
        for (int i = 0; i < length; ++i) reversed |= ((code >> i) & 1u) << (length - 1 - i);
        put(reversed, length);
    }
    void flush() {
        if (filled_ > 0) out_.push_back(static_cast<char>(acc_ & 0xff));
        acc_ = 0;
        filled_ = 0;
    }

  private:
    std::string& out_;
    std::uint64_t acc_ = 0;
    int filled_ = 0;
};

// RFC 1951 3.2.6: the fixed literal/length code.
void put_symbol(BitWriter& w, int symbol) {
    if (symbol <= 143)
        w.put_code(0x30 + symbol, 8);
    else if (symbol <= 255)
        w.put_code(0x190 + (symbol - 144), 9);
    else if (symbol <= 279)
        w.put_code(symbol - 256, 7);
    else
        w.put_code(0xc0 + (symbol - 280), 8);
}

constexpr int kLengthBase[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr int kLengthExtra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                  2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr int kDistBase[30] = {1,    2,    3,    4,    5,    7,    9,    13,    17,    25,
                               33,   49,   65,   97,   129,  193,  257,  385,   513,   769,
                               1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr int kDistExtra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};

}  // namespace

std::string flate_fixed(std::string_view data) {
    constexpr int kMinMatch = 3, kMaxMatch = 258, kWindow = 32768, kChain = 32;
    constexpr std::uint32_t kHashSize = 1u << 15;
    std::string out = "\x78\x01";  // zlib header: deflate, 32K window, no dictionary
    BitWriter w(out);
    w.put(1, 1);  // BFINAL: the only block
    w.put(1, 2);  // BTYPE 01: fixed Huffman codes

    const std::size_t n = data.size();
    std::vector<std::int32_t> head(kHashSize, -1);
    std::vector<std::int32_t> prev(n, -1);
    auto hash = [&data](std::size_t i) {
        const std::uint32_t v = static_cast<unsigned char>(data[i]) |
                                static_cast<unsigned char>(data[i + 1]) << 8 |
                                static_cast<unsigned char>(data[i + 2]) << 16;
        return (v * 2654435761u) >> 17;
    };
    auto insert = [&](std::size_t i) {
        if (i + kMinMatch > n) return;
        const auto h = hash(i);
        prev[i] = head[h];
        head[h] = static_cast<std::int32_t>(i);
    };

    std::size_t i = 0;
    while (i < n) {
        int best_length = 0;
        std::size_t best_distance = 0;
        if (i + kMinMatch <= n) {
            const std::size_t limit = std::min<std::size_t>(kMaxMatch, n - i);
            std::int32_t candidate = head[hash(i)];
            for (int chain = kChain; candidate >= 0 && chain > 0; --chain) {
                const std::size_t distance = i - static_cast<std::size_t>(candidate);
                if (distance > kWindow) break;
                std::size_t length = 0;
                while (length < limit && data[candidate + length] == data[i + length]) ++length;
                if (static_cast<int>(length) > best_length) {
                    best_length = static_cast<int>(length);
                    best_distance = distance;
                    if (length == limit) break;
                }
                candidate = prev[candidate];
            }
        }
        if (best_length >= kMinMatch) {
            int code = 28;
            while (kLengthBase[code] > best_length) --code;
            put_symbol(w, 257 + code);
            w.put(static_cast<std::uint32_t>(best_length - kLengthBase[code]), kLengthExtra[code]);
            int dcode = 29;
            while (kDistBase[dcode] > static_cast<int>(best_distance)) --dcode;
            w.put_code(static_cast<std::uint32_t>(dcode), 5);
            w.put(static_cast<std::uint32_t>(best_distance - kDistBase[dcode]), kDistExtra[dcode]);
            for (int k = 0; k < best_length; ++k) insert(i + k);
            i += best_length;
        } else {
            put_symbol(w, static_cast<unsigned char>(data[i]));
            insert(i);
            ++i;
        }
    }
    put_symbol(w, 256);  // end of block
    w.flush();
    const auto adler = static_cast<std::uint32_t>(
        adler32(adler32(0L, Z_NULL, 0), reinterpret_cast<const Bytef*>(data.data()),
                static_cast<uInt>(data.size())));
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((adler >> shift) & 0xff));
    return out;
}

}  // namespace wsconform::cases::detail
