// 15.1.3 - 15.1.9: RFC 7692 parameter edge cases, after Autobahn testsuite issue #112 (a
// server that answered a bare offer as if the client's window were smaller than 32 KiB). No
// probe here sends more than one request or one answer, so none can crash a peer: these are
// plain cases (no limit_case, no can_crash_peer).
//
// Testing a server (we offer): an invalid offer (a duplicate parameter, a value on a flag) is
// the only alternative, so a server must decline permessage-deflate or refuse the handshake;
// accepting it fails. server_max_window_bits=8 is a valid offer (RFC 7692 7.1.2.1 allows 8-15)
// that zlib cannot honour for raw deflate (it takes 8 as 9): a server may decline it, or accept
// it answering server_max_window_bits=8 exactly; answering 9 (what zlib does) fails. Whether a
// server answering 8 then keeps to a 256-octet window is not checked (our one short message
// has no back-reference that would show it). The #112 shape: a bare offer, whose response must
// not carry client_max_window_bits (7.1.2.2).
//
// Testing a client (we answer): a 101 whose permessage-deflate response has a duplicate
// parameter, a value on a flag, or client_max_window_bits the client did not offer; the client
// MUST _Fail the WebSocket Connection_ (RFC 7692 7.1).
#include "cases/s15_limits/compression_params.h"

#include <optional>
#include <string>
#include <utility>

#include "cases/s14_handshake/client_judges.h"
#include "cases/s14_handshake/heads.h"
#include "cases/s14_handshake/server_judges.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases::limits {

using harness::Case;
using harness::ClientExchange;
using harness::ClientHistory;
using harness::ClientRequest;
using harness::HttpClientProbe;
using harness::HttpServerProbe;
using harness::ServerExchange;
using namespace handshake;

namespace {

constexpr const char* kIssue112 = " (RFC 7692 parameter edge cases: Autobahn testsuite #112.)";

// An invalid offer has no alternative a server may accept: a response that accepts
// permessage-deflate at all is the finding, said as such (deflate_response_problem would call
// it an extension we never offered).
std::optional<std::string> accepts_invalid_offer(const ServerExchange& x) {
    std::vector<protocol::Extension> exts;
    if (x.response.header_count("Sec-WebSocket-Extensions") != 0 &&
        !protocol::parse_extensions(x.response.combined("Sec-WebSocket-Extensions"), exts)) {
        for (const auto& ext : exts)
            if (protocol::iequals(ext.name, protocol::kPermessageDeflate))
                return "the server accepted the invalid offer (Sec-WebSocket-Extensions: " +
                       x.response.combined("Sec-WebSocket-Extensions") +
                       "); RFC 7692 7 makes it decline";
    }
    return deflate_response_problem(x);
}

// A server case offering `offer` (alone); `valid` are the alternatives in it a server may
// accept. An invalid offer (`valid` empty) may also be refused with a 4xx, judged as 14.2
// judges a refusal; a valid one must be answered with a 101.
Case offer_case(Case c, std::string offer, std::vector<protocol::DeflateParams> valid) {
    c.description = "The canonical request with Sec-WebSocket-Extensions: " + offer +
                    " (no other alternative); after a 101, a text message.";
    ServerJudge fits =
        valid.empty()
            ? response_rule(accepts_invalid_offer, "permessage-deflate was declined")
            : response_rule(deflate_response_problem, "The extension response fits the offer");
    c.expectation =
        "A 101 without permessage-deflate, or one permessage-deflate element whose "
        "parameters fit the offer (RFC 7692 7.1); refusing the handshake fails.";
    if (valid.empty()) {
        c.expectation =
            "A 101 without permessage-deflate, or a 4xx refusing the handshake. "
            "Accepting permessage-deflate fails.";
        fits = [fits = std::move(fits), refused = refuses()](const ServerExchange& x) {
            const bool client_error = x.head == harness::HeadStatus::complete &&
                                      x.response.status >= 400 && x.response.status < 500;
            return client_error ? refused(x) : fits(x);
        };
    }
    c.requirement += kIssue112;
    c.script = HttpServerProbe{.request = offering_deflate(std::move(offer), std::move(valid)),
                               .judge = std::move(fits)};
    return c;
}

// Whether the client offered client_max_window_bits in any permessage-deflate alternative.
bool offered_client_window(const ClientRequest& r) {
    for (const auto& e : r.extensions) {
        protocol::DeflateParams p;
        if (protocol::iequals(e.name, protocol::kPermessageDeflate) &&
            !protocol::parse_deflate_params(e, true, p) && p.client_max_window_bits != 0)
            return true;
    }
    return false;
}

// A client case answering with the canonical 101 plus Sec-WebSocket-Extensions: `response`;
// the client must fail. With `needs_no_window_offer`, the answer is only invalid when the
// client did not offer client_max_window_bits: a client that did is answered validly and the
// case is informational (not applicable).
Case answer_case(Case c, std::string response, bool needs_no_window_offer = false) {
    c.description = "A 101 with Sec-WebSocket-Extensions: " + response +
                    ". Then a text message (which a client that took the handshake as valid "
                    "would echo).";
    c.expectation = "The client fails the connection: it sends no frame at all and closes TCP.";
    c.requirement += kIssue112;
    auto invalid = answered(c.id, false, [response](Head& h, const ClientRequest&) {
        h.add("Sec-WebSocket-Extensions", response);
    });
    if (!needs_no_window_offer) {
        c.script = HttpClientProbe{.respond = std::move(invalid), .judge = client_fails()};
        return c;
    }
    c.script = HttpClientProbe{
        .respond =
            [invalid = std::move(invalid), valid = valid_answer(c.id)](const ClientRequest& r) {
                return offered_client_window(r) ? valid(r) : invalid(r);
            },
        .judge =
            [fails = client_fails()](const ClientExchange& x, const ClientHistory& before) {
                if (!offered_client_window(x.request)) return fails(x, before);
                const std::string why =
                    "Not applicable: the client offered client_max_window_bits, so a response "
                    "carrying it would be valid";
                return harness::make_verdict(harness::Behavior::informational, why,
                                             harness::Behavior::informational, why);
            }};
    return c;
}

// One case: an offer (testing a server; `valid` its alternatives a server may accept) or an
// answer (testing a client; `valid` unset).
struct Row {
    const char* id;
    const char* title;
    const char* header;  // Sec-WebSocket-Extensions: what we offer or answer
    std::vector<std::string> rfc;
    const char* requirement;
    std::optional<std::vector<protocol::DeflateParams>> valid;
    bool needs_no_window_offer = false;
};

}  // namespace

