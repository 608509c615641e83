// protocol/'s error categories, one per error enum (Error, HandshakeError, DeflateError), in
// one place so that their messages read alike: one terse, greppable line per violation. And
// the close code (RFC 6455 §7.4.1) an endpoint answers each Error with.
#include "protocol/error.h"

#include <string>

#include "protocol/handshake.h"
#include "protocol/permessage_deflate.h"

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

const char* describe(HandshakeError e) noexcept {
    switch (e) {
        case HandshakeError::malformed_http:
            return "not an HTTP/1.x message head (RFC 9112 2.1)";
        case HandshakeError::header_too_large:
            return "no end of the header block within the size cap";
        case HandshakeError::method_not_get:
            return "request method is not GET (RFC 6455 4.1)";
        case HandshakeError::http_version_too_old:
            return "request HTTP version is below 1.1 (RFC 6455 4.1)";
        case HandshakeError::missing_host:
            return "request has no Host header (RFC 6455 4.1)";
        case HandshakeError::duplicate_host:
            return "request has more than one Host header (RFC 9112 3.2)";
        case HandshakeError::missing_upgrade:
            return "request has no Upgrade header (RFC 6455 4.1)";
        case HandshakeError::upgrade_not_websocket:
            return "Upgrade header lacks the websocket token (RFC 6455 4.1)";
        case HandshakeError::connection_without_upgrade:
            return "Connection header lacks the Upgrade token (RFC 6455 4.1)";
        case HandshakeError::missing_key:
            return "request has no Sec-WebSocket-Key header (RFC 6455 4.1)";
        case HandshakeError::duplicate_key:
            return "request has more than one Sec-WebSocket-Key header (RFC 6455 11.3.1)";
        case HandshakeError::key_not_16_bytes:
            return "Sec-WebSocket-Key is not base64 of 16 bytes (RFC 6455 4.1)";
        case HandshakeError::missing_version:
            return "request has no Sec-WebSocket-Version header (RFC 6455 4.1)";
        case HandshakeError::unsupported_version:
            return "Sec-WebSocket-Version is not 13 (RFC 6455 4.2.2)";
        case HandshakeError::malformed_extensions:
            return "Sec-WebSocket-Extensions breaks the extension-list grammar (RFC 6455 9.1)";
        case HandshakeError::malformed_protocols:
            return "Sec-WebSocket-Protocol is not a list of unique tokens (RFC 6455 4.1)";
        case HandshakeError::status_not_101:
            return "response status is not 101 Switching Protocols (RFC 6455 4.1)";
        case HandshakeError::response_missing_upgrade:
            return "response has no Upgrade header (RFC 6455 4.1)";
        case HandshakeError::response_upgrade_not_websocket:
            return "response Upgrade header is not websocket (RFC 6455 4.1)";
        case HandshakeError::response_connection_without_upgrade:
            return "response Connection header lacks the Upgrade token (RFC 6455 4.1)";
        case HandshakeError::missing_accept:
            return "response has no Sec-WebSocket-Accept header (RFC 6455 4.1)";
        case HandshakeError::accept_mismatch:
            return "Sec-WebSocket-Accept does not match the key sent (RFC 6455 4.1)";
        case HandshakeError::protocol_not_offered:
            return "response selects a subprotocol the client did not offer (RFC 6455 4.1)";
        case HandshakeError::extension_not_offered:
            return "response selects an extension the client did not offer (RFC 6455 4.1)";
    }
    return nullptr;
}

const char* describe(DeflateError e) noexcept {
    switch (e) {
        case DeflateError::not_permessage_deflate:
            return "permessage-deflate: extension is not permessage-deflate";
        case DeflateError::unknown_parameter:
            return "permessage-deflate: unknown parameter";
        case DeflateError::duplicate_parameter:
            return "permessage-deflate: parameter given more than once";
        case DeflateError::invalid_value:
            return "permessage-deflate: parameter value missing, unexpected or out of range";
        case DeflateError::response_parameter_not_offered:
            return "permessage-deflate: response has client_max_window_bits the offer lacked";
        case DeflateError::response_window_too_large:
            return "permessage-deflate: response window bits above the offered value";
        case DeflateError::no_acceptable_offer:
            return "permessage-deflate: no acceptable offer";
        case DeflateError::response_parameter_missing:
            return "permessage-deflate: response lacks a server parameter the offer asked for";
    }
    return nullptr;
}

// The category of the enum E: describe(E) gives each value's message; a value it does not know
// reads "<prefix>: unknown error N".
template <class E>
class Category final : public std::error_category {
  public:
    Category(const char* name, const char* prefix) noexcept : name_(name), prefix_(prefix) {}
    const char* name() const noexcept override { return name_; }
    std::string message(int value) const override {
        const char* text = describe(static_cast<E>(value));
        return text != nullptr ? text
                               : std::string(prefix_) + ": unknown error " + std::to_string(value);
    }

  private:
    const char* name_;
    const char* prefix_;
};

}  // namespace

const std::error_category& protocol_category() noexcept {
    static const Category<Error> category("wsconform.protocol", "protocol");
    return category;
}

const std::error_category& handshake_category() noexcept {
    static const Category<HandshakeError> category("wsconform.handshake", "handshake");
    return category;
}

const std::error_category& deflate_category() noexcept {
    static const Category<DeflateError> category("wsconform.deflate", "permessage-deflate");
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
