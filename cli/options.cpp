#include "cli/options.h"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "protocol/http.h"

#include "cli/case_selection.h"
#include "cli/run_report.h"

namespace wsconform::cli {

Command subcommand(CLI::App* sub, std::function<int()> run) {
    return {[sub] { return sub->parsed(); }, std::move(run)};
}

void add_color_option(CLI::App& sub, std::string& color) {
    sub.add_option("--color", color, "auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
}

bool want_color(const std::string& mode) {
    if (mode == "never") return false;
    if (mode == "always") return true;
    if (std::getenv("NO_COLOR") != nullptr) return false;
    return isatty(STDOUT_FILENO) != 0;
}

void add_case_options(CLI::App& sub, CaseSelection& selection, const std::string& verb) {
    sub.add_option("--cases", selection.cases, "case ID patterns to " + verb + " (Autobahn globs)");
    sub.add_option("--exclude", selection.exclude, "case ID patterns to leave out");
}

void add_profile_option(CLI::App& sub, std::string& profile) {
    sub.add_option("--profile", profile,
                   "echo: every case (the peer echoes); protocol: only the cases judged on how "
                   "the peer fails or closes, for endpoints that do not echo")
        ->check(CLI::IsMember({"echo", "protocol"}))
        ->capture_default_str();
}

cases::Profile parse_profile_option(const std::string& profile) {
    if (const auto p = cases::parse_profile(profile)) return *p;
    throw UsageError("--profile '" + profile + "': expected echo or protocol");
}

void add_verdict_options(CLI::App& sub, ReportOptions& report) {
    sub.add_flag("--strict", report.strict, "NON-STRICT and INFORMATIONAL count as failures");
    sub.add_flag("--quiet,-q", report.quiet, "print only the summary");
    sub.add_option("--baseline", report.baseline,
                   "an earlier index.json or report folder: only regressions fail");
    add_color_option(sub, report.color);
}

void add_request_header_options(CLI::App& sub, RequestHeaderOptions& o) {
    sub.add_option("--header,-H", o.headers,
                   "'Name: value' sent with every upgrade request (repeatable); the values of "
                   "Authorization, Cookie and Proxy-Authorization never reach a report");
    sub.add_option("--origin", o.origin, "Origin header of every upgrade request");
    sub.add_option("--subprotocol", o.subprotocols,
                   "subprotocol to offer (repeatable or a comma list; one "
                   "Sec-WebSocket-Protocol header)");
}

namespace {

// `text` for a one-line message: control octets (a CR LF someone typed) shown as '?'.
std::string printable(std::string text) {
    for (auto& c : text)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return text;
}

}  // namespace

std::vector<std::string> request_header_lines(const RequestHeaderOptions& o) {
    // The headers of the handshake itself: each case sets them (RFC 6455 4.1).
    static constexpr std::string_view kOwn[] = {"Host",
                                                "Upgrade",
                                                "Connection",
                                                "Sec-WebSocket-Key",
                                                "Sec-WebSocket-Version",
                                                "Sec-WebSocket-Extensions"};
    std::vector<std::string> lines;
    for (const auto& line : o.headers) {
        if (const auto problem = protocol::header_line_problem(line); !problem.empty())
            throw UsageError("--header '" + printable(line) + "': " + problem);
        const auto name = protocol::header_line_name(line);
        for (const auto own : kOwn)
            if (protocol::iequals(name, own))
                throw UsageError("--header '" + std::string(name) +
                                 "': wsconform sets this header itself");
        if (protocol::iequals(name, "Origin"))
            throw UsageError("--header 'Origin': give it with --origin");
        if (protocol::iequals(name, "Sec-WebSocket-Protocol"))
            throw UsageError("--header 'Sec-WebSocket-Protocol': give it with --subprotocol");
        lines.push_back(line);
    }
    if (!o.origin.empty()) {
        const std::string line = "Origin: " + o.origin;
        if (!protocol::header_line_problem(line).empty())
            throw UsageError("--origin '" + printable(o.origin) + "': CR, LF or a control octet");
        lines.push_back(line);
    }
    std::vector<std::string> protocols;
    for (const auto& given : o.subprotocols) {
        std::string_view rest = given;
        for (;;) {
            const auto comma = rest.find(',');
            // (the "name" of a line without a colon is the line, OWS trimmed)
            const auto name = protocol::header_line_name(rest.substr(0, comma));
            if (!protocol::is_token(name))
                throw UsageError("--subprotocol '" + printable(given) + "': '" +
                                 printable(std::string(name)) + "' is not a token (RFC 6455 4.1)");
            if (std::find(protocols.begin(), protocols.end(), name) != protocols.end())
                throw UsageError("--subprotocol '" + std::string(name) + "' given twice");
            protocols.emplace_back(name);
            if (comma == std::string_view::npos) break;
            rest.remove_prefix(comma + 1);
        }
    }
    if (!protocols.empty()) {
        std::string line = "Sec-WebSocket-Protocol: ";
        for (std::size_t i = 0; i < protocols.size(); ++i) line += (i ? ", " : "") + protocols[i];
        lines.push_back(std::move(line));
    }
    return lines;
}

harness::Endpoint parse_url(const std::string& url) {
    std::string error;
    auto endpoint = harness::parse_ws_url(url, error);
    if (!endpoint) throw UsageError(error);
    return *endpoint;
}

harness::Endpoint parse_live_fuzz_url(const std::string& url) {
    auto endpoint = parse_url(url);
    if (endpoint.secure) throw UsageError("wss:// is not supported by the live fuzzer yet");
    return endpoint;
}

void add_answer_timeout_option(CLI::App& sub, double& seconds, const std::string& help) {
    sub.add_option("--timeout", seconds, help)
        ->check(CLI::Range(0.05, 600.0))
        ->capture_default_str();
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

void parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    std::string error;
    if (!harness::parse_listen_address(text, host, port, error)) throw UsageError(error);
}

std::string listening_url(const std::string& host, std::uint16_t port) {
    const bool v6 = host.find(':') != std::string::npos;
    return "ws://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace wsconform::cli
