// `wsconform test-client --listen ADDR` (Autobahn's fuzzingserver): clients under test drive
// the cases over Autobahn's URL protocol; with --run we start the client ourselves.
#pragma once

#include <cstddef>
#include <string>

#include "cli/case_selection.h"
#include "cli/limit_options.h"
#include "cli/options.h"
#include "cli/run_report.h"

namespace wsconform::cli {

struct TestClientConfig {
    std::string listen = "127.0.0.1:9001";
    CaseSelection selection;
    ReportOptions report{.outdir = "./reports/clients"};
    std::string run_command;
    std::string agent = "client";  // what {agent} becomes in --run
    std::size_t exit_after_agents = 0;
    bool host_check = true;
    double timeout_s = 0;
    double time_scale = 1;  // --time-scale: every case timer and deadline times this
    LimitOptions limits;    // section 15's thresholds
    // wss://: the given certificate, or with `tls` alone a throwaway CA and leaf made here.
    bool tls = false;
    ServerTlsOptions tls_files;
    // --http2: HTTP/2 too (h2c by prior knowledge, ALPN h2 over TLS), RFC 8441's extended
    // CONNECT on the same port as the HTTP/1.1 upgrades (docs/http2.md).
    bool http2 = false;
};

// Exit code: 0 every case passed, 1 some did not (with --run also: a case never ran, or the
// client failed or was killed at the deadline) or the run was interrupted, 3 no client
// connected. UsageError before anything runs.
int run_test_client(const TestClientConfig& config);

}  // namespace wsconform::cli
