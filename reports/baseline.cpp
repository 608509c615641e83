#include "reports/baseline.h"

#include "reports/autobahn_json.h"

#include <algorithm>
#include <array>
#include <map>
#include <ostream>
#include <set>

namespace wsconform::reports {

using harness::Outcome;

namespace {

// Text from a report for a terminal: control characters and bytes that are not UTF-8 become
// '?', so a report cannot move the cursor or recolour the screen.
std::string term_safe(std::string_view raw) {
    const std::string s = detail::valid_utf8(raw);
    std::string out;
    for (std::size_t i = 0; i < s.size();) {
        const std::size_t n = detail::utf8_sequence_length(s, i);
        const auto b = static_cast<unsigned char>(s[i]);
        const bool c1 = n == 2 && b == 0xc2 && static_cast<unsigned char>(s[i + 1]) < 0xa0;
        const bool bidi = n == 3 && b == 0xe2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
                          static_cast<unsigned char>(s[i + 2]) >= 0xaa &&
                          static_cast<unsigned char>(s[i + 2]) <= 0xae;
        if ((n == 1 && (b < 0x20 || b == 0x7f)) || c1 || bidi)
            out.push_back('?');
        else
            out.append(s, i, n);
        i += n ? n : 1;
    }
    return out;
}

// Display width, counting code points (the symbols we print are one column wide).
std::size_t width(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s)
        if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++n;
    return n;
}

// At most `max` columns, "…" marking a cut.
std::string fit(const std::string& s, std::size_t max) {
    if (width(s) <= max) return s;
    std::string out;
    std::size_t n = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if ((static_cast<unsigned char>(s[i]) & 0xc0) != 0x80 && ++n > max - 1) break;
        out.push_back(s[i]);
    }
    return out + "…";
}

std::string pad(const std::string& s, std::size_t w) {
    const std::size_t have = width(s);
    return have >= w ? s : s + std::string(w - have, ' ');
}

std::string cell_text(const CaseRecord* r) {
    if (!r) return "-";
    return std::string(outcome_glyph(r->outcome)) + " " +
           (r->remote_close_code ? std::to_string(*r->remote_close_code) : std::string("none"));
}

bool change_less(const BaselineChange& a, const BaselineChange& b) {
    if (a.agent != b.agent) return a.agent < b.agent;
    return harness::case_id_less(a.id, b.id);
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
    return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

void print_change(std::ostream& out, const BaselineChange& c, bool color) {
    const std::string before =
        c.before ? std::string(harness::to_string(*c.before)) : std::string("new");
    out << "  " << paint(outcome_color(c.after), std::string(outcome_glyph(c.after)), color) << ' '
        << term_safe(c.id);
    if (!c.title.empty()) out << "  " << term_safe(c.title);
    out << "  [" << term_safe(c.agent) << "] " << before << " → "
        << paint(outcome_color(c.after), std::string(harness::to_string(c.after)), color);
    if (!c.reason.empty()) out << " — " << term_safe(c.reason);
    out << '\n';
}

}  // namespace

ReportModel load_baseline(const std::filesystem::path& path) {
    return load_report(path, true);
}

BaselineComparison compare_to_baseline(const ReportModel& baseline,
                                       const std::vector<SummaryRow>& current) {
    BaselineComparison cmp;
    std::set<std::string> noted;
    for (const auto& row : current) {
        std::string base_agent = row.agent;
        if (!baseline.cases.count(row.agent) && baseline.agents.size() == 1) {
            base_agent = baseline.agents.front();
            if (noted.insert(row.agent).second)
                cmp.notes.push_back("agent '" + row.agent +
                                    "' is not in the baseline: compared with its only agent '" +
                                    base_agent + "'");
        }
        BaselineChange change{row.agent, row.id, row.title, std::nullopt, row.outcome, row.reason};
        const CaseRecord* before = baseline.find(base_agent, row.id);
        if (!before) {
            cmp.new_cases.push_back(std::move(change));
            continue;
        }
        change.before = before->outcome;
        if (change.title.empty()) change.title = before->title;
        const int was = outcome_severity(before->outcome), now = outcome_severity(row.outcome);
        if (now > was)
            cmp.regressions.push_back(std::move(change));
        else if (now < was)
            cmp.improvements.push_back(std::move(change));
        else
            ++cmp.unchanged;
    }
    std::sort(cmp.regressions.begin(), cmp.regressions.end(), change_less);
    std::sort(cmp.improvements.begin(), cmp.improvements.end(), change_less);
    std::sort(cmp.new_cases.begin(), cmp.new_cases.end(), change_less);
    return cmp;
}

bool BaselineComparison::has_regressions(bool strict) const noexcept {
    return !regressions.empty() ||
           (strict && std::any_of(new_cases.begin(), new_cases.end(),
                                  [](const auto& c) { return c.after != Outcome::pass; }));
}

void print_baseline(std::ostream& out, const BaselineComparison& cmp, bool color) {
    out << '\n';
    for (const auto& note : cmp.notes) out << "Baseline: " << term_safe(note) << '\n';
    const std::string line =
        "Baseline: " + plural(cmp.regressions.size(), "regression", "regressions") + ", " +
        plural(cmp.improvements.size(), "improvement", "improvements") + ", " +
        plural(cmp.new_cases.size(), "new case", "new cases") + " (" +
        std::to_string(cmp.unchanged) + " unchanged)";
    out << paint(
               cmp.has_regressions() ? outcome_color(Outcome::fail) : outcome_color(Outcome::pass),
               line, color)
        << '\n';
    const auto print_list = [&](std::string_view heading, const auto& changes, auto shown) {
        if (std::none_of(changes.begin(), changes.end(), shown)) return;
        out << heading << '\n';
        for (const auto& c : changes)
            if (shown(c)) print_change(out, c, color);
    };
    const auto every = [](const BaselineChange&) { return true; };
    print_list("Regressions:", cmp.regressions, every);
    print_list("Improvements:", cmp.improvements, every);
    print_list("New cases, not in the baseline (they fail the run only with --strict):",
               cmp.new_cases, [](const BaselineChange& c) { return c.after != Outcome::pass; });
}

