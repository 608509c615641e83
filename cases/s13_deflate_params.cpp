// Section 13: permessage-deflate with different parameters. The JSON payload set is sent the
// 18 ways of section 12 under seven offers (Autobahn's DEFLATE_PARAMS); testing a client, our
// server side asks for the mirror image of each offer (Autobahn's accept1 ... accept7).
#include <string>
#include <vector>

#include "cases/compression_case.h"
#include "cases/sections.h"

namespace wsconform::cases {

namespace {

using protocol::DeflateParams;
using protocol::DeflateServerPolicy;

// Every offer allows both client parameters (Autobahn's acceptNoContextTakeover and
// acceptMaxWindowBits default to True) and may request the server ones.
DeflateParams offer(bool server_no_context_takeover, int server_max_window_bits) {
    return {.server_no_context_takeover = server_no_context_takeover,
            .client_no_context_takeover = true,
            .server_max_window_bits = server_max_window_bits,
            .client_max_window_bits = -1};
}

// The header text of one offer, for descriptions.
std::string offer_text(const DeflateParams& p) {
    std::string s = "permessage-deflate; client_no_context_takeover; client_max_window_bits";
    if (p.server_no_context_takeover) s += "; server_no_context_takeover";
    if (p.server_max_window_bits != 0)
        s += "; server_max_window_bits=" + std::to_string(p.server_max_window_bits);
    return s;
}

struct Parameters {
    std::string_view title;  // what the offer asks for
    std::vector<DeflateParams> offers;
    DeflateServerPolicy policy;
    std::string_view policy_note;                     // testing a client: what our server side does
    std::vector<DeflateServerPolicy> fallbacks = {};  // tried in turn when `policy` fits no offer
};

std::vector<Parameters> parameter_sets() {
    return {
        {"default offer",
         {offer(false, 0)},
         {},
         "Testing a client, we accept its first permessage-deflate offer and ask for nothing "
         "more."},
        {"offer with server_no_context_takeover",
         {offer(true, 0)},
         {.request_client_no_context_takeover = true},
         "Testing a client, we accept the client's first offer and ask for "
         "client_no_context_takeover (RFC 7692 7.1.1.1 lets a server ask it of any offer)."},
        {"offer with server_max_window_bits=9",
         {offer(false, 9)},
         {.request_client_max_window_bits = 9},
         "Testing a client, we accept an offer only if it includes client_max_window_bits, and "
         "ask for client_max_window_bits=9."},
        {"offer with server_max_window_bits=15",
         {offer(false, 15)},
         {.request_client_max_window_bits = 15},
         "Testing a client, we accept an offer only if it includes client_max_window_bits, and "
         "ask for client_max_window_bits=15."},
        {"offer with server_no_context_takeover and server_max_window_bits=9",
         {offer(true, 9)},
         {.request_client_no_context_takeover = true, .request_client_max_window_bits = 9},
         "Testing a client, we accept an offer only if it includes client_max_window_bits, and "
         "ask for client_no_context_takeover and client_max_window_bits=9."},
        {"offer with server_no_context_takeover and server_max_window_bits=15",
         {offer(true, 15)},
         {.request_client_no_context_takeover = true, .request_client_max_window_bits = 15},
         "Testing a client, we accept an offer only if it includes client_max_window_bits, and "
         "ask for client_no_context_takeover and client_max_window_bits=15."},
        // Autobahn's accept7 tries three answers in turn: the one of 13.5, then 13.2's, then
        // 13.1's.
        {"three alternative offers",
         {offer(true, 9), offer(true, 0), offer(false, 0)},
         {.request_client_no_context_takeover = true, .request_client_max_window_bits = 9},
         "Testing a client, we ask for client_no_context_takeover and client_max_window_bits=9 "
         "if an offer includes client_max_window_bits; else for client_no_context_takeover "
         "alone (which any offer allows).",
         {{.request_client_no_context_takeover = true}, {}}},
    };
}

}  // namespace

std::vector<harness::Case> section13_deflate_params() {
    const PayloadSet set = PayloadSet::json;
    const auto parameters = parameter_sets();
    std::vector<harness::Case> out;
    for (std::size_t j = 0; j < parameters.size(); ++j) {
        const Parameters& p = parameters[j];
        std::string note = p.offers.size() == 1 ? "We offer " : "We offer, as alternatives, ";
        for (std::size_t k = 0; k < p.offers.size(); ++k)
            note += (k > 0 ? ", then " : "") + offer_text(p.offers[k]);
        note += ". " + std::string(p.policy_note);
        for (std::size_t i = 0; i < kCompressionRows.size(); ++i) {
            const CompressionRow& row = kCompressionRows[i];
            std::string title = "Compressed JSON, " + std::string(p.title) + ", " +
                                std::to_string(row.count) + " messages of " +
                                std::to_string(row.length) + " characters";
            if (row.auto_fragment > 0)
                title += ", auto-fragmented at " + std::to_string(row.auto_fragment) + " octets";
            out.push_back(compression_case({
                .id = "13." + std::to_string(j + 1) + "." + std::to_string(i + 1),
                .title = std::move(title),
                .parameters_note = note,
                .rfc = {"RFC 7692 7.1", "RFC 7692 7.2"},
                .requirement =
                    "The agreed parameters bind both sides: a sender that must not take over "
                    "its compression context, or must use a smaller LZ77 window, compresses "
                    "each message within those limits, and the receiver decompresses it; the "
                    "messages come out unchanged either way.",
                .set = set,
                .row = row,
                .offers = p.offers,
                .server_policy = p.policy,
                .server_fallbacks = p.fallbacks,
            }));
        }
    }
    return out;
}

}  // namespace wsconform::cases
