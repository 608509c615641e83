// RFC 6455 §4 opening handshake: key/accept, the §9.1 extension grammar, and one row per rule a
// request or response can break, fed as raw head text.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::protocol {
namespace {

// ---- key and accept --------------------------------------------------------------------------

struct AcceptRow {
    std::string_view key;
    std::string_view accept;
};

class ComputeAccept : public ::testing::TestWithParam<AcceptRow> {};

TEST_P(ComputeAccept, MatchesKnownValue) {
    EXPECT_EQ(compute_accept(GetParam().key), GetParam().accept);
}

INSTANTIATE_TEST_SUITE_P(Rows, ComputeAccept,
                         ::testing::Values(
                             // RFC 6455 §1.3 worked example.
                             AcceptRow{"dGhlIHNhbXBsZSBub25jZQ==", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
                             AcceptRow{"ov0xgaSDKDbFH7uZ1o+nSw==",
                                       "OmGjY/z/qs7HXtXvMnEJAZ/gJDU="}));

TEST(ComputeAccept, DiffersForOtherKeys) {
    EXPECT_NE(compute_accept("ov0xgaSDKDbFH7uZ1o+nSw=="), "7vI97qQ5QRxq6lD6E5RRX36mOBc=");
    EXPECT_NE(compute_accept("dGhlIHNhbXBsZSBub25jZQ=="),
              compute_accept("dGhlIHNhbXBsZSBub25jZA=="));
}

TEST(MakeKey, EncodesTheRfcSampleNonce) {
    // RFC 6455 §1.3: the nonce is the 16 bytes "the sample nonce".
    const std::string_view sample = "the sample nonce";
    std::array<std::uint8_t, 16> nonce{};
    for (std::size_t i = 0; i < nonce.size(); ++i) nonce[i] = static_cast<std::uint8_t>(sample[i]);
    const auto key = make_key(nonce);
    EXPECT_EQ(key, "dGhlIHNhbXBsZSBub25jZQ==");
    EXPECT_TRUE(is_valid_key(key));
}

TEST(MakeKey, EveryByteValueGivesAValidKey) {
    for (int b = 0; b < 256; ++b) {
        std::array<std::uint8_t, 16> nonce{};
        nonce.fill(static_cast<std::uint8_t>(b));
        const auto key = make_key(nonce);
        EXPECT_EQ(key.size(), 24u);
        EXPECT_TRUE(is_valid_key(key)) << key;
    }
}

struct KeyRow {
    std::string_view key;
    bool valid;
    std::string_view why;
};

class IsValidKey : public ::testing::TestWithParam<KeyRow> {};

TEST_P(IsValidKey, Judges) {
    EXPECT_EQ(is_valid_key(GetParam().key), GetParam().valid) << GetParam().why;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, IsValidKey,
    ::testing::Values(
        KeyRow{"dGhlIHNhbXBsZSBub25jZQ==", true, "RFC 6455 1.3 sample"},
        KeyRow{"ov0xgaSDKDbFH7uZ1o+nSw==", true, "uses + in the alphabet"},
        KeyRow{"/////////////////////w==", true, "uses / in the alphabet"},
        KeyRow{"AAAAAAAAAAAAAAAAAAAAAA==", true, "16 zero bytes"},
        KeyRow{"dGhlIHNhbXBsZSBub25j", false, "15 bytes, no padding (20 chars)"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZQ=", false, "one = short"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZQ", false, "padding missing (22 chars)"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZWE=", false, "17 bytes (single = padding)"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZWFh", false, "18 bytes, 24 chars without padding"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZWFhYQ==", false, "19 bytes"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZQ=A", false, "padding not at the end"},
        KeyRow{"dGhlIHNhbXBsZSBub25j=Q==", false, "= inside the data"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZ-==", false, "base64url - is not in the alphabet"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZ_==", false, "base64url _ is not in the alphabet"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZ!==", false, "! is not in the alphabet"},
        KeyRow{" GhlIHNhbXBsZSBub25jZQ==", false, "leading space"},
        KeyRow{"dGhlIHNhbXBsZSBub25jZQ== ", false, "trailing space"},
        KeyRow{"dGhlIHNhbXBsZSBub25 jZQ==", false, "space inside"}, KeyRow{"", false, "empty"},
        KeyRow{"========================", false, "only padding"}));

// ---- extensions --------------------------------------------------------------------------------

TEST(ParseExtensions, Rfc7692OfferWithTwoAlternatives) {
    std::vector<Extension> out;
    ASSERT_FALSE(
        parse_extensions("permessage-deflate; client_max_window_bits, permessage-deflate", out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].name, "permessage-deflate");
    ASSERT_EQ(out[0].params.size(), 1u);
    EXPECT_EQ(out[0].params[0].name, "client_max_window_bits");
    EXPECT_FALSE(out[0].params[0].value.has_value());
    EXPECT_EQ(out[1].name, "permessage-deflate");
    EXPECT_TRUE(out[1].params.empty());
}

TEST(ParseExtensions, ValuesTokenAndQuoted) {
    std::vector<Extension> out;
    ASSERT_FALSE(parse_extensions(
        "permessage-deflate;server_max_window_bits=10 ; client_max_window_bits = \"15\";"
        "server_no_context_takeover",
        out));
    ASSERT_EQ(out.size(), 1u);
    const auto& p = out[0].params;
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].name, "server_max_window_bits");
    EXPECT_EQ(p[0].value, "10");
    EXPECT_EQ(p[1].name, "client_max_window_bits");
    EXPECT_EQ(p[1].value, "15");  // unquoted
    EXPECT_EQ(p[2].name, "server_no_context_takeover");
    EXPECT_EQ(p[2].value, std::nullopt);
}

TEST(ParseExtensions, QuotedPairIsUnescaped) {
    std::vector<Extension> out;
    ASSERT_FALSE(parse_extensions(R"(x; a="\1\0")", out));
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].params[0].value, "10");
}