// ---- Side by side.

Comparison compare_runs(const std::vector<std::filesystem::path>& sources) {
    Comparison cmp;
    for (const auto& source : sources) {
        cmp.runs.push_back(load_report(source, true));
        cmp.sources.push_back(source.string());
    }
    std::map<std::string, int> agent_uses;
    for (const auto& run : cmp.runs)
        for (const auto& agent : run.agents) ++agent_uses[agent];
    std::set<std::string> labels;
    for (std::size_t i = 0; i < cmp.runs.size(); ++i) {
        const auto& run = cmp.runs[i];
        for (const auto& agent : run.agents) {
            std::string label = agent;
            if (agent_uses[agent] > 1) {
                std::filesystem::path folder = std::filesystem::is_directory(sources[i])
                                                   ? sources[i]
                                                   : sources[i].parent_path();
                folder = folder.lexically_normal();
                std::string name = folder.filename().string();
                if (name.empty() || name == ".")
                    name = std::filesystem::absolute(folder).lexically_normal().filename().string();
                label = name + ": " + agent;
            }
            if (!labels.insert(label).second) {
                label = std::to_string(i + 1) + ": " + agent;
                labels.insert(label);
            }
            cmp.columns.push_back({label, agent, i});
        }
    }
    std::vector<std::string> ids;
    for (const auto& run : cmp.runs)
        ids.insert(ids.end(), run.case_ids.begin(), run.case_ids.end());
    std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
        if (harness::case_id_less(a, b)) return true;
        if (harness::case_id_less(b, a)) return false;
        return a < b;
    });
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    for (const auto& id : ids) {
        CompareRow row;
        row.id = id;
        for (const auto& col : cmp.columns) {
            const CaseRecord* r = cmp.runs[col.run].find(col.agent, id);
            row.cells.push_back(r);
            if (r && row.title.empty()) row.title = r->title;
        }
        for (const auto* r : row.cells) {
            const auto* first = row.cells.front();
            if ((r == nullptr) != (first == nullptr) || (r && r->outcome != first->outcome))
                row.differs = true;
        }
        cmp.rows.push_back(std::move(row));
    }
    return cmp;
}

void print_comparison(std::ostream& out, const Comparison& cmp, bool all, bool color) {
    constexpr std::size_t kTitleWidth = 44, kColumnWidth = 22;
    std::size_t id_width = 4;
    for (const auto& row : cmp.rows) id_width = std::max(id_width, width(term_safe(row.id)));
    id_width = std::min<std::size_t>(id_width, 16);
    std::vector<std::size_t> widths;
    for (const auto& col : cmp.columns)
        widths.push_back(std::clamp<std::size_t>(width(term_safe(col.label)), 8, kColumnWidth));

    for (std::size_t i = 0; i < cmp.sources.size(); ++i)
        out << "Run " << i + 1 << ": " << term_safe(cmp.sources[i]) << '\n';
    out << pad("Case", id_width) << "  " << pad("Title", kTitleWidth);
    for (std::size_t c = 0; c < cmp.columns.size(); ++c)
        out << " | " << pad(fit(term_safe(cmp.columns[c].label), widths[c]), widths[c]);
    out << '\n';
    std::size_t differing = 0, shown = 0;
    for (const auto& row : cmp.rows) {
        if (row.differs) ++differing;
        if (!all && !row.differs) continue;
        ++shown;
        out << pad(fit(term_safe(row.id), id_width), id_width) << "  "
            << pad(fit(term_safe(row.title), kTitleWidth), kTitleWidth);
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            const CaseRecord* r = row.cells[c];
            const std::string text = pad(cell_text(r), widths[c]);
            out << " | " << (r ? paint(outcome_color(r->outcome), text, color) : text);
        }
        out << '\n';
    }
    if (!all && shown == 0) out << "(no case differs)\n";
    out << '\n';
    for (std::size_t c = 0; c < cmp.columns.size(); ++c) {
        std::array<std::size_t, harness::kOutcomeCount> n{};
        std::size_t present = 0;
        for (const auto& row : cmp.rows)
            if (const auto* r = row.cells[c]) {
                ++present;
                ++n[static_cast<std::size_t>(r->outcome)];
            }
        out << term_safe(cmp.columns[c].label) << ": " << present << " cases, "
            << n[static_cast<std::size_t>(Outcome::pass)] << " passed, "
            << n[static_cast<std::size_t>(Outcome::non_strict)] << " non-strict, "
            << n[static_cast<std::size_t>(Outcome::informational)] << " informational, "
            << n[static_cast<std::size_t>(Outcome::unimplemented)] << " unimplemented, "
            << n[static_cast<std::size_t>(Outcome::fail)] << " failed";
        if (const auto w = n[static_cast<std::size_t>(Outcome::warning)])
            out << ", " << w << " warned";
        if (const auto m = n[static_cast<std::size_t>(Outcome::not_run)])
            out << ", " << m << " not run";
        out << '\n';
    }
    out << differing << " of " << cmp.rows.size() << " cases differ"
        << (all ? "" : " (all rows: --all)") << '\n';
}

}  // namespace wsconform::reports
