// The timed echo cases (9.x, 12.x, 13.x) set a "did not finish within N seconds" result when
// they start, for their timer to leave in place. When the connection ends before the timer
// (the peer closed it, or we failed it, say on a deflate bomb), that sentence would be untrue:
// this adjustment says what happened instead.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "harness/model/judge.h"

namespace wsconform::cases {

// For WebSocketScript::adjust: when the result is still `timer_result` and we did not close
// the connection ourselves (our timer's close), the result says how the connection ended and
// after how many of the `total` messages of type `opcode` came back.
std::function<void(const harness::Observation&, harness::Verdict&)> explain_cut_short(
    std::string timer_result, std::uint8_t opcode, std::uint64_t total);

}  // namespace wsconform::cases
