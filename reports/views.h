// The report folder read back (index.json + the per-case JSON files, ours or Autobahn's) as
// one model, and every view rendered from it: index.html, the per-case pages, junit.xml.
// `wsconform report DIR` and the end of every run both call write_views().
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "harness/model/events.h"
#include "harness/model/section.h"
#include "reports/outcomes.h"

namespace wsconform::reports {

// One case of one agent, as the report folder holds it.
struct CaseRecord {
    std::string agent;
    std::string id;
    // Ours; for Autobahn's files (no "title") the start of the description, tags removed.
    std::string title;
    harness::Behavior behavior = harness::Behavior::failed;
    harness::Behavior behavior_close = harness::Behavior::failed;
    // The case file's "outcome" when it has one, else harness::overall_outcome().
    harness::Outcome outcome = harness::Outcome::fail;
    std::string outcome_reason;
    std::int64_t duration_ms = 0;
    std::optional<std::uint16_t> remote_close_code;
    std::string json_file;  // the case file's name in the folder ("" when index.json named
                            // something that is not a plain file name)
    std::string html_file;  // the per-case page: page_for_case_file(json_file), else
                            // case_report_file(agent, id, "html")
    // The case file's JSON object; null when it is missing or unreadable (see detail_error).
    std::shared_ptr<const nlohmann::json> detail;
    std::string detail_error;
    // From the case file, for the matrices: when the case started, whether its duration is
    // worth showing (Autobahn's reportTime), and how many close frames the peer sent (nullopt:
    // the file has no frame statistics).
    std::string started;
    bool report_time = false;
    std::optional<long long> close_frames_received;
    // The harness gave up (harnessError set) before the WebSocket opened (no frame either
    // way): a fault of ours or of the setup, not a verdict on the peer.
    bool harness_fault = false;
};

struct ReportModel {
    std::filesystem::path dir;          // the folder, or the folder of the index.json given
    std::vector<std::string> agents;    // string order
    std::vector<std::string> case_ids;  // union over agents, natural order (1.1.2 < 1.1.10)
    std::map<std::string, std::map<std::string, CaseRecord>> cases;  // agent -> id -> record

    const CaseRecord* find(std::string_view agent, std::string_view id) const;
};

// Reads `path`: a report folder, or an index.json (its case files are looked for beside it).
// With `details`, each case file is parsed too (a missing or broken one is noted in the
// record, never fatal). Throws what read_index_json() throws.
ReportModel load_report(const std::filesystem::path& path, bool details = true);

// Reads index.json and the case files in `dir` and (re)writes index.html, one page per case
// (`<agent>_case_<id>.html`) and junit.xml, each atomically, with the section and subsection
// headings of `titles` (the catalogue's: cases::section_titles()). The same files in give the
// same bytes out. Without an index.json (a run in which no case finished) the views are empty.
// Throws std::system_error when a file cannot be written, and what load_report() throws.
void write_views(const std::filesystem::path& dir, const harness::SectionTitles& titles);

// ---- File names in a report folder.

// A name index.json may point at: a plain file in the folder, nothing hidden or up-level.
bool is_plain_file_name(std::string_view name);
// The page of a case file: "x_case_1_1_1.json" -> "x_case_1_1_1.html"; "" when `json_file`
// is not named "…_case_….json".
std::string page_for_case_file(std::string_view json_file);

// ---- Sections, from the case ID.

// "6.4.1" -> "6"; "2.5" -> "2".
std::string section_of(std::string_view id);
// "6.4.1" -> "6.4"; "" when the ID has fewer than three parts ("2.5": section 2 has none).
std::string subsection_of(std::string_view id);

}  // namespace wsconform::reports
