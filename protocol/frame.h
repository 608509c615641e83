// RFC 6455 §5.2 base framing: header encode/decode in all three length forms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace wsconform::protocol {

// Opcodes are carried as their raw 4-bit value so that reserved ones can be sent and named.
namespace opcode {
inline constexpr std::uint8_t continuation = 0x0;
inline constexpr std::uint8_t text = 0x1;
inline constexpr std::uint8_t binary = 0x2;
inline constexpr std::uint8_t close = 0x8;
inline constexpr std::uint8_t ping = 0x9;
inline constexpr std::uint8_t pong = 0xA;
}  // namespace opcode

constexpr bool is_control(std::uint8_t op) noexcept {
    return (op & 0x8) != 0;
}
constexpr bool is_reserved(std::uint8_t op) noexcept {
    return (op >= 0x3 && op <= 0x7) || op >= 0xB;
}
// "text", "ping", "op=3" ...: for logs and reports.
const char* opcode_name(std::uint8_t op) noexcept;

// RSV bits as Autobahn numbers them: 4 = RSV1, 2 = RSV2, 1 = RSV3.
namespace rsv {
inline constexpr std::uint8_t rsv1 = 4;
inline constexpr std::uint8_t rsv2 = 2;
inline constexpr std::uint8_t rsv3 = 1;
}  // namespace rsv

using MaskKey = std::array<std::uint8_t, 4>;

struct FrameHeader {
    bool fin = true;
    std::uint8_t rsv = 0;     // 0..7, see namespace rsv
    std::uint8_t opcode = 0;  // 0..15
    bool masked = false;
    MaskKey mask_key{};
    std::uint64_t payload_length = 0;
};

inline constexpr std::size_t kMaxHeaderSize = 14;

// Which length form to write. `minimal` is what §5.2 requires; the others exist so that a
// case can send a deliberately non-minimal length.
enum class LengthForm { minimal, bits7, bits16, bits64 };

// Writes the header into `out` and returns its size (2..14). With a forced form too small
// for the length (bits7 with 200, say) it writes the minimal form instead.
std::size_t encode_header(const FrameHeader& header, std::span<std::byte, kMaxHeaderSize> out,
                          LengthForm form = LengthForm::minimal) noexcept;

// A whole frame, header then payload: the header's payload_length becomes payload.size(), and
// the payload is masked with header.mask_key when header.masked (a word at a time). Appends to
// `out`, so a caller can build several frames into one write.
void append_frame(std::string& out, FrameHeader header, std::string_view payload,
                  LengthForm form = LengthForm::minimal);
inline std::string encode_frame(const FrameHeader& header, std::string_view payload,
                                LengthForm form = LengthForm::minimal) {
    std::string out;
    append_frame(out, header, payload, form);
    return out;
}

// Size encode_header() will produce.
std::size_t encoded_header_size(const FrameHeader& header,
                                LengthForm form = LengthForm::minimal) noexcept;

struct HeaderDecode {
    enum class Status { need_more, ok };
    Status status = Status::need_more;
    FrameHeader header;
    std::size_t header_size = 0;  // bytes the header occupies, when ok
    bool length_minimal = true;   // false when a longer length form than needed was used
};

// Decodes a header from the front of `in` without judging it (no rule checks: see FrameParser).
HeaderDecode decode_header(std::span<const std::byte> in) noexcept;

}  // namespace wsconform::protocol
