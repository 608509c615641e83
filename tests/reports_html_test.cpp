// The HTML views: index.html (matrix, sections with pass counts, symbols + close codes,
// links, filters), the per-case pages and the typed record they render from, escaping of
// hostile text, no network references, byte-identical output, Autobahn's own schema, and
// compare.html.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/case.h"
#include "harness/model/judge.h"
#include "harness/model/result.h"
#include "reports/assets/assets.h"
#include "reports/autobahn_json.h"
#include "reports/baseline.h"
#include "reports/case_detail.h"
#include "reports/compare_matrix.h"
#include "reports/html.h"
#include "reports/report_dir.h"
#include "reports/views.h"
#include "tests/support/report_fixtures.h"

namespace wsconform::reports {
namespace {

using namespace test_support;  // fs, Behavior, Outcome, TempDir, the fixtures

std::size_t count_of(const std::string& haystack, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = haystack.find(needle); at != std::string::npos;
         at = haystack.find(needle, at + needle.size()))
        ++n;
    return n;
}

constexpr const char* kHostileAgent = "Bad<script>alert(1)</script>";
constexpr const char* kHostilePayload = "<script>evil()</script>&\"'";

harness::Case make_case(std::string id, std::string title, std::string requirement = {}) {
    harness::Case c = report_case(std::move(id), std::move(title), std::move(requirement));
    c.description = "Sends something.";
    c.expectation = "The peer answers.";
    c.rfc = {"RFC 6455 5.5"};
    return c;
}

// A ping answered by a pong, then a close; a failure received a hostile pong instead.
harness::CaseResult make_result(const harness::Case& c, std::string agent, Outcome outcome,
                                std::uint16_t close_code = 1000) {
    harness::CaseResult r = report_result(c, std::move(agent), outcome);
    r.http_request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n";
    r.http_response = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
    r.observation.remote_close_code = close_code;
    r.observation.expected = {{Behavior::ok, {harness::pong("ping!")}}};
    r.observation.received = {harness::pong("ping!")};
    r.observation.tx_frames = {{9, 1}, {8, 1}};
    r.observation.rx_frames = {{10, 1}, {8, 1}};
    r.verdict.result = "Actual events match at least one expected.";
    r.verdict.result_close = "Connection was properly closed";
    r.verdict.outcome_reason = "both columns OK";
    if (outcome == Outcome::fail) {
        r.observation.received = {harness::pong(kHostilePayload)};
        r.verdict.result = "Actual events differ from any expected.";
        r.verdict.outcome_reason = "behavior FAILED";
    }
    harness::WireRow rf;
    rf.kind = "RF";
    rf.t_us = 1500;  // 1.500 ms
    rf.length = 2;
    rf.excerpt = std::string("\x03\xea", 2);  // close 1002
    rf.opcode = 8;
    rf.fin = true;
    harness::WireRow ro;
    ro.kind = "RO";
    ro.t_us = 1400;
    ro.length = 4;
    ro.excerpt = std::string("\x88\x02\x03\xea", 4);
    r.wirelog.add(ro);
    r.wirelog.add(rf);
    return r;
}

// A folder with two agents: "Good" passes everything; the hostile agent fails 2.5.
struct Fixture {
    TempDir tmp;
    std::vector<harness::Case> cases;
    Fixture() {
        cases.push_back(make_case("1.1.1", "Text message of 0 octets"));
        cases.push_back(make_case("2.5", "Ping with a 126-octet payload",
                                  "Control frames carry at most 125 payload octets."));
        cases.push_back(make_case("6.4.1", "Fail fast <b>bold</b> on invalid UTF-8"));
        cases.push_back(make_case("7.13.1", "Close code 5000"));
        ReportDir dir(tmp.path());
        dir.add(make_result(cases[0], "Good", Outcome::pass));
        dir.add(make_result(cases[1], "Good", Outcome::pass, 1002));
        dir.add(make_result(cases[2], "Good", Outcome::pass));
        dir.add(make_result(cases[3], "Good", Outcome::informational));
        dir.add(make_result(cases[0], kHostileAgent, Outcome::pass));
        dir.add(make_result(cases[1], kHostileAgent, Outcome::fail, 1002));
        dir.add(make_result(cases[2], kHostileAgent, Outcome::non_strict));
        // 7.13.1 missing for the hostile agent.
    }
    const fs::path& dir() const { return tmp.path(); }
    // Writes the views with `titles` and reads back one of them.
    std::string render(const std::string& file,
                       const harness::SectionTitles& titles = report_titles()) const {
        write_views(dir(), titles);
        return read_text(dir() / file);
    }
};

std::map<std::string, std::string> folder_contents(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
        files[e.path().filename().string()] = read_text(e.path());
    return files;
}

// No network and no external asset: nothing that loads.
void expect_self_contained(const std::string& html, const std::string& what) {
    expect_lacks(html, {"http://", "https://", "src=", "url(", "@import", "<link"}, what);
    expect_contains(html, {"Content-Security-Policy"}, what);
    EXPECT_TRUE(html.starts_with("<!DOCTYPE html>")) << what;
    EXPECT_TRUE(html.ends_with("</html>\n")) << what;
}

TEST(Sections, FromTheId) {
    EXPECT_EQ(section_of("6.4.1"), "6");
    EXPECT_EQ(subsection_of("6.4.1"), "6.4");
    EXPECT_EQ(subsection_of("2.5"), "");
}

// reports/ holds no heading: every view takes the ones it is given.
TEST(Sections, HeadingsAreTheOnesGiven) {
    const harness::SectionTitles given({{"2", "Pings"}, {"6.4", "Fail fast"}});
    EXPECT_EQ(given.section("2"), "2 Pings");
    EXPECT_EQ(given.section("99"), "Section 99");
    EXPECT_EQ(given.subsection("6.4"), "6.4 Fail fast");
    EXPECT_EQ(given.subsection("99.1"), "99.1");

    Fixture f;
    expect_contains(
        f.render("index.html", given),
        {"<span class=\"sname\">2 Pings</span>", "<span class=\"sname\">Section 1</span>",
         "<th colspan=\"2\">6.4 Fail fast</th>", "<option value=\"6\">Section 6</option>"});
    expect_contains(read_text(f.dir() / "good_case_6_4_1.html"),
                    {"<dt>Section</dt><dd>Section 6 / 6.4 Fail fast</dd>"});
    expect_contains(read_text(f.dir() / "junit.xml"), {"<testsuite name=\"Good.2 Pings\""});
    for (const auto& [name, text] : folder_contents(f.dir()))
        expect_lacks(text, {"Pings/Pongs"}, name);
}

TEST(Escape, HostileText) {
    const std::pair<std::string, std::string> rows[] = {
        {"<a href=\"x\">'&'</a>", "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"},
        {std::string("a\x01"
                     "b\x7f",
                     4),
         "a\\x01b\\x7f"},
        {"\xff", "\xEF\xBF\xBD"},         // not UTF-8: U+FFFD
        {"x\xE2\x80\xAEy", "x\\u202ey"},  // RIGHT-TO-LEFT OVERRIDE
        {"x\xC2\x85y", "x\\u0085y"},      // a C1 control (NEXT LINE)
        {"tab\tnl\n", "tab\tnl\n"},
        {"é€😀\xEF\xBF\xBE", "é€😀\xEF\xBF\xBE"},  // kept as they are
    };
    for (const auto& [raw, html] : rows) EXPECT_EQ(html_escape(raw), html) << raw;
}

// The CSS and JS are files of their own, compiled in as they are and inlined in the pages.
TEST(Assets, EmbeddedAsTheFilesAreAndInlined) {
    const fs::path assets = fs::path(WSCONFORM_SOURCE_DIR) / "reports" / "assets";
    EXPECT_EQ(assets::report_css(), read_text(assets / "report.css"));
    EXPECT_EQ(assets::filters_js(), read_text(assets / "filters.js"));
    EXPECT_GT(assets::report_css().size(), 1000u);
    Fixture f;
    const std::string style = "<style>\n" + std::string(assets::report_css()) + "</style>\n";
    const std::string script = "<script>\n" + std::string(assets::filters_js()) + "</script>\n";
    expect_contains(f.render("index.html"), {style, script});
}

TEST(IndexPage, MatrixRowsCountsSymbolsCodesAndLinks) {
    Fixture f;
    const std::string html = f.render("index.html");
    expect_self_contained(html, "index.html");

    // One row per case, linked by ID.
    for (const char* id : {"1.1.1", "2.5", "6.4.1", "7.13.1"})
        expect_contains(html, {"<tr id=\"c-" + std::string(id) + "\""});
    EXPECT_EQ(count_of(html, "<tr id=\"c-"), 4u);
    const std::string bad_page = case_report_file(kHostileAgent, "2.5", "html");
    EXPECT_EQ(bad_page, "bad_script_alert_1___script_case_2_5.html");
    expect_contains(html, {
                              // Sections fold, with their headings.
                              "<details class=\"section\" id=\"s-2\"",
                              "2 Pings/Pongs",
                              "6.4 Fail-fast on invalid UTF-8",
                              // Pass counts per agent in the section summary: the hostile
                              // agent failed 2.5.
                              "Good ✔ 1/1</span>",
                              "✘ 0/1 (1 failed)</span>",
                              // A symbol and the close code in each cell, linked to the page.
                              "<a href=\"" + bad_page + "\"",
                              ">✘ 1002</a>",
                              ">✔ 1002</a>",
                              ">~ 1000</a>",
                              ">ℹ 1000</a>",
                              "– not run",  // 7.13.1 for the hostile agent
                                            // The overall verdict.
                              "✘ Fail: 1 of 7 results failed",
                              // Filter data: the failing row carries "fail", the all-pass row
                              // only "pass".
                              "<tr id=\"c-2.5\" data-s=\"2\" data-v=\"pass fail\"",
                              "<tr id=\"c-1.1.1\" data-s=\"1\" data-v=\"pass\"",
                              "data-v=\"informational missing\"",
                              "<select id=\"f-verdict\">",
                              "<option value=\"6\">6 UTF-8 Handling</option>",
                          });
}

TEST(IndexPage, EscapesHostileAgentAndTitle) {
    Fixture f;
    const std::string html = f.render("index.html");
    expect_lacks(html, {"alert(1)</script>", "<b>bold</b>"});
    expect_contains(html, {"Bad&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;"});
    EXPECT_EQ(count_of(html, "<script"), 1u);  // ours, the filter script
}

TEST(CasePage, ExpectedActualCloseHandshakeAndWireLog) {
    Fixture f;
    const std::string page = f.render(case_report_file(kHostileAgent, "2.5", "html"));
    expect_self_contained(page, "case page");
    EXPECT_EQ(count_of(page, "<script"), 0u);
    expect_lacks(page, {"<script>evil()"});
    expect_contains(page, {
                              "&lt;script&gt;evil()&lt;/script&gt;&amp;&quot;&#39;",
                              "✘ Fail",
                              "behavior FAILED",
                              "Control frames carry at most 125 payload octets.",
                              "RFC 6455 5.5",
                              "2 Pings/Pongs",
                              // Expected vs observed.
                              "Expected vs observed",
                              "<strong>OK</strong>: <ol><li>pong <code>ping!</code>",
                              "Actual events differ from any expected.",
                              // The close handshake and the opening handshake.
                              "<tr><th>Peer&#39;s close code</th><td>1002</td></tr>",
                              "<tr><th>Clean</th><td>yes</td></tr>",
                              "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001",
                              "HTTP/1.1 101 Switching Protocols",
                              // The wire log: times from wirelogTimesUs, a hex dump, a decoded
                              // close frame.
                              "<td class=\"t\">1.400</td>",
                              "<td class=\"t\">1.500</td>",
                              "0000  88 02 03 ea",
                              "frame received: close FIN, 2 B, unmasked; code 1002",
                              // Back to the matrix.
                              "<a href=\"index.html#c-2.5\">",
                          });
}

// The one command that runs a case again: the URL from the opening request, a request line
// and Host over HTTP/1.1, :authority and :path (and --http2) over HTTP/2.
TEST(CasePage, RunItAgainOverHttp11AndHttp2) {
    TempDir tmp;
    const auto c = make_case("1.1.1", "Text message of 0 octets");
    auto over_h2 = make_result(c, "H2", Outcome::pass);
    over_h2.http_request =
        ":method: CONNECT\r\n:protocol: websocket\r\n:scheme: http\r\n:path: /chat?x=1\r\n"
        ":authority: 127.0.0.1:9002\r\nsec-websocket-version: 13\r\n";
    {
        ReportDir dir(tmp.path());
        dir.add(make_result(c, "H1", Outcome::pass));
        dir.add(std::move(over_h2));
    }
    write_views(tmp.path(), report_titles());
    expect_contains(read_text(tmp.path() / case_report_file("H1", "1.1.1", "html")),
                    {"wsconform test-server ws://127.0.0.1:9001/ --cases 1.1.1 --agent H1"});
    expect_contains(read_text(tmp.path() / case_report_file("H2", "1.1.1", "html")),
                    {"wsconform test-server &#39;ws://127.0.0.1:9002/chat?x=1&#39; --cases 1.1.1 "
                     "--http2 --agent H2"});
}

// A case judged by a rule of its own (no event script: 9.x, 12.x, 17.x) says so where the
// scripted events would stand, rather than leaving the cell empty.
TEST(CasePage, ACaseWithoutAnEventScriptPointsToItsExpectation) {
    TempDir tmp;
    const auto c = make_case("17.1.2", "Extended CONNECT opens a WebSocket");
    auto r = make_result(c, "H2", Outcome::pass);
    r.observation.expected.clear();
    r.observation.expected_close_judged = false;
    const auto scripted_case = make_case("1.1.1", "Text message of 0 octets");
    auto scripted = make_result(scripted_case, "H2", Outcome::pass);
    {
        ReportDir dir(tmp.path());
        dir.add(std::move(r));
        dir.add(std::move(scripted));
    }
    write_views(tmp.path(), report_titles());
    const auto page = read_text(tmp.path() / case_report_file("H2", "17.1.2", "html"));
    expect_contains(page,
                    {"<tr><th>Messages and pongs</th><td><span class=\"muted\">no event script: "
                     "the case's own rule judges it",
                     "<tr><th>Close</th><td><span class=\"muted\">no close expectation: the "
                     "case's own rule judges how it ended"});
    expect_lacks(page, {"wsconform starts the closing handshake"});
    // The key is written only where it is false: Autobahn's own cases keep their 39 keys.
    const auto json_of = [&](const char* id) {
        return read_text(tmp.path() / case_report_file("H2", id, "json"));
    };
    EXPECT_NE(json_of("17.1.2").find("\"expectedCloseJudged\": false"), std::string::npos);
    EXPECT_EQ(json_of("1.1.1").find("expectedCloseJudged"), std::string::npos);
}

// ---- The typed record a case page renders from.

TEST(CaseDetail, EveryFieldThePageShows) {
    const auto doc = nlohmann::json::parse(R"({
        "isServer": false, "requirement": "R", "rfc": ["6455 5.5", "6455 7.4"], "level": "must",
        "started": "2026-01-01T00:00:00.000Z", "harnessError": null,
        "expected": {"NON-STRICT": [], "OK": [["message", "hi", true], ["pong", "p"]]},
        "received": [["timeout", "t"], 42],
        "expectedClose": {"closeCode": [1000, 1002], "closedByMe": true, "requireClean": false},
        "closedByMe": true, "wasClean": false, "wasNotCleanReason": "peer dropped",
        "localCloseCode": 1000, "remoteCloseCode": null, "remoteCloseReason": null,
        "rxFrameStats": {"10": 1, "8": 2, "1": 3},
        "trafficStats": {"incomingOctetsWireLevel": 7},
        "wirelog": [["TF", [5, "Hello"], 1, true, 0, "0a0b0c0d", null, null, false],
                    ["RO", [2, "8800"]], ["CT", 1, "t"], ["KL", 0.5], ["WLM", false],
                    ["NOTE", "n"], 7],
        "wirelogTimesUs": [1, 2, 3, 4, 5, 6, 7], "wirelogDroppedRows": 3
    })");
    const CaseDetail d = read_case_detail(&doc);
    EXPECT_TRUE(d.recorded);
    EXPECT_EQ(d.is_server, false);
    EXPECT_EQ(d.rfc, (std::vector<std::string>{"6455 5.5", "6455 7.4"}));
    EXPECT_EQ(d.harness_error, "");
    // Autobahn's order: OK before NON-STRICT.
    ASSERT_TRUE(d.expected);
    ASSERT_EQ(d.expected->size(), 2u);
    EXPECT_EQ((*d.expected)[0].first, "OK");
    ASSERT_TRUE((*d.expected)[0].second);
    const auto& ok = *(*d.expected)[0].second;
    ASSERT_EQ(ok.size(), 2u);
    EXPECT_EQ(ok[0].kind, "message");
    EXPECT_TRUE(ok[0].binary);
    EXPECT_EQ(ok[1].text, "p");
    ASSERT_TRUE(d.received);
    EXPECT_EQ((*d.received)[1].kind, std::nullopt);  // not [kind, ...]: its JSON
    EXPECT_EQ((*d.received)[1].text, "42");
    ASSERT_TRUE(d.expected_close);
    EXPECT_EQ(d.expected_close->codes, (std::vector<std::string>{"1000", "1002"}));
    EXPECT_TRUE(d.expected_close->closed_by_me);
    EXPECT_EQ(d.closed_by_me, true);
    EXPECT_EQ(d.failed_by_me, std::nullopt);  // not in the file: "?" on the page
    EXPECT_EQ(d.was_clean, false);
    EXPECT_EQ(d.local_close_code, "1000");
    EXPECT_EQ(d.remote_close_code, std::nullopt);
    EXPECT_EQ(d.close_frames_received, 2);
    // Statistics in numeric key order, opcodes named.
    ASSERT_EQ(d.stats.size(), 1u);
    ASSERT_EQ(d.stats[0].rows.size(), 3u);
    EXPECT_EQ(d.stats[0].rows[0].key, "1");
    EXPECT_EQ(d.stats[0].rows[2].opcode, 10);
    ASSERT_TRUE(d.traffic);
    EXPECT_EQ(d.traffic->front().second, "7");
    // The wire log, row by row.
    ASSERT_EQ(d.wirelog.size(), 7u);
    EXPECT_TRUE(d.wirelog_timed);
    EXPECT_EQ(d.wirelog_dropped_rows, "3");
    const WireEntry& tf = d.wirelog[0];
    EXPECT_EQ(tf.kind, "TF");
    EXPECT_EQ(tf.length, "5");
    EXPECT_EQ(tf.data, "Hello");
    EXPECT_EQ(tf.opcode, 1);
    EXPECT_TRUE(tf.fin);
    EXPECT_EQ(tf.mask, "0a0b0c0d");
    EXPECT_EQ(tf.time_us, 1);
    EXPECT_EQ(d.wirelog[1].data, "8800");
    EXPECT_EQ(d.wirelog[2].delay, "1");
    EXPECT_EQ(d.wirelog[2].tag, "t");
    EXPECT_EQ(d.wirelog[3].delay, "0.5");
    EXPECT_FALSE(d.wirelog[4].enabled);
    EXPECT_EQ(d.wirelog[5].data, "n");
    EXPECT_EQ(d.wirelog[6].kind, std::nullopt);
    EXPECT_EQ(d.wirelog[6].raw, "7");
}