TEST(ParseExtensions, AppendsToExistingAndLeavesOutputAloneOnError) {
    std::vector<Extension> out(1);
    out[0].name = "first";
    ASSERT_FALSE(parse_extensions("second", out));
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[1].name, "second");
    EXPECT_EQ(parse_extensions("third, ;", out), HandshakeError::malformed_extensions);
    EXPECT_EQ(out.size(), 2u);
}

struct ExtensionRow {
    std::string_view value;
    std::size_t count;  // extensions parsed; 0 means malformed_extensions expected
    std::string_view why;
};

class ParseExtensionsRows : public ::testing::TestWithParam<ExtensionRow> {};

TEST_P(ParseExtensionsRows, Judges) {
    const auto& row = GetParam();
    std::vector<Extension> out;
    const auto ec = parse_extensions(row.value, out);
    if (row.count == 0) {
        EXPECT_EQ(ec, HandshakeError::malformed_extensions) << row.why;
    } else {
        EXPECT_FALSE(ec) << row.why << ": " << ec.message();
        EXPECT_EQ(out.size(), row.count) << row.why;
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ParseExtensionsRows,
    ::testing::Values(ExtensionRow{"permessage-deflate", 1, "bare name"},
                      ExtensionRow{"foo, bar, baz", 3, "three names"},
                      ExtensionRow{"foo,bar", 2, "no OWS"},
                      ExtensionRow{" \tfoo \t, \tbar\t ", 2, "OWS everywhere"},
                      ExtensionRow{"foo, , bar", 2,
                                   "empty element between commas (RFC 7230 #rule)"},
                      ExtensionRow{", foo,", 1, "leading and trailing empty elements"},
                      ExtensionRow{"foo;a;b=1;c=\"x\"", 1, "params without OWS"},
                      ExtensionRow{"foo ; a = 1 , bar", 2, "OWS around = and ;"},
                      ExtensionRow{"x-ext; p=\"a-b.c\"", 1, "quoted token with - and ."},
                      ExtensionRow{"", 0, "empty value"}, ExtensionRow{"   ", 0, "only whitespace"},
                      ExtensionRow{",", 0, "only an empty element"},
                      ExtensionRow{", ,", 0, "only empty elements"},
                      ExtensionRow{";a", 0, "parameter without an extension"},
                      ExtensionRow{"foo;", 0, "dangling semicolon"},
                      ExtensionRow{"foo; ;a", 0, "empty parameter"},
                      ExtensionRow{"foo;=1", 0, "parameter without a name"},
                      ExtensionRow{"foo;a=", 0, "= without a value"},
                      ExtensionRow{"foo;a= ,bar", 0, "= followed by a comma"},
                      ExtensionRow{"foo;a=1=2", 0, "two = in a parameter"},
                      ExtensionRow{"foo bar", 0, "two tokens without a separator"},
                      ExtensionRow{"foo;a b", 0, "space inside a parameter"},
                      ExtensionRow{"f(o)o", 0, "name is not a token"},
                      ExtensionRow{"foo;a=b/c", 0, "/ is not a tchar"},
                      ExtensionRow{"foo;a=\"15", 0, "unterminated quoted-string"},
                      ExtensionRow{"foo;a=\"\"", 0, "quoted value empty: not a token"},
                      ExtensionRow{"foo;a=\"1 5\"", 0, "quoted value with a space: not a token"},
                      ExtensionRow{"foo;a=\"a,b\"", 0, "quoted value with a comma: not a token"},
                      ExtensionRow{"foo;a=\"1\"5", 0, "text after the closing quote"},
                      ExtensionRow{"foo;a=\"1\\", 0, "backslash at the end"},
                      ExtensionRow{"\"foo\"", 0, "quoted extension name"},
                      ExtensionRow{"foo;\"a\"=1", 0, "quoted parameter name"}));

// ---- the upgrade request -----------------------------------------------------------------------

// Parses `raw` (which must be a complete head) and runs check_upgrade_request on it.
std::error_code check_request_text(std::string_view raw, UpgradeRequest& out) {
    HttpMessage m;
    const auto r = parse_http_head(raw, true, m);
    if (r.status == HttpParse::Status::error) return r.error;
    if (r.status != HttpParse::Status::ok) return HandshakeError::header_too_large;
    EXPECT_EQ(r.consumed, raw.size()) << raw;
    return check_upgrade_request(m, out);
}

struct RequestRow {
    std::string raw;
    HandshakeError expected;  // {} (value 0) means accepted
    std::string_view why;
};

constexpr HandshakeError kAccepted{};

// The verdict a table row expects: accepted, or exactly `expected`.
void expect_verdict(std::error_code ec, HandshakeError expected, std::string_view why) {
    if (expected == kAccepted) {
        EXPECT_FALSE(ec) << why << ": " << ec.message();
    } else {
        EXPECT_EQ(ec, expected) << why << ": got \"" << ec.message() << "\"";
    }
}

// A head: `first_line`, the `base` header lines but those naming any of `drop` (exact prefix
// match on "Name:"), then `extra` (whole lines) and the blank line.
std::string head_with(std::string_view first_line, const std::vector<std::string_view>& base,
                      const std::vector<std::string_view>& drop, std::string_view extra) {
    std::string out(first_line);
    out += "\r\n";
    for (auto line : base) {
        bool dropped = false;
        for (auto d : drop) dropped = dropped || line.substr(0, d.size()) == d;
        if (!dropped) out.append(line).append("\r\n");
    }
    out += extra;
    out += "\r\n";
    return out;
}

// RFC 6455 1.2's example request, changed as head_with() says.
std::string request_with(std::string_view request_line, std::vector<std::string_view> drop,
                         std::string_view extra = "") {
    return head_with(request_line,
                     {"Host: server.example.com", "Upgrade: websocket", "Connection: Upgrade",
                      "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version: 13"},
                     drop, extra);
}

class CheckUpgradeRequest : public ::testing::TestWithParam<RequestRow> {};

TEST_P(CheckUpgradeRequest, Judges) {
    const auto& row = GetParam();
    UpgradeRequest out;
    expect_verdict(check_request_text(row.raw, out), row.expected, row.why);
}

const std::string kGet = "GET /chat HTTP/1.1";

INSTANTIATE_TEST_SUITE_P(
    Rules, CheckUpgradeRequest,
    ::testing::Values(
        RequestRow{request_with(kGet, {}), kAccepted, "the RFC 6455 1.2 example request"},
        RequestRow{request_with("POST /chat HTTP/1.1", {}), HandshakeError::method_not_get,
                   "4.1: method MUST be GET"},
        RequestRow{request_with("get /chat HTTP/1.1", {}), HandshakeError::method_not_get,
                   "methods are case-sensitive"},
        RequestRow{request_with("HEAD /chat HTTP/1.1", {}), HandshakeError::method_not_get,
                   "HEAD is not GET"},
        RequestRow{request_with("GET /chat HTTP/1.0", {}), HandshakeError::http_version_too_old,
                   "4.1: HTTP version at least 1.1"},
        RequestRow{request_with("GET /chat HTTP/0.9", {}), HandshakeError::http_version_too_old,
                   "HTTP/0.9 version string"},
        RequestRow{request_with(kGet, {"Host:"}), HandshakeError::missing_host,
                   "4.1: Host header required"},
        RequestRow{request_with(kGet, {"Host:"}, "Host:\r\n"), HandshakeError::missing_host,
                   "an empty Host names no host"},
        RequestRow{request_with(kGet, {}, "Host: other.example.com\r\n"),
                   HandshakeError::duplicate_host, "RFC 9112 3.2: two Host headers"},
        RequestRow{request_with(kGet, {"Upgrade:"}), HandshakeError::missing_upgrade,
                   "4.1: Upgrade header required"},
        RequestRow{request_with(kGet, {"Upgrade:"}, "Upgrade: h2c\r\n"),
                   HandshakeError::upgrade_not_websocket, "Upgrade names another protocol"},
        RequestRow{request_with(kGet, {"Upgrade:"}, "Upgrade: websockets\r\n"),
                   HandshakeError::upgrade_not_websocket, "near miss websockets"},
        RequestRow{request_with(kGet, {"Upgrade:"}, "Upgrade:\r\n"),
                   HandshakeError::upgrade_not_websocket, "empty Upgrade"},
        RequestRow{request_with(kGet, {"Connection:"}), HandshakeError::connection_without_upgrade,
                   "4.1: Connection header missing"},
        RequestRow{request_with(kGet, {"Connection:"}, "Connection: keep-alive\r\n"),
                   HandshakeError::connection_without_upgrade, "Connection without Upgrade token"},
        RequestRow{request_with(kGet, {"Connection:"}, "Connection: Upgraded\r\n"),
                   HandshakeError::connection_without_upgrade, "near miss Upgraded"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Key:"}), HandshakeError::missing_key,
                   "4.1: Sec-WebSocket-Key required"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Key: ov0xgaSDKDbFH7uZ1o+nSw==\r\n"),
                   HandshakeError::duplicate_key, "11.3.1: key at most once"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Key:"},
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25j\r\n"),
                   HandshakeError::key_not_16_bytes, "15-byte key"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Key:"},
                                "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZWE=\r\n"),
                   HandshakeError::key_not_16_bytes, "17-byte key"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Key:"},
                                "Sec-WebSocket-Key: not base64 at all!!!!!\r\n"),
                   HandshakeError::key_not_16_bytes, "not base64"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Key:"}, "Sec-WebSocket-Key:\r\n"),
                   HandshakeError::key_not_16_bytes, "empty key"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Version:"}), HandshakeError::missing_version,
                   "4.1: Sec-WebSocket-Version required"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Version:"}, "Sec-WebSocket-Version: 8\r\n"),
                   HandshakeError::unsupported_version, "hybi-08 version"},
        RequestRow{
            request_with(kGet, {"Sec-WebSocket-Version:"}, "Sec-WebSocket-Version: 13, 8\r\n"),
            HandshakeError::unsupported_version, "a list of versions"},
        RequestRow{request_with(kGet, {"Sec-WebSocket-Version:"}, "Sec-WebSocket-Version: 013\r\n"),
                   HandshakeError::unsupported_version, "13 with a leading zero"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Version: 13\r\n"),
                   HandshakeError::unsupported_version, "version header twice"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Protocol: chat, super chat\r\n"),
                   HandshakeError::malformed_protocols, "4.1: a subprotocol with a space"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Protocol: chat, chat\r\n"),
                   HandshakeError::malformed_protocols, "4.1: subprotocols MUST be unique"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Protocol: chat/1\r\n"),
                   HandshakeError::malformed_protocols, "4.1: / is a separator"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Protocol:\r\n"),
                   HandshakeError::malformed_protocols, "empty subprotocol list"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Extensions: foo;\r\n"),
                   HandshakeError::malformed_extensions, "9.1: dangling ;"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Extensions:\r\n"),
                   HandshakeError::malformed_extensions, "9.1: empty extension list"},
        RequestRow{request_with(kGet, {}, "Sec-WebSocket-Extensions: foo; a=\"b c\"\r\n"),
                   HandshakeError::malformed_extensions, "9.1: quoted value is not a token"}));

