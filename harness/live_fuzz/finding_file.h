// Where the live fuzzer keeps a finding: <kind>-seed<seed>-input<index>.json in the output
// folder, written atomically. The format itself is live_fuzz.h's finding_to_json().
#pragma once

#include <filesystem>

#include "harness/live_fuzz.h"

namespace wsconform::harness::live_fuzz {

// Writes `finding` (its inputs not empty) into `dir`; returns the file's path. Throws
// std::system_error when it cannot be written.
std::filesystem::path write_finding(const std::filesystem::path& dir, const LiveFinding& finding);

}  // namespace wsconform::harness::live_fuzz
