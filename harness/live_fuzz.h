// `wsconform fuzz URL`: structure-aware fuzzing of a live WebSocket server, and `wsconform
// replay FILE URL` for what it finds. No Asio in this header.
//
// Each test input is a function of (seed, index) only: an opening handshake (valid, or
// mutated: headers dropped, duplicated, garbled, oversized...) and, after a valid one, a frame
// sequence — a valid prefix (text, binary, fragmented, pings, compressed messages when
// permessage-deflate was offered), then frames mutated by mutation/frame_mutator.h (lengths and
// length forms, opcodes, RSV, masking, fragmentation, UTF-8, close payloads, deflate data) —
// cut into writes at input-chosen points. One connection per input.
//
// What is a finding (each detected from outside the server):
//   crash        the server refuses connections after an input (three tries in a row);
//   hang         no answer within the deadline where one is owed: to a valid upgrade request,
//                to a ping (or a close) sent after a sequence our own server-role parser
//                accepts up to a frame boundary;
//   violation    the server's bytes break RFC 6455/7692 (parsed with FrameParser in the client
//                role, compressed messages inflated and checked as UTF-8; data after its close)
//                or its 101 response fails check_upgrade_response();
//   slow         an answer owed took longer than --slow-ms and 50x the median so far;
//   peer_memory  with --watch-pid, the server's resident memory passed --peer-rss-limit.
// After a sequence the parser rejects, the server should close, but a server that stays
// silent instead (some check UTF-8 only at the message end) is not reported.
//
// Bounded: every socket operation has a deadline, reads stop after max_read bytes per input,
// inputs stay under 64 KiB, at most max_findings files are written; the run stops at
// --iterations or --duration, or at the first crash (the peer is gone).
//
// The parts, in harness/live_fuzz/: input.cpp generates the inputs; client.cpp runs one on one
// connection (transport::BlockingClient), with shadow.h (the server's parser, shadowed) saying
// when an answer is owed and peer_reader.h checking what comes back (both use
// compressed_message.h); liveness.h tells a crashed server; finding_file.cpp reads and writes
// the finding files; fuzz_run.cpp is the main loop and replay.cpp `wsconform replay`.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "harness/endpoint.h"

namespace wsconform::harness {

// One test input: everything sent on one connection.
struct LiveInput {
    std::uint64_t seed = 0;
    std::uint64_t index = 0;
    std::string description;      // what was generated, for people
    std::string handshake;        // the request bytes
    bool handshake_valid = true;  // false when mutated: no 101 is owed
    bool offers_deflate = false;
    std::vector<std::string> offered_protocols;
    std::vector<std::string> writes;  // frame bytes, one element per write
    std::string probe_ping;           // the whole masked ping frame sent as the probe
    std::string probe_payload;        // its payload, which the pong must echo
    std::string probe_close;          // the whole masked close frame sent last
};

// The test input `index` of the sequence for `seed` (Host and target from `endpoint`). Every
// request, valid or mutated, also carries `extra_headers` ("Name: value", never mutated: what
// the endpoint needs to upgrade at all); a Sec-WebSocket-Protocol among them replaces the
// input's own offer. Without them the inputs are as before.
LiveInput generate_live_input(std::uint64_t seed, std::uint64_t index, const Endpoint& endpoint,
                              const std::vector<std::string>& extra_headers = {});

enum class FindingKind { crash, hang, violation, slow, peer_memory };
const char* to_string(FindingKind kind) noexcept;

struct LiveFuzzOptions {
    Endpoint endpoint;
    // --header, --origin, --subprotocol: sent with every request. A replay puts them in
    // place of the "<redacted>" values its finding file holds.
    std::vector<std::string> extra_headers;
    std::uint64_t seed = 1;
    std::optional<std::uint64_t> iterations;  // neither set: 1000 iterations
    std::optional<double> duration_s;
    unsigned jobs = 1;
    std::string out_dir = "./wsconform-fuzz";
    std::chrono::milliseconds timeout{5000};  // an owed answer later than this is a hang
    std::chrono::milliseconds slow{2000};     // ... and one later than this (and 50x the
    double slow_factor = 50;                  //     median so far) is slow
    std::size_t max_read = 1u << 20;          // bytes read per input, at most
    std::size_t max_findings = 50;
    int watch_pid = 0;  // the server's pid, to watch its RSS (Linux /proc)
    std::size_t peer_rss_limit_mb = 0;
    // Progress and findings, one line each (nothing when empty).
    std::function<void(const std::string&)> log;
};

// What one input observed.
struct LiveOutcome {
    std::optional<FindingKind> finding;
    std::string detail;
    bool connected = false;
    bool upgraded = false;
    bool deflate = false;    // permessage-deflate was agreed
    bool pong = false;       // the probe ping was answered
    bool dropped = false;    // the connection ended without a close frame
    std::string verdict;     // our parser's view of what was sent: valid, invalid, ...
    double latency_ms = -1;  // the owed answer (101 or pong), when measured
};

// Runs one input on a new connection (no crash check: see server_alive()).
LiveOutcome run_live_input(const LiveInput& input, const LiveFuzzOptions& options);

// False when the server refuses a TCP connection (or does not accept one within 2 s).
bool server_alive(const Endpoint& endpoint);
// True when three connections in a row fail (a crashed server; see live_fuzz.cpp).
bool server_down(const Endpoint& endpoint);
// True when the server goes down within `grace`: three refusals in a row, polled every 50 ms.
// A process that is still dying keeps its listening socket (and accepts into its backlog) for
// a moment, so a replay, which expects the crash, waits for it instead of sampling once.
bool server_down_within(const Endpoint& endpoint, std::chrono::milliseconds grace);

struct LiveFuzzSummary {
    std::uint64_t inputs = 0;
    std::uint64_t upgraded = 0;
    std::uint64_t probes_answered = 0;              // pongs to the probe ping
    std::uint64_t answers_timed = 0;                // 101s and pongs whose latency was measured
    std::map<std::string, std::uint64_t> verdicts;  // valid/invalid/incomplete/uncertain
    std::uint64_t transient_refusals = 0;  // refused connections while the server stayed up
    std::vector<std::string> finding_files;
    double seconds = 0;
    double median_latency_ms = 0;
    std::size_t peer_peak_rss_kb = 0;
    bool unreachable = false;  // the server could not be reached before the first input
};

LiveFuzzSummary run_live_fuzz(const LiveFuzzOptions& options);

// A saved finding: JSON with the kind, the detail and the inputs (hex) in the order to replay.
// The requests are saved without credentials (protocol::redact_secrets).
struct LiveFinding {
    FindingKind kind = FindingKind::crash;
    std::string detail;
    std::string url;
    std::uint64_t seed = 0;
    std::vector<LiveInput> inputs;
};
std::string finding_to_json(const LiveFinding& finding);
// Throws std::runtime_error with one line on a malformed file.
LiveFinding finding_from_json(const std::string& text);

struct ReplayResult {
    bool reproduced = false;
    std::string detail;
};
// Replays the inputs in order against `options.endpoint` (the Host header is rewritten to
// it, and each "<redacted>" header value becomes the value `options.extra_headers` gives that
// header), checking after each whether the finding's kind shows again.
ReplayResult replay_live_finding(const LiveFinding& finding, const LiveFuzzOptions& options);

}  // namespace wsconform::harness
