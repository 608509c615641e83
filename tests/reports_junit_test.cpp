// junit.xml: counts equal the JSON's, XML 1.0 escaping, and validation by a real consumer:
// libxml2's xmllint, against an XSD written from the facts of Jenkins' JUnit schema
// (tests/support/junit.xsd). Then a real run stopped by SIGINT: every view agrees with
// index.json on the cases that finished and those that did not.
#include <gtest/gtest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "reports/autobahn_json.h"
#include "reports/junit.h"
#include "reports/report_dir.h"
#include "reports/terminal.h"
#include "reports/views.h"
#include "tests/support/build_paths.h"
#include "tests/support/report_fixtures.h"

namespace wsconform::reports {
namespace {

using namespace test_support;  // fs, Behavior, Outcome, TempDir, the fixtures

constexpr const char* kXmllint = "/usr/bin/xmllint";

// xmllint is not optional: scripts/install-deps installs it, so a missing one fails the test.
::testing::AssertionResult have_xmllint() {
    if (::access(kXmllint, X_OK) == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "no " << kXmllint << ": install Debian's libxml2-utils (scripts/install-deps does)";
}

std::string xpath(const fs::path& file, const std::string& expr) {
    std::string out;
    run_command(std::string(kXmllint) + " --xpath '" + expr + "' '" + file.string() + "'", &out);
    while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
    return out;
}

double xpath_number(const fs::path& file, const std::string& expr) {
    return std::stod(xpath(file, expr));
}

// Validates against tests/support/junit.xsd; "" when valid, else xmllint's complaint.
std::string schema_errors(const fs::path& junit) {
    const fs::path xsd = fs::path(WSCONFORM_SOURCE_DIR) / "tests" / "support" / "junit.xsd";
    std::string out;
    const int rc = run_command(
        std::string(kXmllint) + " --noout --schema '" + xsd.string() + "' '" + junit.string() + "'",
        &out);
    return rc == 0 ? std::string() : out;
}

harness::Case make_case(std::string id, std::string title) {
    return report_case(std::move(id), std::move(title), "The peer does the right thing.");
}

harness::CaseResult make_result(const harness::Case& c, std::string agent, Outcome outcome) {
    harness::CaseResult r = report_result(c, std::move(agent), outcome);
    r.duration_ms = 21;
    r.observation.tx_frames = {{1, 1}, {8, 1}};
    r.observation.rx_frames = {{1, 1}, {8, 1}};
    switch (outcome) {
        case Outcome::non_strict:
            r.verdict.outcome_reason = "behavior NON-STRICT";
            break;
        case Outcome::informational:
            r.verdict.behavior_close = Behavior::informational;
            break;
        case Outcome::unimplemented:
            r.verdict.outcome_reason = "no permessage-deflate";
            break;
        case Outcome::fail:
            // Hostile: control characters XML 1.0 forbids, markup, a non-character.
            r.verdict.outcome_reason =
                "behavior FAILED \x01\x1b[31m <tag> & \"q\" \xEF\xBF\xBE end";
            r.verdict.result = "Actual events differ from any expected.";
            r.observation.received = {harness::text_message("</failure><x>\x0b")};
            break;
        case Outcome::pass:
        case Outcome::warning:
        case Outcome::not_run:
            break;
    }
    return r;
}

struct JUnitFixture {
    TempDir tmp;
    std::vector<harness::Case> cases{
        make_case("1.1.1", "Empty text message"), make_case("1.1.2", "Text message"),
        make_case("1.1.3", "Never opened"),       make_case("6.4.1", "Fail fast"),
        make_case("7.13.1", "Close code 5000"),   make_case("12.1.1", "Deflate"),
    };
    JUnitFixture() {
        ReportDir dir(tmp.path());
        dir.add(make_result(cases[0], "Alpha 1.0", Outcome::pass));
        dir.add(make_result(cases[1], "Alpha 1.0", Outcome::fail));
        auto fault = make_result(cases[2], "Alpha 1.0", Outcome::fail);
        fault.observation.was_open = false;
        fault.observation.tx_frames.clear();
        fault.observation.rx_frames.clear();
        fault.observation.harness_error = "connect: Connection refused";
        dir.add(fault);
        dir.add(make_result(cases[3], "Alpha 1.0", Outcome::non_strict));
        dir.add(make_result(cases[4], "Alpha 1.0", Outcome::informational));
        dir.add(make_result(cases[5], "Alpha 1.0", Outcome::unimplemented));
        dir.add(make_result(cases[0], "beta.2", Outcome::pass));
        dir.add(make_result(cases[1], "beta.2", Outcome::fail));
        // beta.2 lacks four cases: skipped.
    }
    const fs::path& dir() const { return tmp.path(); }
};

// Every state a case can end in, in every view: the index.json columns and outcome, the
// JUnit element, the HTML cell and the terminal symbol (docs/reports.md has the same table).
struct StateRow {
    Outcome outcome;
    bool unreachable;      // not run for want of a connection (harnessError set, no frame)
    const char* behavior;  // index.json
    const char* junit;     // the element inside <testcase>, "" for none
    const char* html_class;
    const char* symbol;  // terminal
};

const StateRow kStates[] = {
    {Outcome::pass, false, "OK", "", "o-pass", "✔"},
    {Outcome::non_strict, false, "NON-STRICT", "system-out", "o-non-strict", "~"},
    {Outcome::informational, false, "INFORMATIONAL", "system-out", "o-informational", "~"},
    {Outcome::warning, false, "OK", "system-out", "o-warning", "!"},
    {Outcome::unimplemented, false, "UNIMPLEMENTED", "skipped", "o-unimplemented", "∅"},
    {Outcome::not_run, false, "UNIMPLEMENTED", "skipped", "o-not-run", "–"},
    {Outcome::not_run, true, "UNIMPLEMENTED", "error", "o-not-run", "–"},
    {Outcome::fail, false, "FAILED", "failure", "o-fail", "✘"},
};

TEST(States, EveryStateInEveryView) {
    TempDir tmp;
    std::vector<harness::Case> cases;
    for (std::size_t i = 0; i < std::size(kStates); ++i)
        cases.push_back(make_case("1.1." + std::to_string(i + 1), "State"));
    {
        ReportDir dir(tmp.path());
        for (std::size_t i = 0; i < std::size(kStates); ++i) {
            const auto& row = kStates[i];
            auto r = make_result(cases[i], "a", row.outcome);
            if (row.outcome == Outcome::warning) r.verdict.behavior = Behavior::ok;
            if (row.outcome == Outcome::not_run) {
                r.verdict.behavior = r.verdict.behavior_close = Behavior::unimplemented;
                r.verdict.outcome_reason = "interrupted by a signal";
            }
            if (row.unreachable) {
                r.observation.tx_frames.clear();
                r.observation.rx_frames.clear();
                r.observation.harness_error = "cannot connect to ws://127.0.0.1:9/";
            }
            dir.add(r);
            std::ostringstream line;
            print_case_line(line, r, false);
            EXPECT_TRUE(line.str().starts_with(std::string(row.symbol) + " ")) << line.str();
        }
    }
    write_views(tmp.path(), report_titles());
    const Index index = read_index_json(tmp.path() / "index.json");
    const std::string xml = read_text(tmp.path() / "junit.xml");
    const std::string html = read_text(tmp.path() / "index.html");
    for (std::size_t i = 0; i < std::size(kStates); ++i) {
        const auto& row = kStates[i];
        const std::string id = cases[i].id, where = id + " " + std::string(to_string(row.outcome));
        EXPECT_EQ(to_string(index.at("a").at(id).behavior), row.behavior) << where;
        // The test case's element: what follows its start tag.
        const auto at = xml.find("name=\"" + id + " State\"");
        ASSERT_NE(at, std::string::npos) << where;
        const std::string after = xml.substr(at, xml.find("</testcase>", at) - at);
        if (*row.junit)
            EXPECT_NE(after.find(std::string("<") + row.junit), std::string::npos) << where;
        else
            EXPECT_NE(after.find("/>"), std::string::npos) << where;
        const auto cell = html.find("<tr id=\"c-" + id + "\"");
        ASSERT_NE(cell, std::string::npos) << where;
        EXPECT_NE(html.find(std::string("cell ") + row.html_class, cell), std::string::npos)
            << where;
    }
    EXPECT_EQ(schema_errors(tmp.path() / "junit.xml"), "");
}

TEST(XmlEscape, ForbiddenCharactersAreDropped) {
    struct Row {
        std::string raw;
        bool attribute;
        std::string xml;
    };
    const Row rows[] = {
        {std::string("a\x01"
                     "b\x0b\tc\xEF\xBF\xBE"
                     "d\xEF\xBF\xBF",
                     13),
         true, "ab&#9;cd"},
        {"x\ny\r", false, "x\ny&#13;"},
        {"x\ny", true, "x&#10;y"},
        {"<&>\"'", true, "&lt;&amp;&gt;&quot;&apos;"},
        {"\xff", false, "\xEF\xBF\xBD"},
        {"é€😀\x7f\xC2\x85", false, "é€😀\x7f\xC2\x85"},  // DEL and C1 are XML characters
    };
    for (const auto& row : rows) EXPECT_EQ(xml_escape(row.raw, row.attribute), row.xml) << row.raw;
}

TEST(JUnit, OneSuitePerAgentAndSection) {
    JUnitFixture f;
    const std::string xml = render_junit(load_report(f.dir()), report_titles());
    EXPECT_TRUE(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
    EXPECT_NE(xml.find("<testsuite name=\"Alpha 1_0.1 Framing\""), std::string::npos) << xml;
    EXPECT_NE(xml.find("<testsuite name=\"beta_2.12 WebSocket Compression (different payloads)\""),
              std::string::npos);
    EXPECT_NE(xml.find("<testcase classname=\"Alpha 1_0.1 Framing\" name=\"1.1.2 Text message\" "
                       "time=\"0.021\">"),
              std::string::npos);
    EXPECT_NE(
        xml.find("<error message=\"harness: connect: Connection refused\" type=\"HarnessError\">"),
        std::string::npos);
    EXPECT_NE(xml.find("<skipped message=\"UNIMPLEMENTED: no permessage-deflate\"/>"),
              std::string::npos);
    EXPECT_NE(
        xml.find("<failure message=\"behavior FAILED [31m &lt;tag&gt; &amp; &quot;q&quot;  end\""),
        std::string::npos)
        << xml;
    EXPECT_NE(xml.find("Expected: "), std::string::npos);
    EXPECT_NE(xml.find("Received: "), std::string::npos);
    EXPECT_EQ(xml.find("</failure><x>"), std::string::npos);
    EXPECT_EQ(render_junit(load_report(f.dir()), report_titles()), xml);  // stable
}

// A flooded case keeps up to 64 KiB of events in its case file; its <failure> body shows the
// start of each long value and says how much more the case file has.
TEST(JUnit, LongValuesAreCutInTheFailureBody) {
    TempDir tmp;
    const auto c = make_case("1.1.1", "Flooded");
    auto r = make_result(c, "flooded", Outcome::fail);
    r.observation.received.assign(5000, harness::text_message("h\xC3\xA9llo"));
    {
        ReportDir dir(tmp.path());
        dir.add(r);
    }
    const std::string xml = render_junit(load_report(tmp.path()), report_titles());
    EXPECT_LT(xml.size(), 8000u);
    const auto at = xml.find("Received: ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_NE(xml.find(" more characters in the case file)", at), std::string::npos);
    if (have_xmllint()) {
        write_views(tmp.path(), report_titles());
        EXPECT_EQ(schema_errors(tmp.path() / "junit.xml"), "");
    }
}

// A case without an event script (9.x, 12.x, 17.x) gives its expectation in words, not "{}";
// its close expectation only where that was judged (9.x: yes; 17.x: expectedCloseJudged false).
TEST(JUnit, ACaseWithoutAnEventScriptGivesItsExpectation) {
    TempDir tmp;
    auto c = make_case("17.1.2", "Extended CONNECT opens a WebSocket");
    c.expectation = "A 2xx response (200), then the message echoed on the same stream.";
    auto r = make_result(c, "h2", Outcome::fail);
    r.observation.expected.clear();
    r.observation.expected_close_judged = false;
    auto large = make_case("9.1.1", "Text message of 64 KiB");
    large.expectation = "The peer echoes the message unchanged.";
    auto echoed = make_result(large, "h2", Outcome::fail);
    echoed.observation.expected.clear();
    {
        ReportDir dir(tmp.path());
        dir.add(r);
        dir.add(echoed);
    }
    const std::string xml = render_junit(load_report(tmp.path()), report_titles());
    EXPECT_NE(xml.find("Expected: A 2xx response (200), then the message echoed on the same "
                       "stream.\n"),
              std::string::npos)
        << xml;
    EXPECT_NE(xml.find("Expected: The peer echoes the message unchanged.\n"), std::string::npos);
    const auto first_close = xml.find("Expected close: ");
    ASSERT_NE(first_close, std::string::npos) << "9.1.1's close expectation";
    EXPECT_EQ(xml.find("Expected close: ", first_close + 1), std::string::npos) << xml;
}

TEST(JUnit, CountsEqualTheJsonAndValidate) {
    ASSERT_TRUE(have_xmllint());
    JUnitFixture f;
    write_views(f.dir(), report_titles());
    const fs::path junit = f.dir() / "junit.xml";

    // What the JSON says.
    const ReportModel model = load_report(f.dir());
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    for (const auto& agent : model.agents)
        for (const auto& id : model.case_ids) {
            ++tests;
            const auto* r = model.find(agent, id);
            if (!r || r->outcome == Outcome::unimplemented)
                ++skipped;
            else if (r->outcome == Outcome::fail)
                ++(r->harness_fault ? errors : failures);
        }
    EXPECT_EQ(tests, 12u);
    EXPECT_EQ(failures, 2u);
    EXPECT_EQ(errors, 1u);
    EXPECT_EQ(skipped, 5u);

    EXPECT_EQ(schema_errors(junit), "");
    EXPECT_EQ(xpath_number(junit, "count(//testcase)"), tests);
    EXPECT_EQ(xpath_number(junit, "count(//testcase/failure)"), failures);
    EXPECT_EQ(xpath_number(junit, "count(//testcase/error)"), errors);
    EXPECT_EQ(xpath_number(junit, "count(//testcase/skipped)"), skipped);
    EXPECT_EQ(xpath_number(junit, "number(/testsuites/@tests)"), tests);
    EXPECT_EQ(xpath_number(junit, "number(/testsuites/@failures)"), failures);
    EXPECT_EQ(xpath_number(junit, "number(/testsuites/@errors)"), errors);
    EXPECT_EQ(xpath_number(junit, "sum(//testsuite/@tests)"), tests);
    EXPECT_EQ(xpath_number(junit, "sum(//testsuite/@failures)"), failures);
    EXPECT_EQ(xpath_number(junit, "sum(//testsuite/@errors)"), errors);
    EXPECT_EQ(xpath_number(junit, "sum(//testsuite/@skipped)"), skipped);
    // Each suite's counts and time are those of its test cases.
    const int suites = static_cast<int>(xpath_number(junit, "count(//testsuite)"));
    EXPECT_EQ(suites, 2 * 4);  // 2 agents × sections 1, 6, 7, 12
    for (int i = 1; i <= suites; ++i) {
        const std::string s = "//testsuite[" + std::to_string(i) + "]";
        EXPECT_EQ(xpath_number(junit, "number(" + s + "/@tests)"),
                  xpath_number(junit, "count(" + s + "/testcase)"));
        EXPECT_EQ(xpath_number(junit, "number(" + s + "/@failures)"),
                  xpath_number(junit, "count(" + s + "/testcase/failure)"));
        EXPECT_EQ(xpath_number(junit, "number(" + s + "/@skipped)"),
                  xpath_number(junit, "count(" + s + "/testcase/skipped)"));
        EXPECT_NEAR(xpath_number(junit, "number(" + s + "/@time)"),
                    xpath_number(junit, "sum(" + s + "/testcase/@time)"), 1e-9);
    }
    // The schema does catch a broken file (the check can fail).
    write_text(f.dir() / "broken.xml", "<testsuites><testsuite tests=\"1\"/></testsuites>");
    EXPECT_NE(schema_errors(f.dir() / "broken.xml"), "");
}

// ---- A real run, interrupted.

// A child process with its stdout in a pipe (or a file).
class Child {
  public:
    Child(std::vector<std::string> argv, const fs::path& out_file = {}) {
        int fds[2] = {-1, -1};
        if (out_file.empty() && ::pipe(fds) != 0)
            throw std::system_error(errno, std::generic_category());
        pid_ = ::fork();
        if (pid_ == 0) {
            if (out_file.empty()) {
                ::dup2(fds[1], STDOUT_FILENO);
                ::close(fds[0]);
                ::close(fds[1]);
            } else {
                FILE* f = std::fopen(out_file.c_str(), "w");
                if (f) ::dup2(fileno(f), STDOUT_FILENO);
                ::dup2(STDOUT_FILENO, STDERR_FILENO);
            }
            std::vector<char*> args;
            for (auto& a : argv) args.push_back(a.data());
            args.push_back(nullptr);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        if (out_file.empty()) {
            ::close(fds[1]);
            out_ = fds[0];
        }
    }
    ~Child() {
        if (out_ >= 0) ::close(out_);
        if (pid_ > 0 && !reaped_) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
    }
    std::string first_line() {
        std::string line;
        char c;
        while (::read(out_, &c, 1) == 1 && c != '\n') line.push_back(c);
        return line;
    }
    void signal(int sig) { ::kill(pid_, sig); }
    int wait() {
        int status = 0;
        ::waitpid(pid_, &status, 0);
        reaped_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    pid_t pid() const { return pid_; }

  private:
    pid_t pid_ = -1;
    int out_ = -1;
    bool reaped_ = false;
};

std::set<std::string> matches(const std::string& text, const std::string& pattern) {
    std::set<std::string> out;
    const std::regex re(pattern);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
         ++it)
        out.insert((*it)[1].str());
    return out;
}

TEST(Interrupted, EveryViewAgreesOnTheFinishedCases) {
    TempDir tmp;
    Child serve({test_support::wsconform_binary(), "serve", "--listen", "127.0.0.1:0"});
    const std::string line = serve.first_line();
    const std::string prefix = "wsconform serve: listening on ";
    ASSERT_TRUE(line.starts_with(prefix)) << line;
    const std::string url = line.substr(prefix.size());

    const fs::path out = tmp.path() / "report";
    Child run({test_support::wsconform_binary(), "test-server", url, "--cases", "6.4.*", "5.19",
               "5.20", "1.*", "--jobs", "2", "--outdir", out.string(), "--agent", "Reference"},
              tmp.path() / "stdout.txt");
    // ~1.2 s in, and once some case has finished (a loaded machine starts slowly): 1.* are
    // done by then, the 6.4.* fail-fast cases (seconds each) are not.
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < std::chrono::seconds(20) &&
           (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1200) ||
            !fs::exists(out / "index.json")))
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    run.signal(SIGINT);
    const int status = run.wait();
    serve.signal(SIGTERM);
    serve.wait();
    const std::string printed = read_text(tmp.path() / "stdout.txt");
    EXPECT_EQ(status, 1) << printed;

    // index.json: every selected case; those that did not finish are not run.
    const Index index = read_index_json(out / "index.json");
    ASSERT_EQ(index.size(), 1u);
    std::set<std::string> ids, finished;
    for (const auto& [id, entry] : index.at("Reference")) {
        ids.insert(id);
        const auto doc = nlohmann::json::parse(read_text(out / entry.reportfile));
        EXPECT_EQ(doc["id"], id);
        if (doc["outcome"] != "not-run") finished.insert(id);
        EXPECT_EQ(entry.outcome == Outcome::not_run, doc["outcome"] == "not-run") << id;
        EXPECT_TRUE(fs::exists(out / case_report_file("Reference", id, "html"))) << id;
    }
    EXPECT_EQ(ids.size(), 16u + 2u + 4u) << printed;
    EXPECT_GT(finished.size(), 0u) << printed;
    EXPECT_LT(finished.size(), ids.size()) << "the run was not interrupted: " << printed;
    const std::size_t not_run = ids.size() - finished.size();
    EXPECT_NE(printed.find("22 cases: "), std::string::npos) << printed;
    EXPECT_NE(printed.find(", " + std::to_string(not_run) + " not run ("), std::string::npos)
        << printed;
    std::size_t case_files = 0;
    for (const auto& e : fs::directory_iterator(out)) {
        const std::string name = e.path().filename().string();
        if (name.find("_case_") != std::string::npos && name.ends_with(".json")) ++case_files;
        EXPECT_FALSE(name.starts_with(".")) << "left over: " << name;
    }
    EXPECT_EQ(case_files, ids.size());

    // index.html: one row per case, and a verdict that counts those not run.
    const std::string html = read_text(out / "index.html");
    ASSERT_TRUE(html.ends_with("</html>\n"));
    EXPECT_EQ(matches(html, "<tr id=\"c-([^\"]+)\" data-s="), ids);
    // "✘ Fail: 2 of 22 results failed, 4 not run" or, when none failed, "Incomplete: 4 of 22
    // cases not run": which one depends on how far the run got before the signal.
    const std::string some_failed = std::to_string(not_run) + " not run";
    const std::string none_failed =
        std::to_string(not_run) + " of " + std::to_string(ids.size()) + " cases not run";
    EXPECT_TRUE(html.find(some_failed) != std::string::npos ||
                html.find(none_failed) != std::string::npos)
        << "the HTML verdict should count the " << not_run << " cases not run";

    // junit.xml: well-formed, one test case per case, those not run skipped.
    const std::string xml = read_text(out / "junit.xml");
    EXPECT_EQ(matches(xml, "<testcase classname=\"[^\"]*\" name=\"([^ \"]+)"), ids);
    ASSERT_TRUE(have_xmllint());
    EXPECT_EQ(schema_errors(out / "junit.xml"), "");
    EXPECT_EQ(xpath_number(out / "junit.xml", "count(//testcase/skipped)"), not_run);
    EXPECT_EQ(xpath_number(out / "junit.xml", "count(//testcase)"), ids.size());
}

}  // namespace
}  // namespace wsconform::reports
