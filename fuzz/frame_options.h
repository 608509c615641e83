// The first input byte of the frame_parser targets: which ParserOptions the stream is parsed
// with. Shared with the seed generator, which writes that byte in front of every seed.
#pragma once

#include <array>
#include <cstdint>
#include <limits>

#include "protocol/frame_parser.h"

namespace wsconform::fuzz {

// Bits of the options byte (each one a departure from the defaults).
namespace frame_opts {
inline constexpr std::uint8_t kClientRole = 0x01;     // parse a server's frames (unmasked)
inline constexpr std::uint8_t kDeflate = 0x02;        // permessage-deflate negotiated
inline constexpr std::uint8_t kLaxLength = 0x04;      // accept non-minimal lengths
inline constexpr std::uint8_t kNoUtf8 = 0x08;         // do not validate UTF-8
inline constexpr std::uint8_t kAutobahnCodes = 0x10;  // Autobahn's close-code policy
inline constexpr unsigned kCapShift = 5;              // bits 5-7: an entry of kCaps
}  // namespace frame_opts

inline protocol::ParserOptions options_from_byte(std::uint8_t b) noexcept {
    using namespace frame_opts;
    constexpr std::uint64_t kNone = std::numeric_limits<std::int64_t>::max();
    // {max_frame_payload, max_message_payload}
    static constexpr std::array<std::array<std::uint64_t, 2>, 8> kCaps = {{
        {kNone, kNone},
        {0, kNone},
        {125, kNone},
        {kNone, 125},
        {126, 1000},
        {65535, 65535},
        {kNone, 0},
        {1, 4},
    }};
    protocol::ParserOptions o;
    o.role = (b & kClientRole) != 0 ? protocol::Role::client : protocol::Role::server;
    o.permessage_deflate = (b & kDeflate) != 0;
    o.require_minimal_length = (b & kLaxLength) == 0;
    o.validate_utf8 = (b & kNoUtf8) == 0;
    o.close_code_policy = (b & kAutobahnCodes) != 0 ? protocol::CloseCodePolicy::autobahn
                                                    : protocol::CloseCodePolicy::rfc;
    const auto& caps = kCaps[b >> kCapShift];
    o.max_frame_payload = caps[0];
    o.max_message_payload = caps[1];
    return o;
}

}  // namespace wsconform::fuzz
