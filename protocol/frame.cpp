// RFC 6455 §5.2 base framing:
//
//   byte 0: FIN | RSV1 | RSV2 | RSV3 | opcode (4 bits)
//   byte 1: MASK | payload length (7 bits: 0-125, 126 = 16-bit length follows,
//                                  127 = 64-bit length follows)
//   then the extended length in network byte order, then the 4-byte masking key if MASK.
#include "protocol/frame.h"

#include <cstring>

#include "protocol/mask.h"

namespace wsconform::protocol {
namespace {

constexpr std::uint8_t kLength16 = 126;
constexpr std::uint8_t kLength64 = 127;
constexpr std::uint64_t kMax7 = 125;
constexpr std::uint64_t kMax16 = 0xFFFF;

// The form actually written: a forced form too small for the length falls back to minimal.
LengthForm effective_form(std::uint64_t length, LengthForm form) noexcept {
    switch (form) {
        case LengthForm::bits7:
            if (length <= kMax7) return LengthForm::bits7;
            break;
        case LengthForm::bits16:
            if (length <= kMax16) return LengthForm::bits16;
            break;
        case LengthForm::bits64:
            return LengthForm::bits64;
        case LengthForm::minimal:
            break;
    }
    if (length <= kMax7) return LengthForm::bits7;
    if (length <= kMax16) return LengthForm::bits16;
    return LengthForm::bits64;
}

std::size_t extended_length_size(LengthForm form) noexcept {
    switch (form) {
        case LengthForm::bits16:
            return 2;
        case LengthForm::bits64:
            return 8;
        default:
            return 0;
    }
}

std::uint8_t byte_at(std::span<const std::byte> in, std::size_t i) noexcept {
    return std::to_integer<std::uint8_t>(in[i]);
}

}  // namespace

const char* opcode_name(std::uint8_t op) noexcept {
    static constexpr const char* kNames[16] = {
        "continuation", "text", "binary", "op=3",  "op=4",  "op=5",  "op=6",  "op=7",
        "close",        "ping", "pong",   "op=11", "op=12", "op=13", "op=14", "op=15",
    };
    return op < 16 ? kNames[op] : "op=invalid";
}

std::size_t encoded_header_size(const FrameHeader& header, LengthForm form) noexcept {
    return 2 + extended_length_size(effective_form(header.payload_length, form)) +
           (header.masked ? 4 : 0);
}

std::size_t encode_header(const FrameHeader& header, std::span<std::byte, kMaxHeaderSize> out,
                          LengthForm form) noexcept {
    const std::uint64_t length = header.payload_length;
    const LengthForm written = effective_form(length, form);

    out[0] =
        std::byte((header.fin ? 0x80 : 0x00) | ((header.rsv & 0x7) << 4) | (header.opcode & 0xF));
    const std::uint8_t mask_bit = header.masked ? 0x80 : 0x00;
    std::size_t n = 2;
    switch (written) {
        case LengthForm::bits16:
            out[1] = std::byte(mask_bit | kLength16);
            out[2] = std::byte((length >> 8) & 0xFF);
            out[3] = std::byte(length & 0xFF);
            n = 4;
            break;
        case LengthForm::bits64:
            out[1] = std::byte(mask_bit | kLength64);
            for (std::size_t i = 0; i < 8; ++i) {
                out[2 + i] = std::byte((length >> (56 - 8 * i)) & 0xFF);
            }
            n = 10;
            break;
        default:
            out[1] = std::byte(mask_bit | static_cast<std::uint8_t>(length));
            break;
    }
    if (header.masked) {
        std::memcpy(out.data() + n, header.mask_key.data(), 4);
        n += 4;
    }
    return n;
}

HeaderDecode decode_header(std::span<const std::byte> in) noexcept {
    HeaderDecode result;
    if (in.size() < 2) return result;

    const std::uint8_t b0 = byte_at(in, 0);
    const std::uint8_t b1 = byte_at(in, 1);
    FrameHeader& h = result.header;
    h.fin = (b0 & 0x80) != 0;
    h.rsv = (b0 >> 4) & 0x7;
    h.opcode = b0 & 0xF;
    h.masked = (b1 & 0x80) != 0;

    const std::uint8_t length7 = b1 & 0x7F;
    const std::size_t ext = length7 == kLength16 ? 2 : length7 == kLength64 ? 8 : 0;
    const std::size_t size = 2 + ext + (h.masked ? 4 : 0);
    if (in.size() < size) return result;

    std::uint64_t length = length7;
    if (ext != 0) {
        length = 0;
        for (std::size_t i = 0; i < ext; ++i) length = (length << 8) | byte_at(in, 2 + i);
    }
    h.payload_length = length;
    if (h.masked) {
        for (std::size_t i = 0; i < 4; ++i) h.mask_key[i] = byte_at(in, 2 + ext + i);
    }
    // §5.2: "the minimal number of bytes MUST be used to encode the length".
    result.length_minimal =
        (ext == 0) || (ext == 2 && length > kMax7) || (ext == 8 && length > kMax16);
    result.header_size = size;
    result.status = HeaderDecode::Status::ok;
    return result;
}

void append_frame(std::string& out, FrameHeader header, std::string_view payload, LengthForm form) {
    header.payload_length = payload.size();
    std::array<std::byte, kMaxHeaderSize> head;
    const auto head_size = encode_header(header, head, form);
    const auto start = out.size();
    out.reserve(start + head_size + payload.size());
    out.append(reinterpret_cast<const char*>(head.data()), head_size);
    out.append(payload);
    if (header.masked && !payload.empty()) {
        auto body =
            std::as_writable_bytes(std::span(out.data() + start + head_size, payload.size()));
        apply_mask(body, header.mask_key, 0);
    }
}

}  // namespace wsconform::protocol