INSTANTIATE_TEST_SUITE_P(
    ValidButUnusual, CheckUpgradeRequest,
    ::testing::Values(
        RequestRow{
            "GET /chat HTTP/1.1\r\nhost: a\r\nupgrade: websocket\r\nconnection: upgrade\r\n"
            "sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-version: 13\r\n\r\n",
            kAccepted, "lower-case header names and tokens"},
        RequestRow{
            "GET /chat HTTP/1.1\r\nHOST: a\r\nUPGRADE: WEBSOCKET\r\nCONNECTION: UPGRADE\r\n"
            "SEC-WEBSOCKET-KEY: dGhlIHNhbXBsZSBub25jZQ==\r\nSEC-WEBSOCKET-VERSION: 13\r\n\r\n",
            kAccepted, "upper-case header names and tokens"},
        RequestRow{request_with(kGet, {"Connection:"}, "Connection: keep-alive, Upgrade\r\n"),
                   kAccepted, "Connection: keep-alive, Upgrade (Firefox)"},
        RequestRow{request_with(kGet, {"Connection:"},
                                "Connection: keep-alive\r\nConnection: Upgrade\r\n"),
                   kAccepted, "Upgrade token in a second Connection header"},
        RequestRow{request_with(kGet, {"Upgrade:"}, "Upgrade: WebSocket\r\n"), kAccepted,
                   "Upgrade: WebSocket (old Safari spelling)"},
        RequestRow{request_with(kGet, {"Upgrade:"}, "Upgrade: websocket, foo\r\n"), kAccepted,
                   "Upgrade listing several protocols"},
        RequestRow{request_with("GET /chat?room=1&x=%20 HTTP/1.1", {}), kAccepted,
                   "query string in the target"},
        RequestRow{request_with("GET /chat HTTP/1.2", {}), kAccepted, "a later HTTP/1 minor"},
        RequestRow{request_with(kGet, {},
                                "Origin: http://example.com\r\nUser-Agent: x\r\nCookie: a=b\r\n"
                                "Sec-WebSocket-Protocol: chat, superchat\r\n"
                                "Sec-WebSocket-Extensions: permessage-deflate; "
                                "client_max_window_bits\r\n"),
                   kAccepted, "extra headers, protocols and extensions"},
        RequestRow{
            request_with(kGet, {},
                         "Sec-WebSocket-Protocol: chat\r\nSec-WebSocket-Protocol: v2.chat\r\n"),
            kAccepted, "subprotocols over two headers"},
        RequestRow{
            request_with(kGet, {"Sec-WebSocket-Version:"}, "Sec-WebSocket-Version:  13 \r\n"),
            kAccepted, "OWS around the version"}));

