// RFC 8441 (WebSocket over HTTP/2): the header fields of an extended CONNECT request and of
// its response, as plain data, and one precise error per rule they break. Sans I/O: the
// HTTP/2 framing itself is nghttp2's (harness/transport/h2_session.h).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/handshake.h"

namespace wsconform::protocol {

// One field of an HTTP/2 header block, pseudo-headers (":method") included, in order.
struct H2Field {
    std::string name;  // lower case on the wire (RFC 9113 §8.2.1)
    std::string value;
};
using H2Fields = std::vector<H2Field>;

enum class H2HeaderError {
    not_connect = 1,         // RFC 8441 §4: the method of an extended CONNECT is CONNECT
    missing_protocol,        // §4: a `:protocol` pseudo-header
    duplicate_protocol,      // RFC 9113 §8.3: a pseudo-header appears at most once
    protocol_not_websocket,  // §5: `:protocol` is "websocket"
    missing_scheme,          // §4: with `:protocol`, `:scheme` and `:path` MUST be present
    missing_path,
    missing_authority,    // §4 and RFC 9113 §8.3.1: `:authority`
    connection_specific,  // RFC 9113 §8.2.2 and RFC 8441 §5: no Connection or Upgrade
    key_present,          // §5: Sec-WebSocket-Key is not used over HTTP/2
    missing_version,      // §5 and RFC 6455 §4.1: sec-websocket-version
    unsupported_version,
    malformed_extensions,
    malformed_protocols,
    // The response (the client's checks).
    missing_status,
    status_not_2xx,        // §5: success is a 2xx
    protocol_not_offered,  // RFC 6455 §4.1, as over HTTP/1.1
    extension_not_offered,
};

const std::error_category& h2_header_category() noexcept;
inline std::error_code make_error_code(H2HeaderError e) noexcept {
    return {static_cast<int>(e), h2_header_category()};
}

// The first field named `name` (exact: HTTP/2 names are lower case), if any.
std::optional<std::string_view> find_field(const H2Fields& fields, std::string_view name);
std::size_t count_fields(const H2Fields& fields, std::string_view name);

// The extended CONNECT a client sends for a WebSocket (RFC 8441 §5): the pseudo-headers, then
// sec-websocket-version 13, then `extra_headers` ("Name: value", names lower-cased), leaving
// out those HTTP/2 forbids or that have no meaning there (Host, Connection, Upgrade,
// Sec-WebSocket-Key and the other connection-specific fields).
H2Fields build_extended_connect(std::string_view scheme, std::string_view authority,
                                std::string_view path, std::span<const std::string> extra_headers);

// Judges a client's extended CONNECT (server side). `out.key` stays empty; `out.host` is the
// `:authority`. On unsupported_version a server answers 426 (RFC 6455 §4.4 as over HTTP/1.1);
// on the others, 400.
std::error_code check_extended_connect(const H2Fields& request, UpgradeRequest& out);

// Judges a server's response to our extended CONNECT (client side).
std::error_code check_extended_connect_response(const H2Fields& response,
                                                std::span<const std::string> offered_protocols,
                                                std::span<const std::string> offered_extensions,
                                                UpgradeResponse& out);

// The fields as a report shows them: "name: value" lines, each ending in CRLF.
std::string format_fields(const H2Fields& fields);

}  // namespace wsconform::protocol

template <>
struct std::is_error_code_enum<wsconform::protocol::H2HeaderError> : std::true_type {};
