#include "protocol/h2_frame.h"

#include <algorithm>
#include <array>

namespace wsconform::protocol::h2 {

namespace {

void put_u32(std::string& out, std::uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8)
        out.push_back(static_cast<char>((v >> shift) & 0xff));
}

std::uint32_t get_u32(std::string_view s, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
    return v;
}

// RFC 7541 §5.1: an integer with an N-bit prefix; `first` holds the bits above the prefix.
void put_hpack_int(std::string& out, std::uint8_t first, int prefix_bits, std::uint64_t v) {
    const std::uint64_t max_prefix = (1u << prefix_bits) - 1;
    if (v < max_prefix) {
        out.push_back(static_cast<char>(first | v));
        return;
    }
    out.push_back(static_cast<char>(first | max_prefix));
    v -= max_prefix;
    while (v >= 128) {
        out.push_back(static_cast<char>(0x80 | (v & 0x7f)));
        v >>= 7;
    }
    out.push_back(static_cast<char>(v));
}

// The integer at `at` (advanced); nothing when truncated or over 2^32 (no field is that long).
std::optional<std::uint64_t> get_hpack_int(std::string_view in, std::size_t& at, int prefix_bits) {
    if (at >= in.size()) return std::nullopt;
    const std::uint64_t max_prefix = (1u << prefix_bits) - 1;
    std::uint64_t v = static_cast<unsigned char>(in[at++]) & max_prefix;
    if (v < max_prefix) return v;
    for (int shift = 0; shift <= 28; shift += 7) {
        if (at >= in.size()) return std::nullopt;
        const auto b = static_cast<unsigned char>(in[at++]);
        v += static_cast<std::uint64_t>(b & 0x7f) << shift;
        if (!(b & 0x80)) return v <= 0xffffffffu ? std::optional(v) : std::nullopt;
    }
    return std::nullopt;
}

void put_hpack_string(std::string& out, std::string_view s) {
    put_hpack_int(out, 0x00, 7, s.size());  // H = 0: raw octets
    out.append(s);
}

std::optional<std::string> get_hpack_string(std::string_view in, std::size_t& at) {
    if (at >= in.size() || (static_cast<unsigned char>(in[at]) & 0x80)) return std::nullopt;
    const auto length = get_hpack_int(in, at, 7);
    if (!length || *length > in.size() - at) return std::nullopt;
    std::string s(in.substr(at, *length));
    at += *length;
    return s;
}

}  // namespace

std::string encode_frame(const Frame& frame) {
    const std::size_t length = std::min<std::size_t>(frame.payload.size(), 0xffffff);
    std::string out;
    out.reserve(kFrameHeaderSize + length);
    out.push_back(static_cast<char>((length >> 16) & 0xff));
    out.push_back(static_cast<char>((length >> 8) & 0xff));
    out.push_back(static_cast<char>(length & 0xff));
    out.push_back(static_cast<char>(frame.type));
    out.push_back(static_cast<char>(frame.flags));
    put_u32(out, frame.stream & 0x7fffffffu);
    out.append(frame.payload, 0, length);
    return out;
}

std::string encode_settings(const Settings& settings, bool ack) {
    Frame f{FrameType::settings, ack ? flag::ack : std::uint8_t{0}, 0, {}};
    for (const auto& [id, value] : settings) {
        f.payload.push_back(static_cast<char>(id >> 8));
        f.payload.push_back(static_cast<char>(id & 0xff));
        put_u32(f.payload, value);
    }
    return encode_frame(f);
}

std::string encode_window_update(std::uint32_t stream, std::uint32_t increment) {
    Frame f{FrameType::window_update, 0, stream, {}};
    put_u32(f.payload, increment & 0x7fffffffu);
    return encode_frame(f);
}

std::string encode_rst_stream(std::uint32_t stream, std::uint32_t error_code) {
    Frame f{FrameType::rst_stream, 0, stream, {}};
    put_u32(f.payload, error_code);
    return encode_frame(f);
}

std::string encode_goaway(std::uint32_t last_stream, std::uint32_t error_code) {
    Frame f{FrameType::goaway, 0, 0, {}};
    put_u32(f.payload, last_stream & 0x7fffffffu);
    put_u32(f.payload, error_code);
    return encode_frame(f);
}

std::string encode_headers(std::uint32_t stream, std::string_view block, bool end_stream,
                           std::uint32_t max_frame) {
    if (max_frame == 0) max_frame = kDefaultMaxFrameSize;
    std::string out;
    std::size_t at = 0;
    bool first = true;
    do {
        const auto piece = block.substr(at, max_frame);
        at += piece.size();
        std::uint8_t flags = at >= block.size() ? flag::end_headers : 0;
        if (first && end_stream) flags |= flag::end_stream;
        out += encode_frame({first ? FrameType::headers : FrameType::continuation, flags, stream,
                             std::string(piece)});
        first = false;
    } while (at < block.size());
    return out;
}