TEST(CheckUpgradeRequest, RulesAreCheckedInOrder) {
    // POST, HTTP/1.0, no Host, no Upgrade... only the first rule broken is reported.
    UpgradeRequest out;
    EXPECT_EQ(check_request_text("POST / HTTP/1.0\r\nX: y\r\n\r\n", out),
              HandshakeError::method_not_get);
    EXPECT_EQ(check_request_text("GET / HTTP/1.0\r\nX: y\r\n\r\n", out),
              HandshakeError::http_version_too_old);
    EXPECT_EQ(check_request_text("GET / HTTP/1.1\r\nX: y\r\n\r\n", out),
              HandshakeError::missing_host);
    EXPECT_EQ(check_request_text("GET / HTTP/1.1\r\nHost: a\r\n\r\n", out),
              HandshakeError::missing_upgrade);
    EXPECT_EQ(check_request_text("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\n\r\n", out),
              HandshakeError::connection_without_upgrade);
}

TEST(CheckUpgradeRequest, FillsTheRequest) {
    UpgradeRequest out;
    const auto ec = check_request_text(
        request_with("GET /chat?x=1 HTTP/1.1", {},
                     "Origin: http://example.com\r\n"
                     "Sec-WebSocket-Protocol: chat, superchat\r\n"
                     "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits, "
                     "permessage-deflate\r\n"),
        out);
    ASSERT_FALSE(ec) << ec.message();
    EXPECT_EQ(out.target, "/chat?x=1");
    EXPECT_EQ(out.host, "server.example.com");
    EXPECT_EQ(out.key, "dGhlIHNhbXBsZSBub25jZQ==");
    EXPECT_EQ(out.protocols, (std::vector<std::string>{"chat", "superchat"}));
    ASSERT_EQ(out.extensions.size(), 2u);
    EXPECT_EQ(out.extensions[0].params.size(), 1u);
    EXPECT_EQ(out.origin, "http://example.com");
}

