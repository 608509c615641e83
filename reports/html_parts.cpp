#include "reports/html_parts.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "reports/assets/assets.h"
#include "reports/html.h"
#include "reports/text.h"

namespace wsconform::reports {

using harness::Outcome;

std::string html_escape(std::string_view text) {
    return detail::escape_markup(
        text, "&#39;", [](std::string& out, std::uint32_t cp, std::string_view sequence) {
            char buf[16];
            if (cp == '\t' || cp == '\n' || cp == '\r') {
                out += sequence;
            } else if (cp < 0x20 || cp == 0x7f) {
                std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(cp));
                out += buf;
            } else if ((cp >= 0x80 && cp <= 0x9f) || detail::is_bidi_format(cp)) {
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
                out += buf;
            } else {
                out += sequence;
            }
        });
}

namespace detail {

namespace {

// Nothing is fetched: inline style and script only, no connections, no forms.
constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="wsconform">
)";

// The filters' values, in this order in a row's data-v.
constexpr std::string_view kAllOutcomes[] = {
    "pass", "non-strict", "informational", "warning", "unimplemented", "fail", "missing"};

std::string ratio_class(std::size_t ok, std::size_t total) {
    if (total == 0) return "rnone";
    if (ok == total) return "r100";
    const double r = static_cast<double>(ok) / static_cast<double>(total);
    if (r >= 0.95) return "r95";
    if (r >= 0.80) return "r80";
    if (r >= 0.50) return "r50";
    return "r0";
}

// The peer's close code for a cell: the code, "no code" (a close frame without one),
// "no close" (no close frame), or "none" when the report does not tell these apart.
std::string peer_code_text(const CaseRecord& r) {
    if (r.remote_close_code) return std::to_string(*r.remote_close_code);
    if (!r.close_frames_received) return "none";
    return *r.close_frames_received > 0 ? "no code" : "no close";
}

// The outcomes of a row, for the filter: "pass fail missing" (a case the run did not make is
// "missing", as one the agent never ran: the filter's "not run").
std::string row_outcomes(const std::vector<const CaseRecord*>& cells) {
    std::set<std::string_view> seen;
    for (const auto* r : cells)
        seen.insert(r && r->outcome != Outcome::not_run ? harness::to_string(r->outcome)
                                                        : std::string_view("missing"));
    std::string out;
    for (const auto name : kAllOutcomes)
        if (seen.count(name)) {
            if (!out.empty()) out.push_back(' ');
            out += name;
        }
    return out;
}

}  // namespace

std::string page_start(std::string_view title_html) {
    std::string out(kHead);
    out += "<title>";
    out += title_html;
    out += "</title>\n<style>\n";
    out += assets::report_css();
    out += "</style>\n</head>\n";
    return out;
}

std::string page_end(std::string_view footer, bool with_filters) {
    std::string out(footer);
    if (with_filters) {
        out += "<script>\n";
        out += assets::filters_js();
        out += "</script>\n";
    }
    out += "</body>\n</html>\n";
    return out;
}

std::string outcome_class(Outcome o) {
    return "o-" + std::string(harness::to_string(o));
}

std::size_t Counts::acceptable() const {
    return n(Outcome::pass) + n(Outcome::non_strict) + n(Outcome::informational) +
           n(Outcome::warning);
}

void Counts::add(const CaseRecord* r) {
    if (!r) {
        ++missing;
        return;
    }
    ++total;
    ++by_outcome[static_cast<std::size_t>(r->outcome)];
}

std::string pass_count_html(const std::string& agent, const Counts& c, bool show_agent) {
    Outcome worst = Outcome::pass;
    for (const Outcome o : {Outcome::informational, Outcome::warning, Outcome::non_strict,
                            Outcome::not_run, Outcome::unimplemented, Outcome::fail})
        if (c.n(o) && outcome_severity(o) >= outcome_severity(worst)) worst = o;
    if (worst == Outcome::informational) worst = Outcome::pass;
    std::string title = std::to_string(c.n(Outcome::pass)) + " passed, " +
                        std::to_string(c.n(Outcome::non_strict)) + " non-strict, " +
                        std::to_string(c.n(Outcome::informational)) + " informational, " +
                        std::to_string(c.n(Outcome::unimplemented)) + " unimplemented, " +
                        std::to_string(c.n(Outcome::fail)) + " failed";
    if (c.n(Outcome::warning)) title += ", " + std::to_string(c.n(Outcome::warning)) + " warned";
    if (c.missing || c.n(Outcome::not_run))
        title += ", " + std::to_string(c.missing + c.n(Outcome::not_run)) + " not run";
    std::string out = "<span class=\"pc " + ratio_class(c.acceptable(), c.total) + "\" title=\"" +
                      html_escape(title) + "\">";
    if (show_agent) out += html_escape(agent) + " ";
    out += c.total ? std::string(outcome_glyph(worst)) : std::string("–");
    out += " " + std::to_string(c.acceptable()) + "/" + std::to_string(c.total);
    if (c.n(Outcome::fail)) out += " (" + std::to_string(c.n(Outcome::fail)) + " failed)";
    out += "</span>";
    return out;
}