std::optional<Frame> FrameReader::next() {
    if (!error_.empty()) return std::nullopt;
    const std::string_view in = std::string_view(buffer_).substr(used_);
    if (in.size() < kFrameHeaderSize) return std::nullopt;
    const std::uint32_t length =
        (static_cast<std::uint32_t>(static_cast<unsigned char>(in[0])) << 16) |
        (static_cast<std::uint32_t>(static_cast<unsigned char>(in[1])) << 8) |
        static_cast<unsigned char>(in[2]);
    if (length > max_payload_) {
        error_ = "frame: length " + std::to_string(length) + " over SETTINGS_MAX_FRAME_SIZE " +
                 std::to_string(max_payload_) + " (RFC 9113 §4.2)";
        return std::nullopt;
    }
    if (in.size() < kFrameHeaderSize + length) return std::nullopt;
    Frame f;
    f.type = static_cast<FrameType>(in[3]);
    f.flags = static_cast<std::uint8_t>(in[4]);
    f.stream = get_u32(in, 5) & 0x7fffffffu;
    f.payload.assign(in.substr(kFrameHeaderSize, length));
    used_ += kFrameHeaderSize + length;
    if (used_ > 64 * 1024 && used_ * 2 > buffer_.size()) {
        buffer_.erase(0, used_);
        used_ = 0;
    }
    return f;
}

std::optional<Settings> parse_settings(std::string_view payload) {
    if (payload.size() % 6 != 0) return std::nullopt;
    Settings out;
    for (std::size_t at = 0; at < payload.size(); at += 6) {
        const auto id = static_cast<std::uint16_t>((static_cast<unsigned char>(payload[at]) << 8) |
                                                   static_cast<unsigned char>(payload[at + 1]));
        out.emplace_back(id, get_u32(payload, at + 2));
    }
    return out;
}

namespace {

// Where each frame type may stand and how long its payload is (RFC 9113 §6), by type number.
enum class Where : std::uint8_t { stream, connection, either };
struct FrameShape {
    Where where;
    std::size_t exact_length;  // 0: any
    std::size_t least_length;
    const char* section;
};
constexpr std::array<FrameShape, 10> kFrameShapes{{
    {Where::stream, 0, 0, "RFC 9113 §6.1"},      // DATA
    {Where::stream, 0, 0, "RFC 9113 §6.2"},      // HEADERS
    {Where::stream, 0, 0, "RFC 9113 §6.3"},      // PRIORITY (a bad length is a stream error)
    {Where::stream, 4, 0, "RFC 9113 §6.4"},      // RST_STREAM
    {Where::connection, 0, 0, "RFC 9113 §6.5"},  // SETTINGS (more below)
    {Where::stream, 0, 0, "RFC 9113 §6.6"},      // PUSH_PROMISE
    {Where::connection, 8, 0, "RFC 9113 §6.7"},  // PING
    {Where::connection, 0, 8, "RFC 9113 §6.8"},  // GOAWAY
    {Where::either, 4, 0, "RFC 9113 §6.9"},      // WINDOW_UPDATE
    {Where::stream, 0, 0, "RFC 9113 §6.10"},     // CONTINUATION
}};

}  // namespace

std::optional<ConnectionError> check_frame(const Frame& frame) {
    const auto type = static_cast<std::size_t>(frame.type);
    if (type >= kFrameShapes.size()) return std::nullopt;  // unknown types are ignored (§4.1)
    const FrameShape& shape = kFrameShapes[type];
    const auto length = frame.payload.size();
    auto broken = [&](const std::string& rule, std::uint32_t code) {
        return ConnectionError{std::string(frame_type_name(frame.type)) + " on stream " +
                                   std::to_string(frame.stream) + ", " + std::to_string(length) +
                                   " octets: " + rule + " (" + shape.section + ")",
                               code};
    };
    if (shape.where == Where::stream && frame.stream == 0)
        return broken("never on stream 0", error::protocol_error);
    if (shape.where == Where::connection && frame.stream != 0)
        return broken("on stream 0 only", error::protocol_error);
    if (shape.exact_length && length != shape.exact_length)
        return broken(std::to_string(shape.exact_length) + " octets only", error::frame_size_error);
    if (length < shape.least_length)
        return broken(std::to_string(shape.least_length) + " octets at least",
                      error::frame_size_error);
    if (frame.type == FrameType::settings && (frame.flags & flag::ack) && length != 0)
        return broken("an ACK carries no parameters", error::frame_size_error);
    if (frame.type == FrameType::settings && length % 6 != 0)
        return broken("a multiple of 6 octets", error::frame_size_error);
    if (frame.type == FrameType::window_update && frame.stream == 0 &&
        (get_u32(frame.payload, 0) & 0x7fffffffu) == 0)
        return broken("an increment of 0 on the connection", error::protocol_error);
    return std::nullopt;
}

