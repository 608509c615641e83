// Every way a peer's bytes can break RFC 6455 / RFC 7692, as one std::error_code each,
// and the close code (RFC 6455 §7.4.1) an endpoint answers it with.
#pragma once

#include <cstdint>
#include <system_error>

namespace wsconform::protocol {

enum class Error {
    // RFC 6455 §5.2: opcodes 3-7 and 11-15 are reserved.
    reserved_opcode = 1,
    // §5.2: RSV1-3 must be 0 unless an extension defining them was negotiated.
    rsv_bits_set,
    // §5.5: control frames must not be fragmented.
    control_frame_fragmented,
    // §5.5: control frames carry at most 125 payload bytes.
    control_frame_too_long,
    // §5.4: a continuation frame with no fragmented message in progress.
    continuation_without_message,
    // §5.4: a text/binary frame while a fragmented message is in progress.
    data_frame_inside_fragmented_message,
    // §5.1: a client must mask every frame it sends.
    frame_not_masked,
    // §5.1: a server must not mask any frame it sends.
    frame_masked,
    // §5.2: the most significant bit of a 64-bit length must be 0.
    length_msb_set,
    // §5.2: "the minimal number of bytes MUST be used to encode the length".
    length_not_minimal,
    // Local cap on one frame's payload (answered with 1009).
    frame_too_big,
    // Local cap on one message's payload (answered with 1009).
    message_too_big,
    // §5.5.1: a close payload of exactly one byte cannot hold a status code.
    close_payload_length_one,
    // §7.4: the close status code is not one an endpoint may send.
    close_code_invalid,
    // §5.5.1: the close reason must be UTF-8.
    close_reason_invalid_utf8,
    // §8.1: a text message must be valid UTF-8.
    invalid_utf8,
    // RFC 7692 §6: RSV1 marks a compressed message, so only a message's first frame may carry it.
    rsv1_on_continuation,
    // RFC 7692 §6.2: the compressed data could not be inflated.
    inflate_failed,
    // A local cap on the inflated size or inflate ratio (answered with 1009).
    inflate_limit_exceeded,
};

const std::error_category& protocol_category() noexcept;

inline std::error_code make_error_code(Error e) noexcept {
    return {static_cast<int>(e), protocol_category()};
}

// The close code RFC 6455 §7.4.1 asks an endpoint to send when it fails the connection for
// `ec`: 1007 for UTF-8, 1009 for size caps, 1002 for everything else in this category.
std::uint16_t close_code_for(std::error_code ec) noexcept;

}  // namespace wsconform::protocol

template <>
struct std::is_error_code_enum<wsconform::protocol::Error> : std::true_type {};
