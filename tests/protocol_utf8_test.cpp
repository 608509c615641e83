// The incremental UTF-8 validator against a reference written here from RFC 3629's
// definition, comparing validity and the offset of the first bad byte.
#include "protocol/utf8.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <optional>
#include <random>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/hex.h"

namespace wsconform::protocol {
namespace {

using Bytes = std::vector<std::uint8_t>;
using test_support::hex;
using test_support::unhex;

// ---- reference -------------------------------------------------------------------------------
//
// Decodes one code point at a time. After each byte of a sequence it asks whether any valid
// code point of that sequence length still starts with the bits seen so far: the first byte
// for which none does is the first bad byte. Valid code points of length n lie in
// [min_n, max_n] without the surrogates D800-DFFF (RFC 3629 §3).
bool completable(std::uint32_t low, std::uint32_t high, std::uint32_t min_cp,
                 std::uint32_t max_cp) {
    const std::uint32_t a = std::max(low, min_cp);
    const std::uint32_t b = std::min(high, max_cp);
    if (a > b) return false;
    return !(a >= 0xD800 && b <= 0xDFFF);  // nothing left but surrogates
}

// nullopt when valid; else the offset of the first bad byte (the length when truncated).
std::optional<std::size_t> reference_first_bad(const std::uint8_t* s, std::size_t n) {
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    static constexpr std::uint32_t kMax[] = {0, 0x7F, 0x7FF, 0xFFFF, 0x10FFFF};
    std::size_t i = 0;
    while (i < n) {
        const std::uint8_t lead = s[i];
        std::size_t length;
        std::uint32_t cp;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2, cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3, cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4, cp = lead & 0x07;
        } else {
            return i;  // a continuation byte without a lead, or F8-FF
        }
        for (std::size_t j = 0; j < length; ++j) {
            if (j > 0) {
                if (i + j >= n) return n;  // truncated
                if ((s[i + j] & 0xC0) != 0x80) return i + j;
                cp = (cp << 6) | (s[i + j] & 0x3F);
            }
            const std::size_t missing_bits = 6 * (length - 1 - j);
            const std::uint32_t low = cp << missing_bits;
            const std::uint32_t high = low | ((1u << missing_bits) - 1);
            if (!completable(low, high, kMin[length], kMax[length])) return i + j;
        }
        i += length;
    }
    return std::nullopt;
}

std::optional<std::size_t> reference_first_bad(const Bytes& b) {
    return reference_first_bad(b.data(), b.size());
}

// ---- helpers ---------------------------------------------------------------------------------

std::span<const std::byte> as_span(const std::uint8_t* p, std::size_t n) {
    return std::as_bytes(std::span<const std::uint8_t>(p, n));
}

struct Outcome {
    bool valid;
    std::optional<std::uint64_t> first_bad;
    friend bool operator==(const Outcome&, const Outcome&) = default;
};

std::ostream& operator<<(std::ostream& os, const Outcome& o) {
    os << (o.valid ? "valid" : "invalid");
    if (o.first_bad) os << " first_bad=" << *o.first_bad;
    return os;
}

// -1 for "no bad byte": plain integers keep the hot exhaustive loops simple.
template <class T>
std::int64_t bad_or_minus_one(std::optional<T> o) {
    return o ? static_cast<std::int64_t>(*o) : -1;
}

Outcome expected_for(const Bytes& b) {
    const auto bad = reference_first_bad(b);
    return {!bad.has_value(), bad ? std::optional<std::uint64_t>(*bad) : std::nullopt};
}

// Feeds `b` cut at the given offsets (ascending), then finishes.
Outcome validate_in_pieces(const Bytes& b, const std::vector<std::size_t>& cuts) {
    Utf8Validator v;
    std::size_t pos = 0;
    for (std::size_t cut : cuts) {
        v.feed(as_span(b.data() + pos, cut - pos));
        pos = cut;
    }
    v.feed(as_span(b.data() + pos, b.size() - pos));
    const bool valid = v.finish();
    return {valid, v.first_bad_offset()};
}

Outcome validate_whole(const Bytes& b) {
    return validate_in_pieces(b, {});
}

Outcome validate_bytewise(const Bytes& b) {
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < b.size(); ++i) cuts.push_back(i);
    return validate_in_pieces(b, cuts);
}

