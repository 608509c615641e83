// Whether this build runs under AddressSanitizer (scripts/test's build-asan/), for the few
// tests whose bounds depend on it: an instrumented process is several times slower and its
// resident size several times larger (shadow memory, redzones, the quarantine).
#pragma once

// Defined by the ASan runtime, which every executable of an ASan build links, whether or not
// the file asking was instrumented (tests/CMakeLists.txt builds the test files without
// instrumentation, identical in both builds); null elsewhere.
extern "C" void __asan_init() __attribute__((weak));

namespace wsconform::test_support {

inline const bool kUnderAsan = __asan_init != nullptr;

// How much slower a test should expect the wsconform processes (and itself) to be.
inline const unsigned kSlowdown = kUnderAsan ? 4 : 1;

}  // namespace wsconform::test_support
