#include "cli/run_report.h"

#include <unistd.h>

#include <algorithm>
#include <exception>
#include <iostream>
#include <utility>

#include "cases/sections.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "harness/model/clock.h"
#include "harness/model/result.h"
#include "harness/runner.h"
#include "reports/views.h"

namespace wsconform::cli {

RunReport::RunReport(const ReportOptions& options, std::size_t total)
    : options_(options), color_(want_color(options.color)) {
    if (!options.baseline.empty()) {
        try {
            baseline_ = reports::load_baseline(options.baseline);
        } catch (const std::exception& e) {
            throw UsageError(std::string("cannot read --baseline: ") + e.what());
        }
    }
    try {
        dir_ = std::make_unique<reports::ReportDir>(
            options.outdir,
            options.merge ? reports::EarlierResults::merge : reports::EarlierResults::replace,
            harness::utc_timestamp_now(), options.rerun_flags);
    } catch (const std::exception& e) {
        throw UsageError(std::string("cannot use report folder: ") + e.what());
    }
    progress_ = std::make_unique<reports::ProgressLine>(
        std::cout, !options.quiet && isatty(STDOUT_FILENO), color_, total);
}

void RunReport::add(const harness::CaseResult& result) {
    if (result.verdict.outcome == harness::Outcome::not_run) {
        progress_->case_done(result.verdict.outcome);
        std::lock_guard lock(pending_mutex_);
        not_run_.push_back(result);
        return;
    }
    dir_->add(result);
    progress_->case_done(result.verdict.outcome);
    if (!options_.quiet && result.verdict.outcome != harness::Outcome::pass) {
        progress_->print_above(
            [&](std::ostream& out) { reports::print_case_line(out, result, color_); });
    }
}

std::size_t RunReport::add_not_run(const std::string& agent,
                                   std::span<const harness::Case* const> cases,
                                   const std::string& why) {
    std::lock_guard lock(pending_mutex_);
    const std::size_t before = not_run_.size();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const bool listed = std::any_of(not_run_.begin(), not_run_.end(), [&](const auto& r) {
            return r.test == cases[i] && r.agent == agent;
        });
        if (!listed)
            not_run_.push_back(
                harness::not_run_result(*cases[i], agent, static_cast<int>(i + 1), why));
    }
    return not_run_.size() - before;
}

void RunReport::add_unreachable(const std::string& agent,
                                std::span<const harness::Case* const> cases,
                                const std::string& error) {
    std::lock_guard lock(pending_mutex_);
    unreachable_.insert(agent);
    for (std::size_t i = 0; i < cases.size(); ++i) {
        not_run_.push_back(harness::not_run_result(*cases[i], agent, static_cast<int>(i + 1),
                                                   "unreachable: " + error, error));
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
    {
        std::lock_guard lock(pending_mutex_);
        try {
            dir_->add(not_run_);
        } catch (const std::exception& e) {
            std::cerr << "wsconform: cannot record the cases not run: " << e.what() << "\n";
            views_failed_ = true;
        }
        not_run_.clear();
    }
    if (!write_views()) views_failed_ = true;
    rows_ = dir_->summaries();
}

void RunReport::print_summary(double elapsed_s) const {
    if (std::none_of(rows_.begin(), rows_.end(), [&](const auto& r) { return reached(r); })) return;
    reports::print_summary(std::cout, rows_, elapsed_s, color_);
    std::cout << "Report: " << dir_->index_path().string() << "\n";
    std::cout << "HTML: " << (dir_->dir() / "index.html").string()
              << "  JUnit: " << (dir_->dir() / "junit.xml").string() << "\n";
}

void RunReport::print_baseline() {
    if (!baseline_) return;
    std::vector<reports::SummaryRow> results;
    for (const auto& row : rows_)
        if (reached(row) && row.outcome != harness::Outcome::not_run) results.push_back(row);
    against_ = reports::compare_to_baseline(*baseline_, results);
    reports::print_baseline(std::cout, *against_, color_);
}

bool RunReport::failed() const {
    if (views_failed_) return true;
    bool failed = false;
    for (const auto& row : rows_) {
        if (!reached(row)) continue;
        if (row.outcome == harness::Outcome::not_run) return true;  // whatever the baseline says
        if (row.outcome == harness::Outcome::fail) failed = true;
        if (options_.strict && row.outcome != harness::Outcome::pass) failed = true;
    }
    return against_ ? against_->has_regressions(options_.strict) : failed;
}

int RunReport::exit_code(bool interrupted) const {
    if (interrupted || failed()) return kExitFailures;
    return unreachable_.empty() ? kExitOk : kExitUnreachable;
}

}  // namespace wsconform::cli
