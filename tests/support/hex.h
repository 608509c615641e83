// Octets as test tables write them ("81 05 48 65 6c 6c 6f", with '|' between frames for the
// reader) and back, over protocol::hex_decode and hex_encode, in the containers the codec's
// APIs take. A row that is not hex fails the test that reads it. Header-only, for GoogleTest
// tests.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/hex.h"

namespace wsconform::test_support {

using Bytes = std::vector<std::byte>;

// The octets `text` spells, in a std::string or any container of byte-sized values
// (std::vector<std::byte>, std::vector<std::uint8_t>). Whitespace and '|' may stand between
// octets.
template <class Out = std::string>
Out unhex(std::string_view text) {
    std::string spaced(text);
    std::replace(spaced.begin(), spaced.end(), '|', ' ');
    const auto octets = protocol::hex_decode(spaced);
    if (!octets) {
        ADD_FAILURE() << "not hex: " << text;
        return Out{};
    }
    Out out;
    for (const char c : *octets)
        out.push_back(static_cast<typename Out::value_type>(static_cast<unsigned char>(c)));
    return out;
}

inline Bytes hex_bytes(std::string_view text) {
    return unhex<Bytes>(text);
}

// The characters of `s` as octets.
inline Bytes bytes_of(std::string_view s) {
    const auto b = std::as_bytes(std::span(s));
    return Bytes(b.begin(), b.end());
}

// Lower-case hex of any contiguous octets, two digits each, no separators.
template <class Octets>
std::string hex(const Octets& octets) {
    return protocol::hex_encode(std::as_bytes(std::span(octets)));
}

}  // namespace wsconform::test_support
