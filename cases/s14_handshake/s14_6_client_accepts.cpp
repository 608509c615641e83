// 14.6: a client accepts valid responses in unusual shapes (RFC 6455 4.1): each case answers
// with a valid 101 written one unusual way, then a text message; the client must open, echo
// it and answer our close.
#include <string>
#include <string_view>
#include <utility>

#include "cases/s14_handshake/client_judges.h"
#include "cases/s14_handshake/heads.h"
#include "cases/s14_handshake/subsections.h"
#include "protocol/handshake.h"

namespace wsconform::cases::handshake {

namespace {

constexpr std::string_view kThenGreeting =
    " Then a text message, and a close (1000) once it is echoed.";
constexpr std::string_view kExpectOpen =
    "The client opens the connection, echoes our message and answers our close.";

// A 14.6 case: `c` names the unusual 101 that `respond` writes; the text message after it
// and what the client must do are the same for every case.
Case opens_with(Case c, ResponseScript respond) {
    c.description += kThenGreeting;
    c.expectation = kExpectOpen;
    c.script = HttpClientProbe{.respond = std::move(respond), .judge = client_opens()};
    return c;
}
// The same, for the canonical 101 as `edit` changes it.
Case opens_with(Case c, ResponseEdit edit) {
    ResponseScript respond = answered(c.id, true, std::move(edit));
    return opens_with(std::move(c), std::move(respond));
}

}  // namespace

std::vector<Case> client_accepts() {
    return {
        opens_with(
            {.id = "14.6.1",
             .title = "A frame in the same segment as the 101",
             .description = "The canonical 101 and our text frame in one write (one TCP segment).",
             .rfc = {"RFC 6455 4.1", "RFC 6455 4.2.2"},
             .requirement = "The server may send frames as soon as its 101 is out: the octets "
                            "after the response's blank line belong to the WebSocket connection."},
            [](const ClientRequest& r) {
                RawResponse a;
                a.head = upgrade_response(r).str();
                a.texts = {greeting("14.6.1")};
                a.same_write = true;
                return a;
            }),
        opens_with({.id = "14.6.2",
                    .title = "Header names in lower case",
                    .description = "The canonical 101 with every header name in lower case.",
                    .rfc = {"RFC 6455 4.1", "RFC 9110 5.1"},
                    .requirement = "Field names are case-insensitive (RFC 9110 5.1)."},
                   [](Head& h, const ClientRequest&) { h.rename(lower); }),
        opens_with(
            {.id = "14.6.3",
             .title = "Upgrade: WebSocket, Connection: upgrade",
             .description = "The canonical 101 with Upgrade: WebSocket and Connection: upgrade.",
             .rfc = {"RFC 6455 4.1"},
             .requirement = "The client matches \"websocket\" and \"Upgrade\" ASCII "
                            "case-insensitively (4.1 items 2, 3)."},
            [](Head& h, const ClientRequest&) {
                h.set("Upgrade", "WebSocket").set("Connection", "upgrade");
            }),
        opens_with(
            {.id = "14.6.4",
             .title = "Connection: keep-alive, Upgrade",
             .description = "The canonical 101 with Connection: keep-alive, Upgrade.",
             .rfc = {"RFC 6455 4.1"},
             .requirement = "The Connection header must contain the Upgrade token (4.1 item 3); "
                            "other tokens may be there too."},
            [](Head& h, const ClientRequest&) { h.set("Connection", "keep-alive, Upgrade"); }),
        opens_with(
            {.id = "14.6.5",
             .title = "Extra headers in the 101",
             .description = "The canonical 101 plus Server, Date, Set-Cookie, Cache-Control and an "
                            "unknown X- header.",
             .rfc = {"RFC 6455 4.1", "RFC 6455 4.2.2"},
             .requirement = "A 101 may carry other headers (4.2.2: e.g. cookies); the client "
                            "ignores those it does not use."},
            [](Head& h, const ClientRequest&) {
                h.add("Server", "wsconform/14.6.5")
                    .add("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
                    .add("Set-Cookie", "session=wsconform; Path=/; HttpOnly")
                    .add("Cache-Control", "no-store")
                    .add("X-Wsconform-Probe", "14.6.5");
            }),
        opens_with(
            {.id = "14.6.6",
             .title = "Reason phrase other than Switching Protocols",
             .description =
                 "A 101 with the status line HTTP/1.1 101 Web Socket Protocol Handshake.",
             .rfc = {"RFC 9112 4"},
             .requirement = "\"A client SHOULD ignore the reason-phrase content\" (RFC 9112 4).",
             .level = Level::should},
            [](Head& h, const ClientRequest&) {
                h.start("HTTP/1.1 101 Web Socket Protocol Handshake");
            }),
        opens_with(
            {.id = "14.6.7",
             .title = "101 written in 4-octet pieces",
             .description =
                 "The canonical 101, written 4 octets at a time, each piece its own TCP segment.",
             .rfc = {"RFC 6455 4.1", "RFC 9112 2.1"},
             .requirement =
                 "HTTP rides on a byte stream: a client reads the head however it is segmented."},
            [](const ClientRequest& r) {
                RawResponse a;
                a.head = upgrade_response(r).str();
                a.texts = {greeting("14.6.7")};
                a.chopsize = 4;
                return a;
            }),
        opens_with(
            {.id = "14.6.8",
             .title = "No space after the colon, tabs around values",
             .description = "The canonical 101 written as \"Upgrade:websocket\", "
                            "\"Connection:\\tUpgrade\\t\" and \"Sec-WebSocket-Accept: <value>  \".",
             .rfc = {"RFC 9112 5.1", "RFC 9110 5.5"},
             .requirement =
                 "Optional whitespace around a field value is not part of it (RFC 9112 5.1); a "
                 "parser MUST exclude it before evaluating the value (RFC 9110 5.5)."},
            [](Head& h, const ClientRequest& r) {
                h.set_raw("Upgrade", "Upgrade:websocket")
                    .set_raw("Connection", "Connection:\tUpgrade\t")
                    .set_raw("Sec-WebSocket-Accept",
                             "Sec-WebSocket-Accept: " + protocol::compute_accept(r.key) + "  ");
            }),

    };
}

}  // namespace wsconform::cases::handshake
