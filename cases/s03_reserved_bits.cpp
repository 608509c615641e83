// Section 3: reserved bits. No extension is negotiated, so every RSV bit must be 0
// (RFC 6455 5.2); the peer fails the connection on the first frame with one set.
#include <array>
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;

namespace {

struct RsvRow {
    const char* id;
    const char* title;
    std::uint8_t rsv;  // Autobahn's numbering: 4 = RSV1, 2 = RSV2, 1 = RSV3
    std::uint8_t opcode;
    std::string_view payload_hex;  // of the frame with the bit set
    bool valid_message_first;      // a valid text message, then the bad frame, then a Ping
    WriteMode mode;
};

// clang-format off
constexpr std::array<RsvRow, 7> kRows{{
    // "Hello, world!" = 48656c6c6f2c20776f726c6421
    {"3.1", "Text frame with RSV3 set", 1, opcode::text, "48656c6c6f2c20776f726c6421", false, WriteMode::plain},
    {"3.2", "Text frame with RSV2 set after a valid message", 2, opcode::text, "48656c6c6f2c20776f726c6421", true, WriteMode::plain},
    {"3.3", "Text frame with RSV2+RSV3 set after a valid message, one write per frame", 3, opcode::text, "48656c6c6f2c20776f726c6421", true, WriteMode::sync},
    {"3.4", "Text frame with RSV1 set after a valid message, octet-wise writes", 4, opcode::text, "48656c6c6f2c20776f726c6421", true, WriteMode::octets},
    {"3.5", "Binary frame with RSV1+RSV3 set", 5, opcode::binary, "00fffefdfcfb00ff", false, WriteMode::plain},
    {"3.6", "Binary frame with RSV1+RSV2 set", 6, opcode::binary, "48656c6c6f2c20776f726c6421", false, WriteMode::plain},
    {"3.7", "Close frame with all three RSV bits set", 7, opcode::close, "", false, WriteMode::plain},
}};
// clang-format on

std::string rsv_bits(std::uint8_t rsv) {
    std::string out;
    for (auto [bit, name] : {std::pair{4, "RSV1"}, std::pair{2, "RSV2"}, std::pair{1, "RSV3"}})
        if (rsv & bit) out += out.empty() ? name : std::string("+") + name;
    return out;
}

}  // namespace

std::vector<Case> section3_reserved_bits() {
    std::vector<Case> out;
    for (const RsvRow& row : kRows) {
        const std::string frame_kind = row.opcode == opcode::text     ? "text frame"
                                       : row.opcode == opcode::binary ? "binary frame"
                                                                      : "Close frame";
        const std::string payload = decode_hex_literal(row.payload_hex);
        std::string description;
        if (row.valid_message_first)
            description = "Sends a valid text message 'Hello, world!', then the same as a " +
                          frame_kind + " with " + rsv_bits(row.rsv) +
                          " set (rsv=" + std::to_string(row.rsv) + "), then a Ping.";
        else
            description = "Sends a " + frame_kind + " with " + rsv_bits(row.rsv) +
                          " set (rsv=" + std::to_string(row.rsv) + ") and " +
                          (payload.empty() ? std::string("an empty payload")
                                           : "the payload 0x" + std::string(row.payload_hex)) +
                          ".";
        description += write_mode_note(row.mode);

        out.push_back(Case{
            .id = row.id,
            .title = row.title,
            .description = std::move(description),
            .expectation =
                row.valid_message_first
                    ? "The peer echoes the valid message, then fails the connection on the "
                      "frame with the reserved bit (close 1002 or TCP drop); the Ping is never "
                      "answered. Failing before the echo is tolerated as non-strict."
                    : std::string(kFailProtocol),
            .rfc = {"RFC 6455 5.2"},
            .requirement = "RSV1, RSV2 and RSV3 are 0 unless a negotiated extension gives them "
                           "a meaning; a receiver that sees a bit it has no meaning for fails "
                           "the connection.",
            .script = on_open([row, payload](Session& s) {
                send_rejected_frame(s, {.opcode = row.opcode, .payload = payload, .rsv = row.rsv},
                                    row.valid_message_first, row.mode);
            }),
        });
    }
    return out;
}

}  // namespace wsconform::cases