TEST(CheckUpgradeRequest, NoOriginNoProtocolsNoExtensions) {
    UpgradeRequest out;
    out.origin = "stale";
    ASSERT_FALSE(check_request_text(request_with(kGet, {}), out));
    EXPECT_TRUE(out.protocols.empty());
    EXPECT_TRUE(out.extensions.empty());
    EXPECT_EQ(out.origin, std::nullopt);
}

// ---- the 101 response --------------------------------------------------------------------------

constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

struct ResponseRow {
    std::string raw;
    std::vector<std::string> offered_protocols;
    std::vector<std::string> offered_extensions;
    HandshakeError expected;
    std::string_view why;
};

// RFC 6455 1.2's example response, changed as head_with() says.
std::string response_with(std::string_view status_line, std::vector<std::string_view> drop,
                          std::string_view extra = "") {
    return head_with(status_line,
                     {"Upgrade: websocket", "Connection: Upgrade",
                      "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="},
                     drop, extra);
}

class CheckUpgradeResponse : public ::testing::TestWithParam<ResponseRow> {};

TEST_P(CheckUpgradeResponse, Judges) {
    const auto& row = GetParam();
    HttpMessage m;
    const auto r = parse_http_head(row.raw, false, m);
    ASSERT_EQ(r.status, HttpParse::Status::ok) << row.why << ": " << r.error.message();
    UpgradeResponse out;
    expect_verdict(
        check_upgrade_response(m, kSampleKey, row.offered_protocols, row.offered_extensions, out),
        row.expected, row.why);
}

