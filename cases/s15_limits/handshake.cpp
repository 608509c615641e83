// 15.4: the opening handshake as an attacker shapes it (RFC 6455 §10.4: an endpoint MUST
// protect itself against resource exhaustion; RFC 9112 §2-§5). Testing a server: many header
// lines, a 1 MiB header line, the CVE-2024-37890 shape, slowloris, and a header whose parsing
// time rises faster than its length (ws CVE-2021-32640, faye CVE-2020-7662/7663). Testing a
// client: a 101 with many header lines, and one with a 1 MiB line.
//
// A crash (the server no longer accepts connections afterwards) or a hang fails; a limit that
// is missing or very high is a warning naming the figure; a refusal or a dropped connection
// passes. Every probe is bounded: the octets are fixed below, the connections and waits by
// SecuritySettings and the harness's timeouts.
#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>

#include "cases/s14_handshake/heads.h"
#include "cases/s15_limits/groups.h"
#include "cases/s15_limits/handshake_verdicts.h"

namespace wsconform::cases::limits {

namespace {

using handshake::Head;
using harness::ClientHistory;
using harness::ClientRequest;
using harness::HttpClientProbe;
using harness::HttpEnd;
using harness::HttpServerProbe;
using harness::RawRequest;
using harness::RawResponse;
using harness::RequestContext;

constexpr std::size_t kManyLines = 10'000;   // 15.4.1: "X-Many-00001: 1" ...
constexpr std::size_t kHugeLine = 1u << 20;  // 15.4.2: one header value of 1 MiB
constexpr std::size_t kFillerLines = 2'100;  // 15.4.3: past node's maxHeadersCount (2,000)
constexpr std::size_t kClientLines = 2'100;  // 15.4.7
// 15.4.5/6: the spaces in "b<spaces>x", each size 4 times the one before (all under 16 KiB,
// the most common head limit, so the header reaches the parser).
constexpr std::array<std::size_t, 3> kTimedSizes{800, 3'200, 12'800};
// Below this the largest size's median is loopback noise, whatever the ratio.
constexpr std::int64_t kTimingFloorUs = 50'000;

std::string many_lines(std::size_t n) {
    std::string out;
    char line[32];
    for (std::size_t i = 1; i <= n; ++i) {
        std::snprintf(line, sizeof line, "X-Many-%05zu: 1\r\n", i);
        out += line;
    }
    return out;
}

// The canonical request with `extra` header lines ("Name: value\r\n"...) after its own.
RawRequest with_lines_after(const RequestContext& c, const std::string& extra) {
    auto r = handshake::raw_request(handshake::upgrade_request(c), c.key);
    r.head.insert(r.head.size() - 2, extra);
    return r;
}

// A request with a head beyond common limits: refused or dropped passes; an upgrade passes,
// or with `upgrade_warns` is a warning naming `what`; a crash or no answer at all fails.
HttpServerProbe bounded_head(std::function<RawRequest(const RequestContext&)> request,
                             std::string what, bool upgrade_warns = true) {
    return {.request = std::move(request),
            .expect_upgrade = false,
            .judge =
                [what, upgrade_warns](const ServerExchange& x) {
                    if (auto v = crashed(x)) return *v;
                    const auto sent = counted(x.request.head.size(), "octet");
                    if (x.got_status(101) && upgrade_warns)
                        return warned("the server upgraded a request with " + what + " (" + sent +
                                      "): no limit below that");
                    if (x.head == harness::HeadStatus::complete || x.end == HttpEnd::peer_closed ||
                        x.end == HttpEnd::peer_reset)
                        return passed("the server " + server_answer(x) + " (we sent " + what +
                                      ", " + sent + ")");
                    return failed("the server neither answered nor closed the connection (" +
                                  server_answer(x) + ") after " + what + " (" + sent + ")");
                },
            .check_alive = true};
}

// "medians 0.3 ms / 0.4 ms / 0.6 ms for 800 / 3,200 / 12,800 spaces"
std::string medians_text(const ServerExchange& x) {
    std::string times, sizes;
    for (const auto& t : x.timings) {
        times += (times.empty() ? "" : " / ") + duration_text(t.median_us);
        sizes += (sizes.empty() ? "" : " / ") + counted(t.size, "");
    }
    return "medians " + times + " for " + sizes + " spaces";
}

// Three sizes of one header, each timed `repeats` times: a super-linear rise fails.
HttpServerProbe timed_header(std::string name) {
    return {.request = {},
            .expect_upgrade = false,
            .judge =
                [](const ServerExchange& x) {
                    if (auto v = crashed(x)) return *v;
                    if (x.timings.size() != kTimedSizes.size())
                        return failed("the timing probe did not finish (" + x.error + ")");
                    const auto middle = std::max<std::int64_t>(x.timings[1].median_us, 1);
                    const auto large = x.timings[2].median_us;
                    const double rise = static_cast<double>(large) / static_cast<double>(middle);
                    const double limit = harness::security_settings().redos_ratio;
                    char ratio[64];
                    std::snprintf(ratio, sizeof ratio, "%.1f", rise);
                    const std::string seen =
                        medians_text(x) + ": a 4x longer header took " + ratio + "x as long";
                    if (large >= kTimingFloorUs && rise >= limit)
                        return failed(seen + ", at or past --redos-ratio " +
                                      std::to_string(static_cast<int>(limit)) +
                                      ": parsing time rises super-linearly with the length");
                    return passed(seen);
                },
            .check_alive = true,
            .timed_request =
                [name](const RequestContext& c, std::size_t size) {
                    Head h = handshake::upgrade_request(c);
                    h.add(name, "b" + std::string(size, ' ') + "x");
                    return handshake::raw_request(h, c.key);
                },
            .timed_sizes = kTimedSizes,
            .repeats = 3};
}

// Testing a client: a valid 101 carrying `extra` header lines. Opening or failing both pass;
// `opening_warns`: opening is a warning naming what it took.
HttpClientProbe heavy_answer(std::string id, std::string extra, std::string what,
                             bool opening_warns) {
    return {.respond =
                [id, extra](const ClientRequest& r) {
                    RawResponse out;
                    out.head = handshake::upgrade_response(r).str();
                    out.head.insert(out.head.size() - 2, extra);
                    out.texts = {handshake::greeting(id)};
                    return out;
                },
            .judge =
                [what, opening_warns](const ClientExchange& x, const ClientHistory&) {
                    if (!x.messages.empty())
                        return opening_warns ? warned("the client opened after a 101 with " + what +
                                                      ": no limit below that")
                                             : passed(
                                                   "the client opened and echoed after a 101 "
                                                   "with " +
                                                   what);
                    if (x.end == HttpEnd::peer_closed || x.end == HttpEnd::peer_reset)
                        return passed("the client failed the connection after a 101 with " + what);
                    return failed(
                        "the client neither echoed nor closed the connection after a 101 "
                        "with " +
                        what + " (" + harness::to_string(x.end) + ")");
                }};
}

// 15.4.4: every slow connection closed by the server within the deadline, and the fresh
// handshake answered meanwhile.
Verdict judge_slowloris(const ServerExchange& x) {
    const auto deadline_us = harness::security_settings().slowloris_deadline.count() * 1000;
    std::size_t open = 0;
    std::int64_t last_ms = 0;
    std::uint64_t octets = 0;
    for (const auto& s : x.slow) {
        octets = std::max(octets, s.bytes_written);
        if (s.connected && s.closed_ms < 0 && s.head != harness::HeadStatus::complete) ++open;
        last_ms = std::max(last_ms, s.closed_ms);
    }
    const auto k = counted(x.slow.size(), "slow connection");
    if (!x.during || x.during->head != harness::HeadStatus::complete) {
        const std::string seen = !x.during
                                     ? "not sent"
                                     : std::string(harness::to_string(x.during->head)) +
                                           (x.during->error.empty() ? "" : ", " + x.during->error);
        return failed("while " + k + " were open, a fresh handshake got no answer (" + seen +
                      "): slow clients keep others out");
    }
    const auto during =
        "a fresh handshake meanwhile got status " + std::to_string(x.during->response.status);
    if (open > 0)
        return warned(std::to_string(open) + " of " + k + " were still open after " +
                      duration_text(deadline_us) + " (" + counted(octets, "octet") +
                      " sent on each, one per second): no handshake deadline below that; " +
                      during);
    return passed("the server closed all " + k + ", the last after " +
                  duration_text(last_ms * 1000) + "; " + during);
}

// 15.4.4: the canonical request, sent slowly by the harness on many connections.
HttpServerProbe slowloris_probe() {
    HttpServerProbe probe;
    probe.request = [](const RequestContext& c) {
        return handshake::raw_request(handshake::upgrade_request(c), c.key);
    };
    probe.expect_upgrade = false;
    probe.judge = judge_slowloris;
    probe.slowloris = true;
    return probe;
}

// 15.4.3: Host, 2,100 filler lines, then the upgrade headers.
RawRequest filler_first(const RequestContext& c) {
    Head h("GET " + c.target + " HTTP/1.1");
    h.add("Host", c.host);
    for (std::size_t i = 0; i < kFillerLines; ++i) h.raw("a: b");
    h.add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Key", c.key)
        .add("Sec-WebSocket-Version", "13");
    return handshake::raw_request(h, c.key);
}

const std::string kServerExpect =
    "The server refuses (4xx) or closes the connection, and still accepts new connections "
    "afterwards. Upgrading is a warning naming the size it took; a crash or no answer fails.";
const std::string kClientExpect =
    "The client opens and echoes, or fails the connection: either way it stays bounded. Keeping "
    "the connection without either fails.";
const std::string kTimedExpect =
    "A 4x longer header takes less than --redos-ratio (8) times as long (or under 50 ms at the "
    "largest size); the server stays up.";
const std::string kHugeHeader = "X-Huge: " + std::string(kHugeLine, 'h') + "\r\n";

}  // namespace

std::vector<harness::Case> handshake() {
    std::vector<CaseRow> rows;
    rows.push_back(
        {"15.4.1",
         "10,000 header lines",
         "The canonical upgrade request followed by 10,000 header lines "
         "\"X-Many-00001: 1\" ... (about 170 KB), in one write; then a fresh "
         "handshake checks the server is still up.",
         kServerExpect,
         {"RFC 6455 10.4", "RFC 9112 5"},
         "a server bounds how many header lines it reads.",
         bounded_head(
             [](const RequestContext& c) { return with_lines_after(c, many_lines(kManyLines)); },
             counted(kManyLines, "header line"))});
    rows.push_back(
        {"15.4.2",
         "A 1 MiB header line",
         "The canonical upgrade request with one more header, \"X-Huge: \" and "
         "1,048,576 octets 'h'; then a fresh handshake.",
         kServerExpect,
         {"RFC 6455 10.4", "RFC 9112 5"},
         "a server bounds the length of a header line.",
         bounded_head([](const RequestContext& c) { return with_lines_after(c, kHugeHeader); },
                      "a 1 MiB header line")});
    rows.push_back(
        {"15.4.3",
         "2,100 filler headers before the upgrade headers (CVE-2024-37890)",
         "GET with Host, then 2,100 header lines \"a: b\" (12.6 KB, under a 16 KiB "
         "head limit), then Upgrade, Connection, Sec-WebSocket-Key and -Version; then "
         "a fresh handshake. Node's HTTP parser keeps the first 2,000 headers only, "
         "and node ws before 8.17.1 then crashed reading the missing key.",
         "The server answers (an error or 101, both fine) and still accepts "
         "connections; a crash fails.",
         {"RFC 6455 10.4", "RFC 6455 4.2.1"},
         "a request missing its upgrade headers (dropped past a header-count limit) "
         "is refused, never a crash (node ws CVE-2024-37890).",
         bounded_head(filler_first,
                      counted(kFillerLines, "filler header") + " before the upgrade headers",
                      false)});
    rows.push_back({"15.4.4",
                    "Slowloris: slow connections, one octet per second",
                    "--slowloris-connections connections (8) each send an upgrade request one "
                    "octet per second and never finish it; a fresh handshake goes out meanwhile; "
                    "up to --slowloris-deadline (30 s).",
                    "The server closes every slow connection within the deadline and answers the "
                    "fresh handshake. A slow connection still open at the deadline is a warning "
                    "naming it; no answer to the fresh handshake fails.",
                    {"RFC 6455 10.4"},
                    "a server bounds the time a handshake may take, and slow clients do not keep "
                    "others out.",
                    slowloris_probe()});
    rows.push_back({"15.4.5",
                    "Sec-WebSocket-Protocol: parsing time against length",
                    "Upgrade requests with \"Sec-WebSocket-Protocol: b<spaces>x\", 800, 3,200 "
                    "and 12,800 spaces, each sent 3 times (interleaved, one connection each); the "
                    "time to an answer, median per size; then a fresh handshake.",
                    kTimedExpect,
                    {"RFC 6455 10.4", "RFC 6455 4.1"},
                    "parsing a header costs time linear in its length (ws CVE-2021-32640).",
                    timed_header("Sec-WebSocket-Protocol")});
    rows.push_back({"15.4.6",
                    "Sec-WebSocket-Extensions: parsing time against length",
                    "As 15.4.5 with \"Sec-WebSocket-Extensions: b<spaces>x\".",
                    kTimedExpect,
                    {"RFC 6455 10.4", "RFC 6455 9.1"},
                    "parsing a header costs time linear in its length (faye-websocket "
                    "CVE-2020-7662/7663).",
                    timed_header("Sec-WebSocket-Extensions")});
    rows.push_back({"15.4.7",
                    "A 101 with 2,100 header lines (testing a client)",
                    "Our 101 carries 2,100 extra header lines \"X-Many-00001: 1\" ...; then a "
                    "text message.",
                    kClientExpect,
                    {"RFC 6455 10.4", "RFC 6455 4.1"},
                    "a client bounds the response head it reads.",
                    heavy_answer("15.4.7", many_lines(kClientLines),
                                 counted(kClientLines, "header line"), false)});
    rows.push_back({"15.4.8",
                    "A 101 with a 1 MiB header line (testing a client)",
                    "Our 101 carries one more header, \"X-Huge: \" and 1,048,576 octets 'h'; "
                    "then a text message.",
                    "The client fails the connection; opening is a warning naming the size; "
                    "keeping the connection without either fails.",
                    {"RFC 6455 10.4", "RFC 6455 4.1"},
                    "a client bounds the length of a header line.",
                    heavy_answer("15.4.8", kHugeHeader, "a 1 MiB header line", true)});

    for (auto& row : rows)
        row.requirement =
            "RFC 6455 10.4: an endpoint must protect itself against resource "
            "exhaustion; " +
            row.requirement;
    auto cases = to_cases(std::move(rows));
    // Each can down a vulnerable peer, and the timed ones must not share it with other cases:
    // they run alone, and the peer must still be up after each (harness/model/limits.h).
    for (auto& c : cases) c.can_crash_peer = true;
    return cases;
}

}  // namespace wsconform::cases::limits
