// Runs held against each other: a run against a baseline (an earlier index.json or report
// folder), where only regressions fail, and several runs or implementations side by side
// (`wsconform compare`).
#pragma once

#include <cstddef>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/events.h"
#include "reports/terminal.h"
#include "reports/views.h"

namespace wsconform::reports {

// ---- Baseline.

// One case whose outcome moved, or that the baseline lacks (a case added in a newer wsconform).
struct BaselineChange {
    std::string agent;
    std::string id;
    std::string title;
    std::optional<harness::Outcome> before;  // none: the case is new
    harness::Outcome after = harness::Outcome::fail;
    std::string reason;  // the new outcome's reason
};

struct BaselineComparison {
    std::vector<BaselineChange> regressions;   // worse than before
    std::vector<BaselineChange> improvements;  // better than before
    // Not in the baseline (`before` empty), whatever their outcome: reported, and a failure
    // only with --strict (has_regressions(true)) when not a plain pass.
    std::vector<BaselineChange> new_cases;
    std::size_t unchanged = 0;
    // Set when an agent of this run was not in the baseline and the baseline's only agent
    // stood in for it (the Server header often carries a version that changes between runs).
    std::vector<std::string> notes;

    // Whether the run fails against the baseline: a regression, or with `strict` a new case
    // that did not pass.
    bool has_regressions(bool strict = false) const noexcept;
};

// What the run is compared with: a report folder or an index.json (case files, when present,
// give the outcome; index.json alone is enough). Throws what load_report() throws.
ReportModel load_baseline(const std::filesystem::path& path);

// Each row of this run against the baseline's result for the same agent and case, by
// outcome_severity(). Rows in natural ID order per agent.
BaselineComparison compare_to_baseline(const ReportModel& baseline,
                                       const std::vector<SummaryRow>& current);

// "Baseline: 1 regression, 2 improvements, 0 new cases (244 unchanged)" and one line per
// change (new cases: those that did not pass).
void print_baseline(std::ostream& out, const BaselineComparison& cmp, bool color);

// ---- Side by side.

struct CompareColumn {
    std::string label;  // the agent, or "<source>: <agent>" when agents repeat across runs
    std::string agent;
    std::size_t run = 0;  // index into Comparison::runs
};

struct CompareRow {
    std::string id;
    std::string title;
    std::vector<const CaseRecord*> cells;  // one per column; null when the column lacks it
    bool differs = false;                  // outcomes (or presence) differ across columns
};

struct Comparison {
    std::vector<ReportModel> runs;
    std::vector<std::string> sources;  // as given on the command line, one per run
    std::vector<CompareColumn> columns;
    std::vector<CompareRow> rows;  // every case ID of any run, natural order
};

// Loads each source (folder or index.json) and lines up every agent of every run.
Comparison compare_runs(const std::vector<std::filesystem::path>& sources);

// A table: one column per agent, one row per case (only the differing ones unless `all`),
// cells "✔ 1000" / "✘ 1002" / "-" (missing); then a count line.
void print_comparison(std::ostream& out, const Comparison& cmp, bool all, bool color);

}  // namespace wsconform::reports
