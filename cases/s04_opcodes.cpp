// Section 4: reserved opcodes. 0x3-0x7 (non-control) and 0xB-0xF (control) have no meaning
// without an extension (RFC 6455 5.2); the peer fails the connection on receiving one.
#include <array>
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;

namespace {

struct OpcodeRow {
    const char* id;
    std::uint8_t opcode;
    const char* payload;       // of the frame with the reserved opcode
    bool valid_message_first;  // a valid text message, then the bad frame, then a Ping
    WriteMode mode;
};

// clang-format off
constexpr std::array<OpcodeRow, 10> kRows{{
    {"4.1.1", 0x3, "",                        false, WriteMode::plain},
    {"4.1.2", 0x4, "reserved opcode payload", false, WriteMode::plain},
    {"4.1.3", 0x5, "",                        true,  WriteMode::plain},
    {"4.1.4", 0x6, "Hello, world!",           true,  WriteMode::plain},
    {"4.1.5", 0x7, "Hello, world!",           true,  WriteMode::octets},
    {"4.2.1", 0xB, "",                        false, WriteMode::plain},
    {"4.2.2", 0xC, "reserved opcode payload", false, WriteMode::plain},
    {"4.2.3", 0xD, "",                        true,  WriteMode::plain},
    {"4.2.4", 0xE, "Hello, world!",           true,  WriteMode::plain},
    {"4.2.5", 0xF, "Hello, world!",           true,  WriteMode::octets},
}};
// clang-format on

}  // namespace

std::vector<Case> section4_opcodes() {
    std::vector<Case> out;
    for (const OpcodeRow& row : kRows) {
        const bool control = protocol::is_control(row.opcode);
        const std::string op = std::string("0x") + "0123456789ABCDEF"[row.opcode & 0xf];
        const std::string payload = row.payload;
        const std::string payload_text =
            payload.empty() ? "an empty payload" : "the payload '" + payload + "'";

        std::string title =
            "Reserved " + std::string(control ? "control" : "non-control") + " opcode " + op;
        if (row.valid_message_first) title += " after a valid message";
        title += write_mode_title(row.mode);

        std::string description =
            row.valid_message_first
                ? "Sends a valid text message 'Hello, world!', then a frame with reserved opcode " +
                      op + " and " + payload_text + ", then a Ping."
                : "Sends a frame with reserved opcode " + op + " and " + payload_text + ".";
        description += write_mode_note(row.mode);

        out.push_back(Case{
            .id = row.id,
            .title = std::move(title),
            .description = std::move(description),
            .expectation =
                row.valid_message_first
                    ? "The peer echoes the valid message, then fails the connection on the "
                      "reserved opcode (close 1002 or TCP drop); the Ping is never answered. "
                      "Failing before the echo is tolerated as non-strict."
                    : std::string(kFailProtocol),
            .rfc = control ? std::vector<std::string>{"RFC 6455 5.2", "RFC 6455 5.5"}
                           : std::vector<std::string>{"RFC 6455 5.2", "RFC 6455 5.6"},
            .requirement = "Opcodes 0x3-0x7 and 0xB-0xF are reserved for future use; a receiver "
                           "that gets an opcode it does not know fails the connection.",
            .script = on_open([row, payload](Session& s) {
                send_rejected_frame(s, {.opcode = row.opcode, .payload = payload},
                                    row.valid_message_first, row.mode);
            }),
        });
    }
    return out;
}

}  // namespace wsconform::cases
