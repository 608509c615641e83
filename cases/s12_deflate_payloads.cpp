// Section 12: permessage-deflate over different payloads. Each of the five payload sets
// (cases/payload_sets.h) is sent 18 ways (Autobahn's MSG_SIZES: message length, timer,
// auto-fragmentation), always with Autobahn's default offer.
#include <string>
#include <vector>

#include "cases/compression_case.h"
#include "cases/sections.h"

namespace wsconform::cases {

namespace {

// Title words for each set, in kPayloadSets order.
constexpr std::string_view kSetTitles[] = {"JSON", "BMP image", "German text", "HTML", "PDF"};

std::string row_title(std::string_view set_title, const CompressionRow& row, bool text) {
    std::string title = "Compressed " + std::string(set_title) + ", " + std::to_string(row.count) +
                        " messages of " + std::to_string(row.length) +
                        (text ? " characters" : " octets");
    if (row.auto_fragment > 0)
        title += ", auto-fragmented at " + std::to_string(row.auto_fragment) + " octets";
    return title;
}

}  // namespace

std::vector<harness::Case> section12_deflate_payloads() {
    // Autobahn's fuzzingclient offers permessage-deflate; client_no_context_takeover;
    // client_max_window_bits. Its fuzzingserver accepts the client's first permessage-deflate
    // offer and asks for nothing more (accept_deflate): the default policy.
    const protocol::DeflateParams offer{.client_no_context_takeover = true,
                                        .client_max_window_bits = -1};
    const std::string note =
        "We offer permessage-deflate; client_no_context_takeover; client_max_window_bits. "
        "Testing a client, we accept its first permessage-deflate offer and ask for nothing "
        "more.";
    std::vector<harness::Case> out;
    for (std::size_t j = 0; j < kPayloadSets.size(); ++j) {
        const PayloadSet set = kPayloadSets[j];
        for (std::size_t i = 0; i < kCompressionRows.size(); ++i) {
            const CompressionRow& row = kCompressionRows[i];
            out.push_back(compression_case({
                .id = "12." + std::to_string(j + 1) + "." + std::to_string(i + 1),
                .title = row_title(kSetTitles[j], row, payload_set_info(set).text),
                .parameters_note = note,
                .rfc = {"RFC 7692 6", "RFC 7692 7.2"},
                .requirement =
                    "Once permessage-deflate is agreed, each endpoint compresses the messages it "
                    "sends and decompresses those it receives; whatever the data, a message "
                    "leaves the decompressor exactly as it entered the compressor.",
                .set = set,
                .row = row,
                .offers = {offer},
                .server_policy = {},
            }));
        }
    }
    return out;
}

}  // namespace wsconform::cases
