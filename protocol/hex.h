// Hexadecimal text for octets, one way and the other: wire logs, reports, descriptions,
// reproducer files and test tables all use these.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace wsconform::protocol {

// Lower-case digits, two per octet, no separators: "\x00\xff" -> "00ff". At most `max` octets.
std::string hex_encode(std::string_view bytes, std::size_t max = SIZE_MAX);
inline std::string hex_encode(std::span<const std::byte> bytes, std::size_t max = SIZE_MAX) {
    return hex_encode(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()),
                      max);
}

// Digits in either case, whitespace between octets allowed ("81 05 48"): the octets, or
// nothing when a digit is bad or one is missing its pair.
std::optional<std::string> hex_decode(std::string_view text);

}  // namespace wsconform::protocol
