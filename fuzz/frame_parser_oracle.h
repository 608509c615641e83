// The frame-parser oracle shared by frame_parser_fuzz.cpp (byte-level mutations) and
// frame_parser_structured_fuzz.cpp (the frame-aware custom mutator).
//
// Input: byte 0 picks the parser options (see options_from_byte), the rest is the byte stream.
// The stream is parsed three times — whole, one byte at a time, and in chunks whose sizes come
// from the input — and the three transcripts (headers, frame ends, control payloads, the
// concatenated data payload, the error, the final state) must be identical: the parser
// promises that chunking never changes what it reports. A transcript is kept as a running
// 64-bit FNV-1a-style hash over that event stream (the payload bytes hashed as they arrive, so
// the hash does not depend on how payload events split them): no allocation per input, which
// keeps the target fast under ASan. Only the whole-input run is coverage-instrumented: the
// other two run on an uninstrumented copy of the parser (see check_frame_parser below).
// Every run checks the rules an accepted header must
// satisfy and the event bookkeeping; the whole-input run also checks that each header is the
// input's bytes decoded again, that payload bytes are the input bytes unmasked (computed
// independently, byte-wise), that every completed text message is UTF-8 by the reference
// checker, and that every accepted close frame has a valid code and reason.
//
// Under ASan, every byte outside the chunk being fed is poisoned (poison_window.h), so a parser
// that reads past its chunk, past the input, or back into consumed bytes is caught.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/frame_options.h"
#include "fuzz/fuzz_check.h"
#include "fuzz/poison_window.h"
#include "fuzz/utf8_reference.h"
#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame_parser.h"

namespace wsconform::fuzz {

namespace detail {

// 64-bit FNV-1a over the event stream.
class Fnv {
  public:
    WSCONFORM_FUZZ_NO_COVERAGE void byte(std::uint8_t b) noexcept {
        h_ = (h_ ^ b) * 0x100000001B3ull;
    }
    WSCONFORM_FUZZ_NO_COVERAGE void bytes(std::span<const std::byte> s) noexcept {
        for (std::byte b : s) byte(std::to_integer<std::uint8_t>(b));
    }
    // A whole word in one step: (h ^ v) * prime is a bijection of h and of v, so two streams
    // that differ in one word still hash differently.
    WSCONFORM_FUZZ_NO_COVERAGE void u64(std::uint64_t v) noexcept {
        h_ = (h_ ^ v) * 0x100000001B3ull;
        h_ ^= h_ >> 29;
    }
    WSCONFORM_FUZZ_NO_COVERAGE void header(const protocol::FrameHeader& h) noexcept {
        std::uint64_t w = static_cast<std::uint64_t>((h.fin ? 0x80 : 0) | (h.rsv << 4) | h.opcode);
        w |= std::uint64_t{h.masked ? 1u : 0u} << 8;
        for (int i = 0; i < 4; ++i) w |= std::uint64_t{h.mask_key[i]} << (16 + 8 * i);
        u64(w);
        u64(h.payload_length);
    }
    std::uint64_t value() const noexcept { return h_; }

  private:
    std::uint64_t h_ = 0xCBF29CE484222325ull;
};

// One parse of the whole stream under one chunking.
class ParseRun {
  public:
    // Starts over for a new input; the strings keep their capacity, so a run allocates
    // nothing once warm (ASan's allocator would otherwise dominate the time per input).
    WSCONFORM_FUZZ_NO_COVERAGE
    void reset(const protocol::ParserOptions& o, std::span<const std::uint8_t> raw, bool deep) {
        options_ = o;
        // In place: assigning a fresh parser would copy its buffers through ASan's memcpy.
        std::destroy_at(&parser_);
        std::construct_at(&parser_, o);
        raw_ = raw;
        deep_ = deep;
        hash_ = Fnv();
        header_ = {};
        frame_start_ = 0;
        payload_start_ = 0;
        open_before_ = false;
        frame_got_ = 0;
        message_.clear();
        failed_ = false;
    }

    // Feeds raw[begin, end) (the bytes live in `buf`, a copy of the whole stream). Once the
    // chunk is used up, the parser is asked again only after the last chunk: an event that
    // needs no input (a data frame's end) is then collected at the start of the next chunk,
    // which halves the calls when feeding byte by byte and changes no event.
    WSCONFORM_FUZZ_NO_COVERAGE
    void feed(std::byte* buf, std::size_t begin, std::size_t end, bool last) {
        std::span<std::byte> input(buf + begin, end - begin);
        // Every event consumes bytes or reports something; an error repeats forever, so
        // it is looked at once and the rest of the stream is dropped.
        for (std::size_t guard = 0;; ++guard) {
            FUZZ_CHECK(guard <= 4 * (end - begin) + 8);
            if (input.empty() && !last && guard > 0) return;
            std::byte* const before = input.data();
            const std::size_t before_size = input.size();
            open_before_ = parser_.in_message();
            const auto ev = parser_.next(input);
            FUZZ_CHECK(input.data() >= before && input.size() <= before_size);
            FUZZ_CHECK(input.data() + input.size() == before + before_size);
            if (ev.status == protocol::FrameParser::Status::need_more) {
                FUZZ_CHECK(input.empty());
                return;
            }
            if (!on_event(ev, buf, before, input)) return;
        }
    }

