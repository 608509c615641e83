#include "cli/options.h"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iomanip>
#include <sstream>
#include <string_view>

#include "protocol/http.h"

#include "cli/case_selection.h"
#include "cli/rerun_flags.h"
#include "cli/run_report.h"
#include "harness/runner.h"
#include "harness/transport/tls_context.h"

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
    // Once the whole command line is parsed (every option added by then).
    sub.parse_complete_callback([&sub, &report] { report.rerun_flags = rerun_flags(sub); });
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

void add_connect_options(CLI::App& sub, ConnectOptions& connect) {
    sub.add_option("--cafile", connect.cafile,
                   "wss://: trust the certificates in this PEM file instead of the system's");
    sub.add_flag("--insecure", connect.insecure,
                 "wss://: do not verify the server's certificate (the report says so)");
    sub.add_option("--client-cert", connect.client_cert,
                   "wss://: PEM certificate (chain) to present when the server asks for one");
    sub.add_option("--client-key", connect.client_key,
                   "PEM private key of --client-cert (default: the same file)");
    sub.add_option("--connect-to", connect.connect_to,
                   "HOST:PORT to connect to instead of the URL's (Host and SNI stay the URL's)");
    sub.add_option("--proxy", connect.proxy,
                   "http://[USER:PASSWORD@]HOST:PORT: an HTTP proxy to CONNECT through (default: "
                   "https_proxy/http_proxy/all_proxy, minus no_proxy and loopback)");
    sub.add_flag("--http2", connect.http2,
                 "WebSocket over HTTP/2 (RFC 8441): h2c with prior knowledge on ws://, ALPN h2 "
                 "on wss://; HTTP/1.1-only cases do not apply");
}

harness::Endpoint parse_url(const std::string& url, const ConnectOptions& connect) {
    auto endpoint = parse_url(url);
    endpoint.http2 = connect.http2;
    if (!connect.connect_to.empty()) {
        std::string error;
        if (!harness::parse_listen_address(connect.connect_to, endpoint.connect_host,
                                           endpoint.connect_port, error) ||
            endpoint.connect_port == 0)
            throw UsageError("--connect-to " + connect.connect_to + ": " +
                             (error.empty() ? "port 0" : error));
    }
    if (!connect.proxy.empty()) {
        std::string error;
        if (!harness::parse_proxy_url(connect.proxy, error)) throw UsageError("--" + error);
        endpoint.proxy = connect.proxy;
    }
    if (!connect.client_key.empty() && connect.client_cert.empty())
        throw UsageError("--client-key needs --client-cert");
    if (!endpoint.secure) {
        if (connect.insecure || !connect.cafile.empty() || !connect.client_cert.empty())
            throw UsageError("--cafile, --insecure and --client-cert apply to wss:// URLs only (" +
                             url + ")");
        return endpoint;
    }
    if (connect.insecure && !connect.cafile.empty())
        throw UsageError("--insecure and --cafile contradict each other");
    harness::transport::TlsClientSettings tls;
    tls.verify_chain = tls.verify_hostname = !connect.insecure;
    tls.ca_file = connect.cafile;
    tls.client_certificate_file = connect.client_cert;
    tls.client_key_file = connect.client_key;
    tls.alpn = {"http/1.1"};
    std::string error;
    endpoint.tls = harness::transport::TlsContext::client(tls, error);
    if (!endpoint.tls) throw UsageError(error);
    return endpoint;
}

namespace {

// A bound for people: 0.05, 600, 604800, 4294967296 (never 1e+06 nor 300 digits).
std::string number_text(double v) {
    if (v == std::floor(v) && std::fabs(v) < 1e16) return std::to_string(static_cast<long long>(v));
    std::ostringstream out;
    out << std::setprecision(12) << v;
    return out.str();
}

std::string range_text(NumberRange range) {
    std::string text = number_text(range.min) + " to " + number_text(range.max);
    if (*range.unit) text += std::string(" ") + range.unit;
    return text;
}

// The one-line complaint of a number flag (CLI11 puts the flag's name in front).
std::string out_of_range(const std::string& given, const char* what, NumberRange range) {
    return "'" + printable(given.substr(0, 40)) + "' is not " + what + " from " + range_text(range);
}

}  // namespace

