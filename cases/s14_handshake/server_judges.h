// Section 14's judges when testing a server (14.1-14.3): pure functions from what one
// connection showed (harness::ServerExchange) to both verdict columns. Internal to
// cases/s14_handshake/.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "harness/model/http_script.h"

namespace wsconform::cases::handshake {

using ServerJudge = std::function<harness::Verdict(const harness::ServerExchange&)>;
// What breaks a rule, in one sentence, or nullopt.
using ResponseCheck = std::function<std::optional<std::string>(const harness::ServerExchange&)>;

// 14.1: a valid request, however unusual its shape, is answered with a valid 101, and then
// WebSocket frames flow (our text message comes back).
ServerJudge accepts();

// What a refusal must look like, beyond "not 101".
struct Refusal {
    std::optional<int> status;    // the code the rule names (400 in RFC 9112 §3.2 and §5.1)
    std::string status_rule;      // where it is named
    bool version_header = false;  // §4.2.2: a Sec-WebSocket-Version header listing 13
};

// 14.2: the server must not upgrade, and §4.2.1 asks for an HTTP error response (such as 400).
// behavior: 4xx -> OK; another non-101 answer, or a close without one -> NON-STRICT; 101, a
// broken answer or none at all -> FAILED. behaviorClose: the server closed TCP, or kept it
// open as a persistent HTTP/1.1 connection without announcing "Connection: close" -> OK; it
// upgraded, never answered, or said close and did not -> FAILED.
ServerJudge refuses(Refusal rule = {});

// 14.3: one rule about the 101 answered to a valid request: `check` gives what breaks it.
ServerJudge response_rule(ResponseCheck check, std::string ok_text);

// 14.3 deflate cases: the response accepts at most one permessage-deflate element, and that
// one fits an offer (RFC 7692 §5, §7.1); declining is always allowed.
std::optional<std::string> deflate_response_problem(const harness::ServerExchange& x);

// 14.3.15-16: an invalid permessage-deflate offer next to a valid one. The server MUST decline
// the invalid offer (RFC 7692 §7): accepting it fails; refusing the whole handshake with a
// 4xx does not accept it, but is not what §7 asks (decline the offer, keep the connection).
ServerJudge declines_invalid_offer(std::string ok_text);

}  // namespace wsconform::cases::handshake