    // The transcript's hash, closed with the final state.
    WSCONFORM_FUZZ_NO_COVERAGE
    std::uint64_t finish() {
        hash_.byte('N');
        hash_.byte(parser_.in_message() ? 1 : 0);
        hash_.u64(frame_got_);
        return hash_.value();
    }
    bool failed() const noexcept { return failed_; }

  private:
    WSCONFORM_FUZZ_NO_COVERAGE
    bool on_event(const protocol::FrameParser::Event& ev, std::byte* buf, std::byte* before,
                  std::span<std::byte> input) {
        using protocol::FrameParser;
        using protocol::is_control;
        switch (ev.status) {
            case FrameParser::Status::need_more:
                return false;
            case FrameParser::Status::header: {
                check_accepted_header(ev.header);
                header_ = ev.header;
                payload_start_ = static_cast<std::size_t>(input.data() - buf);
                if (deep_) check_header_bytes(ev.header);
                frame_got_ = 0;
                hash_.byte('H');
                hash_.header(ev.header);
                hash_.byte(ev.message_opcode);
                hash_.byte(ev.message_compressed ? 1 : 0);
                if (!is_control(ev.header.opcode) && ev.header.opcode != 0) message_.clear();
                return true;
            }
            case FrameParser::Status::payload: {
                FUZZ_CHECK(!ev.payload.empty());
                FUZZ_CHECK(!is_control(header_.opcode));
                FUZZ_CHECK(ev.payload.data() == before);
                FUZZ_CHECK(ev.payload.data() + ev.payload.size() == input.data());
                FUZZ_CHECK(ev.header.opcode == header_.opcode &&
                           ev.header.payload_length == header_.payload_length);
                if (deep_) {
                    check_unmasked(ev.payload, static_cast<std::size_t>(ev.payload.data() - buf));
                    message_.append(reinterpret_cast<const char*>(ev.payload.data()),
                                    ev.payload.size());
                }
                hash_.bytes(ev.payload);
                frame_got_ += ev.payload.size();
                FUZZ_CHECK(frame_got_ <= header_.payload_length);
                return true;
            }
            case FrameParser::Status::frame_end: {
                FUZZ_CHECK(ev.header.opcode == header_.opcode);
                hash_.byte('E');
                hash_.header(ev.header);
                hash_.byte(ev.message_end ? 1 : 0);
                if (is_control(header_.opcode)) {
                    FUZZ_CHECK(ev.payload.size() == header_.payload_length);
                    if (deep_) {
                        check_unmasked(ev.payload, payload_start_);
                        check_control(ev);
                    }
                    hash_.bytes(ev.payload);
                } else {
                    FUZZ_CHECK(frame_got_ == header_.payload_length);
                    hash_.byte(ev.message_opcode);
                    hash_.byte(ev.message_compressed ? 1 : 0);
                    if (deep_ && ev.message_end) check_message_end(ev);
                }
                frame_got_ = 0;
                frame_start_ = payload_start_ + static_cast<std::size_t>(header_.payload_length);
                return true;
            }
            case FrameParser::Status::error: {
                FUZZ_CHECK(ev.error);
                FUZZ_CHECK(&ev.error.category() == &protocol::protocol_category());
                // A close frame rejected for its payload comes with that frame and payload.
                if (ev.header.opcode == protocol::opcode::close) {
                    FUZZ_CHECK(header_.opcode == protocol::opcode::close);
                    FUZZ_CHECK(ev.payload.size() == header_.payload_length);
                }
                // An error consumes at most what it judged: a header, or a control frame
                // whose payload (a close code or reason) was bad.
                FUZZ_CHECK(input.data() - before <=
                           static_cast<std::ptrdiff_t>(protocol::kMaxHeaderSize + 125));
                // Sticky: asking again gives the same error and consumes nothing.
                std::span<std::byte> again = input;
                const auto ev2 = parser_.next(again);
                FUZZ_CHECK(ev2.status == FrameParser::Status::error && ev2.error == ev.error);
                FUZZ_CHECK(again.data() == input.data() && again.size() == input.size());
                hash_.byte('X');
                hash_.u64(static_cast<std::uint64_t>(ev.error.value()));
                failed_ = true;
                return false;
            }
        }
        return false;
    }

