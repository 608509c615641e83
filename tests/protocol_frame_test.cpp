// RFC 6455 §5.2 header encode/decode in every length form, and the §5.7 examples.
#include "protocol/frame.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/mask.h"
#include "tests/support/hex.h"

namespace wsconform::protocol {
namespace {

using test_support::Bytes;
using test_support::bytes_of;
using test_support::hex_bytes;

Bytes encode(const FrameHeader& h, LengthForm form = LengthForm::minimal) {
    std::array<std::byte, kMaxHeaderSize> buf{};
    const std::size_t n = encode_header(h, buf, form);
    EXPECT_EQ(n, encoded_header_size(h, form));
    return Bytes(buf.begin(), buf.begin() + n);
}

// A whole frame: header, then the payload masked when the header says so.
Bytes encode_frame(const FrameHeader& h, const Bytes& payload) {
    Bytes out = encode(h);
    Bytes body = payload;
    if (h.masked) apply_mask(body, h.mask_key);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

constexpr MaskKey kRfcKey{0x37, 0xfa, 0x21, 0x3d};

// ---- RFC 6455 §5.7 examples ------------------------------------------------------------------

TEST(FrameRfcExamples, SingleFrameUnmaskedText) {
    // 81 05: FIN=1 op=text len=5 unmasked, "Hello"
    EXPECT_EQ(
        encode_frame({.fin = true, .opcode = opcode::text, .payload_length = 5}, bytes_of("Hello")),
        hex_bytes("81 05 48 65 6c 6c 6f"));
}

TEST(FrameRfcExamples, SingleFrameMaskedText) {
    // 81 85 37fa213d: FIN=1 op=text masked len=5 key=37fa213d, "Hello" masked
    EXPECT_EQ(encode_frame({.fin = true,
                            .opcode = opcode::text,
                            .masked = true,
                            .mask_key = kRfcKey,
                            .payload_length = 5},
                           bytes_of("Hello")),
              hex_bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"));
}

TEST(FrameRfcExamples, FragmentedUnmaskedText) {
    // 01 03: FIN=0 op=text len=3 "Hel"; 80 02: FIN=1 op=continuation len=2 "lo"
    EXPECT_EQ(
        encode_frame({.fin = false, .opcode = opcode::text, .payload_length = 3}, bytes_of("Hel")),
        hex_bytes("01 03 48 65 6c"));
    EXPECT_EQ(encode_frame({.fin = true, .opcode = opcode::continuation, .payload_length = 2},
                           bytes_of("lo")),
              hex_bytes("80 02 6c 6f"));
}

TEST(FrameRfcExamples, UnmaskedPingAndMaskedPong) {
    // 89 05: FIN=1 op=ping len=5 unmasked "Hello"
    EXPECT_EQ(encode_frame({.opcode = opcode::ping, .payload_length = 5}, bytes_of("Hello")),
              hex_bytes("89 05 48 65 6c 6c 6f"));
    // 8a 85 37fa213d: FIN=1 op=pong masked len=5, "Hello" masked
    EXPECT_EQ(
        encode_frame(
            {.opcode = opcode::pong, .masked = true, .mask_key = kRfcKey, .payload_length = 5},
            bytes_of("Hello")),
        hex_bytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58"));
}

TEST(FrameRfcExamples, BinaryWith256BytesUses16BitLength) {
    // 82 7E 0100: FIN=1 op=binary len=126 → 16-bit length 256, unmasked
    EXPECT_EQ(encode({.opcode = opcode::binary, .payload_length = 256}), hex_bytes("82 7e 01 00"));
}

TEST(FrameRfcExamples, BinaryWith64KiBUses64BitLength) {
    // 82 7F 0000000000010000: FIN=1 op=binary len=127 → 64-bit length 65536, unmasked
    EXPECT_EQ(encode({.opcode = opcode::binary, .payload_length = 65536}),
              hex_bytes("82 7f 00 00 00 00 00 01 00 00"));
}

// ---- encode: every length form -------------------------------------------------------------

struct EncodeRow {
    const char* name;
    FrameHeader header;
    LengthForm form;
    const char* hex;
    const char* why;
};

void PrintTo(const EncodeRow& row, std::ostream* os) {
    *os << row.name;
}

const EncodeRow kEncodeRows[] = {
    {"Len0",
     {.opcode = opcode::text, .payload_length = 0},
     LengthForm::minimal,
     "81 00",
     "FIN=1 op=text len=0"},
    {"Len125",
     {.opcode = opcode::binary, .payload_length = 125},
     LengthForm::minimal,
     "82 7d",
     "the largest 7-bit length"},
    {"Len126",
     {.opcode = opcode::binary, .payload_length = 126},
     LengthForm::minimal,
     "82 7e 00 7e",
     "the smallest 16-bit length"},
    {"Len65535",
     {.opcode = opcode::binary, .payload_length = 65535},
     LengthForm::minimal,
     "82 7e ff ff",
     "the largest 16-bit length"},
    {"Len65536",
     {.opcode = opcode::binary, .payload_length = 65536},
     LengthForm::minimal,
     "82 7f 00 00 00 00 00 01 00 00",
     "the smallest 64-bit length"},
    {"LenMsbSet",
     {.opcode = opcode::binary, .payload_length = 0x8000000000000001ull},
     LengthForm::minimal,
     "82 7f 80 00 00 00 00 00 00 01",
     "the encoder writes an illegal MSB when asked to (a case sends it)"},
    {"Forced16For5",
     {.opcode = opcode::text, .payload_length = 5},
     LengthForm::bits16,
     "81 7e 00 05",
     "non-minimal 16-bit form of 5"},
    {"Forced64For5",
     {.opcode = opcode::text, .payload_length = 5},
     LengthForm::bits64,
     "81 7f 00 00 00 00 00 00 00 05",
     "non-minimal 64-bit form of 5"},
    {"Forced64For300",
     {.opcode = opcode::text, .payload_length = 300},
     LengthForm::bits64,
     "81 7f 00 00 00 00 00 00 01 2c",
     "non-minimal 64-bit form of 300"},
    {"Forced7For200Falls",
     {.opcode = opcode::text, .payload_length = 200},
     LengthForm::bits7,
     "81 7e 00 c8",
     "bits7 cannot hold 200: minimal form instead"},
    {"Forced16For70000Falls",
     {.opcode = opcode::text, .payload_length = 70000},
     LengthForm::bits16,
     "81 7f 00 00 00 00 00 01 11 70",
     "bits16 cannot hold 70000: minimal form instead"},
    {"Forced7For7",
     {.opcode = opcode::text, .payload_length = 7},
     LengthForm::bits7,
     "81 07",
     "bits7 when it fits"},
    {"NoFinRsvAll",
     {.fin = false, .rsv = 7, .opcode = opcode::binary, .payload_length = 1},
     LengthForm::minimal,
     "72 01",
     "FIN=0 RSV1-3 set op=binary len=1"},
    {"Rsv1Only",
     {.rsv = rsv::rsv1, .opcode = opcode::text, .payload_length = 1},
     LengthForm::minimal,
     "c1 01",
     "FIN=1 RSV1=1 op=text len=1"},
    {"ReservedOpcode",
     {.opcode = 0xB, .payload_length = 0},
     LengthForm::minimal,
     "8b 00",
     "a reserved opcode is written as given"},
    {"Masked64",
     {.opcode = opcode::binary,
      .masked = true,
      .mask_key = {1, 2, 3, 4},
      .payload_length = 0x123456789ull},
     LengthForm::minimal,
     "82 ff 00 00 00 01 23 45 67 89 01 02 03 04",
     "masked 64-bit: the 14-byte maximum header"},
    {"Masked16NonMinimal",
     {.opcode = opcode::close, .masked = true, .mask_key = {9, 8, 7, 6}, .payload_length = 2},
     LengthForm::bits16,
     "88 fe 00 02 09 08 07 06",
     "masked close, 16-bit form of 2"},
};

class EncodeHeader : public testing::TestWithParam<EncodeRow> {};

TEST_P(EncodeHeader, WritesTheExpectedBytesAndDecodesBack) {
    const EncodeRow& row = GetParam();
    const Bytes encoded = encode(row.header, row.form);
    EXPECT_EQ(encoded, hex_bytes(row.hex)) << row.why;

    const HeaderDecode d = decode_header(encoded);
    ASSERT_EQ(d.status, HeaderDecode::Status::ok) << row.why;
    EXPECT_EQ(d.header_size, encoded.size());
    EXPECT_EQ(d.header.fin, row.header.fin);
    EXPECT_EQ(d.header.rsv, row.header.rsv);
    EXPECT_EQ(d.header.opcode, row.header.opcode);
    EXPECT_EQ(d.header.masked, row.header.masked);
    if (row.header.masked) {
        EXPECT_EQ(d.header.mask_key, row.header.mask_key);
    }
    EXPECT_EQ(d.header.payload_length, row.header.payload_length);
    const bool minimal = encoded.size() == encoded_header_size(row.header);
    EXPECT_EQ(d.length_minimal, minimal) << row.why;
}

INSTANTIATE_TEST_SUITE_P(Forms, EncodeHeader, testing::ValuesIn(kEncodeRows),
                         [](const auto& info) { return std::string(info.param.name); });

// ---- decode ---------------------------------------------------------------------------------

TEST(DecodeHeader, EveryTruncatedPrefixNeedsMore) {
    const Bytes full = hex_bytes("82 ff 00 00 00 01 23 45 67 89 01 02 03 04");  // masked 64-bit
    for (std::size_t n = 0; n < full.size(); ++n) {
        EXPECT_EQ(decode_header(std::span(full).first(n)).status, HeaderDecode::Status::need_more)
            << n;
    }
    const Bytes with_payload = hex_bytes("81 05 48 65 6c 6c 6f");
    const HeaderDecode d = decode_header(with_payload);
    ASSERT_EQ(d.status, HeaderDecode::Status::ok);
    EXPECT_EQ(d.header_size, 2u);  // payload bytes are not the header's business
}

struct MinimalRow {
    const char* hex;
    bool minimal;
    const char* why;
};

void PrintTo(const MinimalRow& row, std::ostream* os) {
    *os << row.hex;
}

class DecodeLengthMinimal : public testing::TestWithParam<MinimalRow> {};

TEST_P(DecodeLengthMinimal, FlagsNonMinimalForms) {
    const MinimalRow& row = GetParam();
    const HeaderDecode d = decode_header(hex_bytes(row.hex));
    ASSERT_EQ(d.status, HeaderDecode::Status::ok);
    EXPECT_EQ(d.length_minimal, row.minimal) << row.why;
}

INSTANTIATE_TEST_SUITE_P(
    Rfc6455Section52, DecodeLengthMinimal,
    testing::Values(MinimalRow{"82 7d", true, "len=125 in 7 bits"},
                    MinimalRow{"82 7e 00 7d", false, "16-bit form of 125"},
                    MinimalRow{"82 7e 00 7e", true, "16-bit form of 126"},
                    MinimalRow{"82 7e 00 00", false, "16-bit form of 0"},
                    MinimalRow{"82 7f 00 00 00 00 00 00 ff ff", false, "64-bit form of 65535"},
                    MinimalRow{"82 7f 00 00 00 00 00 01 00 00", true, "64-bit form of 65536"},
                    MinimalRow{"82 7f 00 00 00 00 00 00 00 01", false, "64-bit form of 1"}));

TEST(DecodeHeader, RoundTripsRandomHeadersInEveryForm) {
    std::mt19937_64 rng(5);
    const LengthForm forms[] = {LengthForm::minimal, LengthForm::bits7, LengthForm::bits16,
                                LengthForm::bits64};
    for (int i = 0; i < 20000; ++i) {
        FrameHeader h;
        h.fin = rng() & 1;
        h.rsv = rng() & 7;
        h.opcode = rng() & 15;
        h.masked = rng() & 1;
        if (h.masked) {
            for (auto& k : h.mask_key) k = static_cast<std::uint8_t>(rng());
        }
        switch (rng() % 4) {
            case 0:
                h.payload_length = rng() % 126;
                break;
            case 1:
                h.payload_length = rng() % 65536;
                break;
            case 2:
                h.payload_length = rng() % (1ull << 32);
                break;
            default:
                h.payload_length = rng() >> 1;
                break;
        }
        const LengthForm form = forms[rng() % 4];
        const Bytes encoded = encode(h, form);
        const HeaderDecode d = decode_header(encoded);
        ASSERT_EQ(d.status, HeaderDecode::Status::ok);
        ASSERT_EQ(d.header_size, encoded.size());
        ASSERT_EQ(d.header.fin, h.fin);
        ASSERT_EQ(d.header.rsv, h.rsv);
        ASSERT_EQ(d.header.opcode, h.opcode);
        ASSERT_EQ(d.header.masked, h.masked);
        ASSERT_EQ(d.header.mask_key, h.masked ? h.mask_key : MaskKey{});
        ASSERT_EQ(d.header.payload_length, h.payload_length);
        ASSERT_EQ(d.length_minimal, encoded.size() == encoded_header_size(h));
    }
}

// ---- names ----------------------------------------------------------------------------------

TEST(OpcodeName, NamesEveryOpcode) {
    const char* expected[16] = {"continuation", "text",  "binary", "op=3", "op=4", "op=5",
                                "op=6",         "op=7",  "close",  "ping", "pong", "op=11",
                                "op=12",        "op=13", "op=14",  "op=15"};
    for (std::uint8_t op = 0; op < 16; ++op) {
        EXPECT_STREQ(opcode_name(op), expected[op]);
        EXPECT_EQ(is_reserved(op), std::string(expected[op]).rfind("op=", 0) == 0);
    }
    EXPECT_TRUE(is_control(opcode::close));
    EXPECT_FALSE(is_control(opcode::binary));
}

}  // namespace
}  // namespace wsconform::protocol
