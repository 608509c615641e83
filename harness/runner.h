// Runs cases against a server, `jobs` at a time, each on its own connection, with per-case
// deadlines and an optional deadline for the whole run. No Asio in this header.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "harness/endpoint.h"
#include "harness/model/case.h"
#include "harness/model/limits.h"
#include "harness/model/result.h"
#include "harness/model/timeouts.h"

namespace wsconform::harness {

struct RunOptions {
    std::string agent;
    unsigned jobs = 0;                         // 0: default_jobs()
    std::chrono::milliseconds run_timeout{0};  // 0: none
    Timeouts timeouts;
    std::size_t max_message = 64u << 20;
    // Cases start only while the sum of their memory_hint stays under this (a case larger
    // than the budget runs alone).
    std::size_t memory_budget = 48u << 20;
    // And while the sum of what they may keep of a peer's traffic (kRunningCaseKeptBytes
    // each, a flooding peer's worst) stays under this: 64 cases at a time at most.
    std::size_t kept_budget = 64u << 20;
    std::vector<std::string> extra_headers;  // "Name: value", sent with every upgrade request
    // Case ID -> why the run does not make it (--profile protocol): reported UNIMPLEMENTED with
    // that sentence, without a connection.
    std::map<std::string, std::string> not_run;
    // Section 15's thresholds (harness/model/limits.h), handed to every case.
    LimitThresholds limits;
};

unsigned default_jobs();

struct ProbeResult {
    bool connected = false;     // the connection was made (else: the target is unreachable)
    bool upgraded = false;      // and the WebSocket handshake succeeded
    std::string error;          // what went wrong, in one line
    std::string server_header;  // the Server header of the response, if any
};

// One WebSocket handshake (and a close) to see whether anything answers at `target`, and
// which Server header it gives. A target that accepts the connection but answers the
// handshake wrongly is connected, not upgraded: its run goes on, and section 14 says which
// rule the answer broke.
ProbeResult probe(const Endpoint& target, const RunOptions& options);

// A section-15 case found the peer down: its verdict fails, saying so and why (`probe_error`).
void fail_for_downed_peer(CaseResult& result, const std::string& probe_error);

struct RunSummary {
    std::size_t finished = 0;  // cases that ran to a verdict
    std::size_t not_run = 0;   // cases left when the run was stopped (not_run_ids.size())
    std::vector<std::string> not_run_ids;  // which, in the order given to run()
    bool stopped = false;                  // by stop() or the run timeout
    std::string stop_reason;
};

// The result of a case a run did not make: both columns UNIMPLEMENTED (Autobahn's readers
// count it neither passed nor failed), outcome not_run, `why` as its reason ("interrupted by a
// signal", "the run timeout (4 s) passed"). `harness_error` set (the target could not be
// reached) makes it a fault of the setup, as reports show harness errors.
CaseResult not_run_result(const Case& test, const std::string& agent, int case_number,
                          const std::string& why, const std::string& harness_error = {});

class Runner {
  public:
    explicit Runner(RunOptions options);
    ~Runner();
    Runner(const Runner&) = delete;
    Runner& operator=(const Runner&) = delete;

    // Runs `cases` in order of start; `on_result` gets each finished case, one call at a time,
    // and when the run is stopped, a not_run_result() for each case it did not finish. A case
    // that can crash the peer (Case::can_crash_peer) runs alone, and the peer must then still
    // complete a fresh handshake (probe()): if it does not, that case fails saying so, and the
    // run stops with every case left reported not run ("the peer went down during case X").
    // (A peer that completed no handshake before the first such case is not checked.)
    RunSummary run(const Endpoint& target, std::span<const Case* const> cases,
                   const std::function<void(CaseResult&&)>& on_result);

    // Ends the run early (thread-safe): running cases are abandoned and reported not run.
    void stop(std::string why);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsconform::harness
