#pragma once

#include <string>

namespace wsconform::harness {

// Current UTC time as ISO 8601 with milliseconds, e.g. "2026-11-22T23:50:01.123Z".
std::string utc_timestamp_now();

}  // namespace wsconform::harness
