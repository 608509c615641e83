#include "reports/html.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <system_error>

#include <nlohmann/json.hpp>

#include "harness/model/wire_log.h"
#include "reports/autobahn_json.h"
#include "protocol/hex.h"
#include "reports/assets/assets.h"

namespace wsconform::reports {

using harness::Outcome;
using nlohmann::json;

namespace {

// ---------------------------------------------------------------- shared page parts

// Nothing is fetched: inline style and script only, no connections, no forms.
constexpr std::string_view kHead = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'">
<meta name="generator" content="wsconform">
)";

std::string style_html() {
    return "<style>\n" + std::string(assets::report_css()) + "</style>\n";
}

std::string filter_script_html() {
    return "<script>\n" + std::string(assets::filters_js()) + "</script>\n";
}

// The agent's pages link back here; the index links to them.
constexpr std::string_view kFooter =
    "<footer>Rendered by wsconform from index.json and the per-case JSON files of this "
    "folder; <code>wsconform report DIR</code> renders it again. Nothing on this page is "
    "fetched from the network.</footer>\n";

constexpr std::string_view kAllOutcomes[] = {"pass",          "non-strict", "informational",
                                             "unimplemented", "fail",       "missing"};

void append_escaped(std::string& out, std::string_view raw) {
    const std::string s = detail::valid_utf8(raw);
    char buf[16];
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = detail::utf8_sequence_length(s, i);  // >= 1: s is valid UTF-8
        if (n == 1) {
            switch (b) {
                case '&':
                    out += "&amp;";
                    break;
                case '<':
                    out += "&lt;";
                    break;
                case '>':
                    out += "&gt;";
                    break;
                case '"':
                    out += "&quot;";
                    break;
                case '\'':
                    out += "&#39;";
                    break;
                case '\t':
                case '\n':
                case '\r':
                    out.push_back(static_cast<char>(b));
                    break;
                default:
                    if (b < 0x20 || b == 0x7f) {
                        std::snprintf(buf, sizeof buf, "\\x%02x", b);
                        out += buf;
                    } else {
                        out.push_back(static_cast<char>(b));
                    }
            }
            ++i;
            continue;
        }
        std::uint32_t cp = 0x10000;  // 4-byte sequences are never controls
        if (n == 2) cp = ((b & 0x1fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3fu);
        if (n == 3)
            cp = ((b & 0x0fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3fu) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3fu);
        const bool c1 = cp >= 0x80 && cp <= 0x9f;
        const bool bidi = (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) ||
                          cp == 0x200e || cp == 0x200f || cp == 0x061c;
        if (c1 || bidi) {
            std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(cp));
            out += buf;
        } else {
            out.append(s, i, n);
        }
        i += n;
    }
}

std::string esc(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 8);
    append_escaped(out, s);
    return out;
}

std::string outcome_class(Outcome o) {
    return "o-" + std::string(harness::to_string(o));
}

std::string ms_text(std::int64_t us) {
    char buf[48];
    const bool neg = us < 0;
    const auto a = static_cast<unsigned long long>(neg ? -us : us);
    std::snprintf(buf, sizeof buf, "%s%llu.%03llu", neg ? "-" : "", a / 1000, a % 1000);
    return buf;
}

// ---------------------------------------------------------------- JSON access

const json* field(const json* doc, const char* key) {
    if (!doc || !doc->is_object()) return nullptr;
    const auto it = doc->find(key);
    return it == doc->end() ? nullptr : &*it;
}

std::string text_of(const json* v) {
    if (!v || v->is_null()) return {};
    if (v->is_string()) return v->get<std::string>();
    return v->dump(-1, ' ', false, json::error_handler_t::replace);
}

bool bool_of(const json* v) {
    return v && v->is_boolean() && v->get<bool>();
}

// "yes" / "no" / "?" when the key is missing.
std::string yes_no(const json* v) {
    if (!v || !v->is_boolean()) return "?";
    return v->get<bool>() ? "yes" : "no";
}

std::string code_text(const json* v) {
    if (!v || v->is_null()) return "none";
    return text_of(v);
}

// Close frames received (rxFrameStats["8"]); nullopt when the report does not say.
std::optional<long long> close_frames_received(const json* doc) {
    const json* stats = field(doc, "rxFrameStats");
    if (!stats || !stats->is_object()) return std::nullopt;
    const json* n = field(stats, "8");
    return n && n->is_number_integer() ? n->get<long long>() : 0;
}

// The peer's close code for a cell: the code, "no code" (a close frame without one),
// "no close" (no close frame), or "none" when the report does not tell these apart.
std::string peer_code_text(const CaseRecord& r) {
    if (r.remote_close_code) return std::to_string(*r.remote_close_code);
    const auto frames = close_frames_received(r.detail.get());
    if (!frames) return "none";
    return *frames > 0 ? "no code" : "no close";
}

// ---------------------------------------------------------------- index.html

