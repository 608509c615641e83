#pragma once

#include <chrono>
#include <cstdio>
#include <string>

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
    // --time-scale: every timer of a case (these, and the waits its script asks for) is
    // multiplied by this, for a slow peer (built with sanitizers, run under an emulator).
    // case_limit is the user's own bound and is not scaled.
    double time_scale = 1;

    // A wait a case asks for, as the harness runs it.
    std::chrono::milliseconds scaled(std::chrono::milliseconds wait) const {
        if (time_scale == 1) return wait;
        return std::chrono::milliseconds(static_cast<std::chrono::milliseconds::rep>(
            static_cast<double>(wait.count()) * time_scale));
    }

    // The wire-log note of a case run with scaled timers ("" at scale 1), so its report says so.
    std::string scale_note() const {
        if (time_scale == 1) return {};
        char factor[32];
        std::snprintf(factor, sizeof factor, "%g", time_scale);
        return std::string("every timer of this case is multiplied by ") + factor +
               " (--time-scale)";
    }

    // These timeouts with their own timers scaled by `factor` (and time_scale set to it).
    Timeouts scaled_by(double factor) const {
        Timeouts t = *this;
        t.time_scale = factor;
        t.open_handshake = t.scaled(open_handshake);
        t.close_handshake = t.scaled(close_handshake);
        t.server_drop = t.scaled(server_drop);
        t.case_grace = t.scaled(case_grace);
        return t;
    }
};

}  // namespace wsconform::harness
