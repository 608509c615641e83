// Target `frame_parser`: the streaming FrameParser fed whole, byte by byte and in
// input-derived chunks, in both roles and under options from the first input byte; the three
// event streams must be identical and obey the RFC (see frame_parser_oracle.h). Byte-level
// mutations only; frame_parser_structured_fuzz.cpp is the same oracle with a frame-aware
// mutator.
#include <cstddef>
#include <cstdint>

#include "fuzz/frame_parser_oracle.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    wsconform::fuzz::check_frame_parser(data, size);
    return 0;
}
