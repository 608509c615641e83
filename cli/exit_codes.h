// What `wsconform` returns. Every failure becomes one line on stderr and one of these.
#pragma once

namespace wsconform::cli {

inline constexpr int kExitOk = 0;           // every case met its expectation (or the baseline)
inline constexpr int kExitFailures = 1;     // some did not, or the run was interrupted
inline constexpr int kExitUsage = 2;        // usage or configuration error
inline constexpr int kExitUnreachable = 3;  // the target could not be reached at all

}  // namespace wsconform::cli
