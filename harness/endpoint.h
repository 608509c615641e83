// ws:// URLs and the address a run talks to.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wsconform::harness {

struct Endpoint {
    bool secure = false;  // wss:// (not supported yet: refused with a clear error)
    std::string host;     // as written, without brackets
    std::uint16_t port = 80;
    std::string target = "/";  // path and query
    std::string host_header;   // "host:port" as sent in Host
    std::string url;           // normalized ws://host:port/target
};

// Parses ws://host[:port][/path][?query]. On failure returns nothing and sets `error` to one
// line saying what is wrong.
std::optional<Endpoint> parse_ws_url(std::string_view url, std::string& error);

// Parses "host:port" (IPv4, a name, or [IPv6]:port) for --listen. Port 0 = ephemeral.
bool parse_listen_address(std::string_view text, std::string& host, std::uint16_t& port,
                          std::string& error);

}  // namespace wsconform::harness
