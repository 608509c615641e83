// 14.1: a server accepts valid requests in unusual shapes (RFC 6455 4.2.1): each case sends
// the canonical request edited one way, and the server must answer a valid 101, echo our
// text message and complete the closing handshake we start.
#include <string>
#include <utility>

#include "cases/s14_handshake/heads.h"
#include "cases/s14_handshake/server_judges.h"
#include "cases/s14_handshake/subsections.h"

namespace wsconform::cases::handshake {

namespace {

HttpServerProbe expects_upgrade(RequestScript request) {
    return {.request = std::move(request), .judge = accepts()};
}

}  // namespace

std::vector<Case> server_accepts() {
    const std::string kExpectUpgrade =
        "The server answers 101 with a valid handshake (RFC 6455 4.2.2), echoes our text "
        "message, and completes the closing handshake we start.";
    return {
        Case{.id = "14.1.1",
             .title = "Canonical upgrade request",
             .description = "GET with Host, Upgrade: websocket, Connection: Upgrade, a fresh "
                            "Sec-WebSocket-Key and Sec-WebSocket-Version: 13; no other header.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.1", "RFC 6455 4.2.1", "RFC 6455 4.2.2"},
             .requirement = "A server accepts a request that has exactly what RFC 6455 4.1 lists "
                            "and nothing else.",
             .script = expects_upgrade(edited([](Head&) {}))},
        Case{.id = "14.1.2",
             .title = "Header names in lower case",
             .description = "The canonical request with every header name in lower case (host:, "
                            "upgrade:, sec-websocket-key: ...).",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1", "RFC 9110 5.1"},
             .requirement = "Field names are case-insensitive (RFC 9110 5.1); a server matches "
                            "them in any case.",
             .script = expects_upgrade(edited([](Head& h) { h.rename(lower); }))},
        Case{.id = "14.1.3",
             .title = "Header names in upper case",
             .description = "The canonical request with every header name in upper case (HOST:, "
                            "SEC-WEBSOCKET-KEY: ...).",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1", "RFC 9110 5.1"},
             .requirement = "Field names are case-insensitive (RFC 9110 5.1); a server matches "
                            "them in any case.",
             .script = expects_upgrade(edited([](Head& h) { h.rename(upper); }))},
        Case{.id = "14.1.4",
             .title = "Upgrade token in upper case",
             .description = "The canonical request with Upgrade: WEBSOCKET.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = "The Upgrade value \"websocket\" is matched ASCII case-insensitively "
                            "(RFC 6455 4.2.1 item 3).",
             .script = expects_upgrade(edited([](Head& h) { h.set("Upgrade", "WEBSOCKET"); }))},
        Case{.id = "14.1.5",
             .title = "Connection token in lower case",
             .description = "The canonical request with Connection: upgrade.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = "The Connection token \"Upgrade\" is matched ASCII case-insensitively "
                            "(RFC 6455 4.2.1 item 4).",
             .script = expects_upgrade(edited([](Head& h) { h.set("Connection", "upgrade"); }))},
        Case{.id = "14.1.6",
             .title = "Connection: keep-alive, Upgrade",
             .description = "The canonical request with Connection: keep-alive, Upgrade.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1", "RFC 9110 7.6.1"},
             .requirement =
                 "Connection is a list of tokens; the server looks for the Upgrade token in it, "
                 "not for the whole value (Autobahn issue #82: Firefox sends exactly this).",
             .script = expects_upgrade(
                 edited([](Head& h) { h.set("Connection", "keep-alive, Upgrade"); }))},
        Case{.id = "14.1.7",
             .title = "Connection split over two header lines",
             .description = "The canonical request with \"Connection: keep-alive\" and "
                            "\"Connection: Upgrade\" as two lines.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1", "RFC 9110 5.3"},
             .requirement = "Two Connection lines mean the same as one with both values joined by "
                            "a comma (RFC 9110 5.3).",
             .level = Level::should,
             .script = expects_upgrade(edited(
                 [](Head& h) { h.set("Connection", "keep-alive").add("Connection", "Upgrade"); }))},
        Case{.id = "14.1.8",
             .title = "Upgrade lists another protocol first",
             .description = "The canonical request with Upgrade: foo/1, websocket.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1", "RFC 9110 7.8"},
             .requirement =
                 "Upgrade is a list; RFC 6455 4.2.1 asks for an Upgrade header containing "
                 "\"websocket\", and the server may pick it among others (RFC 9110 7.8).",
             .level = Level::should,
             .script =
                 expects_upgrade(edited([](Head& h) { h.set("Upgrade", "foo/1, websocket"); }))},
        Case{.id = "14.1.9",
             .title = "Extra headers a browser sends",
             .description =
                 "The canonical request plus User-Agent, Origin, Cookie, Accept-Encoding, "
                 "Accept-Language, Cache-Control, Pragma and an unknown X- header.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.1", "RFC 6455 4.2.1"},
             .requirement = "A request may carry any other header (RFC 6455 4.1: e.g. cookies); a "
                            "server ignores those it does not use.",
             .script = expects_upgrade(edited([](Head& h) {
                 h.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) wsconform")
                     .add("Origin", "http://example.com")
                     .add("Cookie", "session=wsconform; theme=dark")
                     .add("Accept-Encoding", "gzip, deflate, br")
                     .add("Accept-Language", "en-US,en;q=0.9")
                     .add("Cache-Control", "no-cache")
                     .add("Pragma", "no-cache")
                     .add("X-Wsconform-Probe", "14.1.9");
             }))},
        Case{.id = "14.1.10",
             .title = "Query string in the request target",
             .description = "The canonical request for the target's resource with "
                            "?wsconform=14.1.10&x=a%20b appended.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 3", "RFC 6455 4.1"},
             .requirement = "The resource name includes the query (RFC 6455 3); a query the "
                            "endpoint does not use should not stop the handshake.",
             .level = Level::should,
             .script = expects_upgrade([](const RequestContext& c) {
                 RequestContext q = c;
                 q.target += (c.target.find('?') == std::string::npos ? "?" : "&");
                 q.target += "wsconform=14.1.10&x=a%20b";
                 return raw_request(upgrade_request(q), c.key);
             })},
        Case{.id = "14.1.11",
             .title = "A WebSocket frame in the same segment as the request",
             .description = "The canonical request and, in the same write, a masked text frame.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.1", "RFC 6455 4.2.2"},
             .requirement =
                 "The octets after the request's blank line belong to the WebSocket connection. A "
                 "client must wait for the 101 before sending (4.1), so nothing obliges the "
                 "server, but losing those octets breaks every client that pipelines.",
             .level = Level::should,
             .script = expects_upgrade([](const RequestContext& c) {
                 auto r = raw_request(upgrade_request(c), c.key);
                 r.pipelined_text = "Hello from wsconform, pipelined with the request";
                 return r;
             })},
        Case{.id = "14.1.12",
             .title = "Request written in 5-octet pieces",
             .description = "The canonical request, written 5 octets at a time, each piece its own "
                            "TCP segment.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1", "RFC 9112 2.1"},
             .requirement =
                 "HTTP rides on a byte stream: a server reads the head however it is segmented.",
             .script = expects_upgrade([](const RequestContext& c) {
                 auto r = raw_request(upgrade_request(c), c.key);
                 r.chopsize = 5;
                 return r;
             })},
        Case{.id = "14.1.13",
             .title = "No space after the colon, tabs around values",
             .description = "The canonical request written as \"Upgrade:websocket\", "
                            "\"Connection:\\tUpgrade\\t\" and \"Sec-WebSocket-Version:  13 \".",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 9112 5.1", "RFC 9110 5.5"},
             .requirement =
                 "Optional whitespace (spaces or tabs) around a field value is not part of it (RFC "
                 "9112 5.1); a parser MUST exclude it before evaluating the value (RFC 9110 5.5).",
             .script = expects_upgrade([](const RequestContext& c) {
                 Head h = upgrade_request(c);
                 h.set_raw("Upgrade", "Upgrade:websocket")
                     .set_raw("Connection", "Connection:\tUpgrade\t")
                     .set_raw("Sec-WebSocket-Version", "Sec-WebSocket-Version:  13 ");
                 return raw_request(h, c.key);
             })},
        Case{.id = "14.1.14",
             .title = "Header lines in reverse order",
             .description = "The canonical request with its header lines reversed: "
                            "Sec-WebSocket-Version first, Host last.",
             .expectation = kExpectUpgrade,
             .rfc = {"RFC 6455 4.2.1"},
             .requirement = "\"The order of the header fields is not important\" (RFC 6455 4.2.1).",
             .script = expects_upgrade(edited([](Head& h) { h.reverse(); }))},

    };
}

}  // namespace wsconform::cases::handshake
