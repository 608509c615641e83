// Target `handshake_request`: a client's opening handshake as a server reads it —
// parse_http_head() (invariants in http_oracle.h), then check_upgrade_request(). What the check
// accepts must satisfy RFC 6455 §4.1 as restated here, and must survive a round trip through
// build_upgrade_request(); a request it rejects gets a rejection that parses as a 400 (or 426
// for the version) response.
//
// Input: the request bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/http_oracle.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace {

using namespace wsconform;
using protocol::HandshakeError;

void check_accepted(const protocol::HttpMessage& m, const protocol::UpgradeRequest& u) {
    FUZZ_CHECK(m.method == "GET");
    FUZZ_CHECK(m.version_major > 1 || (m.version_major == 1 && m.version_minor >= 1));
    FUZZ_CHECK(m.header_count("Host") == 1 && !u.host.empty() && *m.header("host") == u.host);
    FUZZ_CHECK(m.has_token("Upgrade", "WebSocket") && m.has_token("connection", "UPGRADE"));
    FUZZ_CHECK(m.header_count("Sec-WebSocket-Key") == 1 && protocol::is_valid_key(u.key));
    FUZZ_CHECK(m.combined("Sec-WebSocket-Version") == "13");
    FUZZ_CHECK(u.target == m.target);
    FUZZ_CHECK(protocol::compute_accept(u.key).size() == 28);
    for (std::size_t i = 0; i < u.protocols.size(); ++i) {
        FUZZ_CHECK(fuzz::is_header_token(u.protocols[i]));
        for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK(u.protocols[i] != u.protocols[j]);
    }
    for (const auto& e : u.extensions) FUZZ_CHECK(fuzz::is_header_token(e.name));

    // Round trip: the same essentials, written by our own builder, pass again.
    std::vector<std::string> extra;
    std::string protocols;
    for (const auto& p : u.protocols) protocols += (protocols.empty() ? "" : ", ") + p;
    if (!protocols.empty()) extra.push_back("Sec-WebSocket-Protocol: " + protocols);
    const std::string rebuilt = protocol::build_upgrade_request(u.host, u.target, u.key, extra);
    protocol::HttpMessage m2;
    const auto r2 = protocol::parse_http_head(rebuilt, true, m2);
    FUZZ_CHECK(r2.status == protocol::HttpParse::Status::ok && r2.consumed == rebuilt.size());
    protocol::UpgradeRequest u2;
    FUZZ_CHECK(!protocol::check_upgrade_request(m2, u2));
    FUZZ_CHECK(u2.host == u.host && u2.target == u.target && u2.key == u.key &&
               u2.protocols == u.protocols);

    // Our 101 for this key satisfies a client that sent it.
    const std::string response = protocol::build_upgrade_response(u.key);
    protocol::HttpMessage rm;
    FUZZ_CHECK(protocol::parse_http_head(response, false, rm).status ==
               protocol::HttpParse::Status::ok);
    protocol::UpgradeResponse ur;
    FUZZ_CHECK(!protocol::check_upgrade_response(rm, u.key, {}, {}, ur));
}

void check_rejected(std::error_code ec) {
    fuzz::check_handshake_error(ec);
    const std::string answer = protocol::build_rejection(ec);
    protocol::HttpMessage m;
    const auto r = protocol::parse_http_head(answer, false, m);
    FUZZ_CHECK(r.status == protocol::HttpParse::Status::ok);
    const int want = ec == HandshakeError::unsupported_version ? 426 : 400;
    FUZZ_CHECK(m.status == want);
    FUZZ_CHECK(m.has_token("Connection", "close"));
    if (want == 426) FUZZ_CHECK(m.combined("Sec-WebSocket-Version") == "13");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    protocol::HttpMessage msg;
    const auto r = fuzz::checked_http_parse(data, size, true, msg);
    if (r.status == protocol::HttpParse::Status::error) {
        check_rejected(r.error);
        return 0;
    }
    if (r.status != protocol::HttpParse::Status::ok) return 0;

    protocol::UpgradeRequest up;
    up.key = "stale";  // must be replaced on success
    const std::error_code ec = protocol::check_upgrade_request(msg, up);
    if (ec) {
        check_rejected(ec);
    } else {
        check_accepted(msg, up);
    }
    return 0;
}
