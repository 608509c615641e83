// Target `extensions`: a Sec-WebSocket-Extensions value through parse_extensions() (RFC 6455
// §9.1), and every permessage-deflate element through parse_deflate_params() (RFC 7692 §7.1)
// as an offer and as a response, then the whole list through negotiate_deflate_as_server().
// Oracles: what parses re-parses equal from our own serialization (plain and quoted values);
// a failed parse leaves the output untouched; accepted parameters are within §7.1's ranges and
// survive format_deflate_params(); the server's choice honours the first acceptable offer and
// passes the client-side check_deflate_response() against what was offered.
//
// Input: the header value; the server policy comes from the input's length (configuration
// that costs no input bytes).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "fuzz/http_oracle.h"
#include "protocol/handshake.h"
#include "protocol/permessage_deflate.h"

namespace {

using namespace wsconform;
using protocol::DeflateParams;
using protocol::Extension;

std::string format_list(const std::vector<Extension>& list, bool quoted) {
    std::string s;
    for (const auto& e : list) {
        if (!s.empty()) s += ", ";
        s += e.name;
        for (const auto& p : e.params) {
            s += "; " + p.name;
            if (p.value) s += quoted ? "=\"" + *p.value + "\"" : "=" + *p.value;
        }
    }
    return s;
}

bool same_list(const std::vector<Extension>& a, const std::vector<Extension>& b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].name != b[i].name || a[i].params.size() != b[i].params.size()) return false;
        for (std::size_t j = 0; j < a[i].params.size(); ++j) {
            if (a[i].params[j].name != b[i].params[j].name ||
                a[i].params[j].value != b[i].params[j].value) {
                return false;
            }
        }
    }
    return true;
}

bool window_ok(int bits, bool allow_absent_value) {
    return bits == 0 || (bits >= 8 && bits <= 15) || (allow_absent_value && bits == -1);
}

void check_params_round_trip(const DeflateParams& p, bool is_offer) {
    const std::string text = protocol::format_deflate_params(p);
    std::vector<Extension> again;
    FUZZ_CHECK(!protocol::parse_extensions(text, again));
    FUZZ_CHECK(again.size() == 1);
    DeflateParams q;
    FUZZ_CHECK(!protocol::parse_deflate_params(again[0], is_offer, q));
    FUZZ_CHECK(q == p);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto copy = std::make_unique<char[]>(size == 0 ? 1 : size);
    std::copy(data, data + size, copy.get());
    const std::string_view value(copy.get(), size);

    std::vector<Extension> list = {Extension{"sentinel", {}}};
    const std::error_code ec = protocol::parse_extensions(value, list);
    if (ec) {
        FUZZ_CHECK(&ec.category() == &protocol::handshake_category());
        FUZZ_CHECK(list.size() == 1 && list[0].name == "sentinel");  // untouched
        return 0;
    }
    list.erase(list.begin());
    FUZZ_CHECK(!list.empty());
    for (const auto& e : list) {
        FUZZ_CHECK(fuzz::is_header_token(e.name));
        for (const auto& p : e.params) {
            FUZZ_CHECK(fuzz::is_header_token(p.name));
            if (p.value) FUZZ_CHECK(fuzz::is_header_token(*p.value));
        }
    }
    for (const bool quoted : {false, true}) {
        std::vector<Extension> again;
        FUZZ_CHECK(!protocol::parse_extensions(format_list(list, quoted), again));
        FUZZ_CHECK(same_list(list, again));
    }

    // Server policy from the input length.
    protocol::DeflateServerPolicy policy;
    policy.request_server_no_context_takeover = (size & 1) != 0;
    policy.request_client_no_context_takeover = (size & 2) != 0;
    static constexpr int kBits[4] = {0, 9, 12, 15};
    policy.request_client_max_window_bits = kBits[(size >> 2) & 3];

    // permessage-deflate parameters, as an offer and as a response.
    std::vector<DeflateParams> offers;
    std::optional<DeflateParams> first_acceptable;
    for (const auto& e : list) {
        for (const bool is_offer : {true, false}) {
            DeflateParams p;
            const std::error_code pec = protocol::parse_deflate_params(e, is_offer, p);
            if (pec) {
                FUZZ_CHECK(!pec.message().empty());
                continue;
            }
            FUZZ_CHECK(protocol::iequals(e.name, protocol::kPermessageDeflate));
            FUZZ_CHECK(window_ok(p.server_max_window_bits, false));
            FUZZ_CHECK(window_ok(p.client_max_window_bits, is_offer));
            check_params_round_trip(p, is_offer);
            if (!is_offer) continue;
            offers.push_back(p);
            // The header's rules: server_max_window_bits=8 is declined (zlib cannot deflate
            // with it), and a client window is asked only of an offer that names it
            // (client_no_context_takeover may be asked of any offer, §7.1.1.1).
            const bool acceptable =
                p.server_max_window_bits != 8 &&
                (policy.request_client_max_window_bits == 0 || p.client_max_window_bits != 0);
            if (!first_acceptable && acceptable) first_acceptable = p;
        }
    }

    // Server side: the first acceptable alternative, honoured.
    const std::optional<DeflateParams> chosen = protocol::negotiate_deflate_as_server(list, policy);
    FUZZ_CHECK(chosen.has_value() == first_acceptable.has_value());
    if (!chosen) return 0;
    const DeflateParams& r = *chosen;
    const DeflateParams& o = *first_acceptable;
    FUZZ_CHECK(window_ok(r.server_max_window_bits, false) &&
               window_ok(r.client_max_window_bits, false));
    // §7.1.1.1, §7.1.2.1: offered server parameters are accepted as offered.
    if (o.server_no_context_takeover) FUZZ_CHECK(r.server_no_context_takeover);
    FUZZ_CHECK(r.server_max_window_bits == o.server_max_window_bits);
    // §7.1.2.2: client_max_window_bits only when the offer named it, never above its value.
    if (r.client_max_window_bits != 0) {
        FUZZ_CHECK(o.client_max_window_bits != 0);
        if (o.client_max_window_bits > 0) {
            FUZZ_CHECK(r.client_max_window_bits <= o.client_max_window_bits);
        }
    }
    FUZZ_CHECK(r.client_no_context_takeover == policy.request_client_no_context_takeover);
    check_params_round_trip(r, false);

    // The client accepts the server's answer against what it offered.
    std::vector<Extension> response;
    FUZZ_CHECK(!protocol::parse_extensions(protocol::format_deflate_params(r), response));
    FUZZ_CHECK(response.size() == 1);
    DeflateParams agreed;
    FUZZ_CHECK(!protocol::check_deflate_response(response[0], offers, agreed));
    // A response that fits strictly fits the lenient check the same way, with nothing omitted.
    DeflateParams lenient;
    std::vector<std::string> omitted;
    FUZZ_CHECK(!protocol::check_deflate_response_lenient(response[0], offers, lenient, omitted));
    FUZZ_CHECK(omitted.empty() && lenient == agreed);

    for (const bool server : {true, false}) {
        const auto s = protocol::deflate_settings(agreed, server);
        FUZZ_CHECK(s.send_window_bits >= 8 && s.send_window_bits <= 15);
        FUZZ_CHECK(s.receive_window_bits >= 8 && s.receive_window_bits <= 15);
    }
    return 0;
}
