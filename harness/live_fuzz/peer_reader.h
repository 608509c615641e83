// What the server sends back on a live fuzzing connection, checked as it arrives: our own
// FrameParser in the client role (RFC 6455 framing, RSV1 only with permessage-deflate agreed),
// compressed messages inflated and their text checked as UTF-8, nothing after the close frame.
// It also remembers the pongs, so that the fuzzer sees whether its probe ping was answered.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/live_fuzz/compressed_message.h"
#include "protocol/frame_parser.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness::live_fuzz {

class PeerReader {
  public:
    explicit PeerReader(bool deflate);

    // Parses `bytes`; false once a violation was seen (see violation()).
    bool feed(std::string_view bytes);

    const std::string& violation() const noexcept { return violation_; }
    bool closed() const noexcept { return closed_; }
    bool has_pong(std::string_view payload) const;

  private:
    void check_compressed();

    protocol::FrameParser parser_;
    CompressedMessage message_;
    std::optional<protocol::Inflater> inflater_;
    std::string buf_;
    bool closed_ = false;
    std::vector<std::string> pongs_;
    std::string violation_;
};

}  // namespace wsconform::harness::live_fuzz
