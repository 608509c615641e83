// The HTML views of a report folder: index.html (cases × agents, sections that fold with pass
// counts, filters kept in the URL: html_index.cpp), one page per case (expected vs observed,
// close handshake, opening handshake, wire log: html_case.cpp) and compare.html
// (html_compare.cpp). Each page is one self-contained file: inline CSS and JS (reports/assets/),
// no network. Every string from a report goes through html_escape(): case text and peer data
// are untrusted.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "reports/baseline.h"
#include "reports/compare_matrix.h"
#include "reports/views.h"

namespace wsconform::reports {

// Section and subsection headings come from `titles` (the catalogue's).
std::string render_index_page(const ReportModel& model, const harness::SectionTitles& titles);
std::string render_case_page(const CaseRecord& record, const harness::SectionTitles& titles);
// What makes the comparison page a matrix (`wsconform matrix`): a column per peer, role and
// transport (compare_matrix.h), and optionally an earlier matrix's cells to mark the changes.
struct MatrixView {
    std::vector<MatrixColumn> columns;  // one per Comparison column
    std::optional<MatrixCells> earlier;
    std::string earlier_source;
    // False: no cell links to its case page (a page published without its report folders).
    bool case_links = true;
};
// Links to the per-case pages of each run, relative to `out_dir` (where compare.html goes),
// for the pages that exist. With `matrix`, the matrix page.
std::string render_compare_page(const Comparison& cmp, const std::filesystem::path& out_dir,
                                bool all, const harness::SectionTitles& titles,
                                const MatrixView* matrix = nullptr);

// Text as HTML: valid UTF-8 (bad bytes become U+FFFD), & < > " ' escaped, control and
// bidirectional-override characters shown as \xNN / \uNNNN (except tab, LF and CR).
std::string html_escape(std::string_view text);

}  // namespace wsconform::reports
