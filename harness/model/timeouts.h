#pragma once

#include <chrono>

namespace wsconform::harness {

// Autobahn|Python's library timeouts (openHandshakeTimeout, closeHandshakeTimeout,
// serverConnectionDropTimeout), plus our own hard cap on a case.
struct Timeouts {
    std::chrono::milliseconds open_handshake{5000};
    std::chrono::milliseconds close_handshake{1000};
    std::chrono::milliseconds server_drop{1000};
    // Added to the longest timer a case sets: past that, the case is ended by the harness.
    std::chrono::milliseconds case_grace{5000};
    // Upper bound on any single case, whatever its timers say (0 = none).
    std::chrono::milliseconds case_limit{0};
};

}  // namespace wsconform::harness
