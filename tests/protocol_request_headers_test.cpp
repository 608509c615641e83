// protocol/http.h's helpers for the headers a deployed endpoint needs (--header, --origin,
// --subprotocol): checking a header line a person typed, adding lines to a request head,
// reading the offered subprotocols, and hiding credentials wherever a request is recorded.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/http.h"

namespace wsconform::protocol {
namespace {

// ---- header lines as given on a command line

struct LineRow {
    std::string line;
    std::string problem_has;  // empty: the line is fine
};

class HeaderLine : public ::testing::TestWithParam<LineRow> {};

TEST_P(HeaderLine, ProblemSaysWhat) {
    const auto& row = GetParam();
    const auto problem = header_line_problem(row.line);
    if (row.problem_has.empty())
        EXPECT_EQ(problem, "") << row.line;
    else
        EXPECT_NE(problem.find(row.problem_has), std::string::npos) << row.line << ": " << problem;
}

INSTANTIATE_TEST_SUITE_P(Rows, HeaderLine,
                         ::testing::Values(LineRow{"Authorization: Bearer abc.def", ""},
                                           LineRow{"X-Empty:", ""}, LineRow{"Cookie: a=1; b=2", ""},
                                           LineRow{"X-Tab: a\tb", ""}, LineRow{"NoColon", "no ':'"},
                                           LineRow{"Bad Name: v", "token"}, LineRow{": v", "token"},
                                           LineRow{"X-A: v\r\nX-Injected: 1", "CR, LF"},
                                           LineRow{"X-A: v\nX-Injected: 1", "CR, LF"},
                                           LineRow{"X-A: v\x01", "control"}));

TEST(HeaderLine, NameAndValueAreTrimmed) {
    EXPECT_EQ(header_line_name("Origin:  https://a.example "), "Origin");
    EXPECT_EQ(header_line_value("Origin:  https://a.example "), "https://a.example");
    EXPECT_EQ(header_line_value("NoColon"), "");
}

TEST(OfferedSubprotocols, FromEverySecWebSocketProtocolLine) {
    const std::vector<std::string> lines{"Origin: x", "sec-websocket-protocol: chat, v2.json ,",
                                         "Sec-WebSocket-Protocol: mqtt"};
    EXPECT_EQ(offered_subprotocols(lines), (std::vector<std::string>{"chat", "v2.json", "mqtt"}));
    EXPECT_TRUE(offered_subprotocols(std::vector<std::string>{"Origin: x"}).empty());
}

// ---- adding lines to a request head

constexpr std::string_view kHead =
    "GET /chat?room=1 HTTP/1.1\r\nHost: h:1\r\nOrigin: https://case.example\r\n\r\n";

TEST(AddMissingHeaders, AddsBeforeTheBlankLineInOrder) {
    const std::vector<std::string> lines{"Authorization: Bearer t", "X-Trace: 7"};
    EXPECT_EQ(add_missing_headers(kHead, lines),
              "GET /chat?room=1 HTTP/1.1\r\nHost: h:1\r\nOrigin: https://case.example\r\n"
              "Authorization: Bearer t\r\nX-Trace: 7\r\n\r\n");
}

TEST(AddMissingHeaders, TheHeadsOwnHeaderWins) {
    const std::vector<std::string> lines{"origin: https://given.example"};
    EXPECT_EQ(add_missing_headers(kHead, lines), kHead);
    EXPECT_TRUE(head_has_header(kHead, "ORIGIN"));
    EXPECT_FALSE(head_has_header(kHead, "GET /chat?room=1 HTTP/1.1"));  // the start line
}

TEST(AddMissingHeaders, AHeadWithoutBlankLineIsLeftAlone) {
    const std::string cut = "GET / HTTP/1.1\r\nHost: h\r\n";
    const std::vector<std::string> lines{"X-A: 1"};
    EXPECT_EQ(add_missing_headers(cut, lines), cut);
}

TEST(AddMissingHeaders, WhatFollowsTheHeadStays) {
    const std::string head = std::string(kHead) + "\x81\x85masked";
    const std::vector<std::string> lines{"X-A: 1"};
    const auto out = add_missing_headers(head, lines);
    EXPECT_TRUE(out.ends_with("X-A: 1\r\n\r\n\x81\x85masked")) << out;
}

// ---- redaction

struct RedactRow {
    std::string name;
    std::string head;
    std::string redacted;
};

void PrintTo(const RedactRow& row, std::ostream* os) {
    *os << row.name;
}

class Redact : public ::testing::TestWithParam<RedactRow> {};

TEST_P(Redact, HidesEverySecretValue) {
    EXPECT_EQ(redact_secrets(GetParam().head), GetParam().redacted);
}

// Every way of cutting the head into two or three pieces, each piece redacted on its own:
// together they read as the whole head redacted (so a chopped request leaks nothing either).
TEST_P(Redact, PiecesAddUpToTheWhole) {
    const auto& head = GetParam().head;
    const auto whole = redact_secrets(head);
    for (std::size_t a = 0; a <= head.size(); ++a) {
        EXPECT_EQ(redact_secrets(head, 0, a) + redact_secrets(head, a, head.size() - a), whole)
            << "cut at " << a;
        for (std::size_t b = a; b <= head.size(); b += 7) {
            EXPECT_EQ(redact_secrets(head, 0, a) + redact_secrets(head, a, b - a) +
                          redact_secrets(head, b, head.size() - b),
                      whole)
                << "cut at " << a << " and " << b;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(
    Rows, Redact,
    ::testing::Values(
        RedactRow{"NothingSecret", "GET / HTTP/1.1\r\nHost: h\r\nX-Token: visible\r\n\r\n",
                  "GET / HTTP/1.1\r\nHost: h\r\nX-Token: visible\r\n\r\n"},
        RedactRow{"ThreeNamesAnyCase",
                  "GET / HTTP/1.1\r\nauthorization: Bearer s3cr3t\r\nCOOKIE: id=42\r\n"
                  "Proxy-Authorization: Basic dXNlcjpwYXNz\r\n\r\n",
                  "GET / HTTP/1.1\r\nauthorization: <redacted>\r\nCOOKIE: <redacted>\r\n"
                  "Proxy-Authorization: <redacted>\r\n\r\n"},
        RedactRow{"NoSpaceAfterColon", "GET / HTTP/1.1\r\nCookie:id=42\r\n\r\n",
                  "GET / HTTP/1.1\r\nCookie:<redacted>\r\n\r\n"},
        RedactRow{"EmptyValueStaysEmpty", "GET / HTTP/1.1\r\nCookie:\r\n\r\n",
                  "GET / HTTP/1.1\r\nCookie:\r\n\r\n"},
        RedactRow{"BareLf", "GET / HTTP/1.1\nAuthorization: x y\nHost: h\n\n",
                  "GET / HTTP/1.1\nAuthorization: <redacted>\nHost: h\n\n"},
        RedactRow{"ObsFoldContinuesTheSecret",
                  "GET / HTTP/1.1\r\nAuthorization: Bearer\r\n  more-secret\r\nHost: h\r\n\r\n",
                  "GET / HTTP/1.1\r\nAuthorization: <redacted>\r\n<redacted>\r\nHost: h\r\n\r\n"},
        RedactRow{"CutShortInTheValue", "GET / HTTP/1.1\r\nAuthorization: Bearer abc",
                  "GET / HTTP/1.1\r\nAuthorization: <redacted>"},
        RedactRow{"NameOnlyInAValue", "GET / HTTP/1.1\r\nX-Note: Cookie: not a header\r\n\r\n",
                  "GET / HTTP/1.1\r\nX-Note: Cookie: not a header\r\n\r\n"},
        RedactRow{"FrameAfterTheHead", "GET / HTTP/1.1\r\nCookie: c\r\n\r\n\x81\x02hi",
                  "GET / HTTP/1.1\r\nCookie: <redacted>\r\n\r\n\x81\x02hi"}),
    [](const auto& info) { return info.param.name; });

TEST(Redact, OutOfRangePiecesAreEmpty) {
    EXPECT_EQ(redact_secrets("Cookie: c", 100, 5), "");
    EXPECT_EQ(redact_secrets("Cookie: c", 3, 0), "");
}

}  // namespace
}  // namespace wsconform::protocol
