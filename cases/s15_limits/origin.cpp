// 15.5: which Origin values a server accepts (RFC 6455 §10.2: a server that expects browser
// clients SHOULD check Origin, else any page can open a connection with the user's cookies:
// cross-site WebSocket hijacking). One case per variant, as STEWS tries them: a foreign
// origin, "null", none, the same host on another scheme or port, suffix and prefix tricks,
// a subdomain.
//
// The variants derive from the first --allowed-origin, else from the target URL
// (ws://host:port -> http://host:port). With --allowed-origin stated, accepting a variant the
// list does not hold fails; without it every case is informational and says what was accepted.
// A request without Origin comes from a non-browser client and is informational either way.
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>

#include "cases/s14_handshake/heads.h"
#include "cases/s15_limits/groups.h"
#include "cases/s15_limits/handshake_verdicts.h"

namespace wsconform::cases::limits {

namespace {

using harness::HttpServerProbe;
using harness::RequestContext;

// An origin split at its parts: "https://example.com:8443" -> https, example.com, ":8443".
struct OriginParts {
    std::string scheme, host, port;  // port with its colon, or empty
    std::string str() const { return scheme + "://" + host + port; }
};

OriginParts split_origin(const std::string& origin) {
    OriginParts p;
    const auto sep = origin.find("://");
    p.scheme = sep == std::string::npos ? "http" : origin.substr(0, sep);
    std::string rest = sep == std::string::npos ? origin : origin.substr(sep + 3);
    const auto colon = rest.rfind(':');
    if (colon != std::string::npos && rest.find(']', colon) == std::string::npos) {
        p.port = rest.substr(colon);
        rest.resize(colon);
    }
    p.host = rest;
    return p;
}

// The origin the server presumably trusts: the first allowed one, else the target's own.
OriginParts base_origin(const RequestContext& c) {
    const auto& allowed = c.settings->allowed_origins;
    if (!allowed.empty()) return split_origin(allowed.front());
    return split_origin(std::string(c.secure ? "https://" : "http://") + c.host);
}

// How a variant derives from the trusted origin: a fixed value, no Origin at all, or the
// trusted origin with its scheme swapped, its port moved or its host wrapped in `text` and
// `suffix`.
struct Variant {
    enum class Kind { fixed, none, other_scheme, other_port, host } kind;
    const char* text = "";
    const char* suffix = "";
};

std::optional<std::string> derive(const Variant& v, OriginParts o) {
    switch (v.kind) {
        case Variant::Kind::none:
            return std::nullopt;
        case Variant::Kind::fixed:
            return v.text;
        case Variant::Kind::other_scheme:
            o.scheme = o.scheme == "https" ? "http" : "https";
            break;
        case Variant::Kind::other_port:
            o.port = o.port.empty()
                         ? ":8443"
                         : ":" + std::to_string(std::strtol(o.port.c_str() + 1, nullptr, 10) + 1);
            break;
        case Variant::Kind::host:
            o.host = v.text + o.host + v.suffix;
            break;
    }
    return o.str();
}

HttpServerProbe origin_probe(Variant variant) {
    return {.request =
                [variant](const RequestContext& c) {
                    auto h = handshake::upgrade_request(c);
                    auto origin = derive(variant, base_origin(c));
                    if (origin) h.add("Origin", *origin);
                    auto r = handshake::raw_request(h, c.key);
                    r.own_origin = true;
                    r.origin = origin;
                    if (origin && !c.settings->allowed_origins.empty())
                        r.origin_allowed =
                            harness::origin_allowed(*origin, c.settings->allowed_origins);
                    return r;
                },
            .expect_upgrade = false,
            .judge =
                [](const ServerExchange& x) {
                    const auto& r = x.request;
                    const std::string sent = r.origin ? "Origin: " + *r.origin : "no Origin header";
                    const std::string did = server_answer(x);
                    if (!r.origin_allowed) {
                        const std::string why = r.origin
                                                    ? " (no --allowed-origin stated)"
                                                    : " (not a browser request: no policy applies)";
                        return informed((x.got_status(101) ? "accepted " : "not accepted ") + sent +
                                        ": the server " + did + why);
                    }
                    if (*r.origin_allowed)
                        return passed(sent + " is allowed by --allowed-origin; the server " + did);
                    if (x.got_status(101))
                        return failed("accepted " + sent +
                                      ", which --allowed-origin does not allow: "
                                      "any page served from there can open this endpoint "
                                      "(cross-site WebSocket hijacking)");
                    return passed("refused " + sent + ": the server " + did);
                }};
}

struct OriginRow {
    const char* id;
    const char* title;
    const char* sent;  // the description's words for the Origin sent
    Variant variant;
};

using Kind = Variant::Kind;
const OriginRow kRows[] = {
    {"15.5.1",
     "A foreign origin",
     "Origin: https://wsconform-attacker.example",
     {Kind::fixed, "https://wsconform-attacker.example"}},
    {"15.5.2",
     "Origin null",
     "Origin: null (a sandboxed iframe, a file: page, a redirect)",
     {Kind::fixed, "null"}},
    {"15.5.3",
     "No Origin header",
     "no Origin header (what a non-browser client sends)",
     {Kind::none}},
    {"15.5.4",
     "The same host on the other scheme",
     "the trusted origin with http and https swapped",
     {Kind::other_scheme}},
    {"15.5.5",
     "The same host on another port",
     "the trusted origin with port 1 higher (or :8443)",
     {Kind::other_port}},
    {"15.5.6",
     "A name that ends with the trusted host",
     "the trusted host prefixed: evil-HOST",
     {Kind::host, "evil-"}},
    {"15.5.7",
     "A name that starts with the trusted host",
     "the trusted host followed by another domain: HOST.evil.net",
     {Kind::host, "", ".evil.net"}},
    {"15.5.8",
     "A subdomain of the trusted host",
     "a subdomain: wsconform.HOST",
     {Kind::host, "wsconform."}},
};

}  // namespace

std::vector<harness::Case> origin() {
    std::vector<CaseRow> rows;
    for (const auto& row : kRows)
        rows.push_back({row.id,
                        row.title,
                        std::string("The canonical upgrade request with ") + row.sent +
                            ". The trusted origin is the first --allowed-origin, else the "
                            "target's own (ws://host:port -> http://host:port).",
                        "With --allowed-origin: an origin outside the list is refused (403 or "
                        "another 4xx); accepting it fails. Without: informational, saying "
                        "whether it was accepted.",
                        {"RFC 6455 10.2", "RFC 6455 4.2.2", "RFC 6454 7"},
                        "A server that expects browser clients checks Origin and refuses origins "
                        "it does not trust (RFC 6455 10.2, 4.2.2 item 4).",
                        origin_probe(row.variant)});
    return to_cases(std::move(rows));
}

}  // namespace wsconform::cases::limits
