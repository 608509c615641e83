// The output directory of a run: Autobahn's per-case JSON files and index.json, written as
// each case ends (atomic rename), so an interrupted run leaves a valid report of what finished.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "reports/autobahn_json.h"
#include "reports/terminal.h"

namespace wsconform::harness {
struct CaseResult;
}

namespace wsconform::reports {

// What a run does with the results a folder already holds.
enum class EarlierResults {
    merge,    // keep them: this run's cases replace only the same agent's same cases
    replace,  // remove them first (the files the old index.json names, and the views)
};

class ReportDir {
  public:
    // Creates `dir` when missing. When it already holds an index.json (Autobahn's or ours),
    // its entries are kept (`merge`), so several runs and agents accumulate side by side, or
    // removed with the files they name, index.html and junit.xml (`replace`): the folder then
    // holds this run only. `run_id` (the run's start time) goes into every case file this run
    // writes. Throws std::filesystem::filesystem_error when the directory cannot be created or
    // a file not removed, and what read_index_json() throws when the existing index.json cannot
    // be read or parsed (it is never overwritten, nor its files removed, blindly).
    // `rerun_flags` (cli/rerun_flags.h) go into every case file too, for its "Run it again"
    // command.
    explicit ReportDir(std::filesystem::path dir, EarlierResults earlier = EarlierResults::merge,
                       std::string run_id = {}, std::vector<std::string> rerun_flags = {});

    ReportDir(const ReportDir&) = delete;
    ReportDir& operator=(const ReportDir&) = delete;

    // Thread-safe. Writes `<stem>_case_<id>.json` at once, records the case in the index
    // (replacing an earlier result of the same agent and case) and rewrites index.json. When
    // several threads add at once, one rewrite of index.json serves all of them; every call
    // returns only once index.json on disk holds its case, or throws std::system_error when
    // a file cannot be written.
    void add(const harness::CaseResult& result);
    // The same for many results, with one rewrite of index.json.
    void add(std::span<const harness::CaseResult> results);

    const std::filesystem::path& dir() const noexcept { return dir_; }
    std::filesystem::path index_path() const { return dir_ / "index.json"; }

    // The file stem of an agent's files in this folder: clean_for_filename(agent), unless an
    // other agent of the folder has it already (`--agent Srv srv`, "..", "."); then with a
    // suffix, "_2", "_3"..., so agents and file names map one to one. Thread-safe; an agent
    // keeps its stem for the life of the folder (read back from index.json when merging).
    std::string agent_stem(const std::string& agent);

    // Copies, taken under the lock.
    Index index() const;
    // This run's results, in the order added; a case added again (a client that ran it twice)
    // keeps its place and takes its latest result, as index.json does.
    std::vector<SummaryRow> summaries() const;

  private:
    std::string stem_locked(const std::string& agent);  // mutex_ held
    void write_index(std::unique_lock<std::mutex>& lock, std::uint64_t mine);

    std::filesystem::path dir_;
    std::string run_id_;
    std::vector<std::string> rerun_flags_;
    mutable std::mutex mutex_;
    Index index_;                               // guarded by mutex_
    std::map<std::string, std::string> stems_;  // guarded by mutex_: agent -> file stem
    std::set<std::string> stems_taken_;         // guarded by mutex_
    std::vector<SummaryRow> summary_;           // guarded by mutex_
    // guarded by mutex_: (agent, case ID) -> its row in summary_
    std::map<std::pair<std::string, std::string>, std::size_t> summary_at_;
    std::uint64_t generation_ = 0;  // guarded by mutex_: bumped by every add()
    std::uint64_t written_ = 0;     // guarded by mutex_: generation index.json holds
    bool writer_active_ = false;    // guarded by mutex_: a thread is rewriting index.json
    std::condition_variable index_written_;
};

}  // namespace wsconform::reports