std::vector<Case> compression_params() {
    const std::vector<Row> rows{
        {"15.1.3",
         "permessage-deflate offer with a duplicate parameter",
         "permessage-deflate; server_max_window_bits=10; server_max_window_bits=10",
         {"RFC 7692 7", "RFC 7692 5.1"},
         "An offer MUST NOT include a parameter more than once, and a server MUST decline an "
         "offer that does (RFC 7692 7). 14.3.15 is the closest case (an unknown parameter, with "
         "a valid fallback).",
         std::vector<protocol::DeflateParams>{}},
        {"15.1.4",
         "permessage-deflate offer with a value on a flag",
         "permessage-deflate; server_no_context_takeover=1",
         {"RFC 7692 7", "RFC 7692 7.1.1.1"},
         "server_no_context_takeover takes no value (RFC 7692 7.1.1.1); a server MUST decline an "
         "offer with an invalid parameter value (RFC 7692 7).",
         std::vector<protocol::DeflateParams>{}},
        {"15.1.5",
         "permessage-deflate offer with server_max_window_bits=8",
         "permessage-deflate; server_max_window_bits=8",
         {"RFC 7692 7.1.2.1", "RFC 7692 7.1.2"},
         "8 is a valid window (8-15, RFC 7692 7.1.2.1) that zlib cannot deflate with (it uses 9): "
         "the server may decline the offer, or accept it with server_max_window_bits=8 and keep "
         "to it; answering a larger value breaks 7.1.2.1. (Whether an accepting server keeps to "
         "256 octets is not checked.)",
         std::vector<protocol::DeflateParams>{{.server_max_window_bits = 8}}},
        {"15.1.6",
         "Bare permessage-deflate offer: no client_max_window_bits back",
         "permessage-deflate",
         {"RFC 7692 7.1.2.2"},
         "Without client_max_window_bits in the offer the client may use a 32 KiB window, and the "
         "server MUST NOT include client_max_window_bits in its response (RFC 7692 7.1.2.2). "
         "14.3.12 is the closest case (an offer with server_max_window_bits only).",
         std::vector<protocol::DeflateParams>{{}}},
        {"15.1.7",
         "A permessage-deflate response with a duplicate parameter",
         "permessage-deflate; server_no_context_takeover; server_no_context_takeover",
         {"RFC 7692 7", "RFC 7692 5.1"},
         "A response MUST NOT include a parameter more than once; the client MUST _Fail the "
         "WebSocket Connection_ when it does (RFC 7692 7)."},
        {"15.1.8",
         "client_max_window_bits in a response to an offer without it",
         "permessage-deflate; client_max_window_bits=10",
         {"RFC 7692 7.1.2.2"},
         "If the client did not offer client_max_window_bits, a response with it is invalid and "
         "the client MUST _Fail the WebSocket Connection_ (RFC 7692 7.1.2.2). Not applicable to "
         "a client that offers it (browsers do). 14.4.13 is the closest case "
         "(server_max_window_bits=7).",
         std::nullopt,
         true},
        {"15.1.9",
         "A permessage-deflate response with a value on a flag",
         "permessage-deflate; server_no_context_takeover=1",
         {"RFC 7692 7", "RFC 7692 7.1.1.1"},
         "server_no_context_takeover takes no value (RFC 7692 7.1.1.1): the client MUST _Fail "
         "the WebSocket Connection_ (RFC 7692 7)."},
    };
    std::vector<Case> out;
    for (const Row& row : rows) {
        Case c{.id = row.id, .title = row.title, .rfc = row.rfc, .requirement = row.requirement};
        out.push_back(row.valid ? offer_case(std::move(c), row.header, *row.valid)
                                : answer_case(std::move(c), row.header, row.needs_no_window_offer));
    }
    return out;
}

}  // namespace wsconform::cases::limits
