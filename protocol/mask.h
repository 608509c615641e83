// RFC 6455 §5.3 client-to-server masking.
#pragma once

#include <cstddef>
#include <span>

#include "protocol/frame.h"

namespace wsconform::protocol {

// XORs `data` with `key`, starting at key byte `key_offset % 4`, so a payload masked in chunks
// gives the same bytes as one masked whole. Works a machine word (or more) at a time.
// Returns the key offset for the next chunk.
std::size_t apply_mask(std::span<std::byte> data, const MaskKey& key,
                       std::size_t key_offset = 0) noexcept;

// The same, one byte at a time: the oracle for tests, fuzzing and benchmarks.
std::size_t apply_mask_bytewise(std::span<std::byte> data, const MaskKey& key,
                                std::size_t key_offset = 0) noexcept;

}  // namespace wsconform::protocol