TEST(CaseDetail, StandInsWhenThereIsNoFileOrAFieldIsOdd) {
    const CaseDetail none = read_case_detail(nullptr);
    EXPECT_FALSE(none.recorded);
    EXPECT_FALSE(none.expected);
    EXPECT_FALSE(none.received);
    EXPECT_FALSE(none.close_frames_received);
    EXPECT_TRUE(none.wirelog.empty());

    const auto doc = nlohmann::json::parse(R"({
        "isServer": "yes", "expected": [], "received": {}, "closedByMe": 1, "rfc": "6455",
        "localCloseCode": "x", "rxFrameStats": {}, "wirelog": [["RF", [1], "8"]],
        "wirelogTimesUs": [1, 2]
    })");
    const CaseDetail d = read_case_detail(&doc);
    EXPECT_EQ(d.is_server, std::nullopt);
    EXPECT_FALSE(d.expected);
    EXPECT_FALSE(d.received);
    EXPECT_EQ(d.closed_by_me, std::nullopt);
    EXPECT_TRUE(d.rfc.empty());
    EXPECT_EQ(d.local_close_code, "x");
    EXPECT_EQ(d.close_frames_received, 0);  // statistics, and no close frame among them
    EXPECT_TRUE(d.stats.empty());
    ASSERT_EQ(d.wirelog.size(), 1u);
    EXPECT_FALSE(d.wirelog_timed);  // a time for some rows only
    EXPECT_EQ(d.wirelog[0].length, "");
    EXPECT_EQ(d.wirelog[0].opcode, std::nullopt);
    EXPECT_EQ(d.wirelog[0].opcode_text, "8");
}