    // What every accepted header must satisfy, restated from RFC 6455 §5.2-§5.5 and the
    // parser options, independently of the parser's own checks.
    WSCONFORM_FUZZ_NO_COVERAGE
    void check_accepted_header(const protocol::FrameHeader& h) const {
        using namespace protocol;
        FUZZ_CHECK(!is_reserved(h.opcode));
        FUZZ_CHECK(h.masked == (options_.role == Role::server));
        FUZZ_CHECK((h.rsv & (rsv::rsv2 | rsv::rsv3)) == 0);
        if ((h.rsv & rsv::rsv1) != 0) {
            FUZZ_CHECK(options_.permessage_deflate);
            FUZZ_CHECK(h.opcode == opcode::text || h.opcode == opcode::binary);
        }
        if (is_control(h.opcode)) FUZZ_CHECK(h.fin && h.payload_length <= 125);
        FUZZ_CHECK((h.payload_length >> 63) == 0);
        FUZZ_CHECK(h.payload_length <= options_.max_frame_payload);
        if (!is_control(h.opcode)) FUZZ_CHECK(h.payload_length <= options_.max_message_payload);
        // §5.4: a continuation needs an open message, a new data frame needs none.
        const bool continuation = h.opcode == opcode::continuation;
        if (!is_control(h.opcode)) FUZZ_CHECK(continuation == open_before_);
    }

    // The header is the input's bytes from the end of the previous frame, decoded again.
    WSCONFORM_FUZZ_NO_COVERAGE
    void check_header_bytes(const protocol::FrameHeader& h) const {
        FUZZ_CHECK(frame_start_ < payload_start_ && payload_start_ <= raw_.size());
        const auto d = protocol::decode_header(
            std::as_bytes(raw_.subspan(frame_start_, payload_start_ - frame_start_)));
        FUZZ_CHECK(d.status == protocol::HeaderDecode::Status::ok);
        FUZZ_CHECK(d.header_size == payload_start_ - frame_start_);
        FUZZ_CHECK(d.header.fin == h.fin && d.header.rsv == h.rsv && d.header.opcode == h.opcode &&
                   d.header.masked == h.masked && d.header.payload_length == h.payload_length);
        if (h.masked) FUZZ_CHECK(d.header.mask_key == h.mask_key);
        if (options_.require_minimal_length) FUZZ_CHECK(d.length_minimal);
    }

    // Payload bytes equal the input bytes XOR the key, byte by byte from the frame's start.
    WSCONFORM_FUZZ_NO_COVERAGE
    void check_unmasked(std::span<const std::byte> got, std::size_t at) const {
        FUZZ_CHECK(at >= payload_start_);
        FUZZ_CHECK(at + got.size() <= raw_.size());
        for (std::size_t i = 0; i < got.size(); ++i) {
            std::uint8_t want = raw_[at + i];
            if (header_.masked) want ^= header_.mask_key[(at + i - payload_start_) & 3];
            FUZZ_CHECK(std::to_integer<std::uint8_t>(got[i]) == want);
        }
    }

    WSCONFORM_FUZZ_NO_COVERAGE
    void check_control(const protocol::FrameParser::Event& ev) const {
        if (ev.header.opcode != protocol::opcode::close) return;
        const auto& p = ev.payload;
        if (p.empty()) return;
        FUZZ_CHECK(p.size() >= 2);
        const auto code = static_cast<std::uint16_t>(std::to_integer<unsigned>(p[0]) << 8 |
                                                     std::to_integer<unsigned>(p[1]));
        FUZZ_CHECK(protocol::is_valid_close_code(code, options_.close_code_policy));
        if (options_.validate_utf8) {
            const auto* r = reinterpret_cast<const std::uint8_t*>(p.data()) + 2;
            FUZZ_CHECK(!utf8_reference_check({r, p.size() - 2}).first_bad);
        }
    }

    WSCONFORM_FUZZ_NO_COVERAGE
    void check_message_end(const protocol::FrameParser::Event& ev) const {
        if (ev.message_opcode == protocol::opcode::text && !ev.message_compressed &&
            options_.validate_utf8) {
            const auto* m = reinterpret_cast<const std::uint8_t*>(message_.data());
            FUZZ_CHECK(!utf8_reference_check({m, message_.size()}).first_bad);
        }
        FUZZ_CHECK(message_.size() <= options_.max_message_payload);
    }

