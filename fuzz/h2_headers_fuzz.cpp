// Target `h2_headers`: an HTTP/2 header block as protocol/h2_headers judges it —
// check_extended_connect() (the server's check of an extended CONNECT, RFC 8441 §4-5) and
// check_extended_connect_response() (the client's check of its answer). What a check accepts
// must satisfy the RFC's rules as restated here, and must survive a rebuild by
// build_extended_connect(); every field list survives HPACK literal encoding
// (protocol/h2_frame.h) unchanged.
//
// Input: byte 0 picks the check (bit 0: response) and the offers (bits 1-2); then fields, each
// a name and a value. A length octet with its top bit set picks a known name or value (the
// low bits index a table) instead of that many following octets: names and values otherwise
// carry any bytes (upper case, CR, LF, NUL), in any order, duplicates included.
#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "protocol/h2_frame.h"
#include "protocol/h2_headers.h"

namespace {

using namespace wsconform;
using protocol::H2Fields;

constexpr std::array<std::string_view, 16> kNames{":method",
                                                  ":protocol",
                                                  ":scheme",
                                                  ":path",
                                                  ":authority",
                                                  ":status",
                                                  "sec-websocket-version",
                                                  "sec-websocket-protocol",
                                                  "sec-websocket-extensions",
                                                  "sec-websocket-key",
                                                  "connection",
                                                  "upgrade",
                                                  "host",
                                                  "origin",
                                                  "transfer-encoding",
                                                  "keep-alive"};
constexpr std::array<std::string_view, 16> kValues{"CONNECT",
                                                   "websocket",
                                                   "http",
                                                   "https",
                                                   "/",
                                                   "example.com:443",
                                                   "13",
                                                   "200",
                                                   "101",
                                                   "404",
                                                   "permessage-deflate",
                                                   "chat, superchat",
                                                   "chat",
                                                   "upgrade",
                                                   "GET",
                                                   "websocket\r\n"};

std::string take(std::string_view& in, bool name) {
    if (in.empty()) return {};
    const auto n = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    if (n & 0x80)
        return std::string(name ? kNames[n % kNames.size()] : kValues[n % kValues.size()]);
    const auto length = std::min<std::size_t>(n, in.size());
    std::string s(in.substr(0, length));
    in.remove_prefix(length);
    return s;
}

bool has(const H2Fields& fields, std::string_view name) {
    return protocol::count_fields(fields, name) > 0;
}

void check_request(const H2Fields& fields) {
    protocol::UpgradeRequest out;
    if (protocol::check_extended_connect(fields, out)) return;
    // RFC 8441 §4-5 as restated: CONNECT, exactly one :protocol "websocket", :scheme, a
    // non-empty :path and :authority, no connection-specific field, no key, version 13.
    FUZZ_CHECK(protocol::find_field(fields, ":method") == "CONNECT");
    FUZZ_CHECK(protocol::count_fields(fields, ":protocol") == 1);
    FUZZ_CHECK(protocol::find_field(fields, ":protocol") == "websocket");
    FUZZ_CHECK(has(fields, ":scheme"));
    FUZZ_CHECK(!out.target.empty() && protocol::find_field(fields, ":path") == out.target);
    FUZZ_CHECK(!out.host.empty() && protocol::find_field(fields, ":authority") == out.host);
    for (const char* name : {"connection", "upgrade", "keep-alive", "proxy-connection",
                             "transfer-encoding", "sec-websocket-key"})
        FUZZ_CHECK(!has(fields, name));
    FUZZ_CHECK(has(fields, "sec-websocket-version"));
    FUZZ_CHECK(out.key.empty());
    // Rebuilt from what was accepted, it passes again with the same essentials.
    std::vector<std::string> extra;
    std::string protocols;
    for (const auto& p : out.protocols) protocols += (protocols.empty() ? "" : ", ") + p;
    if (!protocols.empty()) extra.push_back("Sec-WebSocket-Protocol: " + protocols);
    const auto rebuilt = protocol::build_extended_connect(
        std::string(*protocol::find_field(fields, ":scheme")), out.host, out.target, extra);
    protocol::UpgradeRequest again;
    FUZZ_CHECK(!protocol::check_extended_connect(rebuilt, again));
    FUZZ_CHECK(again.host == out.host && again.target == out.target &&
               again.protocols == out.protocols);
}

void check_response(const H2Fields& fields, int offers) {
    const std::vector<std::string> protocols =
        offers & 1 ? std::vector<std::string>{"chat", "superchat"} : std::vector<std::string>{};
    const std::vector<std::string> extensions =
        offers & 2 ? std::vector<std::string>{"permessage-deflate"} : std::vector<std::string>{};
    protocol::UpgradeResponse out;
    if (protocol::check_extended_connect_response(fields, protocols, extensions, out)) return;
    const auto status = protocol::find_field(fields, ":status");
    FUZZ_CHECK(status && status->size() == 3 && status->front() == '2');
    if (out.protocol)
        FUZZ_CHECK(std::find(protocols.begin(), protocols.end(), *out.protocol) != protocols.end());
    else
        FUZZ_CHECK(!has(fields, "sec-websocket-protocol"));
    for (const auto& e : out.extensions) FUZZ_CHECK(!extensions.empty() && !e.name.empty());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view in(reinterpret_cast<const char*>(data), size);
    if (in.empty()) return 0;
    const auto mode = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    H2Fields fields;
    while (!in.empty() && fields.size() < 64) {
        auto name = take(in, true);
        auto value = take(in, false);
        fields.push_back({std::move(name), std::move(value)});
    }
    if (mode & 1)
        check_response(fields, mode >> 1);
    else
        check_request(fields);
    // Any field list survives HPACK literal encoding unchanged.
    const auto decoded =
        protocol::h2::hpack_decode_literal(protocol::h2::hpack_encode_literal(fields));
    FUZZ_CHECK(decoded.has_value());
    FUZZ_CHECK(decoded->size() == fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i)
        FUZZ_CHECK((*decoded)[i].name == fields[i].name && (*decoded)[i].value == fields[i].value);
    (void)protocol::format_fields(fields);
    return 0;
}