struct Counts {
    std::array<std::size_t, 5> by_outcome{};
    std::size_t missing = 0;
    std::size_t total = 0;  // present cases
    std::size_t n(Outcome o) const { return by_outcome[static_cast<std::size_t>(o)]; }
    std::size_t acceptable() const {
        return n(Outcome::pass) + n(Outcome::non_strict) + n(Outcome::informational);
    }
    void add(const CaseRecord* r) {
        if (!r) {
            ++missing;
            return;
        }
        ++total;
        ++by_outcome[static_cast<std::size_t>(r->outcome)];
    }
};

std::string ratio_class(std::size_t ok, std::size_t total) {
    if (total == 0) return "rnone";
    if (ok == total) return "r100";
    const double r = static_cast<double>(ok) / static_cast<double>(total);
    if (r >= 0.95) return "r95";
    if (r >= 0.80) return "r80";
    if (r >= 0.50) return "r50";
    return "r0";
}

// "✔ 32/32", "✘ 30/32" (symbol of the worst outcome, then acceptable / present).
std::string pass_count_html(const std::string& agent, const Counts& c, bool show_agent) {
    Outcome worst = Outcome::pass;
    for (const Outcome o :
         {Outcome::informational, Outcome::non_strict, Outcome::unimplemented, Outcome::fail})
        if (c.n(o) && outcome_severity(o) >= outcome_severity(worst)) worst = o;
    if (worst == Outcome::informational) worst = Outcome::pass;
    std::string title = std::to_string(c.n(Outcome::pass)) + " passed, " +
                        std::to_string(c.n(Outcome::non_strict)) + " non-strict, " +
                        std::to_string(c.n(Outcome::informational)) + " informational, " +
                        std::to_string(c.n(Outcome::unimplemented)) + " unimplemented, " +
                        std::to_string(c.n(Outcome::fail)) + " failed";
    if (c.missing) title += ", " + std::to_string(c.missing) + " not run";
    std::string out = "<span class=\"pc " + ratio_class(c.acceptable(), c.total) + "\" title=\"" +
                      esc(title) + "\">";
    if (show_agent) out += esc(agent) + " ";
    out += c.total ? std::string(outcome_glyph(worst)) : std::string("–");
    out += " " + std::to_string(c.acceptable()) + "/" + std::to_string(c.total);
    if (c.n(Outcome::fail)) out += " (" + std::to_string(c.n(Outcome::fail)) + " failed)";
    out += "</span>";
    return out;
}

bool report_time(const CaseRecord& r) {
    return bool_of(field(r.detail.get(), "reportTime"));
}

// `href` empty: no link.
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
    if (report_time(*r)) text += " · " + std::to_string(r->duration_ms) + " ms";
    std::string out = "<td class=\"cell " + outcome_class(r->outcome) + "\">";
    if (href.empty())
        out += "<span title=\"" + esc(title) + "\">" + esc(text) + "</span>";
    else
        out += "<a href=\"" + esc(href) + "\" title=\"" + esc(title) + "\">" + esc(text) + "</a>";
    return out + "</td>";
}

std::string title_for(const ReportModel& model, const std::string& id) {
    for (const auto& agent : model.agents)
        if (const auto* r = model.find(agent, id); r && !r->title.empty()) return r->title;
    return {};
}

std::string legend_html() {
    std::string out = "<p class=\"legend\">";
    for (const Outcome o : {Outcome::pass, Outcome::non_strict, Outcome::informational,
                            Outcome::unimplemented, Outcome::fail}) {
        out += "<span class=\"" + outcome_class(o) + "\">" + std::string(outcome_glyph(o)) + " " +
               std::string(outcome_label(o)) + "</span>";
    }
    out +=
        "<span class=\"o-missing\">– Not run</span> <span class=\"muted\">Each cell: the "
        "verdict and the close code the peer sent (<q>no code</q>: a close frame without one; "
        "<q>no close</q>: no close frame); it links to the case's page.</span></p>\n";
    return out;
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
        "<option value=\"unimplemented\">∅ unimplemented</option>"
        "<option value=\"missing\">– not run</option>"
        "<option value=\"pass\">✔ pass</option>"
        "</select></label>\n";
    out += "<label>Section<select id=\"f-section\"><option value=\"all\">all</option>";
    for (const auto& [key, title] : sections)
        out += "<option value=\"" + esc(key) + "\">" + esc(title) + "</option>";
    out += "</select></label>\n";
    if (with_diff)
        out += "<label><input type=\"checkbox\" id=\"f-diff\"> only rows that differ</label>\n";
    out += "<span id=\"f-count\" class=\"muted\"></span>\n</div>\n";
    return out;
}

// The outcomes of a row, for the filter: "pass fail missing".
std::string row_outcomes(const std::vector<const CaseRecord*>& cells) {
    std::set<std::string_view> seen;
    for (const auto* r : cells)
        seen.insert(r ? harness::to_string(r->outcome) : std::string_view("missing"));
    std::string out;
    for (const auto name : kAllOutcomes)
        if (seen.count(name)) {
            if (!out.empty()) out.push_back(' ');
            out += name;
        }
    return out;
}

