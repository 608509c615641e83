// The shadow of the server's parser: how a strict server (RFC 6455/7692, no size cap below
// 16 MiB) reads the bytes we send, told by our own FrameParser in the server role. It says
// whether an answer is owed after an input (a valid sequence must be followed by a pong to our
// ping), and how many payload bytes would complete a frame the input leaves open.
#pragma once

#include <cstdint>
#include <string>

namespace wsconform::harness::live_fuzz {

enum class Verdict { valid, invalid, incomplete, uncertain };
const char* to_string(Verdict verdict) noexcept;

struct Shadow {
    Verdict verdict = Verdict::valid;
    std::string why;
    std::uint64_t pad = 0;  // payload bytes still owed by the last frame (when mid-frame)
};

// How the server reads `sent` (whole masked frames as a client writes them), with or without
// permessage-deflate agreed.
Shadow shadow_parse(const std::string& sent, bool deflate);

}  // namespace wsconform::harness::live_fuzz
