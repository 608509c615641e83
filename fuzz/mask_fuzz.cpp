// Target `mask`: the word-at-a-time apply_mask() against the byte-wise apply_mask_bytewise()
// and against RFC 6455 §5.3 restated inline (octet i XOR key[(offset + i) mod 4]), at an
// input-derived key offset and buffer misalignment, whole and in input-derived chunks that
// carry the returned offset; masking twice must give the input back.
//
// Input: the payload, then (from the end) 4 key bytes, the key offset, the misalignment and a
// chunking seed.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "fuzz/byte_reader.h"
#include "fuzz/fuzz_check.h"
#include "protocol/mask.h"

namespace {

using namespace wsconform;

// An exact-size heap buffer whose data starts `shift` bytes into the allocation, so that the
// word loop sees every alignment and ASan sees any read past the end.
struct Buffer {
    Buffer(std::span<const std::uint8_t> src, std::size_t shift)
        : storage(new std::byte[shift + src.size() + (src.empty() ? 1 : 0)]),
          data(storage.get() + shift),
          size(src.size()) {
        if (size > 0) std::memcpy(data, src.data(), size);
    }
    std::span<std::byte> span() const { return {data, size}; }
    bool operator==(const Buffer& o) const {
        return size == o.size && (size == 0 || std::memcmp(data, o.data, size) == 0);
    }
    std::unique_ptr<std::byte[]> storage;
    std::byte* data;
    std::size_t size;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::ByteReader in(data, size);
    protocol::MaskKey key;
    for (auto& k : key) k = in.back_u8();
    const std::size_t offset = in.back_u8();  // any value: only offset % 4 counts
    const std::size_t shift = in.back_u8() & 7;
    const std::uint8_t chunk_seed = in.back_u8();
    const auto payload = in.rest();
    const std::size_t n = payload.size();

    // Word-wise, whole.
    Buffer word(payload, shift);
    const std::size_t next = protocol::apply_mask(word.span(), key, offset);
    FUZZ_CHECK(next == ((offset + n) & 3));
    for (std::size_t i = 0; i < n; ++i) {
        const auto want = static_cast<std::uint8_t>(payload[i] ^ key[(offset + i) & 3]);
        FUZZ_CHECK(std::to_integer<std::uint8_t>(word.data[i]) == want);
    }

    // Byte-wise reference.
    Buffer bytewise(payload, 0);
    FUZZ_CHECK(protocol::apply_mask_bytewise(bytewise.span(), key, offset) == next);
    FUZZ_CHECK(bytewise == word);

    // Word-wise in chunks of 1..64 bytes (sizes from the payload bytes), carrying the offset.
    Buffer chunked(payload, (shift + 3) & 7);
    std::size_t k = offset;
    for (std::size_t i = 0; i < n;) {
        const std::size_t len = std::min<std::size_t>(n - i, 1 + ((payload[i] ^ chunk_seed) & 63));
        k = protocol::apply_mask(chunked.span().subspan(i, len), key, k);
        i += len;
    }
    FUZZ_CHECK(protocol::apply_mask({}, key, k) == (k & 3));  // an empty chunk changes nothing
    FUZZ_CHECK((k & 3) == next);
    FUZZ_CHECK(chunked == word);

    // An involution: masking again restores the payload.
    protocol::apply_mask(word.span(), key, offset);
    FUZZ_CHECK(n == 0 || std::memcmp(word.data, payload.data(), n) == 0);
    return 0;
}
