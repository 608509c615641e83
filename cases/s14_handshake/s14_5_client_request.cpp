// 14.5: the client's request and its masking keys, rule by rule (RFC 6455 4.1, 5.3, 10.3):
// each case answers with a valid 101 and text messages, and checks one rule of what the
// client sent.
#include <chrono>
#include <optional>
#include <string>

#include "cases/s14_handshake/client_judges.h"
#include "cases/s14_handshake/closing.h"
#include "cases/s14_handshake/heads.h"
#include "cases/s14_handshake/subsections.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases::handshake {

using harness::ClientExchange;
using harness::ClientHistory;
using protocol::iequals;

namespace {

// 14.5.10: the Origin header is reported, not judged (the level makes it INFORMATIONAL).
harness::Verdict report_origin(const ClientExchange& x, const ClientHistory&) {
    const auto origin = x.request.head.header("Origin");
    return with_close(Behavior::ok,
                      origin
                          ? "Origin: " + std::string(origin->substr(0, 200))
                          : std::string("No Origin header (not a browser, or one that omits it)"),
                      x);
}

// 14.5.1: the method GET, HTTP/1.1 or a later 1.x (4.1 item 2).
std::optional<std::string> request_line_problem(const ClientExchange& x) {
    const auto& h = x.request.head;
    if (h.method != "GET") return "The method is '" + h.method.substr(0, 40) + "', not GET";
    if (h.version_major != 1 || h.version_minor < 1)
        return "The request says HTTP/" + std::to_string(h.version_major) + "." +
               std::to_string(h.version_minor);
    return std::nullopt;
}

// 14.5.2: one Host header, naming the port we listen on unless it is 80 (4.1 item 4).
std::optional<std::string> host_problem(const ClientExchange& x) {
    const auto& h = x.request.head;
    const auto n = h.header_count("Host");
    if (n != 1)
        return "The request has " + std::to_string(n) + " Host headers; it needs exactly one";
    const std::string host(*h.header("Host"));
    const auto port = x.request.listen_port;
    if (host.empty() || host.front() == ':') return "The Host header names no host";
    if (port != 80 && !host.ends_with(":" + std::to_string(port)))
        return "Host is '" + host.substr(0, 100) + "', without the port " + std::to_string(port);
    return std::nullopt;
}

// 14.5.3: Upgrade lists websocket, Connection lists Upgrade (4.1 items 5, 6).
std::optional<std::string> upgrade_tokens_problem(const ClientExchange& x) {
    const auto& h = x.request.head;
    if (!h.has_token("Upgrade", "websocket"))
        return "Upgrade is '" + h.combined("Upgrade").substr(0, 100) + "', without websocket";
    if (!h.has_token("Connection", "upgrade"))
        return "Connection is '" + h.combined("Connection").substr(0, 100) + "', without Upgrade";
    return std::nullopt;
}

// 14.5.4: one Sec-WebSocket-Key, base64 of 16 octets (4.1 item 7, 11.3.1).
std::optional<std::string> key_problem(const ClientExchange& x) {
    const auto n = x.request.head.header_count("Sec-WebSocket-Key");
    if (n != 1) return "The request has " + std::to_string(n) + " Sec-WebSocket-Key headers";
    if (!protocol::is_valid_key(x.request.key))
        return "Sec-WebSocket-Key '" + x.request.key.substr(0, 64) + "' is not base64 of 16 octets";
    return std::nullopt;
}

// 14.5.5: one Sec-WebSocket-Version, 13 (4.1 item 9).
std::optional<std::string> version_problem(const ClientExchange& x) {
    const auto& h = x.request.head;
    if (h.header_count("Sec-WebSocket-Version") != 1)
        return "The request has " + std::to_string(h.header_count("Sec-WebSocket-Version")) +
               " Sec-WebSocket-Version headers";
    if (h.combined("Sec-WebSocket-Version") != "13")
        return "Sec-WebSocket-Version is '" + h.combined("Sec-WebSocket-Version").substr(0, 40) +
               "'";
    return std::nullopt;
}

// 14.5.8: nothing after the request until our 101 (4.1).
std::optional<std::string> early_data_problem(const ClientExchange& x) {
    if (x.early_bytes > 0)
        return "The client sent " + std::to_string(x.early_bytes) +
               " octets after its request, before our answer";
    return std::nullopt;
}

// 14.5.9: subprotocols unique tokens (4.1 item 10), extensions in the 9.1 grammar, valid
// permessage-deflate offers (RFC 7692 7.1).
std::optional<std::string> offers_problem(const ClientExchange& x) {
    const auto& r = x.request;
    for (std::size_t i = 0; i < r.protocols.size(); ++i) {
        if (!protocol::is_token(r.protocols[i]))
            return "Offered subprotocol '" + r.protocols[i].substr(0, 60) + "' is not a token";
        for (std::size_t j = 0; j < i; ++j)
            if (r.protocols[j] == r.protocols[i])
                return "Subprotocol '" + r.protocols[i].substr(0, 60) + "' is offered twice";
    }
    if (r.head.header_count("Sec-WebSocket-Protocol") > 0 && r.protocols.empty())
        return std::string("Sec-WebSocket-Protocol is empty");
    if (r.extensions_malformed)
        return "Sec-WebSocket-Extensions '" +
               r.head.combined("Sec-WebSocket-Extensions").substr(0, 100) +
               "' breaks the 9.1 grammar";
    for (const auto& e : r.extensions) {
        if (!iequals(e.name, protocol::kPermessageDeflate)) continue;
        protocol::DeflateParams params;
        if (auto ec = protocol::parse_deflate_params(e, true, params))
            return "A permessage-deflate offer is invalid: " + ec.message();
    }
    return std::nullopt;
}

}  // namespace

