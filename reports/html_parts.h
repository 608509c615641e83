// What the HTML pages (html_index.cpp, html_case.cpp, html_compare.cpp) share: the page
// frame (head, inline style and filter script, footer), the matrix cells with their symbols
// and close codes, pass counts, the legend, the filters and the rows they filter.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/model/events.h"
#include "harness/model/section.h"
#include "reports/views.h"

namespace wsconform::reports::detail {

// The footer of the pages `wsconform report` renders; the index and the case pages link to
// each other.
inline constexpr std::string_view kReportFooter =
    "<footer>Rendered by wsconform from index.json and the per-case JSON files of this "
    "folder; <code>wsconform report DIR</code> renders it again. Nothing on this page is "
    "fetched from the network.</footer>\n";

// "<!DOCTYPE html>" up to "</head>\n", with the title (already HTML) and the inline style.
std::string page_start(std::string_view title_html);
// The footer, the filter script when the page has filters, and the end of the page.
std::string page_end(std::string_view footer, bool with_filters);

// "o-pass", "o-non-strict", ...: the CSS class of an outcome.
std::string outcome_class(harness::Outcome o);

// The outcomes of some cases, and those missing.
struct Counts {
    std::array<std::size_t, harness::kOutcomeCount> by_outcome{};
    std::size_t missing = 0;
    std::size_t total = 0;  // present cases

    std::size_t n(harness::Outcome o) const { return by_outcome[static_cast<std::size_t>(o)]; }
    std::size_t acceptable() const;  // pass, non-strict and informational
    void add(const CaseRecord* r);   // null: missing
};

// "✔ 32/32", "✘ 30/32 (2 failed)": the symbol of the worst outcome, then acceptable / present,
// on a colour stepped by the pass rate; the agent's name first when `show_agent`.
std::string pass_count_html(const std::string& agent, const Counts& c, bool show_agent);

// A matrix cell: the symbol and the peer's close code, linked to `href` (none when empty);
// "– not run" when `r` is null.
std::string cell_html(const CaseRecord* r, const std::string& href);

// What the symbols and the cells mean.
std::string legend_html();

// {section number, heading} of each section of `ids`, in order of first appearance.
std::vector<std::pair<std::string, std::string>> sections_of(const std::vector<std::string>& ids,
                                                             const harness::SectionTitles& titles);

// The verdict and section filters (and "only rows that differ" when `with_diff`).
std::string filters_html(const std::vector<std::pair<std::string, std::string>>& sections,
                         bool with_diff);

// One matrix row, with what the filters read: the section, the outcomes of its cells, and
// whether they differ.
std::string row_html(const std::string& id, const std::string& title,
                     const std::vector<const CaseRecord*>& cells,
                     const std::vector<std::string>& cell_html_parts, bool differs);

}  // namespace wsconform::reports::detail