std::optional<ConnectionError> check_settings(const Settings& settings, bool from_server) {
    for (const auto& [id, value] : settings) {
        auto violation = [&, id = id, value = value](const char* rule, std::uint32_t code) {
            return ConnectionError{"SETTINGS_" + std::string(setting_name(id)) + " = " +
                                       std::to_string(value) + ": " + rule,
                                   code};
        };
        switch (id) {
            case setting::enable_push:
                if (from_server && value != 0)
                    return violation("a server's may only be 0 (RFC 9113 §6.5.2)",
                                     error::protocol_error);
                if (value > 1)
                    return violation("0 or 1 only (RFC 9113 §6.5.2)", error::protocol_error);
                break;
            case setting::initial_window_size:
                if (value > kMaxWindow)
                    return violation("above the largest window, 2^31-1 (RFC 9113 §6.5.2)",
                                     error::flow_control_error);
                break;
            case setting::max_frame_size:
                if (value < kDefaultMaxFrameSize || value > kLargestMaxFrameSize)
                    return violation("outside 16,384 to 2^24-1 (RFC 9113 §6.5.2)",
                                     error::protocol_error);
                break;
            case setting::enable_connect_protocol:
                if (value > 1) return violation("0 or 1 only (RFC 8441 §3)", error::protocol_error);
                break;
            default:
                break;
        }
    }
    return std::nullopt;
}

std::optional<std::uint32_t> read_u32(std::string_view payload, std::size_t offset) {
    if (payload.size() < offset + 4) return std::nullopt;
    return get_u32(payload, offset);
}

std::optional<std::string_view> unpadded(const Frame& frame) {
    std::string_view p = frame.payload;
    std::size_t pad = 0;
    if (frame.flags & flag::padded) {
        if (p.empty()) return std::nullopt;
        pad = static_cast<unsigned char>(p[0]);
        p.remove_prefix(1);
    }
    if (frame.type == FrameType::headers && (frame.flags & flag::priority)) {
        if (p.size() < 5) return std::nullopt;
        p.remove_prefix(5);
    }
    if (pad > p.size()) return std::nullopt;
    p.remove_suffix(pad);
    return p;
}

HeaderBlockAssembler::Step HeaderBlockAssembler::fail(std::string why) {
    error_ = std::move(why);
    open_ = false;
    block_ = {};
    return Step::error;
}

HeaderBlockAssembler::Step HeaderBlockAssembler::feed(const Frame& frame) {
    if (!error_.empty()) return Step::error;
    const bool headers = frame.type == FrameType::headers;
    const bool continuation = frame.type == FrameType::continuation;
    if (open_ && (!continuation || frame.stream != block_.stream))
        return fail(std::string(frame_type_name(frame.type)) + " on stream " +
                    std::to_string(frame.stream) + " inside the header block of stream " +
                    std::to_string(block_.stream) +
                    " (RFC 9113 §4.3: only its CONTINUATION frames may come between)");
    if (continuation && !open_)
        return fail("CONTINUATION on stream " + std::to_string(frame.stream) +
                    " with no header block open (RFC 9113 §6.10)");
    if (!headers && !continuation) return Step::other;
    if (headers) {
        if (frame.stream == 0) return fail("HEADERS on stream 0 (RFC 9113 §6.2)");
        const auto octets = unpadded(frame);
        if (!octets) return fail("HEADERS: padding longer than the frame (RFC 9113 §6.2)");
        block_ = {frame.stream, (frame.flags & flag::end_stream) != 0, std::string(*octets)};
    } else {
        block_.octets += frame.payload;
    }
    if (block_.octets.size() > kMaxHeaderBlock)
        return fail("a header block over " + std::to_string(kMaxHeaderBlock / 1024) +
                    " KiB, CONTINUATION after CONTINUATION");
    open_ = (frame.flags & flag::end_headers) == 0;
    return open_ ? Step::partial : Step::complete;
}

std::optional<std::string> ReceiveWindow::take(std::uint32_t stream, std::size_t length) {
    open_ -= static_cast<std::int64_t>(length);
    if (open_ >= 0) return std::nullopt;
    overrun_ = std::max(overrun_, static_cast<std::uint64_t>(-open_));
    return "DATA on stream " + std::to_string(stream) + " " + std::to_string(-open_) +
           " octets past the window we had opened (RFC 9113 §6.9.1)";
}

