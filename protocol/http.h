// Just enough HTTP/1.1 (RFC 9112) to read and write a WebSocket opening handshake: a header
// block parser with a size cap, and case-insensitive header and token-list lookups.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
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

// ---- header lines given on a command line ("Name: value"), and the secrets among them

// What is wrong with a header line a person gave (`--header 'Name: value'`): no colon, a name
// that is not a token, or a value with CR, LF or another control octet (RFC 9110 §5.1, §5.5).
// Empty when the line is fine.
std::string header_line_problem(std::string_view line);
// The name of a header line (before the colon, OWS trimmed), or the whole line without one.
std::string_view header_line_name(std::string_view line) noexcept;
// The value of a header line (after the colon, OWS trimmed); empty without a colon.
std::string_view header_line_value(std::string_view line) noexcept;

// The subprotocols the Sec-WebSocket-Protocol lines among `lines` offer, in order: what a
// 101 may select (RFC 6455 4.1).
std::vector<std::string> offered_subprotocols(std::span<const std::string> lines);

// Whether one of the header lines of `head` (before its blank line, or all of it without one)
// has this name (case-insensitive). Works on heads that do not parse.
bool head_has_header(std::string_view head, std::string_view name);

// `head` (a message head ending in a blank line) with each of `lines` ("Name: value") added
// before the blank line, unless the head already has a header of that name: the head's own
// header wins. A head without a blank line comes back unchanged.
std::string add_missing_headers(std::string_view head, std::span<const std::string> lines);

// Authorization, Cookie and Proxy-Authorization (case-insensitive): headers whose values are
// credentials, which no report or log may show.
bool is_secret_header(std::string_view name) noexcept;
inline constexpr std::string_view kRedacted = "<redacted>";

// `head` with the value of every secret header replaced by "<redacted>": what may be recorded
// of a request. Works on any octets: a head cut short (the value runs to the end), bare LF
// line ends, and obs-fold lines (hidden with the value they continue).
std::string redact_secrets(std::string_view head);
// The octets [offset, offset + size) of `head` as redact_secrets(head) shows them, for a head
// written in pieces: the pieces, each redacted this way and concatenated, give
// redact_secrets(head).
std::string redact_secrets(std::string_view head, std::size_t offset, std::size_t size);

}  // namespace wsconform::protocol
