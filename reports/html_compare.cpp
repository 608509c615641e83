// compare.html: runs or implementations side by side, one column per agent of each run,
// only the rows that differ unless asked for all (a filter the page keeps in its URL). The
// matrix (`wsconform matrix`) is the same page with its columns named by peer, role and
// transport, the peers' metadata in the header, rows grouped under their sections with the
// RFC sections they cite, and the cells that changed since an earlier matrix marked.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "reports/html.h"
#include "reports/html_parts.h"

namespace wsconform::reports {

using namespace detail;

namespace {

constexpr std::string_view kCompareFooter =
    "<footer>Rendered by <code>wsconform compare</code> from the runs' index.json and case "
    "files. Nothing on this page is fetched from the network.</footer>\n";
constexpr std::string_view kMatrixFooter =
    "<footer>Rendered by <code>wsconform matrix</code> from each report folder's index.json, "
    "case files and peer.json. Nothing on this page is fetched from the network.</footer>\n";

// The link from the page to a cell's case page, when that page exists.
std::string case_page_href(const Comparison& cmp, std::size_t column, const CaseRecord* r,
                           const std::filesystem::path& out_dir) {
    if (!r) return {};
    std::error_code ec;
    // Point the link at the run's own folder, when the page is there.
    const auto page = cmp.runs[cmp.columns[column].run].dir / r->html_file;
    if (!std::filesystem::exists(page, ec)) return {};
    auto rel = std::filesystem::relative(page, out_dir, ec);
    if (ec || rel.empty()) rel = std::filesystem::absolute(page, ec);
    return rel.generic_string();
}

// "5.4, 5.5": the RFC sections the case file cites.
std::string rfc_text(const std::vector<const CaseRecord*>& cells) {
    for (const auto* r : cells) {
        if (!r || !r->detail || !r->detail->contains("rfc")) continue;
        const auto& rfc = (*r->detail)["rfc"];
        std::string out;
        for (const auto& s : rfc)
            if (s.is_string()) out += (out.empty() ? "" : ", ") + s.get<std::string>();
        return out;
    }
    return {};
}

std::string peers_html(const std::vector<MatrixColumn>& columns) {
    std::string out =
        "<table class=\"peers\" id=\"peers\"><thead><tr><th>Peer</th><th>Version</th>"
        "<th>Origin</th><th>Role</th><th>Transport</th></tr></thead><tbody>\n";
    for (const auto& c : columns)
        out += "<tr><td>" + html_escape(c.peer.name) + "</td><td>" + html_escape(c.peer.version) +
               "</td><td>" + html_escape(c.peer.origin) + "</td><td>" + html_escape(c.peer.role) +
               "</td><td>" + html_escape(c.peer.transport) + "</td></tr>\n";
    return out + "</tbody></table>\n";
}

// A cell that changed since the earlier matrix: marked, with what it was.
std::string changed_cell(std::string cell, const std::string& was) {
    const std::string start = "<td class=\"cell ";
    if (cell.starts_with(start))
        cell.replace(0, start.size(),
                     "<td data-was=\"" + html_escape(was) + "\" title=\"was: " + html_escape(was) +
                         "\" class=\"cell changed ");
    const auto end = cell.rfind("</td>");
    if (end != std::string::npos)
        cell.insert(end, " <small class=\"was\">(was " + html_escape(was) + ")</small>");
    return cell;
}

}  // namespace

std::string render_compare_page(const Comparison& cmp, const std::filesystem::path& out_dir,
                                bool all, const harness::SectionTitles& titles,
                                const MatrixView* matrix) {
    const std::string name = matrix ? "wsconform matrix" : "wsconform comparison";
    const bool earlier = matrix && matrix->earlier;
    std::string out = page_start(name);
    if (earlier)  // the changed cells stand out by an outline too, not only by their note
        out.insert(out.rfind("</head>"),
                   "<style>td.changed { outline: 2px solid #b7791f; outline-offset: -2px; }"
                   "</style>\n");
    out += "<body data-diff-default=\"" + std::string(all || matrix ? "0" : "1") +
           "\">\n<header>\n<h1>" + name + "</h1>\n<ul>\n";
    for (std::size_t i = 0; i < cmp.sources.size(); ++i)
        out += "<li>Run " + std::to_string(i + 1) + ": <code>" + html_escape(cmp.sources[i]) +
               "</code></li>\n";
    out += "</ul>\n";
    if (matrix) out += peers_html(matrix->columns);

    // With an earlier matrix, a row "differs" when one of its cells changed since.
    std::vector<std::vector<std::string>> was(cmp.rows.size());
    std::size_t differing = 0, changed = 0;
    for (std::size_t i = 0; i < cmp.rows.size(); ++i) {
        const auto& row = cmp.rows[i];
        bool differs = row.differs;
        if (earlier) {
            differs = false;
            for (std::size_t c = 0; c < row.cells.size(); ++c) {
                const auto* r = row.cells[c];
                const std::string now = r ? std::string(harness::to_string(r->outcome)) : "missing";
                // A column the earlier matrix lacks is new as a whole: its cells are not marked.
                const auto col = matrix->earlier->find(matrix->columns[c].key);
                std::string before = col == matrix->earlier->end() ? now : "missing";
                if (col != matrix->earlier->end())
                    if (const auto cell = col->second.find(row.id); cell != col->second.end())
                        before = cell->second;
                was[i].push_back(before == now ? std::string() : before);
                if (before != now) {
                    differs = true;
                    ++changed;
                }
            }
        }
        differing += differs ? 1 : 0;
    }
    out += "<p>" + std::to_string(cmp.rows.size()) + " cases, " + std::to_string(differing) +
           (earlier ? " of them with cells that changed since the earlier matrix <code>" +
                          html_escape(matrix->earlier_source) + "</code> (" +
                          std::to_string(changed) + " cells, marked)."
                    : " of them differ across the columns.") +
           "</p>\n";
    out += legend_html();

    std::vector<std::string> ids;
    for (const auto& row : cmp.rows) ids.push_back(row.id);
    std::string filters = filters_html(sections_of(ids, titles), true);
    if (earlier) {
        const std::string label = "only rows that differ";
        filters.replace(filters.find(label), label.size(), "only rows that changed");
    }
    out += filters;
    out += "</header>\n<main>\n<table class=\"matrix\"><thead><tr><th>Case</th><th>Title</th>";
    if (matrix) out += "<th>RFC</th>";
    std::vector<Counts> counts(cmp.columns.size());
    for (const auto& row : cmp.rows)
        for (std::size_t c = 0; c < row.cells.size(); ++c) counts[c].add(row.cells[c]);
    for (std::size_t c = 0; c < cmp.columns.size(); ++c) {
        std::string label = matrix ? html_escape(matrix->columns[c].peer.name) + "<br>" +
                                         html_escape(matrix->columns[c].peer.role) + " · " +
                                         html_escape(matrix->columns[c].peer.transport)
                                   : html_escape(cmp.columns[c].label);
        if (earlier && !matrix->earlier->contains(matrix->columns[c].key))
            label += "<br><small>(new since the earlier matrix)</small>";
        out += (matrix ? "<th data-column=\"" + std::to_string(c) + "\">" : std::string("<th>")) +
               label + "<br>" + pass_count_html(cmp.columns[c].agent, counts[c], false) + "</th>";
    }
    out += "</tr></thead>\n<tbody>\n";
    std::string section = "\x01";  // none yet
    for (std::size_t i = 0; i < cmp.rows.size(); ++i) {
        const auto& row = cmp.rows[i];
        if (matrix && section_of(row.id) != section) {
            section = section_of(row.id);
            std::vector<Counts> section_counts(cmp.columns.size());
            for (const auto& r : cmp.rows)
                if (section_of(r.id) == section)
                    for (std::size_t c = 0; c < r.cells.size(); ++c)
                        section_counts[c].add(r.cells[c]);
            out += "<tr class=\"sub\" data-subhead=\"" + html_escape(section) +
                   "\"><th colspan=\"3\">" + html_escape(titles.section(section)) + "</th>";
            for (std::size_t c = 0; c < cmp.columns.size(); ++c)
                out += "<th>" + pass_count_html(cmp.columns[c].agent, section_counts[c], false) +
                       "</th>";
            out += "</tr>\n";
        }
        std::vector<std::string> parts;
        if (matrix)
            parts.push_back("<td class=\"rfc\">" + html_escape(rfc_text(row.cells)) + "</td>");
        bool differs = row.differs;
        for (std::size_t c = 0; c < row.cells.size(); ++c) {
            std::string cell =
                cell_html(row.cells[c], matrix && !matrix->case_links
                                            ? std::string()
                                            : case_page_href(cmp, c, row.cells[c], out_dir));
            if (earlier && !was[i][c].empty()) cell = changed_cell(std::move(cell), was[i][c]);
            parts.push_back(std::move(cell));
        }
        if (earlier)
            differs =
                std::any_of(was[i].begin(), was[i].end(), [](const auto& w) { return !w.empty(); });
        out += row_html(row.id, row.title, row.cells, parts, differs);
    }
    out += "</tbody></table>\n</main>\n";
    out += page_end(matrix ? kMatrixFooter : kCompareFooter, true);
    return out;
}

}  // namespace wsconform::reports
