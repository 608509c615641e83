// The payload sets of sections 12 and 13 (cases/payload_sets.h): the same octets on every
// build, the size and character of Autobahn's files, valid UTF-8 wherever the cases cut the
// text sets, and the message sequence of Autobahn's sendOne.
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <zlib.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <regex>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cases/compression_case.h"
#include "cases/echo_difference.h"
#include "cases/flate_fixed.h"
#include "cases/payload_sets.h"
#include "protocol/hex.h"
#include "protocol/utf8.h"

namespace {

using namespace wsconform::cases;  // the payload sets and compression rows under test
using wsconform::cases::detail::code_points;
using wsconform::protocol::is_valid_utf8;

std::string sha256_hex(std::string_view data) {
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return wsconform::protocol::hex_encode({reinterpret_cast<const char*>(digest), sizeof digest});
}

double deflate_ratio(std::string_view data) {
    uLongf size = compressBound(static_cast<uLong>(data.size()));
    std::string out(size, '\0');
    EXPECT_EQ(
        compress2(reinterpret_cast<Bytef*>(out.data()), &size,
                  reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()), 6),
        Z_OK);
    return static_cast<double>(size) / static_cast<double>(data.size());
}

std::string inflate(std::string_view zlib_stream, std::size_t expected_size) {
    std::string out(expected_size + 1, '\0');
    uLongf size = static_cast<uLongf>(out.size());
    const int rc = uncompress(reinterpret_cast<Bytef*>(out.data()), &size,
                              reinterpret_cast<const Bytef*>(zlib_stream.data()),
                              static_cast<uLong>(zlib_stream.size()));
    EXPECT_EQ(rc, Z_OK);
    out.resize(size);
    return out;
}

// The distinct message lengths of 12.x/13.x.
std::set<std::size_t> message_lengths() {
    std::set<std::size_t> lengths;
    for (const auto& row : kCompressionRows) lengths.insert(row.length);
    return lengths;
}

TEST(PayloadSets, AreTheSameOnEveryBuild) {
    // Integer arithmetic, splitmix64 and our own deflate encoder: no libm, no zlib version in
    // the octets. A change here changes every report's compression figures: update
    // docs/payload-sets.md along with these.
    const std::pair<PayloadSet, const char*> pinned[] = {
        {PayloadSet::json, "502622e5a93c52eb4aca2eeb9bf81008de33001520b56886c055cd9f37cc4d24"},
        {PayloadSet::image, "ca695753de56596c723e1cedaa488ee1c37f80c565b50c7449a4c486eab6587c"},
        {PayloadSet::text, "5163c2a51be38e5803345d6f200ce77047300328d8a0c101ca7d6621b05b150a"},
        {PayloadSet::html, "92b89a255703789731af2c4c51842d950be64c45a03136021eccf2b4c9c29fa8"},
        {PayloadSet::pdf, "a910c03e643ec94478dd999d51445db8e86f785e82d10865309826b3f273f31b"},
    };
    for (const auto& [set, sha] : pinned)
        EXPECT_EQ(sha256_hex(payload_bytes(set)), sha) << payload_set_info(set).name;
    // Built once: the same object every time.
    EXPECT_EQ(&payload_bytes(PayloadSet::json), &payload_bytes(PayloadSet::json));
}

TEST(PayloadSets, StandInForAutobahnsFilesInItsOrder) {
    // AB:case/case12_x_x.py WS_COMPRESSION_TESTDATA_KEYS and the 'binary' flags: the Faust
    // text is sent as binary.
    const char* files[] = {"data1.json", "lena512.bmp", "pg2229.txt", "data1.html",
                           "10.1.1.105.5439.pdf"};
    const bool text[] = {true, false, false, true, false};
    ASSERT_EQ(kPayloadSets.size(), 5u);
    for (std::size_t i = 0; i < kPayloadSets.size(); ++i) {
        const auto& info = payload_set_info(kPayloadSets[i]);
        EXPECT_EQ(info.autobahn_file, files[i]);
        EXPECT_EQ(info.text, text[i]) << info.name;
        EXPECT_FALSE(info.summary.empty());
    }
}

