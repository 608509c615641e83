// Target `utf8`: the table-driven, block-skipping Utf8Validator against the plain reference
// checker in utf8_reference.h. Whole, in input-derived chunks (1..80 bytes, so chunk ends fall
// inside the 16- and 64-byte fast paths) and byte by byte, it must agree on validity and on
// the offset of the first bad byte (the stream length for a stream that stops inside a code
// point), return false from exactly the feed() that contains that byte, and stay failed.
//
// Input: the byte stream itself.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "fuzz/poison_window.h"
#include "fuzz/utf8_reference.h"
#include "protocol/utf8.h"

namespace {

using namespace wsconform;

// Feeds s[0, n) in chunks of the sizes `next_len(offset)` gives, from one exact-size heap copy
// with everything outside the current chunk poisoned, checking every feed() result against
// the reference.
template <class NextLen>
void check_chunked(const std::uint8_t* s, std::size_t n, const fuzz::Utf8Reference& ref,
                   NextLen next_len) {
    auto copy = std::make_unique<std::uint8_t[]>(n == 0 ? 1 : n);
    if (n > 0) std::memcpy(copy.get(), s, n);
    fuzz::PoisonWindow window(copy.get(), n);
    protocol::Utf8Validator v;
    std::size_t fed_until = n;  // where bytes_fed() must stop: the end of the failing chunk
    for (std::size_t i = 0; i < n;) {
        const std::size_t len = std::min(n - i, next_len(i));
        window.set(i, i + len);
        const bool was_failed = v.failed();
        const bool ok = v.feed(std::as_bytes(std::span(copy.get() + i, len)));
        const bool bad_here = ref.first_bad && !ref.truncated && *ref.first_bad < i + len;
        FUZZ_CHECK(ok == !bad_here);
        if (!ok && !was_failed) fed_until = i + len;
        i += len;
    }
    FUZZ_CHECK(v.bytes_fed() == fed_until);
    const bool finished = v.finish();
    FUZZ_CHECK(finished == !ref.first_bad);
    FUZZ_CHECK(v.failed() == ref.first_bad.has_value());
    if (ref.first_bad) FUZZ_CHECK(v.first_bad_offset() == *ref.first_bad);
    // Failed stays failed, at the same offset.
    if (v.failed()) {
        FUZZ_CHECK(!v.feed(std::string_view("a")));
        FUZZ_CHECK(v.first_bad_offset() == *ref.first_bad);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const fuzz::Utf8Reference ref = fuzz::utf8_reference_check({data, size});
    FUZZ_CHECK(protocol::is_valid_utf8(std::as_bytes(std::span(data, size))) == !ref.first_bad);

    // Whole: feed() fails only on a bad byte; finish() also on a truncated end.
    {
        protocol::Utf8Validator v;
        const bool ok = v.feed(std::as_bytes(std::span(data, size)));
        FUZZ_CHECK(ok == (!ref.first_bad || ref.truncated));
        FUZZ_CHECK(v.at_boundary() == (!ref.first_bad));
        if (!ok) FUZZ_CHECK(v.first_bad_offset() == *ref.first_bad);
        FUZZ_CHECK(v.finish() == !ref.first_bad);
        if (ref.first_bad) FUZZ_CHECK(v.first_bad_offset() == *ref.first_bad);
    }

    const std::uint8_t salt = size > 0 ? data[size - 1] : 0;
    check_chunked(data, size, ref,
                  [&](std::size_t at) { return std::size_t{1} + ((data[at] ^ salt) % 80); });
    check_chunked(data, size, ref, [](std::size_t) { return std::size_t{1}; });

    // After a reset the validator is as new.
    protocol::Utf8Validator v;
    v.feed(std::as_bytes(std::span(data, size)));
    v.reset();
    FUZZ_CHECK(!v.failed() && v.bytes_fed() == 0 && v.at_boundary() && v.finish());
    return 0;
}
