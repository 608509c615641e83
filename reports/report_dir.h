// The output directory of a run: Autobahn's per-case JSON files and index.json, written as
// each case ends (atomic rename), so an interrupted run leaves a valid report of what finished.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <vector>

#include "reports/autobahn_json.h"
#include "reports/terminal.h"

namespace wsconform::harness {
struct CaseResult;
}

namespace wsconform::reports {

class ReportDir {
  public:
    // Creates `dir` when missing. When it already holds an index.json (Autobahn's or ours),
    // its entries are kept, so several runs and agents accumulate side by side. Throws
    // std::filesystem::filesystem_error when the directory cannot be created, and what
    // read_index_json() throws when the existing index.json cannot be read or parsed (it is
    // never overwritten blindly).
    explicit ReportDir(std::filesystem::path dir);

    ReportDir(const ReportDir&) = delete;
    ReportDir& operator=(const ReportDir&) = delete;

    // Thread-safe. Writes `<agent>_case_<id>.json` at once, records the case in the index
    // (replacing an earlier result of the same agent and case) and rewrites index.json. When
    // several threads add at once, one rewrite of index.json serves all of them; every call
    // returns only once index.json on disk holds its case, or throws std::system_error when
    // a file cannot be written.
    void add(const harness::CaseResult& result);

    const std::filesystem::path& dir() const noexcept { return dir_; }
    std::filesystem::path index_path() const { return dir_ / "index.json"; }

    // Copies, taken under the lock.
    Index index() const;
    std::vector<SummaryRow> summaries() const;  // this run's results, in the order added

  private:
    std::filesystem::path dir_;
    mutable std::mutex mutex_;
    Index index_;                      // guarded by mutex_
    std::vector<SummaryRow> summary_;  // guarded by mutex_
    std::uint64_t generation_ = 0;     // guarded by mutex_: bumped by every add()
    std::uint64_t written_ = 0;        // guarded by mutex_: generation index.json holds
    bool writer_active_ = false;       // guarded by mutex_: a thread is rewriting index.json
    std::condition_variable index_written_;
};

}  // namespace wsconform::reports