    protocol::ParserOptions options_;
    protocol::FrameParser parser_;
    std::span<const std::uint8_t> raw_;
    bool deep_ = false;  // the whole-input run: also the byte-level checks
    Fnv hash_;
    protocol::FrameHeader header_{};
    std::size_t frame_start_ = 0;    // where the current frame's header began
    std::size_t payload_start_ = 0;  // where its payload begins
    bool open_before_ = false;       // a fragmented message was open before this event
    std::uint64_t frame_got_ = 0;    // payload bytes of the current frame so far
    std::string message_;            // the current message's bytes (deep runs only)
    bool failed_ = false;
};

}  // namespace detail

// Reused between inputs: a copy of the stream (the parser unmasks in place) in a buffer of at
// least n bytes, and the run's state. Everything past n, and outside the chunk being fed, is
// poisoned, which catches an overread as well as an exact-size allocation would.
struct Scratch {
    std::vector<std::byte> buf;
    detail::ParseRun run;

    WSCONFORM_FUZZ_NO_COVERAGE std::byte* load(std::span<const std::uint8_t> raw) {
        if (buf.size() < raw.size()) buf.resize(raw.size());
        if (!raw.empty()) std::memcpy(buf.data(), raw.data(), raw.size());
        return buf.data();
    }
};

// One transcript of an input (byte 0: the options, the rest: the stream), fed in chunks of
// chunk_len(offset) bytes. With keep_consumed, bytes already fed stay addressable (one ASan
// call per chunk when feeding byte by byte; reads back into them are the chunked run's to
// catch); otherwise only the current chunk is.
template <class ChunkLength>
WSCONFORM_FUZZ_NO_COVERAGE inline std::uint64_t transcript(Scratch& s, const std::uint8_t* data,
                                                           std::size_t size, bool deep,
                                                           ChunkLength chunk_len,
                                                           bool keep_consumed) {
    const std::span<const std::uint8_t> raw(data + 1, size - 1);
    const std::size_t n = raw.size();
    std::byte* buf = s.load(raw);
    s.run.reset(options_from_byte(data[0]), raw, deep);
    PoisonWindow window(buf, s.buf.size());
    for (std::size_t i = 0; i < n && !s.run.failed();) {
        const std::size_t len = std::min<std::size_t>(n - i, chunk_len(i));
        if (keep_consumed) {
            window.extend(i + len);
        } else {
            window.set(i, i + len);
        }
        s.run.feed(buf, i, i + len, i + len == n);
        i += len;
    }
    return s.run.finish();
}

// (a) whole, with the byte-level checks.
WSCONFORM_FUZZ_NO_COVERAGE
inline std::uint64_t whole_transcript(const std::uint8_t* data, std::size_t size) {
    static Scratch* s = new Scratch;  // never freed: no destructor-order issues at exit
    return transcript(
        *s, data, size, /*deep=*/true, [size](std::size_t) { return size; }, false);
}

// (b) one byte at a time.
WSCONFORM_FUZZ_NO_COVERAGE
inline std::uint64_t bytewise_transcript(const std::uint8_t* data, std::size_t size) {
    static Scratch* s = new Scratch;
    return transcript(
        *s, data, size, /*deep=*/false, [](std::size_t) { return 1; }, true);
}

// (c) chunks of 1..32 bytes, each size taken from the byte the chunk starts at.
WSCONFORM_FUZZ_NO_COVERAGE
inline std::uint64_t chunked_transcript(const std::uint8_t* data, std::size_t size) {
    static Scratch* s = new Scratch;
    const auto chunk_len = [data](std::size_t i) -> std::size_t {
        return 1 + ((data[1 + i] ^ data[0]) & 31);
    };
    return transcript(*s, data, size, /*deep=*/false, chunk_len, false);
}

}  // namespace wsconform::fuzz

// The byte-by-byte and chunked passes run on a second copy of the parser and of this oracle,
// compiled without coverage instrumentation (fuzz/frame_parser_resumed.cpp, in its own
// namespace); aborts if either transcript differs from `expected`. Those passes call the
// parser once per byte or chunk: instrumented, they cost 60 % of each execution, and the
// edges they report are mostly the whole run's edges again. AddressSanitizer and UBSan stay
// on in the copy.
extern "C" void wsconform_fuzz_check_resumed_transcripts(const std::uint8_t* data, std::size_t size,
                                                         std::uint64_t expected);

namespace wsconform::fuzz {

WSCONFORM_FUZZ_NO_COVERAGE
inline void check_resumed_transcripts(const std::uint8_t* data, std::size_t size,
                                      std::uint64_t expected) {
    FUZZ_CHECK(bytewise_transcript(data, size) == expected);
    FUZZ_CHECK(chunked_transcript(data, size) == expected);
}

WSCONFORM_FUZZ_NO_COVERAGE
inline void check_frame_parser(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return;
    wsconform_fuzz_check_resumed_transcripts(data, size, whole_transcript(data, size));
}

}  // namespace wsconform::fuzz
