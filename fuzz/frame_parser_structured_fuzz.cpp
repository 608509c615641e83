// Target `frame_parser_structured`: the frame_parser oracle (frame_parser_oracle.h) driven by
// a frame-aware custom mutator. The input keeps the same layout (options byte, then wire
// bytes), so both targets share corpus/frame_parser/. The mutator reads the wire bytes into a
// frame list, changes lengths, opcodes, RSV, the mask bit, splits and joins fragments, inserts
// control frames (mutation/frame_mutator.h), and writes the list back; one time in eight it
// leaves the job to libFuzzer's byte mutator, to keep byte-level chaos in the mix.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz/frame_parser_oracle.h"
#include "mutation/frame_mutator.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    wsconform::fuzz::check_frame_parser(data, size);
    return 0;
}

#if defined(WSCONFORM_LIBFUZZER)
extern "C" std::size_t LLVMFuzzerMutate(std::uint8_t* data, std::size_t size, std::size_t max_size);

namespace {

using namespace wsconform::fuzz;

std::size_t write_back(std::uint8_t options, const FrameSequence& seq, std::uint8_t* out,
                       std::size_t max_size) {
    std::string bytes(1, static_cast<char>(options));
    bytes += serialize(seq);
    const std::size_t n = std::min(bytes.size(), max_size);
    std::memcpy(out, bytes.data(), n);
    return n;
}

}  // namespace

extern "C" std::size_t LLVMFuzzerCustomMutator(std::uint8_t* data, std::size_t size,
                                               std::size_t max_size, unsigned int seed) {
    Rng rng(seed);
    if (size < 2 || max_size < 2 || rng.chance(1, 8)) return LLVMFuzzerMutate(data, size, max_size);
    std::uint8_t options = data[0];
    if (rng.chance(1, 16)) options = rng.byte();
    FrameSequence seq = parse_frame_sequence({data + 1, size - 1});
    MutatorOptions mo;
    mo.client_frames = (options & frame_opts::kClientRole) == 0;  // a server parses masked frames
    mo.max_payload = max_size / 2;
    const ByteMutator bytes = [](std::uint8_t* d, std::size_t n, std::size_t max) {
        return LLVMFuzzerMutate(d, n, max);
    };
    for (std::uint64_t i = 0, count = rng.range(1, 3); i < count; ++i) {
        mutate_once(seq, rng, bytes, mo);
    }
    return write_back(options, seq, data, max_size);
}

// Crossover at frame granularity: the first frames of one input, the last of the other.
extern "C" std::size_t LLVMFuzzerCustomCrossOver(const std::uint8_t* data1, std::size_t size1,
                                                 const std::uint8_t* data2, std::size_t size2,
                                                 std::uint8_t* out, std::size_t max_out_size,
                                                 unsigned int seed) {
    if (size1 < 1 || size2 < 1 || max_out_size < 1) return 0;
    Rng rng(seed);
    FrameSequence a = parse_frame_sequence({data1 + 1, size1 - 1});
    const FrameSequence b = parse_frame_sequence({data2 + 1, size2 - 1});
    a.frames.resize(rng.index(a.frames.size() + 1));
    const std::size_t from = rng.index(b.frames.size() + 1);
    a.frames.insert(a.frames.end(), b.frames.begin() + static_cast<std::ptrdiff_t>(from),
                    b.frames.end());
    a.tail = b.tail;
    return write_back(data1[0], a, out, max_out_size);
}
#endif  // WSCONFORM_LIBFUZZER
