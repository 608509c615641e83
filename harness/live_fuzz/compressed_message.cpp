#include "harness/live_fuzz/compressed_message.h"

#include <span>

#include "protocol/frame.h"
#include "protocol/utf8.h"

namespace wsconform::harness::live_fuzz {

bool CompressedMessage::feed(const protocol::FrameParser::Event& ev) {
    using S = protocol::FrameParser::Status;
    switch (ev.status) {
        case S::header:
            // A message's first frame says whether it is compressed (RSV1) and what it is.
            if (!protocol::is_control(ev.header.opcode) &&
                ev.header.opcode != protocol::opcode::continuation) {
                data_.clear();
                compressed_ = ev.message_compressed;
                opcode_ = ev.message_opcode;
            }
            return false;
        case S::payload:
            if (compressed_ && data_.size() < kInflateCap) {
                data_.append(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
            }
            return false;
        case S::frame_end:
            return ev.message_end && compressed_;
        default:
            return false;
    }
}

CompressedMessage::Check CompressedMessage::check(protocol::Inflater& inflater,
                                                  std::error_code& error) const {
    std::string plain;
    error = inflater.feed(std::as_bytes(std::span(data_.data(), data_.size())), plain);
    if (!error) error = inflater.finish_message(plain);
    if (error) return Check::does_not_inflate;
    if (opcode_ == protocol::opcode::text && !protocol::is_valid_utf8(plain)) {
        return Check::text_not_utf8;
    }
    return Check::ok;
}

}  // namespace wsconform::harness::live_fuzz
