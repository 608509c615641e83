// Under AddressSanitizer, poisons every byte of a buffer outside the window being fed, so a
// parser that reads past its chunk, or back into bytes it already consumed, is reported at the
// offending read even though the memory around the chunk is ours. A no-op without ASan.
// (ASan tracks 8-byte granules: the end of a window is exact, its start is rounded down.)
#pragma once

#include <cstddef>

#include "fuzz/fuzz_check.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WSCONFORM_FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define WSCONFORM_FUZZ_ASAN 1
#endif
#if defined(WSCONFORM_FUZZ_ASAN)
#include <sanitizer/asan_interface.h>
#endif

namespace wsconform::fuzz {

class PoisonWindow {
  public:
    PoisonWindow(const void* base, std::size_t size)
        : base_(static_cast<const char*>(base)), size_(size) {
        poison(0, size_);
    }
    ~PoisonWindow() { unpoison(0, size_); }  // all addressable again before it is freed
    PoisonWindow(const PoisonWindow&) = delete;
    PoisonWindow& operator=(const PoisonWindow&) = delete;

    // Makes [lo, hi) addressable and the rest of the buffer poisoned. Moving the window
    // forward touches only the bytes that change state, so feeding byte by byte stays linear.
    WSCONFORM_FUZZ_NO_COVERAGE void set(std::size_t lo, std::size_t hi) noexcept {
        if (lo >= lo_ && hi >= hi_ && lo <= hi) {
            poison(lo_, lo < hi_ ? lo : hi_);
            unpoison(lo > hi_ ? lo : hi_, hi);
        } else {
            poison(0, size_);
            unpoison(lo, hi);
        }
        lo_ = lo;
        hi_ = hi;
    }

    // Byte-by-byte feeding: extends the window to [.., hi) with one call, leaving the bytes
    // already consumed addressable (reads back into them are caught by the chunked run).
    WSCONFORM_FUZZ_NO_COVERAGE void extend(std::size_t hi) noexcept {
        if (hi > hi_) unpoison(hi_, hi);
        hi_ = hi;
    }

  private:
    void poison(std::size_t lo, std::size_t hi) noexcept { mark(lo, hi, true); }
    void unpoison(std::size_t lo, std::size_t hi) noexcept { mark(lo, hi, false); }
    void mark(std::size_t lo, std::size_t hi, bool poisoned) noexcept {
#if defined(WSCONFORM_FUZZ_ASAN)
        if (hi <= lo) return;
        if (poisoned) {
            ASAN_POISON_MEMORY_REGION(base_ + lo, hi - lo);
        } else {
            ASAN_UNPOISON_MEMORY_REGION(base_ + lo, hi - lo);
        }
#else
        (void)lo;
        (void)hi;
        (void)poisoned;
#endif
    }

    [[maybe_unused]] const char* base_;  // read only under ASan
    std::size_t size_;
    std::size_t lo_ = 0;
    std::size_t hi_ = 0;
};

}  // namespace wsconform::fuzz
