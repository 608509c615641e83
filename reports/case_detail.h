// A per-case JSON file (ours or Autobahn's) read once into what its page shows, each field
// typed. A file may lack any key or hold something else there (Autobahn's older files, a
// hand-edited one): each field then takes its stand-in (empty, nullopt, false), and the page
// says "?" or "not recorded" rather than guessing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace wsconform::reports {

// A value of the file as text: a string as it is, null or missing as "", anything else as
// its JSON.
std::string json_text(const nlohmann::json* doc, const char* key);

// What the case did not keep of the peer's events (`receivedDropped`), in one sentence; ""
// when it kept them all.
std::string dropped_events_text(const nlohmann::json* doc);

// An expected or received event: ["message", text, binary], ["pong", text], ["timeout", tag].
struct EventEntry {
    std::optional<std::string> kind;  // nullopt: not such an array (`text` holds its JSON)
    bool binary = false;              // a binary message
    std::optional<std::string> text;  // the second element as text; nullopt: there is none
};
// nullopt: the file holds no list there.
using EventList = std::optional<std::vector<EventEntry>>;

struct ExpectedCloseEntry {
    bool closed_by_me = false;
    std::vector<std::string> codes;  // empty: any code
    bool require_clean = false;
    bool wrong_endpoint_is_fatal = false;
    bool judged = true;  // false: the case's own rule judged how it ended (expectedCloseJudged)
};

// One wire log row, from Autobahn's positional arrays (AB:fuzzing.py logRxOctets ...).
struct WireEntry {
    std::optional<std::string> kind;  // "TO", "RF", "CT" ...; nullopt: not [kind, ...] (see raw)
    std::string raw;                  // such a row, as JSON
    std::optional<std::int64_t> time_us;  // from wirelogTimesUs
    std::string length;                   // TO, RO, TF, RF: the octets' or the payload's length
    std::string data;  // TO, RO: hex; TF, RF: the payload as text; a kind we do not know:
                       // its first argument
    std::optional<long long> opcode;  // TF, RF: the opcode when it is a number...
    std::string opcode_text;          // ...and as text when it is not
    bool fin = false;
    std::string rsv;
    bool masked = false;   // RF
    std::string mask;      // TF, RF
    std::string repeat;    // TF: the payload repeated to this length
    std::string chop;      // TF: sent in chops of this size
    bool sync = false;     // TO, TF
    std::string delay;     // CT, KL, TI: seconds
    std::string tag;       // CT, CTE
    bool enabled = false;  // WLM
};

// A statistics table in numeric key order.
struct StatsTable {
    struct Row {
        std::string key;
        std::string count;
        std::optional<long long> opcode;  // frame statistics: the key as an opcode
    };
    std::string caption;
    std::vector<Row> rows;
};

struct CaseDetail {
    bool recorded = false;  // there was a case file
    // The case.
    std::optional<bool> is_server;
    std::string requirement, level, description, expectation, started, harness_error;
    std::vector<std::string> rfc;
    // The flags that ran it (cli/rerun_flags.h); nullopt in a file of an older run.
    std::optional<std::vector<std::string>> rerun_flags;
    // Expected events by behavior, in Autobahn's order (OK, NON-STRICT, then the others);
    // nullopt when not recorded.
    std::optional<std::vector<std::pair<std::string, EventList>>> expected;
    EventList received;
    std::optional<ExpectedCloseEntry> expected_close;
    std::string result, result_close;
    // The close.
    std::optional<bool> closed_by_me, failed_by_me, dropped_by_me, was_clean;
    std::optional<bool> was_open_handshake_timeout, was_close_handshake_timeout,
        was_server_connection_drop_timeout;
    std::optional<std::string> local_close_code, remote_close_code;  // nullopt: none
    std::string local_close_reason, remote_close_reason, was_not_clean_reason;
    std::optional<long long> close_frames_received;  // nullopt: no frame statistics
    // The opening handshake.
    std::string http_request, http_response;
    // The wire log.
    std::vector<WireEntry> wirelog;
    bool wirelog_timed = false;        // wirelogTimesUs has a time for each row
    std::string wirelog_dropped_rows;  // "" unless the capped log dropped rows
    std::string received_dropped;      // dropped_events_text()
    // Statistics: frames and octets each way, then trafficStats (nullopt: none).
    std::vector<StatsTable> stats;
    std::optional<std::vector<std::pair<std::string, std::string>>> traffic;
};

// Reads the file's JSON object (null: no file).
CaseDetail read_case_detail(const nlohmann::json* doc);

// What a case file says its verdict was judged on: an event script (`expected` not `{}`; 9.x,
// 12.x and 17.x have none and are judged by a rule of their own) and `expectedClose` (not
// where `expectedCloseJudged` is false: 17.x).
struct JudgedOn {
    bool event_script = true;
    bool close_expectation = true;
};
JudgedOn judged_on(const nlohmann::json* doc);

// Close frames received (rxFrameStats["8"], 0 when absent); nullopt when the file has no
// frame statistics.
std::optional<long long> close_frames_received(const nlohmann::json& doc);

}  // namespace wsconform::reports