std::string cell_html(const CaseRecord* r, const std::string& href) {
    if (!r)
        return "<td class=\"cell o-missing\"><span title=\"Not run for this agent\">– not "
               "run</span></td>";
    const std::string code = peer_code_text(*r);
    std::string title = std::string(outcome_label(r->outcome)) + ": behavior " +
                        std::string(harness::to_string(r->behavior)) + ", behaviorClose " +
                        std::string(harness::to_string(r->behavior_close)) +
                        "; the peer's close code: " + code;
    if (!r->outcome_reason.empty()) title += " — " + r->outcome_reason;
    std::string text = std::string(outcome_glyph(r->outcome)) + " " + code;
    if (r->report_time) text += " · " + std::to_string(r->duration_ms) + " ms";
    std::string out = "<td class=\"cell " + outcome_class(r->outcome) + "\">";
    if (href.empty())
        out += "<span title=\"" + html_escape(title) + "\">" + html_escape(text) + "</span>";
    else
        out += "<a href=\"" + html_escape(href) + "\" title=\"" + html_escape(title) + "\">" +
               html_escape(text) + "</a>";
    return out + "</td>";
}

std::string legend_html() {
    std::string out = "<p class=\"legend\">";
    for (const Outcome o : {Outcome::pass, Outcome::non_strict, Outcome::informational,
                            Outcome::warning, Outcome::unimplemented, Outcome::fail}) {
        out += "<span class=\"" + outcome_class(o) + "\">" + std::string(outcome_glyph(o)) + " " +
               std::string(outcome_label(o)) + "</span>";
    }
    out +=
        "<span class=\"o-missing\">– Not run</span> <span class=\"muted\">Each cell: the "
        "verdict and the close code the peer sent (<q>no code</q>: a close frame without one; "
        "<q>no close</q>: no close frame); it links to the case's page.</span></p>\n";
    return out;
}

std::vector<std::pair<std::string, std::string>> sections_of(const std::vector<std::string>& ids,
                                                             const harness::SectionTitles& titles) {
    std::vector<std::pair<std::string, std::string>> sections;
    for (const auto& id : ids) {
        const std::string s = section_of(id);
        if (std::none_of(sections.begin(), sections.end(),
                         [&](const auto& p) { return p.first == s; }))
            sections.emplace_back(s, titles.section(s));
    }
    return sections;
}

std::string filters_html(const std::vector<std::pair<std::string, std::string>>& sections,
                         bool with_diff) {
    std::string out = "<div class=\"filters\" role=\"search\">\n";
    out +=
        "<label>Verdict<select id=\"f-verdict\">"
        "<option value=\"all\">all</option>"
        "<option value=\"not-pass\">not passed</option>"
        "<option value=\"fail\">✘ fail</option>"
        "<option value=\"non-strict\">~ non-strict</option>"
        "<option value=\"informational\">ℹ informational</option>"
        "<option value=\"warning\">⚠ warning</option>"
        "<option value=\"unimplemented\">∅ unimplemented</option>"
        "<option value=\"missing\">– not run</option>"
        "<option value=\"pass\">✔ pass</option>"
        "</select></label>\n";
    out += "<label>Section<select id=\"f-section\"><option value=\"all\">all</option>";
    for (const auto& [key, title] : sections)
        out += "<option value=\"" + html_escape(key) + "\">" + html_escape(title) + "</option>";
    out += "</select></label>\n";
    if (with_diff)
        out += "<label><input type=\"checkbox\" id=\"f-diff\"> only rows that differ</label>\n";
    out += "<span id=\"f-count\" class=\"muted\"></span>\n</div>\n";
    return out;
}

std::string row_html(const std::string& id, const std::string& title,
                     const std::vector<const CaseRecord*>& cells,
                     const std::vector<std::string>& cell_html_parts, bool differs) {
    std::string out = "<tr id=\"c-" + html_escape(id) + "\" data-s=\"" +
                      html_escape(section_of(id)) + "\" data-v=\"" + row_outcomes(cells) + "\"";
    out += differs ? " data-diff=\"1\">" : ">";
    out +=
        "<td class=\"id\"><a href=\"#c-" + html_escape(id) + "\">" + html_escape(id) + "</a></td>";
    out += "<td class=\"title\">" + html_escape(title) + "</td>";
    for (const auto& c : cell_html_parts) out += c;
    out += "</tr>\n";
    return out;
}

}  // namespace detail

}  // namespace wsconform::reports
