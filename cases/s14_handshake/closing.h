// What section 14's judges of both roles share: `behaviorClose` after a WebSocket opened by a
// raw-HTTP handshake (we start the closing handshake with 1000 once our messages came back),
// and short descriptions of what came back. Internal to cases/s14_handshake/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "harness/model/http_script.h"

namespace wsconform::cases::handshake {

using harness::Behavior;
using harness::ClientExchange;
using harness::ServerExchange;
using harness::Verdict;

// behaviorClose once we started the closing handshake: what only the raw connection shows
// first (the peer's frames broke RFC 6455; the connection ended before our close frame; no
// close frame came back), then Autobahn's checks (harness::close_behavior): the peer must not
// close first, must answer 1000 or no code, and, testing a server, the server closes TCP.
// Testing a server, a response other than 101 means the WebSocket never opened.
std::pair<Behavior, std::string> close_after_upgrade(const ServerExchange& x);
std::pair<Behavior, std::string> close_after_open(const ClientExchange& x);

// A verdict: `behavior` with its sentence, and behaviorClose as above.
Verdict with_close(Behavior behavior, std::string result, const ServerExchange& x);
Verdict with_close(Behavior behavior, std::string result, const ClientExchange& x);

// "101 Switching Protocols", "no answer (the peer closed TCP)", ...
std::string describe_head(const ServerExchange& x);
// "no message", "2 message(s), the first text of 33 octets".
std::string describe_messages(const std::vector<harness::Event>& messages);

}  // namespace wsconform::cases::handshake
