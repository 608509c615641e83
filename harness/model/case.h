// A test case: the data a report reader needs, plus a short script over the Session.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/events.h"
#include "harness/model/http_script.h"
#include "harness/model/session.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

enum class Level { must, should, informational };

struct Verdict;
struct Observation;

struct Case {
    std::string id;           // Autobahn's ID verbatim, "6.4.1"
    std::string title;        // one line, our words
    std::string description;  // Autobahn's DESCRIPTION (HTML stripped), what is sent
    std::string expectation;  // Autobahn's EXPECTATION, what the peer must do
    std::vector<std::string> rfc;  // sections checked, e.g. {"RFC 6455 5.5", "RFC 6455 5.5.2"}
    std::string requirement;  // the rule, restated in our own words
    Level level = Level::must;

    // Runs when the WebSocket opens (Autobahn's onOpen): queue sends, set timers, declare
    // expectations.
    std::function<void(Session&)> on_open;
    // Replaces the default handling of a received message (record it, then close early once
    // every expectation is met). Performance cases use it to send the next message.
    std::function<void(Session&, const Event&)> on_message;

    // Autobahn's suppressClose: never start the closing handshake automatically.
    bool suppress_close = false;
    // 7.x: a WRONG CODE close verdict also fails `behavior`.
    bool wrong_code_fails = false;
    // 7.1.6, 7.13.x: both columns are forced to INFORMATIONAL.
    bool informational = false;
    // Roughly how many bytes of payload this case holds at once (its largest message). The
    // runner starts cases only while the sum over running cases stays under its memory
    // budget, so a run of 16 MiB messages cannot multiply by --jobs.
    std::size_t memory_hint = 0;

    // Report the case duration (Autobahn's reportTime).
    bool report_time = false;
    // Report traffic statistics and compression ratios (Autobahn's reportCompressionRatio).
    bool report_compression_ratio = false;

    // permessage-deflate (sections 12, 13). Testing a server: the alternatives we offer, in
    // order (empty: no offer). Testing a client: we accept the client's offer when this is
    // non-empty, asking of it what `deflate_server_policy` says.
    std::vector<protocol::DeflateParams> deflate_offers;
    protocol::DeflateServerPolicy deflate_server_policy;
    // Tried in turn when no offer suits `deflate_server_policy` (Autobahn's accept7).
    std::vector<protocol::DeflateServerPolicy> deflate_server_fallbacks;
    // Any further adjustment after the judge (Autobahn cases that override onConnectionLost,
    // e.g. 10.1.1 counting the frames it sent).
    std::function<void(const Observation&, Verdict&)> adjust;

    // Section 14 (the opening handshake, beyond Autobahn): raw-HTTP scripts instead of
    // `on_open` (harness/http_script.h). Testing a server runs `http_server_probe`, testing a
    // client `http_client_probe`; a handshake case with no script for the role being tested
    // is reported as not applicable (UNIMPLEMENTED) without a connection.
    std::optional<HttpServerProbe> http_server_probe;
    std::optional<HttpClientProbe> http_client_probe;
};

}  // namespace wsconform::harness
