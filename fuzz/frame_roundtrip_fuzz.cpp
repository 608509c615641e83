// Target `frame_roundtrip`: encode_header() → decode_header() → equal, for a header built
// from input bytes and written in an input-chosen length form (7/16/64-bit or minimal; a form
// too small for the length falls back to minimal); every strict prefix of the header needs
// more; then the header, with the rest of the input as its payload, goes through FrameParser,
// which must accept it exactly when RFC 6455 §5.2-§5.5 (restated here) allow it and hand back
// the payload unmasked.
//
// Input: byte 0 = FIN (0x80), RSV (0x70), opcode (0x0F); byte 1 = MASK (0x80), length form
// (0x03); bytes 2-5 = mask key; bytes 6-13 = payload length (big-endian, any 64-bit value);
// the rest = the payload for the parse step.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "fuzz/fuzz_check.h"
#include "fuzz/utf8_reference.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/mask.h"

namespace {

using namespace wsconform;
using namespace wsconform::protocol;

constexpr std::array<LengthForm, 4> kForms = {LengthForm::minimal, LengthForm::bits7,
                                              LengthForm::bits16, LengthForm::bits64};

std::size_t length_field_size(std::uint64_t length, LengthForm form) {
    const std::size_t minimal = length <= 125 ? 0 : length <= 0xFFFF ? 2 : 8;
    switch (form) {
        case LengthForm::bits7:
            return length <= 125 ? 0 : minimal;
        case LengthForm::bits16:
            return length <= 0xFFFF ? 2 : minimal;
        case LengthForm::bits64:
            return 8;
        case LengthForm::minimal:
            break;
    }
    return minimal;
}

bool same_header(const FrameHeader& a, const FrameHeader& b) {
    return a.fin == b.fin && a.rsv == b.rsv && a.opcode == b.opcode && a.masked == b.masked &&
           (!a.masked || a.mask_key == b.mask_key) && a.payload_length == b.payload_length;
}

void check_encode_decode(const FrameHeader& h, LengthForm form) {
    std::array<std::byte, kMaxHeaderSize> buf{};
    const std::size_t n = encode_header(h, buf, form);
    const std::size_t ext = length_field_size(h.payload_length, form);
    FUZZ_CHECK(n == 2 + ext + (h.masked ? 4 : 0));
    FUZZ_CHECK(n == encoded_header_size(h, form));

    // Decode from an exact-size copy, then with bytes after it.
    auto exact = std::make_unique<std::byte[]>(n);
    std::memcpy(exact.get(), buf.data(), n);
    const HeaderDecode d = decode_header({exact.get(), n});
    FUZZ_CHECK(d.status == HeaderDecode::Status::ok);
    FUZZ_CHECK(d.header_size == n);
    FUZZ_CHECK(same_header(d.header, h));
    FUZZ_CHECK(d.length_minimal ==
               (ext == length_field_size(h.payload_length, LengthForm::minimal)));
    const HeaderDecode longer = decode_header(buf);
    FUZZ_CHECK(longer.status == HeaderDecode::Status::ok && longer.header_size == n);
    for (std::size_t i = 0; i < n; ++i) {
        auto prefix = std::make_unique<std::byte[]>(i == 0 ? 1 : i);
        std::memcpy(prefix.get(), buf.data(), i);
        FUZZ_CHECK(decode_header({prefix.get(), i}).status == HeaderDecode::Status::need_more);
    }
}

// The violation RFC 6455 finds in this single frame, parsed by a fresh parser with
// permessage-deflate on, in the role that expects this frame's masking.
bool frame_violates(const FrameHeader& h, bool minimal) {
    if (is_reserved(h.opcode)) return true;
    if ((h.rsv & (rsv::rsv2 | rsv::rsv3)) != 0) return true;
    if ((h.rsv & rsv::rsv1) != 0 && (is_control(h.opcode) || h.opcode == opcode::continuation)) {
        return true;
    }
    if (is_control(h.opcode) && (!h.fin || h.payload_length > 125)) return true;
    if (h.opcode == opcode::continuation) return true;  // no message is open
    return !minimal;
}

void check_parse(FrameHeader h, LengthForm form, const std::uint8_t* payload, std::size_t size) {
    h.payload_length = size;
    std::array<std::byte, kMaxHeaderSize> head{};
    const std::size_t hn = encode_header(h, head, form);
    const std::size_t total = hn + size;
    auto wire = std::make_unique<std::byte[]>(total);
    std::memcpy(wire.get(), head.data(), hn);
    if (size > 0) std::memcpy(wire.get() + hn, payload, size);
    if (h.masked) apply_mask_bytewise({wire.get() + hn, size}, h.mask_key);

    ParserOptions o;
    o.role = h.masked ? Role::server : Role::client;
    o.permessage_deflate = true;
    FrameParser parser(o);
    std::span<std::byte> input(wire.get(), total);

    const bool minimal =
        length_field_size(size, form) == length_field_size(size, LengthForm::minimal);
    bool bad = frame_violates(h, minimal);
    // Text that is not compressed is validated: fail-fast at the first bad byte, or at the
    // end for a final frame that stops inside a code point.
    std::size_t deliver = size;
    const bool text = h.opcode == opcode::text && (h.rsv & rsv::rsv1) == 0;
    bool bad_utf8 = false;
    if (!bad && text) {
        const auto ref = fuzz::utf8_reference_check({payload, size});
        if (ref.first_bad && !ref.truncated) {
            bad_utf8 = true;
            deliver = *ref.first_bad;
        } else if (ref.truncated && h.fin) {
            bad_utf8 = true;
        }
    }

    auto ev = parser.next(input);
    if (bad) {
        FUZZ_CHECK(ev.status == FrameParser::Status::error);
        FUZZ_CHECK(ev.error != Error::invalid_utf8);
        return;
    }
    FUZZ_CHECK(ev.status == FrameParser::Status::header);
    FUZZ_CHECK(same_header(ev.header, h));
    std::string got;
    for (std::size_t guard = 0; guard < 8; ++guard) {
        ev = parser.next(input);
        if (ev.status != FrameParser::Status::payload) break;
        got.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
    }
    if (is_control(h.opcode)) {
        if (ev.status == FrameParser::Status::error) {
            // Only a close frame's own payload rules (code, reason) may still fail it.
            FUZZ_CHECK(h.opcode == opcode::close && ev.error != Error::invalid_utf8);
            return;
        }
        FUZZ_CHECK(ev.status == FrameParser::Status::frame_end);
        got.assign(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
    }
    FUZZ_CHECK(got.size() == deliver &&
               (deliver == 0 || std::memcmp(got.data(), payload, deliver) == 0));
    if (bad_utf8) {
        FUZZ_CHECK(ev.status == FrameParser::Status::error && ev.error == Error::invalid_utf8);
        return;
    }
    FUZZ_CHECK(ev.status == FrameParser::Status::frame_end);
    FUZZ_CHECK(input.empty());
    FUZZ_CHECK(parser.next(input).status == FrameParser::Status::need_more);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::array<std::uint8_t, 14> fixed{};
    const std::size_t head = std::min<std::size_t>(size, fixed.size());
    std::memcpy(fixed.data(), data, head);

    FrameHeader h;
    h.fin = (fixed[0] & 0x80) != 0;
    h.rsv = (fixed[0] >> 4) & 7;
    h.opcode = fixed[0] & 0xF;
    h.masked = (fixed[1] & 0x80) != 0;
    const LengthForm form = kForms[fixed[1] & 3];
    std::memcpy(h.mask_key.data(), fixed.data() + 2, 4);
    for (std::size_t i = 6; i < 14; ++i) h.payload_length = (h.payload_length << 8) | fixed[i];

    check_encode_decode(h, form);
    // The same header at the lengths where the forms change.
    for (const std::uint64_t length : {std::uint64_t{125}, std::uint64_t{126}, std::uint64_t{65535},
                                       std::uint64_t{65536}, h.payload_length & 0xFFFF}) {
        FrameHeader g = h;
        g.payload_length = length;
        check_encode_decode(g, form);
    }
    check_parse(h, form, data + head, size - head);
    return 0;
}
