#include "cli/security_options.h"

#include <chrono>

#include "cli/options.h"

namespace wsconform::cli {

namespace {
constexpr NumberRange kSlowConnections{1, 256};
constexpr NumberRange kSlowDeadline{1, 600, "s"};
constexpr NumberRange kRedosRatio{2, 1000};
}  // namespace

void add_allowed_origin_option(CLI::App& sub, std::vector<std::string>& origins) {
    sub.add_option("--allowed-origin", origins,
                   "an Origin the server accepts, scheme://host[:port] (repeatable): the "
                   "policy 15.5 checks; without it the Origin cases are informational");
}

void add_security_options(CLI::App& sub, SecurityOptions& o) {
    add_allowed_origin_option(sub, o.allowed_origins);
    add_whole_option(sub, "--slowloris-connections", o.slowloris_connections, kSlowConnections,
                     "15.4.4: slow connections opened at once")
        ->capture_default_str();
    add_number_option(sub, "--slowloris-deadline", o.slowloris_deadline_s, kSlowDeadline,
                      "15.4.4: seconds within which the server must close each slow "
                      "connection")
        ->capture_default_str();
    add_number_option(sub, "--redos-ratio", o.redos_ratio, kRedosRatio,
                      "15.4.5-6: a 4x longer header taking this many times longer fails")
        ->capture_default_str();
}

void check_origins(const std::vector<std::string>& origins) {
    for (const auto& origin : origins) {
        const auto sep = origin.find("://");
        const bool ok =
            origin == "null" || (sep != std::string::npos && sep > 0 && origin.size() > sep + 3 &&
                                 origin.find('/', sep + 3) == std::string::npos);
        if (!ok)
            throw UsageError("--allowed-origin " + origin +
                             ": expected scheme://host[:port] (no path) or null");
    }
}

harness::SecuritySettings security_settings_from(const SecurityOptions& o) {
    check_origins(o.allowed_origins);
    harness::SecuritySettings s;
    s.allowed_origins = o.allowed_origins;
    s.slowloris_connections = o.slowloris_connections;
    s.slowloris_deadline =
        std::chrono::milliseconds(static_cast<long>(o.slowloris_deadline_s * 1000));
    s.redos_ratio = o.redos_ratio;
    return s;
}

}  // namespace wsconform::cli
