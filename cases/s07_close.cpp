// Section 7: the closing handshake (RFC 6455 5.5.1, 7). We start it every time: frames
// after our Close, malformed Close bodies, and every class of close code.
#include <array>
#include <cstdint>
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"
#include "harness/model/judge.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;
using harness::text_message;

namespace {

// 7.7: codes a Close frame may carry (RFC 6455 7.4.1 defined codes, 7.4.2 ranges for
// libraries, frameworks and applications).
constexpr std::array<std::uint16_t, 13> kValidCodes{1000, 1001, 1002, 1003, 1007, 1008, 1009,
                                                    1010, 1011, 3000, 3999, 4000, 4999};
// 7.9: codes that must not appear in a Close frame: unused (0-999), reserved (1004), meant
// only for local reporting (1005, 1006), or unassigned in the protocol range (1016-2999).
constexpr std::array<std::uint16_t, 9> kInvalidCodes{0,    999,  1004, 1005, 1006,
                                                     1016, 1100, 2000, 2999};

constexpr std::string_view kAfterCloseRule =
    "After sending a Close an endpoint sends no more data, and once it has received a Close "
    "it answers it once and ignores whatever else arrives; the TCP connection then closes.";
constexpr std::string_view kCloseBodyRule =
    "A Close body is either empty or a 2-octet status code followed by a UTF-8 reason, within "
    "the 125-octet limit of control frames.";

std::string close_reply_expectation(bool echo) {
    return echo ? "The peer sends nothing but its Close (1000 or the code we sent), and the "
                  "closing handshake completes cleanly."
                : "The peer answers our Close with its own (1000) and the closing handshake "
                  "completes cleanly; nothing else comes back.";
}

// What every case here but 7.1.1 and 7.1.6 does: `send` (our Close, and what goes with it),
// expecting nothing back but the peer's side of the closing handshake, which must end as
// `close` says.
std::function<void(Session&)> close_then(ExpectedClose close, std::function<void(Session&)> send) {
    return [close = std::move(close), send = std::move(send)](Session& s) {
        s.expect(Behavior::ok, {});
        s.expect_close(close);
        send(s);
        s.kill_after(1s);
    };
}

// 7.1.2 - 7.5.1: as close_then(), never closing on our own (suppressClose); a WRONG CODE also
// fails behavior.
Case closing(Case c, ExpectedClose close, std::function<void(Session&)> send) {
    c.script = WebSocketScript{
        .on_open = close_then(std::move(close), std::move(send)),
        .suppress_close = true,
        .wrong_code_fails = true,
    };
    return c;
}

// A Close with `code` and `reason` (none: an empty body).
std::function<void(Session&)> close_with(std::optional<std::uint16_t> code = std::nullopt,
                                         std::optional<std::string> reason = std::nullopt) {
    return [code, reason](Session& s) { s.send_close(code, reason); };
}

// What a peer that meets a malformed Close must do.
harness::ExpectedClose protocol_error_after_our_close() {
    return {.closed_by_me = true, .close_codes = {1002}, .require_clean = false};
}

}  // namespace

