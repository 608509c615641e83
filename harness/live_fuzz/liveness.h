// Whether the server under test is still there, seen from outside: it accepts a TCP
// connection or it does not. A crash is the only finding that needs no answer from the server,
// so these checks run after every input that ended short of an orderly close.
#pragma once

#include <chrono>

#include "harness/endpoint.h"
#include "harness/transport/connector.h"

namespace wsconform::harness::live_fuzz {

// A connection not accepted within this counts as refused (and as a hang during an input).
inline constexpr std::chrono::milliseconds kConnectTimeout{2000};

// The addresses of the endpoint's host, resolved once per run. None when it does not resolve:
// every connection then fails as refused.
transport::ConnectTarget connect_target(const Endpoint& endpoint);

// The checks of live_fuzz.h over an already resolved target.
bool server_alive(const transport::ConnectTarget& target);
bool server_down(const transport::ConnectTarget& target);
bool server_down_within(const transport::ConnectTarget& target, std::chrono::milliseconds grace);

}  // namespace wsconform::harness::live_fuzz
