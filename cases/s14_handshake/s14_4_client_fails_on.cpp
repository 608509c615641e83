// 14.4: a client fails the connection on an invalid response (RFC 6455 4.1): each case
// answers the client's request with the canonical 101 broken one way, then a text message;
// the client must send no frame at all and close TCP.
#include <algorithm>
#include <optional>
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
    " Then a text message (which a client that took the handshake as valid would echo).";
constexpr std::string_view kExpectFailure =
    "The client fails the connection: it sends no frame at all (not even a close frame: the "
    "connection never opened) and closes TCP.";

// A 14.4 case: `c` names the broken 101 (its description says what `edit` breaks); the text
// message after it and what the client must do are the same for every case.
Case fails_on(Case c, ResponseEdit edit) {
    c.description += kThenGreeting;
    c.expectation = kExpectFailure;
    c.script =
        HttpClientProbe{.respond = answered(c.id, false, std::move(edit)), .judge = client_fails()};
    return c;
}

}  // namespace

std::vector<Case> client_fails_on() {
    const std::string kFailureRule =
        " Otherwise the client MUST _Fail the WebSocket Connection_ (RFC 6455 4.1).";
    // Rules two cases each break.
    const std::string kStatusRule =
        "Any status but 101 means the handshake did not happen (4.1 item 1)." + kFailureRule;
    const std::string kUpgradeRule =
        "The 101 must carry Upgrade: websocket (4.1 item 2)." + kFailureRule;
    const std::string kConnectionRule =
        "The 101 must carry a Connection header with the Upgrade token (4.1 item 3)." +
        kFailureRule;
    std::vector<Case> out{
        fails_on(
            {.id = "14.4.1",
             .title = "Wrong Sec-WebSocket-Accept",
             .description =
                 "A 101 whose Sec-WebSocket-Accept is 7vI97qQ5QRxq6lD6E5RRX36mOBc=, whatever the "
                 "key: a real-world value that does not match its key ov0xgaSDKDbFH7uZ1o+nSw== "
                 "(the right one is OmGjY/z/qs7HXtXvMnEJAZ/gJDU=) and matches no key in practice.",
             .rfc = {"RFC 6455 4.1", "RFC 6455 4.2.2"},
             .requirement = "Sec-WebSocket-Accept must be base64(SHA-1(key + GUID)) for the key "
                            "the client sent (4.1 item 4)." +
                            kFailureRule},
            [](Head& h, const ClientRequest&) {
                h.set("Sec-WebSocket-Accept", "7vI97qQ5QRxq6lD6E5RRX36mOBc=");
            }),
        fails_on(
            {.id = "14.4.2",
             .title = "No Sec-WebSocket-Accept",
             .description = "A 101 without its Sec-WebSocket-Accept line.",
             .rfc = {"RFC 6455 4.1"},
             .requirement =
                 "A 101 without Sec-WebSocket-Accept is not a WebSocket handshake (4.1 item 4)." +
                 kFailureRule},
            [](Head& h, const ClientRequest&) { h.drop("Sec-WebSocket-Accept"); }),
        fails_on(
            {.id = "14.4.3",
             .title = "Sec-WebSocket-Accept with its letters' case swapped",
             .description = "A 101 whose Sec-WebSocket-Accept is the right value with upper and "
                            "lower case swapped.",
             .rfc = {"RFC 6455 4.1", "RFC 4648 4"},
             .requirement = "base64 is case-sensitive: the accept value is compared exactly, not "
                            "case-insensitively." +
                            kFailureRule},
            [](Head& h, const ClientRequest& r) {
                h.set("Sec-WebSocket-Accept", swap_case(protocol::compute_accept(r.key)));
            }),
        fails_on(
            {.id = "14.4.4",
             .title = "Sec-WebSocket-Accept twice",
             .description = "A 101 with two identical, correct Sec-WebSocket-Accept lines.",
             .rfc = {"RFC 6455 11.3.3", "RFC 6455 4.1"},
             .requirement = "\"The Sec-WebSocket-Accept header MUST NOT appear more than once in "
                            "an HTTP response\" (11.3.3); two lines make the value \"x, x\", which "
                            "is not the accept value." +
                            kFailureRule,
             .level = Level::should},
            [](Head& h, const ClientRequest& r) {
                h.add("Sec-WebSocket-Accept", protocol::compute_accept(r.key));
            }),
        fails_on(
            {.id = "14.4.11",
             .title = "A subprotocol the client did not offer",
             .description = "A 101 with Sec-WebSocket-Protocol: wsconform-unoffered (or, if the "
                            "client offered that, wsconform-unoffered-2).",
             .rfc = {"RFC 6455 4.1"},
             .requirement =
                 "A Sec-WebSocket-Protocol value the client did not offer fails it (4.1 item 6)." +
                 kFailureRule},
            [](Head& h, const ClientRequest& r) {
                const bool taken = std::find(r.protocols.begin(), r.protocols.end(),
                                             "wsconform-unoffered") != r.protocols.end();
                h.add("Sec-WebSocket-Protocol",
                      taken ? "wsconform-unoffered-2" : "wsconform-unoffered");
            }),
        fails_on({.id = "14.4.12",
                  .title = "An extension the client did not offer",
                  .description = "A 101 with Sec-WebSocket-Extensions: x-wsconform-unoffered.",
                  .rfc = {"RFC 6455 4.1", "RFC 6455 9.1"},
                  .requirement = "An extension the client did not offer fails it (4.1 item 5)." +
                                 kFailureRule},
                 [](Head& h, const ClientRequest&) {
                     h.add("Sec-WebSocket-Extensions", "x-wsconform-unoffered");
                 }),
        fails_on(
            {.id = "14.4.13",
             .title = "permessage-deflate with server_max_window_bits=7",
             .description = "A 101 with Sec-WebSocket-Extensions: permessage-deflate; "
                            "server_max_window_bits=7.",
             .rfc = {"RFC 7692 7", "RFC 7692 7.1.2.1"},
             .requirement = "A client MUST _Fail the WebSocket Connection_ when the server accepts "
                            "permessage-deflate with an invalid parameter value (RFC 7692 7; "
                            "window bits are 8-15, 7.1.2.1), and when it accepts an extension not "
                            "offered at all (RFC 6455 4.1)."},
            [](Head& h, const ClientRequest&) {
                h.add("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=7");
            }),

    };
    // 14.4.7 - 14.4.10: the Upgrade or Connection line missing, or with a wrong value.
    struct HeaderRow {
        const char* id;
        const char* header;
        const char* value;  // nullptr: no such line
        const std::string& rule;
    };
    for (const HeaderRow& row :
         {HeaderRow{"14.4.7", "Upgrade", nullptr, kUpgradeRule},
          HeaderRow{"14.4.8", "Upgrade", "h2c", kUpgradeRule},
          HeaderRow{"14.4.9", "Connection", nullptr, kConnectionRule},
          HeaderRow{"14.4.10", "Connection", "keep-alive", kConnectionRule}}) {
        const std::string header = row.header;
        const std::optional<std::string> value =
            row.value ? std::optional<std::string>(row.value) : std::nullopt;
        out.push_back(
            fails_on({.id = row.id,
                      .title = value ? header + ": " + *value : "No " + header + " header",
                      .description = value ? "A 101 with " + header + ": " + *value + "."
                                           : "A 101 without its " + header + " line.",
                      .rfc = {"RFC 6455 4.1"},
                      .requirement = row.rule},
                     [header, value](Head& h, const ClientRequest&) {
                         if (value)
                             h.set(header, *value);
                         else
                             h.drop(header);
                     }));
    }
    // 14.4.5, 14.4.6: a status other than 101, the headers otherwise right.
    for (const auto& [id, status] :
         {std::pair{"14.4.5", "200 OK"}, std::pair{"14.4.6", "403 Forbidden"}}) {
        const std::string status_line = "HTTP/1.1 " + std::string(status);
        out.push_back(fails_on(
            {.id = id,
             .title = "Status " + status_line.substr(9, 3) + " instead of 101",
             .description = status_line +
                            " with the Upgrade, Connection and correct Sec-WebSocket-Accept "
                            "headers.",
             .rfc = {"RFC 6455 4.1"},
             .requirement = kStatusRule},
            [status_line](Head& h, const ClientRequest&) { h.start(status_line); }));
    }
    return out;
}

}  // namespace wsconform::cases::handshake
