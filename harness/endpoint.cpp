#include "harness/endpoint.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace wsconform::harness {

namespace {

bool parse_port(std::string_view text, std::uint16_t& port, bool allow_zero) {
    if (text.empty() || text.size() > 5) return false;
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || ptr != text.data() + text.size()) return false;
    if (value > 65535 || (value == 0 && !allow_zero)) return false;
    port = static_cast<std::uint16_t>(value);
    return true;
}

bool valid_host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_';
}

// Splits "host", "host:port" or "[v6]:port"; `port_text` empty when absent.
bool split_host_port(std::string_view text, std::string& host, std::string_view& port_text,
                     std::string& error) {
    if (text.starts_with('[')) {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            error = "unclosed '[' in host";
            return false;
        }
        host = std::string(text.substr(1, close - 1));
        auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest[0] != ':') {
                error = "expected ':' after ']'";
                return false;
            }
            port_text = rest.substr(1);
            if (port_text.empty()) {
                error = "empty port";
                return false;
            }
        }
        if (host.empty() ||
            host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) {
            error = "invalid IPv6 address '" + host + "'";
            return false;
        }
        return true;
    }
    auto colon = text.rfind(':');
    if (colon != std::string_view::npos) {
        host = std::string(text.substr(0, colon));
        port_text = text.substr(colon + 1);
        if (port_text.empty()) {
            error = "empty port";
            return false;
        }
    } else {
        host = std::string(text);
    }
    if (host.empty()) {
        error = "missing host";
        return false;
    }
    for (char c : host) {
        if (!valid_host_char(c)) {
            error = "invalid character in host '" + host + "'";
            return false;
        }
    }
    return true;
}

}  // namespace

std::optional<Endpoint> parse_ws_url(std::string_view url, std::string& error) {
    Endpoint ep;
    std::string_view rest;
    if (url.starts_with("ws://")) {
        rest = url.substr(5);
    } else if (url.starts_with("wss://")) {
        rest = url.substr(6);
        ep.secure = true;
        ep.port = 443;  // RFC 6455 §11.1.2
    } else {
        error = "invalid URL '" + std::string(url) + "': it must start with ws:// or wss://";
        return std::nullopt;
    }
    auto slash = rest.find_first_of("/?#");
    std::string_view authority = rest.substr(0, slash);
    std::string_view path =
        slash == std::string_view::npos ? std::string_view{} : rest.substr(slash);
    if (authority.find('@') != std::string_view::npos) {
        error = "invalid URL '" + std::string(url) + "': user info is not supported";
        return std::nullopt;
    }
    std::string_view port_text;
    std::string why;
    if (!split_host_port(authority, ep.host, port_text, why)) {
        error = "invalid URL '" + std::string(url) + "': " + why;
        return std::nullopt;
    }
    if (!port_text.empty() && !parse_port(port_text, ep.port, false)) {
        error = "invalid URL '" + std::string(url) + "': bad port '" + std::string(port_text) + "'";
        return std::nullopt;
    }
    if (auto hash = path.find('#'); hash != std::string_view::npos) {
        error = "invalid URL '" + std::string(url) + "': fragments are not allowed (RFC 6455 3)";
        return std::nullopt;
    }
    ep.target = path.empty() ? "/" : std::string(path);
    if (ep.target[0] == '?') ep.target = "/" + ep.target;
    for (char c : ep.target) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            error =
                "invalid URL '" + std::string(url) + "': whitespace or control character in path";
            return std::nullopt;
        }
    }
    // RFC 6455 §4.1: Host names the port only when it is not the scheme's default.
    const bool v6 = ep.host.find(':') != std::string::npos;
    const std::string host = v6 ? "[" + ep.host + "]" : ep.host;
    const std::string host_port = host + ":" + std::to_string(ep.port);
    ep.host_header = ep.port == (ep.secure ? 443 : 80) ? host : host_port;
    ep.url = (ep.secure ? "wss://" : "ws://") + host_port + ep.target;
    return ep;
}