std::string row_html(const std::string& id, const std::string& title,
                     const std::vector<const CaseRecord*>& cells,
                     const std::vector<std::string>& cell_html_parts, bool differs) {
    std::string out = "<tr id=\"c-" + esc(id) + "\" data-s=\"" + esc(section_of(id)) +
                      "\" data-v=\"" + row_outcomes(cells) + "\"";
    out += differs ? " data-diff=\"1\">" : ">";
    out += "<td class=\"id\"><a href=\"#c-" + esc(id) + "\">" + esc(id) + "</a></td>";
    out += "<td class=\"title\">" + esc(title) + "</td>";
    for (const auto& c : cell_html_parts) out += c;
    out += "</tr>\n";
    return out;
}

// The case's "started" stamps give the run's time span (from the data, so output is stable).
std::pair<std::string, std::string> started_range(const ReportModel& model) {
    std::string first, last;
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, r] : entries) {
            const std::string s = text_of(field(r.detail.get(), "started"));
            if (s.empty()) continue;
            if (first.empty() || s < first) first = s;
            if (last.empty() || s > last) last = s;
        }
    return {first, last};
}

}  // namespace

std::string html_escape(std::string_view text) {
    return esc(text);
}

std::string render_index_page(const ReportModel& model, const harness::SectionTitles& titles) {
    std::string out(kHead);
    out += "<title>wsconform report</title>\n";
    out += style_html();
    out += "</head>\n<body>\n<header>\n<h1>wsconform report</h1>\n";

    // Per-agent counts over every case of the folder.
    std::map<std::string, Counts> totals;
    Counts all;
    for (const auto& agent : model.agents)
        for (const auto& id : model.case_ids) {
            const auto* r = model.find(agent, id);
            totals[agent].add(r);
            all.add(r);
        }

    const std::size_t failed = all.n(Outcome::fail);
    if (model.agents.empty()) {
        out += "<p class=\"verdict o-missing\">– No results: index.json lists no case.</p>\n";
    } else if (failed) {
        out += "<p class=\"verdict o-fail\" id=\"verdict\">✘ Fail: " + std::to_string(failed) +
               " of " + std::to_string(all.total) + " results failed</p>\n";
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
        out += "<p class=\"muted\">Cases started from " + esc(first) + " to " + esc(last) +
               " (UTC).</p>\n";

    out +=
        "<table class=\"agents\"><thead><tr><th>Agent</th><th>Cases</th><th>✔ Pass</th>"
        "<th>~ Non-strict</th><th>ℹ Informational</th><th>∅ Unimplemented</th>"
        "<th>✘ Fail</th><th>– Not run</th><th>Verdict</th></tr></thead><tbody>\n";
    for (const auto& agent : model.agents) {
        const Counts& c = totals[agent];
        auto n = [](std::size_t v) { return "<td class=\"n\">" + std::to_string(v) + "</td>"; };
        out += "<tr><th>" + esc(agent) + "</th>" + n(c.total) + n(c.n(Outcome::pass)) +
               n(c.n(Outcome::non_strict)) + n(c.n(Outcome::informational)) +
               n(c.n(Outcome::unimplemented));
        out += "<td class=\"n\">";
        if (c.n(Outcome::fail))
            out += "<a href=\"#verdict=fail&amp;section=all\">" +
                   std::to_string(c.n(Outcome::fail)) + "</a>";
        else
            out += "0";
        out += "</td>" + n(c.missing);
        out += c.n(Outcome::fail) ? "<td class=\"o-fail\">✘ Fail</td>"
                                  : "<td class=\"o-pass\">✔ Pass</td>";
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
            out += "<li>✘ <a href=\"" + esc(r->html_file) + "\">" + esc(r->id) + "</a> " +
                   esc(r->title) + " <span class=\"muted\">[" + esc(r->agent) + "] — " +
                   esc(r->outcome_reason) + "</span></li>\n";
        }
        if (failures.size() > 50)
            out += "<li class=\"muted\">… and " + std::to_string(failures.size() - 50) +
                   " more (filter the matrix by ✘ fail)</li>\n";
        out += "</ul></details>\n";
    }

    out += legend_html();

    // Sections in order of first appearance (case_ids are in natural order).
    std::vector<std::pair<std::string, std::string>> sections;
    for (const auto& id : model.case_ids) {
        const std::string s = section_of(id);
        if (sections.empty() || sections.back().first != s) {
            const bool seen = std::any_of(sections.begin(), sections.end(),
                                          [&](const auto& p) { return p.first == s; });
            if (!seen) sections.emplace_back(s, titles.section(s));
        }
    }
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
        out += "<details class=\"section\" id=\"s-" + esc(section) + "\" data-section=\"" +
               esc(section) + "\"" + (any_problem ? " open" : "") +
               ">\n<summary><span class=\"sname\">" + esc(stitle) +
               "</span> <span class=\"muted\">" + std::to_string(ids.size()) +
               (ids.size() == 1 ? " case" : " cases") + "</span> ";
        for (const auto& agent : model.agents)
            out += pass_count_html(agent, counts[agent], true) + " ";
        out +=
            "</summary>\n<div class=\"scroll\"><table class=\"matrix\"><thead><tr><th>Case</th>"
            "<th>Title</th>";
        for (const auto& agent : model.agents) out += "<th>" + esc(agent) + "</th>";
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
                    out += "<tr class=\"sub\" data-subhead=\"" + esc(sub) +
                           "\"><th colspan=\"2\">" + esc(titles.subsection(sub)) + "</th>";
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
    out += kFooter;
    out += filter_script_html();
    out += "</body>\n</html>\n";
    return out;
}

