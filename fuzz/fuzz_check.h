// Oracles for the fuzz targets: a failed check prints what broke and aborts, in every build
// (assert() would vanish under -DNDEBUG, and CMake's RelWithDebInfo defines it). libFuzzer
// reports the abort as a crash and saves the input; the replay main exits non-zero.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace wsconform::fuzz {

[[noreturn]] inline void check_failed(const char* what, const char* file, int line) noexcept {
    std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", what, file, line);
    std::fflush(stderr);
    std::abort();
}

}  // namespace wsconform::fuzz

// For the harness's own hot loops: no coverage instrumentation (its comparisons would be traced
// on every byte and tell libFuzzer nothing about the code under test). Clang 13 and later.
#if defined(__clang__) && __clang_major__ >= 13
#define WSCONFORM_FUZZ_NO_COVERAGE __attribute__((no_sanitize("coverage")))
#else
#define WSCONFORM_FUZZ_NO_COVERAGE
#endif

#define FUZZ_CHECK(cond) \
    ((cond) ? static_cast<void>(0) : ::wsconform::fuzz::check_failed(#cond, __FILE__, __LINE__))
