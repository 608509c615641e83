#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace wsconform::harness {

// Current UTC time as ISO 8601 with milliseconds, e.g. "2026-11-22T23:50:01.123Z".
std::string utc_timestamp_now();

// Microseconds from `start` to now (steady clock): a wire log's timestamps.
std::int64_t microseconds_since(std::chrono::steady_clock::time_point start);

}  // namespace wsconform::harness