// ---------------------------------------------------------------- per-case page

namespace {

std::string events_html(const json* events) {
    if (!events || !events->is_array()) return "<span class=\"muted\">?</span>";
    if (events->empty()) return "<span class=\"muted\">nothing</span>";
    std::string out = "<ol>";
    for (const auto& e : *events) {
        out += "<li>";
        if (e.is_array() && !e.empty() && e[0].is_string()) {
            const std::string kind = e[0].get<std::string>();
            if (kind == "message") {
                const bool binary = e.size() > 2 && e[2].is_boolean() && e[2].get<bool>();
                out += binary ? "binary message " : "text message ";
            } else {
                out += esc(kind) + " ";
            }
            if (e.size() > 1) out += "<code>" + esc(text_of(&e[1])) + "</code>";
        } else {
            out += "<code>" + esc(text_of(&e)) + "</code>";
        }
        out += "</li>";
    }
    out += "</ol>";
    return out;
}

std::string expected_html(const json* doc) {
    const json* expected = field(doc, "expected");
    std::string out;
    if (expected && expected->is_object()) {
        // Autobahn's order: OK first, then NON-STRICT, then anything else.
        std::vector<std::string> keys;
        for (const auto& [k, v] : expected->items()) keys.push_back(k);
        std::stable_sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
            auto rank = [](const std::string& k) {
                return k == "OK" ? 0 : k == "NON-STRICT" ? 1 : 2;
            };
            return rank(a) < rank(b);
        });
        for (const auto& k : keys)
            out +=
                "<div><strong>" + esc(k) + "</strong>: " + events_html(&(*expected)[k]) + "</div>";
    } else {
        out += "<span class=\"muted\">not recorded</span>";
    }
    return out;
}

std::string expected_close_html(const json* doc) {
    const json* ec = field(doc, "expectedClose");
    if (!ec || !ec->is_object()) return "<span class=\"muted\">not recorded</span>";
    std::string out = bool_of(field(ec, "closedByMe"))
                          ? "wsconform starts the closing handshake; the peer replies with "
                          : "the peer closes (or fails the connection) with ";
    const json* codes = field(ec, "closeCode");
    if (codes && codes->is_array() && !codes->empty()) {
        out += "code ";
        for (std::size_t i = 0; i < codes->size(); ++i) {
            if (i) out += i + 1 == codes->size() ? " or " : ", ";
            out += esc(text_of(&(*codes)[i]));
        }
    } else {
        out += "any code";
    }
    out += bool_of(field(ec, "requireClean")) ? "; the close must be clean" : "; clean or not";
    if (bool_of(field(ec, "closedByWrongEndpointIsFatal")))
        out += "; the wrong endpoint closing fails the case";
    return out;
}

std::string observed_close_html(const json* doc) {
    if (!doc) return "<span class=\"muted\">not recorded</span>";
    const json* remote = field(doc, "remoteCloseCode");
    const bool has_code = remote && !remote->is_null();
    const auto frames = close_frames_received(doc);
    std::string out;
    if (bool_of(field(doc, "closedByMe")))
        out = "wsconform started the closing handshake; ";
    else if (bool_of(field(doc, "failedByMe")))
        out = "wsconform failed the connection; ";
    if (has_code)
        out += "the peer sent close code " + esc(text_of(remote));
    else if (frames && *frames > 0)
        out += "the peer sent a close frame without a status code";
    else
        out += "no close frame from the peer";
    const std::string reason = text_of(field(doc, "remoteCloseReason"));
    if (!reason.empty()) out += " with reason <code>" + esc(reason) + "</code>";
    const json* clean = field(doc, "wasClean");
    if (clean && clean->is_boolean()) {
        out += clean->get<bool>() ? "; clean" : "; not clean";
        const std::string why = text_of(field(doc, "wasNotCleanReason"));
        if (!clean->get<bool>() && !why.empty()) out += " (" + esc(why) + ")";
    }
    if (bool_of(field(doc, "droppedByMe"))) out += "; wsconform dropped the TCP connection";
    return out;
}

std::string row_of(std::string_view name, const std::string& value_html) {
    return "<tr><th>" + esc(name) + "</th><td>" + value_html + "</td></tr>\n";
}

