// The report side of a test-server or test-client run, which both share: the report folder
// (a case's JSON written as it ends), the baseline, the progress line and the failed cases
// printed above it, and at the end the HTML and JUnit views, the summary and what the run's
// exit code makes of the results.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "reports/baseline.h"
#include "reports/progress.h"
#include "reports/report_dir.h"
#include "reports/terminal.h"

namespace wsconform::harness {
struct CaseResult;
}

namespace wsconform::cli {

struct ReportOptions {
    std::string outdir;
    bool strict = false;
    bool quiet = false;
    std::string color = "auto";
    std::string baseline;  // --baseline: an earlier index.json or report folder
};

class RunReport {
  public:
    // Opens the report folder and reads the baseline (UsageError when either fails). The
    // progress line expects `total` cases (0: not known yet).
    explicit RunReport(const ReportOptions& options, std::size_t total = 0);

    bool color() const noexcept { return color_; }
    reports::ProgressLine& progress() noexcept { return *progress_; }
    const reports::ReportDir& dir() const noexcept { return *dir_; }

    // Thread-safe. A case ended: its file is written, the progress line counts it, and unless
    // it passed (or --quiet) its line is printed.
    void add(const harness::CaseResult& result);

    // Renders index.html and junit.xml from what the folder holds; false (and a line on
    // stderr) when that fails.
    bool write_views();

    // After the run: ends the progress line and writes the views (also after an
    // interruption: the report holds what finished). rows() is then this run's results.
    void finish();
    const std::vector<reports::SummaryRow>& rows() const noexcept { return rows_; }

    void print_summary(double elapsed_s) const;
    // Where the report is: index.json, index.html, junit.xml.
    void print_locations() const;
    // With --baseline: the comparison with it.
    void print_baseline();

    // Whether the results fail the run: the views could not be written, or a case failed
    // (with --strict, also one that was not a plain pass); with --baseline, only a
    // regression counts.
    bool failed() const;

  private:
    ReportOptions options_;
    bool color_;
    std::unique_ptr<reports::ReportDir> dir_;
    std::optional<reports::ReportModel> baseline_;
    std::optional<reports::BaselineComparison> against_;
    std::unique_ptr<reports::ProgressLine> progress_;
    bool views_failed_ = false;
    std::vector<reports::SummaryRow> rows_;
};

}  // namespace wsconform::cli
