// The streaming frame parser. Rules are checked as soon as the bytes they need are present,
// in a fixed order (first byte, second byte, then the length), so every chunking of the
// same bytes reports the same violation.
#include "protocol/frame_parser.h"

#include <algorithm>
#include <cstring>

#include "protocol/error.h"
#include "protocol/mask.h"

namespace wsconform::protocol {
namespace {

constexpr std::uint8_t kMaxControlPayload = 125;

std::size_t header_size_from(std::uint8_t b1) noexcept {
    const std::uint8_t length7 = b1 & 0x7F;
    const std::size_t ext = length7 == 126 ? 2 : length7 == 127 ? 8 : 0;
    return 2 + ext + ((b1 & 0x80) != 0 ? 4 : 0);
}

}  // namespace

void FrameParser::reset() noexcept {
    state_ = State::header;
    header_have_ = 0;
    current_ = {};
    remaining_ = 0;
    mask_offset_ = 0;
    message_opcode_ = 0;
    message_compressed_ = false;
    message_size_ = 0;
    control_have_ = 0;
    utf8_.reset();
    error_.clear();
}

FrameParser::Event FrameParser::fail(std::error_code ec) noexcept {
    state_ = State::failed;
    error_ = ec;
    Event ev;
    ev.status = Status::error;
    ev.error = ec;
    return ev;
}

FrameParser::Event FrameParser::next(std::span<std::byte>& input) noexcept {
    switch (state_) {
        case State::header:
            return next_header(input);
        case State::payload:
            return next_payload(input);
        case State::failed:
            break;
    }
    Event ev;
    ev.status = Status::error;
    ev.error = error_;
    return ev;
}

Error FrameParser::check_first_byte(std::uint8_t b0) const noexcept {
    const bool fin = (b0 & 0x80) != 0;
    const std::uint8_t rsv = (b0 >> 4) & 0x7;
    const std::uint8_t op = b0 & 0xF;

    // §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the
    // WebSocket Connection_."
    if (is_reserved(op)) return Error::reserved_opcode;
    // §5.2: RSV2 and RSV3 have no meaning without an extension; we negotiate none that uses them.
    if ((rsv & (rsv::rsv2 | rsv::rsv3)) != 0) return Error::rsv_bits_set;
    if ((rsv & rsv::rsv1) != 0) {
        // §5.2: RSV1 needs a negotiated extension.
        if (!options_.permessage_deflate) return Error::rsv_bits_set;
        // RFC 7692 §6.1: permessage-deflate defines RSV1 for data messages only.
        if (is_control(op)) return Error::rsv_bits_set;
        // RFC 7692 §6.1: RSV1 is set on the first frame of a message only.
        if (op == opcode::continuation) return Error::rsv1_on_continuation;
    }
    // §5.5: "Control frames themselves MUST NOT be fragmented."
    if (is_control(op) && !fin) return Error::control_frame_fragmented;
    // §5.4: a continuation frame continues a fragmented message; there must be one.
    if (op == opcode::continuation && message_opcode_ == 0) {
        return Error::continuation_without_message;
    }
    // §5.4: fragments of one message are not interleaved with another data message.
    if ((op == opcode::text || op == opcode::binary) && message_opcode_ != 0) {
        return Error::data_frame_inside_fragmented_message;
    }
    return Error{};
}

Error FrameParser::check_second_byte(std::uint8_t b0, std::uint8_t b1) const noexcept {
    const bool masked = (b1 & 0x80) != 0;
    // §5.1: "The server MUST close the connection upon receiving a frame that is not masked."
    const bool check = options_.require_role_masking;
    if (check && options_.role == Role::server && !masked) return Error::frame_not_masked;
    // §5.1: "A client MUST close a connection if it detects a masked frame."
    if (check && options_.role == Role::client && masked) return Error::frame_masked;
    // §5.5: "All control frames MUST have a payload length of 125 bytes or less."
    if (is_control(b0 & 0xF) && (b1 & 0x7F) > kMaxControlPayload) {
        return Error::control_frame_too_long;
    }
    return Error{};
}

Error FrameParser::check_length(const FrameHeader& h, bool length_minimal) const noexcept {
    const std::uint64_t length = h.payload_length;
    // §5.2: "the most significant bit MUST be 0" in the 64-bit form.
    if ((length >> 63) != 0) return Error::length_msb_set;
    // §5.2: "the minimal number of bytes MUST be used to encode the length".
    if (options_.require_minimal_length && !length_minimal) return Error::length_not_minimal;
    // Local caps, judged from the announced length before any payload is read.
    if (length > options_.max_frame_payload) return Error::frame_too_big;
    if (!is_control(h.opcode)) {
        const std::uint64_t so_far = h.opcode == opcode::continuation ? message_size_ : 0;
        if (so_far > options_.max_message_payload ||
            length > options_.max_message_payload - so_far) {
            return Error::message_too_big;
        }
    }
    return Error{};
}

FrameParser::Event FrameParser::accept_header(const FrameHeader& h) noexcept {
    current_ = h;
    remaining_ = h.payload_length;
    mask_offset_ = 0;
    control_have_ = 0;
    header_have_ = 0;
    state_ = State::payload;

    Event ev;
    ev.status = Status::header;
    ev.header = h;
    if (!is_control(h.opcode)) {
        if (h.opcode != opcode::continuation) {
            message_opcode_ = h.opcode;
            message_compressed_ = (h.rsv & rsv::rsv1) != 0;
            message_size_ = 0;
            utf8_.reset();
        }
        message_size_ += h.payload_length;
        ev.message_opcode = message_opcode_;
        ev.message_compressed = message_compressed_;
    }
    return ev;
}

FrameParser::Event FrameParser::next_header(std::span<std::byte>& input) noexcept {
    if (input.empty()) return {};

    // Fast path: the whole header is in `input`; decode it in place.
    if (header_have_ == 0) {
        const HeaderDecode d = decode_header(input);
        if (d.status == HeaderDecode::Status::ok) {
            const auto b0 = std::to_integer<std::uint8_t>(input[0]);
            const auto b1 = std::to_integer<std::uint8_t>(input[1]);
            if (const Error e = check_first_byte(b0); e != Error{}) return fail(e);
            if (const Error e = check_second_byte(b0, b1); e != Error{}) return fail(e);
            if (const Error e = check_length(d.header, d.length_minimal); e != Error{}) {
                return fail(e);
            }
            input = input.subspan(d.header_size);
            return accept_header(d.header);
        }
    }

    // Slow path: gather the header in header_buf_, judging each byte as it arrives.
    for (;;) {
        const std::size_t want =
            header_have_ < 2 ? 2 : header_size_from(std::to_integer<std::uint8_t>(header_buf_[1]));
        if (header_have_ == want && header_have_ >= 2) {
            const HeaderDecode d =
                decode_header(std::span<const std::byte>(header_buf_.data(), header_have_));
            if (const Error e = check_length(d.header, d.length_minimal); e != Error{}) {
                return fail(e);
            }
            return accept_header(d.header);
        }
        if (input.empty()) return {};

        const std::size_t before = header_have_;
        const std::size_t n = std::min(want - header_have_, input.size());
        std::memcpy(header_buf_.data() + header_have_, input.data(), n);
        header_have_ += n;
        input = input.subspan(n);

        const auto b0 = std::to_integer<std::uint8_t>(header_buf_[0]);
        if (before < 1 && header_have_ >= 1) {
            if (const Error e = check_first_byte(b0); e != Error{}) return fail(e);
        }
        if (before < 2 && header_have_ >= 2) {
            const auto b1 = std::to_integer<std::uint8_t>(header_buf_[1]);
            if (const Error e = check_second_byte(b0, b1); e != Error{}) return fail(e);
        }
    }
}

FrameParser::Event FrameParser::next_payload(std::span<std::byte>& input) noexcept {
    if (is_control(current_.opcode)) {
        // Control payloads (≤ 125 bytes) are gathered and handed over whole at frame end.
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
        if (n > 0) {
            const std::span<std::byte> dst(control_buf_.data() + control_have_, n);
            std::memcpy(dst.data(), input.data(), n);
            if (current_.masked) mask_offset_ = apply_mask(dst, current_.mask_key, mask_offset_);
            control_have_ += n;
            remaining_ -= n;
            input = input.subspan(n);
        }
        if (remaining_ > 0) {
            // §8.1 fail-fast, for a close reason too (Autobahn #93): a reason arriving octet
            // by octet is refused at its first invalid octet, not once the frame is whole.
            // Unlike a close frame judged whole, this error carries neither the frame's header
            // nor its payload: the frame never ended.
            if (current_.opcode == opcode::close && options_.validate_utf8 && control_have_ > 2) {
                Utf8Validator reason;
                if (!reason.feed(
                        std::span<const std::byte>(control_buf_.data() + 2, control_have_ - 2)))
                    return fail(Error::close_reason_invalid_utf8);
            }
            return {};
        }
        return end_frame();
    }

    if (remaining_ == 0) return end_frame();
    if (input.empty()) return {};

    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(remaining_, input.size()));
    std::span<std::byte> chunk = input.first(n);
    if (current_.masked) mask_offset_ = apply_mask(chunk, current_.mask_key, mask_offset_);