// ---- the reference checks itself against RFC 3629's examples ---------------------------------

struct KnownRow {
    const char* hex;
    std::optional<std::size_t> first_bad;  // nullopt = valid
    const char* why;
};

void PrintTo(const KnownRow& row, std::ostream* os) {
    *os << row.hex << " (" << row.why << ")";
}

const KnownRow kKnown[] = {
    {"", std::nullopt, "empty"},
    {"48656c6c6f", std::nullopt, "ASCII"},
    {"cebae1bdb9cf83cebcceb5", std::nullopt, "Greek kosme"},
    {"f09f9880", std::nullopt, "U+1F600, 4 bytes"},
    {"f48fbfbf", std::nullopt, "U+10FFFF, the last code point"},
    {"edb080", 1, "ED B0: a low surrogate"},
    {"eda080", 1, "ED A0: a high surrogate, bad at A0"},
    {"ed9fbf", std::nullopt, "U+D7FF, just below the surrogates"},
    {"ee8080", std::nullopt, "U+E000, just above the surrogates"},
    {"f4908080", 1, "U+110000: bad at 90"},
    {"f5", 0, "F5 never appears"},
    {"ff", 0, "FF never appears"},
    {"c0", 0, "C0 only starts overlong forms"},
    {"c1bf", 0, "C1 only starts overlong forms"},
    {"c280", std::nullopt, "U+0080, the first 2-byte code point"},
    {"e080", 1, "E0 80: overlong 3-byte form"},
    {"e0a080", std::nullopt, "U+0800, the first 3-byte code point"},
    {"f08f", 1, "F0 8F: overlong 4-byte form"},
    {"f0908080", std::nullopt, "U+10000, the first 4-byte code point"},
    {"80", 0, "a lone continuation byte"},
    {"41bf", 1, "a continuation byte after ASCII"},
    {"c2", 1, "truncated 2-byte sequence: bad offset is the length"},
    {"e282", 2, "truncated 3-byte sequence"},
    {"f09f98", 3, "truncated 4-byte sequence"},
    {"c241", 1, "a lead byte followed by ASCII: bad at the ASCII byte"},
    {"cebae1bdb9cf83cebcceb5eda080656469746564", 12, "Autobahn 6.3.1: ED A0 at 11-12"},
};

class Utf8Known : public testing::TestWithParam<KnownRow> {};

TEST_P(Utf8Known, ReferenceAndValidatorGiveTheDocumentedOffset) {
    const KnownRow& row = GetParam();
    const Bytes b = unhex<Bytes>(row.hex);
    ASSERT_EQ(reference_first_bad(b), row.first_bad) << row.why;
    const Outcome expected{
        !row.first_bad.has_value(),
        row.first_bad ? std::optional<std::uint64_t>(*row.first_bad) : std::nullopt};
    EXPECT_EQ(validate_whole(b), expected) << row.why;
    EXPECT_EQ(validate_bytewise(b), expected) << row.why;
}

INSTANTIATE_TEST_SUITE_P(Rfc3629, Utf8Known, testing::ValuesIn(kKnown));

// ---- fail-fast: the failure shows at feed(), not at finish() --------------------------------

TEST(Utf8Validator, FailsAtTheFeedThatCarriesTheBadByte) {
    // Autobahn 6.4.2: the message turns invalid at the lone 0x90 after F4.
    Utf8Validator v;
    EXPECT_TRUE(v.feed(as_span(unhex<Bytes>("cebae1bdb9cf83cebcceb5f4").data(), 12)));
    EXPECT_FALSE(v.at_boundary());
    const Bytes bad = unhex<Bytes>("90");
    EXPECT_FALSE(v.feed(as_span(bad.data(), bad.size())));
    EXPECT_TRUE(v.failed());
    EXPECT_EQ(v.first_bad_offset(), 12u);
    // Stays failed, whatever follows.
    EXPECT_FALSE(v.feed("abc"));
    EXPECT_FALSE(v.finish());
    EXPECT_EQ(v.first_bad_offset(), 12u);
    v.reset();
    EXPECT_FALSE(v.failed());
    EXPECT_TRUE(v.feed("abc"));
    EXPECT_TRUE(v.finish());
}

