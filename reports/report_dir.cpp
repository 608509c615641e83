#include "reports/report_dir.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "util/atomic_file.h"

namespace wsconform::reports {

ReportDir::ReportDir(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    const auto path = index_path();
    if (std::filesystem::exists(path)) index_ = read_index_json(path);
}

void ReportDir::add(const harness::CaseResult& result) {
    const std::string& id = result.test ? result.test->id : std::string();
    IndexEntry entry = index_entry(result);
    // The case file first, so index.json never names a file that is not there.
    util::atomic_write(dir_ / entry.reportfile, dump_case_json(case_result_json(result)));

    std::unique_lock lock(mutex_);
    index_[result.agent][id] = std::move(entry);
    summary_.push_back(summary_row(result));
    const std::uint64_t mine = ++generation_;

    // One writer at a time; it writes everything added so far, so the others only wait.
    while (written_ < mine) {
        if (writer_active_) {
            index_written_.wait(lock);
            continue;
        }
        writer_active_ = true;
        const std::uint64_t generation = generation_;
        std::string text = dump_index_json(index_);
        lock.unlock();
        try {
            util::atomic_write(index_path(), text);
        } catch (...) {
            lock.lock();
            writer_active_ = false;
            index_written_.notify_all();  // a waiter takes over (and may fail in turn)
            throw;
        }
        lock.lock();
        writer_active_ = false;
        written_ = std::max(written_, generation);
        index_written_.notify_all();
    }
}

Index ReportDir::index() const {
    std::lock_guard lock(mutex_);
    return index_;
}

std::vector<SummaryRow> ReportDir::summaries() const {
    std::lock_guard lock(mutex_);
    return summary_;
}

}  // namespace wsconform::reports
