// RFC 6455 §5.3 masking: the word-wise apply_mask() against the byte-wise oracle.
#include "protocol/mask.h"

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

namespace wsconform::protocol {
namespace {

std::vector<std::byte> random_bytes(std::size_t n, std::mt19937& rng) {
    std::vector<std::byte> v(n);
    for (auto& b : v) b = std::byte(rng() & 0xFF);
    return v;
}

TEST(Mask, Rfc6455Section57MaskedHello) {
    // §5.7: "Hello" masked with key 37 fa 21 3d gives 7f 9f 4d 51 58.
    const MaskKey key{0x37, 0xfa, 0x21, 0x3d};
    std::vector<std::byte> data{std::byte{'H'}, std::byte{'e'}, std::byte{'l'}, std::byte{'l'},
                                std::byte{'o'}};
    EXPECT_EQ(apply_mask(data, key), 1u);
    const std::vector<std::byte> masked{std::byte{0x7f}, std::byte{0x9f}, std::byte{0x4d},
                                        std::byte{0x51}, std::byte{0x58}};
    EXPECT_EQ(data, masked);
}

// Every length 0-300, every key offset (0-3, and 4-7 which must wrap), every start address
// modulo 8: the word-wise result equals the byte-wise one and so does the returned offset.
TEST(Mask, WordWiseEqualsByteWiseForEveryLengthOffsetAndAlignment) {
    std::mt19937 rng(6455);
    const MaskKey key{0xa1, 0x5b, 0xc7, 0x3e};
    std::vector<std::byte> storage = random_bytes(300 + 16, rng);
    for (std::size_t misalign = 0; misalign < 8; ++misalign) {
        for (std::size_t length = 0; length <= 300; ++length) {
            for (std::size_t offset = 0; offset < 8; ++offset) {
                std::vector<std::byte> fast = storage;
                std::vector<std::byte> slow = storage;
                const std::span<std::byte> f(fast.data() + misalign, length);
                const std::span<std::byte> s(slow.data() + misalign, length);
                const std::size_t next_fast = apply_mask(f, key, offset);
                const std::size_t next_slow = apply_mask_bytewise(s, key, offset);
                ASSERT_EQ(fast, slow)
                    << "length " << length << " offset " << offset << " misalign " << misalign;
                ASSERT_EQ(next_fast, next_slow);
                ASSERT_EQ(next_fast, (offset + length) % 4);
            }
        }
    }
}

// Masking a payload in chunks, threading the returned offset, equals masking it whole.
TEST(Mask, ChunkedMaskingEqualsWholeMasking) {
    std::mt19937 rng(7);
    const MaskKey key{0x01, 0x80, 0xfe, 0x7f};
    for (int round = 0; round < 200; ++round) {
        const std::vector<std::byte> original = random_bytes(rng() % 2000, rng);
        std::vector<std::byte> whole = original;
        apply_mask_bytewise(whole, key);

        std::vector<std::byte> chunked = original;
        std::size_t offset = 0;
        std::size_t pos = 0;
        while (pos < chunked.size()) {
            const std::size_t n = std::min<std::size_t>(1 + rng() % 70, chunked.size() - pos);
            offset = apply_mask(std::span(chunked).subspan(pos, n), key, offset);
            pos += n;
        }
        ASSERT_EQ(chunked, whole) << "round " << round;
    }
}

TEST(Mask, MaskingTwiceRestoresThePayload) {
    std::mt19937 rng(11);
    const MaskKey key{0xde, 0xad, 0xbe, 0xef};
    const std::vector<std::byte> original = random_bytes(1031, rng);
    std::vector<std::byte> data = original;
    apply_mask(data, key, 3);
    EXPECT_NE(data, original);
    apply_mask(data, key, 3);
    EXPECT_EQ(data, original);
}

TEST(Mask, ZeroKeyLeavesDataUnchanged) {
    std::mt19937 rng(12);
    const std::vector<std::byte> original = random_bytes(100, rng);
    std::vector<std::byte> data = original;
    EXPECT_EQ(apply_mask(data, MaskKey{}, 2), (2u + 100u) % 4);
    EXPECT_EQ(data, original);
}

}  // namespace
}  // namespace wsconform::protocol
