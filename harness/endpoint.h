// ws:// URLs and the address a run talks to.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "harness/transport/tls_fwd.h"

namespace wsconform::harness {

struct Endpoint {
    bool secure = false;  // wss://
    std::string host;     // as written, without brackets
    std::uint16_t port = 80;
    std::string target = "/";  // path and query
    std::string host_header;   // as sent in Host: "host:port", or "host" on the default port
    std::string url;           // normalized ws[s]://host:port/target

    // How to reach it (the CLI fills these in from its flags).
    transport::TlsContextPtr tls;  // wss://: verification, client certificate
    std::string tls_name;      // SNI and the name verified, when not `host` (a spec's "hostname")
    std::string connect_host;  // connect here instead of `host` (Host and SNI stay `host`)
    std::uint16_t connect_port = 0;
    // An HTTP proxy to CONNECT through, "http://[USER:PASSWORD@]HOST[:PORT]"; empty: the one
    // the environment names (proxy_from_environment), if any.
    std::string proxy;
    // WebSocket over HTTP/2 (RFC 8441, --http2): prior knowledge on ws://, ALPN "h2" on wss://.
    bool http2 = false;
};

struct ProxyUrl {
    std::string host;
    std::uint16_t port = 1080;
    std::string user, password;  // percent-decoded
    std::string name() const;    // "HOST:PORT", for messages
};

// Parses http://[USER:PASSWORD@]HOST[:PORT] (the default port is 1080, as curl's). On failure
// returns nothing and sets `error` (which never repeats the password).
std::optional<ProxyUrl> parse_proxy_url(std::string_view url, std::string& error);

// True when `host` must be reached directly: a loopback name or address, or a match in
// `no_proxy` (comma-separated: "*", a name and its subdomains, ".suffix", an address).
bool bypasses_proxy(std::string_view host, std::string_view no_proxy);

// The proxy URL the environment gives for the endpoint, as curl reads it: https_proxy
// (HTTPS_PROXY) for wss://, http_proxy (HTTP_PROXY) for ws://, else all_proxy (ALL_PROXY);
// "" when none, or when no_proxy (NO_PROXY) or loopback says to go direct.
std::string proxy_from_environment(const Endpoint& endpoint);

// Parses ws[s]://host[:port][/path][?query]. On failure returns nothing and sets `error` to one
// line saying what is wrong.
std::optional<Endpoint> parse_ws_url(std::string_view url, std::string& error);

// Parses "host:port" (IPv4, a name, or [IPv6]:port) for --listen. Port 0 = ephemeral.
bool parse_listen_address(std::string_view text, std::string& host, std::uint16_t& port,
                          std::string& error);

}  // namespace wsconform::harness
