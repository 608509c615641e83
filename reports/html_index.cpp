// index.html: every case of the folder × every agent, in sections that fold with pass counts,
// the failures first, filters kept in the URL.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "reports/html.h"
#include "reports/html_parts.h"

namespace wsconform::reports {

using harness::Outcome;
using namespace detail;

namespace {

std::string title_for(const ReportModel& model, const std::string& id) {
    for (const auto& agent : model.agents)
        if (const auto* r = model.find(agent, id); r && !r->title.empty()) return r->title;
    return {};
}

// The cases' "started" stamps give the run's time span (from the data, so output is stable).
std::pair<std::string, std::string> started_range(const ReportModel& model) {
    std::string first, last;
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, r] : entries) {
            if (r.started.empty()) continue;
            if (first.empty() || r.started < first) first = r.started;
            if (last.empty() || r.started > last) last = r.started;
        }
    return {first, last};
}

// Every case of `agent` was not run for want of a connection.
bool unreachable(const ReportModel& model, const std::string& agent) {
    const auto it = model.cases.find(agent);
    if (it == model.cases.end() || it->second.empty()) return false;
    return std::all_of(it->second.begin(), it->second.end(), [](const auto& entry) {
        return entry.second.outcome == Outcome::not_run && entry.second.harness_fault;
    });
}

}  // namespace

