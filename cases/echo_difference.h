// Why an echo is not what we sent, in one sentence: the check of the cases that judge their
// own echoes (9.x, 12.x, 13.x). Internal to cases/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "harness/model/events.h"

namespace wsconform::cases::detail {

// Why `echo` is not `sent` (a message of type `sent_binary`) sent back unchanged, as one
// sentence starting with `what` ("The echo", "Echo 17 of 1000"); nullopt when it is.
// `in_code_points` counts text lengths in characters as well as octets. A content mismatch
// names the first differing octet and both SHA-1 digests.
std::optional<std::string> echo_difference(std::string_view what, const harness::Event& echo,
                                           std::string_view sent, bool sent_binary,
                                           bool in_code_points);

// How many code points UTF-8 text holds: its octets that are not continuation octets.
std::size_t code_points(std::string_view text);

// The SHA-1 of `data` in lower-case hex (Autobahn compares echoes by this digest).
std::string sha1_hex(std::string_view data);

}  // namespace wsconform::cases::detail
