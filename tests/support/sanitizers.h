// Whether this build runs under AddressSanitizer (scripts/test's build-asan/), for the few
// tests whose bounds depend on it: an instrumented process is several times slower and its
// resident size several times larger (shadow memory, redzones, the quarantine).
#pragma once

namespace wsconform::test_support {

// WSCONFORM_UNDER_ASAN: tests/CMakeLists.txt builds the test files themselves without
// instrumentation, but the libraries and processes they test have it.
#if defined(__SANITIZE_ADDRESS__) || defined(WSCONFORM_UNDER_ASAN)
inline constexpr bool kUnderAsan = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kUnderAsan = true;
#else
inline constexpr bool kUnderAsan = false;
#endif
#else
inline constexpr bool kUnderAsan = false;
#endif

// How much slower a test should expect the wsconform processes (and itself) to be.
inline constexpr unsigned kSlowdown = kUnderAsan ? 4 : 1;

}  // namespace wsconform::test_support
