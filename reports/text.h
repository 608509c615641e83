// Text as the writers need it: UTF-8 checked and repaired (every string in a report is valid
// UTF-8), code points decoded, the characters that reorder text known, and the walk that the
// HTML and XML escapers (html_escape(), xml_escape()) share.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace wsconform::reports::detail {

// Length of the well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates, at most
// U+10FFFF) starting at s[i], or 0 when none starts there.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) noexcept;
bool is_valid_utf8(std::string_view s) noexcept;
// `s` with every byte that does not belong to a well-formed sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view s);

// The code point of the well-formed sequence s[i, i + n), n as utf8_sequence_length() gave it.
inline std::uint32_t code_point(std::string_view s, std::size_t i, std::size_t n) noexcept {
    auto at = [&](std::size_t k) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(s[i + k]));
    };
    switch (n) {
        case 2:
            return ((at(0) & 0x1fu) << 6) | (at(1) & 0x3fu);
        case 3:
            return ((at(0) & 0x0fu) << 12) | ((at(1) & 0x3fu) << 6) | (at(2) & 0x3fu);
        case 4:
            return ((at(0) & 0x07u) << 18) | ((at(1) & 0x3fu) << 12) | ((at(2) & 0x3fu) << 6) |
                   (at(3) & 0x3fu);
        default:
            return at(0);
    }
}

// The bidirectional formatting characters, which reorder the text around them: ALM, LRM,
// RLM, LRE..RLO, LRI..PDI.
inline bool is_bidi_format(std::uint32_t cp) noexcept {
    return (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200e ||
           cp == 0x200f || cp == 0x061c;
}

// valid_utf8(raw) with & < > " as &amp; &lt; &gt; &quot;, ' as `apos`, and every other code
// point handed to other(out, cp, sequence), which appends what stands for it.
template <class Other>
std::string escape_markup(std::string_view raw, std::string_view apos, Other&& other) {
    const std::string s = valid_utf8(raw);
    std::string out;
    out.reserve(s.size() + 8);
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = utf8_sequence_length(s, i);  // >= 1: s is valid UTF-8
        const std::uint32_t cp = code_point(s, i, n);
        if (cp == '&')
            out += "&amp;";
        else if (cp == '<')
            out += "&lt;";
        else if (cp == '>')
            out += "&gt;";
        else if (cp == '"')
            out += "&quot;";
        else if (cp == '\'')
            out += apos;
        else
            other(out, cp, std::string_view(s).substr(i, n));
        i += n;
    }
    return out;
}

}  // namespace wsconform::reports::detail
