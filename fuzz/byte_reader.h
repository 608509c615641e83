// A tiny stand-in for libFuzzer's FuzzedDataProvider, which ships with clang only (the g++
// replay build cannot include it). Parameters come off the *end* of the input, as with FDP, so
// the front stays the wire bytes the seeds were made of; once the input runs out every read
// returns zero.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace wsconform::fuzz {

class ByteReader {
  public:
    ByteReader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}

    std::size_t remaining() const noexcept { return size_; }

    std::uint8_t back_u8() noexcept {
        if (size_ == 0) return 0;
        return data_[--size_];
    }
    bool back_bool() noexcept { return (back_u8() & 1) != 0; }
    // Little-endian, from the end; `bytes` ≤ 8.
    std::uint64_t back_uint(std::size_t bytes) noexcept {
        std::uint64_t v = 0;
        for (std::size_t i = 0; i < bytes; ++i) v |= std::uint64_t{back_u8()} << (8 * i);
        return v;
    }
    // A value in [lo, hi], from as few bytes as the range needs.
    std::uint64_t back_range(std::uint64_t lo, std::uint64_t hi) noexcept {
        const std::uint64_t span = hi - lo;
        std::size_t bytes = 0;
        for (std::uint64_t s = span; s != 0; s >>= 8) ++bytes;
        const std::uint64_t v = back_uint(bytes);
        return span == UINT64_MAX ? v : lo + v % (span + 1);
    }

    // Takes `n` bytes (or what is left) from the front.
    std::span<const std::uint8_t> front(std::size_t n) noexcept {
        if (n > size_) n = size_;
        std::span<const std::uint8_t> out(data_, n);
        data_ += n;
        size_ -= n;
        return out;
    }
    std::span<const std::uint8_t> rest() noexcept { return front(size_); }

  private:
    const std::uint8_t* data_;
    std::size_t size_;
};

}  // namespace wsconform::fuzz
