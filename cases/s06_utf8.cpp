// Section 6: UTF-8 in text messages (RFC 6455 5.6, 8.1; RFC 3629). Valid text in empty and
// split fragments, invalid text in one piece or octet by octet, how early the peer notices,
// and the generated families 6.5 - 6.23 from the sequence table.
#include <cctype>
#include <string>
#include <utility>

#include "cases/payloads.h"
#include "cases/sections.h"
#include "cases/utf8_sequences.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;
using harness::text_message;

namespace {

constexpr std::string_view kValidTextRule =
    "A text message carries UTF-8 as a whole: fragment boundaries may fall anywhere, even "
    "inside a code point, and only the reassembled message has to be valid.";
constexpr std::string_view kInvalidTextRule =
    "A text message whose payload is not valid UTF-8 makes the receiver fail the connection "
    "(close code 1007).";
constexpr std::string_view kFailFastRule =
    "A receiver validating text incrementally fails the connection as soon as the octets "
    "received can no longer be the start of valid UTF-8, without waiting for the rest of the "
    "message.";

const std::vector<std::string> kValidRfc{"RFC 6455 5.6", "RFC 6455 8.1", "RFC 3629"};
const std::vector<std::string> kInvalidRfc{"RFC 6455 8.1", "RFC 6455 7.4.1", "RFC 3629"};

// "Hello-µ@ßöäüàá-UTF-8!!": 29 octets, split by 6.2.2 after "Hello-µ@ßöä" (15 octets).
std::string hello_utf8() {
    return decode_hex_literal("48656c6c6f2dc2b540c39fc3b6c3a4c3bcc3a0c3a12d5554462d382121");
}
// κόσμε, then U+D800 (a surrogate: invalid at its second octet, the 13th of the message),
// then "edited".
std::string kosme_surrogate() {
    return kosme() + decode_hex_literal("eda080") + "edited";
}
// κόσμε, then 0xf4908080 (U+110000: invalid at its second octet), then "edited".
std::string kosme_beyond_max() {
    return kosme() + decode_hex_literal("f4908080") + "edited";
}

// A valid text message `payload`, sent by `send` and echoed as a whole.
Case valid_text(std::string id, std::string title, std::string description,
                std::vector<std::string> rfc, std::string payload,
                std::function<void(Session&)> send) {
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description),
        .expectation = std::string(kEchoThenClose),
        .rfc = std::move(rfc),
        .requirement = std::string(kValidTextRule),
        .script = on_open([payload = std::move(payload), send = std::move(send)](Session& s) {
            s.expect(Behavior::ok, {text_message(payload)});
            s.expect_close(we_close_normally());
            send(s);
            s.close_after(1s);
        }),
    };
}

// ... sent with send_message(), in frames of `fragment_size` when given.
Case valid_message(std::string id, std::string title, std::string description, std::string payload,
                   std::optional<std::size_t> fragment_size) {
    return valid_text(
        std::move(id), std::move(title), std::move(description), kValidRfc, payload,
        [payload, fragment_size](Session& s) { s.send_message(payload, false, fragment_size); });
}

// ... sent frame by frame, one frame per fragment.
Case valid_frames(std::string id, std::string title, std::string description,
                  std::vector<std::string> fragments) {
    std::string whole;
    for (const auto& f : fragments) whole += f;
    return valid_text(std::move(id), std::move(title), std::move(description),
                      {"RFC 6455 5.4", "RFC 6455 5.6", "RFC 3629"}, std::move(whole),
                      [fragments](Session& s) {
                          for (std::size_t i = 0; i < fragments.size(); ++i)
                              s.send_frame({.opcode = i == 0 ? opcode::text : opcode::continuation,
                                            .payload = fragments[i],
                                            .fin = i + 1 == fragments.size()});
                      });
}

