// Incremental UTF-8 validation (RFC 3629 §3-4): overlong forms, surrogates U+D800-U+DFFF,
// code points above U+10FFFF and truncated sequences are invalid.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace wsconform::protocol {

class Utf8Validator {
  public:
    // Feeds the next chunk of the stream. Returns false as soon as a byte makes the stream
    // invalid, whatever follows; the validator then stays failed until reset().
    bool feed(std::span<const std::byte> chunk) noexcept;
    bool feed(std::string_view chunk) noexcept {
        return feed(std::as_bytes(std::span(chunk.data(), chunk.size())));
    }

    // Ends the stream: false when it failed or stops inside a code point.
    bool finish() noexcept;

    bool failed() const noexcept { return first_bad_.has_value(); }
    // True between code points (no partial sequence pending).
    bool at_boundary() const noexcept { return state_ == 0; }

    // Offset, within everything fed since reset(), of the first byte that made the stream
    // invalid; for a stream that ends inside a code point, the stream's length.
    std::optional<std::uint64_t> first_bad_offset() const noexcept { return first_bad_; }

    std::uint64_t bytes_fed() const noexcept { return offset_; }

    void reset() noexcept {
        state_ = 0;
        offset_ = 0;
        first_bad_.reset();
    }

  private:
    std::uint32_t state_ = 0;  // DFA state; 0 = accept
    std::uint64_t offset_ = 0;
    std::optional<std::uint64_t> first_bad_;
};

// Whole-buffer check.
bool is_valid_utf8(std::span<const std::byte> data) noexcept;
inline bool is_valid_utf8(std::string_view s) noexcept {
    return is_valid_utf8(std::as_bytes(std::span(s.data(), s.size())));
}

}  // namespace wsconform::protocol
