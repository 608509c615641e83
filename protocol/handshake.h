// RFC 6455 §4 opening handshake: key and accept values, and one precise error per rule a
// client's upgrade request (§4.1, §4.2.1) or a server's 101 response (§4.1, §4.2.2) breaks.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/http.h"

namespace wsconform::protocol {

enum class HandshakeError {
    malformed_http = 1,    // not an HTTP/1.x head
    header_too_large,      // no blank line within the size cap
    method_not_get,        // §4.1: "The method of the request MUST be GET"
    http_version_too_old,  // §4.1: HTTP version at least 1.1
    missing_host,          // §4.1: a Host header
    duplicate_host,        // RFC 9112 §3.2: exactly one Host
    missing_upgrade,       // §4.1: Upgrade header containing "websocket"
    upgrade_not_websocket,
    connection_without_upgrade,  // §4.1: Connection header containing the "Upgrade" token
    missing_key,                 // §4.1: Sec-WebSocket-Key
    duplicate_key,
    key_not_16_bytes,      // §4.1: base64 of a 16-byte value
    missing_version,       // §4.1: Sec-WebSocket-Version
    unsupported_version,   // §4.2.2: not 13: answer 426 with Sec-WebSocket-Version: 13
    malformed_extensions,  // §9.1 grammar of Sec-WebSocket-Extensions
    malformed_protocols,   // §4.1: a list of tokens
    // Response side (§4.1, the client's checks of the server's answer).
    status_not_101,
    response_missing_upgrade,
    response_upgrade_not_websocket,
    response_connection_without_upgrade,
    missing_accept,
    accept_mismatch,
    protocol_not_offered,   // §4.1: a subprotocol the client did not offer
    extension_not_offered,  // §4.1: an extension the client did not offer
};

// Its messages are in protocol/error.cpp, with those of the other categories.
const std::error_category& handshake_category() noexcept;
inline std::error_code make_error_code(HandshakeError e) noexcept {
    return {static_cast<int>(e), handshake_category()};
}

inline constexpr std::string_view kWebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// base64(SHA-1(key + GUID)), §4.2.2 step 5.4 (OpenSSL does the SHA-1 and the base64).
std::string compute_accept(std::string_view key);
// base64 of the 16 given bytes: a Sec-WebSocket-Key value.
std::string make_key(const std::array<std::uint8_t, 16>& nonce);
// True when `key` is the base64 encoding of exactly 16 bytes (24 chars, "==" padding).
bool is_valid_key(std::string_view key);

struct ExtensionParam {
    std::string name;
    std::optional<std::string> value;  // unquoted
};
struct Extension {
    std::string name;
    std::vector<ExtensionParam> params;
};
// Parses a Sec-WebSocket-Extensions value (RFC 6455 §9.1; RFC 7230 tokens and
// quoted-strings). Appends to `out`.
std::error_code parse_extensions(std::string_view value, std::vector<Extension>& out);

struct UpgradeRequest {
    std::string target;  // path and query
    std::string host;
    std::string key;
    std::vector<std::string> protocols;
    std::vector<Extension> extensions;
    std::optional<std::string> origin;
};

// Judges a client's upgrade request (server side). On unsupported_version the caller answers
// 426 with "Sec-WebSocket-Version: 13" (make_version_rejection()); on other errors, 400.
std::error_code check_upgrade_request(const HttpMessage& request, UpgradeRequest& out);

struct UpgradeResponse {
    std::optional<std::string> protocol;
    std::vector<Extension> extensions;
};

// Judges a server's response (client side) against what the client sent.
std::error_code check_upgrade_response(const HttpMessage& response, std::string_view sent_key,
                                       std::span<const std::string> offered_protocols,
                                       std::span<const std::string> offered_extension_names,
                                       UpgradeResponse& out);

// Request a client sends: GET target HTTP/1.1 with Host, Upgrade, Connection, key, version 13,
// then `extra_headers` (each "Name: value", no CRLF) in order.
std::string build_upgrade_request(std::string_view host, std::string_view target,
                                  std::string_view key,
                                  std::span<const std::string> extra_headers = {});
// 101 response for `key`, with an optional protocol and extensions value.
std::string build_upgrade_response(std::string_view key,
                                   std::optional<std::string_view> protocol = std::nullopt,
                                   std::optional<std::string_view> extensions = std::nullopt);
// The answer to a request that failed `ec`: 426 + Sec-WebSocket-Version: 13 for
// unsupported_version, else 400, with the error text as body; always Connection: close.
std::string build_rejection(std::error_code ec);

}  // namespace wsconform::protocol

template <>
struct std::is_error_code_enum<wsconform::protocol::HandshakeError> : std::true_type {};
