// RFC 7692 permessage-deflate: parameter negotiation (§5, §7.1) as tables of header values, the
// §7.2.3 example bytes, round trips at every window size, and the inflater's caps.
#include <gtest/gtest.h>
#include <zlib.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <ostream>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/error.h"
#include "protocol/handshake.h"
#include "protocol/permessage_deflate.h"
#include "tests/support/hex.h"

namespace wsconform::protocol {
namespace {

// ---- helpers ----------------------------------------------------------------------------------

using test_support::hex;
using test_support::unhex;

std::span<const std::byte> as_span(std::string_view s) {
    return std::as_bytes(std::span(s.data(), s.size()));
}

// The elements of a Sec-WebSocket-Extensions value.
std::vector<Extension> extensions(std::string_view value) {
    std::vector<Extension> out;
    EXPECT_FALSE(parse_extensions(value, out)) << value;
    return out;
}

// An offer header, each alternative parsed as an offer.
std::vector<DeflateParams> offer(std::string_view value) {
    std::vector<DeflateParams> out;
    for (const auto& ext : extensions(value)) {
        DeflateParams p;
        EXPECT_FALSE(parse_deflate_params(ext, true, p)) << value;
        out.push_back(p);
    }
    return out;
}

std::string compress(Deflater& d, std::string_view message) {
    std::string out;
    d.compress(message, out);
    return out;
}

// A table row names itself by its `why` when a test fails.
template <class Row>
requires requires(const Row& row) {
    row.why;
}
void PrintTo(const Row& row, std::ostream* os) {
    *os << row.why;
}

// One message through `inf`, fed as one frame.
std::error_code inflate_message(Inflater& inf, std::string_view payload, std::string& out) {
    if (auto ec = inf.feed(as_span(payload), out)) return ec;
    return inf.finish_message(out);
}

// ---- parse_deflate_params -----------------------------------------------------------------

struct ParseRow {
    std::string_view header;  // one Sec-WebSocket-Extensions element
    bool is_offer;
    std::error_code error;
    DeflateParams params;  // when no error
    std::string_view why;
};

class ParseDeflateParams : public ::testing::TestWithParam<ParseRow> {};

TEST_P(ParseDeflateParams, Judges) {
    const auto& row = GetParam();
    const auto ext = extensions(row.header);
    ASSERT_EQ(ext.size(), 1u);
    DeflateParams out{.server_max_window_bits = 99};  // untouched on error
    const auto ec = parse_deflate_params(ext[0], row.is_offer, out);
    EXPECT_EQ(ec, row.error) << row.why << ": " << row.header << " gave " << ec.message();
    if (!row.error) {
        EXPECT_EQ(out, row.params) << row.why;
    } else {
        EXPECT_EQ(out.server_max_window_bits, 99) << row.why;
    }
}

constexpr bool kOffer = true;
constexpr bool kResponse = false;
const std::error_code kOk{};
const std::error_code kUnknown = DeflateError::unknown_parameter;
const std::error_code kDuplicate = DeflateError::duplicate_parameter;
const std::error_code kInvalid = DeflateError::invalid_value;

INSTANTIATE_TEST_SUITE_P(
    Rows, ParseDeflateParams,
    ::testing::Values(
        // Valid (RFC 7692 §5.2 and §7.1 examples).
        ParseRow{"permessage-deflate", kOffer, kOk, {}, "no parameters"},
        ParseRow{"permessage-deflate", kResponse, kOk, {}, "no parameters, response"},
        ParseRow{"permessage-deflate; client_max_window_bits",
                 kOffer,
                 kOk,
                 {.client_max_window_bits = -1},
                 "§7.1.2.2: client_max_window_bits without a value in an offer"},
        ParseRow{"permessage-deflate; client_no_context_takeover; server_max_window_bits=10",
                 kOffer,
                 kOk,
                 {.client_no_context_takeover = true, .server_max_window_bits = 10},
                 "§5.2 example"},
        ParseRow{"permessage-deflate; server_max_window_bits=\"10\"",
                 kOffer,
                 kOk,
                 {.server_max_window_bits = 10},
                 "§7.1: quoted-string value"},
        ParseRow{"permessage-deflate; client_max_window_bits=\"8\"",
                 kResponse,
                 kOk,
                 {.client_max_window_bits = 8},
                 "quoted 8 in a response"},
        ParseRow{"permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                 "server_max_window_bits=15; client_max_window_bits=9",
                 kResponse,
                 kOk,
                 {.server_no_context_takeover = true,
                  .client_no_context_takeover = true,
                  .server_max_window_bits = 15,
                  .client_max_window_bits = 9},
                 "all four"},
        ParseRow{"permessage-deflate; client_max_window_bits=15; server_max_window_bits=8",
                 kOffer,
                 kOk,
                 {.server_max_window_bits = 8, .client_max_window_bits = 15},
                 "bounds 8 and 15, any order"},
        ParseRow{"PerMessage-Deflate; Server_No_Context_Takeover",
                 kOffer,
                 kOk,
                 {.server_no_context_takeover = true},
                 "names are case-insensitive tokens"},
        // Missing or bad values.
        ParseRow{"permessage-deflate; client_max_window_bits",
                 kResponse,
                 kInvalid,
                 {},
                 "§7.1.2.2: a response needs a value"},
        ParseRow{"permessage-deflate; server_max_window_bits",
                 kOffer,
                 kInvalid,
                 {},
                 "§7.1.2.1: server_max_window_bits always has a value"},
        ParseRow{"permessage-deflate; server_max_window_bits=16",
                 kOffer,
                 kInvalid,
                 {},
                 "16 is above 15"},
        ParseRow{
            "permessage-deflate; server_max_window_bits=7", kOffer, kInvalid, {}, "7 is below 8"},
        ParseRow{"permessage-deflate; server_max_window_bits=0", kOffer, kInvalid, {}, "0"},
        ParseRow{
            "permessage-deflate; server_max_window_bits=010", kOffer, kInvalid, {}, "leading zero"},
        ParseRow{"permessage-deflate; client_max_window_bits=09",
                 kOffer,
                 kInvalid,
                 {},
                 "leading zero, one digit"},
        ParseRow{"permessage-deflate; server_max_window_bits=+9", kOffer, kInvalid, {}, "sign"},
        ParseRow{"permessage-deflate; server_max_window_bits=9.0",
                 kOffer,
                 kInvalid,
                 {},
                 "not an integer"},
        ParseRow{"permessage-deflate; server_max_window_bits=0x9", kOffer, kInvalid, {}, "hex"},
        ParseRow{
            "permessage-deflate; client_max_window_bits=\"16\"", kOffer, kInvalid, {}, "quoted 16"},
        ParseRow{
            "permessage-deflate; client_max_window_bits=abc", kOffer, kInvalid, {}, "not a number"},
        ParseRow{"permessage-deflate; server_no_context_takeover=1",
                 kOffer,
                 kInvalid,
                 {},
                 "§7.1.1.1: a value on a flag"},
        ParseRow{"permessage-deflate; client_no_context_takeover=\"true\"",
                 kResponse,
                 kInvalid,
                 {},
                 "§7.1.1.2: a quoted value on a flag"},
        // Duplicates (§7.1: "MUST NOT include more than one of each").
        ParseRow{"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                 kOffer,
                 kDuplicate,
                 {},
                 "flag twice"},
        ParseRow{"permessage-deflate; client_max_window_bits; client_max_window_bits=10",
                 kOffer,
                 kDuplicate,
                 {},
                 "client_max_window_bits twice"},
        ParseRow{"permessage-deflate; server_max_window_bits=10; SERVER_MAX_WINDOW_BITS=10",
                 kResponse,
                 kDuplicate,
                 {},
                 "twice, differing in case"},
        // Unknown parameters (§7.1: an element with one is declined).
        ParseRow{"permessage-deflate; max_window_bits=10",
                 kOffer,
                 kUnknown,
                 {},
                 "not an RFC 7692 parameter"},
        ParseRow{"permessage-deflate; c2s_max_window_bits", kOffer, kUnknown, {}, "draft-era name"},
        ParseRow{"permessage-deflate; client_max_window_bits; x",
                 kOffer,
                 kUnknown,
                 {},
                 "unknown after a known one"},
        // Another extension.
        ParseRow{"x-webkit-deflate-frame",
                 kOffer,
                 DeflateError::not_permessage_deflate,
                 {},
                 "other extension"},
        ParseRow{"permessage-deflate-x",
                 kResponse,
                 DeflateError::not_permessage_deflate,
                 {},
                 "prefix only"}));

// ---- format_deflate_params / format_deflate_offer ----------------------------------------

struct FormatRow {
    DeflateParams params;
    std::string_view text;
};

void PrintTo(const FormatRow& row, std::ostream* os) {
    *os << row.text;
}

class FormatDeflateParams : public ::testing::TestWithParam<FormatRow> {};

TEST_P(FormatDeflateParams, FixedOrderAndParsesBack) {
    const auto& row = GetParam();
    EXPECT_EQ(format_deflate_params(row.params), row.text);
    const auto ext = extensions(row.text);
    ASSERT_EQ(ext.size(), 1u);
    DeflateParams back;
    ASSERT_FALSE(parse_deflate_params(ext[0], true, back));
    EXPECT_EQ(back, row.params);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, FormatDeflateParams,
    ::testing::Values(
        FormatRow{{}, "permessage-deflate"},
        FormatRow{{.client_max_window_bits = -1}, "permessage-deflate; client_max_window_bits"},
        FormatRow{{.client_max_window_bits = 12}, "permessage-deflate; client_max_window_bits=12"},
        FormatRow{{.server_max_window_bits = 9}, "permessage-deflate; server_max_window_bits=9"},
        FormatRow{{.server_no_context_takeover = true,
                   .client_no_context_takeover = true,
                   .server_max_window_bits = 10,
                   .client_max_window_bits = -1},
                  "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                  "server_max_window_bits=10; client_max_window_bits"}));

TEST(FormatDeflateOffer, JoinsAlternativesWithComma) {
    const std::vector<DeflateParams> alternatives = {
        {.server_max_window_bits = 10}, {.client_no_context_takeover = true}, {}};
    EXPECT_EQ(format_deflate_offer(alternatives),
              "permessage-deflate; server_max_window_bits=10, "
              "permessage-deflate; client_no_context_takeover, permessage-deflate");
    EXPECT_EQ(offer(format_deflate_offer(alternatives)), alternatives);
    EXPECT_EQ(format_deflate_offer({}), "");
}

// ---- negotiate_deflate_as_server ----------------------------------------------------------

// Autobahn's fuzzingclient offers (12.x and 13.1; 13.2-13.6 add server parameters).
constexpr std::string_view kAutobahnOffer =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits";

struct ServerRow {
    std::string_view offer;  // the client's Sec-WebSocket-Extensions
    DeflateServerPolicy policy;
    std::string_view response;  // "" when nothing is accepted
    std::string_view why;
};

class NegotiateAsServer : public ::testing::TestWithParam<ServerRow> {};

TEST_P(NegotiateAsServer, Answers) {
    const auto& row = GetParam();
    const auto result = negotiate_deflate_as_server(extensions(row.offer), row.policy);
    EXPECT_EQ(result ? format_deflate_params(*result) : "", row.response) << row.why;
}

constexpr DeflateServerPolicy kAccept{};
constexpr DeflateServerPolicy kNoContext{.request_client_no_context_takeover = true};
constexpr DeflateServerPolicy kWindow9{.request_client_max_window_bits = 9};
constexpr DeflateServerPolicy kWindow15{.request_client_max_window_bits = 15};
constexpr DeflateServerPolicy kBoth9{.request_client_no_context_takeover = true,
                                     .request_client_max_window_bits = 9};
constexpr DeflateServerPolicy kBoth15{.request_client_no_context_takeover = true,
                                      .request_client_max_window_bits = 15};

INSTANTIATE_TEST_SUITE_P(
    Rows, NegotiateAsServer,
    ::testing::Values(
        // Autobahn's 13.x server policies against its own client offer.
        ServerRow{kAutobahnOffer, kAccept, "permessage-deflate", "13.1: request nothing"},
        ServerRow{kAutobahnOffer, kNoContext, "permessage-deflate; client_no_context_takeover",
                  "13.2: request client_no_context_takeover"},
        ServerRow{kAutobahnOffer, kWindow9, "permessage-deflate; client_max_window_bits=9",
                  "13.3: request client_max_window_bits=9"},
        ServerRow{kAutobahnOffer, kWindow15, "permessage-deflate; client_max_window_bits=15",
                  "13.4: request client_max_window_bits=15"},
        ServerRow{kAutobahnOffer, kBoth9,
                  "permessage-deflate; client_no_context_takeover; client_max_window_bits=9",
                  "13.5: both"},
        ServerRow{kAutobahnOffer, kBoth15,
                  "permessage-deflate; client_no_context_takeover; client_max_window_bits=15",
                  "13.6: both, 15"},
        // client_no_context_takeover may be asked of any offer (§7.1.1.1), a window only of
        // one that offered client_max_window_bits (§7.1.2.2).
        ServerRow{"permessage-deflate", kNoContext,
                  "permessage-deflate; client_no_context_takeover",
                  "client_no_context_takeover asked although not offered"},
        ServerRow{"permessage-deflate", kWindow9, "", "client_max_window_bits not offered"},
        ServerRow{"permessage-deflate; client_max_window_bits", kBoth9,
                  "permessage-deflate; client_no_context_takeover; client_max_window_bits=9",
                  "the window offered, no-context asked anyway"},
        ServerRow{"permessage-deflate; client_no_context_takeover", kBoth15, "",
                  "only no-context offered"},
        // 13.7: three alternatives; the first acceptable one wins.
        ServerRow{"permessage-deflate; client_no_context_takeover; client_max_window_bits; "
                  "server_no_context_takeover; server_max_window_bits=9, "
                  "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
                  "server_no_context_takeover, "
                  "permessage-deflate; "
                  "client_no_context_takeover; client_max_window_bits",
                  kBoth9,
                  "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                  "server_max_window_bits=9; client_max_window_bits=9",
                  "13.7: the first of three"},
        // Honouring the client's server_* parameters (§7.1.1.1, §7.1.2.1).
        ServerRow{"permessage-deflate; server_no_context_takeover", kAccept,
                  "permessage-deflate; server_no_context_takeover", "§7.1.1.1 honoured"},
        ServerRow{"permessage-deflate; server_max_window_bits=10", kAccept,
                  "permessage-deflate; server_max_window_bits=10", "§7.1.2.1 honoured"},
        ServerRow{"permessage-deflate; server_max_window_bits=8", kAccept, "",
                  "8 cannot be honoured by zlib: declined"},
        ServerRow{"permessage-deflate; server_max_window_bits=8, permessage-deflate", kAccept,
                  "permessage-deflate", "8 declined, the next alternative accepted"},
        ServerRow{"permessage-deflate",
                  {.request_server_no_context_takeover = true},
                  "permessage-deflate; server_no_context_takeover",
                  "server_no_context_takeover added unasked"},
        // client_max_window_bits with a value in the offer: never answer a larger one.
        ServerRow{"permessage-deflate; client_max_window_bits=10", kWindow15,
                  "permessage-deflate; client_max_window_bits=10", "min(15, offered 10)"},
        ServerRow{"permessage-deflate; client_max_window_bits=10", kWindow9,
                  "permessage-deflate; client_max_window_bits=9", "min(9, offered 10)"},
        ServerRow{"permessage-deflate; client_max_window_bits=10", kAccept, "permessage-deflate",
                  "the client's own limit needs no answer"},
        // Malformed alternatives and other extensions are skipped (§5).
        ServerRow{"permessage-deflate; foo, permessage-deflate; client_max_window_bits", kWindow9,
                  "permessage-deflate; client_max_window_bits=9",
                  "unknown parameter: next alternative"},
        ServerRow{"permessage-deflate; server_max_window_bits=16", kAccept, "", "bad value"},
        ServerRow{"permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                  kAccept, "", "duplicate"},
        ServerRow{"x-webkit-deflate-frame, permessage-deflate", kAccept, "permessage-deflate",
                  "another extension first"},
        ServerRow{"x-webkit-deflate-frame", kAccept, "", "no permessage-deflate at all"}));

TEST(NegotiateAsServer, NothingOffered) {
    EXPECT_FALSE(negotiate_deflate_as_server({}, kAccept));
}

// ---- check_deflate_response ---------------------------------------------------------------

struct ResponseRow {
    std::string_view offer;     // what the client sent
    std::string_view response;  // the server's element
    std::error_code error;
    std::string_view agreed;  // format_deflate_params(agreed) when accepted
    std::string_view why;
};

// `check(response element, offer, agreed)` on a row (a ResponseRow or a LenientRow): the
// row's error, and when accepted its agreement.
template <class Row, class Check>
void expect_judged(const Row& row, Check check) {
    const auto offered = offer(row.offer);
    const auto ext = extensions(row.response);
    ASSERT_EQ(ext.size(), 1u);
    DeflateParams agreed;
    const std::error_code ec = check(ext[0], offered, agreed);
    EXPECT_EQ(ec, row.error) << row.why << ": got " << ec.message();
    if (!row.error) {
        EXPECT_EQ(format_deflate_params(agreed), row.agreed) << row.why;
    }
}

class CheckDeflateResponse : public ::testing::TestWithParam<ResponseRow> {};

TEST_P(CheckDeflateResponse, Judges) {
    expect_judged(GetParam(), [](const Extension& ext, const auto& offered, DeflateParams& agreed) {
        return check_deflate_response(ext, offered, agreed);
    });
}

constexpr std::string_view kAutobahn132 =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_no_context_takeover";
constexpr std::string_view kAutobahn133 =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_max_window_bits=9";
constexpr std::string_view kAutobahn136 =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_no_context_takeover; server_max_window_bits=15";
constexpr std::string_view kAutobahn137 =
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_no_context_takeover; server_max_window_bits=9, "
    "permessage-deflate; client_no_context_takeover; client_max_window_bits; "
    "server_no_context_takeover, "
    "permessage-deflate; client_no_context_takeover; client_max_window_bits";
const std::error_code kNotOffered = DeflateError::response_parameter_not_offered;
const std::error_code kTooLarge = DeflateError::response_window_too_large;
const std::error_code kMissing = DeflateError::response_parameter_missing;

INSTANTIATE_TEST_SUITE_P(
    Rows, CheckDeflateResponse,
    ::testing::Values(
        // Autobahn's fuzzingclient offers. `agreed` keeps the client's own
        // client_no_context_takeover promise (§7.1.1.2) whether or not the server repeats it.
        ResponseRow{kAutobahnOffer, "permessage-deflate", kOk,
                    "permessage-deflate; client_no_context_takeover", "12.x: plain accept"},
        ResponseRow{kAutobahnOffer, "permessage-deflate; client_max_window_bits=9", kOk,
                    "permessage-deflate; client_no_context_takeover; client_max_window_bits=9",
                    "12.x: server limits the client window"},
        ResponseRow{kAutobahnOffer, "permessage-deflate; client_no_context_takeover", kOk,
                    "permessage-deflate; client_no_context_takeover", "12.x: echoed"},
        ResponseRow{kAutobahnOffer, "permessage-deflate; server_max_window_bits=12", kOk,
                    "permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
                    "§7.1.2.1: a server may limit its own window unasked"},
        ResponseRow{kAutobahnOffer, "permessage-deflate; server_no_context_takeover", kOk,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                    "§7.1.1.1: a server may drop its own context unasked"},
        ResponseRow{kAutobahnOffer, "permessage-deflate; client_max_window_bits", kInvalid, "",
                    "§7.1.2.2: a response's client_max_window_bits needs a value"},
        ResponseRow{kAutobahn132, "permessage-deflate; server_no_context_takeover", kOk,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                    "13.2 accepted"},
        ResponseRow{kAutobahn132, "permessage-deflate", kMissing, "",
                    "13.2: accepting means including server_no_context_takeover"},
        ResponseRow{kAutobahn133, "permessage-deflate; server_max_window_bits=9", kOk,
                    "permessage-deflate; client_no_context_takeover; server_max_window_bits=9",
                    "13.3 accepted"},
        ResponseRow{kAutobahn133, "permessage-deflate; server_max_window_bits=8", kOk,
                    "permessage-deflate; client_no_context_takeover; server_max_window_bits=8",
                    "13.3: a smaller window is allowed"},
        ResponseRow{kAutobahn133, "permessage-deflate; server_max_window_bits=10", kTooLarge, "",
                    "13.3: 10 > offered 9"},
        ResponseRow{kAutobahn133, "permessage-deflate", kMissing, "",
                    "13.3: without the parameter the server would use 15"},
        ResponseRow{kAutobahn136,
                    "permessage-deflate; server_no_context_takeover; server_max_window_bits=15; "
                    "client_max_window_bits=15",
                    kOk,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    "server_max_window_bits=15; client_max_window_bits=15",
                    "13.6 accepted, with a client window"},
        ResponseRow{kAutobahn137,
                    "permessage-deflate; server_no_context_takeover; server_max_window_bits=9", kOk,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover; "
                    "server_max_window_bits=9",
                    "13.7: fits the first alternative"},
        ResponseRow{kAutobahn137, "permessage-deflate; server_no_context_takeover", kOk,
                    "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                    "13.7: fits the second"},
        ResponseRow{kAutobahn137, "permessage-deflate", kOk,
                    "permessage-deflate; client_no_context_takeover", "13.7: fits the third"},
        ResponseRow{kAutobahn137, "permessage-deflate; server_max_window_bits=12", kOk,
                    "permessage-deflate; client_no_context_takeover; server_max_window_bits=12",
                    "13.7: fits the third only"},
        // Parameters the offer did not allow.
        ResponseRow{"permessage-deflate", "permessage-deflate; client_max_window_bits=10",
                    kNotOffered, "", "§7.1.2.2: client_max_window_bits not offered"},
        ResponseRow{"permessage-deflate; client_max_window_bits=10",
                    "permessage-deflate; client_max_window_bits=11", kTooLarge, "",
                    "above the client's offered value"},
        ResponseRow{"permessage-deflate; client_max_window_bits=10", "permessage-deflate", kOk,
                    "permessage-deflate; client_max_window_bits=10",
                    "the client's offered limit binds it"},
        ResponseRow{"permessage-deflate", "permessage-deflate; client_no_context_takeover", kOk,
                    "permessage-deflate; client_no_context_takeover",
                    "§7.1.1.2: a server may ask for client_no_context_takeover unasked"},
        ResponseRow{"permessage-deflate; server_max_window_bits=10, permessage-deflate",
                    "permessage-deflate; client_max_window_bits=10", kNotOffered, "",
                    "fits no alternative: the first one's error"},
        // Malformed responses.
        ResponseRow{kAutobahnOffer, "permessage-deflate; server_max_window_bits=16", kInvalid, "",
                    "bad value"},
        ResponseRow{kAutobahnOffer, "permessage-deflate; foo", kUnknown, "", "unknown parameter"},
        ResponseRow{kAutobahnOffer,
                    "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
                    kDuplicate, "", "duplicate"},
        ResponseRow{kAutobahnOffer, "x-webkit-deflate-frame", DeflateError::not_permessage_deflate,
                    "", "another extension"}));

// ---- check_deflate_response_lenient ------------------------------------------------------

struct LenientRow {
    std::string_view offer;
    std::string_view response;
    std::error_code error;
    std::string_view agreed;
    std::string_view omitted;  // joined with ", "
    std::string_view why;
};

class CheckDeflateResponseLenient : public ::testing::TestWithParam<LenientRow> {};

TEST_P(CheckDeflateResponseLenient, Judges) {
    const auto& row = GetParam();
    std::vector<std::string> omitted{"stale"};
    expect_judged(row, [&](const Extension& ext, const auto& offered, DeflateParams& agreed) {
        return check_deflate_response_lenient(ext, offered, agreed, omitted);
    });
    std::string joined;
    for (const auto& name : omitted) joined += (joined.empty() ? "" : ", ") + name;
    EXPECT_EQ(joined, row.error ? "" : row.omitted) << row.why;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CheckDeflateResponseLenient,
    ::testing::Values(
        LenientRow{kAutobahn133, "permessage-deflate; server_max_window_bits=9", kOk,
                   "permessage-deflate; client_no_context_takeover; server_max_window_bits=9", "",
                   "a strict fit leaves nothing omitted"},
        LenientRow{kAutobahn132, "permessage-deflate", kOk,
                   "permessage-deflate; client_no_context_takeover", "server_no_context_takeover",
                   "13.2 as tornado answers: the server keeps its context"},
        LenientRow{kAutobahn133, "permessage-deflate; client_no_context_takeover", kOk,
                   "permessage-deflate; client_no_context_takeover", "server_max_window_bits=9",
                   "13.3 as libwebsockets answers: the server may use 15 bits"},
        LenientRow{kAutobahn136,
                   "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                   kOk,
                   "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
                   "server_max_window_bits=15", "13.6 as gorilla answers"},
        LenientRow{kAutobahn136, "permessage-deflate; server_max_window_bits=15", kOk,
                   "permessage-deflate; client_no_context_takeover; server_max_window_bits=15",
                   "server_no_context_takeover", "13.6 as tornado answers"},
        LenientRow{kAutobahn136, "permessage-deflate", kOk,
                   "permessage-deflate; client_no_context_takeover",
                   "server_no_context_takeover, server_max_window_bits=15", "both left out"},
        LenientRow{kAutobahn133, "permessage-deflate; server_max_window_bits=10", kTooLarge, "", "",
                   "a larger window than offered is never excused"},
        LenientRow{"permessage-deflate; server_max_window_bits=9, "
                   "permessage-deflate; server_no_context_takeover",
                   "permessage-deflate; server_max_window_bits=12", kOk,
                   "permessage-deflate; server_max_window_bits=12", "server_no_context_takeover",
                   "the second alternative fits leniently though the first fails otherwise"},
        LenientRow{"permessage-deflate", "permessage-deflate; client_max_window_bits=10",
                   kNotOffered, "", "", "a parameter the client did not offer is never excused"},
        LenientRow{kAutobahn132, "permessage-deflate; client_max_window_bits", kInvalid, "", "",
                   "a malformed response is never excused"}));

TEST(CheckDeflateResponse, NothingOffered) {
    DeflateParams agreed;
    EXPECT_EQ(check_deflate_response(extensions("permessage-deflate")[0], {}, agreed),
              HandshakeError::extension_not_offered);
}

// ---- deflate_settings ------------------------------------------------------------------------

TEST(DeflateSettings, EachSideSendsWithItsOwnHalf) {
    const DeflateParams agreed{.server_no_context_takeover = true,
                               .client_no_context_takeover = false,
                               .server_max_window_bits = 10,
                               .client_max_window_bits = 12};
    const auto server = deflate_settings(agreed, true);
    EXPECT_EQ(server.send_window_bits, 10);
    EXPECT_TRUE(server.send_no_context_takeover);
    EXPECT_EQ(server.receive_window_bits, 12);
    EXPECT_FALSE(server.receive_no_context_takeover);
    const auto client = deflate_settings(agreed, false);
    EXPECT_EQ(client.send_window_bits, 12);
    EXPECT_FALSE(client.send_no_context_takeover);
    EXPECT_EQ(client.receive_window_bits, 10);
    EXPECT_TRUE(client.receive_no_context_takeover);
}

TEST(DeflateSettings, AbsentOrValuelessWindowIs15) {
    const auto s = deflate_settings({.client_max_window_bits = -1}, false);
    EXPECT_EQ(s.send_window_bits, 15);
    EXPECT_EQ(s.receive_window_bits, 15);
    EXPECT_FALSE(s.send_no_context_takeover);
    EXPECT_FALSE(s.receive_no_context_takeover);
}

// ---- RFC 7692 §7.2.3 examples --------------------------------------------------------------

// §7.2.3.1: "Hello" as one compressed message (payload of 0xc1 0x07 ...).
constexpr std::string_view kHello = "f2 48 cd c9 c9 07 00";
// §7.2.3.2: the same message again, with the sliding window shared: a match of length 5
// at distance 5.
constexpr std::string_view kHelloAgain = "f2 00 11 00 00";

TEST(Rfc7692Examples, DeflaterMatchesHelloBytes) {
    // zlib at the default level 6 produces the RFC's bytes exactly.
    Deflater d(15, false);
    EXPECT_EQ(compress(d, "Hello"), unhex(kHello));
    EXPECT_EQ(compress(d, "Hello"), unhex(kHelloAgain)) << "§7.2.3.2: context takeover";
}

TEST(Rfc7692Examples, NoContextTakeoverRepeatsTheFirstForm) {
    Deflater d(15, true);
    EXPECT_EQ(compress(d, "Hello"), unhex(kHello));
    EXPECT_EQ(compress(d, "Hello"), unhex(kHello));
}

TEST(Rfc7692Examples, EmptyMessageIsOneZeroByte) {
    // §7.2.3.6: an empty DEFLATE block with no compression, its LEN/NLEN removed: 0x00.
    Deflater d(15, false);
    EXPECT_EQ(hex(compress(d, "")), "00");
    EXPECT_EQ(compress(d, "Hello"), unhex(kHello)) << "the empty message left the context alone";
    EXPECT_EQ(hex(compress(d, "")), "00");
    EXPECT_EQ(compress(d, "Hello"), unhex(kHelloAgain));
}

struct ExampleRow {
    std::vector<std::string_view> messages;  // each message's payload, hex
    std::vector<std::string_view> expected;  // what each inflates to
    std::string_view why;
};

class Rfc7692Inflate : public ::testing::TestWithParam<ExampleRow> {};

TEST_P(Rfc7692Inflate, Inflates) {
    const auto& row = GetParam();
    Inflater inf(15, false, 1 << 20);
    ASSERT_EQ(row.messages.size(), row.expected.size());
    for (std::size_t i = 0; i < row.messages.size(); ++i) {
        std::string out;
        EXPECT_FALSE(inflate_message(inf, unhex(row.messages[i]), out)) << row.why << " #" << i;
        EXPECT_EQ(out, row.expected[i]) << row.why << " #" << i;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, Rfc7692Inflate,
    ::testing::Values(
        ExampleRow{{kHello}, {"Hello"}, "§7.2.3.1"},
        ExampleRow{{kHello, kHelloAgain}, {"Hello", "Hello"}, "§7.2.3.2 sliding window shared"},
        // BFINAL=0 BTYPE=00, LEN=5 NLEN=~5, "Hello", then 00: the next empty block's header.
        ExampleRow{{"00 05 00 fa ff 48 65 6c 6c 6f 00"}, {"Hello"}, "§7.2.3.3 stored block"},
        // BFINAL=1 BTYPE=01 "Hello", then 00 (BFINAL=0 BTYPE=00, padding).
        ExampleRow{{"f3 48 cd c9 c9 07 00 00"}, {"Hello"}, "§7.2.3.4 BFINAL set"},
        ExampleRow{{"f3 48 cd c9 c9 07 00 00", kHelloAgain, kHello},
                   {"Hello", "Hello", "Hello"},
                   "§7.2.3.4 then a message reaching back past the final block"},
        // "He" flushed (f2 48 05 00 + 00 00 ff ff), then "llo".
        ExampleRow{
            {"f2 48 05 00 00 00 ff ff ca c9 c9 07 00"}, {"Hello"}, "§7.2.3.5 two DEFLATE blocks"},
        ExampleRow{{"00", "", kHello, "", "00", kHelloAgain},
                   {"", "", "Hello", "", "", "Hello"},
                   "§7.2.3.6 empty messages: 00, or no payload at all"}));

TEST(Rfc7692Examples, FragmentedHelloAsInTheRfc) {
    // §7.2.3.1: 0x41 0x03 f2 48 cd, then 0x80 0x04 c9 c9 07 00.
    Inflater inf(15, false, 1 << 20);
    std::string out;
    ASSERT_FALSE(inf.feed(as_span(unhex("f2 48 cd")), out));
    ASSERT_FALSE(inf.feed(as_span(unhex("c9 c9 07 00")), out));
    ASSERT_FALSE(inf.finish_message(out));
    EXPECT_EQ(out, "Hello");
}

// ---- corrupt input ----------------------------------------------------------------------------

struct CorruptRow {
    std::vector<std::string_view> messages;  // the last one is the bad one
    bool no_context_takeover;
    std::string_view why;
};

class InflateCorrupt : public ::testing::TestWithParam<CorruptRow> {};

TEST_P(InflateCorrupt, FailsAndStaysFailed) {
    const auto& row = GetParam();
    Inflater inf(15, row.no_context_takeover, 1 << 20);
    for (std::size_t i = 0; i + 1 < row.messages.size(); ++i) {
        std::string out;
        ASSERT_FALSE(inflate_message(inf, unhex(row.messages[i]), out)) << row.why;
    }
    std::string out;
    EXPECT_EQ(inflate_message(inf, unhex(row.messages.back()), out), Error::inflate_failed)
        << row.why;
    // Unusable afterwards, whatever comes next.
    EXPECT_EQ(inf.feed(as_span(unhex(kHello)), out), Error::inflate_failed);
    EXPECT_EQ(inf.finish_message(out), Error::inflate_failed);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, InflateCorrupt,
    ::testing::Values(
        CorruptRow{{"ff ff ff"}, false, "BTYPE=11 is reserved"},
        CorruptRow{{"00 05 00 00 00 48 65 6c 6c 6f 00"}, false, "stored block NLEN != ~LEN"},
        CorruptRow{{"f2 48 cd"}, false, "message ends inside a block"},
        CorruptRow{
            {"f3 48 cd c9 c9 07 00"}, false, "§7.2.3.4 without the 00 after the final block"},
        CorruptRow{{kHello, kHelloAgain},
                   true,
                   "no context takeover: a match reaching into the previous message"},
        CorruptRow{{kHelloAgain}, false, "a match before the first byte"}));

// ---- round trips ------------------------------------------------------------------------------

std::vector<std::string> sample_messages() {
    std::mt19937 rng(7692);
    std::vector<std::string> out;
    out.push_back("Hello");
    out.push_back("");
    std::string text;
    while (text.size() < 5000) text += "permessage-deflate compresses repeated text well. ";
    out.push_back(text);
    out.push_back(text);  // again: a long match into the previous message under takeover
    std::string random(3000, '\0');
    for (auto& c : random) c = static_cast<char>(rng());
    out.push_back(random);
    out.push_back(random.substr(0, 400));  // reaches back ~3000 bytes, past small windows
    std::string alphabet(70000, '\0');     // over 64 KiB: several blocks and output steps
    for (auto& c : alphabet) c = "abcdefgh"[rng() % 8];
    out.push_back(alphabet);
    out.push_back(std::string(40000, 'z'));
    out.push_back("Hello");
    return out;
}

// Feeds `payload` in random pieces, empty ones included.
std::error_code feed_in_pieces(Inflater& inf, std::string_view payload, std::mt19937& rng,
                               std::string& out) {
    std::size_t pos = 0;
    while (pos < payload.size()) {
        const std::size_t n = std::min<std::size_t>(payload.size() - pos, rng() % 300);
        if (auto ec = inf.feed(as_span(payload.substr(pos, n)), out)) return ec;
        pos += n;
    }
    return inf.finish_message(out);
}

struct RoundTripRow {
    int window_bits;
    bool no_context_takeover;
};

class RoundTrip : public ::testing::TestWithParam<RoundTripRow> {};

TEST_P(RoundTrip, MessagesSurviveAnyFrameSplit) {
    const auto [bits, no_context] = GetParam();
    std::mt19937 rng(static_cast<unsigned>(bits * 2 + no_context));
    for (int level : {1, 6, 9}) {
        Deflater d(bits, no_context, level);
        Inflater whole(bits, no_context, 1 << 20);
        Inflater split(bits, no_context, 1 << 20);
        for (const auto& message : sample_messages()) {
            const auto payload = compress(d, message);
            std::string a, b;
            ASSERT_FALSE(inflate_message(whole, payload, a)) << "level " << level;
            ASSERT_EQ(a, message) << "level " << level;
            ASSERT_FALSE(feed_in_pieces(split, payload, rng, b)) << "level " << level;
            ASSERT_EQ(b, message) << "level " << level;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Windows, RoundTrip, ::testing::ValuesIn([] {
                             std::vector<RoundTripRow> rows;
                             for (int bits = 8; bits <= 15; ++bits)
                                 for (bool no_context : {false, true})
                                     rows.push_back({bits, no_context});
                             return rows;
                         }()),
                         [](const auto& info) {
                             return "bits" + std::to_string(info.param.window_bits) +
                                    (info.param.no_context_takeover ? "_no_context" : "_takeover");
                         });

TEST(RoundTrip, ContextTakeoverCompressesRepeatsBetter) {
    const std::string with = std::string(200, 'x') + "the quick brown fox jumps over the lazy dog";
    Deflater keep(15, false);
    Deflater reset(15, true);
    compress(keep, with);
    compress(reset, with);
    EXPECT_LT(compress(keep, with).size(), compress(reset, with).size());
}

// An agreed window of 8 (256 bytes): zlib deflates with 9, yet its matches reach back at most
// 512 - 262 = 250 bytes, so a receiver keeping 256 bytes decodes every message. A 15-bit
// sender's output, by contrast, refers 300 bytes back and the 8-bit receiver refuses it.
TEST(RoundTrip, WindowEightOutputFitsAWindowOfEight) {
    std::mt19937 rng(8);
    std::string block(300, '\0');
    for (auto& c : block) c = static_cast<char>(rng());
    Deflater eight(8, false);
    Inflater receiver(8, false, 1 << 20);
    for (int i = 0; i < 4; ++i) {
        std::string out;
        ASSERT_FALSE(inflate_message(receiver, compress(eight, block), out)) << i;
        EXPECT_EQ(out, block);
    }
    Deflater fifteen(15, false);
    Inflater strict(8, false, 1 << 20);
    std::string out;
    ASSERT_FALSE(inflate_message(strict, compress(fifteen, block), out));
    out.clear();
    EXPECT_EQ(inflate_message(strict, compress(fifteen, block), out), Error::inflate_failed)
        << "a match 300 bytes back, into the previous message, is beyond a 256-byte window";
}

// ---- bounded inflate ----------------------------------------------------------------------

// `total` zero bytes as one raw DEFLATE message (sync flush, tail removed), built with zlib
// directly so the test never holds the inflated form.
std::string zero_bomb(std::size_t total) {
    z_stream strm{};
    EXPECT_EQ(deflateInit2(&strm, 9, Z_DEFLATED, -15, 9, Z_RLE), Z_OK);
    const std::string zeros(1 << 20, '\0');
    std::string out;
    std::vector<unsigned char> buf(1 << 16);
    for (std::size_t done = 0; done < total;) {
        const std::size_t n = std::min(zeros.size(), total - done);
        done += n;
        strm.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(zeros.data()));
        strm.avail_in = static_cast<uInt>(n);
        const int flush = done == total ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        do {
            strm.next_out = buf.data();
            strm.avail_out = static_cast<uInt>(buf.size());
            deflate(&strm, flush);
            out.append(reinterpret_cast<char*>(buf.data()), buf.size() - strm.avail_out);
        } while (strm.avail_out == 0);
    }
    deflateEnd(&strm);
    EXPECT_EQ(hex(out.substr(out.size() - 4)), "0000ffff");
    out.resize(out.size() - 4);
    return out;
}

constexpr std::size_t kMiB = std::size_t{1} << 20;

TEST(BoundedInflate, BombStopsAtMaxOutputExactly) {
    const auto bomb = zero_bomb(100 * kMiB);
    ASSERT_LT(bomb.size(), 200u * 1024) << "about 1:1000";
    Inflater inf(15, false, kMiB, /*max_ratio=*/0.0);  // the cap alone
    std::string out;
    EXPECT_EQ(inf.feed(as_span(bomb), out), Error::inflate_limit_exceeded);
    // The bound: never a byte past max_output, nor capacity past it.
    EXPECT_EQ(out.size(), kMiB);
    EXPECT_LE(out.capacity(), kMiB);
    EXPECT_EQ(out.find_first_not_of('\0'), std::string::npos);
    // Unusable afterwards.
    EXPECT_EQ(inf.finish_message(out), Error::inflate_limit_exceeded);
    EXPECT_EQ(out.size(), kMiB);
}

TEST(BoundedInflate, BombInSmallFramesStopsAtTheSameBound) {
    const auto bomb = zero_bomb(20 * kMiB);
    Inflater inf(15, false, kMiB, /*max_ratio=*/0.0);
    std::string out(100, 'p');  // bytes of the caller's before the message
    std::error_code ec;
    std::size_t pos = 0;
    for (; pos < bomb.size() && !ec; pos += 1024)
        ec = inf.feed(as_span(std::string_view(bomb).substr(pos, 1024)), out);
    EXPECT_EQ(ec, Error::inflate_limit_exceeded);
    EXPECT_LT(pos, bomb.size()) << "refused before the end of the input";
    EXPECT_EQ(out.size(), 100 + kMiB);
    EXPECT_LE(out.capacity(), 100 + kMiB);
}

TEST(BoundedInflate, MaxOutputIsInclusiveAndPerMessage) {
    Deflater d(15, false);
    Inflater inf(15, false, kMiB, /*max_ratio=*/0.0);
    for (std::size_t size : {kMiB, kMiB - 1, kMiB}) {
        std::string out;
        EXPECT_FALSE(inflate_message(inf, compress(d, std::string(size, 'q')), out)) << size;
        EXPECT_EQ(out.size(), size);
    }
    std::string out;
    EXPECT_EQ(inflate_message(inf, compress(d, std::string(kMiB + 1, 'q')), out),
              Error::inflate_limit_exceeded);
    EXPECT_EQ(out.size(), kMiB);
}

TEST(BoundedInflate, RatioCapFiresWithinOneStepPastTheFloor) {
    const auto bomb = zero_bomb(20 * kMiB);  // ratio about 1000
    Inflater inf(15, false, 64 * kMiB, /*max_ratio=*/100.0);
    std::string out;
    EXPECT_EQ(inf.feed(as_span(bomb), out), Error::inflate_limit_exceeded);
    EXPECT_GT(out.size(), kInflateRatioFloor);
    EXPECT_LE(out.size(), kInflateRatioFloor + kInflateStep);
}

TEST(BoundedInflate, RatioCapSparesOrdinaryData) {
    std::mt19937 rng(1);
    std::string data(3 * kMiB, '\0');
    for (auto& c : data) c = "abcd"[rng() % 4];  // ratio about 4
    Deflater d(15, false, 1);
    Inflater inf(15, false, 64 * kMiB, /*max_ratio=*/10.0);
    std::string out;
    EXPECT_FALSE(inflate_message(inf, compress(d, data), out));
    EXPECT_EQ(out, data);
}

TEST(BoundedInflate, RatioCapOffWithZero) {
    const auto bomb = zero_bomb(8 * kMiB);
    Inflater inf(15, false, 64 * kMiB, /*max_ratio=*/0.0);
    std::string out;
    EXPECT_FALSE(inflate_message(inf, bomb, out));
    EXPECT_EQ(out.size(), 8 * kMiB);
}

// ---- error category -----------------------------------------------------------------------

TEST(DeflateCategory, OneDistinctLinePerError) {
    std::vector<std::string> seen;
    for (int v = static_cast<int>(DeflateError::not_permessage_deflate);
         v <= static_cast<int>(DeflateError::response_parameter_missing); ++v) {
        const auto text = std::error_code(static_cast<DeflateError>(v)).message();
        EXPECT_EQ(text.rfind("permessage-deflate: ", 0), 0u) << text;
        EXPECT_EQ(text.find('\n'), std::string::npos);
        EXPECT_EQ(std::find(seen.begin(), seen.end(), text), seen.end()) << text;
        seen.push_back(text);
    }
    EXPECT_STREQ(deflate_category().name(), "wsconform.deflate");
}

}  // namespace
}  // namespace wsconform::protocol
