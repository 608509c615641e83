// The HTML views: index.html (matrix, sections with pass counts, symbols + close codes,
// links, filters), the per-case pages, escaping of hostile text, no network references,
// byte-identical output, Autobahn's own schema, and compare.html.
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "reports/assets/assets.h"
#include "reports/autobahn_json.h"
#include "reports/baseline.h"
#include "reports/html.h"
#include "reports/report_dir.h"
#include "reports/views.h"
#include "tests/support/report_fixtures.h"
#include "tests/support/temp_dir.h"

namespace wsconform::reports {
namespace {

namespace fs = std::filesystem;
using harness::Behavior;
using harness::Outcome;

using test_support::TempDir;
const harness::SectionTitles& titles() { return test_support::report_titles(); }

using test_support::read_text;

using test_support::write_text;

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
    harness::Case c;
    c.id = std::move(id);
    c.title = std::move(title);
    c.requirement = std::move(requirement);
    c.description = "Sends something.";
    c.expectation = "The peer answers.";
    c.rfc = {"RFC 6455 5.5"};
    return c;
}

harness::CaseResult make_result(const harness::Case& c, std::string agent, Outcome outcome,
                                std::uint16_t close_code = 1000) {
    harness::CaseResult r;
    r.test = &c;
    r.agent = std::move(agent);
    r.started = "2026-01-01T00:00:00.000Z";
    r.duration_ms = 7;
    r.http_request = "GET / HTTP/1.1\r\nHost: 127.0.0.1:9001\r\n\r\n";
    r.http_response = "HTTP/1.1 101 Switching Protocols\r\n\r\n";
    r.observation.was_open = true;
    r.observation.remote_close_code = close_code;
    r.observation.was_clean = true;
    r.observation.expected = {{Behavior::ok, {harness::pong("ping!")}}};
    r.observation.received = {harness::pong("ping!")};
    r.observation.tx_frames = {{9, 1}, {8, 1}};
    r.observation.rx_frames = {{10, 1}, {8, 1}};
    r.verdict.behavior = Behavior::ok;
    r.verdict.behavior_close = Behavior::ok;
    r.verdict.result = "Actual events match at least one expected.";
    r.verdict.result_close = "Connection was properly closed";
    r.verdict.outcome = outcome;
    r.verdict.outcome_reason = "both columns OK";
    if (outcome == Outcome::fail) {
        r.observation.received = {harness::pong(kHostilePayload)};
        r.verdict.behavior = Behavior::failed;
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
};

std::map<std::string, std::string> folder_contents(const fs::path& dir) {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(dir))
        files[e.path().filename().string()] = read_text(e.path());
    return files;
}

// No network and no external asset: nothing that loads.
void expect_self_contained(const std::string& html, const std::string& what) {
    EXPECT_EQ(html.find("http://"), std::string::npos) << what;
    EXPECT_EQ(html.find("https://"), std::string::npos) << what;
    EXPECT_EQ(html.find("src="), std::string::npos) << what;
    EXPECT_EQ(html.find("url("), std::string::npos) << what;
    EXPECT_EQ(html.find("@import"), std::string::npos) << what;
    EXPECT_EQ(html.find("<link"), std::string::npos) << what;
    EXPECT_NE(html.find("Content-Security-Policy"), std::string::npos) << what;
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
    write_views(f.dir(), given);
    const std::string html = read_text(f.dir() / "index.html");
    EXPECT_NE(html.find("<span class=\"sname\">2 Pings</span>"), std::string::npos);
    EXPECT_NE(html.find("<span class=\"sname\">Section 1</span>"), std::string::npos);
    EXPECT_NE(html.find("<th colspan=\"2\">6.4 Fail fast</th>"), std::string::npos);
    EXPECT_NE(html.find("<option value=\"6\">Section 6</option>"), std::string::npos);
    const std::string page = read_text(f.dir() / "good_case_6_4_1.html");
    EXPECT_NE(page.find("<dt>Section</dt><dd>Section 6 / 6.4 Fail fast</dd>"), std::string::npos);
    const std::string xml = read_text(f.dir() / "junit.xml");
    EXPECT_NE(xml.find("<testsuite name=\"Good.2 Pings\""), std::string::npos);
    for (const auto& [name, text] : folder_contents(f.dir()))
        EXPECT_EQ(text.find("Pings/Pongs"), std::string::npos) << name;
}

TEST(Escape, HostileText) {
    EXPECT_EQ(html_escape("<a href=\"x\">'&'</a>"),
              "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    EXPECT_EQ(html_escape(std::string("a\x01"
                                      "b\x7f",
                                      4)),
              "a\\x01b\\x7f");
    EXPECT_EQ(html_escape("\xff"), "\xEF\xBF\xBD");         // not UTF-8: U+FFFD
    EXPECT_EQ(html_escape("x\xE2\x80\xAEy"), "x\\u202ey");  // RIGHT-TO-LEFT OVERRIDE
    EXPECT_EQ(html_escape("tab\tnl\n"), "tab\tnl\n");
}

