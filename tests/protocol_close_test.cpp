// RFC 6455 §5.5.1 close payloads and §7.4 status codes, under both policies.
#include "protocol/close.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/error.h"

namespace wsconform::protocol {
namespace {

std::span<const std::byte> as_bytes_of(const std::string& s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

// ---- status codes -----------------------------------------------------------------------------

struct CodeRow {
    std::uint16_t code;
    bool rfc;       // valid under CloseCodePolicy::rfc
    bool autobahn;  // valid under CloseCodePolicy::autobahn
    const char* why;
};

void PrintTo(const CodeRow& row, std::ostream* os) {
    *os << row.code << " (" << row.why << ")";
}

const CodeRow kCodes[] = {
    {0, false, false, "below the defined range"},
    {999, false, false, "0-999 are not used"},
    {1000, true, true, "normal closure"},
    {1001, true, true, "going away"},
    {1002, true, true, "protocol error"},
    {1003, true, true, "unsupported data"},
    {1004, false, false, "reserved"},
    {1005, false, false, "no status: never on the wire"},
    {1006, false, false, "abnormal closure: never on the wire"},
    {1007, true, true, "invalid payload data"},
    {1008, true, true, "policy violation"},
    {1009, true, true, "message too big"},
    {1010, true, true, "mandatory extension"},
    {1011, true, true, "internal error"},
    {1012, true, false, "service restart: IANA, not Autobahn"},
    {1013, true, false, "try again later: IANA, not Autobahn"},
    {1014, true, false, "bad gateway: IANA, not Autobahn"},
    {1015, false, false, "TLS handshake failure: never on the wire"},
    {1016, false, false, "unassigned in 1000-2999"},
    {2000, false, false, "reserved for extensions, unassigned"},
    {2999, false, false, "last of 1000-2999"},
    {3000, true, true, "first IANA-registered code"},
    {3999, true, true, "last IANA-registered code"},
    {4000, true, true, "first private-use code"},
    {4999, true, true, "last private-use code"},
    {5000, false, false, "above the defined range"},
    {65535, false, false, "the largest 16-bit value"},
};

class CloseCode : public testing::TestWithParam<CodeRow> {};

TEST_P(CloseCode, IsValidUnderEachPolicy) {
    const CodeRow& row = GetParam();
    EXPECT_EQ(is_valid_close_code(row.code, CloseCodePolicy::rfc), row.rfc) << row.why;
    EXPECT_EQ(is_valid_close_code(row.code, CloseCodePolicy::autobahn), row.autobahn) << row.why;
    EXPECT_EQ(is_valid_close_code(row.code), row.rfc) << "rfc is the default";
}

INSTANTIATE_TEST_SUITE_P(Rfc6455Section74, CloseCode, testing::ValuesIn(kCodes),
                         [](const auto& info) { return "Code" + std::to_string(info.param.code); });

// ---- payloads ---------------------------------------------------------------------------------

struct PayloadRow {
    const char* name;
    std::string payload;
    CloseCodePolicy policy;
    std::error_code error;
    std::optional<std::uint16_t> code;
    std::string reason;
    const char* why;
};

void PrintTo(const PayloadRow& row, std::ostream* os) {
    *os << row.name;
}

const std::string kKosme = "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

const PayloadRow kPayloads[] = {
    {"Empty", "", CloseCodePolicy::rfc, {}, std::nullopt, "", "no code, no reason"},
    {"OneByte", std::string("\x03", 1), CloseCodePolicy::rfc, Error::close_payload_length_one,
     std::nullopt, "", "§5.5.1: one byte cannot hold a code"},
    {"Normal", "\x03\xe8", CloseCodePolicy::rfc, {}, 1000, "", "1000, no reason"},
    {"NormalWithReason", "\x03\xe8ok", CloseCodePolicy::rfc, {}, 1000, "ok", "1000 + ASCII"},
    {"Utf8Reason", "\x03\xe8" + kKosme, CloseCodePolicy::rfc, {}, 1000, kKosme, "1000 + Greek"},
    {"Private4999", "\x13\x87", CloseCodePolicy::rfc, {}, 4999, "", "private use"},
    {"Registered3000", "\x0b\xb8", CloseCodePolicy::rfc, {}, 3000, "", "IANA registered"},
    {"Code1012Rfc", "\x03\xf4", CloseCodePolicy::rfc, {}, 1012, "", "IANA: service restart"},
    {"Code1012Autobahn", "\x03\xf4", CloseCodePolicy::autobahn, Error::close_code_invalid, 1012, "",
     "Autobahn 0.10.9 stops at 1011"},
    {"Code1005", "\x03\xed", CloseCodePolicy::rfc, Error::close_code_invalid, 1005, "",
     "1005 must not be sent"},
    {"Code1006", "\x03\xee", CloseCodePolicy::rfc, Error::close_code_invalid, 1006, "",
     "1006 must not be sent"},
    {"Code1004", "\x03\xec", CloseCodePolicy::rfc, Error::close_code_invalid, 1004, "", "reserved"},
    {"Code999", "\x03\xe7", CloseCodePolicy::rfc, Error::close_code_invalid, 999, "", "below 1000"},
    {"Code0", std::string("\x00\x00", 2), CloseCodePolicy::rfc, Error::close_code_invalid, 0, "",
     "zero"},
    {"Code5000", "\x13\x88", CloseCodePolicy::rfc, Error::close_code_invalid, 5000, "",
     "above 4999"},
    {"InvalidReason", "\x03\xe8\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80",
     CloseCodePolicy::rfc, Error::close_reason_invalid_utf8, 1000,
     "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80", "reason holds a surrogate"},
    {"TruncatedReason", "\x03\xe8\xe2\x82", CloseCodePolicy::rfc, Error::close_reason_invalid_utf8,
     1000, "\xe2\x82", "reason stops inside a code point"},
    {"InvalidCodeBeatsInvalidReason", "\x03\xed\xff", CloseCodePolicy::rfc,
     Error::close_code_invalid, 1005, "\xff", "the code is judged first"},
};

class ParseClosePayload : public testing::TestWithParam<PayloadRow> {};

TEST_P(ParseClosePayload, GivesTheExactErrorAndFields) {
    const PayloadRow& row = GetParam();
    ClosePayload out;
    out.code = 1234;  // must be overwritten
    const std::error_code ec = parse_close_payload(as_bytes_of(row.payload), out, row.policy);
    EXPECT_EQ(ec, row.error) << row.why << ": " << ec.message();
    EXPECT_EQ(out.code, row.code) << row.why;
    EXPECT_EQ(out.reason, row.reason) << row.why;
}

INSTANTIATE_TEST_SUITE_P(Rfc6455Section551, ParseClosePayload, testing::ValuesIn(kPayloads),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(ParseClosePayload, ReasonPointsIntoTheBuffer) {
    const std::string payload =
        "\x03\xe8"
        "bye";
    ClosePayload out;
    ASSERT_FALSE(parse_close_payload(as_bytes_of(payload), out));
    EXPECT_EQ(out.reason.data(), payload.data() + 2);
}

TEST(BuildClosePayload, WritesCodeInNetworkOrderThenReason) {
    EXPECT_EQ(build_close_payload(std::nullopt), "");
    EXPECT_EQ(build_close_payload(1000), "\x03\xe8");
    EXPECT_EQ(build_close_payload(4999, "bye"),
              "\x13\x87"
              "bye");
    EXPECT_EQ(build_close_payload(1000, "\xff"), "\x03\xe8\xff") << "invalid reasons pass through";
    EXPECT_EQ(build_close_payload(0xABCD, "x"),
              "\xab\xcd"
              "x");
}

TEST(BuildClosePayload, RoundTripsThroughParse) {
    for (std::uint16_t code : {1000, 1001, 1003, 1007, 1011, 3000, 4999}) {
        const std::string payload = build_close_payload(code, "reason \xc2\xb5");
        ClosePayload out;
        ASSERT_FALSE(parse_close_payload(as_bytes_of(payload), out)) << code;
        EXPECT_EQ(out.code, code);
        EXPECT_EQ(out.reason, "reason \xc2\xb5");
    }
}

}  // namespace
}  // namespace wsconform::protocol