std::string close_table_html(const json* doc) {
    std::string who;
    if (bool_of(field(doc, "closedByMe")))
        who = "wsconform (it sent the first close frame)";
    else if (const json* rc = field(doc, "remoteCloseCode");
             (rc && !rc->is_null()) || close_frames_received(doc).value_or(0) > 0)
        who =
            "the peer (it sent the first close frame, or answered wsconform's failing of the "
            "connection)";
    else
        who = "nobody sent a close frame first: the TCP connection ended";
    std::string out = "<table class=\"close\"><tbody>\n";
    out += row_of("Who closed", esc(who));
    out += row_of("Failed by wsconform", yes_no(field(doc, "failedByMe")));
    out += row_of("TCP dropped by wsconform", yes_no(field(doc, "droppedByMe")));
    out += row_of("wsconform's close code", esc(code_text(field(doc, "localCloseCode"))));
    out += row_of("wsconform's close reason",
                  "<code>" + esc(text_of(field(doc, "localCloseReason"))) + "</code>");
    std::string peer_code = code_text(field(doc, "remoteCloseCode"));
    if (const auto frames = close_frames_received(doc); frames && peer_code == "none")
        peer_code =
            *frames > 0 ? "none (a close frame without a status code)" : "none (no close frame)";
    out += row_of("Peer's close code", esc(peer_code));
    out += row_of("Peer's close reason",
                  "<code>" + esc(text_of(field(doc, "remoteCloseReason"))) + "</code>");
    out += row_of("Clean", yes_no(field(doc, "wasClean")));
    const std::string why = text_of(field(doc, "wasNotCleanReason"));
    if (!why.empty()) out += row_of("Why not clean", esc(why));
    out += row_of("Opening handshake timed out", yes_no(field(doc, "wasOpenHandshakeTimeout")));
    out += row_of("Closing handshake timed out", yes_no(field(doc, "wasCloseHandshakeTimeout")));
    out +=
        row_of("Server's TCP drop timed out", yes_no(field(doc, "wasServerConnectionDropTimeout")));
    out += "</tbody></table>\n";
    return out;
}

std::string opcode_name(const json* v) {
    if (!v || !v->is_number_integer()) return esc(text_of(v));
    switch (v->get<long long>()) {
        case 0:
            return "continuation";
        case 1:
            return "text";
        case 2:
            return "binary";
        case 8:
            return "close";
        case 9:
            return "ping";
        case 10:
            return "pong";
        default:
            return "reserved opcode " + std::to_string(v->get<long long>());
    }
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// "4745..." (maybe + " ...") -> bytes; false when it is not hex.
bool parse_hex(std::string_view hex, std::string& bytes, bool& cut) {
    cut = false;
    if (hex.ends_with(" ...")) {
        cut = true;
        hex.remove_suffix(4);
    }
    if (hex.size() % 2) return false;
    bytes.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const int hi = hex_value(hex[i]), lo = hex_value(hex[i + 1]);
        if (hi < 0 || lo < 0) return false;
        bytes.push_back(static_cast<char>(hi * 16 + lo));
    }
    return true;
}

// A classic dump: offset, 16 bytes in hex, the same as ASCII.
std::string hexdump_html(std::string_view hex) {
    std::string bytes;
    bool cut = false;
    if (!parse_hex(hex, bytes, cut)) return esc(hex);
    std::string out;
    char buf[24];
    for (std::size_t at = 0; at < bytes.size(); at += 16) {
        std::snprintf(buf, sizeof buf, "%04zx  ", at);
        out += buf;
        std::string ascii;
        for (std::size_t i = 0; i < 16; ++i) {
            if (at + i < bytes.size()) {
                const auto b = static_cast<unsigned char>(bytes[at + i]);
                std::snprintf(buf, sizeof buf, "%02x ", b);
                out += buf;
                ascii.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
            } else {
                out += "   ";
            }
            if (i == 7) out.push_back(' ');
        }
        out += " " + esc(ascii) + "\n";
    }
    if (cut) out += "…\n";
    return out;
}

// A close frame's payload ("0x03e8..." or text) as "code 1000, reason «...»".
std::string close_payload_html(const std::string& payload) {
    std::string bytes;
    bool cut = false;
    if (payload.starts_with("0x")) {
        if (!parse_hex(std::string_view(payload).substr(2), bytes, cut)) return {};
    } else {
        bytes = payload;
        if (bytes.ends_with(" ...")) bytes.resize(bytes.size() - 4), cut = true;
    }
    if (bytes.size() < 2) return bytes.empty() ? "no status code" : "";
    const unsigned code =
        static_cast<unsigned char>(bytes[0]) * 256u + static_cast<unsigned char>(bytes[1]);
    std::string out = "code " + std::to_string(code);
    if (bytes.size() > 2) {
        const std::string reason = bytes.substr(2);
        out += detail::is_valid_utf8(reason) || cut
                   ? ", reason «" + esc(reason) + (cut ? "…" : "") + "»"
                   : ", reason not UTF-8: 0x" + esc(protocol::hex_encode(reason));
    }
    return out;
}

