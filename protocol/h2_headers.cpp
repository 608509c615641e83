#include "protocol/h2_headers.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "protocol/http.h"

namespace wsconform::protocol {

namespace {

class H2HeaderCategory final : public std::error_category {
  public:
    const char* name() const noexcept override { return "rfc8441"; }
    std::string message(int value) const override {
        using E = H2HeaderError;
        switch (static_cast<E>(value)) {
            case E::not_connect:
                return "the request's :method is not CONNECT (RFC 8441 §4)";
            case E::missing_protocol:
                return "the CONNECT request has no :protocol pseudo-header (RFC 8441 §4)";
            case E::duplicate_protocol:
                return "the :protocol pseudo-header appears more than once (RFC 9113 §8.3)";
            case E::protocol_not_websocket:
                return "the :protocol pseudo-header is not \"websocket\" (RFC 8441 §5)";
            case E::missing_scheme:
                return "an extended CONNECT without :scheme (RFC 8441 §4)";
            case E::missing_path:
                return "an extended CONNECT without :path (RFC 8441 §4)";
            case E::missing_authority:
                return "an extended CONNECT without :authority (RFC 8441 §4, RFC 9113 §8.3.1)";
            case E::connection_specific:
                return "a connection-specific header field (Connection, Upgrade, ...) over "
                       "HTTP/2 (RFC 9113 §8.2.2, RFC 8441 §5)";
            case E::key_present:
                return "sec-websocket-key is not used over HTTP/2 (RFC 8441 §5)";
            case E::missing_version:
                return "no sec-websocket-version (RFC 8441 §5, RFC 6455 §4.1)";
            case E::unsupported_version:
                return "sec-websocket-version is not 13 (RFC 6455 §4.1)";
            case E::malformed_extensions:
                return "malformed sec-websocket-extensions (RFC 6455 §9.1)";
            case E::malformed_protocols:
                return "malformed sec-websocket-protocol (RFC 6455 §4.1)";
            case E::missing_status:
                return "the response has no :status (RFC 9113 §8.3.2)";
            case E::status_not_2xx:
                return "the server did not answer the extended CONNECT with a 2xx (RFC 8441 §5)";
            case E::protocol_not_offered:
                return "the server chose a subprotocol we did not offer (RFC 6455 §4.1)";
            case E::extension_not_offered:
                return "the server chose an extension we did not offer (RFC 6455 §4.1)";
        }
        return "unknown RFC 8441 header error";
    }
};

// The fields RFC 9113 §8.2.2 forbids, and those with no meaning over HTTP/2 (Host is
// :authority; the key and its accept value belong to the HTTP/1.1 upgrade).
constexpr std::array<std::string_view, 7> kNotOverH2{
    "connection",        "upgrade", "keep-alive",       "proxy-connection",
    "transfer-encoding", "host",    "sec-websocket-key"};

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// A comma-separated list of tokens, each once (RFC 6455 §4.1 requirement 10).
bool parse_protocols(std::string_view value, std::vector<std::string>& out) {
    std::size_t start = 0;
    while (start <= value.size()) {
        auto end = value.find(',', start);
        if (end == std::string_view::npos) end = value.size();
        auto item = value.substr(start, end - start);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!is_token(item)) return false;
        if (std::find(out.begin(), out.end(), item) != out.end()) return false;
        out.emplace_back(item);
        start = end + 1;
    }
    return !out.empty();
}

// All values of `name` joined with ", " (RFC 9110 §5.3).
std::string combined(const H2Fields& fields, std::string_view name) {
    std::string out;
    for (const auto& f : fields) {
        if (f.name != name) continue;
        if (!out.empty()) out += ", ";
        out += f.value;
    }
    return out;
}

}  // namespace

const std::error_category& h2_header_category() noexcept {
    static const H2HeaderCategory category;
    return category;
}

std::optional<std::string_view> find_field(const H2Fields& fields, std::string_view name) {
    for (const auto& f : fields)
        if (f.name == name) return f.value;
    return std::nullopt;
}

std::size_t count_fields(const H2Fields& fields, std::string_view name) {
    return static_cast<std::size_t>(std::count_if(
        fields.begin(), fields.end(), [&](const H2Field& f) { return f.name == name; }));
}