const std::string k101 = "HTTP/1.1 101 Switching Protocols";
const std::vector<std::string> kNone;
const std::vector<std::string> kChat = {"chat", "superchat"};
const std::vector<std::string> kDeflate = {"permessage-deflate"};

INSTANTIATE_TEST_SUITE_P(
    Rules, CheckUpgradeResponse,
    ::testing::Values(
        ResponseRow{response_with(k101, {}), kNone, kNone, kAccepted, "RFC 6455 1.3 example"},
        ResponseRow{response_with("HTTP/1.1 200 OK", {}), kNone, kNone,
                    HandshakeError::status_not_101, "4.1: status must be 101"},
        ResponseRow{response_with("HTTP/1.1 426 Upgrade Required", {}), kNone, kNone,
                    HandshakeError::status_not_101, "426"},
        ResponseRow{response_with(k101, {"Upgrade:"}), kNone, kNone,
                    HandshakeError::response_missing_upgrade, "4.1: no Upgrade"},
        ResponseRow{response_with(k101, {"Upgrade:"}, "Upgrade: h2c\r\n"), kNone, kNone,
                    HandshakeError::response_upgrade_not_websocket, "4.1: Upgrade not websocket"},
        ResponseRow{response_with(k101, {"Connection:"}), kNone, kNone,
                    HandshakeError::response_connection_without_upgrade, "4.1: no Connection"},
        ResponseRow{response_with(k101, {"Connection:"}, "Connection: close\r\n"), kNone, kNone,
                    HandshakeError::response_connection_without_upgrade,
                    "4.1: Connection without Upgrade"},
        ResponseRow{response_with(k101, {"Sec-WebSocket-Accept:"}), kNone, kNone,
                    HandshakeError::missing_accept, "4.1: no Sec-WebSocket-Accept"},
        ResponseRow{response_with(k101, {"Sec-WebSocket-Accept:"},
                                  "Sec-WebSocket-Accept: 7vI97qQ5QRxq6lD6E5RRX36mOBc=\r\n"),
                    kNone, kNone, HandshakeError::accept_mismatch, "4.1: accept for another key"},
        ResponseRow{response_with(k101, {"Sec-WebSocket-Accept:"},
                                  "Sec-WebSocket-Accept: S3PPLMBITXAQ9KYGZZHZRBK+XOO=\r\n"),
                    kNone, kNone, HandshakeError::accept_mismatch,
                    "accept compared case-sensitively"},
        ResponseRow{response_with(k101, {"Sec-WebSocket-Accept:"},
                                  "Sec-WebSocket-Accept: dGhlIHNhbXBsZSBub25jZQ==\r\n"),
                    kNone, kNone, HandshakeError::accept_mismatch, "the key echoed back"},
        ResponseRow{
            response_with(k101, {}, "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"),
            kNone, kNone, HandshakeError::accept_mismatch, "accept sent twice"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Protocol: chat\r\n"), kNone, kNone,
                    HandshakeError::protocol_not_offered, "4.1: protocol when none offered"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Protocol: other\r\n"), kChat, kNone,
                    HandshakeError::protocol_not_offered, "4.1: protocol not in the offer"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Protocol: chat, superchat\r\n"), kChat,
                    kNone, HandshakeError::protocol_not_offered,
                    "server must pick one, not a list"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Protocol: CHAT\r\n"), kChat, kNone,
                    HandshakeError::protocol_not_offered, "subprotocols match exactly"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Extensions: permessage-deflate\r\n"),
                    kNone, kNone, HandshakeError::extension_not_offered,
                    "4.1: extension when none offered"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Extensions: x-webkit-deflate-frame\r\n"),
                    kNone, kDeflate, HandshakeError::extension_not_offered,
                    "4.1: extension not in the offer"},
        ResponseRow{
            response_with(k101, {}, "Sec-WebSocket-Extensions: permessage-deflate, foo\r\n"), kNone,
            kDeflate, HandshakeError::extension_not_offered, "one offered, one not"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Extensions: permessage-deflate;\r\n"),
                    kNone, kDeflate, HandshakeError::malformed_extensions, "9.1: dangling ;"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Extensions:\r\n"), kNone, kDeflate,
                    HandshakeError::malformed_extensions, "9.1: empty"}));

