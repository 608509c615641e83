// Section 14's judges when testing a client (14.4-14.6): pure functions from what one
// connection showed (harness::ClientExchange) and what the same client did on its earlier
// connections (harness::ClientHistory) to both verdict columns. Internal to
// cases/s14_handshake/.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "harness/model/http_script.h"

namespace wsconform::cases::handshake {

using ClientJudge = std::function<harness::Verdict(const harness::ClientExchange&,
                                                   const harness::ClientHistory& before)>;
// What breaks a rule about the client's request or frames, in one sentence, or nullopt.
using RequestCheck = std::function<std::optional<std::string>(const harness::ClientExchange&)>;

// 14.4: an invalid answer; the client must _Fail the WebSocket Connection_ (§4.1): send no
// frame at all (the connection never opened, so not even a close frame, §7.1.7) and close TCP.
ClientJudge client_fails();

// 14.6: a valid answer in an unusual shape; the client must open and echo our message.
ClientJudge client_opens();

// 14.5: one rule about the client's request or frames.
ClientJudge request_rule(RequestCheck check, std::string ok_text);

// §4.1: "The nonce MUST be selected randomly for each connection." Informational when there
// are too few earlier connections to compare with.
harness::Verdict judge_fresh_key(const harness::ClientExchange& x,
                                 const harness::ClientHistory& before);

// §5.3: a fresh masking key per frame, from a strong source of entropy; §10.3: not
// predictable by the application. Checked: no zero key, no repeat within the connection or
// with an earlier connection, no constant step (difference or XOR) between successive keys.
harness::Verdict judge_masks(const harness::ClientExchange& x,
                             const harness::ClientHistory& before);

}  // namespace wsconform::cases::handshake