std::string wire_row_html(const json& row, const json* time_us, std::size_t n) {
    if (!row.is_array() || row.empty() || !row[0].is_string())
        return "<tr class=\"note\"><td>" + std::to_string(n) +
               "</td><td class=\"t\"></td>"
               "<td class=\"k\">?</td><td></td><td>" +
               esc(text_of(&row)) + "</td></tr>\n";
    const std::string kind = row[0].get<std::string>();
    auto at = [&](std::size_t i) -> const json* { return i < row.size() ? &row[i] : nullptr; };
    std::string dir, what, data, cls = "note";
    if (kind == "TO" || kind == "RO") {
        const bool tx = kind == "TO";
        cls = tx ? "tx" : "rx";
        dir = tx ? "→" : "←";
        const json* octets = at(1);
        std::string len, hex;
        if (octets && octets->is_array() && octets->size() >= 2) {
            len = text_of(&(*octets)[0]);
            hex = text_of(&(*octets)[1]);
        }
        what = std::string(tx ? "octets sent" : "octets received") + ", " + esc(len) + " B";
        if (tx && bool_of(at(2))) what += ", sync";
        data = hexdump_html(hex);
    } else if (kind == "TF" || kind == "RF") {
        const bool tx = kind == "TF";
        cls = tx ? "tx" : "rx";
        dir = tx ? "→" : "←";
        const json* payload = at(1);
        std::string len, text;
        if (payload && payload->is_array() && payload->size() >= 2) {
            len = text_of(&(*payload)[0]);
            text = text_of(&(*payload)[1]);
        }
        what = std::string(tx ? "frame sent: " : "frame received: ") + esc(opcode_name(at(2)));
        what += bool_of(at(3)) ? " FIN" : " no FIN";
        const std::string rsv = text_of(at(4));
        if (!rsv.empty() && rsv != "0") what += " RSV=" + esc(rsv);
        what += ", " + esc(len) + " B";
        if (tx) {
            const std::string mask = text_of(at(5));
            what += mask.empty() ? ", unmasked" : ", mask " + esc(mask);
            if (const std::string rep = text_of(at(6)); !rep.empty())
                what += ", payload repeated to " + esc(rep) + " B";
            if (const std::string chop = text_of(at(7)); !chop.empty())
                what += ", sent in chops of " + esc(chop) + " B";
            if (bool_of(at(8))) what += ", sync";
        } else {
            const std::string mask = text_of(at(6));
            what += bool_of(at(5)) ? ", masked" + (mask.empty() ? "" : " " + esc(mask))
                                   : std::string(", unmasked");
        }
        if (at(2) && at(2)->is_number_integer() && at(2)->get<long long>() == 8) {
            const std::string decoded = close_payload_html(text);
            if (!decoded.empty()) what += "; " + decoded;
        }
        data = esc(text);
    } else if (kind == "CT") {
        what = "wait " + esc(text_of(at(1))) + " s, then continue";
        if (const std::string tag = text_of(at(2)); !tag.empty()) what += " (" + esc(tag) + ")";
    } else if (kind == "CTE") {
        what = "wait over, continue";
        if (const std::string tag = text_of(at(1)); !tag.empty()) what += " (" + esc(tag) + ")";
    } else if (kind == "KL") {
        what = "kill timer set: drop the connection in " + esc(text_of(at(1))) + " s";
    } else if (kind == "KLE") {
        what = "kill timer fired";
    } else if (kind == "TI") {
        what = "close timer set: start closing in " + esc(text_of(at(1))) + " s";
    } else if (kind == "TIE") {
        what = "close timer fired";
    } else if (kind == "WLM") {
        what = bool_of(at(1)) ? "wire log switched on" : "wire log switched off (bulk traffic)";
    } else {
        what = esc(kind);
        if (row.size() > 1) data = esc(text_of(at(1)));
    }
    std::string t;
    if (time_us && time_us->is_number_integer()) t = ms_text(time_us->get<std::int64_t>());
    return "<tr class=\"" + cls + "\"><td>" + std::to_string(n) + "</td><td class=\"t\">" + t +
           "</td><td class=\"k\">" + esc(kind) + " " + dir + "</td><td>" + what + "</td><td>" +
           data + "</td></tr>\n";
}

std::string wirelog_html(const json* doc) {
    const json* rows = field(doc, "wirelog");
    if (!rows || !rows->is_array() || rows->empty())
        return "<p class=\"muted\">No wire log in this report.</p>\n";
    const json* times = field(doc, "wirelogTimesUs");
    const bool have_times = times && times->is_array() && times->size() == rows->size();
    std::string out;
    if (!have_times)
        out += "<p class=\"muted\">No timestamps (wirelogTimesUs) in this report.</p>\n";
    out +=
        "<table class=\"wire\" id=\"wirelog\"><thead><tr><th>#</th><th>ms</th><th>Row</th>"
        "<th>What</th><th>Data (hex dump, or payload as text / 0x hex)</th></tr></thead>"
        "<tbody>\n";
    for (std::size_t i = 0; i < rows->size(); ++i)
        out += wire_row_html((*rows)[i], have_times ? &(*times)[i] : nullptr, i + 1);
    out += "</tbody></table>\n";
    const json* dropped = field(doc, "wirelogDroppedRows");
    if (dropped && dropped->is_number_integer() && dropped->get<long long>() > 0)
        out += "<p class=\"muted\">" + esc(text_of(dropped)) +
               " more rows were dropped (the wire log is capped).</p>\n";
    return out;
}

