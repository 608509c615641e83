// RFC 6455 §5.3: octet i of the payload is XORed with octet (i MOD 4) of the masking key.
//
// The word-wise path builds a 64-bit key holding the 4-byte key twice, rotated so that its
// first byte is the key byte for the current offset. Since 8 is a multiple of 4, the same
// word then masks every following 8-byte step. Loads and stores go through memcpy, so any
// buffer alignment is fine, and the compiler turns them into plain (or vector) moves.
#include "protocol/mask.h"

#include <cstdint>
#include <cstring>

namespace wsconform::protocol {

std::size_t apply_mask_bytewise(std::span<std::byte> data, const MaskKey& key,
                                std::size_t key_offset) noexcept {
    std::size_t k = key_offset & 3;
    for (std::byte& b : data) {
        b ^= std::byte{key[k]};
        k = (k + 1) & 3;
    }
    return k;
}

std::size_t apply_mask(std::span<std::byte> data, const MaskKey& key,
                       std::size_t key_offset) noexcept {
    const std::size_t offset = key_offset & 3;
    std::size_t n = data.size();
    unsigned char* p = reinterpret_cast<unsigned char*>(data.data());

    // The key bytes in memory order, starting at `offset`, repeated to 8 bytes.
    unsigned char rotated[8];
    for (std::size_t i = 0; i < 8; ++i) rotated[i] = key[(offset + i) & 3];
    std::uint64_t word;
    std::memcpy(&word, rotated, 8);

    // 32 bytes a step: four independent words, which compilers also vectorize.
    while (n >= 32) {
        std::uint64_t a, b, c, d;
        std::memcpy(&a, p, 8);
        std::memcpy(&b, p + 8, 8);
        std::memcpy(&c, p + 16, 8);
        std::memcpy(&d, p + 24, 8);
        a ^= word;
        b ^= word;
        c ^= word;
        d ^= word;
        std::memcpy(p, &a, 8);
        std::memcpy(p + 8, &b, 8);
        std::memcpy(p + 16, &c, 8);
        std::memcpy(p + 24, &d, 8);
        p += 32;
        n -= 32;
    }
    while (n >= 8) {
        std::uint64_t a;
        std::memcpy(&a, p, 8);
        a ^= word;
        std::memcpy(p, &a, 8);
        p += 8;
        n -= 8;
    }
    // Tail: fewer than 8 bytes, still in phase with `rotated`.
    for (std::size_t i = 0; i < n; ++i) p[i] ^= rotated[i];
    return (offset + data.size()) & 3;
}

}  // namespace wsconform::protocol