bool parse_listen_address(std::string_view text, std::string& host, std::uint16_t& port,
                          std::string& error) {
    std::string_view port_text;
    std::string why;
    if (!split_host_port(text, host, port_text, why)) {
        error = "invalid listen address '" + std::string(text) + "': " + why;
        return false;
    }
    if (port_text.empty()) {
        error = "invalid listen address '" + std::string(text) + "': expected HOST:PORT";
        return false;
    }
    if (!parse_port(port_text, port, true)) {
        error = "invalid listen address '" + std::string(text) + "': bad port '" +
                std::string(port_text) + "'";
        return false;
    }
    return true;
}

namespace {

std::string percent_decoded(std::string_view in) {
    std::string out;
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '%' && i + 2 < in.size() &&
            std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
            out.push_back(
                static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

const char* environment(const char* lower, const char* upper) {
    const char* value = std::getenv(lower);
    if (!value || !*value) value = std::getenv(upper);
    return value && *value ? value : nullptr;
}

bool is_loopback(std::string_view host) {
    if (host == "localhost" || host.ends_with(".localhost") || host == "::1") return true;
    return host.starts_with("127.") && host.find_first_not_of("0123456789.") == std::string::npos;
}

}  // namespace

std::string ProxyUrl::name() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<ProxyUrl> parse_proxy_url(std::string_view url, std::string& error) {
    std::string_view rest = url;
    if (rest.starts_with("http://")) {
        rest.remove_prefix(7);
    } else if (rest.find("://") != std::string_view::npos) {
        error = "proxy: only http:// proxies (HTTP CONNECT) are supported";
        return std::nullopt;
    }
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (rest.substr(slash) != "/") {
            error = "proxy: a proxy URL has no path";
            return std::nullopt;
        }
        rest = rest.substr(0, slash);
    }
    ProxyUrl proxy;
    if (auto at = rest.rfind('@'); at != std::string_view::npos) {
        const auto userinfo = rest.substr(0, at);
        const auto colon = userinfo.find(':');
        proxy.user = percent_decoded(userinfo.substr(0, colon));
        if (colon != std::string_view::npos)
            proxy.password = percent_decoded(userinfo.substr(colon + 1));
        rest = rest.substr(at + 1);
    }
    std::string_view port_text;
    std::string why;
    if (!split_host_port(rest, proxy.host, port_text, why)) {
        error = "proxy: " + why;
        return std::nullopt;
    }
    if (!port_text.empty() && !parse_port(port_text, proxy.port, false)) {
        error = "proxy: bad port '" + std::string(port_text) + "'";
        return std::nullopt;
    }
    return proxy;
}

bool bypasses_proxy(std::string_view host, std::string_view no_proxy) {
    if (is_loopback(host)) return true;
    while (!no_proxy.empty()) {
        const auto comma = no_proxy.find(',');
        std::string_view entry = no_proxy.substr(0, comma);
        no_proxy =
            comma == std::string_view::npos ? std::string_view{} : no_proxy.substr(comma + 1);
        while (!entry.empty() && entry.front() == ' ') entry.remove_prefix(1);
        while (!entry.empty() && entry.back() == ' ') entry.remove_suffix(1);
        if (entry.empty()) continue;
        if (entry == "*") return true;
        if (entry.front() == '.') entry.remove_prefix(1);
        if (host == entry) return true;
        if (host.size() > entry.size() && host.ends_with(entry) &&
            host[host.size() - entry.size() - 1] == '.')
            return true;
    }
    return false;
}

std::string proxy_from_environment(const Endpoint& endpoint) {
    const char* no_proxy = environment("no_proxy", "NO_PROXY");
    if (bypasses_proxy(endpoint.host, no_proxy ? no_proxy : "")) return {};
    const char* proxy = endpoint.secure ? environment("https_proxy", "HTTPS_PROXY")
                                        : environment("http_proxy", "HTTP_PROXY");
    if (!proxy) proxy = environment("all_proxy", "ALL_PROXY");
    return proxy ? proxy : "";
}

}  // namespace wsconform::harness
