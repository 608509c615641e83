// One test input on one connection (live_fuzz.h's run_live_input), over a target resolved
// once per run.
#pragma once

#include "harness/live_fuzz.h"
#include "harness/transport/connector.h"

namespace wsconform::harness::live_fuzz {

LiveOutcome run_input(const LiveInput& input, const LiveFuzzOptions& options,
                      const transport::ConnectTarget& target);

}  // namespace wsconform::harness::live_fuzz