H2Fields build_extended_connect(std::string_view scheme, std::string_view authority,
                                std::string_view path, std::span<const std::string> extra_headers) {
    H2Fields fields{{":method", "CONNECT"},
                    {":protocol", "websocket"},
                    {":scheme", std::string(scheme)},
                    {":path", std::string(path)},
                    {":authority", std::string(authority)},
                    {"sec-websocket-version", "13"}};
    for (const auto& line : extra_headers) {
        auto name = lower(header_line_name(line));
        if (name.empty() || name == "sec-websocket-version" ||
            std::find(kNotOverH2.begin(), kNotOverH2.end(), name) != kNotOverH2.end())
            continue;
        fields.push_back({std::move(name), std::string(header_line_value(line))});
    }
    return fields;
}

std::error_code check_extended_connect(const H2Fields& request, UpgradeRequest& out) {
    using E = H2HeaderError;
    if (find_field(request, ":method") != "CONNECT") return E::not_connect;
    const auto protocols = count_fields(request, ":protocol");
    if (protocols == 0) return E::missing_protocol;
    if (protocols > 1) return E::duplicate_protocol;
    if (find_field(request, ":protocol") != "websocket") return E::protocol_not_websocket;
    if (!find_field(request, ":scheme")) return E::missing_scheme;
    const auto path = find_field(request, ":path");
    if (!path || path->empty()) return E::missing_path;
    const auto authority = find_field(request, ":authority");
    if (!authority || authority->empty()) return E::missing_authority;
    for (const auto& f : request) {
        if (f.name == "sec-websocket-key") return E::key_present;
        if (f.name != "host" &&
            std::find(kNotOverH2.begin(), kNotOverH2.end(), f.name) != kNotOverH2.end())
            return E::connection_specific;
    }
    if (count_fields(request, "sec-websocket-version") == 0) return E::missing_version;
    if (combined(request, "sec-websocket-version") != "13") return E::unsupported_version;
    std::vector<std::string> subprotocols;
    if (count_fields(request, "sec-websocket-protocol") > 0 &&
        !parse_protocols(combined(request, "sec-websocket-protocol"), subprotocols))
        return E::malformed_protocols;
    std::vector<Extension> extensions;
    if (count_fields(request, "sec-websocket-extensions") > 0 &&
        parse_extensions(combined(request, "sec-websocket-extensions"), extensions))
        return E::malformed_extensions;
    out.target = std::string(*path);
    out.host = std::string(*authority);
    out.key.clear();
    out.protocols = std::move(subprotocols);
    out.extensions = std::move(extensions);
    if (auto origin = find_field(request, "origin"))
        out.origin = std::string(*origin);
    else
        out.origin.reset();
    return {};
}

std::error_code check_extended_connect_response(const H2Fields& response,
                                                std::span<const std::string> offered_protocols,
                                                std::span<const std::string> offered_extensions,
                                                UpgradeResponse& out) {
    using E = H2HeaderError;
    const auto status = find_field(response, ":status");
    if (!status) return E::missing_status;
    if (status->size() != 3 || status->front() != '2') return E::status_not_2xx;
    std::optional<std::string> chosen;
    if (count_fields(response, "sec-websocket-protocol") > 0) {
        chosen = combined(response, "sec-websocket-protocol");
        if (std::find(offered_protocols.begin(), offered_protocols.end(), *chosen) ==
            offered_protocols.end())
            return E::protocol_not_offered;
    }
    std::vector<Extension> extensions;
    if (count_fields(response, "sec-websocket-extensions") > 0) {
        if (parse_extensions(combined(response, "sec-websocket-extensions"), extensions))
            return E::malformed_extensions;
        for (const auto& ext : extensions)
            if (std::none_of(offered_extensions.begin(), offered_extensions.end(),
                             [&](const std::string& name) { return iequals(name, ext.name); }))
                return E::extension_not_offered;
    }
    out.protocol = std::move(chosen);
    out.extensions = std::move(extensions);
    return {};
}

std::string format_fields(const H2Fields& fields) {
    std::string out;
    for (const auto& f : fields) out.append(f.name).append(": ").append(f.value).append("\r\n");
    return out;
}

}  // namespace wsconform::protocol