// 6.4.x: three parts with a one-second pause after the first and the second. The part
// `first_bad` holds the octet that makes the message invalid. A peer that fails fast closes
// during the second pause (only timeout A is recorded: OK); one that waits for the whole
// message closes after the third part (A and B: NON-STRICT).
Case fail_fast(std::string id, std::string title, std::string how_sent, bool one_frame,
               std::string part1, std::string part2, std::string part3) {
    std::string description = "Sends a text message of three parts, 0x" +
                              protocol::hex_encode(part1) + ", 0x" + protocol::hex_encode(part2) +
                              " and 0x" + protocol::hex_encode(part3) + ", " + how_sent +
                              ", pausing one second after the first and after the second. The "
                              "message turns invalid in the second part.";
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description),
        .expectation =
            "The peer fails the connection (close 1007 or TCP drop) during the "
            "second pause, before the third part is sent. Failing only after the "
            "third part is non-strict; failing during the first pause, or not at "
            "all, fails the case.",
        .rfc = {"RFC 6455 8.1", "RFC 3629"},
        .requirement = std::string(kFailFastRule),
        .script = on_open([one_frame, part1, part2, part3](Session& s) {
            s.expect(Behavior::ok, {harness::timeout("A")});
            s.expect(Behavior::non_strict, {harness::timeout("A"), harness::timeout("B")});
            s.expect_close(peer_fails_on_utf8());
            auto send_part = [one_frame](Session& s, const std::string& part, bool first,
                                         bool last) {
                if (one_frame)
                    s.send_frame_data(part);
                else
                    s.send_frame({.opcode = first ? opcode::text : opcode::continuation,
                                  .payload = part,
                                  .fin = last});
            };
            if (one_frame) s.begin_frame(opcode::text, part1.size() + part2.size() + part3.size());
            send_part(s, part1, true, false);
            s.continue_later(
                1s,
                [send_part, part2, part3](Session& s) {
                    if (!s.is_open()) return;
                    s.record(harness::timeout("A"));
                    send_part(s, part2, false, false);
                    s.continue_later(
                        1s,
                        [send_part, part3](Session& s) {
                            if (!s.is_open()) return;
                            s.record(harness::timeout("B"));
                            send_part(s, part3, false, true);
                            s.kill_after(1s);
                        },
                        "B");
                },
                "A");
        }),
    };
}

std::string short_hex(const std::string& bytes) {
    if (bytes.size() <= 8) return "0x" + protocol::hex_encode(bytes);
    return std::to_string(bytes.size()) + " octets";
}

}  // namespace

