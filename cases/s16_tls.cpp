// Section 16: TLS (beyond Autobahn). Run over wss:// only (over ws:// every case is reported
// as not applicable, without a connection).
//   16.1 certificates a client must refuse, and what its ClientHello says (testing clients);
//   16.2 record layouts and the TLS end of a connection (both roles);
//   16.3 a server's TLS configuration: old versions, client-initiated renegotiation (testing
//        servers; informational).
// How 16.1's certificates reach their connections: harness/fuzzing_server.cpp (the case a
// sequential driver asks for next gets its certificate; a refused handshake is its pass).
#include <openssl/tls1.h>

#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"
#include "harness/model/judge.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;
using harness::CertificateFlaw;
using harness::Observation;
using harness::TlsNeeds;
using harness::Verdict;

namespace {

constexpr std::string_view kGreeting = "Hello, wsconform";

void set_both(Verdict& v, Behavior b, std::string text) {
    v.behavior = v.behavior_close = b;
    v.result = v.result_close = std::move(text);
}

// Nothing to send: the case is judged on how the connection opened and closes.
void open_then_close(Session& s) {
    s.expect(Behavior::ok, {});
    s.expect_close(we_close_normally());
    s.send_close(1000);
    s.kill_after(5s);
}

// A case with nothing to send: opened, closed normally, and judged by `adjust` on what TLS
// showed.
Case judged_on_tls(Case header, std::function<void(const Observation&, Verdict&)> adjust,
                   TlsNeeds tls) {
    header.script = WebSocketScript{.on_open = open_then_close, .adjust = std::move(adjust)};
    header.tls = tls;
    return header;
}

// 16.1.7: RFC 6455 §4.1 asks for SNI; RFC 6066 §3 forbids it for an address.
void judge_sni(const Observation& o, Verdict& v) {
    if (!o.was_open) return;
    const auto& t = o.tls;
    const bool by_address = t.expected_name.empty() ||
                            t.expected_name.find_first_not_of("0123456789.:") == std::string::npos;
    if (by_address)
        set_both(v, Behavior::unimplemented,
                 "Not applicable: the client's request names the host " + t.expected_name +
                     ", an address (no SNI expected).");
    else if (t.server_name.empty())
        set_both(v, Behavior::failed,
                 "The client sent no SNI for the host " + t.expected_name + ".");
    else if (t.server_name != t.expected_name)
        set_both(v, Behavior::failed,
                 "The client's SNI is " + t.server_name + ", its request names " + t.expected_name +
                     ".");
    else
        v.result = "The client sent SNI " + t.server_name + ".";
}

// 16.1.8: what the client offered, as information.
void record_alpn(const Observation& o, Verdict& v) {
    if (!o.was_open) return;
    std::string list;
    for (const auto& p : o.tls.alpn_offered) list += (list.empty() ? "" : ", ") + p;
    set_both(
        v, Behavior::informational,
        list.empty() ? "The client offered no ALPN." : "The client offered ALPN: " + list + ".");
}

// Echo `kGreeting` and close normally: the cases of 16.2 whose point is the record layout.
void echo_greeting(Session& s) {
    s.expect(Behavior::ok, {harness::text_message(std::string(kGreeting))});
    s.expect_close(we_close_normally());
    s.send_message(std::string(kGreeting), false);
    s.kill_after(10s);
}

Case certificate_case(int n, CertificateFlaw flaw, std::string title, std::string what) {
    return Case{
        .id = "16.1." + std::to_string(n),
        .title = std::move(title),
        .description = "Testing a client: the TLS handshake presents a certificate that is " +
                       what +
                       ". The client-testing server chooses it for the connection the "
                       "driver opens for this case.",
        .expectation =
            "The client refuses the certificate and never opens the WebSocket "
            "connection. A client that opens it fails the case.",
        .rfc = {"RFC 6455 4.1", "RFC 5280 6.1", "RFC 6125 6"},
        .requirement =
            "A client MUST fail the WebSocket connection when the server's "
            "certificate cannot be verified: a trusted issuer, validity now, the "
            "URL's host named, an end-entity certificate.",
        .script =
            WebSocketScript{
                .on_open =
                    [what](Session& s) {
                        // No expectation: nothing the client does here can pass the case.
                        s.expect_close(we_close_normally());
                        s.set_result(Behavior::failed,
                                     "The client opened the WebSocket connection over a "
                                     "certificate that is " +
                                         what + ": it must fail the connection.");
                        s.send_close(1000);
                        s.kill_after(2s);
                    },
            },
        .tls = TlsNeeds{.required = true, .clients_only = true, .certificate = flaw},
    };
}

Case record_case(std::string id, std::string title, std::string description,
                 std::function<void(Session&)> on_open, TlsNeeds tls,
                 std::function<void(const Observation&, Verdict&)> adjust = {},
                 Level level = Level::must) {
    return Case{
        .id = std::move(id),
        .title = std::move(title),
        .description = std::move(description),
        .expectation = "The peer echoes the message and the connection closes normally (1000).",
        .rfc = {"RFC 6455 5.1", "RFC 8446 5.1"},
        .requirement =
            "A record boundary means nothing to the byte stream it carries: frames "
            "and the HTTP handshake are parsed across and within records.",
        .level = level,
        .script = WebSocketScript{.on_open = std::move(on_open), .adjust = std::move(adjust)},
        .tls = tls,
    };
}

// The TCP connection was made and the TLS handshake failed: an alert, or (as asyncio servers
// do) a close or reset without one. Not a server that is down or never answered.
bool refused_during_tls_handshake(const std::string& error) {
    if (!error.starts_with("connect failed: ")) return false;
    for (const char* sign : {"TLS", "End of file", "reset by peer"})
        if (error.find(sign) != std::string::npos) return true;
    return false;
}

// 16.3.1, 16.3.2: a handshake offering only an old TLS version.
Case old_version_case(int n, int version, std::string name) {
    return Case{
        .id = "16.3." + std::to_string(n),
        .title = "Server accepts " + name,
        .description = "Testing a server: a TLS handshake offering " + name + " only.",
        .expectation = "Informational: whether the server accepts " + name +
                       " (deprecated by RFC 8996). A refused handshake is OK.",
        .rfc = {"RFC 8996 2", "RFC 6455 10.6"},
        .requirement = "TLS 1.0 and 1.1 MUST NOT be negotiated (RFC 8996).",
        .level = Level::informational,
        .script =
            WebSocketScript{
                .on_open = open_then_close,
                .adjust =
                    [name](const Observation& o, Verdict& v) {
                        if (o.was_open) {
                            set_both(v, Behavior::informational,
                                     "The server accepted " + name + " (" + o.tls.version + ", " +
                                         o.tls.cipher + ").");
                        } else if (refused_during_tls_handshake(o.harness_error)) {
                            set_both(v, Behavior::ok,
                                     "The server refused " + name + ": " + o.harness_error);
                        }
                    },
            },
        .tls = TlsNeeds{.required = true, .servers_only = true, .max_version = version},
    };
}

}  // namespace

