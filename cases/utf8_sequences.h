// The UTF-8 sequences of cases 6.5.x - 6.23.x, group by group in Autobahn's order, with
// whether each is valid UTF-8 (RFC 3629). Most come from Markus Kuhn's UTF-8 decoder
// stress test; a few groups are built by the same loops Autobahn uses (AB:case/case6_x_x.py).
// Internal to cases/.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cases/payloads.h"

namespace wsconform::cases::detail {

struct Utf8Sequence {
    bool valid;
    std::string bytes;
};

struct Utf8Group {
    int subsection;          // 6.<subsection>.x
    std::string_view label;  // our words, for titles
    std::vector<Utf8Sequence> sequences;
};

// "κόσμε" (Greek "cosmos"): 11 octets, code points of 2 and 3 octets.
inline std::string kosme() {
    return decode_hex_literal("cebae1bdb9cf83cebcceb5");
}

inline std::vector<Utf8Sequence> all_valid(std::initializer_list<std::string_view> hexes) {
    std::vector<Utf8Sequence> out;
    for (auto h : hexes) out.push_back({true, decode_hex_literal(h)});
    return out;
}
inline std::vector<Utf8Sequence> all_invalid(std::initializer_list<std::string_view> hexes) {
    std::vector<Utf8Sequence> out;
    for (auto h : hexes) out.push_back({false, decode_hex_literal(h)});
    return out;
}

inline std::vector<Utf8Group> utf8_sequence_groups() {
    std::vector<Utf8Group> groups;

    groups.push_back({5, "valid text with code points of 1 to 4 octets",
                      all_valid({
                          "68656c6c6f24776f726c64",        // hello$world, U+0024
                          "68656c6c6fc2a2776f726c64",      // hello¢world, U+00A2
                          "68656c6c6fe282ac776f726c64",    // hello€world, U+20AC
                          "68656c6c6ff0a4ada2776f726c64",  // hello𤭢world, U+24B62
                          "cebae1bdb9cf83cebcceb5",        // κόσμε
                      })});

    {
        // Every prefix of κόσμε: valid exactly when it does not stop inside a code point,
        // i.e. when the next octet is not a continuation octet (10xxxxxx).
        Utf8Group g{6, "prefix of a valid multi-octet string", {}};
        const std::string word = kosme();
        for (std::size_t n = 1; n <= word.size(); ++n) {
            const bool at_boundary =
                n == word.size() || (static_cast<unsigned char>(word[n]) & 0xC0) != 0x80;
            g.sequences.push_back({at_boundary, word.substr(0, n)});
        }
        groups.push_back(std::move(g));
    }

    groups.push_back({7, "first code point of each encoded length",
                      all_valid({"00", "c280", "e0a080", "f0908080"})});
    groups.push_back({8, "first 5- and 6-octet forms, beyond U+10FFFF",
                      all_invalid({"f888808080", "fc8480808080"})});
    groups.push_back({9, "last code point of each encoded length",
                      all_valid({"7f", "dfbf", "efbfbf", "f48fbfbf"})});
    groups.push_back({10, "last 4-, 5- and 6-octet forms, beyond U+10FFFF",
                      all_invalid({"f7bfbfbf", "fbbfbfbfbf", "fdbfbfbfbfbf"})});

    {
        Utf8Group g{11, "boundary code points (U+D7FF, U+E000, U+FFFD, U+10FFFF, U+110000)",
                    all_valid({"ed9fbf", "ee8080", "efbfbd", "f48fbfbf"})};
        g.sequences.push_back({false, decode_hex_literal("f4908080")});  // U+110000
        groups.push_back(std::move(g));
    }

    {
        Utf8Group g{
            12, "continuation octets without a lead octet",
            all_invalid({"80", "bf", "80bf", "80bf80", "80bf80bf", "80bf80bf80", "80bf80bf80bf"})};
        std::string all;  // 0x80 .. 0xbe (Autobahn's range stops before 0xbf)
        for (int b = 0x80; b < 0xbf; ++b) all.push_back(static_cast<char>(b));
        g.sequences.push_back({false, all});
        groups.push_back(std::move(g));
    }

    {
        // Each lead octet of a range, each followed by a space instead of its continuation.
        Utf8Group g{13, "lead octets each followed by a space", {}};
        for (auto [first, last] :
             {std::pair{0xc0, 0xdf}, std::pair{0xe0, 0xef}, std::pair{0xf0, 0xf7},
              std::pair{0xf8, 0xfb}, std::pair{0xfc, 0xfd}}) {
            std::string s;
            for (int b = first; b < last; ++b) {  // Autobahn's range excludes `last`
                s.push_back(static_cast<char>(b));
                s.push_back(' ');
            }
            g.sequences.push_back({false, s});
        }
        groups.push_back(std::move(g));
    }

    // Sequences of 2..6 octets with the last continuation octet missing.
    const auto truncated = all_invalid({"c0", "e080", "f08080", "f8808080", "fc80808080", "df",
                                        "efbf", "f7bfbf", "fbbfbfbf", "fdbfbfbfbf"});
    groups.push_back({14, "sequence missing its last continuation octet", truncated});
    {
        std::string joined;
        for (const auto& t : truncated) joined += t.bytes;
        groups.push_back({15, "truncated sequences back to back", {{false, joined}}});
    }

    groups.push_back(
        {16, "octets that never occur in UTF-8", all_invalid({"fe", "ff", "fefeffff"})});
    groups.push_back({17, "overlong encodings of '/'",
                      all_invalid({"c0af", "e080af", "f08080af", "f8808080af", "fc80808080af"})});
    groups.push_back({18, "largest overlong encoding of each length",
                      all_invalid({"c1bf", "e09fbf", "f08fbfbf", "f887bfbfbf", "fc83bfbfbfbf"})});
    groups.push_back({19, "overlong encodings of NUL",
                      all_invalid({"c080", "e08080", "f0808080", "f880808080", "fc8080808080"})});
    groups.push_back(
        {20, "lone UTF-16 surrogate",
         all_invalid({"eda080", "edadbf", "edae80", "edafbf", "edb080", "edbe80", "edbfbf"})});
    groups.push_back(
        {21, "paired UTF-16 surrogates",
         all_invalid({"eda080edb080", "eda080edbfbf", "edadbfedb080", "edadbfedbfbf",
                      "edae80edb080", "edae80edbfbf", "edafbfedb080", "edafbfedbfbf"})});

    {
        // Noncharacters are valid UTF-8: U+FFFE, U+FFFF, then U+nFFFE and U+nFFFF of every
        // plane up to 16, built as F[0-4] [89AB]F BF [BE|BF] without the forms above
        // U+10FFFF and the two overlong ones (f08fbfbe, f08fbfbf).
        Utf8Group g{22, "noncharacter code points (valid UTF-8)", all_valid({"efbfbe", "efbfbf"})};
        for (char z1 : {'\xf0', '\xf1', '\xf2', '\xf3', '\xf4'})
            for (char z2 : {'\x8f', '\x9f', '\xaf', '\xbf'}) {
                if (z1 == '\xf4' && z2 != '\x8f') continue;
                for (char z3 : {'\xbe', '\xbf'}) {
                    const std::string s{z1, z2, '\xbf', z3};
                    if (s == decode_hex_literal("f08fbfbe") || s == decode_hex_literal("f08fbfbf"))
                        continue;
                    g.sequences.push_back({true, s});
                }
            }
        groups.push_back(std::move(g));
    }

    groups.push_back(
        {23, "code points of the Specials block (U+FFF9 - U+FFFF)",
         all_valid({"efbfb9", "efbfba", "efbfbb", "efbfbc", "efbfbd", "efbfbe", "efbfbf"})});
    return groups;
}

}  // namespace wsconform::cases::detail
