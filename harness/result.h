// The result of one case against one agent: the one model every report renders.
#pragma once

#include <cstdint>
#include <string>

#include "harness/judge.h"
#include "harness/wire_log.h"

namespace wsconform::harness {

struct Case;

struct CaseResult {
    const Case* test = nullptr;
    std::string agent;
    int case_number = 0;        // 1-based position in the selected, sorted list
    std::string started;        // UTC ISO 8601, e.g. "2026-11-22T23:50:01.123Z"
    std::int64_t duration_ms = 0;  // WebSocket open to TCP loss (0 when it never opened)
    bool is_server = false;     // we played the server (testing a client)
    std::string http_request;   // raw opening handshake text
    std::string http_response;
    Observation observation;
    Verdict verdict;
    WireLog wirelog;
};

}  // namespace wsconform::harness
