// The protocol error category: one terse, greppable line per violation, and the close code
// (RFC 6455 §7.4.1) an endpoint answers each one with.
#include "protocol/error.h"

#include <string>

namespace wsconform::protocol {
namespace {

const char* describe(Error e) noexcept {
    switch (e) {
        case Error::reserved_opcode:
            return "frame: reserved opcode";
        case Error::rsv_bits_set:
            return "frame: RSV bits set without a negotiated extension";
        case Error::control_frame_fragmented:
            return "frame: control frame with FIN=0";
        case Error::control_frame_too_long:
            return "frame: control frame payload length > 125";
        case Error::continuation_without_message:
            return "frame: continuation frame with no message in progress";
        case Error::data_frame_inside_fragmented_message:
            return "frame: text/binary frame inside a fragmented message";
        case Error::frame_not_masked:
            return "frame: client frame not masked";
        case Error::frame_masked:
            return "frame: server frame masked";
        case Error::length_msb_set:
            return "frame: 64-bit payload length with the most significant bit set";
        case Error::length_not_minimal:
            return "frame: payload length not in its minimal form";
        case Error::frame_too_big:
            return "frame: payload length above the frame size cap";
        case Error::message_too_big:
            return "message: payload length above the message size cap";
        case Error::close_payload_length_one:
            return "close: payload length 1";
        case Error::close_code_invalid:
            return "close: status code not allowed on the wire";
        case Error::close_reason_invalid_utf8:
            return "close: reason is not valid UTF-8";
        case Error::invalid_utf8:
            return "text: payload is not valid UTF-8";
        case Error::rsv1_on_continuation:
            return "deflate: RSV1 set on a continuation frame";
        case Error::inflate_failed:
            return "deflate: compressed data could not be inflated";
        case Error::inflate_limit_exceeded:
            return "deflate: inflated size above the cap";
    }
    return nullptr;
}

class ProtocolCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "wsconform.protocol"; }
    std::string message(int value) const override {
        const char* text = describe(static_cast<Error>(value));
        return text != nullptr ? text : "protocol: unknown error " + std::to_string(value);
    }
};

}  // namespace

const std::error_category& protocol_category() noexcept {
    static const ProtocolCategory category;
    return category;
}

std::uint16_t close_code_for(std::error_code ec) noexcept {
    // Errors from other categories (I/O, handshake) are not the peer's framing: 1002 is the
    // generic answer RFC 6455 §7.4.1 gives for a protocol error.
    if (ec.category() != protocol_category()) return 1002;
    switch (static_cast<Error>(ec.value())) {
        case Error::invalid_utf8:
        case Error::close_reason_invalid_utf8:
            return 1007;  // §7.4.1: data inconsistent with the message type
        case Error::frame_too_big:
        case Error::message_too_big:
        case Error::inflate_limit_exceeded:
            return 1009;  // §7.4.1: message too big to process
        default:
            return 1002;  // §7.4.1: protocol error
    }
}

}  // namespace wsconform::protocol