std::string render_index_page(const ReportModel& model, const harness::SectionTitles& titles) {
    std::string out = page_start("wsconform report");
    out += "<body>\n<header>\n<h1>wsconform report</h1>\n";

    // Per-agent counts over every case of the folder.
    std::map<std::string, Counts> totals;
    Counts all;
    for (const auto& agent : model.agents)
        for (const auto& id : model.case_ids) {
            const auto* r = model.find(agent, id);
            totals[agent].add(r);
            all.add(r);
        }

    const std::size_t failed = all.n(Outcome::fail), not_run = all.n(Outcome::not_run);
    if (model.agents.empty()) {
        out += "<p class=\"verdict o-missing\">– No results: index.json lists no case.</p>\n";
    } else if (failed) {
        out += "<p class=\"verdict o-fail\" id=\"verdict\">✘ Fail: " + std::to_string(failed) +
               " of " + std::to_string(all.total) + " results failed";
        if (not_run) out += ", " + std::to_string(not_run) + " not run";
        out += "</p>\n";
    } else if (not_run) {
        // Why the first of them did not run: the reasons of a run are few (a signal, the run
        // timeout, an unreachable target).
        const CaseRecord* first = nullptr;
        for (const auto& id : model.case_ids)
            for (const auto& agent : model.agents)
                if (const auto* r = model.find(agent, id);
                    !first && r && r->outcome == Outcome::not_run)
                    first = r;
        out += std::string("<p class=\"verdict o-not-run\" id=\"verdict\">– ") +
               (not_run == all.total && first->harness_fault ? "Unreachable" : "Incomplete") +
               ": " + std::to_string(not_run) + " of " + std::to_string(all.total) +
               " cases not run (" + html_escape(first->outcome_reason) + ")</p>\n";
    } else {
        out += "<p class=\"verdict o-pass\" id=\"verdict\">✔ Pass: " +
               std::to_string(all.acceptable()) + " of " + std::to_string(all.total) +
               " results acceptable";
        if (all.n(Outcome::non_strict))
            out += " (" + std::to_string(all.n(Outcome::non_strict)) + " non-strict)";
        out += "</p>\n";
    }
    const auto [first, last] = started_range(model);
    if (!first.empty())
        out += "<p class=\"muted\">Cases started from " + html_escape(first) + " to " +
               html_escape(last) + " (UTC).</p>\n";

    out +=
        "<table class=\"agents\"><thead><tr><th>Agent</th><th>Cases</th><th>✔ Pass</th>"
        "<th>~ Non-strict</th><th>ℹ Informational</th><th>∅ Unimplemented</th>"
        "<th>✘ Fail</th><th>– Not run</th><th>Verdict</th></tr></thead><tbody>\n";
    for (const auto& agent : model.agents) {
        const Counts& c = totals[agent];
        auto n = [](std::size_t v) { return "<td class=\"n\">" + std::to_string(v) + "</td>"; };
        out += "<tr><th>" + html_escape(agent) + "</th>" + n(c.total) + n(c.n(Outcome::pass)) +
               n(c.n(Outcome::non_strict)) + n(c.n(Outcome::informational)) +
               n(c.n(Outcome::unimplemented));
        out += "<td class=\"n\">";
        if (c.n(Outcome::fail))
            out += "<a href=\"#verdict=fail&amp;section=all\">" +
                   std::to_string(c.n(Outcome::fail)) + "</a>";
        else
            out += "0";
        out += "</td>" + n(c.missing + c.n(Outcome::not_run));
        if (c.n(Outcome::fail))
            out += "<td class=\"o-fail\">✘ Fail</td>";
        else if (c.n(Outcome::not_run))
            out += c.n(Outcome::not_run) == c.total && unreachable(model, agent)
                       ? "<td class=\"o-not-run\">– Unreachable</td>"
                       : "<td class=\"o-not-run\">– Incomplete</td>";
        else
            out += "<td class=\"o-pass\">✔ Pass</td>";
        out += "</tr>\n";
    }
    out += "</tbody></table>\n";

    // The failures, first 50, each linked to its page.
    std::vector<const CaseRecord*> failures;
    for (const auto& id : model.case_ids)
        for (const auto& agent : model.agents)
            if (const auto* r = model.find(agent, id); r && r->outcome == Outcome::fail)
                failures.push_back(r);
    if (!failures.empty()) {
        out += "<details open><summary><strong>Failed cases (" + std::to_string(failures.size()) +
               ")</strong></summary><ul class=\"failures\">\n";
        for (std::size_t i = 0; i < failures.size() && i < 50; ++i) {
            const auto* r = failures[i];
            out += "<li>✘ <a href=\"" + html_escape(r->html_file) + "\">" + html_escape(r->id) +
                   "</a> " + html_escape(r->title) + " <span class=\"muted\">[" +
                   html_escape(r->agent) + "] — " + html_escape(r->outcome_reason) +
                   "</span></li>\n";
        }
        if (failures.size() > 50)
            out += "<li class=\"muted\">… and " + std::to_string(failures.size() - 50) +
                   " more (filter the matrix by ✘ fail)</li>\n";
        out += "</ul></details>\n";
    }

    out += legend_html();

    const auto sections = sections_of(model.case_ids, titles);
    out += filters_html(sections, false);
    out += "</header>\n<main>\n";

    for (const auto& [section, stitle] : sections) {
        std::vector<std::string> ids;
        for (const auto& id : model.case_ids)
            if (section_of(id) == section) ids.push_back(id);
        std::map<std::string, Counts> counts;
        bool any_problem = false;
        for (const auto& id : ids)
            for (const auto& agent : model.agents) {
                const auto* r = model.find(agent, id);
                counts[agent].add(r);
                if (!r || outcome_severity(r->outcome) > 0) any_problem = true;
            }
        out += "<details class=\"section\" id=\"s-" + html_escape(section) + "\" data-section=\"" +
               html_escape(section) + "\"" + (any_problem ? " open" : "") +
               ">\n<summary><span class=\"sname\">" + html_escape(stitle) +
               "</span> <span class=\"muted\">" + std::to_string(ids.size()) +
               (ids.size() == 1 ? " case" : " cases") + "</span> ";
        for (const auto& agent : model.agents)
            out += pass_count_html(agent, counts[agent], true) + " ";
        out +=
            "</summary>\n<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>Case</th>"
            "<th>Title</th>";
        for (const auto& agent : model.agents) out += "<th>" + html_escape(agent) + "</th>";
        out += "</tr></thead>\n<tbody>\n";
        std::string current_sub = "\x01";  // none yet
        for (const auto& id : ids) {
            const std::string sub = subsection_of(id);
            if (sub != current_sub) {
                current_sub = sub;
                if (!sub.empty()) {
                    std::map<std::string, Counts> sub_counts;
                    for (const auto& sid : ids)
                        if (subsection_of(sid) == sub)
                            for (const auto& agent : model.agents)
                                sub_counts[agent].add(model.find(agent, sid));
                    out += "<tr class=\"sub\" data-subhead=\"" + html_escape(sub) +
                           "\"><th colspan=\"2\">" + html_escape(titles.subsection(sub)) + "</th>";
                    for (const auto& agent : model.agents)
                        out += "<th>" + pass_count_html(agent, sub_counts[agent], false) + "</th>";
                    out += "</tr>\n";
                }
            }
            std::vector<const CaseRecord*> cells;
            std::vector<std::string> parts;
            for (const auto& agent : model.agents) {
                cells.push_back(model.find(agent, id));
                parts.push_back(
                    cell_html(cells.back(), cells.back() ? cells.back()->html_file : ""));
            }
            out += row_html(id, title_for(model, id), cells, parts, false);
        }
        out += "</tbody></table></div>\n</details>\n";
    }
    out += "</main>\n";
    out += page_end(kReportFooter, true);
    return out;
}

}  // namespace wsconform::reports
