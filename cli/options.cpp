#include "cli/options.h"

#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>

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
