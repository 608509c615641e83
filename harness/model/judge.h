// The judge: a pure function from what a case expected and what was observed to Autobahn's
// two verdict columns (AB:case/case.py onConnectionLost), plus one overall outcome.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/model/events.h"

namespace wsconform::harness {

struct Case;

// Everything the judge looks at, as recorded by the Session.
struct TlsObservation {
    std::string version;  // "TLSv1.3"
    std::string cipher;
    std::string server_name;    // SNI: the one we sent (client), the one we got (server)
    std::string expected_name;  // testing a client: the host its request named
    std::vector<std::string> alpn_offered;  // testing a client: what it offered
    std::string alpn;                       // what was agreed
    bool peer_close_notify = false;         // the peer sent close_notify before its FIN
    bool verified = true;                   // testing a server: the certificate was checked
    bool renegotiation_started = false;     // we asked for a renegotiation (TLS 1.2)
    bool renegotiation_completed = false;   // and the peer went through with it
};

struct Observation {
    bool is_server = false;  // we played the server (testing a client)
    bool was_open = false;   // the opening handshake completed
    Expectations expected;   // as declared by the script
    ExpectedClose expected_close;
    // False where the case's own rule, not `expected_close`, judges how it ended (section 17's
    // HTTP/2 cases: behaviorClose tells how the streams and the connection ended).
    bool expected_close_judged = true;
    std::vector<Event> received;
    // Events past what the case keeps (a peer that floods): how many, their payload octets,
    // the SHA-256 (hex) of those payloads in order, and the last few (payloads cut to an
    // excerpt). `received` then holds only the first ones and matches no expectation.
    struct DroppedEvents {
        std::uint64_t count = 0;
        std::uint64_t octets = 0;
        std::string sha256;
        std::vector<Event> last;
    };
    DroppedEvents received_dropped;
    // Set by performance cases through Session::set_result().
    std::optional<Behavior> scripted_behavior;
    std::string scripted_result;

    bool closed_by_me = false;   // we sent the first close frame (not as a reply)
    bool failed_by_me = false;   // we failed the connection (violation or kill timer)
    bool dropped_by_me = false;  // we closed the TCP connection
    bool was_clean = false;      // close frames both ways (and, as client, the server dropped TCP)
    std::string was_not_clean_reason;
    bool was_close_handshake_timeout = false;
    bool was_server_connection_drop_timeout = false;
    bool was_open_handshake_timeout = false;
    std::optional<std::uint16_t> local_close_code;
    std::optional<std::string> local_close_reason;
    std::optional<std::uint16_t> remote_close_code;
    std::optional<std::string> remote_close_reason;
    std::map<std::uint8_t, std::uint64_t> tx_frames;  // opcode -> count
    std::map<std::uint8_t, std::uint64_t> rx_frames;
    // Why the harness itself gave up (case deadline, connect error), if it did.
    std::string harness_error;
    // Set when the case ran on a permessage-deflate response that left out a parameter the
    // offer asked for (as Autobahn runs it): the sentence the verdict carries. An OK verdict
    // becomes NON-STRICT.
    std::string lenient_handshake;
    // Over TLS: what was negotiated and how the peer ended it (empty version: not TLS).
    TlsObservation tls;
    // Octets after the opening handshake, each way, and how long the connection was open:
    // the volume a section-15 probe reports.
    std::uint64_t tx_octets = 0;
    std::uint64_t rx_octets = 0;
    std::int64_t open_ms = 0;
};

struct Verdict {
    Behavior behavior = Behavior::failed;
    Behavior behavior_close = Behavior::failed;
    std::string result;        // Autobahn's sentence for `behavior`
    std::string result_close;  // and for `behaviorClose`
    Outcome outcome = Outcome::fail;
    std::string outcome_reason;  // which column decided, in one line
    // Set by a case's `adjust` (section 15): a limit missing or very high, with the measured
    // figure. A case that otherwise passes becomes Outcome::warning with this as its reason.
    std::string warning;
};

// Autobahn's judging, then the case's own adjustments (its WebSocketScript's
// wrong_code_fails, informational, adjust), then the overall outcome.
Verdict judge(const Case& c, const Observation& o);

// Autobahn's `behaviorClose` and its sentence, the first check that fails deciding: the opening
// handshake never completed; the wrong endpoint closed first (`expected_close.closed_by_me`);
// not clean where the case requires it; a close code outside `expected_close.close_codes`;
// testing a server, we had to drop TCP ourselves. Else OK. judge() uses it, and so do the
// raw-HTTP judges of section 14, which describe their connection as an Observation.
std::pair<Behavior, std::string> close_behavior(const Observation& o);

// "Volume: sent N octets in F frames, received M octets, over 1 connection open T ms.": what
// the judge appends to a section-15 case's result.
std::string volume_sentence(const Observation& o);

// The overall outcome from the two columns (used by judge(), and by readers of Autobahn's
// own reports, which carry only the columns).
Outcome overall_outcome(Behavior behavior, Behavior behavior_close, std::string* reason = nullptr);

}  // namespace wsconform::harness