TEST(PayloadSets, HaveAboutTheSizeOfAutobahnsFiles) {
    struct Range {
        PayloadSet set;
        std::size_t autobahn, low, high;
    };
    const Range ranges[] = {
        {PayloadSet::json, 194056, 170'000, 220'000},
        {PayloadSet::image, 263222, 263222, 263222},  // exactly: 512x512 8-bit plus headers
        {PayloadSet::text, 222218, 200'000, 245'000},
        {PayloadSet::html, 263647, 235'000, 290'000},
        {PayloadSet::pdf, 1042328, 900'000, 1'200'000},
    };
    for (const Range& r : ranges) {
        const auto size = payload_bytes(r.set).size();
        EXPECT_GE(size, r.low) << payload_set_info(r.set).name;
        EXPECT_LE(size, r.high) << payload_set_info(r.set).name;
        // Longer than the longest message, so every message has exactly its length in units.
        EXPECT_GT(payload_units(r.set), 131072u) << payload_set_info(r.set).name;
    }
    EXPECT_EQ(payload_units(PayloadSet::image), payload_bytes(PayloadSet::image).size());
    EXPECT_EQ(payload_units(PayloadSet::json), code_points(payload_bytes(PayloadSet::json)));
    EXPECT_EQ(payload_units(PayloadSet::html), code_points(payload_bytes(PayloadSet::html)));
}

TEST(PayloadSets, TextSetsAreValidUtf8WithMultiOctetCharacters) {
    for (PayloadSet set : {PayloadSet::json, PayloadSet::text, PayloadSet::html}) {
        SCOPED_TRACE(payload_set_info(set).name);
        const std::string& bytes = payload_bytes(set);
        EXPECT_TRUE(is_valid_utf8(bytes));
        EXPECT_LT(code_points(bytes), bytes.size()) << "some characters take several octets";
    }
    // The German text has umlauts and ß, and 4-octet characters appear in the JSON.
    const std::string& text = payload_bytes(PayloadSet::text);
    for (const char* s : {"ä", "ö", "ü", "Ä", "Ö", "Ü", "ß"})
        EXPECT_NE(text.find(s), std::string::npos) << s;
    EXPECT_NE(payload_bytes(PayloadSet::json).find("🌧"), std::string::npos);
}

TEST(PayloadSets, JsonParses) {
    const auto doc = nlohmann::json::parse(payload_bytes(PayloadSet::json));
    ASSERT_TRUE(doc.contains("stations"));
    EXPECT_GT(doc["stations"].size(), 20u);
    EXPECT_EQ(doc["stations"][0]["readings"].size(), 24u);
}

TEST(PayloadSets, HtmlIsOneDocument) {
    const std::string& html = payload_bytes(PayloadSet::html);
    EXPECT_EQ(html.rfind("<!DOCTYPE html>\n<html", 0), 0u);
    EXPECT_EQ(html.substr(html.size() - 8), "</html>\n");
    std::size_t open = 0, close = 0;
    for (std::size_t at = 0; (at = html.find("<section", at)) != std::string::npos; ++at) ++open;
    for (std::size_t at = 0; (at = html.find("</section>", at)) != std::string::npos; ++at) ++close;
    EXPECT_GT(open, 20u);
    EXPECT_EQ(open, close);
}

TEST(PayloadSets, ImageIsA512By512GrayscaleBmp) {
    const std::string& bmp = payload_bytes(PayloadSet::image);
    auto le = [&bmp](std::size_t at, int octets) {
        std::uint32_t v = 0;
        for (int i = octets - 1; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(bmp[at + i]);
        return v;
    };
    EXPECT_EQ(bmp.substr(0, 2), "BM");
    EXPECT_EQ(le(2, 4), bmp.size());
    EXPECT_EQ(le(10, 4), 14u + 40u + 1024u);  // pixels after the headers and the palette
    EXPECT_EQ(le(14, 4), 40u);
    EXPECT_EQ(le(18, 4), 512u);
    EXPECT_EQ(le(22, 4), 512u);
    EXPECT_EQ(le(28, 2), 8u);
    EXPECT_EQ(le(30, 4), 0u);                     // uncompressed
    EXPECT_EQ(le(54 + 4 * 200, 4), 0x00c8c8c8u);  // a grey palette
    // Not flat: many grey levels in use.
    std::set<unsigned char> levels(bmp.begin() + 1078, bmp.end());
    EXPECT_GT(levels.size(), 200u);
}

TEST(PayloadSets, PdfHasAValidXrefAndInflatableStreams) {
    const std::string& pdf = payload_bytes(PayloadSet::pdf);
    ASSERT_EQ(pdf.rfind("%PDF-1.4\n", 0), 0u);
    ASSERT_EQ(pdf.substr(pdf.size() - 6), "%%EOF\n");
    const auto sx = pdf.rfind("startxref\n");
    ASSERT_NE(sx, std::string::npos);
    const std::size_t xref = std::stoul(pdf.substr(sx + 10));
    ASSERT_EQ(pdf.substr(xref, 5), "xref\n");
    // "xref\n0 N\n", the free entry, then one 20-octet entry per object.
    const auto line_end = pdf.find('\n', xref + 5);
    const std::size_t entries = std::stoul(pdf.substr(xref + 7, line_end - xref - 7));
    ASSERT_GT(entries, 100u);
    std::size_t at = line_end + 1 + 20;
    for (std::size_t object = 1; object < entries; ++object, at += 20) {
        const std::size_t offset = std::stoul(pdf.substr(at, 10));
        ASSERT_EQ(pdf.compare(offset, std::to_string(object).size() + 7,
                              std::to_string(object) + " 0 obj\n"),
                  0)
            << "object " << object;
    }
    // Every stream's /Length is right, and every FlateDecode stream inflates.
    static const std::regex kStream(R"(<< ([^\n]*?) /Length (\d+) >>\nstream\n)");
    std::size_t flate = 0, plain = 0;
    for (auto it = std::sregex_iterator(pdf.begin(), pdf.end(), kStream);
         it != std::sregex_iterator(); ++it) {
        const auto& m = *it;
        const std::size_t start = static_cast<std::size_t>(m.position(0) + m.length(0));
        const std::size_t length = std::stoul(m[2]);
        ASSERT_EQ(pdf.compare(start + length, 10, "\nendstream"), 0);
        if (m[1].str().find("/FlateDecode") != std::string::npos) {
            const std::string plain_text = inflate(pdf.substr(start, length), 2'000'000);
            EXPECT_FALSE(plain_text.empty());
            ++flate;
        } else {
            ++plain;
        }
    }
    EXPECT_GT(flate, 40u);
    EXPECT_GT(plain, 40u);
}

TEST(PayloadSets, CompressLikeAutobahnsFiles) {
    // Autobahn's files under zlib level 6: data1.json 0.04, data1.html 0.06, Faust 0.39,
    // the PDF 0.76, Lena 0.85. Markup compresses best, prose well, the PDF (mostly
    // Flate streams already) and the noisy picture poorly.
    const double json = deflate_ratio(payload_bytes(PayloadSet::json));
    const double html = deflate_ratio(payload_bytes(PayloadSet::html));
    const double text = deflate_ratio(payload_bytes(PayloadSet::text));
    const double pdf = deflate_ratio(payload_bytes(PayloadSet::pdf));
    const double image = deflate_ratio(payload_bytes(PayloadSet::image));
    EXPECT_LT(json, 0.15);
    EXPECT_LT(html, 0.15);
    EXPECT_LT(json, text);
    EXPECT_LT(html, text);
    EXPECT_GT(text, 0.25);
    EXPECT_LT(text, 0.5);
    EXPECT_LT(text, pdf);
    EXPECT_LT(text, image);
    EXPECT_GT(pdf, 0.65);
    EXPECT_LT(pdf, 0.9);
    EXPECT_GT(image, 0.7);
    EXPECT_LT(image, 0.95);
}

TEST(PayloadSets, EveryTextMessageOfEveryCaseIsValidUtf8) {
    // 12.1.x, 12.4.x and all of 13 send text messages: each message of each case must be
    // valid UTF-8 of exactly its length in characters.
    for (PayloadSet set : kPayloadSets) {
        if (!payload_set_info(set).text) continue;
        SCOPED_TRACE(payload_set_info(set).name);
        for (std::size_t length : message_lengths()) {
            std::size_t bad = 0;
            for (std::uint64_t k = 0; k < 1000; ++k) {
                const std::string m = payload_message(set, length, k);
                if (!is_valid_utf8(m) || code_points(m) != length) ++bad;
            }
            EXPECT_EQ(bad, 0u) << "length " << length;
        }
    }
}

TEST(PayloadSets, BinaryMessagesHaveTheirLengthInOctets) {
    for (PayloadSet set : kPayloadSets) {
        if (payload_set_info(set).text) continue;
        for (std::size_t length : message_lengths())
            for (std::uint64_t k : {0u, 1u, 7u, 999u})
                EXPECT_EQ(payload_message(set, length, k).size(), length);
    }
}

TEST(PayloadSets, MessagesAreConsecutiveSlicesWrappingAround) {
    // Autobahn's sendOne, done independently: a cursor walks the set `length` units at a
    // time and wraps to the start at the end.
    for (PayloadSet set : kPayloadSets) {
        SCOPED_TRACE(payload_set_info(set).name);
        const std::string& bytes = payload_bytes(set);
        const bool text = payload_set_info(set).text;
        auto unit_end = [&](std::size_t at) {  // the octet after the unit starting at `at`
            ++at;
            while (text && at < bytes.size() &&
                   (static_cast<unsigned char>(bytes[at]) & 0xc0) == 0x80)
                ++at;
            return at;
        };
        for (std::size_t length : {std::size_t{16}, std::size_t{4096}, std::size_t{131072}}) {
            std::size_t cursor = 0, wraps = 0, wrong = 0;
            const std::uint64_t count = length == 131072 ? 300 : 1000;  // time, not coverage
            for (std::uint64_t k = 0; k < count; ++k) {
                std::string expected;
                for (std::size_t u = 0; u < length; ++u) {
                    const std::size_t end = unit_end(cursor);
                    expected.append(bytes, cursor, end - cursor);
                    cursor = end;
                    if (cursor == bytes.size()) {
                        cursor = 0;
                        ++wraps;
                    }
                }
                if (payload_message(set, length, k) != expected) ++wrong;
            }
            EXPECT_EQ(wrong, 0u) << "length " << length;
            if (length == 131072) {
                EXPECT_GE(wraps, 30u);
            }
        }
    }
}

TEST(PayloadSets, ZeroLengthMessagesAreEmpty) {
    EXPECT_EQ(payload_message(PayloadSet::json, 0, 5), "");
}

TEST(FlateFixed, InflatesBackToItsInput) {
    using wsconform::cases::detail::flate_fixed;
    std::string random;
    std::uint64_t x = 42;
    for (int i = 0; i < 100'000; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        random.push_back(static_cast<char>(x >> 56));
    }
    const std::vector<std::string> inputs{
        "",
        "a",
        "abcabcabcabcabcabcabcabcabcabc",
        std::string(100'000, 'z'),  // matches of the maximum length, distance 1
        random,                     // literals, 144-255 take the 9-bit codes
        payload_bytes(PayloadSet::text).substr(0, 70'000),  // distances beyond 32 KiB
    };
    for (const auto& in : inputs) {
        const std::string z = flate_fixed(in);
        ASSERT_GE(z.size(), 6u);
        EXPECT_EQ(static_cast<unsigned char>(z[0]), 0x78);
        EXPECT_EQ((static_cast<unsigned char>(z[0]) * 256 + static_cast<unsigned char>(z[1])) % 31,
                  0)
            << "zlib header check";
        EXPECT_EQ(inflate(z, in.size()), in);
    }
    EXPECT_LT(flate_fixed(std::string(100'000, 'z')).size(), 2'000u);
    EXPECT_LT(flate_fixed(payload_bytes(PayloadSet::text).substr(0, 70'000)).size(), 45'000u);
}

TEST(EchoDifference, NamesTypeLengthAndFirstDifferingOctet) {
    using wsconform::cases::detail::echo_difference;
    using wsconform::harness::binary_message;
    using wsconform::harness::text_message;
    EXPECT_FALSE(echo_difference("The echo", text_message("abc"), "abc", false, false));
    EXPECT_EQ(*echo_difference("The echo", binary_message("abc"), "abc", false, false),
              "The echo came back as a binary message; we sent a text message.");
    EXPECT_EQ(*echo_difference("Echo 2 of 1000", text_message("ab"), "abc", false, false),
              "Echo 2 of 1000 is 2 octets long; we sent 3 octets.");
    EXPECT_EQ(*echo_difference("Echo 2 of 1000", text_message("\xc3\xa4"), "abc", false, true),
              "Echo 2 of 1000 has 1 character (2 octets); we sent 3 characters (3 octets).");
    EXPECT_EQ(*echo_difference("The echo", binary_message(std::string("\x01\x02\x03", 3)),
                               std::string("\x01\x05\x03", 3), true, false),
              "The echo has the right length but differs from what we sent from octet 1 on "
              "(0x02 where we sent 0x05; SHA-1 7037807198c22a7d2b0807371d763779a84fdfcf, we "
              "sent d47fa15ddef0a629a8c7b04b13a0d694319723c2).");
}

}  // namespace
