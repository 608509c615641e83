// The result of one case against one agent: the one model every report renders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "harness/model/judge.h"
#include "harness/model/wire_log.h"

namespace wsconform::harness {

struct Case;

// Autobahn's trafficStats: octets at each level, frames and messages, in each direction.
struct TrafficStats {
    struct Direction {
        std::uint64_t octets_wire = 0;       // TCP payload after the opening handshake
        std::uint64_t octets_websocket = 0;  // frame payloads (compressed when deflated)
        std::uint64_t octets_app = 0;        // message payloads (uncompressed)
        std::uint64_t frames = 0;
        std::uint64_t messages = 0;
    };
    Direction incoming, outgoing;
    std::uint64_t preopen_incoming_wire = 0;  // the opening handshake
    std::uint64_t preopen_outgoing_wire = 0;
};

struct CaseResult {
    const Case* test = nullptr;
    std::string agent;
    int case_number = 0;           // 1-based position in the selected, sorted list
    std::string started;           // UTC ISO 8601, e.g. "2026-11-22T23:50:01.123Z"
    std::int64_t duration_ms = 0;  // WebSocket open to TCP loss (0 when it never opened)
    bool is_server = false;        // we played the server (testing a client)
    std::string http_request;      // raw opening handshake text
    std::string http_response;
    Observation observation;
    // Set for cases that report compression (12.x, 13.x) and passed, as Autobahn does.
    std::optional<TrafficStats> traffic;
    Verdict verdict;
    WireLog wirelog;
};

}  // namespace wsconform::harness
