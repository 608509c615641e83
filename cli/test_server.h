// `wsconform test-server URL...` (Autobahn's fuzzingclient): the selected cases against each
// server in turn, results written as each case ends.
#pragma once

#include <string>
#include <vector>

#include "cases/profile.h"
#include "cli/case_selection.h"
#include "cli/limit_options.h"
#include "cli/run_report.h"
#include "harness/endpoint.h"

namespace wsconform::cli {

struct ServerTarget {
    harness::Endpoint endpoint;
    std::string agent;                       // empty: from the Server header
    std::vector<std::string> extra_headers;  // "Name: value", with every upgrade request
};

struct TestServerConfig {
    std::vector<ServerTarget> targets;
    CaseSelection selection;
    cases::Profile profile = cases::Profile::echo;
    ReportOptions report{.outdir = "./reports/servers"};
    unsigned jobs = 0;
    double timeout_s = 0;
    double case_timeout_s = 0;
    double time_scale = 1;  // --time-scale: every case timer and deadline times this
    LimitOptions limits;    // section 15's thresholds
};

// Exit code: 0 every case passed (or no regression against --baseline), 1 some did not or
// the run was interrupted, 3 a server could not be reached (no connection at all: a server
// that answers the handshake wrongly gets a full run, section 14 judging its answer).
// UsageError before anything runs.
int run_test_server(const TestServerConfig& config);

}  // namespace wsconform::cli
