#include "cli/options.h"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>

#include "cli/case_selection.h"
#include "cli/run_report.h"
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

void add_verdict_options(CLI::App& sub, ReportOptions& report) {
    sub.add_flag("--strict", report.strict, "NON-STRICT and INFORMATIONAL count as failures");
    sub.add_flag("--quiet,-q", report.quiet, "print only the summary");
    sub.add_option("--baseline", report.baseline,
                   "an earlier index.json or report folder: only regressions fail");
    add_color_option(sub, report.color);
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
}

harness::Endpoint parse_url(const std::string& url, const ConnectOptions& connect) {
    auto endpoint = parse_url(url);
    if (!connect.connect_to.empty()) {
        std::string error;
        if (!harness::parse_listen_address(connect.connect_to, endpoint.connect_host,
                                           endpoint.connect_port, error) ||
            endpoint.connect_port == 0)
            throw UsageError("--connect-to " + connect.connect_to + ": " +
                             (error.empty() ? "port 0" : error));
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

std::string listening_url(const std::string& host, std::uint16_t port, bool tls) {
    const bool v6 = host.find(':') != std::string::npos;
    return (tls ? "wss://" : "ws://") + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

void add_server_tls_options(CLI::App& sub, ServerTlsOptions& tls) {
    sub.add_option("--tls-cert", tls.cert, "serve wss://: PEM certificate (chain, leaf first)");
    sub.add_option("--tls-key", tls.key, "PEM private key of --tls-cert (default: the same file)");
}

harness::transport::TlsContextPtr server_tls_context(const ServerTlsOptions& tls) {
    if (tls.cert.empty() && tls.key.empty()) return nullptr;
    if (tls.cert.empty()) throw UsageError("--tls-key needs --tls-cert");
    harness::transport::TlsServerSettings settings;
    std::string error;
    if (!harness::transport::read_pem_file(tls.cert, settings.identity.certificate_chain_pem,
                                           error) ||
        !harness::transport::read_pem_file(tls.key.empty() ? tls.cert : tls.key,
                                           settings.identity.private_key_pem, error))
        throw UsageError(error);
    auto context = harness::transport::TlsContext::server(std::move(settings), error);
    if (!context) throw UsageError("--tls-cert " + tls.cert + ": " + error);
    return context;
}

}  // namespace wsconform::cli
