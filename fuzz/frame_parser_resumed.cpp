// The frame_parser oracle's byte-by-byte and chunked passes, built from a second copy of the
// parser: this file and the protocol sources it needs are compiled with
// -Dwsconform=wsconform_uncovered (so nothing clashes with the instrumented copy) and, in
// libFuzzer builds, without coverage instrumentation. See frame_parser_oracle.h.
#include <cstddef>
#include <cstdint>

#include "fuzz/frame_parser_oracle.h"

extern "C" void wsconform_fuzz_check_resumed_transcripts(const std::uint8_t* data, std::size_t size,
                                                         std::uint64_t expected) {
    wsconform::fuzz::check_resumed_transcripts(data, size, expected);
}
