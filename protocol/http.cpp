// HTTP/1.1 message heads (RFC 9112 §2-§5), only as much as a WebSocket opening handshake needs.
// The parser is re-run over the whole buffer on every call; the head is capped at a few KiB,
// so that costs less than keeping a resumable state machine correct.
#include "protocol/http.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "protocol/handshake.h"

namespace wsconform::protocol {
namespace {

constexpr char ascii_lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

constexpr bool is_digit(char c) noexcept {
    return c >= '0' && c <= '9';
}

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

std::string_view trim_ows(std::string_view s) noexcept {
    while (!s.empty() && is_ows(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_ows(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 9110 §5.5: field-value octets are VCHAR, obs-text, SP and HTAB; no other control.
bool is_field_value(std::string_view s) noexcept {
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '\t') continue;
        if (c < 0x20 || c == 0x7f) return false;
    }
    return true;
}

// RFC 9112 §2.3: HTTP-version = "HTTP/" DIGIT "." DIGIT.
bool parse_version(std::string_view s, HttpMessage& m) noexcept {
    if (s.size() != 8 || s.substr(0, 5) != "HTTP/" || !is_digit(s[5]) || s[6] != '.' ||
        !is_digit(s[7])) {
        return false;
    }
    m.version_major = s[5] - '0';
    m.version_minor = s[7] - '0';
    return true;
}

// RFC 9112 §3: request-line = method SP request-target SP HTTP-version, single spaces.
bool parse_request_line(std::string_view line, HttpMessage& m) {
    const auto sp1 = line.find(' ');
    if (sp1 == std::string_view::npos) return false;
    const auto sp2 = line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos) return false;
    const auto method = line.substr(0, sp1);
    const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const auto version = line.substr(sp2 + 1);
    if (!is_token(method) || target.empty()) return false;
    for (char ch : target) {
        const auto c = static_cast<unsigned char>(ch);
        if (c <= 0x20 || c >= 0x7f) return false;  // RFC 3986: visible ASCII only
    }
    if (!parse_version(version, m)) return false;
    m.method = method;
    m.target = target;
    return true;
}

// RFC 9112 §4: status-line = HTTP-version SP status-code SP [ reason-phrase ]. We also accept
// "HTTP/1.1 101" with no space after the code, as most clients do: a client SHOULD ignore the
// reason-phrase anyway, and failing every case on it would hide the real findings.
bool parse_status_line(std::string_view line, HttpMessage& m) {
    if (line.size() < 12 || line[8] != ' ') return false;
    if (!parse_version(line.substr(0, 8), m)) return false;
    const auto code = line.substr(9, 3);
    if (code[0] < '1' || code[0] > '5' || !is_digit(code[1]) || !is_digit(code[2])) return false;
    auto reason = line.substr(12);
    if (!reason.empty()) {
        if (reason.front() != ' ') return false;
        reason.remove_prefix(1);
    }
    if (!is_field_value(reason)) return false;
    m.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    m.reason = reason;
    return true;
}

// RFC 9112 §5: field-line = field-name ":" OWS field-value OWS. No whitespace before the colon
// (§5.1 MUST reject), and no obs-fold (a line starting with SP or HTAB, §5.2).
bool parse_field_line(std::string_view line, HttpMessage& m) {
    if (line.empty() || is_ows(line.front())) return false;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return false;
    const auto name = line.substr(0, colon);
    const auto value = trim_ows(line.substr(colon + 1));
    if (!is_token(name) || !is_field_value(value)) return false;
    m.headers.push_back(HttpHeader{std::string(name), std::string(value)});
    return true;
}

HttpParse fail(HandshakeError e) {
    return HttpParse{.status = HttpParse::Status::error, .consumed = 0, .error = e};
}

}  // namespace

// RFC 9110 §5.6.2: tchar.
bool is_tchar(char c) noexcept {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c)) return true;
    switch (c) {
        case '!':
        case '#':
        case '$':
        case '%':
        case '&':
        case '\'':
        case '*':
        case '+':
        case '-':
        case '.':
        case '^':
        case '_':
        case '`':
        case '|':
        case '~':
            return true;
        default:
            return false;
    }
}

bool is_token(std::string_view s) noexcept {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar);
}

bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
    }
    return true;
}

std::optional<std::string_view> HttpMessage::header(std::string_view name) const {
    for (const auto& h : headers) {
        if (iequals(h.name, name)) return std::string_view(h.value);
    }
    return std::nullopt;
}

std::size_t HttpMessage::header_count(std::string_view name) const {
    std::size_t n = 0;
    for (const auto& h : headers) {
        if (iequals(h.name, name)) ++n;
    }
    return n;
}

std::string HttpMessage::combined(std::string_view name) const {
    std::string out;
    bool first = true;
    for (const auto& h : headers) {
        if (!iequals(h.name, name)) continue;
        if (!first) out += ", ";
        out += h.value;
        first = false;
    }
    return out;
}

