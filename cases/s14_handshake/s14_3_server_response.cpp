// 14.3: the server's 101 response, rule by rule (RFC 6455 4.2.2; RFC 7692 for
// permessage-deflate): each case sends a valid request and checks one rule of the answer.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "cases/s14_handshake/heads.h"
#include "cases/s14_handshake/server_judges.h"
#include "cases/s14_handshake/subsections.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::cases::handshake {

namespace {

using harness::ServerExchange;
using protocol::iequals;

// A fixed key: the accept value is then a constant taken from the RFC (or computed once
// outside this code), not from our own compute_accept().
RequestScript fixed_key(std::string key) {
    return [key = std::move(key)](const RequestContext& c) {
        return raw_request(upgrade_request(c, key), key);
    };
}

// 14.3.4-5: exactly one Sec-WebSocket-Accept, equal to `want` (4.2.2 item 5.4, 11.3.3).
ResponseCheck exact_accept(std::string want) {
    return [want = std::move(want)](const ServerExchange& x) -> std::optional<std::string> {
        const auto n = x.response.header_count("Sec-WebSocket-Accept");
        if (n == 0) return "The response has no Sec-WebSocket-Accept header";
        if (n > 1)
            return "Sec-WebSocket-Accept appears " + std::to_string(n) +
                   " times; it MUST NOT appear more than once (RFC 6455 11.3.3)";
        const auto got = std::string(*x.response.header("Sec-WebSocket-Accept"));
        if (got != want)
            return "Sec-WebSocket-Accept is '" + got.substr(0, 100) + "', not '" + want + "'";
        return std::nullopt;
    };
}

// 14.3.7-8: no Sec-WebSocket-Protocol, or exactly one of the offered values (4.2.2 item 5.5).
std::optional<std::string> one_of_offered(const ServerExchange& x) {
    if (x.response.header_count("Sec-WebSocket-Protocol") == 0) return std::nullopt;
    const auto chosen = x.response.combined("Sec-WebSocket-Protocol");
    if (std::find(x.request.protocols.begin(), x.request.protocols.end(), chosen) ==
        x.request.protocols.end())
        return "The response selects '" + chosen.substr(0, 100) +
               "'; it must be exactly one of the offered values (chat, superchat)";
    return std::nullopt;
}

// 14.3.1: the status line says HTTP/1.1 or a later 1.x (4.2.2 item 5.1).
std::optional<std::string> status_line_problem(const ServerExchange& x) {
    const auto& r = x.response;
    if (r.version_major != 1 || r.version_minor < 1)
        return "The status line says HTTP/" + std::to_string(r.version_major) + "." +
               std::to_string(r.version_minor) + "; a 101 needs HTTP/1.1";
    return std::nullopt;
}

// 14.3.2: Upgrade is websocket, in any case (4.2.2 item 5.2).
std::optional<std::string> upgrade_problem(const ServerExchange& x) {
    const auto n = x.response.header_count("Upgrade");
    if (n == 0) return "The response has no Upgrade header";
    const auto value = x.response.combined("Upgrade");
    if (!iequals(value, "websocket"))
        return "Upgrade is '" + value.substr(0, 100) + "', not websocket";
    return std::nullopt;
}

// 14.3.3: Connection lists Upgrade (4.2.2 item 5.3).
std::optional<std::string> connection_problem(const ServerExchange& x) {
    if (x.response.header_count("Connection") == 0) return "The response has no Connection header";
    if (!x.response.has_token("Connection", "upgrade"))
        return "Connection is '" + x.response.combined("Connection").substr(0, 100) +
               "', without the Upgrade token";
    return std::nullopt;
}

// 14.3.6: no Sec-WebSocket-Protocol when none was offered (4.2.2 item 5.5).
std::optional<std::string> unoffered_subprotocol(const ServerExchange& x) {
    if (x.response.header_count("Sec-WebSocket-Protocol") > 0)
        return "The response selects subprotocol '" +
               x.response.combined("Sec-WebSocket-Protocol").substr(0, 100) +
               "', but none was offered";
    return std::nullopt;
}

// 14.3.9: no Sec-WebSocket-Extensions when none was offered (9.1).
std::optional<std::string> unoffered_extension(const ServerExchange& x) {
    if (x.response.header_count("Sec-WebSocket-Extensions") > 0)
        return "The response names extensions '" +
               x.response.combined("Sec-WebSocket-Extensions").substr(0, 100) +
               "', but none was offered";
    return std::nullopt;
}

// 14.3.10: the made-up extension we offered is not accepted, nor any other.
std::optional<std::string> unknown_extension_accepted(const ServerExchange& x) {
    std::vector<protocol::Extension> exts;
    if (x.response.header_count("Sec-WebSocket-Extensions") == 0) return std::nullopt;
    if (auto ec = protocol::parse_extensions(x.response.combined("Sec-WebSocket-Extensions"), exts))
        return "Sec-WebSocket-Extensions does not parse: " + ec.message();
    for (const auto& e : exts) {
        if (iequals(e.name, "x-wsconform-unknown"))
            return std::string(
                "The server accepted x-wsconform-unknown, an extension "
                "made up for this test");
        return "The response names extension '" + e.name + "', which was not offered";
    }
    return std::nullopt;
}

// 14.3.11 - 14.3.16: `c` offers permessage-deflate as `offer` says; the description names
// the offer, and the judge checks the response against it.
Case offering(Case c, const std::string& offer, std::string expectation,
              std::vector<protocol::DeflateParams> valid, ServerJudge judge) {
    c.description = "The canonical request with Sec-WebSocket-Extensions: " + offer + ".";
    c.expectation = std::move(expectation);
    c.script = HttpServerProbe{.request = offering_deflate(offer, std::move(valid)),
                               .judge = std::move(judge)};
    return c;
}

// A valid offer: the server may decline it, or accept one alternative with a fitting response.
Case valid_offer(Case c, const std::string& offer, std::vector<protocol::DeflateParams> valid,
                 std::string ok_text) {
    return offering(std::move(c), offer,
                    "No Sec-WebSocket-Extensions, or one permessage-deflate element whose "
                    "parameters fit the offer (RFC 7692 7.1); when accepted, our message still "
                    "comes back.",
                    std::move(valid), response_rule(deflate_response_problem, std::move(ok_text)));
}

// An invalid first alternative before a plain permessage-deflate: the server declines it.
Case invalid_offer(Case c, const std::string& offer, std::string ok_text) {
    return offering(std::move(c), offer,
                    "A 101 with no Sec-WebSocket-Extensions, or permessage-deflate fitting the "
                    "plain alternative only (a 4xx for the whole handshake: NON-STRICT).",
                    {{}}, declines_invalid_offer(std::move(ok_text)));
}

}  // namespace

