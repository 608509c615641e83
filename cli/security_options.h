// Section 15's handshake, Origin and proxy flags (15.4-15.6), kept apart from the other
// thresholds: --allowed-origin, --slowloris-connections, --slowloris-deadline, --redos-ratio.
#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "harness/model/http_script.h"

namespace wsconform::cli {

struct SecurityOptions {
    std::vector<std::string> allowed_origins;
    int slowloris_connections = 8;
    double slowloris_deadline_s = 30;
    double redos_ratio = 8;
};

// test-server: all four flags.
void add_security_options(CLI::App& sub, SecurityOptions& o);
// serve: --allowed-origin only (the built-in server's Origin policy).
void add_allowed_origin_option(CLI::App& sub, std::vector<std::string>& origins);

// The settings the harness reads (UsageError for an origin that is not
// scheme://host[:port] or "null").
harness::SecuritySettings security_settings_from(const SecurityOptions& o);
// Each origin checked as above.
void check_origins(const std::vector<std::string>& origins);

}  // namespace wsconform::cli
