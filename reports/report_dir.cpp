#include "reports/report_dir.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "reports/views.h"
#include "util/atomic_file.h"

namespace wsconform::reports {

namespace {

// The stem an agent's files already have in `entries` (its index.json entries): the part of a
// report file name before "_case_"; empty when none tells.
std::string stem_in(const std::map<std::string, IndexEntry>& entries) {
    for (const auto& [id, entry] : entries) {
        const auto at = entry.reportfile.rfind("_case_");
        if (at != std::string::npos && at > 0 && is_plain_file_name(entry.reportfile))
            return entry.reportfile.substr(0, at);
    }
    return {};
}

// Removes the files of an earlier run: those its index.json names (and their pages), then
// the views and the index itself.
void remove_earlier(const std::filesystem::path& dir, const Index& earlier) {
    for (const auto& [agent, entries] : earlier)
        for (const auto& [id, entry] : entries) {
            if (!is_plain_file_name(entry.reportfile)) continue;
            std::filesystem::remove(dir / entry.reportfile);
            if (const auto page = page_for_case_file(entry.reportfile); !page.empty())
                std::filesystem::remove(dir / page);
        }
    for (const char* name : {"index.html", "junit.xml", "index.json"})
        std::filesystem::remove(dir / name);
}

}  // namespace

ReportDir::ReportDir(std::filesystem::path dir, EarlierResults earlier, std::string run_id,
                     std::vector<std::string> rerun_flags)
    : dir_(std::move(dir)), run_id_(std::move(run_id)), rerun_flags_(std::move(rerun_flags)) {
    std::filesystem::create_directories(dir_);
    const auto path = index_path();
    if (!std::filesystem::exists(path)) return;
    Index found = read_index_json(path);
    if (earlier == EarlierResults::replace) {
        remove_earlier(dir_, found);
        return;
    }
    index_ = std::move(found);
    for (const auto& [agent, entries] : index_) {
        std::string stem = stem_in(entries);
        if (stem.empty() || stems_taken_.count(stem)) continue;  // given one on first use
        stems_taken_.insert(stem);
        stems_.emplace(agent, std::move(stem));
    }
}

std::string ReportDir::stem_locked(const std::string& agent) {
    if (const auto it = stems_.find(agent); it != stems_.end()) return it->second;
    const std::string clean = clean_for_filename(agent);
    std::string stem = clean;
    for (unsigned n = 2; stems_taken_.count(stem); ++n) stem = clean + "_" + std::to_string(n);
    stems_taken_.insert(stem);
    stems_.emplace(agent, stem);
    return stem;
}

std::string ReportDir::agent_stem(const std::string& agent) {
    std::lock_guard lock(mutex_);
    return stem_locked(agent);
}

void ReportDir::add(const harness::CaseResult& result) {
    add(std::span<const harness::CaseResult>(&result, 1));
}

void ReportDir::add(std::span<const harness::CaseResult> results) {
    if (results.empty()) return;
    std::vector<IndexEntry> entries;
    entries.reserve(results.size());
    for (const auto& result : results) {
        const std::string& id = result.test ? result.test->id : std::string();
        const std::string stem = agent_stem(result.agent);
        IndexEntry entry = index_entry(result);
        entry.reportfile = case_file_for_stem(stem, id, "json");
        auto doc = case_result_json(result);
        // Ours: which run wrote the file, the stem of the agent's files, and (from a run) the
        // flags of the command line that ran the case (an empty list: none that matter).
        if (!run_id_.empty()) doc["runId"] = run_id_;
        doc["fileStem"] = stem;
        if (!run_id_.empty()) doc["rerunFlags"] = rerun_flags_;
        // The case file first, so index.json never names a file that is not there.
        util::atomic_write(dir_ / entry.reportfile, dump_case_json(doc));
        entries.push_back(std::move(entry));
    }

    std::unique_lock lock(mutex_);
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& result = results[i];
        const std::string& id = result.test ? result.test->id : std::string();
        index_[result.agent][id] = std::move(entries[i]);
        const auto [at, added] = summary_at_.try_emplace({result.agent, id}, summary_.size());
        if (added)
            summary_.push_back(summary_row(result));
        else
            summary_[at->second] = summary_row(result);
    }
    write_index(lock, ++generation_);
}

// One writer at a time; it writes everything added so far, so the others only wait.
void ReportDir::write_index(std::unique_lock<std::mutex>& lock, std::uint64_t mine) {
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
