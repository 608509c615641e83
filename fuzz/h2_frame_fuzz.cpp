// Target `h2_frame`: HTTP/2 frames and HPACK literal blocks as protocol/h2_frame reads them.
// The input, fed to a FrameReader in chunks, gives frames that re-encode to exactly the bytes
// they came from (the stream's reserved bit aside), and never one over the size limit; each
// payload goes through every reader (SETTINGS, the 32-bit fields, padding, describe()); a
// payload that decodes as a literal HPACK block re-encodes to a block that decodes the same, and
// split into HEADERS and CONTINUATION frames it assembles back whole; and every frame goes through
// one HeaderBlockAssembler (RFC 9113 §4.3), whose blocks stay under its cap.
//
// Input: byte 0 is the chunk size (1-256) and byte 1 the reader's limit (in KiB); then the bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "protocol/h2_frame.h"

namespace {

using namespace wsconform::protocol;

void check_one_frame(const h2::Frame& f, std::string_view original) {
    std::string expected(original);
    expected[5] = static_cast<char>(expected[5] & 0x7f);  // the reserved bit is dropped
    FUZZ_CHECK(h2::encode_frame(f) == expected);
    (void)h2::describe(f);
    // A SETTINGS frame check_frame lets through parses.
    if (!h2::check_frame(f) && f.type == h2::FrameType::settings)
        FUZZ_CHECK(h2::parse_settings(f.payload).has_value());
    if (const auto settings = h2::parse_settings(f.payload)) {
        FUZZ_CHECK(settings->size() * 6 == f.payload.size());
        const auto again = h2::encode_settings(*settings, false);
        FUZZ_CHECK(std::string_view(again).substr(h2::kFrameHeaderSize) == f.payload);
        // A server's SETTINGS keep a client's rules and one more (ENABLE_PUSH only 0): what a
        // client may not send, a server may not either.
        const auto as_server = h2::check_settings(*settings, true);
        if (const auto as_client = h2::check_settings(*settings, false)) {
            FUZZ_CHECK(as_server.has_value());
            FUZZ_CHECK(!as_client->what.empty() && as_client->error_code != 0);
        }
    } else {
        FUZZ_CHECK(f.payload.size() % 6 != 0);
    }
    FUZZ_CHECK(h2::read_u32(f.payload).has_value() == (f.payload.size() >= 4));
    if (const auto body = h2::unpadded(f)) FUZZ_CHECK(body->size() <= f.payload.size());
    if (const auto fields = h2::hpack_decode_literal(f.payload)) {
        const auto block = h2::hpack_encode_literal(*fields);
        const auto again = h2::hpack_decode_literal(block);
        FUZZ_CHECK(again.has_value() && again->size() == fields->size());
        for (std::size_t i = 0; i < fields->size(); ++i)
            FUZZ_CHECK((*again)[i].name == (*fields)[i].name &&
                       (*again)[i].value == (*fields)[i].value);
        // As HEADERS + CONTINUATION in small frames, the pieces assemble into the block whole.
        const auto frames = h2::encode_headers(1, block, true, 7);
        h2::FrameReader reader(7);
        reader.feed(frames);
        h2::HeaderBlockAssembler assembler;
        auto step = h2::HeaderBlockAssembler::Step::other;
        while (auto piece = reader.next()) {
            FUZZ_CHECK(step != h2::HeaderBlockAssembler::Step::complete);
            step = assembler.feed(*piece);
        }
        FUZZ_CHECK(reader.error().empty() && reader.buffered() == 0);
        if (block.size() <= h2::kMaxHeaderBlock)
            FUZZ_CHECK(step == h2::HeaderBlockAssembler::Step::complete &&
                       assembler.block().octets == block && assembler.block().end_stream);
        else
            FUZZ_CHECK(step == h2::HeaderBlockAssembler::Step::error);
    }
}

// Every frame of the input through one assembler: a block it completes is never over the cap
// and never longer than the frames it came in; an error is for good.
void check_assembly(h2::HeaderBlockAssembler& assembler, const h2::Frame& f,
                    std::size_t& octets_since_headers) {
    const bool failed_before = !assembler.error().empty();
    if (f.type == h2::FrameType::headers) octets_since_headers = 0;
    octets_since_headers += f.payload.size();
    const auto step = assembler.feed(f);
    FUZZ_CHECK(!failed_before || step == h2::HeaderBlockAssembler::Step::error);
    FUZZ_CHECK((step == h2::HeaderBlockAssembler::Step::error) == !assembler.error().empty());
    if (step == h2::HeaderBlockAssembler::Step::complete)
        FUZZ_CHECK(assembler.block().octets.size() <= h2::kMaxHeaderBlock &&
                   assembler.block().octets.size() <= octets_since_headers &&
                   assembler.block().stream == f.stream);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::size_t chunk = std::size_t{data[0]} + 1;
    const std::uint32_t limit = (std::uint32_t{data[1]} + 1) * 1024;
    std::string_view in(reinterpret_cast<const char*>(data + 2), size - 2);
    h2::FrameReader reader(limit);
    h2::HeaderBlockAssembler assembler;
    std::size_t at = 0, consumed = 0, octets_since_headers = 0;
    while (at < in.size()) {
        const auto piece = in.substr(at, chunk);
        at += piece.size();
        reader.feed(piece);
        while (auto f = reader.next()) {
            const auto length = h2::kFrameHeaderSize + f->payload.size();
            FUZZ_CHECK(f->payload.size() <= limit);
            check_one_frame(*f, in.substr(consumed, length));
            check_assembly(assembler, *f, octets_since_headers);
            consumed += length;
        }
        if (!reader.error().empty()) break;
    }
    FUZZ_CHECK(consumed <= in.size());
    return 0;
}
