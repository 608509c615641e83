// A streaming, role-aware RFC 6455 frame parser: sans-I/O, zero-copy, no allocation.
//
// Feed it whatever bytes arrived, in any chunking; it hands back one event at a time:
// a frame header, a chunk of (already unmasked) payload pointing into the caller's buffer,
// the end of a frame, or the first protocol violation. Feeding the same bytes whole, byte
// by byte or in any other chunking gives the same sequence of headers, frame ends and error,
// and the same concatenated payload bytes.
//
// Rules are judged as soon as the bytes they need are in: those of the first header byte
// (opcode, RSV, FIN on control frames, message state), then the second (mask bit, 7-bit
// control length), then the extended length (MSB, minimal form, caps). Text is validated
// fail-fast: the bytes before the first invalid one are still delivered as payload, and the
// next call returns invalid_utf8. Every event consumes the bytes it describes; frame_end of a
// data frame (and of an empty control frame) consumes none, since its bytes came before.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <system_error>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/utf8.h"

namespace wsconform::protocol {

// Whose frames we parse. A server parses frames from a client, which must be masked (§5.1).
enum class Role { client, server };

struct ParserOptions {
    Role role = Role::server;
    // permessage-deflate was negotiated: RSV1 is then legal on the first frame of a data
    // message (RFC 7692 §6). UTF-8 of compressed messages is then the caller's job.
    bool permessage_deflate = false;
    // Enforce §5.1's masking rule for frames from the other role. Off only to plant the
    // weakness in test peers (a server taking unmasked frames, a client taking masked ones).
    bool require_role_masking = true;
    // Enforce §5.2's minimal length encoding (Autobahn does, as a strict endpoint).
    bool require_minimal_length = true;
    // Validate text messages and close reasons as UTF-8, fail-fast, across frames.
    bool validate_utf8 = true;
    CloseCodePolicy close_code_policy = CloseCodePolicy::rfc;
    std::uint64_t max_frame_payload = std::numeric_limits<std::int64_t>::max();
    std::uint64_t max_message_payload = std::numeric_limits<std::int64_t>::max();
};

class FrameParser {
  public:
    enum class Status {
        need_more,  // all input consumed, no complete event
        header,     // a header was accepted; `header` is set
        payload,    // `payload` is the next unmasked chunk of a data frame's payload
        frame_end,  // the frame ended; for control frames `payload` is the whole payload
        error,      // `error` is set; the parser stays in error until reset(). When a close
                    // frame's payload was rejected, `header` and `payload` are that frame's.
    };

    struct Event {
        Status status = Status::need_more;
        FrameHeader header;            // valid for header, payload and frame_end
        std::span<std::byte> payload;  // see Status
        std::error_code error;
        // For frame_end of a data frame with FIN: the message this frame ends.
        bool message_end = false;
        std::uint8_t message_opcode = 0;  // text or binary, for data frames
        bool message_compressed = false;  // RSV1 was set on the message's first frame
    };

    explicit FrameParser(ParserOptions options = {}) noexcept : options_(options) {}

    // Consumes bytes from the front of `input` (advancing it) and returns the next event.
    // Payload chunks are unmasked in place inside `input`'s memory.
    Event next(std::span<std::byte>& input) noexcept;

    bool in_message() const noexcept { return message_opcode_ != 0; }
    const ParserOptions& options() const noexcept { return options_; }
    void set_permessage_deflate(bool on) noexcept { options_.permessage_deflate = on; }
    void reset() noexcept;

  private:
    enum class State { header, payload, failed };

    Event fail(std::error_code ec) noexcept;
    Event next_header(std::span<std::byte>& input) noexcept;
    Event next_payload(std::span<std::byte>& input) noexcept;
    // The rules split by the header byte they need, so that a violation is reported as soon
    // as its byte arrives, in the same order whatever the chunking. Error{} means none (plain
    // enums keep std::error_code construction off the per-frame path).
    Error check_first_byte(std::uint8_t b0) const noexcept;
    Error check_second_byte(std::uint8_t b0, std::uint8_t b1) const noexcept;
    Error check_length(const FrameHeader& h, bool length_minimal) const noexcept;
    Event accept_header(const FrameHeader& h) noexcept;
    Event end_frame() noexcept;
    bool validating_text() const noexcept;

    ParserOptions options_;
    State state_ = State::header;
    std::array<std::byte, kMaxHeaderSize> header_buf_{};
    std::size_t header_have_ = 0;
    FrameHeader current_{};
    std::uint64_t remaining_ = 0;
    std::size_t mask_offset_ = 0;
    std::uint8_t message_opcode_ = 0;  // 0 = no message in progress
    bool message_compressed_ = false;
    std::uint64_t message_size_ = 0;
    std::array<std::byte, 125> control_buf_{};
    std::size_t control_have_ = 0;
    Utf8Validator utf8_;
    std::error_code error_;
};

}  // namespace wsconform::protocol
