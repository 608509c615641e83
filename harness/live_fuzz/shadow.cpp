#include "harness/live_fuzz/shadow.h"

#include <array>
#include <cstddef>
#include <span>

#include "harness/live_fuzz/compressed_message.h"
#include "protocol/frame_parser.h"

namespace wsconform::harness::live_fuzz {

const char* to_string(Verdict verdict) noexcept {
    static constexpr std::array<const char*, 4> kNames = {"valid", "invalid", "incomplete",
                                                          "uncertain"};
    return kNames[static_cast<std::size_t>(verdict)];
}

Shadow shadow_parse(const std::string& sent, bool deflate) {
    std::string bytes = sent;  // the parser unmasks in place
    protocol::ParserOptions o;
    o.role = protocol::Role::server;
    o.permessage_deflate = deflate;
    protocol::FrameParser parser(o);
    std::span<std::byte> input(reinterpret_cast<std::byte*>(bytes.data()), bytes.size());
    std::byte* const base = input.data();
    std::size_t boundary = 0;  // where the last whole frame ended
    bool in_frame = false;
    std::uint64_t frame_left = 0;
    CompressedMessage message;
    bool uncertain = false;
    std::string uncertain_why;
    using S = protocol::FrameParser::Status;
    while (true) {
        const auto ev = parser.next(input);
        if (ev.status == S::need_more) break;
        if (ev.status == S::error) return {Verdict::invalid, ev.error.message(), 0};
        const bool message_ends = message.feed(ev);
        if (ev.status == S::header) {
            in_frame = true;
            frame_left = ev.header.payload_length;
        } else if (ev.status == S::payload) {
            frame_left -= ev.payload.size();
        } else if (ev.status == S::frame_end) {
            in_frame = false;
            frame_left = 0;
            boundary = static_cast<std::size_t>(input.data() - base);
            if (!message_ends) continue;
            // The server inflates; whether it fails on data we mutated can depend on its
            // window and context, so a failure here makes the verdict uncertain. Each message
            // we send is compressed from a fresh context.
            protocol::Inflater inflater(15, false, kInflateCap);
            std::error_code ec;
            const auto check = message.check(inflater, ec);
            if (check == CompressedMessage::Check::does_not_inflate) {
                uncertain = true;
                uncertain_why = "compressed message does not inflate: " + ec.message();
            } else if (check == CompressedMessage::Check::text_not_utf8) {
                return {Verdict::invalid, "compressed text is not UTF-8", 0};
            }
        }
    }
    // Inside a frame the server waits for its payload; an open fragmented message is fine.
    if (in_frame) return {Verdict::incomplete, "stops inside a frame", frame_left};
    if (boundary != bytes.size()) return {Verdict::incomplete, "stops inside a frame header", 0};
    if (uncertain) return {Verdict::uncertain, uncertain_why, 0};
    return {Verdict::valid, "", 0};
}

}  // namespace wsconform::harness::live_fuzz