std::vector<Case> section7_close() {
    std::vector<Case> out;

    // 7.1: the basic closing handshake, and frames that follow our Close.
    out.push_back(Case{
        .id = "7.1.1",
        .title = "Echo, then a normal close",
        .description = "Sends the text message 'Hello World!'; once it is echoed we close with "
                       "1000.",
        .expectation = "The peer echoes the message and answers our Close with 1000; the "
                       "closing handshake completes cleanly.",
        .rfc = {"RFC 6455 5.5.1", "RFC 6455 7.1.2"},
        .requirement = "An endpoint that receives a Close it did not send first answers with a "
                       "Close and closes the TCP connection.",
        .script =
            WebSocketScript{
                .on_open =
                    [](Session& s) {
                        s.expect(Behavior::ok, {text_message("Hello World!")});
                        s.expect_close(we_close_normally());
                        s.send_frame({.opcode = opcode::text, .payload = "Hello World!"});
                        s.kill_after(1s);
                    },
                .wrong_code_fails = true,
            },
    });
    out.push_back(
        closing({.id = "7.1.2",
                 .title = "Two Close frames",
                 .description = "Sends a Close with 1000, then a second Close with an empty body.",
                 .expectation = "The peer answers the first Close once, with 1000, and ignores the "
                                "second; the closing handshake completes cleanly.",
                 .rfc = {"RFC 6455 5.5.1"},
                 .requirement = std::string(kAfterCloseRule)},
                we_close_normally(), [](Session& s) {
                    s.send_close(1000);
                    s.send_frame({.opcode = opcode::close});
                }));
    out.push_back(closing(
        {.id = "7.1.3",
         .title = "Ping after our Close",
         .description = "Sends a Close with 1000, then a Ping with an empty payload.",
         .expectation = "The peer answers the Close with 1000 and does not answer the Ping; "
                        "the closing handshake completes cleanly.",
         .rfc = {"RFC 6455 5.5.1"},
         .requirement = std::string(kAfterCloseRule)},
        we_close_normally(), [](Session& s) {
            s.send_close(1000);
            s.send_frame({.opcode = opcode::ping});
        }));
    out.push_back(closing(
        {.id = "7.1.4",
         .title = "Text message after our Close",
         .description = "Sends a Close with 1000, then the text message 'Hello World!'.",
         .expectation = "The peer answers the Close with 1000 and does not echo the message; "
                        "the closing handshake completes cleanly.",
         .rfc = {"RFC 6455 5.5.1"},
         .requirement = std::string(kAfterCloseRule)},
        we_close_normally(), [](Session& s) {
            s.send_close(1000);
            s.send_frame({.opcode = opcode::text, .payload = "Hello World!"});
        }));
    out.push_back(
        closing({.id = "7.1.5",
                 .title = "Close between the fragments of a message",
                 .description = "Sends a text frame 'fragment1' with FIN clear, a Close with 1000, "
                                "then the final continuation 'fragment2'.",
                 .expectation = "The peer answers the Close with 1000 and never delivers the "
                                "unfinished message; the closing handshake completes cleanly.",
                 .rfc = {"RFC 6455 5.5.1", "RFC 6455 5.4"},
                 .requirement = std::string(kAfterCloseRule)},
                we_close_normally(), [](Session& s) {
                    s.send_frame({.opcode = opcode::text, .payload = "fragment1", .fin = false});
                    s.send_close(1000);
                    s.send_frame({.opcode = opcode::continuation, .payload = "fragment2"});
                }));
    out.push_back(Case{
        .id = "7.1.6",
        .title = "Large message, small message, Close, Ping back to back",
        .description = "Sends a 262144-octet text message (the pattern 'BAsd7&jh23' repeated), "
                       "the text message 'Hello World!', a Close with 1000 and a Ping, without "
                       "waiting in between.",
        .expectation = "Informational. Whether the peer echoes the small message before "
                       "handling the Close depends on how it schedules its writes; either way "
                       "the closing handshake should complete.",
        .rfc = {"RFC 6455 5.5.1", "RFC 6455 7.1.2"},
        .requirement = "RFC 6455 does not say whether data already received is processed "
                       "before a Close that follows it; this case records what the peer does.",
        .level = Level::informational,
        .script = WebSocketScript{
            .on_open =
                [](Session& s) {
                    s.expect(Behavior::ok, {text_message("Hello World!")});
                    s.expect(Behavior::non_strict, {});
                    s.expect_close(we_close_normally());
                    s.send_frame({.opcode = opcode::text,
                                  .payload = "BAsd7&jh23",
                                  .payload_len = std::size_t{256} * 1024});
                    s.send_frame({.opcode = opcode::text, .payload = "Hello World!"});
                    s.send_close(1000);
                    s.send_frame({.opcode = opcode::ping});
                    s.kill_after(1s);
                },
            .suppress_close = true,
            .informational = true,
            .adjust =
                [](const harness::Observation& o, harness::Verdict& v) {
                    // Say which of the two orders the peer chose (the judge already made both
                    // columns INFORMATIONAL).
                    for (const auto& [behavior, events] : o.expected) {
                        if (events != o.received) continue;
                        v.result =
                            behavior == Behavior::ok
                                ? "The peer echoed the text message before handling the Close."
                                : "The peer handled the Close before echoing the text message.";
                        break;
                    }
                },
        },
    });

    // 7.3: the length of the Close body.
    out.push_back(
        closing({.id = "7.3.1",
                 .title = "Close with an empty body",
                 .description = "Sends a Close frame with an empty body (no code, no reason).",
                 .expectation = close_reply_expectation(false),
                 .rfc = {"RFC 6455 5.5.1"},
                 .requirement = std::string(kCloseBodyRule)},
                we_close_normally(), close_with()));
    out.push_back(closing(
        {.id = "7.3.2",
         .title = "Close with a 1-octet body",
         .description = "Sends a Close frame whose body is the single octet 'a': too short to "
                        "hold a status code.",
         .expectation = "The peer fails the connection: a Close with 1002, or a plain TCP "
                        "drop.",
         .rfc = {"RFC 6455 5.5.1", "RFC 6455 7.1.7"},
         .requirement = std::string(kCloseBodyRule)},
        protocol_error_after_our_close(), close_with(std::nullopt, "a")));
    out.push_back(
        closing({.id = "7.3.3",
                 .title = "Close with a status code only",
                 .description = "Sends a Close frame with code 1000 and no reason (2-octet body).",
                 .expectation = close_reply_expectation(false),
                 .rfc = {"RFC 6455 5.5.1"},
                 .requirement = std::string(kCloseBodyRule)},
                we_close_normally(), close_with(1000)));
    out.push_back(
        closing({.id = "7.3.4",
                 .title = "Close with a status code and a reason",
                 .description = "Sends a Close frame with code 1000 and the reason 'Hello World!'.",
                 .expectation = close_reply_expectation(false),
                 .rfc = {"RFC 6455 5.5.1"},
                 .requirement = std::string(kCloseBodyRule)},
                we_close_normally(), close_with(1000, "Hello World!")));
    out.push_back(
        closing({.id = "7.3.5",
                 .title = "Close with the longest allowed reason",
                 .description = "Sends a Close frame with code 1000 and a reason of 123 '*' "
                                "(125-octet body, the control frame maximum).",
                 .expectation = close_reply_expectation(false),
                 .rfc = {"RFC 6455 5.5", "RFC 6455 5.5.1"},
                 .requirement = std::string(kCloseBodyRule)},
                we_close_normally(), close_with(1000, std::string(123, '*'))));
    out.push_back(closing(
        {.id = "7.3.6",
         .title = "Close with a reason one octet too long",
         .description = "Sends a Close frame with code 1000 and a reason of 124 '*' (126-octet "
                        "body, over the control frame maximum).",
         .expectation = "The peer fails the connection: a Close with 1002, or a plain TCP "
                        "drop.",
         .rfc = {"RFC 6455 5.5", "RFC 6455 5.5.1"},
         .requirement = std::string(kCloseBodyRule)},
        protocol_error_after_our_close(), close_with(1000, std::string(124, '*'))));

    // 7.5: the reason must be UTF-8.
    out.push_back(closing(
        {.id = "7.5.1",
         .title = "Close with a reason that is not UTF-8",
         .description =
             "Sends a Close frame with code 1000 and the 20-octet reason "
             "0xcebae1bdb9cf83cebcceb5eda080656469746564 ('κόσμε', a UTF-8-encoded surrogate, "
             "'edited').",
         .expectation =
             "The peer fails the connection: a Close with 1002 or 1007, or a plain TCP drop.",
         .rfc = {"RFC 6455 5.5.1", "RFC 6455 8.1"},
         .requirement =
             "The reason in a Close body is UTF-8; a receiver that finds invalid UTF-8 there fails "
             "the connection."},
        {.closed_by_me = true, .close_codes = {1002, 1007}, .require_clean = false},
        close_with(1000, decode_hex_literal("cebae1bdb9cf83cebcceb5eda080656469746564"))));

    // 7.7: valid codes. Unlike 7.1 - 7.5, our side may close automatically here.
    for (std::size_t i = 0; i < kValidCodes.size(); ++i) {
        const std::uint16_t code = kValidCodes[i];
        out.push_back(Case{
            .id = "7.7." + std::to_string(i + 1),
            .title = "Close with valid code " + std::to_string(code),
            .description =
                "Sends a Close frame with status code " + std::to_string(code) + " and no reason.",
            .expectation = close_reply_expectation(true),
            .rfc = {"RFC 6455 7.4.1", "RFC 6455 7.4.2"},
            .requirement = "Codes 1000-1003, 1007-1011 and 3000-4999 may be sent in a Close; "
                           "the receiver accepts them and completes the closing handshake.",
            .script =
                WebSocketScript{
                    .on_open = close_then(
                        {.closed_by_me = true, .close_codes = {1000, code}, .require_clean = true},
                        close_with(code)),
                    .wrong_code_fails = true,
                },
        });
    }

    // 7.9: invalid codes.
    for (std::size_t i = 0; i < kInvalidCodes.size(); ++i) {
        const std::uint16_t code = kInvalidCodes[i];
        out.push_back(Case{
            .id = "7.9." + std::to_string(i + 1),
            .title = "Close with invalid code " + std::to_string(code),
            .description = "Sends a Close frame with status code " + std::to_string(code) +
                           ", which may not appear on the wire, and no reason.",
            .expectation = "The peer fails the connection: a Close with 1002, or a plain TCP "
                           "drop.",
            .rfc = {"RFC 6455 7.4.1", "RFC 6455 7.4.2", "RFC 6455 5.5.1"},
            .requirement = "Codes below 1000, 1004 (reserved), 1005 and 1006 (local use only) "
                           "and the unassigned codes of 1016-2999 are not valid in a Close "
                           "frame; the receiver treats one as a protocol error.",
            .script =
                WebSocketScript{
                    .on_open = close_then(protocol_error_after_our_close(), close_with(code)),
                    .wrong_code_fails = true,
                },
        });
    }

    // 7.13: codes beyond every range RFC 6455 defines.
    for (const auto& [id, code] :
         {std::pair{"7.13.1", std::uint16_t{5000}}, std::pair{"7.13.2", std::uint16_t{65535}}}) {
        const std::uint16_t c = code;
        out.push_back(Case{
            .id = id,
            .title = "Close with out-of-range code " + std::to_string(c),
            .description =
                "Sends a Close frame with status code " + std::to_string(c) + " and no reason.",
            .expectation = "Informational. RFC 6455 assigns no meaning to the code; echoing "
                           "it, answering 1000 or failing with 1002 are all recorded.",
            .rfc = {"RFC 6455 7.4", "RFC 6455 7.4.2"},
            .requirement = "Status codes of 5000 and above lie outside every range RFC 6455 "
                           "defines; what a receiver does with one is not specified.",
            .level = Level::informational,
            .script =
                WebSocketScript{
                    .on_open = close_then({.closed_by_me = true,
                                           .close_codes = {1000, c, 1002},
                                           .require_clean = false},
                                          close_with(c)),
                    .suppress_close = true,
                    .informational = true,
                    .adjust =
                        [](const harness::Observation&, harness::Verdict& v) {
                            v.result = "RFC 6455 leaves the handling of this close code open.";
                        },
                },
        });
    }
    return out;
}

}  // namespace wsconform::cases
