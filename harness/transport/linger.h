// Ending a connection without losing our last bytes: closing a socket whose peer still sends
// turns into a reset, and a reset can destroy what we wrote just before it. So half-close
// first, read (and discard) until the peer's FIN or a timeout, then close.
#pragma once

#include <chrono>

#include "harness/transport/stream.h"

namespace wsconform::harness::transport {

// Takes over `stream` (shutdown_send now, close at the peer's FIN, a read error or `timeout`).
void linger_then_close(StreamPtr stream, std::chrono::milliseconds timeout);

}  // namespace wsconform::harness::transport