std::string with_range(const std::string& help, NumberRange range) {
    return help + " (" + range_text(range) + ")";
}

CLI::Option* add_number_option(CLI::App& sub, const std::string& name, double& value,
                               NumberRange range, const std::string& help) {
    const CLI::Validator check(
        [range](std::string& given) -> std::string {
            // strtod also takes "nan", "inf", hex floats and leading blanks: only a plain
            // decimal number gets through.
            const bool plain =
                !given.empty() && given.find_first_not_of("0123456789.eE+-") == std::string::npos;
            char* end = nullptr;
            const double v = plain ? std::strtod(given.c_str(), &end) : 0.0;
            if (!plain || end != given.c_str() + given.size() || !std::isfinite(v) ||
                v < range.min || v > range.max)
                return out_of_range(given, "a number", range);
            return {};
        },
        "", "number");
    return sub.add_option(name, value, with_range(help, range))->check(check);
}

CLI::Validator whole_number_check(NumberRange range) {
    return CLI::Validator(
        [range](std::string& given) -> std::string {
            const bool digits = !given.empty() && given.size() <= 20 &&
                                given.find_first_not_of("0123456789") == std::string::npos;
            const double v = digits ? std::strtod(given.c_str(), nullptr) : 0.0;
            if (!digits || v < range.min || v > range.max)
                return out_of_range(given, "a whole number", range);
            return {};
        },
        "", "whole number");
}

void add_answer_timeout_option(CLI::App& sub, double& seconds, const std::string& help) {
    add_number_option(sub, "--timeout", seconds, kAnswerTimeout, help)->capture_default_str();
}

void add_time_scale_option(CLI::App& sub, double& scale) {
    add_number_option(sub, "--time-scale", scale, kTimeScale,
                      "multiply every case timer and deadline by F, for a slow peer (built "
                      "with sanitizers, under an emulator); the report shows it");
}

std::chrono::milliseconds seconds_to_ms(double seconds) {
    return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

void parse_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    std::string error;
    if (!harness::parse_listen_address(text, host, port, error)) throw UsageError(error);
}

std::string listening_url(const std::string& host, std::uint16_t port, bool tls) {
    const bool v6 = host.find(':') != std::string::npos;
    return (tls ? "wss://" : "ws://") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string unreachable_reason(const harness::Endpoint& endpoint) {
    const auto probe = harness::probe(endpoint, {});
    return probe.error.empty() ? "cannot connect to " + endpoint.url : probe.error;
}

void add_server_tls_options(CLI::App& sub, ServerTlsOptions& tls) {
    sub.add_option("--tls-cert", tls.cert, "serve wss://: PEM certificate (chain, leaf first)");
    sub.add_option("--tls-key", tls.key, "PEM private key of --tls-cert (default: the same file)");
    sub.add_option("--tls-client-ca", tls.client_ca,
                   "require a client certificate issued by a CA in this PEM file (mTLS)");
}

harness::transport::TlsContextPtr server_tls_context(const ServerTlsOptions& tls) {
    if (tls.cert.empty() && tls.key.empty() && tls.client_ca.empty()) return nullptr;
    if (tls.cert.empty()) throw UsageError("--tls-key and --tls-client-ca need --tls-cert");
    harness::transport::TlsServerSettings settings;
    settings.offer_h2 = tls.http2;
    std::string error;
    if (!harness::transport::read_pem_file(tls.cert, settings.identity.certificate_chain_pem,
                                           error) ||
        !harness::transport::read_pem_file(tls.key.empty() ? tls.cert : tls.key,
                                           settings.identity.private_key_pem, error))
        throw UsageError(error);
    if (!tls.client_ca.empty() &&
        !harness::transport::read_pem_file(tls.client_ca, settings.client_ca_pem, error))
        throw UsageError(error);
    auto context = harness::transport::TlsContext::server(std::move(settings), error);
    if (!context) throw UsageError("--tls-cert " + tls.cert + ": " + error);
    return context;
}

}  // namespace wsconform::cli