std::vector<Case> section16_tls() {
    std::vector<Case> out;
    using F = CertificateFlaw;

    // ---- 16.1 certificates (testing clients)
    out.push_back(certificate_case(1, F::untrusted_issuer, "Certificate from an untrusted CA",
                                   "issued for the right name by a CA the client was not told "
                                   "to trust"));
    out.push_back(certificate_case(2, F::self_signed, "Self-signed certificate",
                                   "self-signed, for the right name"));
    out.push_back(certificate_case(3, F::expired, "Expired certificate",
                                   "issued by the trusted CA for the right name, expired "
                                   "yesterday"));
    out.push_back(certificate_case(4, F::not_yet_valid, "Certificate not yet valid",
                                   "issued by the trusted CA for the right name, valid from "
                                   "tomorrow"));
    out.push_back(certificate_case(5, F::wrong_name, "Certificate for another name",
                                   "issued by the trusted CA for wrong-name.invalid only"));
    out.push_back(certificate_case(6, F::ca_as_leaf, "A CA certificate as the leaf",
                                   "a CA certificate (basicConstraints CA:TRUE, key usage "
                                   "keyCertSign and cRLSign only) issued by the trusted CA for "
                                   "the right name"));
    const TlsNeeds client_hello{.required = true, .clients_only = true};
    out.push_back(judged_on_tls(
        {.id = "16.1.7",
         .title = "Client sends SNI for a DNS name",
         .description = "Testing a client: the ClientHello of a connection to a URL whose host "
                        "is a DNS name.",
         .expectation = "Its server_name extension names the URL's host. A client connecting "
                        "by IP address needs none: not applicable.",
         .rfc = {"RFC 6455 4.1", "RFC 6066 3"},
         .requirement = "Clients MUST use the Server Name Indication extension in the TLS "
                        "handshake."},
        judge_sni, client_hello));
    out.push_back(judged_on_tls(
        {.id = "16.1.8",
         .title = "ALPN protocols the client offers",
         .description = "Testing a client: records the application protocols (ALPN) of its "
                        "ClientHello.",
         .expectation = "Informational: the list (a WebSocket client over HTTP/1.1 offers "
                        "http/1.1 or nothing).",
         .rfc = {"RFC 7301 3.1", "RFC 8441 3"},
         .requirement = "What the client offers decides whether a server may speak HTTP/2 "
                        "(RFC 8441) on the connection.",
         .level = Level::informational},
        record_alpn, client_hello));

    // ---- 16.2 record layouts (both roles)
    out.push_back(record_case(
        "16.2.1", "Every byte in a TLS record of its own",
        "Our TLS records carry one byte each, for the whole connection: the opening handshake, "
        "a text message '" +
            std::string(kGreeting) + "', the closing handshake.",
        echo_greeting, {.required = true, .record_size = 1}));
    out.push_back(record_case(
        "16.2.2", "One frame across many TLS records",
        "A 4096-octet binary message in one frame, sent in TLS records of 31 bytes (133 records).",
        [](Session& s) {
            const std::string payload = octets(4096);
            s.expect(Behavior::ok, {harness::binary_message(payload)});
            s.expect_close(we_close_normally());
            s.send_message(payload, true);
            s.kill_after(10s);
        },
        {.required = true, .record_size = 31}));
    out.push_back(record_case(
        "16.2.3", "Opening handshake split across TLS records",
        "Our HTTP opening handshake (request or 101 response) in one-byte TLS records, then "
        "normal records: a text message '" +
            std::string(kGreeting) + "'.",
        echo_greeting,
        {.required = true, .record_size = 1, .records_during_handshake_only = true}));
    out.push_back(Case{
        .id = "16.2.4",
        .title = "Close frame and close_notify in the same read",
        .description = "We send a Close frame (1000) and TLS close_notify in one TCP write, so "
                       "the peer reads both at once.",
        .expectation = "The peer answers with its own Close frame (1000): the closing handshake "
                       "is clean. Over TLS 1.2, where close_notify may end the peer's sending "
                       "at once, a missing Close answer is NON-STRICT.",
        .rfc = {"RFC 6455 5.5.1", "RFC 6455 7.1.1", "RFC 8446 6.1"},
        .requirement = "An endpoint that receives a Close frame MUST send one in response; "
                       "the close_notify behind it does not change what the frame said.",
        .script = WebSocketScript{
            .on_open =
                [](Session& s) {
                    s.expect(Behavior::ok, {});
                    s.expect_close(we_close_normally());
                    s.send_close_and_end(1000);
                    s.kill_after(5s);
                },
            .adjust =
                [](const Observation& o, Verdict& v) {
                    if (v.behavior_close != Behavior::ok && o.was_open &&
                        o.tls.version != "TLSv1.3") {
                        v.behavior_close = Behavior::non_strict;
                        v.result_close += " (over " + o.tls.version +
                                          ", close_notify may end the peer's sending)";
                    }
                },
        },
        .tls = TlsNeeds{.required = true},
    });
    out.push_back(Case{
        .id = "16.2.5",
        .title = "close_notify after the closing handshake",
        .description = "Testing a server: a normal closing handshake (1000), then we watch how "
                       "the server ends TLS before it closes TCP.",
        .expectation = "The server sends close_notify before its FIN. Without it: NON-STRICT.",
        .rfc = {"RFC 6455 7.1.1", "RFC 8446 6.1"},
        .requirement = "The TLS session SHOULD be closed cleanly: close_notify before the "
                       "write side closes.",
        .level = Level::should,
        .script =
            WebSocketScript{
                .on_open = open_then_close,
                .adjust =
                    [](const Observation& o, Verdict& v) {
                        if (o.tls.alpn == "h2") {
                            // RFC 8441 §5: the server ends the WebSocket with END_STREAM; the
                            // TLS connection is the HTTP/2 connection's and outlives it.
                            v.behavior = v.behavior_close = Behavior::unimplemented;
                            v.result = v.result_close =
                                "Not applicable over HTTP/2: the server ends the WebSocket "
                                "with END_STREAM on its stream (RFC 8441 §5), not by closing "
                                "TLS; the TLS connection belongs to the HTTP/2 connection.";
                            return;
                        }
                        if (!o.was_open || v.behavior != Behavior::ok) return;
                        if (o.tls.peer_close_notify) {
                            v.result = "The server sent close_notify before closing TCP.";
                        } else {
                            v.behavior = Behavior::non_strict;
                            v.result = "The server closed TCP without close_notify.";
                        }
                    },
            },
        .tls = TlsNeeds{.required = true, .servers_only = true},
    });
    out.push_back(record_case(
        "16.2.6", "TLS 1.3 KeyUpdate in the middle of a message",
        "A text message '" + std::string(kGreeting) +
            "' in two frames, with a TLS 1.3 KeyUpdate "
            "(update_requested) between them.",
        [](Session& s) {
            if (s.tls_version() != "TLSv1.3") {
                s.set_result(Behavior::unimplemented, "Not applicable: the connection is " +
                                                          s.tls_version() +
                                                          "; KeyUpdate is TLS 1.3's.");
                s.send_close(1000);
                return;
            }
            const std::string first(kGreeting.substr(0, 7)), rest(kGreeting.substr(7));
            s.expect(Behavior::ok, {harness::text_message(std::string(kGreeting))});
            s.expect_close(we_close_normally());
            s.send_frame({.opcode = protocol::opcode::text, .payload = first, .fin = false});
            s.send_tls_key_update();
            s.send_frame({.opcode = protocol::opcode::continuation, .payload = rest});
            s.kill_after(10s);
        },
        {.required = true}));

    // ---- 16.3 a server's TLS configuration (testing servers)
    out.push_back(old_version_case(1, TLS1_VERSION, "TLS 1.0"));
    out.push_back(old_version_case(2, TLS1_1_VERSION, "TLS 1.1"));
    out.push_back(Case{
        .id = "16.3.3",
        .title = "Server accepts client-initiated renegotiation",
        .description = "Testing a server: over TLS 1.2, we start a renegotiation handshake, then "
                       "send a ping.",
        .expectation = "Informational: whether the server went through with the renegotiation "
                       "(a lever for CPU exhaustion). Refusing it, or ignoring it and answering "
                       "the ping, is OK.",
        .rfc = {"RFC 5746 4.2", "RFC 6455 10.6"},
        .requirement = "A server need not honour client-initiated renegotiation; many turn it "
                       "off.",
        .level = Level::informational,
        .script = WebSocketScript{
            .on_open =
                [](Session& s) {
                    s.start_tls_renegotiation();
                    s.send_frame({.opcode = protocol::opcode::ping, .payload = "renegotiate"});
                    s.expect(Behavior::ok, {harness::pong("renegotiate")});
                    s.expect_close(we_close_normally());
                    s.close_after(2s);
                },
            .adjust =
                [](const Observation& o, Verdict& v) {
                    if (o.tls.renegotiation_completed)
                        set_both(v, Behavior::informational,
                                 "The server accepted a client-initiated renegotiation.");
                    else if (o.tls.renegotiation_started)
                        set_both(v, Behavior::ok,
                                 "The server did not renegotiate (refused or ignored it).");
                },
        },
        .tls = TlsNeeds{.required = true, .servers_only = true, .max_version = TLS1_2_VERSION},
    });
    return out;
}

}  // namespace wsconform::cases
