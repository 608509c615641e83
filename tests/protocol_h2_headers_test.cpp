// RFC 8441 §4-5: the extended CONNECT a client builds, and one error per rule a request or a
// response breaks (protocol/h2_headers.h).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/h2_headers.h"

namespace wsconform::protocol {
namespace {

H2Fields valid_request() {
    return build_extended_connect(
        "https", "example.com:443", "/chat?x=1",
        std::vector<std::string>{"Origin: https://example.com", "Host: ignored",
                                 "Upgrade: websocket", "Sec-WebSocket-Protocol: chat, v2"});
}

TEST(H2Headers, TheExtendedConnectCarriesWhatRfc8441AsksAndNothingForbidden) {
    const auto request = valid_request();
    EXPECT_EQ(find_field(request, ":method"), "CONNECT");
    EXPECT_EQ(find_field(request, ":protocol"), "websocket");
    EXPECT_EQ(find_field(request, ":scheme"), "https");
    EXPECT_EQ(find_field(request, ":path"), "/chat?x=1");
    EXPECT_EQ(find_field(request, ":authority"), "example.com:443");
    EXPECT_EQ(find_field(request, "sec-websocket-version"), "13");
    EXPECT_EQ(find_field(request, "origin"), "https://example.com");
    EXPECT_FALSE(find_field(request, "host"));
    EXPECT_FALSE(find_field(request, "upgrade"));
    UpgradeRequest out;
    EXPECT_FALSE(check_extended_connect(request, out));
    EXPECT_EQ(out.target, "/chat?x=1");
    EXPECT_EQ(out.protocols, (std::vector<std::string>{"chat", "v2"}));
    EXPECT_EQ(out.origin, "https://example.com");
    EXPECT_EQ(format_fields({{":status", "200"}}), ":status: 200\r\n");
}

struct RequestCase {
    const char* what;
    H2Fields (*change)(H2Fields);
    H2HeaderError error;
};

H2Fields without(H2Fields fields, std::string_view name) {
    std::erase_if(fields, [&](const H2Field& f) { return f.name == name; });
    return fields;
}

H2Fields with(H2Fields fields, std::string name, std::string value) {
    fields.push_back({std::move(name), std::move(value)});
    return fields;
}

const RequestCase kRequestCases[] = {
    {"GET", [](H2Fields f) { return with(without(f, ":method"), ":method", "GET"); },
     H2HeaderError::not_connect},
    {"no :protocol", [](H2Fields f) { return without(f, ":protocol"); },
     H2HeaderError::missing_protocol},
    {":protocol twice", [](H2Fields f) { return with(f, ":protocol", "websocket"); },
     H2HeaderError::duplicate_protocol},
    {"another protocol", [](H2Fields f) { return with(without(f, ":protocol"), ":protocol", "x"); },
     H2HeaderError::protocol_not_websocket},
    {"no :scheme", [](H2Fields f) { return without(f, ":scheme"); }, H2HeaderError::missing_scheme},
    {"no :path", [](H2Fields f) { return without(f, ":path"); }, H2HeaderError::missing_path},
    {"no :authority", [](H2Fields f) { return without(f, ":authority"); },
     H2HeaderError::missing_authority},
    {"connection", [](H2Fields f) { return with(f, "connection", "upgrade"); },
     H2HeaderError::connection_specific},
    {"a key", [](H2Fields f) { return with(f, "sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="); },
     H2HeaderError::key_present},
    {"no version", [](H2Fields f) { return without(f, "sec-websocket-version"); },
     H2HeaderError::missing_version},
    {"version 8",
     [](H2Fields f) {
         return with(without(f, "sec-websocket-version"), "sec-websocket-version", "8");
     },
     H2HeaderError::unsupported_version},
    {"bad extensions", [](H2Fields f) { return with(f, "sec-websocket-extensions", ";"); },
     H2HeaderError::malformed_extensions},
    {"repeated protocol", [](H2Fields f) { return with(f, "sec-websocket-protocol", "chat"); },
     H2HeaderError::malformed_protocols},
};

TEST(H2Headers, EachBrokenRuleOfARequestHasItsError) {
    for (const auto& c : kRequestCases) {
        UpgradeRequest out;
        EXPECT_EQ(check_extended_connect(c.change(valid_request()), out), c.error) << c.what;
    }
}

TEST(H2Headers, AResponseOpensOnA2xxWithWhatWasOffered) {
    const std::vector<std::string> protocols{"chat"};
    const std::vector<std::string> extensions{"permessage-deflate"};
    UpgradeResponse out;
    EXPECT_FALSE(check_extended_connect_response(
        {{":status", "200"},
         {"sec-websocket-protocol", "chat"},
         {"sec-websocket-extensions", "permessage-deflate; server_no_context_takeover"}},
        protocols, extensions, out));
    EXPECT_EQ(out.protocol, "chat");
    ASSERT_EQ(out.extensions.size(), 1u);
    const std::vector<std::pair<H2Fields, H2HeaderError>> broken{
        {{}, H2HeaderError::missing_status},
        {{{":status", "101"}}, H2HeaderError::status_not_2xx},
        {{{":status", "400"}}, H2HeaderError::status_not_2xx},
        {{{":status", "200"}, {"sec-websocket-protocol", "other"}},
         H2HeaderError::protocol_not_offered},
        {{{":status", "200"}, {"sec-websocket-extensions", "x-other"}},
         H2HeaderError::extension_not_offered},
    };
    for (const auto& [response, error] : broken)
        EXPECT_EQ(check_extended_connect_response(response, protocols, extensions, out), error)
            << format_fields(response);
}

}  // namespace
}  // namespace wsconform::protocol
