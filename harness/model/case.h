// A test case: the data a report reader needs (the header), plus the script that runs it: a
// WebSocket script over the Session (sections 1-13), a raw-HTTP probe of the opening
// handshake (section 14) for the role it tests, or an HTTP/2 probe (section 17) for the role
// it tests.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "harness/model/events.h"
#include "harness/model/h2_client_script.h"
#include "harness/model/h2_script.h"
#include "harness/model/http_script.h"
#include "harness/model/session.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

enum class Level { must, should, informational };

struct Verdict;
struct Observation;

// A case that runs over an open WebSocket connection, in either role (Autobahn's cases).
struct WebSocketScript {
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
};

// Section 16: what a case asks of the TLS layer under its WebSocket connection.
enum class CertificateFlaw {
    none,
    untrusted_issuer,  // a leaf for the right name from a CA nobody trusts
    self_signed,
    expired,
    not_yet_valid,
    wrong_name,
    ca_as_leaf,  // a CA certificate (keyCertSign only) for the right name
};

// "expired", "self-signed" ...: for reports and the certificate's label.
std::string to_string(CertificateFlaw flaw);

struct TlsNeeds {
    bool required = false;  // not applicable over ws:// (reported as such, no connection)
    // The role the case tests, when it is only one (sections 1-13 serve both).
    bool clients_only = false;
    bool servers_only = false;
    // Testing a client: the certificate the client-testing server presents for this case.
    CertificateFlaw certificate = CertificateFlaw::none;
    // Our TLS records carry at most this many bytes (0: OpenSSL's default, up to 16 KiB);
    // with `records_during_handshake_only`, for the HTTP opening handshake alone.
    std::size_t record_size = 0;
    bool records_during_handshake_only = false;
    // Testing a server: the highest TLS version we offer, as OpenSSL's TLS1_x_VERSION
    // (0: any); these connections may fail by design, the case's `adjust` judges that.
    int max_version = 0;
};

struct Case {
    std::string id;                // Autobahn's ID verbatim, "6.4.1"
    std::string title;             // one line, our words
    std::string description;       // Autobahn's DESCRIPTION (HTML stripped), what is sent
    std::string expectation;       // Autobahn's EXPECTATION, what the peer must do
    std::vector<std::string> rfc;  // sections checked, e.g. {"RFC 6455 5.5", "RFC 6455 5.5.2"}
    std::string requirement;       // the rule, restated in our own words
    Level level = Level::must;

    // The WebSocket script; section 14's raw-HTTP probe (harness/model/http_script.h) of a
    // server (HttpServerProbe) or of a client (HttpClientProbe); or section 17's HTTP/2 probe
    // of a server (H2ServerProbe, harness/model/h2_script.h) or of a client (H2ClientProbe,
    // harness/model/h2_client_script.h). A probe tested in the role it is not for is reported
    // as not applicable (UNIMPLEMENTED) without a connection.
    std::variant<WebSocketScript, HttpServerProbe, HttpClientProbe, H2ServerProbe, H2ClientProbe>
        script;

    TlsNeeds tls;

    // Section 15: the probe can crash a vulnerable peer. It runs alone, and the peer is checked
    // afterwards (harness/model/limits.h); its result text says what it sent and received.
    bool can_crash_peer = false;

    // The script of each kind, or nullptr when the case has another.
    const WebSocketScript* websocket() const noexcept {
        return std::get_if<WebSocketScript>(&script);
    }
    const HttpServerProbe* http_server_probe() const noexcept {
        return std::get_if<HttpServerProbe>(&script);
    }
    const HttpClientProbe* http_client_probe() const noexcept {
        return std::get_if<HttpClientProbe>(&script);
    }
    const H2ServerProbe* h2_server_probe() const noexcept {
        return std::get_if<H2ServerProbe>(&script);
    }
    const H2ClientProbe* h2_client_probe() const noexcept {
        return std::get_if<H2ClientProbe>(&script);
    }
    // A section 14 case: raw HTTP/1.1, for one role.
    bool is_handshake_case() const noexcept {
        return http_server_probe() != nullptr || http_client_probe() != nullptr;
    }
    // A section 17 case: HTTP/2, for one role.
    bool is_h2_case() const noexcept {
        return h2_server_probe() != nullptr || h2_client_probe() != nullptr;
    }
    // The case tests one role only (sections 14, 16, 17); runs leave out those of the other.
    bool for_clients_only() const noexcept {
        return http_client_probe() || h2_client_probe() || tls.clients_only;
    }
    bool for_servers_only() const noexcept {
        return http_server_probe() || h2_server_probe() || tls.servers_only;
    }
};

}  // namespace wsconform::harness
