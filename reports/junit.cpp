#include "reports/junit.h"

#include <map>
#include <vector>

#include <nlohmann/json.hpp>

#include "reports/autobahn_json.h"
#include "reports/case_detail.h"
#include "reports/text.h"

namespace wsconform::reports {

using harness::Outcome;
using nlohmann::json;

namespace {

// Seconds with millisecond precision, from integer milliseconds: "0.021".
std::string seconds(std::int64_t ms) {
    if (ms < 0) ms = 0;
    std::string frac = std::to_string(ms % 1000);
    return std::to_string(ms / 1000) + "." + std::string(3 - frac.size(), '0') + frac;
}

// Java-ish classname: "<agent with . as _>.<section title>", so tools that split on the last
// dot see the agent as the package and the section as the class.
std::string class_name(const std::string& agent, const std::string& section_title) {
    std::string a = agent;
    for (char& c : a)
        if (c == '.') c = '_';
    return a + "." + section_title;
}

// A value longer than this is cut in a <failure> body: a flooding peer's received events
// would otherwise repeat the case file in junit.xml for every case.
constexpr std::size_t kMaxJunitValue = 2000;

// `value` cut to kMaxJunitValue octets (at a UTF-8 boundary), saying how much is left out.
std::string bounded(std::string value) {
    if (value.size() <= kMaxJunitValue) return value;
    std::size_t cut = kMaxJunitValue;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    const std::size_t left_out = value.size() - cut;
    value.resize(cut);
    return value + " … (" + std::to_string(left_out) + " more characters in the case file)";
}

// The body of a <failure> or <error>: what a person needs without opening the HTML.
std::string failure_body(const CaseRecord& r) {
    const json* doc = r.detail.get();
    std::string out;
    auto line = [&](std::string_view name, const std::string& value) {
        if (!value.empty()) out += std::string(name) + ": " + bounded(value) + "\n";
    };
    line("Requirement", json_text(doc, "requirement"));
    line("RFC", json_text(doc, "rfc"));
    line("Outcome", std::string(harness::to_string(r.outcome)) + " — " + r.outcome_reason);
    line("behavior",
         std::string(harness::to_string(r.behavior)) + " — " + json_text(doc, "result"));
    line("behaviorClose",
         std::string(harness::to_string(r.behavior_close)) + " — " + json_text(doc, "resultClose"));
    // A case without an event script (9.x, 12.x, 17.x) is judged by its own rule, in words; its
    // close expectation stands where it was judged (not in 17.x: expectedCloseJudged false).
    const JudgedOn judged = judged_on(doc);
    const std::string expectation = json_text(doc, "expectation");
    line("Expected",
         !judged.event_script && !expectation.empty() ? expectation : json_text(doc, "expected"));
    if (judged.close_expectation) line("Expected close", json_text(doc, "expectedClose"));
    line("Received", json_text(doc, "received"));
    line("Not kept", dropped_events_text(doc));
    line("Peer's close code",
         r.remote_close_code ? std::to_string(*r.remote_close_code) : std::string("none"));
    line("Peer's close reason", json_text(doc, "remoteCloseReason"));
    line("Clean", json_text(doc, "wasClean"));
    line("Why not clean", json_text(doc, "wasNotCleanReason"));
    line("Harness error", json_text(doc, "harnessError"));
    line("Case file unreadable", r.detail_error);
    line("Details", r.html_file);
    return out;
}

struct Suite {
    std::string name;
    std::size_t tests = 0, failures = 0, errors = 0, skipped = 0;
    std::int64_t ms = 0;
    std::string body;
};

}  // namespace

std::string xml_escape(std::string_view raw, bool attribute) {
    return detail::escape_markup(
        raw, "&apos;", [attribute](std::string& out, std::uint32_t cp, std::string_view sequence) {
            if (cp == '\t')
                out += attribute ? "&#9;" : "\t";
            else if (cp == '\n')
                out += attribute ? "&#10;" : "\n";
            else if (cp == '\r')
                out += "&#13;";
            else if (cp >= 0x20 && cp != 0xfffe && cp != 0xffff)  // else not an XML 1.0 character
                out += sequence;
        });
}

std::string render_junit(const ReportModel& model, const harness::SectionTitles& titles) {
    // agent × section, in agent order and natural case order.
    std::vector<Suite> suites;
    for (const auto& agent : model.agents) {
        std::map<std::string, std::size_t> index_of;  // section -> position in suites
        for (const auto& id : model.case_ids) {
            const std::string section = section_of(id);
            auto [it, fresh] = index_of.emplace(section, suites.size());
            if (fresh) suites.push_back(Suite{class_name(agent, titles.section(section))});
            Suite& suite = suites[it->second];
            const CaseRecord* r = model.find(agent, id);
            std::string title;
            if (r)
                title = r->title;
            else
                for (const auto& other : model.agents)
                    if (const auto* o = model.find(other, id); o && !o->title.empty()) {
                        title = o->title;
                        break;
                    }
            const std::string name = title.empty() ? id : id + " " + title;
            const std::int64_t ms = r ? std::max<std::int64_t>(r->duration_ms, 0) : 0;
            ++suite.tests;
            suite.ms += ms;
            std::string& out = suite.body;
            out += "    <testcase classname=\"" + xml_escape(suite.name, true) + "\" name=\"" +
                   xml_escape(name, true) + "\" time=\"" + seconds(ms) + "\"";
            if (!r) {
                ++suite.skipped;
                out +=
                    ">\n      <skipped message=\"not run for this agent (excluded or "
                    "missing from the report)\"/>\n    </testcase>\n";
                continue;
            }
            // A case not run because the target could not be reached is the setup's fault: an
            // <error>, as a harness fault.
            const bool unreachable = r->outcome == Outcome::not_run && r->harness_fault;
            switch (unreachable ? Outcome::fail : r->outcome) {
                case Outcome::pass:
                    out += "/>\n";
                    break;
                case Outcome::non_strict:
                case Outcome::informational:
                case Outcome::warning:
                    // Passed; the nuance goes where every consumer shows it without failing.
                    out += ">\n      <system-out>" +
                           xml_escape(std::string(outcome_label(r->outcome)) + ": " +
                                          r->outcome_reason + "\nDetails: " + r->html_file + "\n",
                                      false) +
                           "</system-out>\n    </testcase>\n";
                    break;
                case Outcome::unimplemented:
                case Outcome::not_run:
                    ++suite.skipped;
                    out += ">\n      <skipped message=\"" +
                           xml_escape((r->outcome == Outcome::unimplemented ? "UNIMPLEMENTED: "
                                                                            : "not run: ") +
                                          r->outcome_reason,
                                      true) +
                           "\"/>\n    </testcase>\n";
                    break;
                case Outcome::fail: {
                    const char* tag = r->harness_fault ? "error" : "failure";
                    if (r->harness_fault)
                        ++suite.errors;
                    else
                        ++suite.failures;
                    std::string message = r->outcome_reason;
                    if (unreachable) {
                        message = "not run: " + r->outcome_reason;
                    } else if (r->harness_fault) {
                        const json* doc = r->detail.get();
                        message = "harness: " + json_text(doc, "harnessError");
                    }
                    std::string type = "behavior " + std::string(harness::to_string(r->behavior)) +
                                       " / behaviorClose " +
                                       std::string(harness::to_string(r->behavior_close));
                    if (unreachable)
                        type = "Unreachable";
                    else if (r->harness_fault)
                        type = "HarnessError";
                    out += ">\n      <" + std::string(tag) + " message=\"" +
                           xml_escape(message, true) + "\" type=\"" + xml_escape(type, true) +
                           "\">" + xml_escape(failure_body(*r), false) + "</" + tag +
                           ">\n    </testcase>\n";
                    break;
                }
            }
        }
    }

    std::size_t tests = 0, failures = 0, errors = 0;
    std::int64_t ms = 0;
    for (const auto& s : suites) {
        tests += s.tests;
        failures += s.failures;
        errors += s.errors;
        ms += s.ms;
    }
    std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    // Jenkins' schema (xunit junit-10.xsd) knows no "skipped" on <testsuites>: per suite only.
    out += "<testsuites name=\"wsconform\" tests=\"" + std::to_string(tests) + "\" failures=\"" +
           std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\" time=\"" +
           seconds(ms) + "\">\n";
    for (std::size_t i = 0; i < suites.size(); ++i) {
        const Suite& s = suites[i];
        out += "  <testsuite name=\"" + xml_escape(s.name, true) + "\" id=\"" + std::to_string(i) +
               "\" tests=\"" + std::to_string(s.tests) + "\" failures=\"" +
               std::to_string(s.failures) + "\" errors=\"" + std::to_string(s.errors) +
               "\" skipped=\"" + std::to_string(s.skipped) + "\" time=\"" + seconds(s.ms) + "\">\n";
        out += s.body;
        out += "  </testsuite>\n";
    }
    out += "</testsuites>\n";
    return out;
}

}  // namespace wsconform::reports
