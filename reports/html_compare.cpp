// compare.html: runs or implementations side by side, one column per agent of each run,
// only the rows that differ unless asked for all (a filter the page keeps in its URL).
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

}  // namespace

std::string render_compare_page(const Comparison& cmp, const std::filesystem::path& out_dir,
                                bool all, const harness::SectionTitles& titles) {
    std::string out = page_start("wsconform comparison");
    out += "<body data-diff-default=\"" + std::string(all ? "0" : "1") +
           "\">\n<header>\n<h1>wsconform comparison</h1>\n<ul>\n";
    for (std::size_t i = 0; i < cmp.sources.size(); ++i)
        out += "<li>Run " + std::to_string(i + 1) + ": <code>" + html_escape(cmp.sources[i]) +
               "</code></li>\n";
    out += "</ul>\n";
    std::size_t differing = 0;
    for (const auto& row : cmp.rows) differing += row.differs ? 1 : 0;
    out += "<p>" + std::to_string(cmp.rows.size()) + " cases, " + std::to_string(differing) +
           " of them differ across the columns.</p>\n";
    out += legend_html();

    std::vector<std::string> ids;
    for (const auto& row : cmp.rows) ids.push_back(row.id);
    out += filters_html(sections_of(ids, titles), true);
    out += "</header>\n<main>\n<table class=\"matrix\"><thead><tr><th>Case</th><th>Title</th>";
    std::vector<Counts> counts(cmp.columns.size());
    for (const auto& row : cmp.rows)
        for (std::size_t c = 0; c < row.cells.size(); ++c) counts[c].add(row.cells[c]);
    for (std::size_t c = 0; c < cmp.columns.size(); ++c)
        out += "<th>" + html_escape(cmp.columns[c].label) + "<br>" +
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
            parts.push_back(cell_html(r, href));
        }
        out += row_html(row.id, row.title, row.cells, parts, row.differs);
    }
    out += "</tbody></table>\n</main>\n";
    out += page_end(kCompareFooter, true);
    return out;
}

}  // namespace wsconform::reports
