// 14.2: a server refuses invalid requests without upgrading (RFC 6455 4.2.1): each case
// breaks one rule of the canonical request, and the server must answer an HTTP error (4xx)
// and not switch to WebSocket.
#include <string>
#include <utility>

#include "cases/s14_handshake/heads.h"
#include "cases/s14_handshake/server_judges.h"
#include "cases/s14_handshake/subsections.h"

namespace wsconform::cases::handshake {

namespace {

HttpServerProbe expects_refusal(RequestScript request, Refusal rule = {}) {
    return {
        .request = std::move(request), .expect_upgrade = false, .judge = refuses(std::move(rule))};
}

}  // namespace

std::vector<Case> server_refuses() {
    const std::string kExpectRefusal =
        "The server does not upgrade: it answers with an HTTP error (4xx) and closes the "
        "connection or keeps it as a plain HTTP/1.1 connection.";
    const std::string kRefusalRule =
        " The server must not upgrade, and answers with an HTTP error such as 400 (RFC 6455 "
        "4.2.1).";
    // Rules several cases break.
    const std::string kUpgradeRule =
        "A handshake has an Upgrade header containing \"websocket\" (4.2.1 item 3)." + kRefusalRule;
    const std::string kConnectionRule =
        "A handshake has a Connection header containing the token \"Upgrade\" (4.2.1 item 4)." +
        kRefusalRule;
    const std::string kKeyRule =
        "The key is base64 that decodes to 16 octets (4.2.1 item 5)." + kRefusalRule;
    const std::string kGetRule =
        "A handshake is \"an HTTP/1.1 or higher GET request\" (4.2.1 item 1)." + kRefusalRule;
    std::vector<Case> out{
        Case{.id = "14.2.1",
             .title = "No Upgrade header",
             .description = "The canonical request without its Upgrade line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = kUpgradeRule,
             .script = expects_refusal(edited([](Head& h) { h.drop("Upgrade"); }))},
        Case{.id = "14.2.2",
             .title = "Upgrade is not websocket",
             .description = "The canonical request with Upgrade: h2c.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = kUpgradeRule,
             .script = expects_refusal(edited([](Head& h) { h.set("Upgrade", "h2c"); }))},
        Case{.id = "14.2.3",
             .title = "Connection lacks the Upgrade token",
             .description = "The canonical request with Connection: keep-alive.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = kConnectionRule,
             .script = expects_refusal(edited([](Head& h) { h.set("Connection", "keep-alive"); }))},
        Case{.id = "14.2.4",
             .title = "No Connection header",
             .description = "The canonical request without its Connection line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = kConnectionRule,
             .script = expects_refusal(edited([](Head& h) { h.drop("Connection"); }))},
        Case{.id = "14.2.5",
             .title = "No Sec-WebSocket-Key",
             .description = "The canonical request without its Sec-WebSocket-Key line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement =
                 "A handshake has a Sec-WebSocket-Key header (4.2.1 item 5)." + kRefusalRule,
             .script = expects_refusal(edited([](Head& h) { h.drop("Sec-WebSocket-Key"); }))},
        Case{.id = "14.2.9",
             .title = "Two Sec-WebSocket-Key headers",
             .description =
                 "The canonical request with a second, different, valid Sec-WebSocket-Key line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 11.3.1", "RFC 6455 4.2.1"},
             .requirement =
                 "\"The Sec-WebSocket-Key header field MUST NOT appear more than once in an HTTP "
                 "request\" (11.3.1), so such a request is not a valid handshake." +
                 kRefusalRule,
             .script = expects_refusal(
                 edited([](Head& h) { h.add("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4PEA=="); }))},
        Case{.id = "14.2.10",
             .title = "Sec-WebSocket-Version: 25",
             .description = "The canonical request with Sec-WebSocket-Version: 25, the unassigned "
                            "version RFC 6455 4.4 uses as its example (8 or 7 would be "
                            "legitimately accepted by servers that still speak hybi-08..10).",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.2", "RFC 6455 4.4"},
             .requirement = "A version the server does not speak: it aborts the handshake with an "
                            "HTTP error such as 426 Upgrade Required and a Sec-WebSocket-Version "
                            "header listing the versions it speaks (4.2.2, 4.4).",
             .script = expects_refusal(
                 edited([](Head& h) { h.set("Sec-WebSocket-Version", "25"); }),
                 Refusal{.status = 426, .status_rule = "RFC 6455 4.2.2", .version_header = true})},
        Case{.id = "14.2.11",
             .title = "No Sec-WebSocket-Version",
             .description = "The canonical request without its Sec-WebSocket-Version line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement =
                 "A handshake has Sec-WebSocket-Version: 13 (4.2.1 item 6)." + kRefusalRule,
             .script = expects_refusal(edited([](Head& h) { h.drop("Sec-WebSocket-Version"); }))},
        Case{.id = "14.2.12",
             .title = "Method POST",
             .description =
                 "The canonical request with POST instead of GET (and Content-Length: 0).",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = kGetRule,
             .script = expects_refusal([](const RequestContext& c) {
                 Head h = upgrade_request(c);
                 h.start("POST " + c.target + " HTTP/1.1").add("Content-Length", "0");
                 return raw_request(h, c.key);
             })},
        Case{.id = "14.2.13",
             .title = "Method \"get\" in lower case",
             .description = "The canonical request with the method written \"get\".",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1", "RFC 9110 9.1"},
             .requirement = "Methods are case-sensitive (RFC 9110 9.1): \"get\" is not GET, so "
                            "this is not a handshake." +
                            kRefusalRule,
             .script = expects_refusal([](const RequestContext& c) {
                 Head h = upgrade_request(c);
                 h.start("get " + c.target + " HTTP/1.1");
                 return raw_request(h, c.key);
             })},
        Case{.id = "14.2.14",
             .title = "HTTP/1.0 request",
             .description = "The canonical request with HTTP/1.0 in its request line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = kGetRule,
             .script = expects_refusal([](const RequestContext& c) {
                 Head h = upgrade_request(c);
                 h.start("GET " + c.target + " HTTP/1.0");
                 return raw_request(h, c.key);
             })},
        Case{.id = "14.2.15",
             .title = "No Host header",
             .description = "The canonical request without its Host line.",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 6455 4.2.1", "RFC 9112 3.2"},
             .requirement = "A handshake has a Host header (4.2.1 item 2), and \"a server MUST "
                            "respond with a 400 (Bad Request) status code to any HTTP/1.1 request "
                            "message that lacks a Host header field\" (RFC 9112 3.2).",
             .script = expects_refusal(edited([](Head& h) { h.drop("Host"); }),
                                       Refusal{.status = 400, .status_rule = "RFC 9112 3.2"})},
        Case{
            .id = "14.2.16",
            .title = "Two Host headers",
            .description =
                "The canonical request with a second Host line naming another authority.",
            .expectation = kExpectRefusal,
            .rfc = {"RFC 9112 3.2"},
            .requirement = "A server MUST answer 400 to a request with more than one Host line "
                           "(RFC 9112 3.2).",
            .script = expects_refusal(edited([](Head& h) { h.add("Host", "wsconform.invalid:1"); }),
                                      Refusal{.status = 400, .status_rule = "RFC 9112 3.2"})},
        Case{
            .id = "14.2.17",
            .title = "Whitespace between a field name and its colon",
            .description = "The canonical request plus the line \"X-Wsconform-Probe : 14.2.17\".",
            .expectation = kExpectRefusal,
            .rfc = {"RFC 9112 5.1"},
            .requirement =
                "\"A server MUST reject, with a response status code of 400 (Bad Request), any "
                "received request message that contains whitespace between a header field name and "
                "colon\" (RFC 9112 5.1): such a line smuggles headers past other parsers.",
            .script = expects_refusal(edited([](Head& h) { h.raw("X-Wsconform-Probe : 14.2.17"); }),
                                      Refusal{.status = 400, .status_rule = "RFC 9112 5.1"})},
        Case{.id = "14.2.18",
             .title = "A 2 MiB header block",
             .description = "The canonical request plus 512 lines \"X-Wsconform-Pad-N: \" of 4096 "
                            "octets each (2 MiB).",
             .expectation = kExpectRefusal,
             .rfc = {"RFC 9110 5.4", "RFC 6585 5"},
             .requirement =
                 "HTTP sets no size limit, but a server that does not wish to process a "
                 "header section that large MUST answer with a 4xx such as 431 (RFC 9110 "
                 "5.4, RFC 6585 5) rather than drop the connection; one that upgrades "
                 "accepted 2 MiB of headers, an easy way to exhaust its memory.",
             .level = Level::should,
             .script = expects_refusal([](const RequestContext& c) {
                 Head h = upgrade_request(c);
                 const std::string pad(4096, 'a');
                 for (int i = 0; i < 512; ++i) h.add("X-Wsconform-Pad-" + std::to_string(i), pad);
                 return raw_request(h, c.key);
             })},

    };
    // 14.2.6 - 14.2.8: a Sec-WebSocket-Key that is not base64 of 16 octets.
    struct BadKey {
        const char* id;
        const char* title;
        const char* key;
        const char* what;
    };
    for (const BadKey& k : {BadKey{"14.2.6", "Sec-WebSocket-Key is not base64",
                                   "!!not-base64-at-all!!==", "24 characters"},
                            BadKey{"14.2.7", "Sec-WebSocket-Key decodes to 15 octets",
                                   "AAAAAAAAAAAAAAAAAAAA", "base64 of 15 zero octets"},
                            BadKey{"14.2.8", "Sec-WebSocket-Key decodes to 20 octets",
                                   "AAAAAAAAAAAAAAAAAAAAAAAAAAA=", "base64 of 20 zero octets"}}) {
        const std::string key = k.key;
        out.push_back(Case{.id = k.id,
                           .title = k.title,
                           .description = "The canonical request with Sec-WebSocket-Key: " + key +
                                          " (" + k.what + ").",
                           .expectation = kExpectRefusal,
                           .rfc = {"RFC 6455 4.2.1"},
                           .requirement = kKeyRule,
                           .script = expects_refusal(
                               edited([key](Head& h) { h.set("Sec-WebSocket-Key", key); }))});
    }
    return out;
}

}  // namespace wsconform::cases::handshake
