// The `wsconform` command line. Exceptions stop here: every failure becomes one line on
// stderr and an exit code (0 all passed, 1 some case failed, 2 usage or configuration error,
// 3 the target could not be reached).
#pragma once

namespace wsconform::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailures = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;

int run(int argc, char** argv);

}  // namespace wsconform::cli