std::vector<Case> section6_utf8() {
    std::vector<Case> out;
    const std::string hello = hello_utf8();
    const std::string greek = kosme();
    const std::string with_surrogate = kosme_surrogate();

    // 6.1: empty fragments.
    out.push_back(valid_frames("6.1.1", "Empty text message",
                               "Sends one text frame with an empty payload.", {""}));
    out.push_back(valid_frames("6.1.2", "Empty text message in three empty fragments",
                               "Sends a text message as three frames, all with empty payloads.",
                               {"", "", ""}));
    out.push_back(valid_frames("6.1.3", "Text message with empty first and last fragments",
                               "Sends a text message as three frames: empty, 'middle frame "
                               "payload', empty.",
                               {"", "middle frame payload", ""}));

    // 6.2: valid text, whole and split.
    out.push_back(valid_message("6.2.1", "Valid UTF-8 text in one frame",
                                "Sends the 29-octet text 'Hello-µ@ßöäüàá-UTF-8!!' as one frame.",
                                hello, std::nullopt));
    out.push_back(valid_frames("6.2.2", "Valid UTF-8 text in two frames split between code points",
                               "Sends 'Hello-µ@ßöäüàá-UTF-8!!' as two frames, split after "
                               "'Hello-µ@ßöä' (15 octets), on a code point boundary.",
                               {hello.substr(0, 15), hello.substr(15)}));
    out.push_back(valid_message("6.2.3", "Valid UTF-8 text in one-octet frames",
                                "Sends 'Hello-µ@ßöäüàá-UTF-8!!' in frames of one octet each, so "
                                "most multi-octet code points are split across frames.",
                                hello, 1));
    out.push_back(valid_message("6.2.4", "Greek text in one-octet frames",
                                "Sends the 11-octet text 'κόσμε' (0xcebae1bdb9cf83cebcceb5) in "
                                "frames of one octet each, splitting every code point.",
                                greek, 1));

    // 6.3: invalid text, whole and octet by octet.
    for (const auto& [id, fragment_size] : {std::pair{"6.3.1", std::optional<std::size_t>{}},
                                            std::pair{"6.3.2", std::optional<std::size_t>{1}}}) {
        const std::optional<std::size_t> frag = fragment_size;
        out.push_back(Case{
            .id = id,
            .title = frag ? "Invalid UTF-8 text in one-octet frames"
                          : "Invalid UTF-8 text in "
                            "one frame",
            .description = "Sends the 20-octet text 0x" + protocol::hex_encode(with_surrogate) +
                           " ('κόσμε', the UTF-16 surrogate U+D800 encoded as UTF-8, 'edited')" +
                           (frag ? " in frames of one octet each." : " as one frame."),
            .expectation = std::string(kFailUtf8),
            .rfc = kInvalidRfc,
            .requirement = std::string(kInvalidTextRule),
            .script = on_open([frag, payload = with_surrogate](Session& s) {
                s.expect(Behavior::ok, {});
                s.expect_close(peer_fails_on_utf8());
                s.send_message(payload, false, frag);
                s.kill_after(1s);
            }),
        });
    }

    // 6.4: how early the peer notices. 6.4.1/6.4.3 cut the message at the invalid code
    // point, 6.4.2/6.4.4 right after its first octet (0xf4, still a valid start).
    const std::string m = kosme_beyond_max();
    out.push_back(
        fail_fast("6.4.1", "Fail fast on invalid UTF-8: three frames, cut at the code point",
                  "as three frames", false, m.substr(0, 11), m.substr(11, 4), m.substr(15)));
    out.push_back(
        fail_fast("6.4.2", "Fail fast on invalid UTF-8: three frames, cut at the bad octet",
                  "as three frames", false, m.substr(0, 12), m.substr(12, 1), m.substr(13)));
    out.push_back(fail_fast(
        "6.4.3", "Fail fast on invalid UTF-8: one frame in three writes, cut at the code point",
        "as one frame written in three pieces", true, m.substr(0, 11), m.substr(11, 4),
        m.substr(15)));
    out.push_back(fail_fast(
        "6.4.4", "Fail fast on invalid UTF-8: one frame in three writes, cut at the bad octet",
        "as one frame written in three pieces", true, m.substr(0, 12), m.substr(12, 1),
        m.substr(13)));

    // 6.5 - 6.23: one unfragmented text message per sequence of the table.
    for (const Utf8Group& group : utf8_sequence_groups()) {
        int n = 0;
        for (const Utf8Sequence& seq : group.sequences) {
            ++n;
            std::string title(group.label);
            title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
            title += ": " + short_hex(seq.bytes) + (seq.valid ? " (valid)" : " (invalid)");
            const std::string payload = seq.bytes;
            const bool valid = seq.valid;
            out.push_back(Case{
                .id = "6." + std::to_string(group.subsection) + "." + std::to_string(n),
                .title = std::move(title),
                .description = "Sends one unfragmented text message whose payload, 0x" +
                               protocol::hex_encode(payload) + ", is " +
                               (valid ? "valid" : "not valid") + " UTF-8.",
                .expectation = valid ? std::string(kEchoThenClose) : std::string(kFailUtf8),
                .rfc = valid ? kValidRfc : kInvalidRfc,
                .requirement = valid ? "Every well-formed UTF-8 sequence is accepted in a text "
                                       "message, noncharacters and specials included."
                                     : std::string(kInvalidTextRule),
                .script = on_open([payload, valid](Session& s) {
                    if (valid) {
                        s.expect(Behavior::ok, {text_message(payload)});
                        s.expect_close(we_close_normally());
                    } else {
                        s.expect(Behavior::ok, {});
                        s.expect_close(peer_fails_on_utf8());
                    }
                    s.send_message(payload, false);
                    s.kill_after(500ms);
                }),
            });
        }
    }
    return out;
}

}  // namespace wsconform::cases