// ---- The folder's views.

TEST(WriteViews, TwiceGivesTheSameBytes) {
    Fixture f;
    f.render("index.html");
    const auto first = folder_contents(f.dir());
    f.render("index.html");
    EXPECT_EQ(first, folder_contents(f.dir()));
    for (const char* file : {"index.html", "junit.xml", "good_case_7_13_1.html"})
        EXPECT_TRUE(first.count(file)) << file;
    std::size_t pages = 0;
    for (const auto& [name, text] : first) pages += name.ends_with(".html") ? 1 : 0;
    EXPECT_EQ(pages, 8u);  // index + 7 results
}

TEST(WriteViews, MissingOrBrokenCaseFileStillRenders) {
    Fixture f;
    fs::remove(f.dir() / case_report_file("Good", "1.1.1", "json"));
    write_text(f.dir() / case_report_file("Good", "2.5", "json"), "{not json");
    std::string html;
    ASSERT_NO_THROW(html = f.render("index.html"));
    // The index still shows both, from index.json.
    expect_contains(html, {"<tr id=\"c-1.1.1\""});
    expect_contains(read_text(f.dir() / "good_case_1_1_1.html"),
                    {"The case file could not be read"});
    expect_contains(read_text(f.dir() / "good_case_2_5.html"), {"is not JSON"});
}

