// Just enough HTTP/1.1 (RFC 9112) to read and write a WebSocket opening handshake: a header
// block parser with a size cap, and case-insensitive header and token-list lookups.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

namespace wsconform::protocol {

struct HttpHeader {
    std::string name;   // as received
    std::string value;  // leading/trailing whitespace removed
};

struct HttpMessage {
    // Request line: method, target, version. Status line: version, status, reason.
    std::string method;
    std::string target;
    int version_major = 0;
    int version_minor = 0;
    int status = 0;
    std::string reason;
    std::vector<HttpHeader> headers;

    // First header with this name (case-insensitive), if any.
    std::optional<std::string_view> header(std::string_view name) const;
    // How many headers carry this name.
    std::size_t header_count(std::string_view name) const;
    // All values of this name joined with ", " (RFC 9110 §5.3), empty if none.
    std::string combined(std::string_view name) const;
    // True if the comma-separated token list in all headers of this name contains `token`
    // (case-insensitive), e.g. has_token("Connection", "upgrade") for "keep-alive, Upgrade".
    bool has_token(std::string_view name, std::string_view token) const;
};

struct HttpParse {
    enum class Status { need_more, ok, error };
    Status status = Status::need_more;
    std::size_t consumed = 0;  // bytes of the header block including the blank line, when ok
    std::error_code error;     // when error (see HandshakeError)
};

inline constexpr std::size_t kDefaultMaxHeaderBytes = 16 * 1024;

// Parses a request (`is_request`) or a response head from the front of `data`. Returns
// need_more until the blank line arrives, and an error once more than `max_bytes` arrived
// without one, or the head is malformed.
HttpParse parse_http_head(std::string_view data, bool is_request, HttpMessage& out,
                          std::size_t max_bytes = kDefaultMaxHeaderBytes);

bool iequals(std::string_view a, std::string_view b) noexcept;

// RFC 9110 §5.6.2: a token character (tchar), and a token (one or more of them).
bool is_tchar(char c) noexcept;
bool is_token(std::string_view s) noexcept;

}  // namespace wsconform::protocol