std::vector<Case> server_response() {
    const auto canonical = edited([](Head&) {});
    return {
        Case{
            .id = "14.3.1",
            .title = "Status line HTTP/1.1 101",
            .description = "The canonical request.",
            .expectation = "Status line HTTP/1.1 101 (any reason phrase).",
            .rfc = {"RFC 6455 4.2.2", "RFC 9110 15.2.2"},
            .requirement = "The server accepts with status 101 Switching Protocols in an HTTP/1.1 "
                           "(or later) status line (4.2.2 item 5.1).",
            .script = HttpServerProbe{.request = canonical,
                                      .judge = response_rule(status_line_problem, "HTTP/1.1 101")}},
        Case{.id = "14.3.2",
             .title = "Upgrade: websocket in the response",
             .description = "The canonical request.",
             .expectation = "Exactly one Upgrade header whose value is websocket in any case.",
             .rfc = {"RFC 6455 4.2.2", "RFC 6455 4.1"},
             .requirement = "The 101 carries an Upgrade header with the value \"websocket\" (4.2.2 "
                            "item 5.2; the client checks it case-insensitively, 4.1).",
             .script =
                 HttpServerProbe{.request = canonical,
                                 .judge = response_rule(upgrade_problem, "Upgrade: websocket")}},
        Case{.id = "14.3.3",
             .title = "Connection: Upgrade in the response",
             .description = "The canonical request.",
             .expectation = "A Connection header containing the Upgrade token.",
             .rfc = {"RFC 6455 4.2.2", "RFC 6455 4.1"},
             .requirement =
                 "The 101 carries a Connection header with the token \"Upgrade\" (4.2.2 item 5.3).",
             .script = HttpServerProbe{.request = canonical,
                                       .judge = response_rule(connection_problem,
                                                              "Connection contains Upgrade")}},
        Case{.id = "14.3.4",
             .title = "Sec-WebSocket-Accept for RFC 6455's sample key",
             .description = "The canonical request with the sample key dGhlIHNhbXBsZSBub25jZQ== "
                            "from RFC 6455 1.3.",
             .expectation = "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= (the value RFC "
                            "6455 1.3 gives).",
             .rfc = {"RFC 6455 1.3", "RFC 6455 4.2.2"},
             .requirement = "Sec-WebSocket-Accept is base64(SHA-1(key + "
                            "\"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")), exactly once (4.2.2 item "
                            "5.4, 11.3.3); RFC 6455 1.3 works the example.",
             .script = HttpServerProbe{.request = fixed_key(std::string(kRfcSampleKey)),
                                       .judge = response_rule(
                                           exact_accept("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                                           "The accept value RFC 6455 1.3 gives")}},
        Case{.id = "14.3.5",
             .title = "Sec-WebSocket-Accept for a key with '+' and '/'",
             .description =
                 "The canonical request with Sec-WebSocket-Key: /+/+/+/+/+/+/+/+/+/+/w==.",
             .expectation = "Sec-WebSocket-Accept: YdypOIlszlAa8WZtOS9miNhQsaE=.",
             .rfc = {"RFC 6455 4.2.2", "RFC 4648 4"},
             .requirement = "The key is used as the octets received: '+' and '/' are base64 "
                            "digits, not URL escapes ('+' is not a space).",
             .script = HttpServerProbe{.request = fixed_key("/+/+/+/+/+/+/+/+/+/+/w=="),
                                       .judge = response_rule(
                                           exact_accept("YdypOIlszlAa8WZtOS9miNhQsaE="),
                                           "The expected accept value")}},
        Case{.id = "14.3.6",
             .title = "No subprotocol when none was offered",
             .description = "The canonical request (no Sec-WebSocket-Protocol).",
             .expectation = "No Sec-WebSocket-Protocol header.",
             .rfc = {"RFC 6455 4.2.2", "RFC 6455 4.1"},
             .requirement =
                 "Without a Sec-WebSocket-Protocol in the request, the server MUST NOT "
                 "send one back (4.2.2 item 5.5 /subprotocol/: only null is acceptable).",
             .script = HttpServerProbe{.request = canonical,
                                       .judge = response_rule(unoffered_subprotocol,
                                                              "No subprotocol selected")}},
        Case{.id = "14.3.7",
             .title = "A subprotocol only from the offer",
             .description = "The canonical request with Sec-WebSocket-Protocol: chat, superchat.",
             .expectation = "No Sec-WebSocket-Protocol, or exactly chat or superchat.",
             .rfc = {"RFC 6455 4.2.2", "RFC 6455 4.1"},
             .requirement =
                 "With subprotocols offered, the server selects one of them, or none (4.2.2 item "
                 "5.5); a value not offered, or a list, fails the client (4.1).",
             .script =
                 HttpServerProbe{.request =
                                     [](const RequestContext& c) {
                                         auto r = raw_request(
                                             upgrade_request(c).add("Sec-WebSocket-Protocol",
                                                                    "chat, superchat"),
                                             c.key);
                                         r.protocols = {"chat", "superchat"};
                                         return r;
                                     },
                                 .judge = response_rule(
                                     one_of_offered, "None or one of the offered subprotocols")}},
        Case{.id = "14.3.8",
             .title = "Subprotocols offered on two header lines",
             .description = "The canonical request with \"Sec-WebSocket-Protocol: chat\" and "
                            "\"Sec-WebSocket-Protocol: superchat\" as two lines.",
             .expectation = "No Sec-WebSocket-Protocol, or exactly chat or superchat.",
             .rfc = {"RFC 6455 11.3.4", "RFC 6455 4.2.2"},
             .requirement = "Sec-WebSocket-Protocol may appear several times in a request, meaning "
                            "one list (11.3.4); the server still selects one value or none.",
             .script =
                 HttpServerProbe{.request =
                                     [](const RequestContext& c) {
                                         auto r = raw_request(
                                             upgrade_request(c)
                                                 .add("Sec-WebSocket-Protocol", "chat")
                                                 .add("Sec-WebSocket-Protocol", "superchat"),
                                             c.key);
                                         r.protocols = {"chat", "superchat"};
                                         return r;
                                     },
                                 .judge = response_rule(
                                     one_of_offered, "None or one of the offered subprotocols")}},
        Case{
            .id = "14.3.9",
            .title = "No extension when none was offered",
            .description = "The canonical request (no Sec-WebSocket-Extensions).",
            .expectation = "No Sec-WebSocket-Extensions header.",
            .rfc = {"RFC 6455 9.1", "RFC 6455 4.1"},
            .requirement = "The server may only accept extensions the client offered (9.1); the "
                           "client fails an unrequested one (4.1).",
            .script = HttpServerProbe{.request = canonical,
                                      .judge = response_rule(unoffered_extension, "No extension")}},
        Case{
            .id = "14.3.10",
            .title = "An unknown extension offered",
            .description =
                "The canonical request with Sec-WebSocket-Extensions: x-wsconform-unknown; mode=7.",
            .expectation = "The response does not name x-wsconform-unknown.",
            .rfc = {"RFC 6455 9.1", "RFC 6455 4.2.2"},
            .requirement = "A server accepts only extensions it implements; an echo of the offer "
                           "(a common shortcut) claims an extension nobody implements.",
            .level = Level::should,
            .script =
                HttpServerProbe{.request =
                                    [](const RequestContext& c) {
                                        auto r = raw_request(
                                            upgrade_request(c).add("Sec-WebSocket-Extensions",
                                                                   "x-wsconform-unknown; mode=7"),
                                            c.key);
                                        r.other_extensions = {"x-wsconform-unknown"};
                                        return r;
                                    },
                                .judge = response_rule(unknown_extension_accepted,
                                                       "The unknown extension was not accepted")}},
        valid_offer({.id = "14.3.11",
                     .title = "permessage-deflate offer as browsers send it",
                     .rfc = {"RFC 7692 5", "RFC 7692 7.1"},
                     .requirement =
                         "A server accepting permessage-deflate answers with one element whose "
                         "parameters fit the offer: client_max_window_bits only with a value 8-15, "
                         "no parameter twice, none unknown."},
                    "permessage-deflate; client_max_window_bits", {{.client_max_window_bits = -1}},
                    "The extension response fits the offer"),
        valid_offer({.id = "14.3.12",
                     .title = "permessage-deflate with server_max_window_bits=10",
                     .rfc = {"RFC 7692 7.1.2.1"},
                     .requirement = "A server accepting an offer with server_max_window_bits MUST "
                                    "include that parameter with the same or a smaller value (RFC "
                                    "7692 7.1.2.1)."},
                    "permessage-deflate; server_max_window_bits=10",
                    {{.server_max_window_bits = 10}}, "The extension response fits the offer"),
        valid_offer({.id = "14.3.13",
                     .title = "permessage-deflate with server_no_context_takeover",
                     .rfc = {"RFC 7692 7.1.1.1"},
                     .requirement = "A server accepting an offer with server_no_context_takeover "
                                    "MUST include that parameter in its response (RFC 7692 "
                                    "7.1.1.1)."},
                    "permessage-deflate; server_no_context_takeover",
                    {{.server_no_context_takeover = true}},
                    "The extension response fits the offer"),
        valid_offer({.id = "14.3.14",
                     .title = "Two permessage-deflate alternatives",
                     .rfc = {"RFC 7692 5", "RFC 7692 7.1"},
                     .requirement = "Offers listed in preference order: the server accepts at most "
                                    "one, and its response fits that alternative (RFC 7692 5)."},
                    "permessage-deflate; server_max_window_bits=10; client_max_window_bits, "
                    "permessage-deflate; client_max_window_bits",
                    {{.server_max_window_bits = 10, .client_max_window_bits = -1},
                     {.client_max_window_bits = -1}},
                    "The extension response fits one alternative"),
        invalid_offer({.id = "14.3.15",
                       .title = "permessage-deflate offer with an unknown parameter",
                       .rfc = {"RFC 7692 7"},
                       .requirement = "A server MUST decline an offer that contains a parameter "
                                      "not defined for offers (RFC 7692 7); it may accept the "
                                      "plain second alternative."},
                      "permessage-deflate; x-wsconform=1, permessage-deflate",
                      "The offer with the unknown parameter was declined"),
        invalid_offer({.id = "14.3.16",
                       .title = "permessage-deflate offer with server_max_window_bits=7",
                       .rfc = {"RFC 7692 7.1.2.1", "RFC 7692 7"},
                       .requirement = "server_max_window_bits takes 8-15 (RFC 7692 7.1.2.1); a "
                                      "server MUST decline an offer with an invalid value (RFC "
                                      "7692 7). It may accept the plain second alternative."},
                      "permessage-deflate; server_max_window_bits=7, permessage-deflate",
                      "The invalid offer was declined"),

    };
}

}  // namespace wsconform::cases::handshake