namespace {

// The names of frame types (RFC 9113 §6), error codes (§7) and SETTINGS parameters (§6.5.2,
// RFC 8441 §3), indexed by their numbers.
// clang-format off
constexpr std::array<const char*, 10> kFrameTypeNames{
    "DATA", "HEADERS", "PRIORITY", "RST_STREAM", "SETTINGS", "PUSH_PROMISE", "PING", "GOAWAY",
    "WINDOW_UPDATE", "CONTINUATION"};
constexpr std::array<const char*, 14> kErrorNames{
    "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
    "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
    "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED"};
constexpr std::array<const char*, 9> kSettingNames{
    "UNKNOWN", "HEADER_TABLE_SIZE", "ENABLE_PUSH", "MAX_CONCURRENT_STREAMS", "INITIAL_WINDOW_SIZE",
    "MAX_FRAME_SIZE", "MAX_HEADER_LIST_SIZE", "UNKNOWN", "ENABLE_CONNECT_PROTOCOL"};
// clang-format on

template <std::size_t N>
const char* name_of(const std::array<const char*, N>& names, std::size_t i, const char* other) {
    return i < N ? names[i] : other;
}

}  // namespace

const char* frame_type_name(FrameType type) noexcept {
    return name_of(kFrameTypeNames, static_cast<std::size_t>(type), "UNKNOWN");
}

const char* error_code_name(std::uint32_t code) noexcept {
    return name_of(kErrorNames, code, "UNKNOWN_ERROR");
}

const char* setting_name(std::uint16_t id) noexcept {
    return name_of(kSettingNames, id, "UNKNOWN");
}

std::string describe(const Frame& frame) {
    std::string out = frame_type_name(frame.type);
    out += " stream=" + std::to_string(frame.stream);
    // The flags each type defines (RFC 9113 §6), in the order a log shows them.
    struct FlagName {
        FrameType type;
        std::uint8_t bit;
        const char* name;
    };
    static constexpr FlagName kFlagNames[]{
        {FrameType::data, flag::end_stream, "END_STREAM"},
        {FrameType::data, flag::padded, "PADDED"},
        {FrameType::headers, flag::end_stream, "END_STREAM"},
        {FrameType::headers, flag::end_headers, "END_HEADERS"},
        {FrameType::headers, flag::padded, "PADDED"},
        {FrameType::headers, flag::priority, "PRIORITY"},
        {FrameType::continuation, flag::end_headers, "END_HEADERS"},
        {FrameType::settings, flag::ack, "ACK"},
        {FrameType::ping, flag::ack, "ACK"}};
    std::string flags;
    for (const auto& f : kFlagNames)
        if (f.type == frame.type && (frame.flags & f.bit))
            flags += (flags.empty() ? "" : "|") + std::string(f.name);
    if (!flags.empty()) out += " flags=" + flags;
    out += " length=" + std::to_string(frame.payload.size());
    if (frame.type == FrameType::rst_stream) {
        if (const auto code = read_u32(frame.payload))
            out += " error=" + std::string(error_code_name(*code));
    } else if (frame.type == FrameType::goaway) {
        if (const auto last = read_u32(frame.payload))
            out += " last_stream=" + std::to_string(*last & 0x7fffffffu);
        if (const auto code = read_u32(frame.payload, 4))
            out += " error=" + std::string(error_code_name(*code));
    } else if (frame.type == FrameType::window_update) {
        if (const auto inc = read_u32(frame.payload))
            out += " increment=" + std::to_string(*inc & 0x7fffffffu);
    } else if (frame.type == FrameType::settings) {
        if (const auto settings = parse_settings(frame.payload))
            for (const auto& [id, value] : *settings)
                out += " " + std::string(setting_name(id)) + "=" + std::to_string(value);
    }
    return out;
}

std::string hpack_encode_literal(const H2Fields& fields) {
    std::string out;
    for (const auto& f : fields) {
        out.push_back('\0');  // §6.2.2: literal without indexing, new name (index 0)
        put_hpack_string(out, f.name);
        put_hpack_string(out, f.value);
    }
    return out;
}

std::optional<H2Fields> hpack_decode_literal(std::string_view block) {
    H2Fields out;
    std::size_t at = 0;
    while (at < block.size()) {
        const auto first = static_cast<unsigned char>(block[at]);
        if (first != 0x00 && first != 0x10) return std::nullopt;  // §6.2.2 / §6.2.3, new name
        ++at;
        auto name = get_hpack_string(block, at);
        if (!name) return std::nullopt;
        auto value = get_hpack_string(block, at);
        if (!value) return std::nullopt;
        out.push_back({std::move(*name), std::move(*value)});
    }
    return out;
}

}  // namespace wsconform::protocol::h2