// Autobahn's own report files (no outcome, title, rfc, requirement, wirelogTimesUs…): the
// outcome comes from the two columns.
TEST(WriteViews, AutobahnsOwnSchema) {
    const fs::path samples = fs::path(WSCONFORM_SHARED_DIR) / "reference" / "samples";
    ASSERT_TRUE(fs::exists(samples / "autobahn-ws-server-case-2_5.json")) << samples;
    TempDir tmp;
    nlohmann::json index = nlohmann::json::object();
    std::size_t files = 0;
    for (const auto& e : fs::directory_iterator(samples)) {
        const std::string name = e.path().filename().string();
        if (!name.ends_with(".json")) continue;
        fs::copy_file(e.path(), tmp.path() / name);
        const auto doc = nlohmann::json::parse(read_text(e.path()));
        index[doc["agent"].get<std::string>() + (doc["isServer"].get<bool>() ? " (client)" : "")]
             [doc["id"].get<std::string>()] = {
                 {"behavior", doc["behavior"]}, {"behaviorClose", doc["behaviorClose"]},
                 {"duration", doc["duration"]}, {"remoteCloseCode", doc["remoteCloseCode"]},
                 {"reportfile", name},
             };
        ++files;
    }
    ASSERT_GE(files, 6u);
    write_text(tmp.path() / "index.json", index.dump(3));

    ASSERT_NO_THROW(write_views(tmp.path(), report_titles()));
    const std::string html = read_text(tmp.path() / "index.html");
    expect_self_contained(html, "index.html (Autobahn)");
    for (const char* id : {"2.5", "6.4.1", "7.9.1", "9.1.1", "12.2.1"})
        expect_contains(html, {"<tr id=\"c-" + std::string(id) + "\""});
    expect_contains(html, {"12 WebSocket Compression (different payloads)",
                           "9.1 Text Message (increasing size)"});

    const ReportModel model = load_report(tmp.path());
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, r] : entries) {
            EXPECT_TRUE(r.detail) << id << ": " << r.detail_error;
            EXPECT_EQ(r.outcome, harness::overall_outcome(r.behavior, r.behavior_close)) << id;
            EXPECT_FALSE(r.title.empty()) << id;  // from the description
            EXPECT_EQ(r.title.find('<'), std::string::npos) << r.title;
            const std::string page = read_text(tmp.path() / r.html_file);
            expect_self_contained(page, r.html_file);
            expect_contains(page, {"id=\"wirelog\"", "No timestamps"}, r.html_file);
        }
}