// The CSS and JS are files of their own, compiled in as they are and inlined in the pages.
TEST(Assets, EmbeddedAsTheFilesAreAndInlined) {
    const fs::path assets = fs::path(WSCONFORM_SOURCE_DIR) / "reports" / "assets";
    EXPECT_EQ(assets::report_css(), read_text(assets / "report.css"));
    EXPECT_EQ(assets::filters_js(), read_text(assets / "filters.js"));
    EXPECT_GT(assets::report_css().size(), 1000u);
    Fixture f;
    write_views(f.dir(), titles());
    const std::string html = read_text(f.dir() / "index.html");
    EXPECT_NE(html.find("<style>\n" + std::string(assets::report_css()) + "</style>\n"),
              std::string::npos);
    EXPECT_NE(html.find("<script>\n" + std::string(assets::filters_js()) + "</script>\n"),
              std::string::npos);
}

TEST(IndexPage, MatrixRowsCountsSymbolsCodesAndLinks) {
    Fixture f;
    write_views(f.dir(), titles());
    const std::string html = read_text(f.dir() / "index.html");
    expect_self_contained(html, "index.html");

    // One row per case, linked by ID.
    for (const char* id : {"1.1.1", "2.5", "6.4.1", "7.13.1"})
        EXPECT_NE(html.find("<tr id=\"c-" + std::string(id) + "\""), std::string::npos) << id;
    EXPECT_EQ(count_of(html, "<tr id=\"c-"), 4u);
    // Sections fold, with their headings.
    EXPECT_NE(html.find("<details class=\"section\" id=\"s-2\""), std::string::npos);
    EXPECT_NE(html.find("2 Pings/Pongs"), std::string::npos);
    EXPECT_NE(html.find("6.4 Fail-fast on invalid UTF-8"), std::string::npos);
    // Pass counts per agent in the section summary: the hostile agent failed 2.5.
    EXPECT_NE(html.find("Good ✔ 1/1</span>"), std::string::npos);
    EXPECT_NE(html.find("✘ 0/1 (1 failed)</span>"), std::string::npos);
    // A symbol and the close code in each cell, linked to the case page.
    const std::string bad_page = case_report_file(kHostileAgent, "2.5", "html");
    EXPECT_EQ(bad_page, "bad_script_alert_1___script_case_2_5.html");
    EXPECT_NE(html.find("<a href=\"" + bad_page + "\""), std::string::npos);
    EXPECT_NE(html.find(">✘ 1002</a>"), std::string::npos);
    EXPECT_NE(html.find(">✔ 1002</a>"), std::string::npos);
    EXPECT_NE(html.find(">~ 1000</a>"), std::string::npos);
    EXPECT_NE(html.find(">ℹ 1000</a>"), std::string::npos);
    EXPECT_NE(html.find("– not run"), std::string::npos);  // 7.13.1 for the hostile agent
    // The overall verdict.
    EXPECT_NE(html.find("✘ Fail: 1 of 7 results failed"), std::string::npos);
    // Filter data: the failing row carries "fail", the all-pass row only "pass".
    EXPECT_NE(html.find("<tr id=\"c-2.5\" data-s=\"2\" data-v=\"pass fail\""), std::string::npos);
    EXPECT_NE(html.find("<tr id=\"c-1.1.1\" data-s=\"1\" data-v=\"pass\""), std::string::npos);
    EXPECT_NE(html.find("data-v=\"informational missing\""), std::string::npos);
    EXPECT_NE(html.find("<select id=\"f-verdict\">"), std::string::npos);
    EXPECT_NE(html.find("<option value=\"6\">6 UTF-8 Handling</option>"), std::string::npos);
}

