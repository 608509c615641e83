// HTTP/2 frames (RFC 9113 §4, §6) and HPACK literal header blocks (RFC 7541 §6.2.2), as plain
// bytes: what section 17 needs to write requests nghttp2 would refuse to send (a duplicate or
// empty `:protocol`, a CR in a value, a missing pseudo-header) and to read a server's frames.
// Sans I/O; no HPACK table, no Huffman: we encode every field as a literal without indexing,
// and decode only that form (a server's answers go through nghttp2's inflater in the harness).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "protocol/h2_headers.h"

namespace wsconform::protocol::h2 {

// RFC 9113 §3.4: what a client sends first.
inline constexpr std::string_view kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
inline constexpr std::size_t kFrameHeaderSize = 9;
inline constexpr std::uint32_t kDefaultMaxFrameSize = 16384;           // §6.5.2
inline constexpr std::uint32_t kLargestMaxFrameSize = (1u << 24) - 1;  // §6.5.2
// What we keep of one header block (HEADERS and its CONTINUATIONs) before it ends: a peer
// that sends CONTINUATION without end fails the connection there instead of growing our
// memory (the "CONTINUATION flood", CVE-2024-27316 and its kin). Real blocks are under 1 KiB.
inline constexpr std::size_t kMaxHeaderBlock = 64 * 1024;
inline constexpr std::uint32_t kDefaultWindow = 65535;       // §6.9.2
inline constexpr std::uint32_t kMaxWindow = (1u << 31) - 1;  // §6.9.1

// RFC 9113 §6 frame types, numbered 0-9 in this order.
// clang-format off
enum class FrameType : std::uint8_t {
    data, headers, priority, rst_stream, settings,
    push_promise, ping, goaway, window_update, continuation
};
// clang-format on

// Frame flags (§6): END_STREAM on DATA and HEADERS, ACK on SETTINGS and PING.
namespace flag {
inline constexpr std::uint8_t end_stream = 0x1, ack = 0x1, end_headers = 0x4, padded = 0x8,
                              priority = 0x20;
}  // namespace flag

// SETTINGS parameters (RFC 9113 §6.5.2, RFC 8441 §3).
namespace setting {
inline constexpr std::uint16_t header_table_size = 1, enable_push = 2, max_concurrent_streams = 3,
                               initial_window_size = 4, max_frame_size = 5,
                               max_header_list_size = 6, enable_connect_protocol = 8;
}  // namespace setting

// RFC 9113 §7 error codes (the ones we send).
namespace error {
inline constexpr std::uint32_t no_error = 0x0, protocol_error = 0x1, flow_control_error = 0x3,
                               frame_size_error = 0x6, cancel = 0x8, compression_error = 0x9,
                               enhance_your_calm = 0xb;
}  // namespace error

struct Frame {
    FrameType type = FrameType::data;
    std::uint8_t flags = 0;
    std::uint32_t stream = 0;  // 31 bits; the reserved bit is dropped on reading
    std::string payload;
};

using Settings = std::vector<std::pair<std::uint16_t, std::uint32_t>>;

// A frame's bytes: the 9-octet header, then the payload (at most 2^24-1 octets; longer payloads
// are cut, the caller keeps to the peer's SETTINGS_MAX_FRAME_SIZE).
std::string encode_frame(const Frame& frame);
std::string encode_settings(const Settings& settings, bool ack = false);
std::string encode_window_update(std::uint32_t stream, std::uint32_t increment);
std::string encode_rst_stream(std::uint32_t stream, std::uint32_t error_code);
std::string encode_goaway(std::uint32_t last_stream, std::uint32_t error_code);
// A header block as HEADERS (then CONTINUATION frames past `max_frame` octets each).
std::string encode_headers(std::uint32_t stream, std::string_view block, bool end_stream,
                           std::uint32_t max_frame = kDefaultMaxFrameSize);

// Splits a byte stream into frames. A frame longer than `max_payload` is an error (RFC 9113
// §4.2: FRAME_SIZE_ERROR); the reader then stays in error.
class FrameReader {
  public:
    explicit FrameReader(std::uint32_t max_payload = kDefaultMaxFrameSize)
        : max_payload_(max_payload) {}
    void feed(std::string_view bytes) { buffer_.append(bytes); }
    // The next whole frame, or nothing (need more bytes, or an error: see error()).
    std::optional<Frame> next();
    const std::string& error() const { return error_; }
    std::size_t buffered() const { return buffer_.size() - used_; }