std::string stats_html(const json* doc) {
    std::string out;
    const std::pair<const char*, const char*> tables[] = {
        {"txFrameStats", "Frames sent (by opcode)"},
        {"rxFrameStats", "Frames received (by opcode)"},
        {"txOctetStats", "Socket writes (by size in octets)"},
        {"rxOctetStats", "Socket reads (by size in octets)"},
    };
    for (const auto& [key, caption] : tables) {
        const json* t = field(doc, key);
        if (!t || !t->is_object() || t->empty()) continue;
        const bool frames = std::string_view(key).ends_with("FrameStats");
        // Keys are decimal numbers: sort them as numbers.
        std::vector<std::pair<std::string, const json*>> items;
        for (const auto& [k, v] : t->items()) items.emplace_back(k, &v);
        std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
            if (a.first.size() != b.first.size()) return a.first.size() < b.first.size();
            return a.first < b.first;
        });
        out += "<table class=\"stats\"><caption>" + esc(caption) + "</caption><tbody>\n";
        for (const auto& [k, v] : items) {
            std::string label = esc(k);
            if (frames) {
                try {
                    const json code = std::stoll(k);
                    label += " (" + esc(opcode_name(&code)) + ")";
                } catch (const std::exception&) {
                }
            }
            out += "<tr><th>" + label + "</th><td>" + esc(text_of(v)) + "</td></tr>\n";
        }
        out += "</tbody></table>\n";
    }
    if (const json* traffic = field(doc, "trafficStats"); traffic && traffic->is_object()) {
        out += "<table class=\"stats\"><caption>Traffic (trafficStats)</caption><tbody>\n";
        for (const auto& [k, v] : traffic->items())
            out += "<tr><th>" + esc(k) + "</th><td>" + esc(text_of(&v)) + "</td></tr>\n";
        out += "</tbody></table>\n";
    }
    return out.empty() ? "<p class=\"muted\">No statistics in this report.</p>\n" : out;
}

}  // namespace

std::string render_case_page(const CaseRecord& r, const harness::SectionTitles& titles) {
    const json* doc = r.detail.get();
    std::string out(kHead);
    out += "<title>" + esc(r.id) + " " + esc(r.title) + " — " + esc(r.agent) +
           " — wsconform</title>\n";
    out += style_html();
    out += "</head>\n<body>\n<header>\n<p><a href=\"index.html#c-" + esc(r.id) +
           "\">← All results</a></p>\n";
    out += "<h1>" + esc(r.id) + " " + esc(r.title) + "</h1>\n";
    out += "<p class=\"verdict " + outcome_class(r.outcome) + "\" id=\"outcome\">" +
           std::string(outcome_glyph(r.outcome)) + " " + std::string(outcome_label(r.outcome)) +
           "</p> <span>" + esc(r.outcome_reason) + "</span>\n";
    out += "<p>Agent <strong>" + esc(r.agent) + "</strong>";
    if (const json* is_server = field(doc, "isServer"); is_server && is_server->is_boolean())
        out += is_server->get<bool>() ? " — a client, tested by wsconform as the server"
                                      : " — a server, tested by wsconform as the client";
    out += "</p>\n</header>\n<main>\n";
    if (!r.detail_error.empty())
        out += "<p class=\"verdict o-missing\">The case file could not be read (" +
               esc(r.detail_error) + "): this page shows what index.json holds.</p>\n";

    out += "<h2>The case</h2>\n<dl class=\"facts\">\n";
    auto fact = [&](std::string_view name, const std::string& value_html) {
        if (value_html.empty()) return;
        out += "<dt>" + esc(name) + "</dt><dd>" + value_html + "</dd>\n";
    };
    std::string section = titles.section(section_of(r.id));
    if (const std::string sub = subsection_of(r.id); !sub.empty())
        section += " / " + titles.subsection(sub);
    fact("Section", esc(section));
    fact("Requirement", esc(text_of(field(doc, "requirement"))));
    if (const json* rfc = field(doc, "rfc"); rfc && rfc->is_array()) {
        std::string list;
        for (const auto& s : *rfc) list += (list.empty() ? "" : ", ") + esc(text_of(&s));
        fact("RFC", list);
    }
    fact("Level", esc(text_of(field(doc, "level"))));
    fact("Description", esc(text_of(field(doc, "description"))));
    fact("Expectation", esc(text_of(field(doc, "expectation"))));
    fact("Started", esc(text_of(field(doc, "started"))));
    fact("Duration", std::to_string(r.duration_ms) + " ms");
    fact("Case file", r.json_file.empty()
                          ? std::string()
                          : "<a href=\"" + esc(r.json_file) + "\">" + esc(r.json_file) + "</a>");
    if (const std::string err = text_of(field(doc, "harnessError")); !err.empty())
        fact("Harness error", esc(err) + (r.harness_fault ? " (before the WebSocket opened)" : ""));
    out += "</dl>\n";

    out +=
        "<h2>Expected vs observed</h2>\n<table class=\"evo\" id=\"evo\"><thead><tr><th></th>"
        "<th>Expected</th><th>Observed</th></tr></thead><tbody>\n";
    out += "<tr><th>Messages and pongs</th><td>" + expected_html(doc) + "</td><td>" +
           events_html(field(doc, "received")) + "</td></tr>\n";
    out += "<tr><th>Close</th><td>" + expected_close_html(doc) + "</td><td>" +
           observed_close_html(doc) + "</td></tr>\n";
    out += "<tr><th>Verdict</th><td colspan=\"2\"><strong>behavior " +
           esc(harness::to_string(r.behavior)) +
           "</strong>: " + esc(text_of(field(doc, "result"))) + "<br><strong>behaviorClose " +
           esc(harness::to_string(r.behavior_close)) +
           "</strong>: " + esc(text_of(field(doc, "resultClose"))) + "</td></tr>\n";
    out += "</tbody></table>\n";

    out += "<h2>Close handshake</h2>\n" + close_table_html(doc);

    out += "<h2>Opening handshake</h2>\n";
    out += "<pre id=\"http-request\">" + esc(text_of(field(doc, "httpRequest"))) + "</pre>\n";
    out += "<pre id=\"http-response\">" + esc(text_of(field(doc, "httpResponse"))) + "</pre>\n";

    out += "<h2>Wire log</h2>\n" + wirelog_html(doc);
    out += "<h2>Statistics</h2>\n" + stats_html(doc);
    out += "</main>\n";
    out += kFooter;
    out += "</body>\n</html>\n";
    return out;
}