    Event ev;
    ev.status = Status::payload;
    ev.header = current_;
    ev.message_opcode = message_opcode_;
    ev.message_compressed = message_compressed_;

    if (validating_text()) {
        const std::uint64_t before = utf8_.bytes_fed();
        if (!utf8_.feed(chunk)) {
            // §8.1 fail-fast: stop at the first byte that makes the message invalid. The
            // bytes before it are still delivered, so every chunking yields the same
            // payload; the error comes with the next call.
            const auto good = static_cast<std::size_t>(*utf8_.first_bad_offset() - before);
            if (good == 0) return fail(Error::invalid_utf8);
            state_ = State::failed;
            error_ = Error::invalid_utf8;
            n = good;
            chunk = chunk.first(n);
        }
    }
    remaining_ -= n;
    input = input.subspan(n);
    ev.payload = chunk;
    return ev;
}

bool FrameParser::validating_text() const noexcept {
    return options_.validate_utf8 && message_opcode_ == opcode::text && !message_compressed_;
}

FrameParser::Event FrameParser::end_frame() noexcept {
    Event ev;
    ev.status = Status::frame_end;
    ev.header = current_;
    state_ = State::header;

    if (is_control(current_.opcode)) {
        ev.payload = std::span<std::byte>(control_buf_.data(), control_have_);
        if (current_.opcode == opcode::close) {
            ClosePayload close;
            const std::error_code ec =
                parse_close_payload(ev.payload, close, options_.close_code_policy);
            const bool ignored = ec == Error::close_reason_invalid_utf8 && !options_.validate_utf8;
            if (ec && !ignored) {
                // The caller may still want the code it was sent (Autobahn reports it).
                Event bad = fail(ec);
                bad.header = current_;
                bad.payload = ev.payload;
                return bad;
            }
        }
        return ev;
    }

    ev.message_opcode = message_opcode_;
    ev.message_compressed = message_compressed_;
    if (current_.fin) {
        // §8.1: a text message that stops inside a code point is not valid UTF-8.
        if (validating_text() && !utf8_.finish()) return fail(Error::invalid_utf8);
        ev.message_end = true;
        message_opcode_ = 0;
        message_compressed_ = false;
        message_size_ = 0;
    }
    return ev;
}

}  // namespace wsconform::protocol