TEST(ComparePage, OnlyDifferingRowsByDefault) {
    Fixture a;
    TempDir b;
    {
        ReportDir dir(b.path());
        dir.add(make_result(a.cases[0], "Good", Outcome::pass));
        dir.add(make_result(a.cases[1], "Good", Outcome::fail, 1002));
    }
    a.render("index.html");
    const auto cmp = compare_runs({a.dir(), b.path()});
    ASSERT_EQ(cmp.columns.size(), 3u);  // hostile (a), Good (a), Good (b)
    EXPECT_EQ(cmp.columns[0].label, kHostileAgent);
    EXPECT_EQ(cmp.columns[1].label, a.dir().filename().string() + ": Good");
    EXPECT_EQ(cmp.columns[2].label, b.path().filename().string() + ": Good");

    std::ostringstream text;
    print_comparison(text, cmp, false, false);
    EXPECT_NE(text.str().find("2.5 "), std::string::npos);
    EXPECT_EQ(text.str().find("\n1.1.1 "), std::string::npos) << text.str();  // same in all
    std::ostringstream every;
    print_comparison(every, cmp, true, false);
    EXPECT_NE(every.str().find("1.1.1"), std::string::npos);

    const std::string html = render_compare_page(cmp, a.dir(), false, report_titles());
    expect_self_contained(html, "compare.html");
    expect_contains(html, {
                              "<tr id=\"c-2.5\" data-s=\"2\" data-v=\"pass fail\" data-diff=\"1\">",
                              "data-diff-default=\"1\"",
                              // Pages of run a exist and are linked relative to the output
                              // folder.
                              "href=\"good_case_2_5.html\"",
                          });
}

// The matrix published without its report folders (--no-case-links): no cell links to a case
// page, and each cell's tooltip still says its verdict.
TEST(ComparePage, AMatrixWithoutCaseLinks) {
    Fixture a;
    a.render("index.html");
    const auto cmp = compare_runs({a.dir()});
    MatrixView view{matrix_columns(cmp), std::nullopt, {}, false};
    const std::string html = render_compare_page(cmp, a.dir(), true, report_titles(), &view);
    EXPECT_EQ(html.find("_case_"), std::string::npos);
    expect_contains(html, {"<span title=\"Fail: behavior "});
    view.case_links = true;
    EXPECT_NE(
        render_compare_page(cmp, a.dir(), true, report_titles(), &view).find("_case_2_5.html"),
        std::string::npos);
}

}  // namespace
}  // namespace wsconform::reports
