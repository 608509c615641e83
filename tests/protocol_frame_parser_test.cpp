// The streaming FrameParser: RFC 6455 §5.7 examples, one raw-bytes row per rule of §5.2-§5.5
// (and RFC 7692 §6 for RSV1) with the exact error, and the same results whatever the chunking.
#include "protocol/frame_parser.h"

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "protocol/error.h"
#include "protocol/mask.h"
#include "tests/support/hex.h"

namespace wsconform::protocol {
namespace {

using test_support::Bytes;
using test_support::bytes_of;
using test_support::hex;
using test_support::hex_bytes;
using Status = FrameParser::Status;

// One whole frame: header, then the payload masked with `key` when there is one.
Bytes frame(std::uint8_t op, bool fin, const Bytes& payload, std::optional<MaskKey> key = {},
            std::uint8_t rsv = 0, LengthForm form = LengthForm::minimal) {
    FrameHeader h{.fin = fin,
                  .rsv = rsv,
                  .opcode = op,
                  .masked = key.has_value(),
                  .mask_key = key.value_or(MaskKey{}),
                  .payload_length = payload.size()};
    std::array<std::byte, kMaxHeaderSize> buf{};
    Bytes out(buf.begin(), buf.begin() + encode_header(h, buf, form));
    Bytes body = payload;
    if (key) apply_mask(body, *key);
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

// ---- the driver: feeds bytes in a given chunking and records what the parser reports -------

// What a parse produced. Consecutive payload events are merged into one "payload N" entry
// and their bytes appended to `payload`, so that any chunking of the same input gives an
// equal Trace.
struct Trace {
    std::vector<std::string> events;
    Bytes payload;
    std::error_code error;
    friend bool operator==(const Trace&, const Trace&) = default;
};

std::ostream& operator<<(std::ostream& os, const Trace& t) {
    for (const auto& e : t.events) os << "\n  " << e;
    os << "\n  payload " << hex(t.payload);
    os << "\n  error: " << (t.error ? t.error.message() : "none");
    return os;
}

std::string header_line(bool fin, std::uint8_t rsv, std::uint8_t op, bool masked,
                        std::uint64_t length) {
    return "header fin=" + std::to_string(fin) + " rsv=" + std::to_string(rsv) +
           " op=" + opcode_name(op) + " masked=" + std::to_string(masked) +
           " len=" + std::to_string(length);
}

std::string data_end_line(std::uint8_t op, bool message_end, std::uint8_t message_op,
                          bool compressed = false) {
    return std::string("end op=") + opcode_name(op) + " msg_end=" + std::to_string(message_end) +
           " msg_op=" + opcode_name(message_op) + " compressed=" + std::to_string(compressed);
}

std::string control_end_line(std::uint8_t op, std::string_view payload_hex) {
    return std::string("end op=") + opcode_name(op) + " control=" + std::string(payload_hex);
}

std::string payload_line(std::size_t n) {
    return "payload " + std::to_string(n);
}

// Chunk sizes that cover `size` bytes.
using Plan = std::vector<std::size_t>;

Plan whole(std::size_t size) {
    return {size};
}
Plan bytewise(std::size_t size) {
    return Plan(size, 1);
}
Plan random_chunks(std::size_t size, unsigned seed) {
    std::mt19937 rng(seed);
    Plan plan;
    for (std::size_t done = 0; done < size;) {
        // Mostly small chunks (header and code point boundaries), sometimes big ones.
        std::size_t n = rng() % 4 == 0 ? 1 + rng() % 300 : 1 + rng() % 9;
        n = std::min(n, size - done);
        plan.push_back(n);
        done += n;
    }
    return plan;
}

Trace run(const Bytes& wire, const ParserOptions& options, const Plan& plan) {
    FrameParser parser(options);
    Trace t;
    std::size_t pending_payload = 0;
    auto flush_payload = [&] {
        if (pending_payload > 0) t.events.push_back(payload_line(pending_payload));
        pending_payload = 0;
    };
    bool in_control = false;

    std::size_t pos = 0;
    for (std::size_t chunk_size : plan) {
        // Each chunk lives in its own buffer, as it would after a read.
        Bytes chunk(wire.begin() + pos, wire.begin() + pos + chunk_size);
        pos += chunk_size;
        std::span<std::byte> in(chunk);
        for (std::size_t guard = 0;; ++guard) {
            if (guard > 4 * chunk_size + 8) {
                ADD_FAILURE() << "parser makes no progress";
                return t;
            }
            const std::byte* before = in.data();
            const std::size_t before_size = in.size();
            const FrameParser::Event ev = parser.next(in);
            const std::size_t consumed = before_size - in.size();
            switch (ev.status) {
                case Status::need_more:
                    EXPECT_TRUE(in.empty()) << "need_more with input left";
                    break;
                case Status::header:
                    flush_payload();
                    EXPECT_GT(consumed, 0u) << "a header event consumes its header";
                    in_control = is_control(ev.header.opcode);
                    t.events.push_back(header_line(ev.header.fin, ev.header.rsv, ev.header.opcode,
                                                   ev.header.masked, ev.header.payload_length));
                    break;
                case Status::payload:
                    EXPECT_FALSE(in_control) << "control payloads come whole at frame_end";
                    EXPECT_GT(ev.payload.size(), 0u);
                    EXPECT_EQ(ev.payload.data(), before) << "payload points into the input";
                    EXPECT_EQ(ev.payload.size(), consumed);
                    pending_payload += ev.payload.size();
                    t.payload.insert(t.payload.end(), ev.payload.begin(), ev.payload.end());
                    break;
                case Status::frame_end:
                    flush_payload();
                    if (is_control(ev.header.opcode)) {
                        t.events.push_back(control_end_line(ev.header.opcode, hex(ev.payload)));
                    } else {
                        EXPECT_TRUE(ev.payload.empty());
                        t.events.push_back(data_end_line(ev.header.opcode, ev.message_end,
                                                         ev.message_opcode, ev.message_compressed));
                    }
                    break;
                case Status::error: {
                    flush_payload();
                    t.error = ev.error;
                    EXPECT_TRUE(ev.error);
                    // Sticky until reset(), whatever comes next.
                    Bytes more = hex_bytes("81 00");
                    std::span<std::byte> more_span(more);
                    const auto again = parser.next(more_span);
                    EXPECT_EQ(again.status, Status::error);
                    EXPECT_EQ(again.error, ev.error);
                    return t;
                }
            }
            if (ev.status == Status::need_more) break;
        }
    }
    flush_payload();
    return t;
}

// Whole, byte by byte and in several seeded random chunkings: all equal. Returns the trace.
Trace run_every_way(const Bytes& wire, const ParserOptions& options) {
    const Trace reference = run(wire, options, whole(wire.size()));
    EXPECT_EQ(run(wire, options, bytewise(wire.size())), reference) << "byte by byte";
    for (unsigned seed = 1; seed <= 8; ++seed) {
        EXPECT_EQ(run(wire, options, random_chunks(wire.size(), seed)), reference)
            << "random chunks, seed " << seed;
    }
    return reference;
}

constexpr MaskKey kRfcKey{0x37, 0xfa, 0x21, 0x3d};
const ParserOptions kServer{.role = Role::server};
const ParserOptions kClient{.role = Role::client};

// ---- RFC 6455 §5.7 examples, parsed ---------------------------------------------------------

struct ExampleRow {
    const char* name;
    Bytes wire;
    ParserOptions options;
    std::vector<std::string> events;
    Bytes payload;  // of the data frames (control payloads are in their frame_end line)
};

void PrintTo(const ExampleRow& row, std::ostream* os) {
    *os << row.name;
}

// Bytes 00 01 02 ... ff, 256 of them.
Bytes counting_256() {
    Bytes body(256);
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = std::byte(i);
    return body;
}

// The events of one whole data frame, and of one control frame carrying "Hello".
std::vector<std::string> data_frame(std::uint8_t op, bool masked, std::uint64_t length) {
    return {header_line(true, 0, op, masked, length), payload_line(length),
            data_end_line(op, true, op)};
}
std::vector<std::string> hello_control_frame(std::uint8_t op, bool masked) {
    return {header_line(true, 0, op, masked, 5), control_end_line(op, "48656c6c6f")};
}

const ExampleRow kExamples[] = {
    // 81 05: FIN=1 op=text len=5 unmasked "Hello" (a server's frame: we are the client)
    {"SingleFrameUnmaskedText", hex_bytes("81 05 48 65 6c 6c 6f"), kClient,
     data_frame(opcode::text, false, 5), bytes_of("Hello")},
    // 81 85 37fa213d: FIN=1 op=text masked len=5, "Hello" masked (a client's frame)
    {"SingleFrameMaskedText", hex_bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58"), kServer,
     data_frame(opcode::text, true, 5), bytes_of("Hello")},
    // 01 03: FIN=0 op=text len=3 "Hel" | 80 02: FIN=1 op=continuation len=2 "lo"
    {"FragmentedUnmaskedText",
     hex_bytes("01 03 48 65 6c | 80 02 6c 6f"),
     kClient,
     {header_line(false, 0, opcode::text, false, 3), payload_line(3),
      data_end_line(opcode::text, false, opcode::text),
      header_line(true, 0, opcode::continuation, false, 2), payload_line(2),
      data_end_line(opcode::continuation, true, opcode::text)},
     bytes_of("Hello")},
    // 89 05: FIN=1 op=ping len=5 unmasked "Hello"
    {"UnmaskedPing", hex_bytes("89 05 48 65 6c 6c 6f"), kClient,
     hello_control_frame(opcode::ping, false), Bytes()},
    // 8a 85 37fa213d: FIN=1 op=pong masked len=5, "Hello" masked
    {"MaskedPong", hex_bytes("8a 85 37 fa 21 3d 7f 9f 4d 51 58"), kServer,
     hello_control_frame(opcode::pong, true), Bytes()},
    // 82 7E 0100: FIN=1 op=binary len=256 (16-bit) unmasked
    {"Binary256BytesWith16BitLength", concat({hex_bytes("82 7e 01 00"), counting_256()}), kClient,
     data_frame(opcode::binary, false, 256), counting_256()},
};

class FrameParserRfcExample : public testing::TestWithParam<ExampleRow> {};

TEST_P(FrameParserRfcExample, ParsesTheSameInEveryChunking) {
    const ExampleRow& row = GetParam();
    const Trace t = run_every_way(row.wire, row.options);
    EXPECT_EQ(t.events, row.events);
    EXPECT_EQ(t.payload, row.payload);
    EXPECT_FALSE(t.error);
}

INSTANTIATE_TEST_SUITE_P(Rfc6455, FrameParserRfcExample, testing::ValuesIn(kExamples),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FrameParserRfcExamples, Binary64KiBWith64BitLength) {
    // 82 7F 0000000000010000: FIN=1 op=binary len=65536 (64-bit) unmasked
    Bytes body(65536);
    for (std::size_t i = 0; i < body.size(); ++i) body[i] = std::byte(i * 7);
    const Bytes wire = concat({hex_bytes("82 7f 00 00 00 00 00 01 00 00"), body});
    const Trace t = run(wire, kClient, whole(wire.size()));
    EXPECT_EQ(t.events, (std::vector<std::string>{
                            header_line(true, 0, opcode::binary, false, 65536), payload_line(65536),
                            data_end_line(opcode::binary, true, opcode::binary)}));
    EXPECT_EQ(t.payload, body);
    EXPECT_EQ(run(wire, kClient, bytewise(wire.size())), t);
    EXPECT_EQ(run(wire, kClient, random_chunks(wire.size(), 42)), t);
}

// ---- one row per rule -----------------------------------------------------------------------

struct Row {
    const char* name;
    const char* hex;  // frames separated by '|'
    Role role;
    ParserOptions options;  // role is taken from `role`
    std::error_code error;  // empty: the bytes are valid
    const char* why;
};

void PrintTo(const Row& row, std::ostream* os) {
    *os << row.name << " (" << row.hex << ")";
}

const ParserOptions kDefaults{};
const ParserOptions kDeflate{.permessage_deflate = true};
const ParserOptions kLenient{.require_minimal_length = false};
const ParserOptions kNoUtf8{.validate_utf8 = false};
const ParserOptions kAutobahnCodes{.close_code_policy = CloseCodePolicy::autobahn};
const ParserOptions kFrameCap5{.max_frame_payload = 5};
const ParserOptions kFrameCap1MiB{.max_frame_payload = 1 << 20};
const ParserOptions kMessageCap5{.max_message_payload = 5};

const Row kRows[] = {
    // ---- valid ----
    // FIN=1 op=text len=5 unmasked "Hello"
    {"ValidText", "81 05 48656c6c6f", Role::client, kDefaults, {}, "§5.7 example"},
    // FIN=1 op=text masked key=37fa213d len=5 "Hello"
    {"ValidMaskedText", "81 85 37fa213d 7f9f4d5158", Role::server, kDefaults, {}, "§5.7 example"},
    // FIN=1 op=text len=0
    {"ValidEmptyText", "81 00", Role::client, kDefaults, {}, "zero-length frame"},
    // FIN=1 op=text masked key=0 len=0
    {"ValidEmptyMaskedText",
     "81 80 00000000",
     Role::server,
     kDefaults,
     {},
     "zero-length masked frame"},
    // FIN=0 op=text len=3 "Hel" | FIN=1 op=ping len=0 | FIN=1 op=continuation len=2 "lo"
    {"ValidPingInsideFragmentedMessage",
     "01 03 48656c | 89 00 | 80 02 6c6f",
     Role::client,
     kDefaults,
     {},
     "§5.4: control frames may be injected between fragments"},
    // FIN=0 op=binary len=0 | FIN=0 op=cont len=0 | FIN=1 op=cont len=0
    {"ValidEmptyFragments",
     "02 00 | 00 00 | 80 00",
     Role::client,
     kDefaults,
     {},
     "Autobahn 5.x/6.1: empty fragments"},
    // FIN=1 op=close len=0
    {"ValidEmptyClose", "88 00", Role::client, kDefaults, {}, "§5.5.1: a close body is optional"},
    // FIN=1 op=close len=4 code=1000 "ok"
    {"ValidCloseWithReason", "88 04 03e8 6f6b", Role::client, kDefaults, {}, "code + reason"},
    // FIN=1 op=close masked key=37fa213d len=4 code=1000 "ok"
    {"ValidMaskedClose",
     "88 84 37fa213d 34124e56",
     Role::server,
     kDefaults,
     {},
     "control payload unmasked"},
    // FIN=1 op=close len=2 code=1012
    {"ValidClose1012UnderRfc", "88 02 03f4", Role::client, kDefaults, {}, "IANA: service restart"},
    // FIN=1 op=binary len=2 ff fe
    {"ValidBinaryIsNotUtf8Checked",
     "82 02 fffe",
     Role::client,
     kDefaults,
     {},
     "binary payloads are opaque"},
    // FIN=1 op=text len=2 ff fe
    {"ValidBadUtf8WhenNotValidating", "81 02 fffe", Role::client, kNoUtf8, {}, "validate_utf8 off"},
    // FIN=1 op=close len=3 code=1000 ff
    {"ValidBadCloseReasonWhenNotValidating",
     "88 03 03e8 ff",
     Role::client,
     kNoUtf8,
     {},
     "validate_utf8 off"},
    // FIN=0 op=text len=1 ce | FIN=1 op=cont len=1 ba
    {"ValidCodePointSplitAcrossFrames",
     "01 01 ce | 80 01 ba",
     Role::client,
     kDefaults,
     {},
     "UTF-8 state carries across frames"},
    // FIN=0 op=text len=1 ce | FIN=1 op=ping len=0 | FIN=1 op=cont len=1 ba
    {"ValidCodePointSplitAroundPing",
     "01 01 ce | 89 00 | 80 01 ba",
     Role::client,
     kDefaults,
     {},
     "a control frame does not disturb the message's UTF-8 state"},
    // FIN=1 RSV1=1 op=text len=3 ff fe fd (deflate on)
    {"ValidCompressedTextNotUtf8Checked",
     "c1 03 fffefd",
     Role::client,
     kDeflate,
     {},
     "RFC 7692: compressed text is validated after inflating"},
    // FIN=0 RSV1=1 op=text len=1 ff | FIN=1 op=cont len=1 fe (deflate on)
    {"ValidCompressedFragmented",
     "41 01 ff | 80 01 fe",
     Role::client,
     kDeflate,
     {},
     "RFC 7692 §6.1: RSV1 on the first frame only"},
    // FIN=1 op=text len=5 in the 16-bit form (lenient)
    {"ValidNonMinimalWhenAllowed",
     "81 7e 0005 48656c6c6f",
     Role::client,
     kLenient,
     {},
     "require_minimal_length off"},
    // FIN=1 op=text len=5 (cap 5)
    {"ValidFrameAtCap", "81 05 48656c6c6f", Role::client, kFrameCap5, {}, "cap is inclusive"},
    // FIN=0 op=text len=3 | FIN=1 op=cont len=2 (message cap 5)
    {"ValidMessageAtCap",
     "01 03 48656c | 80 02 6c6f",
     Role::client,
     kMessageCap5,
     {},
     "cap is inclusive"},
    // FIN=1 op=text len=1 "a" | FIN=1 op=binary len=1 01
    {"ValidTwoMessages",
     "81 01 61 | 82 01 01",
     Role::client,
     kDefaults,
     {},
     "a message after a finished one"},

    // ---- §5.2 opcodes ----
    // FIN=1 op=3 len=0
    {"ReservedOpcode3", "83 00", Role::client, kDefaults, Error::reserved_opcode,
     "§5.2: 3-7 reserved (Autobahn 4.1.1)"},
    // FIN=1 op=7 len=0
    {"ReservedOpcode7", "87 00", Role::client, kDefaults, Error::reserved_opcode,
     "§5.2: 3-7 reserved"},
    // FIN=1 op=11 len=0
    {"ReservedOpcodeB", "8b 00", Role::client, kDefaults, Error::reserved_opcode,
     "§5.2: 11-15 reserved (Autobahn 4.2.1)"},
    // FIN=1 op=15 masked key=0 len=0
    {"ReservedOpcodeFMasked", "8f 80 00000000", Role::server, kDefaults, Error::reserved_opcode,
     "§5.2: 11-15 reserved"},
    // FIN=1 op=text len=1 "a" | FIN=1 op=4 len=0
    {"ReservedOpcodeAfterValidFrame", "81 01 61 | 84 00", Role::client, kDefaults,
     Error::reserved_opcode, "earlier frames are delivered, then the error"},
    // FIN=1 RSV1=1 op=3 len=0
    {"ReservedOpcodeBeatsRsv", "c3 00", Role::client, kDefaults, Error::reserved_opcode,
     "the opcode is judged before RSV"},

    // ---- §5.2 RSV bits / RFC 7692 §6 ----
    // FIN=1 RSV1=1 op=text len=5 unmasked "Hello"
    {"Rsv1WithoutExtension", "c1 05 48656c6c6f", Role::client, kDefaults, Error::rsv_bits_set,
     "§5.2 (Autobahn 3.1)"},
    // FIN=1 RSV2=1 op=text len=0
    {"Rsv2", "a1 00", Role::client, kDefaults, Error::rsv_bits_set, "§5.2 (Autobahn 3.2)"},
    // FIN=1 RSV3=1 op=text len=0
    {"Rsv3", "91 00", Role::client, kDefaults, Error::rsv_bits_set, "§5.2"},
    // FIN=1 RSV2=1 op=text len=0 (deflate on)
    {"Rsv2WithDeflate", "a1 00", Role::client, kDeflate, Error::rsv_bits_set,
     "permessage-deflate defines RSV1 only"},
    // FIN=1 RSV3=1 op=binary len=0 (deflate on)
    {"Rsv3WithDeflate", "92 00", Role::client, kDeflate, Error::rsv_bits_set,
     "permessage-deflate defines RSV1 only"},
    // FIN=1 RSV1=1 op=ping len=0 (deflate on)
    {"Rsv1OnPingWithDeflate", "c9 00", Role::client, kDeflate, Error::rsv_bits_set,
     "RFC 7692 §6.1: control frames are never compressed"},
    // FIN=1 RSV1=1 op=close len=0 (deflate on)
    {"Rsv1OnCloseWithDeflate", "c8 00", Role::client, kDeflate, Error::rsv_bits_set,
     "RFC 7692 §6.1: control frames are never compressed"},
    // FIN=0 op=text len=1 "a" | FIN=1 RSV1=1 op=cont len=1 "b" (deflate on)
    {"Rsv1OnContinuation", "01 01 61 | c0 01 62", Role::client, kDeflate,
     Error::rsv1_on_continuation, "RFC 7692 §6.1: RSV1 on the first frame only"},
    // FIN=0 RSV1=1 op=text len=1 | FIN=1 RSV1=1 op=cont len=1 (deflate on)
    {"Rsv1OnContinuationOfCompressed", "41 01 ff | c0 01 fe", Role::client, kDeflate,
     Error::rsv1_on_continuation, "RFC 7692 §6.1: even when the message is compressed"},
    // FIN=1 RSV1=1 op=cont len=0 (deflate on, no message)
    {"Rsv1OnContinuationBeatsNoMessage", "c0 00", Role::client, kDeflate,
     Error::rsv1_on_continuation, "RSV is judged before message state"},

    // ---- §5.5 control frames ----
    // FIN=0 op=ping len=0
    {"FragmentedPing", "09 00", Role::client, kDefaults, Error::control_frame_fragmented,
     "§5.5 (Autobahn 5.1)"},
    // FIN=0 op=close len=0
    {"FragmentedClose", "08 00", Role::client, kDefaults, Error::control_frame_fragmented, "§5.5"},
    // FIN=0 op=pong masked key=0 len=0
    {"FragmentedPongMasked", "0a 80 00000000", Role::server, kDefaults,
     Error::control_frame_fragmented, "§5.5 (Autobahn 5.2)"},
    // FIN=1 op=ping len=126 (16-bit) + nothing: judged from the header alone
    {"PingLength126", "89 7e 007e", Role::client, kDefaults, Error::control_frame_too_long,
     "§5.5 (Autobahn 2.5)"},
    // FIN=1 op=close len=127 form, 64-bit length 200
    {"CloseLength64Bit", "88 7f 00000000000000c8", Role::client, kDefaults,
     Error::control_frame_too_long, "§5.5"},
    // FIN=1 op=pong len=126 form, only the first two bytes
    {"PongLengthMarker126Alone", "8a 7e", Role::client, kDefaults, Error::control_frame_too_long,
     "judged as soon as byte 1 arrives"},
    // FIN=0 op=ping len=126 form
    {"FragmentedBeatsTooLong", "09 7e 007e", Role::client, kDefaults,
     Error::control_frame_fragmented, "byte 0 rules come before byte 1 rules"},

    // ---- §5.4 fragmentation ----
    // FIN=1 op=cont len=0
    {"ContinuationWithoutMessage", "80 00", Role::client, kDefaults,
     Error::continuation_without_message, "§5.4 (Autobahn 5.9)"},
    // FIN=0 op=cont len=1 "a"
    {"ContinuationFin0WithoutMessage", "00 01 61", Role::client, kDefaults,
     Error::continuation_without_message, "§5.4"},
    // FIN=1 op=text len=1 "a" | FIN=1 op=cont len=1 "b"
    {"ContinuationAfterFinishedMessage", "81 01 61 | 80 01 62", Role::client, kDefaults,
     Error::continuation_without_message, "§5.4: FIN ended the message"},
    // FIN=0 op=text len=1 "a" | FIN=1 op=text len=1 "b"
    {"TextInsideFragmentedMessage", "01 01 61 | 81 01 62", Role::client, kDefaults,
     Error::data_frame_inside_fragmented_message, "§5.4 (Autobahn 5.18)"},
    // FIN=0 op=binary len=1 | FIN=0 op=binary len=1
    {"BinaryInsideFragmentedMessage", "02 01 01 | 02 01 02", Role::client, kDefaults,
     Error::data_frame_inside_fragmented_message, "§5.4"},
    // FIN=0 op=text len=1 | FIN=1 op=ping len=0 | FIN=1 op=binary len=0
    {"DataFrameAfterPingInsideMessage", "01 01 61 | 89 00 | 82 00", Role::client, kDefaults,
     Error::data_frame_inside_fragmented_message, "a ping does not end the message"},

    // ---- §5.1 masking ----
    // FIN=1 op=text len=5 unmasked, to a server
    {"UnmaskedFrameToServer", "81 05 48656c6c6f", Role::server, kDefaults, Error::frame_not_masked,
     "§5.1: clients mask every frame"},
    // FIN=1 op=close len=0 unmasked, to a server
    {"UnmaskedCloseToServer", "88 00", Role::server, kDefaults, Error::frame_not_masked,
     "§5.1: control frames too"},
    // FIN=1 op=text masked key=37fa213d len=5, to a client
    {"MaskedFrameToClient", "81 85 37fa213d 7f9f4d5158", Role::client, kDefaults,
     Error::frame_masked, "§5.1: servers never mask"},
    // FIN=1 op=ping len=126 form, unmasked, to a server
    {"MaskingBeatsControlLength", "89 7e 007e", Role::server, kDefaults, Error::frame_not_masked,
     "the mask bit is judged before the length"},

    // ---- §5.2 payload length ----
    // FIN=1 op=binary len=127 form, 64-bit length 2^63
    {"LengthMsbSet", "82 7f 8000000000000000", Role::client, kDefaults, Error::length_msb_set,
     "§5.2: the MSB of the 64-bit length is 0"},
    // FIN=1 op=binary len=127 form, 64-bit length ffff...ff (lenient on minimal form)
    {"LengthMsbSetLenient", "82 7f ffffffffffffffff", Role::client, kLenient, Error::length_msb_set,
     "§5.2, whatever the minimal-length option"},
    // FIN=1 op=text len=5 in the 16-bit form
    {"NonMinimal16", "81 7e 0005 48656c6c6f", Role::client, kDefaults, Error::length_not_minimal,
     "§5.2: minimal number of bytes"},
    // FIN=1 op=text len=0 in the 16-bit form
    {"NonMinimal16Zero", "81 7e 0000", Role::client, kDefaults, Error::length_not_minimal, "§5.2"},
    // FIN=1 op=binary len=65535 in the 64-bit form
    {"NonMinimal64", "82 7f 000000000000ffff", Role::client, kDefaults, Error::length_not_minimal,
     "§5.2: 65535 fits 16 bits"},
    // FIN=1 op=binary masked key=0 len=125 in the 64-bit form
    {"NonMinimal64Masked", "82 ff 000000000000007d 00000000", Role::server, kDefaults,
     Error::length_not_minimal, "§5.2"},

    // ---- local caps, judged from the announced length ----
    // FIN=1 op=text len=6 (cap 5)
    {"FrameTooBig", "81 06 616263646566", Role::client, kFrameCap5, Error::frame_too_big,
     "cap on one frame"},
    // FIN=1 op=binary len=2^32 (64-bit), no payload sent (cap 1 MiB)
    {"FrameTooBigAnnounced", "82 7f 0000000100000000", Role::client, kFrameCap1MiB,
     Error::frame_too_big, "judged before any payload arrives"},
    // FIN=0 op=text len=3 | FIN=1 op=cont len=3 (message cap 5)
    {"MessageTooBig", "01 03 616263 | 80 03 646566", Role::client, kMessageCap5,
     Error::message_too_big, "cap on the sum of a message's frames"},
    // FIN=1 op=text len=6 (message cap 5)
    {"MessageTooBigSingleFrame", "81 06 616263646566", Role::client, kMessageCap5,
     Error::message_too_big, "a single frame is a whole message"},
    // FIN=0 op=text len=3 | FIN=1 op=ping len=3 | FIN=1 op=cont len=2 (message cap 5)
    {"ControlFramesDoNotCountTowardsMessage",
     "01 03 616263 | 89 03 787878 | 80 02 6465",
     Role::client,
     kMessageCap5,
     {},
     "ping bytes are not message bytes"},

    // ---- §8.1 UTF-8 ----
    // FIN=1 op=text len=2 ce ff
    {"InvalidUtf8", "81 02 ceff", Role::client, kDefaults, Error::invalid_utf8,
     "§8.1 (Autobahn 6.x)"},
    // FIN=1 op=text len=5 "ab" ff "cd"
    {"InvalidUtf8MidFrame", "81 05 6162ff6364", Role::client, kDefaults, Error::invalid_utf8,
     "the valid prefix \"ab\" is delivered, then the error"},
    // FIN=0 op=text len=4 ce ba ed a0 (never finished)
    {"InvalidUtf8FailFastBeforeMessageEnd", "01 04 cebaeda0", Role::client, kDefaults,
     Error::invalid_utf8, "fail-fast: no need to wait for FIN"},
    // FIN=0 op=text len=12 κόσμε f4 | FIN=0 op=cont len=1 90 (Autobahn 6.4.2)
    {"InvalidUtf8FailFastAcrossFrames", "01 0c cebae1bdb9cf83cebcceb5f4 | 00 01 90", Role::client,
     kDefaults, Error::invalid_utf8, "F4 90 is above U+10FFFF"},
    // FIN=0 op=text masked key=37fa213d len=12 κόσμε f4 | FIN=0 op=cont masked len=1 90
    {"InvalidUtf8FailFastMasked", "01 8c 37fa213d f940c0808e35a2f38b3494c9 | 00 81 37fa213d a7",
     Role::server, kDefaults, Error::invalid_utf8, "Autobahn 6.4.2 as a client sends it"},
    // FIN=1 op=text len=1 ce
    {"TruncatedUtf8AtMessageEnd", "81 01 ce", Role::client, kDefaults, Error::invalid_utf8,
     "§8.1: the message ends inside a code point"},
    // FIN=0 op=text len=1 ce | FIN=1 op=cont len=1 41
    {"InvalidUtf8AcrossFrames", "01 01 ce | 80 01 41", Role::client, kDefaults, Error::invalid_utf8,
     "the byte after a lead byte is in the next frame"},
    // FIN=0 op=text len=1 ce | FIN=1 op=cont len=0
    {"TruncatedUtf8EmptyLastFrame", "01 01 ce | 80 00", Role::client, kDefaults,
     Error::invalid_utf8, "detected at the frame end of the last, empty frame"},
    // FIN=1 op=text len=3 ed a0 80
    {"SurrogateInText", "81 03 eda080", Role::client, kDefaults, Error::invalid_utf8,
     "RFC 3629: surrogates are not characters"},

    // ---- §5.5.1 close payloads ----
    // FIN=1 op=close len=1 03
    {"ClosePayloadLengthOne", "88 01 03", Role::client, kDefaults, Error::close_payload_length_one,
     "§5.5.1 (Autobahn 7.3.2)"},
    // FIN=1 op=close masked key=37fa213d len=1 03
    {"ClosePayloadLengthOneMasked", "88 81 37fa213d 34", Role::server, kDefaults,
     Error::close_payload_length_one, "§5.5.1"},
    // FIN=1 op=close len=2 code=1005
    {"CloseCode1005", "88 02 03ed", Role::client, kDefaults, Error::close_code_invalid,
     "§7.4.1: 1005 never on the wire (Autobahn 7.9.x)"},
    // FIN=1 op=close masked key=37fa213d len=2 code=1005
    {"CloseCode1005Masked", "88 82 37fa213d 3417", Role::server, kDefaults,
     Error::close_code_invalid, "§7.4.1"},
    // FIN=1 op=close len=2 code=999
    {"CloseCode999", "88 02 03e7", Role::client, kDefaults, Error::close_code_invalid,
     "§7.4.2: 0-999 unused"},
    // FIN=1 op=close len=2 code=5000
    {"CloseCode5000", "88 02 1388", Role::client, kDefaults, Error::close_code_invalid,
     "§7.4.2: above 4999"},
    // FIN=1 op=close len=2 code=1012 (Autobahn policy)
    {"CloseCode1012UnderAutobahn", "88 02 03f4", Role::client, kAutobahnCodes,
     Error::close_code_invalid, "Autobahn accepts up to 1011"},
    // FIN=1 op=close len=4 code=1000 ff fe
    {"CloseReasonInvalidUtf8", "88 04 03e8 fffe", Role::client, kDefaults,
     Error::close_reason_invalid_utf8, "§5.5.1 (Autobahn 7.5.1)"},
    // FIN=0 op=text len=1 ce | FIN=1 op=close len=2 code=1005
    {"BadCloseInsideMessage", "01 01 ce | 88 02 03ed", Role::client, kDefaults,
     Error::close_code_invalid, "the close is judged at its own frame end"},
};

class FrameParserRule : public testing::TestWithParam<Row> {};

TEST_P(FrameParserRule, GivesTheExactErrorInEveryChunking) {
    const Row& row = GetParam();
    ParserOptions options = row.options;
    options.role = row.role;
    const Trace t = run_every_way(hex_bytes(row.hex), options);
    EXPECT_EQ(t.error, row.error) << row.why << "\nactual: " << t;
}

INSTANTIATE_TEST_SUITE_P(Rfc6455, FrameParserRule, testing::ValuesIn(kRows),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(FrameParserRuleTable, CoversEveryFramingError) {
    std::set<int> covered;
    for (const Row& row : kRows) {
        if (row.error) covered.insert(row.error.value());
    }
    for (Error e :
         {Error::reserved_opcode, Error::rsv_bits_set, Error::control_frame_fragmented,
          Error::control_frame_too_long, Error::continuation_without_message,
          Error::data_frame_inside_fragmented_message, Error::frame_not_masked, Error::frame_masked,
          Error::length_msb_set, Error::length_not_minimal, Error::frame_too_big,
          Error::message_too_big, Error::close_payload_length_one, Error::close_code_invalid,
          Error::close_reason_invalid_utf8, Error::invalid_utf8, Error::rsv1_on_continuation}) {
        EXPECT_TRUE(covered.count(static_cast<int>(e)))
            << "no row for " << make_error_code(e).message();
    }
}

// ---- exact traces for a few rows where what comes before the error matters -------------------

TEST(FrameParser, DeliversTheValidUtf8PrefixThenFails) {
    // FIN=1 op=text len=5 "ab" ff "cd"
    const Trace t = run_every_way(hex_bytes("81 05 6162ff6364"), kClient);
    EXPECT_EQ(t.events, (std::vector<std::string>{header_line(true, 0, opcode::text, false, 5),
                                                  payload_line(2)}));
    EXPECT_EQ(t.payload, bytes_of("ab"));
    EXPECT_EQ(t.error, Error::invalid_utf8);
}

TEST(FrameParser, ARejectedCloseFrameComesWithItsHeaderAndPayload) {
    // FIN=1 op=close masked len=2 code=1005: not allowed on the wire
    Bytes wire = hex_bytes("88 82 37fa213d 3417");
    FrameParser p(kServer);
    std::span<std::byte> in(wire);
    ASSERT_EQ(p.next(in).status, Status::header);
    const auto ev = p.next(in);
    ASSERT_EQ(ev.status, Status::error);
    EXPECT_EQ(ev.error, Error::close_code_invalid);
    EXPECT_EQ(ev.header.opcode, opcode::close);
    EXPECT_EQ(Bytes(ev.payload.begin(), ev.payload.end()), hex_bytes("03ed"));
}

TEST(FrameParser, ZeroLengthFrameGivesHeaderThenFrameEnd) {
    Bytes wire = hex_bytes("81 00");  // FIN=1 op=text len=0
    FrameParser p(kClient);
    std::span<std::byte> in(wire);
    auto ev = p.next(in);
    EXPECT_EQ(ev.status, Status::header);
    EXPECT_TRUE(in.empty());
    ev = p.next(in);  // no bytes left, but the frame end is pending
    EXPECT_EQ(ev.status, Status::frame_end);
    EXPECT_TRUE(ev.message_end);
    EXPECT_EQ(ev.message_opcode, opcode::text);
    EXPECT_EQ(p.next(in).status, Status::need_more);
}

TEST(FrameParser, UnmasksPayloadInPlaceWithoutCopying) {
    Bytes wire = hex_bytes("81 85 37 fa 21 3d 7f 9f 4d 51 58");  // FIN=1 op=text masked len=5
    FrameParser p(kServer);
    std::span<std::byte> in(wire);
    ASSERT_EQ(p.next(in).status, Status::header);
    const auto ev = p.next(in);
    ASSERT_EQ(ev.status, Status::payload);
    EXPECT_EQ(ev.payload.data(), wire.data() + 6);
    EXPECT_EQ(Bytes(wire.begin() + 6, wire.end()), bytes_of("Hello"));
}

TEST(FrameParser, ControlFrameInsideMessageKeepsMessageState) {
    // FIN=0 op=text len=1 "a" | FIN=1 op=ping len=1 "p" | FIN=1 op=cont len=1 "b"
    Bytes wire = hex_bytes("01 01 61 89 01 70 80 01 62");
    FrameParser p(kClient);
    std::span<std::byte> in(wire);
    std::vector<Status> seen;
    bool saw_ping_end = false;
    for (;;) {
        const auto ev = p.next(in);
        if (ev.status == Status::need_more) break;
        ASSERT_NE(ev.status, Status::error) << ev.error.message();
        seen.push_back(ev.status);
        if (ev.status == Status::frame_end && ev.header.opcode == opcode::ping) {
            saw_ping_end = true;
            EXPECT_FALSE(ev.message_end);
            EXPECT_EQ(hex(ev.payload), "70");
            EXPECT_TRUE(p.in_message());
        }
        if (ev.status == Status::frame_end && ev.header.opcode == opcode::continuation) {
            EXPECT_TRUE(ev.message_end);
            EXPECT_EQ(ev.message_opcode, opcode::text);
        }
    }
    EXPECT_TRUE(saw_ping_end);
    EXPECT_FALSE(p.in_message());
    EXPECT_EQ(seen.size(), 8u);  // 3 headers, 2 payloads, 3 frame ends
}

TEST(FrameParser, ReportsCompressionOnEveryFrameOfTheMessage) {
    // FIN=0 RSV1=1 op=binary len=1 | FIN=1 op=cont len=1 (deflate on)
    const Trace t = run_every_way(hex_bytes("42 01 aa 80 01 bb"),
                                  {.role = Role::client, .permessage_deflate = true});
    ASSERT_FALSE(t.error) << t;
    EXPECT_EQ(t.events.back(), data_end_line(opcode::continuation, true, opcode::binary, true));
}

TEST(FrameParser, ErrorIsStickyUntilReset) {
    Bytes bad = hex_bytes("83 00");  // FIN=1 op=3 len=0
    FrameParser p(kClient);
    std::span<std::byte> in(bad);
    auto ev = p.next(in);
    ASSERT_EQ(ev.status, Status::error);
    EXPECT_EQ(ev.error, Error::reserved_opcode);
    Bytes good = hex_bytes("81 01 61");
    std::span<std::byte> in2(good);
    ev = p.next(in2);
    EXPECT_EQ(ev.status, Status::error);
    EXPECT_EQ(ev.error, Error::reserved_opcode);
    EXPECT_EQ(in2.size(), 3u) << "an error consumes nothing";

    p.reset();
    EXPECT_EQ(p.next(in2).status, Status::header);
}

TEST(FrameParser, ResetForgetsTheMessageInProgress) {
    Bytes wire = hex_bytes("01 01 61");  // FIN=0 op=text len=1 "a"
    FrameParser p(kClient);
    std::span<std::byte> in(wire);
    while (p.next(in).status != Status::need_more) {
    }
    EXPECT_TRUE(p.in_message());
    p.reset();
    EXPECT_FALSE(p.in_message());
    Bytes cont = hex_bytes("80 00");  // FIN=1 op=cont len=0
    std::span<std::byte> in2(cont);
    EXPECT_EQ(p.next(in2).error, Error::continuation_without_message);
}

TEST(FrameParser, PermessageDeflateCanBeSwitchedOnAfterTheHandshake) {
    Bytes wire = hex_bytes("c1 01 ff");  // FIN=1 RSV1=1 op=text len=1
    FrameParser p(kClient);
    EXPECT_FALSE(p.options().permessage_deflate);
    p.set_permessage_deflate(true);
    std::span<std::byte> in(wire);
    const auto ev = p.next(in);
    ASSERT_EQ(ev.status, Status::header);
    EXPECT_TRUE(ev.message_compressed);
}

// Autobahn 6.4.1-6.4.4: the invalid byte is rejected as soon as it arrives, while the rest of
// the message is still outstanding.
TEST(FrameParser, FailsFastOnTheChunkCarryingTheBadByte) {
    struct Step {
        const char* hex;
        Status last;  // status after draining this chunk
    };
    const std::vector<std::vector<Step>> scenarios = {
        // 6.4.1: FIN=0 op=text len=11 κόσμε | FIN=0 op=cont len=4 f4908080 | FIN=1 op=cont len=6
        {{"01 0b cebae1bdb9cf83cebcceb5", Status::need_more}, {"00 04 f4908080", Status::error}},
        // 6.4.2: FIN=0 op=text len=12 κόσμε f4 | FIN=0 op=cont len=1 90
        {{"01 0c cebae1bdb9cf83cebcceb5f4", Status::need_more}, {"00 01 90", Status::error}},
        // 6.4.3: FIN=1 op=text len=21, sent in three chops: 11 bytes, 4 bytes, ...
        {{"81 15 cebae1bdb9cf83cebcceb5", Status::need_more}, {"f4908080", Status::error}},
        // 6.4.4: same frame, chops of 12 bytes then 1 byte
        {{"81 15 cebae1bdb9cf83cebcceb5f4", Status::need_more}, {"90", Status::error}},
    };
    for (const auto& steps : scenarios) {
        FrameParser p(kClient);
        for (const Step& step : steps) {
            Bytes chunk = hex_bytes(step.hex);
            std::span<std::byte> in(chunk);
            FrameParser::Event ev;
            do {
                ev = p.next(in);
            } while (ev.status != Status::need_more && ev.status != Status::error);
            EXPECT_EQ(ev.status, step.last) << step.hex;
            if (ev.status == Status::error) {
                EXPECT_EQ(ev.error, Error::invalid_utf8);
            }
        }
    }
}

// ---- generated streams: every chunking agrees, valid or corrupted ---------------------------

std::vector<std::byte> random_text(std::mt19937& rng, std::size_t approx) {
    static const char* kPieces[] = {"a",
                                    "hello ",
                                    "\xc2\xb5",
                                    "\xce\xba\xe1\xbd\xb9\xcf\x83",
                                    "\xe2\x82\xac",
                                    "\xe4\xb8\xad\xe6\x96\x87",
                                    "\xf0\x9f\x98\x80",
                                    "\xf4\x8f\xbf\xbf"};
    Bytes out;
    while (out.size() < approx) {
        const std::string_view piece = kPieces[rng() % std::size(kPieces)];
        for (char c : piece) out.push_back(std::byte(static_cast<unsigned char>(c)));
    }
    return out;
}

// A stream of messages, fragmented at random points (inside code points too), with pings and
// pongs in between and a close at the end, all masked when `masked`.
Bytes random_stream(std::mt19937& rng, bool masked) {
    static const std::size_t kSizes[] = {0, 1, 2, 5, 125, 126, 127, 300, 65535, 65536, 70000};
    auto key = [&]() -> std::optional<MaskKey> {
        if (!masked) return std::nullopt;
        return MaskKey{static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                       static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
    };
    Bytes out;
    const int messages = 1 + rng() % 4;
    for (int m = 0; m < messages; ++m) {
        const bool text = rng() % 2 == 0;
        const std::size_t size = kSizes[rng() % std::size(kSizes)];
        Bytes body = text ? random_text(rng, size) : Bytes(size);
        if (!text) {
            for (auto& b : body) b = std::byte(rng());
        }
        const std::size_t fragments = 1 + rng() % 4;
        std::size_t pos = 0;
        for (std::size_t f = 0; f < fragments; ++f) {
            const bool last = f + 1 == fragments;
            const std::size_t n = last ? body.size() - pos : rng() % (body.size() - pos + 1);
            const Bytes part(body.begin() + pos, body.begin() + pos + n);
            pos += n;
            const std::uint8_t op =
                f == 0 ? (text ? opcode::text : opcode::binary) : opcode::continuation;
            const auto frame_bytes = frame(op, last, part, key());
            out.insert(out.end(), frame_bytes.begin(), frame_bytes.end());
            if (rng() % 3 == 0) {
                Bytes ping(rng() % 126);
                for (auto& b : ping) b = std::byte(rng());
                const auto ping_bytes =
                    frame(rng() % 2 ? opcode::ping : opcode::pong, true, ping, key());
                out.insert(out.end(), ping_bytes.begin(), ping_bytes.end());
            }
        }
    }
    const auto close = frame(opcode::close, true, hex_bytes("03e8 627965"), key());  // 1000 "bye"
    out.insert(out.end(), close.begin(), close.end());
    return out;
}

TEST(FrameParser, GeneratedStreamsParseTheSameInEveryChunking) {
    std::mt19937 rng(6455);
    for (int round = 0; round < 40; ++round) {
        const bool masked = round % 2 == 0;
        const Bytes wire = random_stream(rng, masked);
        const ParserOptions options{.role = masked ? Role::server : Role::client};
        const Trace reference = run(wire, options, whole(wire.size()));
        ASSERT_FALSE(reference.error) << reference;
        ASSERT_EQ(reference.events.back(), control_end_line(opcode::close, "03e8627965"));
        ASSERT_EQ(run(wire, options, random_chunks(wire.size(), round)), reference);
        if (wire.size() < 5000) {
            ASSERT_EQ(run(wire, options, bytewise(wire.size())), reference);
        }
    }
}

TEST(FrameParser, CorruptedStreamsGiveTheSameResultInEveryChunking) {
    std::mt19937 rng(1945);
    std::set<int> errors_seen;
    for (int round = 0; round < 400; ++round) {
        const bool masked = round % 2 == 0;
        Bytes wire = random_stream(rng, masked);
        if (wire.size() > 3000) wire.resize(3000);
        // Flip one to three bytes, often inside the first headers.
        for (unsigned k = 1 + rng() % 3; k > 0; --k) {
            const std::size_t at =
                rng() % 2 ? rng() % std::min<std::size_t>(wire.size(), 16) : rng() % wire.size();
            wire[at] ^= std::byte(1u << (rng() % 8));
        }
        const ParserOptions options{.role = masked ? Role::server : Role::client,
                                    .permessage_deflate = rng() % 4 == 0,
                                    .max_message_payload = 60000};
        const Trace reference = run(wire, options, whole(wire.size()));
        if (reference.error) errors_seen.insert(reference.error.value());
        ASSERT_EQ(run(wire, options, bytewise(wire.size())), reference) << "round " << round;
        ASSERT_EQ(run(wire, options, random_chunks(wire.size(), round)), reference)
            << "round " << round;
    }
    EXPECT_GE(errors_seen.size(), 8u) << "corruption should reach many different rules";
}

// ---- the error category ----------------------------------------------------------------------

struct CloseCodeRow {
    Error error;
    std::uint16_t close_code;
};

TEST(ProtocolError, MapsEachErrorToItsCloseCodeAndATerseMessage) {
    const CloseCodeRow rows[] = {
        {Error::reserved_opcode, 1002},
        {Error::rsv_bits_set, 1002},
        {Error::control_frame_fragmented, 1002},
        {Error::control_frame_too_long, 1002},
        {Error::continuation_without_message, 1002},
        {Error::data_frame_inside_fragmented_message, 1002},
        {Error::frame_not_masked, 1002},
        {Error::frame_masked, 1002},
        {Error::length_msb_set, 1002},
        {Error::length_not_minimal, 1002},
        {Error::frame_too_big, 1009},
        {Error::message_too_big, 1009},
        {Error::close_payload_length_one, 1002},
        {Error::close_code_invalid, 1002},
        {Error::close_reason_invalid_utf8, 1007},
        {Error::invalid_utf8, 1007},
        {Error::rsv1_on_continuation, 1002},
        {Error::inflate_failed, 1002},
        {Error::inflate_limit_exceeded, 1009},
    };
    std::set<std::string> messages;
    for (const auto& row : rows) {
        const std::error_code ec = row.error;
        EXPECT_EQ(close_code_for(ec), row.close_code) << ec.message();
        EXPECT_EQ(ec.category().name(), std::string("wsconform.protocol"));
        EXPECT_FALSE(ec.message().empty());
        EXPECT_EQ(ec.message().find('\n'), std::string::npos);
        messages.insert(ec.message());
    }
    EXPECT_EQ(messages.size(), std::size(rows)) << "each error has its own message";
    EXPECT_EQ(std::error_code(Error::close_payload_length_one).message(),
              "close: payload length 1");
    EXPECT_EQ(close_code_for(std::make_error_code(std::errc::connection_reset)), 1002);
}

}  // namespace
}  // namespace wsconform::protocol
