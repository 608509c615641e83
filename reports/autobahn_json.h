// Autobahn|Testsuite's JSON reports (AB:fuzzing.py caseResult, createMasterReportJSON), written
// and read back: the per-case `<agent>_case_<id>.json` with Autobahn's 39 keys (plus ours,
// which Autobahn readers ignore) and the `index.json` summary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

#include "harness/model/events.h"
#include "reports/text.h"

namespace wsconform::harness {
struct CaseResult;
}

namespace wsconform::reports {

// ---- File names (AB:fuzzing.py cleanForFilename, makeAgentCaseReportFilename).

// Longest name clean_for_filename() returns, so a hostile agent name cannot make huge paths.
inline constexpr std::size_t kMaxCleanNameChars = 100;

// Autobahn's rule: lower-case, every character outside a–z 0–9 becomes '_', runs of them at
// either end dropped ("ws@8.18.3" → "ws_8_18_3", " Foo! " → "foo"). Ours on top: never empty
// ("unknown"), at most kMaxCleanNameChars. The result is [a-z0-9_]+, safe as a path component.
std::string clean_for_filename(std::string_view agent);

// "<clean agent>_case_<id with . → _>.<ext>": "ws_8_18_3_case_1_1_1.json". Characters of the
// ID outside A–Z a–z 0–9 also become '_' (Autobahn IDs are digits and dots, so they keep
// Autobahn's name), and the ID is cut at kMaxCleanNameChars.
std::string case_report_file(std::string_view agent, std::string_view case_id,
                             std::string_view ext);
// The same with the agent's file stem given (ReportDir::agent_stem(): the clean name, with a
// suffix when two agents of a folder share it): "<stem>_case_<id>.<ext>".
std::string case_file_for_stem(std::string_view stem, std::string_view case_id,
                               std::string_view ext);

// ---- Payload excerpts (AB:fuzzing.py binLogData, asciiLogData).

// Autobahn's binLogData: lowercase hex of `data`; when the full length exceeds max - 4, the
// hex of the first `max` bytes followed by " ...". `full_length` is the length of the whole
// payload, of which `data` may be only the first bytes.
std::string bin_log_data(std::string_view data, std::uint64_t full_length, std::size_t max = 64);
// Autobahn's asciiLogData: the same cut (first `max` bytes + " ..." when the full length
// exceeds max - 4), shown as text when that is valid UTF-8, else "0x" + bin_log_data().
// Unlike Python 2 we treat encoded surrogates (ED A0..BF xx) as invalid, so the result is
// always valid UTF-8.
std::string ascii_log_data(std::string_view data, std::uint64_t full_length, std::size_t max = 64);
inline std::string ascii_log_data(std::string_view data) {
    return ascii_log_data(data, data.size());
}

// ---- Per-case report.

// The per-case JSON object: Autobahn's 39 keys with Autobahn's value shapes, then ours:
// "title", "rfc", "requirement", "level", "outcome", "outcomeReason", "harnessError",
// "wirelogTimesUs" (each wirelog row's time in µs since the connection started),
// "wirelogDroppedRows", "expectedCloseJudged" (false only, where the case's own rule judged how
// it ended). Every string in it is valid UTF-8 (invalid bytes become U+FFFD).
nlohmann::json case_result_json(const harness::CaseResult& result);

// The text of a per-case file exactly as Autobahn writes it (json.dumps(sort_keys=True,
// indent=3), ASCII-only with \u escapes, no final newline): keys sorted, except that the
// four frame/octet statistics maps sort their keys numerically, as Python sorts int keys.
std::string dump_case_json(const nlohmann::json& case_json);

// ---- index.json.

struct IndexEntry {
    harness::Behavior behavior = harness::Behavior::failed;
    harness::Behavior behavior_close = harness::Behavior::failed;
    std::int64_t duration_ms = 0;
    std::optional<std::uint16_t> remote_close_code;
    std::string reportfile;  // as written; not checked to be a plain file name
    // Ours, written only when Autobahn's two columns do not tell it (harness::overall_outcome
    // differs): a case not run, a warning. Autobahn's readers ignore the key.
    std::optional<harness::Outcome> outcome;

    friend bool operator==(const IndexEntry&, const IndexEntry&) = default;
};

// agent -> case ID -> entry, both in string order (as Python's sort_keys gives).
using Index = std::map<std::string, std::map<std::string, IndexEntry>>;

IndexEntry index_entry(const harness::CaseResult& result);

// Autobahn's index.json text (sort_keys, indent 3, no final newline).
std::string dump_index_json(const Index& index);

// Reads an index.json written by Autobahn or by us. Throws std::system_error when the file
// cannot be read, std::runtime_error (naming the file and the entry) when it is not JSON or
// not Autobahn's schema (including an unknown behavior string).
Index read_index_json(const std::filesystem::path& path);
Index parse_index_json(std::string_view text);

}  // namespace wsconform::reports
