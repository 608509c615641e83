// Whole runs of catalogue cases against the test peers, in memory (no report folder): as a
// client against a server on 127.0.0.1, and as test-client's server for a client of ours that
// plays each case in turn. For the tests that check which cases a planted flaw makes fail.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "harness/runner.h"
#include "tests/support/handshake_peers.h"

namespace wsconform::test_support {

using Results = std::map<std::string, harness::CaseResult>;

// The catalogue's cases matching `pattern`.
std::vector<const harness::Case*> select(const std::string& pattern);

// "OK / FAILED": the two Autobahn columns.
std::string columns(const harness::Verdict& v);
// The columns, the outcome and both result texts, for a failure message.
std::string explain(const harness::CaseResult& r);

// 8 jobs, the opening handshake bounded by `head_wait`.
harness::RunOptions quick_options(
    std::chrono::milliseconds head_wait = std::chrono::milliseconds(5000));

// Runs the cases matching `patterns` against ws://127.0.0.1:port/ (expects each to finish).
Results run_server_cases(std::uint16_t port, const std::vector<std::string>& patterns,
                         harness::RunOptions options = quick_options());

// The same against wsconform's own echo server (harness::EchoServer), started for the run.
Results run_reference_server_cases(const std::vector<std::string>& patterns);

// One agent runs every selected case, in order, as Autobahn's client drivers do, with
// run_client_case() and `flaw`.
Results run_client_cases(ClientFlaw flaw, const std::vector<std::string>& patterns,
                         const std::string& agent);

}  // namespace wsconform::test_support