INSTANTIATE_TEST_SUITE_P(
    ValidButUnusual, CheckUpgradeResponse,
    ::testing::Values(
        ResponseRow{"HTTP/1.1 101 Switching Protocols\r\nupgrade: WebSocket\r\n"
                    "connection: keep-alive, upgrade\r\n"
                    "sec-websocket-accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n",
                    kNone, kNone, kAccepted, "lower-case names, mixed-case tokens"},
        ResponseRow{"HTTP/1.1 101 OK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nServer: x\r\n"
                    "Date: today\r\n\r\n",
                    kNone, kNone, kAccepted, "another reason phrase, extra headers"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Protocol: superchat\r\n"), kChat, kNone,
                    kAccepted, "the second offered protocol"},
        ResponseRow{response_with(k101, {}), kChat, kDeflate, kAccepted,
                    "server declines every offer"},
        ResponseRow{response_with(k101, {},
                                  "Sec-WebSocket-Extensions: permessage-deflate; "
                                  "server_no_context_takeover; client_max_window_bits=\"10\"\r\n"),
                    kNone, kDeflate, kAccepted, "RFC 7692 answer with a quoted value"},
        ResponseRow{response_with(k101, {}, "Sec-WebSocket-Extensions: PerMessage-Deflate\r\n"),
                    kNone, kDeflate, kAccepted, "extension names compared case-insensitively"}));

TEST(CheckUpgradeResponse, FillsTheResponse) {
    HttpMessage m;
    const auto raw = response_with(k101, {},
                                   "Sec-WebSocket-Protocol: chat\r\n"
                                   "Sec-WebSocket-Extensions: permessage-deflate; "
                                   "client_max_window_bits=10\r\n");
    ASSERT_EQ(parse_http_head(raw, false, m).status, HttpParse::Status::ok);
    UpgradeResponse out;
    ASSERT_FALSE(check_upgrade_response(m, kSampleKey, kChat, kDeflate, out));
    EXPECT_EQ(out.protocol, "chat");
    ASSERT_EQ(out.extensions.size(), 1u);
    EXPECT_EQ(out.extensions[0].name, "permessage-deflate");
    ASSERT_EQ(out.extensions[0].params.size(), 1u);
    EXPECT_EQ(out.extensions[0].params[0].value, "10");
}

// ---- the heads we write ------------------------------------------------------------------------

TEST(BuildUpgradeRequest, ExactBytes) {
    const std::vector<std::string> extra = {"Origin: http://example.com",
                                            "Sec-WebSocket-Protocol: chat"};
    EXPECT_EQ(build_upgrade_request("server.example.com", "/chat", kSampleKey, extra),
              "GET /chat HTTP/1.1\r\n"
              "Host: server.example.com\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Origin: http://example.com\r\n"
              "Sec-WebSocket-Protocol: chat\r\n"
              "\r\n");
}

