// Section 15 ("Limits and security"): the thresholds its cases judge by, and how they judge.
//
// Verdicts. A crash (the peer no longer accepts a WebSocket connection after the case), a hang
// (no answer within the case's bound) or an unbounded read or allocation FAILS the case. A
// limit the RFC leaves to the implementation (RFC 6455 §10.4) that is missing or higher than
// `missing_limit_bytes` is a pass with Outcome::warning, whose reason names the measured figure
// (bytes accepted, seconds taken): the case's `adjust` sets Verdict::warning. Policy cases are
// informational unless the user states the policy. Autobahn's two columns stay as they are.
//
// Running. A case with Case::can_crash_peer runs alone (never next to another case); after it
// the harness checks the peer is still up (testing a server: a fresh TCP connect and WebSocket
// handshake; testing a client: the `--run` process has not exited). A peer found down fails the
// case that downed it, saying so, and every case left in the run is reported not run
// (Outcome::not_run) with that reason.
//
// Volume. Every probe is bounded in bytes, connections and time; the judge appends what a
// can_crash_peer case sent and received (Observation::tx_octets, rx_octets, tx frames) to its
// result text.
//
// Thresholds. One LimitThresholds value per run, from flags with the defaults below
// (cli/limit_options.h: add_limit_threshold_options, on test-server and test-client). The
// harness hands it to every case: a WebSocket script reads Session::limits(), a raw-HTTP probe
// its context (harness/http_case.*). Thresholds of other probe groups (15.4's slowloris
// connection count K and the ReDoS ratio) go in this struct below the marked line, with their
// flags in a function of their own in cli/limit_options.cpp (add_handshake_threshold_options).
#pragma once

#include <chrono>
#include <cstdint>

namespace wsconform::harness {

struct LimitThresholds {
    // --limit-prompt S: how long "promptly" is. A peer that must fail the connection (a
    // forbidden length) and has not within this is hung; a peer that has not enforced a limit
    // within it is reported with what it did meanwhile.
    std::chrono::milliseconds prompt{2000};
    // --limit-missing-size BYTES: a message (or an inflated message, or an unfinished message's
    // fragments) this large accepted without a close means the limit is missing or very high.
    // Also the most any probe sends in one message.
    std::uint64_t missing_limit_bytes = std::uint64_t{1} << 30;
    // ---- 15.4 (handshake) thresholds go below this line.
};

}  // namespace wsconform::harness
