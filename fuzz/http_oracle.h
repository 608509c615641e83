// Checks shared by the handshake request and response targets: what parse_http_head() must
// guarantee whatever the bytes. It re-parses from the front on every call, so it is compared
// with itself on prefixes and extensions of the input: an accepted head is accepted again from
// exactly its own bytes, any shorter prefix of it still needs more, an error stays an error
// whatever follows, and a head that needs more stops needing more once a blank line follows.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <system_error>

#include "fuzz/fuzz_check.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::fuzz {

inline bool is_header_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
            return false;
        }
    }
    return true;
}

inline bool same_message(const protocol::HttpMessage& a, const protocol::HttpMessage& b) {
    if (a.method != b.method || a.target != b.target || a.status != b.status ||
        a.reason != b.reason || a.version_major != b.version_major ||
        a.version_minor != b.version_minor || a.headers.size() != b.headers.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.headers.size(); ++i) {
        if (a.headers[i].name != b.headers[i].name || a.headers[i].value != b.headers[i].value) {
            return false;
        }
    }
    return true;
}

// A rejection names its rule in the handshake category.
inline void check_handshake_error(std::error_code ec) {
    FUZZ_CHECK(&ec.category() == &protocol::handshake_category());
    FUZZ_CHECK(!ec.message().empty());
}

// Parses the fuzz input as a request (`is_request`) or response head and checks the
// invariants; returns the result and fills `msg`. The parser reads an exact-size copy, so a
// read past the end is an ASan report; the first byte picks a prefix that must still need more.
inline protocol::HttpParse checked_http_parse(const std::uint8_t* data, std::size_t size,
                                              bool is_request, protocol::HttpMessage& msg) {
    using protocol::HttpParse;
    const auto copy = std::make_unique<char[]>(size == 0 ? 1 : size);
    std::copy(data, data + size, copy.get());
    const std::string_view text(copy.get(), size);
    const std::size_t cut = size > 0 ? data[0] * size / 256 : 0;
    const HttpParse r = protocol::parse_http_head(text, is_request, msg);
    switch (r.status) {
        case HttpParse::Status::ok: {
            FUZZ_CHECK(r.consumed >= 2 && r.consumed <= text.size());
            FUZZ_CHECK(r.consumed <= protocol::kDefaultMaxHeaderBytes);
            FUZZ_CHECK(text[r.consumed - 1] == '\n');
            FUZZ_CHECK(!r.error);
            if (is_request) {
                FUZZ_CHECK(is_header_token(msg.method) && !msg.target.empty());
            } else {
                FUZZ_CHECK(msg.status >= 100 && msg.status <= 599);
            }
            FUZZ_CHECK(msg.version_major >= 0 && msg.version_major <= 9);
            for (const auto& h : msg.headers) {
                FUZZ_CHECK(is_header_token(h.name));
                FUZZ_CHECK(h.value.find_first_of("\r\n") == std::string::npos);
                if (!h.value.empty()) {
                    FUZZ_CHECK(h.value.front() != ' ' && h.value.front() != '\t');
                    FUZZ_CHECK(h.value.back() != ' ' && h.value.back() != '\t');
                }
                // Lookups find what is there.
                FUZZ_CHECK(msg.header(h.name).has_value() && msg.header_count(h.name) >= 1);
            }
            // Exactly its own bytes parse to the same head; one byte fewer needs more.
            protocol::HttpMessage again;
            const HttpParse r2 =
                protocol::parse_http_head(text.substr(0, r.consumed), is_request, again);
            FUZZ_CHECK(r2.status == HttpParse::Status::ok && r2.consumed == r.consumed);
            FUZZ_CHECK(same_message(msg, again));
            protocol::HttpMessage shorter;
            FUZZ_CHECK(
                protocol::parse_http_head(text.substr(0, r.consumed - 1), is_request, shorter)
                    .status == HttpParse::Status::need_more);
            if (cut < r.consumed) {
                FUZZ_CHECK(
                    protocol::parse_http_head(text.substr(0, cut), is_request, shorter).status ==
                    HttpParse::Status::need_more);
            }
            // A smaller cap that still holds the head changes nothing.
            FUZZ_CHECK(protocol::parse_http_head(text, is_request, shorter, r.consumed).consumed ==
                       r.consumed);
            break;
        }
        case HttpParse::Status::error: {
            FUZZ_CHECK(r.error && r.consumed == 0);
            check_handshake_error(r.error);
            // Lines are judged as they complete: more bytes never repair an error.
            protocol::HttpMessage more;
            std::string longer(text);
            longer += "\r\n\r\n";
            FUZZ_CHECK(protocol::parse_http_head(longer, is_request, more).status ==
                       HttpParse::Status::error);
            break;
        }
        case HttpParse::Status::need_more: {
            FUZZ_CHECK(r.consumed == 0 && !r.error);
            FUZZ_CHECK(text.size() <= protocol::kDefaultMaxHeaderBytes);
            // A blank line ends the wait, one way or the other.
            protocol::HttpMessage more;
            std::string longer(text);
            longer += "\r\n\r\n";
            FUZZ_CHECK(protocol::parse_http_head(longer, is_request, more).status !=
                       HttpParse::Status::need_more);
            break;
        }
    }
    return r;
}

}  // namespace wsconform::fuzz
