// Section 1: framing. One unfragmented text or binary message per case, at the sizes where
// the payload length changes form (RFC 6455 5.2: 7-bit up to 125, 16-bit up to 65535,
// 64-bit beyond), the largest also written in 997-octet chops.
#include <array>
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"

namespace wsconform::cases {

using namespace detail;

namespace {

struct SizeRow {
    std::size_t size;
    std::optional<std::size_t> chopsize;
    harness::Duration kill_after;
    std::string_view length_form;  // for the description
};

// Ids 1.x.1 .. 1.x.8, in order.
constexpr std::array<SizeRow, 8> kSizes{{
    {0, std::nullopt, 1s, "empty"},
    {125, std::nullopt, 1s, "the largest 7-bit length"},
    {126, std::nullopt, 1s, "the smallest 16-bit length"},
    {127, std::nullopt, 1s, "a 16-bit length"},
    {128, std::nullopt, 1s, "a 16-bit length"},
    {65535, std::nullopt, 10s, "the largest 16-bit length"},
    {65536, std::nullopt, 10s, "the smallest 64-bit length"},
    {65536, 997, 10s, "the smallest 64-bit length"},
}};

struct Kind {
    int subsection;
    bool binary;
    char fill;  // Autobahn fills text with '*' and binary with 0xfe
    std::string_view fill_name;
};

constexpr std::array<Kind, 2> kKinds{{
    {1, false, '*', "'*'"},
    {2, true, '\xfe', "0xfe"},
}};

}  // namespace

std::vector<Case> section1_framing() {
    std::vector<Case> out;
    for (const Kind& kind : kKinds) {
        const std::string noun = kind.binary ? "binary" : "text";
        for (std::size_t i = 0; i < kSizes.size(); ++i) {
            const SizeRow row = kSizes[i];
            std::string description =
                row.size == 0
                    ? "Sends one unfragmented " + noun + " message with an empty payload."
                    : "Sends one unfragmented " + noun + " message of " + std::to_string(row.size) +
                          " octets of " + std::string(kind.fill_name) + " (" +
                          std::string(row.length_form) + ").";
            if (row.chopsize)
                description += " The frame is written in chops of " +
                               std::to_string(*row.chopsize) + " octets.";
            std::string title = (kind.binary ? "Binary" : "Text") + std::string(" message, ") +
                                (row.size == 0 ? std::string("empty payload")
                                               : std::to_string(row.size) + "-octet payload");
            if (row.chopsize)
                title += ", written in " + std::to_string(*row.chopsize) + "-octet chops";

            out.push_back(Case{
                .id = "1." + std::to_string(kind.subsection) + "." + std::to_string(i + 1),
                .title = std::move(title),
                .description = std::move(description),
                .expectation = std::string(kEchoThenClose),
                .rfc = {"RFC 6455 5.2", "RFC 6455 5.6"},
                .requirement = "An endpoint accepts a data frame in every payload length form "
                               "(7-bit, 16-bit and 64-bit) however its octets are split across "
                               "TCP segments; the echo returns the payload unchanged.",
                .script = on_open([kind, row](Session& s) {
                    const std::string payload(row.size, kind.fill);
                    s.expect(harness::Behavior::ok, {kind.binary ? harness::binary_message(payload)
                                                                 : harness::text_message(payload)});
                    s.expect_close(we_close_normally());
                    s.send_frame({.opcode = kind.binary ? opcode::binary : opcode::text,
                                  .payload = payload,
                                  .chopsize = row.chopsize});
                    s.kill_after(row.kill_after);
                }),
            });
        }
    }
    return out;
}

}  // namespace wsconform::cases