bool HttpMessage::has_token(std::string_view name, std::string_view token) const {
    for (const auto& h : headers) {
        if (!iequals(h.name, name)) continue;
        std::string_view rest = h.value;
        while (true) {
            const auto comma = rest.find(',');
            if (iequals(trim_ows(rest.substr(0, comma)), token)) return true;
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

HttpParse parse_http_head(std::string_view data, bool is_request, HttpMessage& out,
                          std::size_t max_bytes) {
    HttpMessage m;
    std::size_t pos = 0;
    bool first_line = true;
    // Lines end in CRLF (RFC 9112 §2.2); a bare LF is accepted too, as §2.2 allows a recipient
    // to. A CR anywhere else in a line is rejected. Each complete line is checked as soon as it
    // arrives, so garbage fails at once instead of waiting for the size cap.
    while (true) {
        const auto lf = data.find('\n', pos);
        if (lf == std::string_view::npos) {
            if (data.size() > max_bytes) return fail(HandshakeError::header_too_large);
            return HttpParse{};
        }
        const std::size_t line_end = lf + 1;
        if (line_end > max_bytes) return fail(HandshakeError::header_too_large);
        auto line = data.substr(pos, lf - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find('\r') != std::string_view::npos) return fail(HandshakeError::malformed_http);
        if (line.empty()) {
            // A head starts with its start line; we do not skip leading blank lines.
            if (first_line) return fail(HandshakeError::malformed_http);
            out = std::move(m);
            return HttpParse{.status = HttpParse::Status::ok, .consumed = line_end, .error = {}};
        }
        bool good;
        if (first_line) {
            good = is_request ? parse_request_line(line, m) : parse_status_line(line, m);
        } else {
            good = parse_field_line(line, m);
        }
        if (!good) return fail(HandshakeError::malformed_http);
        first_line = false;
        pos = line_end;
    }
}

// ---- header lines given on a command line, and secrets

std::string_view header_line_name(std::string_view line) noexcept {
    return trim_ows(line.substr(0, line.find(':')));
}

std::string_view header_line_value(std::string_view line) noexcept {
    const auto colon = line.find(':');
    return colon == std::string_view::npos ? std::string_view{} : trim_ows(line.substr(colon + 1));
}

std::string header_line_problem(std::string_view line) {
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) return "no ':' between name and value";
    if (!is_token(line.substr(0, colon))) return "the name is not an HTTP token";
    // RFC 9110 §5.5: no CR, LF or other control octet in a value (a CR LF would start a line).
    if (!is_field_value(line.substr(colon + 1))) return "the value holds CR, LF or a control octet";
    return {};
}

std::vector<std::string> offered_subprotocols(std::span<const std::string> lines) {
    std::vector<std::string> out;
    for (const auto& line : lines) {
        if (!iequals(header_line_name(line), "Sec-WebSocket-Protocol")) continue;
        std::string_view rest = header_line_value(line);
        for (;;) {
            const auto comma = rest.find(',');
            const auto item = trim_ows(rest.substr(0, comma));
            if (!item.empty()) out.emplace_back(item);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    return out;
}

bool head_has_header(std::string_view head, std::string_view name) {
    const auto blank = head.find("\r\n\r\n");
    const auto end = blank == std::string_view::npos ? head.size() : blank + 2;
    bool first = true;  // the start line has no name
    for (std::size_t start = 0; start < end;) {
        const auto lf = std::min(head.find('\n', start), end);
        const auto line = head.substr(start, lf - start);
        if (!first && line.find(':') != std::string_view::npos &&
            iequals(header_line_name(line), name))
            return true;
        first = false;
        start = lf + 1;
    }
    return false;
}

std::string add_missing_headers(std::string_view head, std::span<const std::string> lines) {
    const auto blank = head.find("\r\n\r\n");
    if (blank == std::string_view::npos) return std::string(head);
    std::string out(head.substr(0, blank + 2));  // through the last header line's CR LF
    for (const auto& line : lines)
        if (!head_has_header(head, header_line_name(line))) out.append(line).append("\r\n");
    out += head.substr(blank + 2);
    return out;
}

bool is_secret_header(std::string_view name) noexcept {
    return iequals(name, "Authorization") || iequals(name, "Cookie") ||
           iequals(name, "Proxy-Authorization");
}

namespace {

// The [begin, end) octet ranges of secret values in `head`, in order: from after the colon
// and OWS to the end of the line (before CR LF or LF), obs-fold lines included whole.
std::vector<std::pair<std::size_t, std::size_t>> secret_ranges(std::string_view head) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    bool in_secret = false;  // the previous line was a secret header (or its continuation)
    for (std::size_t start = 0; start < head.size();) {
        const auto lf = head.find('\n', start);
        const std::size_t next = lf == std::string_view::npos ? head.size() : lf + 1;
        std::size_t end = lf == std::string_view::npos ? head.size() : lf;
        if (end > start && head[end - 1] == '\r') --end;
        const auto line = head.substr(start, end - start);
        std::size_t from = std::string_view::npos;
        if (!line.empty() && is_ows(line.front())) {
            if (in_secret) from = start;  // obs-fold: more of the same value
        } else {
            const auto colon = line.find(':');
            in_secret = colon != std::string_view::npos && is_secret_header(header_line_name(line));
            if (in_secret) {
                from = start + colon + 1;
                while (from < end && is_ows(head[from])) ++from;
            }
        }
        if (from != std::string_view::npos && from < end) out.emplace_back(from, end);
        start = next;
    }
    return out;
}

}  // namespace

std::string redact_secrets(std::string_view head) {
    return redact_secrets(head, 0, head.size());
}

std::string redact_secrets(std::string_view head, std::size_t offset, std::size_t size) {
    const std::size_t end = std::min(head.size(), offset + std::min(size, head.size()));
    std::string out;
    std::size_t at = std::min(offset, end);
    for (const auto& [begin, stop] : secret_ranges(head)) {
        if (stop <= at) continue;
        if (begin >= end) break;
        if (begin > at) out.append(head.substr(at, begin - at));
        if (begin >= offset) out.append(kRedacted);  // the value starts in this piece
        at = std::min(stop, end);
    }
    if (at < end) out.append(head.substr(at, end - at));
    return out;
}

}  // namespace wsconform::protocol