// ---------------------------------------------------------------- compare.html

std::string render_compare_page(const Comparison& cmp, const std::filesystem::path& out_dir,
                                bool all, const harness::SectionTitles& titles) {
    std::string out(kHead);
    out += "<title>wsconform comparison</title>\n";
    out += style_html();
    out += "</head>\n<body data-diff-default=\"" + std::string(all ? "0" : "1") +
           "\">\n<header>\n<h1>wsconform comparison</h1>\n<ul>\n";
    for (std::size_t i = 0; i < cmp.sources.size(); ++i)
        out += "<li>Run " + std::to_string(i + 1) + ": <code>" + esc(cmp.sources[i]) +
               "</code></li>\n";
    out += "</ul>\n";
    std::size_t differing = 0;
    for (const auto& row : cmp.rows) differing += row.differs ? 1 : 0;
    out += "<p>" + std::to_string(cmp.rows.size()) + " cases, " + std::to_string(differing) +
           " of them differ across the columns.</p>\n";
    out += legend_html();

    std::vector<std::pair<std::string, std::string>> sections;
    for (const auto& row : cmp.rows) {
        const std::string s = section_of(row.id);
        if (std::none_of(sections.begin(), sections.end(),
                         [&](const auto& p) { return p.first == s; }))
            sections.emplace_back(s, titles.section(s));
    }
    out += filters_html(sections, true);
    out += "</header>\n<main>\n<table class=\"matrix\"><thead><tr><th>Case</th><th>Title</th>";
    std::vector<Counts> counts(cmp.columns.size());
    for (const auto& row : cmp.rows)
        for (std::size_t c = 0; c < row.cells.size(); ++c) counts[c].add(row.cells[c]);
    for (std::size_t c = 0; c < cmp.columns.size(); ++c)
        out += "<th>" + esc(cmp.columns[c].label) + "<br>" +
               pass_count_html(cmp.columns[c].agent, counts[c], false) + "</th>";
    out += "</tr></thead>\n<tbody>\n";
    std::error_code ec;
    for (const auto& row : cmp.rows) {
        std::vector<std::string> parts;
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const CaseRecord* r = row.cells[c];
            std::string href;
            if (r) {
                // Point the link at the run's own folder, when the page is there.
                const auto page = cmp.runs[cmp.columns[c].run].dir / r->html_file;
                if (std::filesystem::exists(page, ec)) {
                    auto rel = std::filesystem::relative(page, out_dir, ec);
                    if (ec || rel.empty()) rel = std::filesystem::absolute(page, ec);
                    href = rel.generic_string();
                }
            }
            std::string cell = cell_html(r, href);
            parts.push_back(std::move(cell));
        }
        out += row_html(row.id, row.title, row.cells, parts, row.differs);
    }
    out += "</tbody></table>\n</main>\n";
    out +=
        "<footer>Rendered by <code>wsconform compare</code> from the runs' index.json and "
        "case files. Nothing on this page is fetched from the network.</footer>\n";
    out += filter_script_html();
    out += "</body>\n</html>\n";
    return out;
}

}  // namespace wsconform::reports
