// A deliberately plain UTF-8 checker, the oracle the table-driven Utf8Validator is compared
// with. It works on code point *values*, not on byte tables: a lead byte says how many bytes
// the sequence has; after each byte the code points the sequence could still become form an
// interval, and the sequence fails at the first byte after which that interval holds no valid
// code point for that length (RFC 3629 §3: 2 bytes U+0080-07FF, 3 bytes U+0800-FFFF without
// the surrogates U+D800-DFFF, 4 bytes U+10000-10FFFF). That is the "first bad byte" the
// validator promises: the first byte no valid stream could have at that place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "fuzz/fuzz_check.h"

namespace wsconform::fuzz {

struct Utf8Reference {
    // Offset of the first bad byte; the input's length when it stops inside a code point.
    std::optional<std::size_t> first_bad;
    // True when the input ends inside a code point (only meaningful without first_bad).
    bool truncated = false;
};

inline bool utf8_interval_possible(int length, std::uint32_t lo, std::uint32_t hi) noexcept {
    auto overlaps = [&](std::uint32_t a, std::uint32_t b) { return lo <= b && hi >= a; };
    switch (length) {
        case 2:
            return overlaps(0x80, 0x7FF);
        case 3:
            return overlaps(0x800, 0xD7FF) || overlaps(0xE000, 0xFFFF);
        case 4:
            return overlaps(0x10000, 0x10FFFF);
        default:
            return false;
    }
}

WSCONFORM_FUZZ_NO_COVERAGE inline Utf8Reference utf8_reference_check(
    std::span<const std::uint8_t> s) noexcept {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t b = s[i];
        if (b < 0x80) {
            ++i;
            continue;
        }
        int length;
        std::uint32_t bits;
        if ((b & 0xE0) == 0xC0) {
            length = 2;
            bits = b & 0x1F;
        } else if ((b & 0xF0) == 0xE0) {
            length = 3;
            bits = b & 0x0F;
        } else if ((b & 0xF8) == 0xF0) {
            length = 4;
            bits = b & 0x07;
        } else {
            return {i, false};  // a continuation byte or F8-FF cannot start a code point
        }
        for (int m = 1; m <= length; ++m) {
            if (m > 1) {
                const std::size_t at = i + static_cast<std::size_t>(m) - 1;
                if (at >= s.size()) return {s.size(), true};
                if ((s[at] & 0xC0) != 0x80) return {at, false};
                bits = (bits << 6) | (s[at] & 0x3F);
            }
            const int missing = 6 * (length - m);
            const std::uint32_t lo = bits << missing;
            const std::uint32_t hi = lo | ((std::uint32_t{1} << missing) - 1);
            if (!utf8_interval_possible(length, lo, hi)) {
                return {i + static_cast<std::size_t>(m) - 1, false};
            }
        }
        i += static_cast<std::size_t>(length);
    }
    return {};
}

}  // namespace wsconform::fuzz
