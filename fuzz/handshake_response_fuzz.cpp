// Target `handshake_response`: a server's answer to our opening handshake as a client reads
// it — parse_http_head() (invariants in http_oracle.h), then check_upgrade_response() for the
// RFC 6455 §4.1 sample key, with and without offered subprotocols and extensions. What it
// accepts must satisfy §4.1 as restated here; offering more never turns an accepted response
// into a rejected one.
//
// Input: the response bytes.
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

// RFC 6455 §1.3's example: this key's accept value is s3pPLMBiTxaQ9kYGzzhZRbK+xOo=.
constexpr std::string_view kKey = "dGhlIHNhbXBsZSBub25jZQ==";
const std::vector<std::string> kProtocols = {"chat", "superchat"};
const std::vector<std::string> kExtensions = {"permessage-deflate", "x-webkit-deflate-frame"};

void check_accepted(const protocol::HttpMessage& m, const protocol::UpgradeResponse& u,
                    bool offered) {
    FUZZ_CHECK(m.status == 101);
    FUZZ_CHECK(m.has_token("Upgrade", "websocket") && m.has_token("Connection", "upgrade"));
    FUZZ_CHECK(m.combined("Sec-WebSocket-Accept") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    if (u.protocol) {
        FUZZ_CHECK(offered);
        FUZZ_CHECK(*u.protocol == kProtocols[0] || *u.protocol == kProtocols[1]);
    }
    for (const auto& e : u.extensions) {
        FUZZ_CHECK(offered);
        FUZZ_CHECK(protocol::iequals(e.name, kExtensions[0]) ||
                   protocol::iequals(e.name, kExtensions[1]));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    protocol::HttpMessage msg;
    const auto r = fuzz::checked_http_parse(data, size, false, msg);
    if (r.status != protocol::HttpParse::Status::ok) return 0;

    protocol::UpgradeResponse bare, full;
    const std::error_code ec_bare = protocol::check_upgrade_response(msg, kKey, {}, {}, bare);
    const std::error_code ec_full =
        protocol::check_upgrade_response(msg, kKey, kProtocols, kExtensions, full);
    for (const auto& ec : {ec_bare, ec_full})
        if (ec) fuzz::check_handshake_error(ec);
    if (!ec_bare) {
        check_accepted(msg, bare, false);
        FUZZ_CHECK(!ec_full);
    }
    if (!ec_full) check_accepted(msg, full, true);
    // A key that was not sent never matches.
    protocol::UpgradeResponse other;
    FUZZ_CHECK(protocol::check_upgrade_response(msg, "AAAAAAAAAAAAAAAAAAAAAA==", kProtocols,
                                                kExtensions, other) != std::error_code{} ||
               msg.combined("Sec-WebSocket-Accept") ==
                   protocol::compute_accept("AAAAAAAAAAAAAAAAAAAAAA=="));
    return 0;
}
