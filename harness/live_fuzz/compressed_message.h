// A permessage-deflate message as our FrameParser hands it out, in either direction of a live
// fuzzing connection: collected frame by frame (at most kInflateCap bytes), then inflated and,
// for text, checked as UTF-8. The shadow of the server's parser (shadow.h) and the reader of
// what the server sends (peer_reader.h) both use it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <system_error>

#include "protocol/frame_parser.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness::live_fuzz {

inline constexpr std::size_t kInflateCap = 16u << 20;

class CompressedMessage {
  public:
    enum class Check { ok, does_not_inflate, text_not_utf8 };

    // Takes every event of the parser; true when the event ends a compressed message, which
    // check() then judges.
    bool feed(const protocol::FrameParser::Event& ev);

    // Inflates the message with `inflater` (its context carries over to the next message when
    // the caller keeps it). On does_not_inflate, `error` is the inflater's error.
    Check check(protocol::Inflater& inflater, std::error_code& error) const;

  private:
    std::string data_;
    bool compressed_ = false;
    std::uint8_t opcode_ = 0;
};

}  // namespace wsconform::harness::live_fuzz
