// parse_http_head and the HttpMessage lookups: RFC 9112 heads fed as raw text.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::protocol {
namespace {

constexpr std::string_view kRequest =
    "GET /chat?room=1 HTTP/1.1\r\n"
    "Host: server.example.com\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    "Sec-WebSocket-Version: 13\r\n"
    "\r\n";

constexpr std::string_view kResponse =
    "HTTP/1.1 101 Switching Protocols\r\n"
    "Upgrade: websocket\r\n"
    "Connection: Upgrade\r\n"
    "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n"
    "\r\n";

std::string lf_only(std::string_view crlf) {
    std::string out;
    for (char c : crlf) {
        if (c != '\r') out += c;
    }
    return out;
}

TEST(ParseHttpHead, RequestFields) {
    HttpMessage m;
    const auto r = parse_http_head(kRequest, true, m);
    ASSERT_EQ(r.status, HttpParse::Status::ok) << r.error.message();
    EXPECT_EQ(r.consumed, kRequest.size());
    EXPECT_EQ(m.method, "GET");
    EXPECT_EQ(m.target, "/chat?room=1");
    EXPECT_EQ(m.version_major, 1);
    EXPECT_EQ(m.version_minor, 1);
    ASSERT_EQ(m.headers.size(), 5u);
    EXPECT_EQ(m.headers[0].name, "Host");
    EXPECT_EQ(m.headers[0].value, "server.example.com");
    EXPECT_EQ(m.headers[3].name, "Sec-WebSocket-Key");
}

TEST(ParseHttpHead, ResponseFields) {
    HttpMessage m;
    const auto r = parse_http_head(kResponse, false, m);
    ASSERT_EQ(r.status, HttpParse::Status::ok) << r.error.message();
    EXPECT_EQ(r.consumed, kResponse.size());
    EXPECT_EQ(m.status, 101);
    EXPECT_EQ(m.reason, "Switching Protocols");
    EXPECT_EQ(m.version_major, 1);
    EXPECT_EQ(m.version_minor, 1);
    EXPECT_EQ(m.headers.size(), 3u);
}

TEST(ParseHttpHead, NeedMoreAtEveryPrefix) {
    for (const auto& [head, is_request] :
         {std::pair{std::string(kRequest), true}, std::pair{std::string(kResponse), false},
          std::pair{lf_only(kRequest), true}, std::pair{lf_only(kResponse), false}}) {
        for (std::size_t n = 0; n < head.size(); ++n) {
            HttpMessage m;
            const auto r = parse_http_head(std::string_view(head).substr(0, n), is_request, m);
            EXPECT_EQ(r.status, HttpParse::Status::need_more)
                << "prefix of " << n << " bytes: " << r.error.message();
        }
        HttpMessage m;
        const auto r = parse_http_head(head, is_request, m);
        EXPECT_EQ(r.status, HttpParse::Status::ok) << r.error.message();
        EXPECT_EQ(r.consumed, head.size());
    }
}

TEST(ParseHttpHead, ConsumedExcludesPipelinedFrame) {
    // A client may send its first frame right behind the request.
    // 81 85 37 fa 21 3d 7f 9f 4d 51 58: FIN=1 op=text masked len=5 "Hello" (RFC 6455 §5.7)
    std::string data(kRequest);
    data += "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58";
    HttpMessage m;
    const auto r = parse_http_head(data, true, m);
    ASSERT_EQ(r.status, HttpParse::Status::ok) << r.error.message();
    EXPECT_EQ(r.consumed, kRequest.size());
    EXPECT_EQ(m.headers.size(), 5u);
}

TEST(ParseHttpHead, ConsumedExcludesBodyAfterResponse) {
    std::string data(kResponse);
    data += "\x88\x02\x03\xe8";  // FIN=1 op=close len=2 code=1000, unmasked
    HttpMessage m;
    const auto r = parse_http_head(data, false, m);
    ASSERT_EQ(r.status, HttpParse::Status::ok);
    EXPECT_EQ(r.consumed, kResponse.size());
}

TEST(ParseHttpHead, BareLfLineEndingsAccepted) {
    const auto head = lf_only(kRequest);
    HttpMessage m;
    const auto r = parse_http_head(head, true, m);
    ASSERT_EQ(r.status, HttpParse::Status::ok) << r.error.message();
    EXPECT_EQ(r.consumed, head.size());
    EXPECT_EQ(m.header("Host"), "server.example.com");
}

TEST(ParseHttpHead, HeaderTooLargeWithoutBlankLine) {
    std::string data = "GET / HTTP/1.1\r\n";
    while (data.size() <= 1024) data += "X-Filler: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n";
    HttpMessage m;
    EXPECT_EQ(parse_http_head(data.substr(0, 1024), true, m, 1024).status,
              HttpParse::Status::need_more);
    const auto r = parse_http_head(data, true, m, 1024);
    ASSERT_EQ(r.status, HttpParse::Status::error);
    EXPECT_EQ(r.error, HandshakeError::header_too_large);
}

TEST(ParseHttpHead, HeaderTooLargeInOneLongLine) {
    std::string data = "GET / HTTP/1.1\r\nX-Long: " + std::string(2000, 'a');  // no LF yet
    HttpMessage m;
    const auto r = parse_http_head(data, true, m, 1024);
    ASSERT_EQ(r.status, HttpParse::Status::error);
    EXPECT_EQ(r.error, HandshakeError::header_too_large);
}

TEST(ParseHttpHead, CompleteHeadLargerThanCapIsTooLarge) {
    HttpMessage m;
    const auto r = parse_http_head(kRequest, true, m, kRequest.size() - 1);
    ASSERT_EQ(r.status, HttpParse::Status::error);
    EXPECT_EQ(r.error, HandshakeError::header_too_large);
}

TEST(ParseHttpHead, HeadOfExactlyCapSizeIsAccepted) {
    HttpMessage m;
    std::string data(kRequest);
    data += "trailing frame bytes beyond the cap";
    const auto r = parse_http_head(data, true, m, kRequest.size());
    ASSERT_EQ(r.status, HttpParse::Status::ok) << r.error.message();
    EXPECT_EQ(r.consumed, kRequest.size());
}

TEST(ParseHttpHead, OutputUntouchedUntilComplete) {
    HttpMessage m;
    m.method = "sentinel";
    EXPECT_EQ(parse_http_head(kRequest.substr(0, 40), true, m).status,
              HttpParse::Status::need_more);
    EXPECT_EQ(m.method, "sentinel");
}

// One head, whole, as a request or a response.
struct HeadRow {
    std::string_view raw;
    bool is_request;
    std::string_view why;
};

using MalformedRow = HeadRow;
using ValidRow = HeadRow;

HttpParse parse_row(const HeadRow& row) {
    HttpMessage m;
    return parse_http_head(row.raw, row.is_request, m);
}

class ParseHttpHeadMalformed : public ::testing::TestWithParam<MalformedRow> {};

TEST_P(ParseHttpHeadMalformed, IsRejected) {
    const auto& row = GetParam();
    const auto r = parse_row(row);
    ASSERT_EQ(r.status, HttpParse::Status::error) << row.why;
    EXPECT_EQ(r.error, HandshakeError::malformed_http) << row.why << ": " << r.error.message();
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ParseHttpHeadMalformed,
    ::testing::Values(
        MalformedRow{"\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n", true,
                     "blank line before the start line"},
        MalformedRow{"GET / HTTP/1.1 extra\r\n\r\n", true, "a third space in the request line"},
        MalformedRow{"GET  / HTTP/1.1\r\n\r\n", true, "two spaces after the method"},
        MalformedRow{"GET /\r\n\r\n", true, "HTTP/0.9 request line without a version"},
        MalformedRow{"GET / HTTP/1.1 \r\n\r\n", true, "trailing space after the version"},
        MalformedRow{"G(T / HTTP/1.1\r\n\r\n", true, "method is not a token"},
        MalformedRow{"GET /a\x7f HTTP/1.1\r\n\r\n", true, "DEL in the request target"},
        MalformedRow{"GET / HTTP/11\r\n\r\n", true, "version without a dot"},
        MalformedRow{"GET / HTTP/1.10\r\n\r\n", true, "two-digit minor version"},
        MalformedRow{"GET / http/1.1\r\n\r\n", true, "lower-case HTTP name (it is case-sensitive)"},
        MalformedRow{"GET / HTTP/1.1\r\nHost a\r\n\r\n", true, "field line without a colon"},
        MalformedRow{"GET / HTTP/1.1\r\nHost : a\r\n\r\n", true,
                     "whitespace between field name and colon (RFC 9112 5.1)"},
        MalformedRow{"GET / HTTP/1.1\r\n: a\r\n\r\n", true, "empty field name"},
        MalformedRow{"GET / HTTP/1.1\r\nHo(st: a\r\n\r\n", true, "field name is not a token"},
        MalformedRow{"GET / HTTP/1.1\r\nX-A: b\r\n  c\r\n\r\n", true,
                     "obs-fold continuation line (RFC 9112 5.2)"},
        MalformedRow{"GET / HTTP/1.1\r\nX-A: b\rc\r\n\r\n", true, "bare CR inside a value"},
        MalformedRow{"GET / HTTP/1.1\r\nX-A: b\x01\r\n\r\n", true, "control octet in a value"},
        MalformedRow{"GET / HTTP/1.1\r\nX-A: b\r\nGarbage\r\n", true,
                     "a bad complete line fails before the blank line arrives"},
        MalformedRow{"HTTP/1.1 101 Switching Protocols\r\n\r\n", true,
                     "a status line where a request line is expected"},
        MalformedRow{"GET / HTTP/1.1\r\n\r\n", false,
                     "a request line where a status line is expected"},
        MalformedRow{"HTTP/1.1 1010 Switching\r\n\r\n", false, "four-digit status"},
        MalformedRow{"HTTP/1.1 10 Switching\r\n\r\n", false, "two-digit status"},
        MalformedRow{"HTTP/1.1 abc Switching\r\n\r\n", false, "non-numeric status"},
        MalformedRow{"HTTP/1.1 601 Nope\r\n\r\n", false, "status outside 100-599"},
        MalformedRow{"HTTP/1.1  101 Switching\r\n\r\n", false, "two spaces before the status"},
        MalformedRow{"HTTP/1.1 101Switching\r\n\r\n", false, "no space between status and reason"},
        MalformedRow{"ICY 200 OK\r\n\r\n", false, "not an HTTP version"}));

class ParseHttpHeadValid : public ::testing::TestWithParam<ValidRow> {};

TEST_P(ParseHttpHeadValid, IsAccepted) {
    const auto& row = GetParam();
    const auto r = parse_row(row);
    EXPECT_EQ(r.status, HttpParse::Status::ok) << row.why << ": " << r.error.message();
    EXPECT_EQ(r.consumed, row.raw.size()) << row.why;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, ParseHttpHeadValid,
    ::testing::Values(
        ValidRow{"GET / HTTP/1.0\r\n\r\n", true,
                 "HTTP/1.0 parses (the handshake rejects it later)"},
        ValidRow{"GET http://a.example/x HTTP/1.1\r\nHost: a\r\n\r\n", true,
                 "absolute-form target"},
        ValidRow{"GET / HTTP/1.1\r\nX-Empty:\r\n\r\n", true, "empty field value"},
        ValidRow{"GET / HTTP/1.1\r\nX-A:\tb \t\r\n\r\n", true, "tabs as OWS"},
        ValidRow{"GET / HTTP/1.1\nHost: a\r\n\n", true, "mixed CRLF and bare LF"},
        ValidRow{"HTTP/1.1 101\r\n\r\n", false, "status line without reason or its space"},
        ValidRow{"HTTP/1.1 101 \r\n\r\n", false, "empty reason phrase"},
        ValidRow{"HTTP/1.1 400 Bad  Request, really\r\n\r\n", false, "reason with spaces"},
        ValidRow{"HTTP/1.1 200 OK\r\nX-A: caf\xc3\xa9\r\n\r\n", false, "obs-text in a value"}));

TEST(ParseHttpHead, ValueOwsTrimmedAndNameKeptAsReceived) {
    HttpMessage m;
    ASSERT_EQ(parse_http_head("GET / HTTP/1.1\r\nuPgRaDe: \t websocket \t\r\n\r\n", true, m).status,
              HttpParse::Status::ok);
    ASSERT_EQ(m.headers.size(), 1u);
    EXPECT_EQ(m.headers[0].name, "uPgRaDe");
    EXPECT_EQ(m.headers[0].value, "websocket");
}

TEST(HttpMessage, HeaderLookupIsCaseInsensitive) {
    HttpMessage m;
    m.headers = {{"Host", "a"}, {"connection", "keep-alive"}, {"CONNECTION", "Upgrade"}};
    EXPECT_EQ(m.header("host"), "a");
    EXPECT_EQ(m.header("HOST"), "a");
    EXPECT_EQ(m.header("Connection"), "keep-alive");
    EXPECT_EQ(m.header("Origin"), std::nullopt);
    EXPECT_EQ(m.header_count("Connection"), 2u);
    EXPECT_EQ(m.header_count("Host"), 1u);
    EXPECT_EQ(m.header_count("Upgrade"), 0u);
    EXPECT_EQ(m.combined("connection"), "keep-alive, Upgrade");
    EXPECT_EQ(m.combined("Upgrade"), "");
}

struct TokenRow {
    std::string_view value;
    std::string_view token;
    bool expected;
};

class HasToken : public ::testing::TestWithParam<TokenRow> {};

TEST_P(HasToken, Matches) {
    const auto& row = GetParam();
    HttpMessage m;
    m.headers = {{"Connection", std::string(row.value)}};
    EXPECT_EQ(m.has_token("connection", row.token), row.expected)
        << "\"" << row.value << "\" has \"" << row.token << "\"";
}

INSTANTIATE_TEST_SUITE_P(Rows, HasToken,
                         ::testing::Values(TokenRow{"Upgrade", "upgrade", true},
                                           TokenRow{"keep-alive, Upgrade", "upgrade", true},
                                           TokenRow{"keep-alive,Upgrade", "upgrade", true},
                                           TokenRow{"UPGRADE ,\tkeep-alive", "upgrade", true},
                                           TokenRow{" , , upgrade ,", "upgrade", true},
                                           TokenRow{"keep-alive", "upgrade", false},
                                           TokenRow{"Upgrade2", "upgrade", false},
                                           TokenRow{"keep-alive Upgrade", "upgrade", false},
                                           TokenRow{"upgrade;q=1", "upgrade", false},
                                           TokenRow{"", "upgrade", false}));

TEST(HttpMessage, HasTokenLooksAcrossRepeatedHeaders) {
    HttpMessage m;
    m.headers = {{"Connection", "keep-alive"}, {"X", "upgrade"}, {"connection", "Upgrade"}};
    EXPECT_TRUE(m.has_token("Connection", "upgrade"));
    EXPECT_FALSE(m.has_token("Upgrade", "websocket"));
}

TEST(Iequals, AsciiCaseOnly) {
    EXPECT_TRUE(iequals("Sec-WebSocket-Key", "sec-websocket-key"));
    EXPECT_TRUE(iequals("", ""));
    EXPECT_FALSE(iequals("Host", "Hos"));
    EXPECT_FALSE(iequals("[", "{"));  // 0x5b vs 0x7b differ by 0x20 but are not letters
}

}  // namespace
}  // namespace wsconform::protocol
