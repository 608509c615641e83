#include "cli/run_report.h"

#include <unistd.h>

#include <exception>
#include <iostream>

#include "cases/sections.h"
#include "cli/options.h"
#include "harness/model/result.h"
#include "reports/views.h"

namespace wsconform::cli {

RunReport::RunReport(const ReportOptions& options, std::size_t total)
    : options_(options), color_(want_color(options.color)) {
    try {
        dir_ = std::make_unique<reports::ReportDir>(options.outdir);
    } catch (const std::exception& e) {
        throw UsageError(std::string("cannot use report folder: ") + e.what());
    }
    if (!options.baseline.empty()) {
        try {
            baseline_ = reports::load_baseline(options.baseline);
        } catch (const std::exception& e) {
            throw UsageError(std::string("cannot read --baseline: ") + e.what());
        }
    }
    progress_ = std::make_unique<reports::ProgressLine>(
        std::cout, !options.quiet && isatty(STDOUT_FILENO), color_, total);
}

void RunReport::add(const harness::CaseResult& result) {
    dir_->add(result);
    progress_->case_done(result.verdict.outcome);
    if (!options_.quiet && result.verdict.outcome != harness::Outcome::pass) {
        progress_->print_above(
            [&](std::ostream& out) { reports::print_case_line(out, result, color_); });
    }
}

bool RunReport::write_views() {
    try {
        reports::write_views(dir_->dir(), cases::section_titles());
        return true;
    } catch (const std::exception& e) {
        std::cerr << "wsconform: cannot write index.html and junit.xml: " << e.what() << "\n";
        return false;
    }
}

void RunReport::finish() {
    progress_->finish();
    views_failed_ = !write_views();
    rows_ = dir_->summaries();
}

void RunReport::print_summary(double elapsed_s) const {
    reports::print_summary(std::cout, rows_, elapsed_s, color_);
}

void RunReport::print_locations() const {
    std::cout << "Report: " << dir_->index_path().string() << "\n";
    std::cout << "HTML: " << (dir_->dir() / "index.html").string()
              << "  JUnit: " << (dir_->dir() / "junit.xml").string() << "\n";
}

void RunReport::print_baseline() {
    if (!baseline_) return;
    against_ = reports::compare_to_baseline(*baseline_, rows_);
    reports::print_baseline(std::cout, *against_, color_);
}

bool RunReport::failed() const {
    if (views_failed_) return true;
    if (against_) return against_->has_regressions();
    for (const auto& row : rows_) {
        if (row.outcome == harness::Outcome::fail) return true;
        if (options_.strict && row.outcome != harness::Outcome::pass) return true;
    }
    return false;
}

}  // namespace wsconform::cli