TEST(IndexPage, EscapesHostileAgentAndTitle) {
    Fixture f;
    write_views(f.dir(), titles());
    const std::string html = read_text(f.dir() / "index.html");
    EXPECT_EQ(html.find("alert(1)</script>"), std::string::npos);
    EXPECT_NE(html.find("Bad&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
    EXPECT_EQ(html.find("<b>bold</b>"), std::string::npos);
    EXPECT_NE(html.find("&lt;b&gt;bold&lt;/b&gt;"), std::string::npos);
    EXPECT_EQ(count_of(html, "<script"), 1u);  // ours, the filter script
}

TEST(CasePage, ExpectedActualCloseHandshakeAndWireLog) {
    Fixture f;
    write_views(f.dir(), titles());
    const std::string page = read_text(f.dir() / case_report_file(kHostileAgent, "2.5", "html"));
    expect_self_contained(page, "case page");
    EXPECT_EQ(count_of(page, "<script"), 0u);
    EXPECT_EQ(page.find("<script>evil()"), std::string::npos);
    EXPECT_NE(page.find("&lt;script&gt;evil()&lt;/script&gt;&amp;&quot;&#39;"), std::string::npos);

    EXPECT_NE(page.find("✘ Fail"), std::string::npos);
    EXPECT_NE(page.find("behavior FAILED"), std::string::npos);
    EXPECT_NE(page.find("Control frames carry at most 125 payload octets."), std::string::npos);
    EXPECT_NE(page.find("RFC 6455 5.5"), std::string::npos);
    EXPECT_NE(page.find("2 Pings/Pongs"), std::string::npos);
    // Expected vs observed.
    EXPECT_NE(page.find("Expected vs observed"), std::string::npos);
    EXPECT_NE(page.find("<strong>OK</strong>: <ol><li>pong <code>ping!</code>"), std::string::npos);
    EXPECT_NE(page.find("Actual events differ from any expected."), std::string::npos);
    // The close handshake and the opening handshake.
    EXPECT_NE(page.find("<tr><th>Peer&#39;s close code</th><td>1002</td></tr>"), std::string::npos);
    EXPECT_NE(page.find("<tr><th>Clean</th><td>yes</td></tr>"), std::string::npos);
    EXPECT_NE(page.find("GET / HTTP/1.1\r\nHost: 127.0.0.1:9001"), std::string::npos);
    EXPECT_NE(page.find("HTTP/1.1 101 Switching Protocols"), std::string::npos);
    // The wire log: times from wirelogTimesUs, a hex dump, a decoded close frame.
    EXPECT_NE(page.find("<td class=\"t\">1.400</td>"), std::string::npos);
    EXPECT_NE(page.find("<td class=\"t\">1.500</td>"), std::string::npos);
    EXPECT_NE(page.find("0000  88 02 03 ea"), std::string::npos);
    EXPECT_NE(page.find("frame received: close FIN, 2 B, unmasked; code 1002"), std::string::npos);
    // Back to the matrix.
    EXPECT_NE(page.find("<a href=\"index.html#c-2.5\">"), std::string::npos);
}

TEST(WriteViews, TwiceGivesTheSameBytes) {
    Fixture f;
    write_views(f.dir(), titles());
    const auto first = folder_contents(f.dir());
    write_views(f.dir(), titles());
    const auto second = folder_contents(f.dir());
    EXPECT_EQ(first, second);
    EXPECT_TRUE(first.count("index.html"));
    EXPECT_TRUE(first.count("junit.xml"));
    EXPECT_TRUE(first.count("good_case_7_13_1.html"));
    std::size_t pages = 0;
    for (const auto& [name, text] : first) pages += name.ends_with(".html") ? 1 : 0;
    EXPECT_EQ(pages, 8u);  // index + 7 results
}

TEST(WriteViews, MissingOrBrokenCaseFileStillRenders) {
    Fixture f;
    fs::remove(f.dir() / case_report_file("Good", "1.1.1", "json"));
    write_text(f.dir() / case_report_file("Good", "2.5", "json"), "{not json");
    ASSERT_NO_THROW(write_views(f.dir(), titles()));
    const std::string page = read_text(f.dir() / "good_case_1_1_1.html");
    EXPECT_NE(page.find("The case file could not be read"), std::string::npos);
    const std::string broken = read_text(f.dir() / "good_case_2_5.html");
    EXPECT_NE(broken.find("is not JSON"), std::string::npos);
    // The index still shows both, from index.json.
    const std::string html = read_text(f.dir() / "index.html");
    EXPECT_NE(html.find("<tr id=\"c-1.1.1\""), std::string::npos);
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

    ASSERT_NO_THROW(write_views(tmp.path(), titles()));
    const std::string html = read_text(tmp.path() / "index.html");
    expect_self_contained(html, "index.html (Autobahn)");
    for (const char* id : {"2.5", "6.4.1", "7.9.1", "9.1.1", "12.2.1"})
        EXPECT_NE(html.find("<tr id=\"c-" + std::string(id) + "\""), std::string::npos) << id;
    EXPECT_NE(html.find("12 WebSocket Compression (different payloads)"), std::string::npos);
    EXPECT_NE(html.find("9.1 Text Message (increasing size)"), std::string::npos);

    const ReportModel model = load_report(tmp.path());
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, r] : entries) {
            EXPECT_TRUE(r.detail) << id << ": " << r.detail_error;
            EXPECT_EQ(r.outcome, harness::overall_outcome(r.behavior, r.behavior_close)) << id;
            EXPECT_FALSE(r.title.empty()) << id;  // from the description
            EXPECT_EQ(r.title.find('<'), std::string::npos) << r.title;
            const std::string page = read_text(tmp.path() / r.html_file);
            expect_self_contained(page, r.html_file);
            EXPECT_NE(page.find("id=\"wirelog\""), std::string::npos) << r.html_file;
            EXPECT_NE(page.find("No timestamps"), std::string::npos) << r.html_file;
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
    write_views(a.dir(), titles());
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

    const std::string html = render_compare_page(cmp, a.dir(), false, titles());
    expect_self_contained(html, "compare.html");
    EXPECT_NE(html.find("<tr id=\"c-2.5\" data-s=\"2\" data-v=\"pass fail\" data-diff=\"1\">"),
              std::string::npos);
    EXPECT_NE(html.find("data-diff-default=\"1\""), std::string::npos);
    // Pages of run a exist and are linked relative to the output folder.
    EXPECT_NE(html.find("href=\"good_case_2_5.html\""), std::string::npos);
}

}  // namespace
}  // namespace wsconform::reports