TEST(Utf8Validator, TruncationIsReportedByFinishAtTheStreamLength) {
    Utf8Validator v;
    EXPECT_TRUE(v.feed("abc\xe2\x82"));
    EXPECT_EQ(v.bytes_fed(), 5u);
    EXPECT_FALSE(v.failed());
    EXPECT_FALSE(v.finish());
    EXPECT_EQ(v.first_bad_offset(), 5u);
}

TEST(Utf8Validator, WholeBufferHelper) {
    EXPECT_TRUE(is_valid_utf8("Hello-\xc2\xb5@\xc3\x9f"));
    EXPECT_FALSE(is_valid_utf8("\xce\xba\xe1"));
    EXPECT_TRUE(is_valid_utf8(std::string_view{}));
}

// ---- Autobahn 6.x payloads, whole and split at every position -------------------------------

std::vector<Bytes> autobahn_section6_payloads() {
    std::ifstream in(std::string(WSCONFORM_SHARED_DIR) + "/reference/autobahn-cases.tsv");
    std::vector<Bytes> out;
    std::string line;
    const std::regex token("0x([0-9a-f]+)");
    while (std::getline(in, line)) {
        if (line.rfind("6.", 0) != 0) continue;
        std::vector<std::string> cols;
        std::stringstream ss(line);
        for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
        if (cols.size() < 5) continue;
        for (std::sregex_iterator it(cols[4].begin(), cols[4].end(), token), end; it != end; ++it) {
            out.push_back(unhex<Bytes>((*it)[1].str()));
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

TEST(Utf8Validator, AgreesWithReferenceOnAutobahnSection6SplitAnywhere) {
    const std::vector<Bytes> payloads = autobahn_section6_payloads();
    ASSERT_GE(payloads.size(), 100u) << "could not read autobahn-cases.tsv";
    std::size_t invalid = 0;
    for (const Bytes& original : payloads) {
        // An ASCII prefix of 0-33 bytes moves the payload across the validator's 16- and
        // 32-byte blocks.
        for (std::size_t prefix : {0, 1, 7, 15, 16, 17, 31, 33}) {
            Bytes b(prefix, 'a');
            b.insert(b.end(), original.begin(), original.end());
            const Outcome expected = expected_for(b);
            if (prefix == 0 && !expected.valid) ++invalid;
            ASSERT_EQ(validate_whole(b), expected) << hex(b);
            ASSERT_EQ(validate_bytewise(b), expected) << hex(b);
            for (std::size_t cut = 0; cut <= b.size(); ++cut) {
                ASSERT_EQ(validate_in_pieces(b, {cut}), expected) << hex(b) << " cut " << cut;
            }
        }
    }
    EXPECT_GT(invalid, 20u);  // the section has many invalid payloads; make sure we saw them
}

// ---- exhaustive short inputs, random 4-byte inputs -------------------------------------------

TEST(Utf8Validator, AgreesWithReferenceOnEveryOneTwoAndThreeByteInput) {
    std::uint8_t buf[3];
    std::size_t mismatches = 0;
    auto check = [&](std::size_t n, std::size_t cut) {
        const std::int64_t want = bad_or_minus_one(reference_first_bad(buf, n));
        Utf8Validator v;
        v.feed(as_span(buf, cut));
        v.feed(as_span(buf + cut, n - cut));
        const bool ok = v.finish();
        if (ok != (want < 0) || bad_or_minus_one(v.first_bad_offset()) != want) {
            if (++mismatches <= 10) {
                ADD_FAILURE() << "mismatch on " << hex(Bytes(buf, buf + n)) << " cut " << cut;
            }
        }
    };
    for (std::uint32_t x = 0; x < 0x100; ++x) {
        buf[0] = static_cast<std::uint8_t>(x);
        check(1, 0);
        check(1, 1);
    }
    for (std::uint32_t x = 0; x < 0x10000; ++x) {
        buf[0] = static_cast<std::uint8_t>(x >> 8);
        buf[1] = static_cast<std::uint8_t>(x);
        for (std::size_t cut = 0; cut <= 2; ++cut) check(2, cut);
    }
    for (std::uint32_t x = 0; x < 0x1000000; ++x) {
        buf[0] = static_cast<std::uint8_t>(x >> 16);
        buf[1] = static_cast<std::uint8_t>(x >> 8);
        buf[2] = static_cast<std::uint8_t>(x);
        check(3, x % 4);  // whole, and cut after each of the three bytes
    }
    EXPECT_EQ(mismatches, 0u);
}

// One byte: uniform, or drawn from the ranges RFC 3629's table turns on, so that most inputs
// get past their first byte.
std::uint8_t interesting_byte(std::mt19937& rng) {
    static constexpr std::uint8_t kEdges[] = {0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf,
                                              0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xec, 0xed, 0xee,
                                              0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xff};
    switch (rng() % 3) {
        case 0:
            return static_cast<std::uint8_t>(rng());
        case 1:
            return static_cast<std::uint8_t>(0x80 + rng() % 0x40);  // continuation
        default:
            return kEdges[rng() % std::size(kEdges)];
    }
}

TEST(Utf8Validator, AgreesWithReferenceOnTwoMillionRandomFourByteInputs) {
    std::mt19937 rng(3629);
    std::size_t valid = 0;
    for (int i = 0; i < 2'000'000; ++i) {
        std::uint8_t buf[4];
        for (auto& c : buf) c = interesting_byte(rng);
        const std::int64_t want = bad_or_minus_one(reference_first_bad(buf, 4));
        valid += want < 0;
        const std::size_t cut = rng() % 5;
        Utf8Validator v;
        v.feed(as_span(buf, cut));
        v.feed(as_span(buf + cut, 4 - cut));
        const bool ok = v.finish();
        if (ok != (want < 0) || bad_or_minus_one(v.first_bad_offset()) != want) {
            FAIL() << "mismatch on " << hex(Bytes(buf, buf + 4)) << " cut " << cut;
        }
    }
    EXPECT_GT(valid, 10'000u);  // the sample reaches valid 4-byte forms, not only early rejects
}

// ---- long inputs: the block and ASCII paths --------------------------------------------------

void append_code_point(Bytes& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<std::uint8_t>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<std::uint8_t>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<std::uint8_t>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<std::uint8_t>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<std::uint8_t>(0x80 | (cp & 0x3F)));
    }
}

TEST(Utf8Validator, AgreesWithReferenceOnLongMixedTextCorruptedAndChunked) {
    std::mt19937 rng(8259);
    for (int round = 0; round < 3000; ++round) {
        Bytes b;
        const std::size_t target = rng() % 600;
        while (b.size() < target) {
            const unsigned kind = rng() % 8;
            if (kind < 4) {
                // Runs up to 200 bytes reach the validator's 64-byte ASCII steps.
                const unsigned run = kind == 0 ? rng() % 200 : rng() % 40;
                for (unsigned k = run; k > 0; --k) b.push_back(0x20 + rng() % 0x5F);
            } else if (kind == 4) {
                append_code_point(b, 0x80 + rng() % (0x800 - 0x80));
            } else if (kind == 5) {
                std::uint32_t cp = 0x800 + rng() % (0x10000 - 0x800);
                if (cp >= 0xD800 && cp <= 0xDFFF) cp -= 0x800;
                append_code_point(b, cp);
            } else {
                append_code_point(b, 0x10000 + rng() % (0x110000 - 0x10000));
            }
        }
        // Two rounds in three: corrupt one byte (or cut the end off).
        if (!b.empty() && rng() % 3 != 0) {
            if (rng() % 4 == 0) {
                b.resize(rng() % b.size());
            } else {
                b[rng() % b.size()] = interesting_byte(rng);
            }
        }
        std::vector<std::size_t> cuts;
        for (std::size_t pos = rng() % 40; pos < b.size(); pos += 1 + rng() % 40)
            cuts.push_back(pos);
        const Outcome expected = expected_for(b);
        ASSERT_EQ(validate_whole(b), expected) << hex(b);
        ASSERT_EQ(validate_in_pieces(b, cuts), expected) << hex(b);
    }
}

}  // namespace
}  // namespace wsconform::protocol
