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
};

// Parses ws[s]://host[:port][/path][?query]. On failure returns nothing and sets `error` to one
// line saying what is wrong.
std::optional<Endpoint> parse_ws_url(std::string_view url, std::string& error);

// Parses "host:port" (IPv4, a name, or [IPv6]:port) for --listen. Port 0 = ephemeral.
bool parse_listen_address(std::string_view text, std::string& host, std::uint16_t& port,
                          std::string& error);

}  // namespace wsconform::harness