std::vector<Case> client_request() {
    const std::string kValidAnswer =
        "We answer the client's request with a valid 101 and a text message, then close with "
        "1000 once they are echoed.";
    return {
        Case{.id = "14.5.1",
             .title = "Request line: GET, HTTP/1.1",
             .description = kValidAnswer,
             .expectation = "The request line reads GET <resource> HTTP/1.1 (or a later 1.x).",
             .rfc = {"RFC 6455 4.1"},
             .requirement = "\"The method of the request MUST be GET, and the HTTP version MUST be "
                            "at least 1.1\" (4.1 item 2).",
             .script =
                 HttpClientProbe{.respond = valid_answer("14.5.1"),
                                 .judge = request_rule(request_line_problem, "GET ... HTTP/1.1")}},
        Case{.id = "14.5.2",
             .title = "Host names the server and its port",
             .description = kValidAnswer,
             .expectation = "One Host header ending in :<the port the client connected to>.",
             .rfc = {"RFC 6455 4.1", "RFC 9112 3.2"},
             .requirement = "Exactly one Host header with the host and, on a port other than 80, "
                            "\":port\" (4.1 item 4; RFC 9112 3.2).",
             .script = HttpClientProbe{.respond = valid_answer("14.5.2"),
                                       .judge = request_rule(
                                           host_problem, "One Host header with host and port")}},
        Case{
            .id = "14.5.3",
            .title = "Upgrade: websocket and Connection: Upgrade",
            .description = kValidAnswer,
            .expectation = "Both headers present with those tokens (in any case).",
            .rfc = {"RFC 6455 4.1"},
            .requirement = "An Upgrade header containing \"websocket\" and a Connection header "
                           "containing the token \"Upgrade\" (4.1 items 5, 6).",
            .script = HttpClientProbe{.respond = valid_answer("14.5.3"),
                                      .judge = request_rule(upgrade_tokens_problem,
                                                            "Upgrade and Connection as required")}},
        Case{.id = "14.5.4",
             .title = "Sec-WebSocket-Key: base64 of 16 octets, once",
             .description = kValidAnswer,
             .expectation = "One Sec-WebSocket-Key of 24 base64 characters decoding to 16 octets.",
             .rfc = {"RFC 6455 4.1", "RFC 6455 11.3.1"},
             .requirement = "One Sec-WebSocket-Key whose value is the base64 encoding of a "
                            "16-octet nonce (4.1 item 7; 11.3.1: at most once).",
             .script = HttpClientProbe{.respond = valid_answer("14.5.4"),
                                       .judge = request_rule(key_problem, "A valid key")}},
        Case{.id = "14.5.5",
             .title = "Sec-WebSocket-Version: 13",
             .description = kValidAnswer,
             .expectation = "One Sec-WebSocket-Version header with the value 13.",
             .rfc = {"RFC 6455 4.1"},
             .requirement =
                 "\"The request MUST include a header field with the name Sec-WebSocket-Version. "
                 "The value of this header field MUST be 13\" (4.1 item 9).",
             .script = HttpClientProbe{.respond = valid_answer("14.5.5"),
                                       .judge = request_rule(version_problem, "Version 13")}},
        Case{
            .id = "14.5.6",
            .title = "A fresh random key on every connection",
            .description = kValidAnswer,
            .expectation = "A key unlike every earlier key of this client (informational when "
                           "fewer than two earlier connections exist).",
            .rfc = {"RFC 6455 4.1", "RFC 6455 10.3"},
            .requirement = "\"The nonce MUST be selected randomly for each connection\" (4.1 item "
                           "7). Compared with this client's earlier connections in this run: no "
                           "repeat, no shared pattern, not RFC 6455's sample nonce.",
            .script = HttpClientProbe{.respond = valid_answer("14.5.6"), .judge = judge_fresh_key}},
        Case{.id = "14.5.7",
             .title = "Masking keys fresh and unpredictable",
             .description = "We answer the client's request with a valid 101 and 8 text messages, "
                            "then close with 1000 once they are echoed.",
             .expectation = "8 echoed frames with 8 distinct, non-zero masking keys with no "
                            "constant step, none seen on the client's earlier connections.",
             .rfc = {"RFC 6455 5.3", "RFC 6455 10.3"},
             .requirement =
                 "The client picks \"a fresh masking key from the set of allowed 32-bit values\" "
                 "for each frame, from \"a strong source of entropy\" (5.3): no key twice, none "
                 "predictable from earlier ones (10.3), also across connections.",
             .script = HttpClientProbe{.respond = valid_answer("14.5.7", 8), .judge = judge_masks}},
        Case{.id = "14.5.8",
             .title = "No data before the 101",
             .description = "We answer the client's request with a valid 101 and a text message, "
                            "after waiting 500 ms, then close with 1000 once they are echoed.",
             .expectation = "Nothing from the client during the 500 ms we wait before answering.",
             .rfc = {"RFC 6455 4.1"},
             .requirement =
                 "\"Once the client's opening handshake has been sent, the client MUST wait for a "
                 "response from the server before sending any further data\" (4.1).",
             .script =
                 HttpClientProbe{
                     .respond = valid_answer("14.5.8", 1, std::chrono::milliseconds(500)),
                     .judge = request_rule(early_data_problem, "The client waited for the 101")}},
        Case{.id = "14.5.9",
             .title = "Well-formed subprotocol and extension offers",
             .description = kValidAnswer,
             .expectation = "Either header absent, or well-formed.",
             .rfc = {"RFC 6455 4.1", "RFC 6455 9.1", "RFC 7692 7.1"},
             .requirement =
                 "Offered subprotocols are unique tokens (4.1 item 10); Sec-WebSocket-Extensions "
                 "follows the 9.1 grammar, and permessage-deflate offers carry only its parameters "
                 "with valid values (RFC 7692 7.1).",
             .script = HttpClientProbe{.respond = valid_answer("14.5.9"),
                                       .judge = request_rule(offers_problem,
                                                             "Offers well-formed (or none)")}},
        Case{.id = "14.5.10",
             .title = "Origin header",
             .description = kValidAnswer,
             .expectation = "Reported: the Origin value, or its absence.",
             .rfc = {"RFC 6455 4.1", "RFC 6455 10.2"},
             .requirement =
                 "Browsers MUST send Origin (4.1 item 8); other clients MAY. Reported, not judged.",
             .level = Level::informational,
             .script = HttpClientProbe{.respond = valid_answer("14.5.10"), .judge = report_origin}},

    };
}

}  // namespace wsconform::cases::handshake
