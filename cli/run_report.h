// The report side of a test-server or test-client run, which both share: the report folder
// (a case's JSON written as it ends), the baseline, the progress line and the failed cases
// printed above it, and at the end the HTML and JUnit views, the summary and what the run's
// exit code makes of the results.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "reports/baseline.h"
#include "reports/progress.h"
#include "reports/report_dir.h"
#include "reports/terminal.h"

namespace wsconform::harness {
struct Case;
struct CaseResult;
}  // namespace wsconform::harness

namespace wsconform::cli {

struct ReportOptions {
    std::string outdir;
    bool strict = false;
    bool quiet = false;
    std::string color = "auto";
    std::string baseline;  // --baseline: an earlier index.json or report folder
    bool merge = false;  // --merge: keep the folder's earlier results (else this run replaces them)
    // What each case file records for its "Run it again" command (rerun_flags.h); set when
    // the command line has been parsed.
    std::vector<std::string> rerun_flags;
};

class RunReport {
  public:
    // Opens the report folder (and, unless --merge, removes the results of earlier runs) and
    // reads the baseline (UsageError when either fails). The progress line expects `total`
    // cases (0: not known yet).
    explicit RunReport(const ReportOptions& options, std::size_t total = 0);

    bool color() const noexcept { return color_; }
    reports::ProgressLine& progress() noexcept { return *progress_; }
    const reports::ReportDir& dir() const noexcept { return *dir_; }

    // Thread-safe. A case ended: its file is written, the progress line counts it, and unless
    // it passed (or --quiet) its line is printed. Cases not run are written together by
    // finish(), with one rewrite of index.json.
    void add(const harness::CaseResult& result);

    // Cases of `agent` the run did not make, and `why` ("interrupted by a signal"); those
    // already reported not run (a case the stop cut short) keep their own reason. How many
    // were added.
    std::size_t add_not_run(const std::string& agent, std::span<const harness::Case* const> cases,
                            const std::string& why);
    // An agent that could not be reached (`error`: why, in one line): each of its `cases` is
    // reported not run, with the error, and the agent counts as unreachable (exit code 3).
    void add_unreachable(const std::string& agent, std::span<const harness::Case* const> cases,
                         const std::string& error);

    // Renders index.html and junit.xml from what the folder holds; false (and a line on
    // stderr) when that fails.
    bool write_views();

    // After the run: writes the cases not run, ends the progress line and writes the views
    // (also after an interruption: the report holds every selected case, finished or not).
    // rows() is then this run's results.
    void finish();
    const std::vector<reports::SummaryRow>& rows() const noexcept { return rows_; }

    // The failures, the summary line and where the report is (index.json, index.html,
    // junit.xml); nothing when no agent could be reached (the one line saying why is the
    // caller's).
    void print_summary(double elapsed_s) const;
    // With --baseline: the comparison with it (cases not run and unreachable agents aside).
    void print_baseline();

    // The run's exit code (docs/reports.md): 1 when the views could not be written, the run
    // was interrupted, a case of a reachable agent was not run, or a case failed (with
    // --strict, also one that was not a plain pass; with --baseline, only a regression
    // counts); else 3 when an agent could not be reached; else 0.
    int exit_code(bool interrupted) const;

  private:
    bool reached(const reports::SummaryRow& row) const { return !unreachable_.count(row.agent); }
    bool failed() const;

    ReportOptions options_;
    bool color_;
    std::unique_ptr<reports::ReportDir> dir_;
    std::optional<reports::ReportModel> baseline_;
    std::optional<reports::BaselineComparison> against_;
    std::unique_ptr<reports::ProgressLine> progress_;
    std::mutex pending_mutex_;
    std::vector<harness::CaseResult> not_run_;  // guarded by pending_mutex_
    std::set<std::string> unreachable_;         // guarded by pending_mutex_ until finish()
    bool views_failed_ = false;
    std::vector<reports::SummaryRow> rows_;
};

}  // namespace wsconform::cli
