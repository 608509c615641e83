// 15.6: a proxy in front of the server (the "websocket-smuggle" shape). An upgrade request
// with an invalid Sec-WebSocket-Version goes through the proxy; the backend refuses it (426).
// A proxy that looked only at the request's Upgrade header, not at the answer's status, now
// tunnels raw octets: the next request on the connection reaches the backend directly, past
// whatever the proxy checks (RFC 9110 §7.8: a protocol switch happens on a 101 only; RFC
// 6455 §4.1, §10.2).
//
// What shows the tunnel from outside: after the refusal we send a plain GET on the same
// connection and the same GET on a fresh connection (the control). Through the proxy's HTTP
// handling both answers carry the same header fields; through a tunnel the first comes from
// the backend untouched, without what the proxy adds (Via, its own headers, its own case).
// Against a server with no proxy in front both are the server's own: the case passes.
#include <algorithm>
#include <string>
#include <vector>

#include "cases/s14_handshake/heads.h"
#include "cases/s15_limits/groups.h"
#include "cases/s15_limits/handshake_verdicts.h"

namespace wsconform::cases::limits {

namespace {

using harness::HeadStatus;
using harness::HttpServerProbe;
using harness::RequestContext;
using harness::SideConnection;

// The header field names of an answer, as sent (case kept), sorted: what a proxy changes.
std::string field_names(const SideConnection& c) {
    std::vector<std::string> names;
    for (const auto& h : c.response.headers) names.push_back(h.name);
    std::sort(names.begin(), names.end());
    std::string out;
    for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
    return out.empty() ? "(none)" : out;
}

Verdict judge_tunnel(const ServerExchange& x) {
    if (x.got_status(101))
        return passed(
            "the server upgraded despite Sec-WebSocket-Version: 1337 (section 14 "
            "judges that); no refused connection to smuggle on");
    const std::string refusal = "after the refusal (the server " + server_answer(x) + ")";
    if (!x.follow_up || x.follow_up->head != HeadStatus::complete)
        return passed(refusal + " a plain request on the same connection got no answer (" +
                      std::string(harness::to_string(x.end)) + "): no tunnel");
    if (!x.control || x.control->head != HeadStatus::complete)
        return warned(refusal + " a plain request on the same connection was answered (status " +
                      std::to_string(x.follow_up->response.status) +
                      "), but the same request on a fresh connection got none: nothing to "
                      "compare it with");
    const auto tunnelled = field_names(*x.follow_up);
    const auto proxied = field_names(*x.control);
    if (tunnelled == proxied && x.follow_up->response.status == x.control->response.status)
        return passed(refusal +
                      " a plain request on the same connection was answered like the "
                      "same request on a fresh connection (status " +
                      std::to_string(x.control->response.status) +
                      ", the same header fields): plain HTTP, no sign of a tunnel");
    return failed(refusal +
                  " a plain request on the same connection was answered differently "
                  "from the same request on a fresh connection (status " +
                  std::to_string(x.follow_up->response.status) + " with " + tunnelled +
                  "; fresh: status " + std::to_string(x.control->response.status) + " with " +
                  proxied +
                  "): it went through a tunnel to the backend, past the proxy "
                  "(websocket-smuggle)");
}

// The upgrade with a version no server speaks, and the plain request that follows it.
harness::RawRequest smuggling_request(const RequestContext& c) {
    auto h = handshake::upgrade_request(c);
    h.set("Sec-WebSocket-Version", "1337");
    auto r = handshake::raw_request(h, c.key);
    r.follow_up = "GET " + c.target + " HTTP/1.1\r\nHost: " + c.host + "\r\n\r\n";
    return r;
}

}  // namespace

std::vector<harness::Case> proxy() {
    CaseRow smuggling{
        "15.6.1",
        "A refused upgrade leaves no tunnel (websocket-smuggle)",
        "An upgrade request with Sec-WebSocket-Version: 1337; after the non-101 answer, \"GET "
        "<target> HTTP/1.1\" on the same connection; then the same GET on a fresh connection, to "
        "compare the two answers' status and header field names.",
        "After a non-101 answer the connection stays HTTP (or closes): a request on it is "
        "answered like the same request on a fresh connection. An answer that differs (no proxy "
        "headers) shows a tunnel and fails.",
        {"RFC 6455 4.1", "RFC 6455 4.4", "RFC 9110 7.8"},
        "An intermediary switches protocols only on a 101: after a refused upgrade the "
        "connection carries HTTP, never a raw tunnel to the backend.",
        HttpServerProbe{.request = smuggling_request,
                        .expect_upgrade = false,
                        .judge = judge_tunnel,
                        .control_follow_up = true}};
    std::vector<CaseRow> rows;
    rows.push_back(std::move(smuggling));
    return to_cases(std::move(rows));
}

}  // namespace wsconform::cases::limits