  private:
    std::string buffer_;
    std::size_t used_ = 0;
    std::uint32_t max_payload_;
    std::string error_;
};

// One header block (RFC 9113 §4.3): the HPACK octets of a HEADERS frame and the CONTINUATION
// frames after it, without HEADERS' padding and priority fields.
struct HeaderBlock {
    std::uint32_t stream = 0;
    bool end_stream = false;  // HEADERS' END_STREAM: the block ends the stream too
    std::string octets;
};

// Puts header blocks together from a connection's frames, fed in the order they came. A block
// is one unbroken run of frames (§4.3): while one is open, a frame of any other type or stream
// is a connection error, as are a CONTINUATION with none open (§6.10), HEADERS on stream 0 or
// with padding past its end (§6.2), and a block over kMaxHeaderBlock. After an error it stays
// in error.
class HeaderBlockAssembler {
  public:
    enum class Step {
        other,     // no part of a header block: the caller reads the frame itself
        partial,   // taken; the block goes on in CONTINUATION frames
        complete,  // taken; block() is whole
        error,     // a connection error (PROTOCOL_ERROR); error() says why
    };
    Step feed(const Frame& frame);
    const HeaderBlock& block() const { return block_; }
    const std::string& error() const { return error_; }

  private:
    Step fail(std::string why);

    HeaderBlock block_;
    bool open_ = false;
    std::string error_;
};

// One flow-control window of ours as a receiver (RFC 9113 §6.9): what we opened to the peer,
// less the DATA that came. A peer that sends past it broke §6.9.1.
class ReceiveWindow {
  public:
    explicit ReceiveWindow(std::uint32_t initial = kDefaultWindow) : open_(initial) {}
    // Counts a DATA payload (padding included); the connection error's text when it went past
    // the window, or nothing.
    std::optional<std::string> take(std::uint32_t stream, std::size_t length);
    void reopen(std::uint32_t increment) { open_ += increment; }
    // The WINDOW_UPDATE increment that opens it to kDefaultWindow (0 when it is that already).
    std::uint32_t to_default() const {
        return open_ < kDefaultWindow ? static_cast<std::uint32_t>(kDefaultWindow - open_) : 0;
    }
    // The most octets the peer has sent past it.
    std::uint64_t overrun() const { return overrun_; }

  private:
    std::int64_t open_;
    std::uint64_t overrun_ = 0;
};

// A SETTINGS payload's parameters (RFC 9113 §6.5.1: six octets each), or nothing when its
// length is not a multiple of six.
std::optional<Settings> parse_settings(std::string_view payload);
// A rule broken that the receiver must treat as a connection error: what and why, and the error
// code to send in GOAWAY.
struct ConnectionError {
    std::string what;
    std::uint32_t error_code = 0;
};
// A frame of a known type on a stream it may not use, or of a length it may not have (RFC 9113
// §6: RST_STREAM, WINDOW_UPDATE 4 octets, PING 8, GOAWAY 8 at least, SETTINGS in sixes and its
// ACK empty; a WINDOW_UPDATE of 0 for the connection), or nothing. Errors RFC 9113 makes stream
// errors (a PRIORITY's length, a stream's WINDOW_UPDATE of 0) are not this function's.
std::optional<ConnectionError> check_frame(const Frame& frame);
// The first value of `settings` outside what RFC 9113 §6.5.2 and RFC 8441 §3 allow, or nothing.
// A server's SETTINGS_ENABLE_PUSH may only be 0 (`from_server`).
std::optional<ConnectionError> check_settings(const Settings& settings, bool from_server);
// The 32-bit value at the front of a RST_STREAM, WINDOW_UPDATE (reserved bit dropped) or
// GOAWAY's error code (offset 4), or nothing when the payload is too short.
std::optional<std::uint32_t> read_u32(std::string_view payload, std::size_t offset = 0);
// A DATA or HEADERS payload without its padding (and HEADERS' priority fields), or nothing
// when the pad length runs past the payload (RFC 9113 §6.1, §6.2: PROTOCOL_ERROR).
std::optional<std::string_view> unpadded(const Frame& frame);

const char* frame_type_name(FrameType type) noexcept;
const char* error_code_name(std::uint32_t code) noexcept;
const char* setting_name(std::uint16_t id) noexcept;
// One line for a wire log: "HEADERS stream=1 flags=END_STREAM|END_HEADERS length=42", plus the
// error code of RST_STREAM and GOAWAY, the parameters of SETTINGS, the increment of
// WINDOW_UPDATE.
std::string describe(const Frame& frame);

// HPACK (RFC 7541): each field as a "Literal Header Field without Indexing -- New Name"
// (§6.2.2, first octet 0x00), names and values as raw string literals (§5.2, H = 0). Any
// octets go through unchanged: upper case, CR, LF, NUL, an empty name.
std::string hpack_encode_literal(const H2Fields& fields);
// Decodes a block made only of literal fields with new names (without indexing, §6.2.2, or
// never indexed, §6.2.3) and raw strings; anything else (an index, Huffman, a table size
// update, a truncated integer or string) gives nothing.
std::optional<H2Fields> hpack_decode_literal(std::string_view block);

}  // namespace wsconform::protocol::h2
