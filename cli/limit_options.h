// Section 15's thresholds on the command line (test-server and test-client): what "promptly"
// means and the size counted as a missing limit (harness/model/limits.h says how cases use
// them). 15.4's thresholds (slowloris connections K, the ReDoS ratio) get a function of their
// own next to add_limit_threshold_options, in this file, writing into the same struct.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdint>

#include "harness/model/limits.h"

namespace wsconform::cli {

struct LimitOptions {
    double prompt_s = 2;                                   // --limit-prompt
    std::uint64_t missing_bytes = std::uint64_t{1} << 30;  // --limit-missing-size
};

// --limit-prompt S and --limit-missing-size BYTES, with their defaults shown.
void add_limit_threshold_options(CLI::App& sub, LimitOptions& limits);
// The thresholds the run hands to its cases.
harness::LimitThresholds limit_thresholds(const LimitOptions& limits);

}  // namespace wsconform::cli