TEST(BuildUpgradeRequest, PassesOurOwnCheck) {
    const auto raw = build_upgrade_request("127.0.0.1:9001", "/runCase?case=1&agent=x", kSampleKey);
    UpgradeRequest out;
    ASSERT_FALSE(check_request_text(raw, out));
    EXPECT_EQ(out.host, "127.0.0.1:9001");
    EXPECT_EQ(out.target, "/runCase?case=1&agent=x");
    EXPECT_EQ(out.key, kSampleKey);
}

TEST(BuildUpgradeResponse, ExactBytes) {
    EXPECT_EQ(build_upgrade_response(kSampleKey),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "\r\n");
    EXPECT_EQ(build_upgrade_response(kSampleKey, "chat", "permessage-deflate"),
              "HTTP/1.1 101 Switching Protocols\r\n"
              "Upgrade: websocket\r\n"
              "Connection: Upgrade\r\n"
              "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
              "Sec-WebSocket-Protocol: chat\r\n"
              "Sec-WebSocket-Extensions: permessage-deflate\r\n"
              "\r\n");
}

TEST(BuildUpgradeResponse, PassesTheClientCheck) {
    const auto raw = build_upgrade_response(kSampleKey, "chat", "permessage-deflate");
    HttpMessage m;
    ASSERT_EQ(parse_http_head(raw, false, m).status, HttpParse::Status::ok);
    UpgradeResponse out;
    EXPECT_FALSE(check_upgrade_response(m, kSampleKey, kChat, kDeflate, out));
    EXPECT_EQ(check_upgrade_response(m, "ov0xgaSDKDbFH7uZ1o+nSw==", kChat, kDeflate, out),
              HandshakeError::accept_mismatch);
}

TEST(BuildRejection, VersionGets426WithVersion13) {
    const std::error_code ec = HandshakeError::unsupported_version;
    const auto body = ec.message() + "\n";
    EXPECT_EQ(build_rejection(ec),
              "HTTP/1.1 426 Upgrade Required\r\n"
              "Sec-WebSocket-Version: 13\r\n"
              "Content-Type: text/plain\r\n"
              "Content-Length: " +
                  std::to_string(body.size()) +
                  "\r\n"
                  "Connection: close\r\n"
                  "\r\n" +
                  body);
}

TEST(BuildRejection, EveryOtherErrorGets400) {
    for (int e = 1; e <= static_cast<int>(HandshakeError::extension_not_offered); ++e) {
        const auto err = static_cast<HandshakeError>(e);
        if (err == HandshakeError::unsupported_version) continue;
        const std::error_code ec = err;
        const auto raw = build_rejection(ec);
        HttpMessage m;
        const auto r = parse_http_head(raw, false, m);
        ASSERT_EQ(r.status, HttpParse::Status::ok) << raw;
        EXPECT_EQ(m.status, 400);
        EXPECT_EQ(m.reason, "Bad Request");
        EXPECT_EQ(m.header_count("Sec-WebSocket-Version"), 0u);
        EXPECT_EQ(m.header("Content-Type"), "text/plain");
        EXPECT_EQ(m.header("Connection"), "close");
        const auto body = raw.substr(r.consumed);
        EXPECT_EQ(body, ec.message() + "\n");
        EXPECT_EQ(m.header("Content-Length"), std::to_string(body.size()));
    }
}

TEST(HandshakeCategory, OneDistinctLinePerError) {
    std::set<std::string> seen;
    for (int e = 1; e <= static_cast<int>(HandshakeError::extension_not_offered); ++e) {
        const std::error_code ec = static_cast<HandshakeError>(e);
        const auto msg = ec.message();
        EXPECT_FALSE(msg.empty()) << e;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
        EXPECT_EQ(msg.find("unknown"), std::string::npos) << e;
        EXPECT_TRUE(seen.insert(msg).second) << "duplicate message: " << msg;
    }
    EXPECT_EQ(std::error_code(HandshakeError::key_not_16_bytes).message(),
              "Sec-WebSocket-Key is not base64 of 16 bytes (RFC 6455 4.1)");
    EXPECT_NE(std::error_code(99, handshake_category()).message().find("unknown"),
              std::string::npos);
}

}  // namespace
}  // namespace wsconform::protocol
