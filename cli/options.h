// What several subcommands parse alike: the one-line usage error, --color, case patterns,
// the report options, ws:// URLs and listen addresses.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "cases/profile.h"
#include "cli/commands.h"
#include "harness/endpoint.h"

namespace wsconform::cli {

struct CaseSelection;  // case_selection.h
struct ReportOptions;  // run_report.h

// A one-line usage or configuration error: printed by run() and turned into exit code 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A subcommand's Command: chosen when it was parsed.
Command subcommand(CLI::App* sub, std::function<int()> run);

// A subcommand whose options are parsed into an `Options` value: `add(app, options)` adds the
// subcommand with its options and returns it; `run(options)` runs the command when the
// command line chose it.
template <class Options, class Add, class Run>
Command add_command(CLI::App& app, Add add, Run run) {
    auto options = std::make_shared<Options>();
    CLI::App* sub = add(app, *options);
    return subcommand(sub, [options, run] { return run(*options); });
}

// --color auto|always|never, and what it means for stdout: auto is colour on a TTY, never
// with NO_COLOR set.
void add_color_option(CLI::App& sub, std::string& color);
bool want_color(const std::string& mode);

// --cases and --exclude; `verb` says what is done with the selected cases ("run", "serve").
void add_case_options(CLI::App& sub, CaseSelection& selection, const std::string& verb);
// --profile echo|protocol (cases/profile.h), and the profile it names.
void add_profile_option(CLI::App& sub, std::string& profile);
cases::Profile parse_profile_option(const std::string& profile);
// --strict, --quiet, --baseline and --color, in that order.
void add_verdict_options(CLI::App& sub, ReportOptions& report);

// What a deployed endpoint may ask of the upgrade request: --header 'Name: value'
// (repeatable), --origin URL, --subprotocol NAME (repeatable, or a comma list).
struct RequestHeaderOptions {
    std::vector<std::string> headers;
    std::string origin;
    std::vector<std::string> subprotocols;
};
void add_request_header_options(CLI::App& sub, RequestHeaderOptions& o);
// The header lines to send, "Name: value" each, in the order given (the subprotocols as one
// Sec-WebSocket-Protocol line). UsageError, one line, for a header without ':', with CR/LF or
// a name that is not a token, a header wsconform sets itself, or a subprotocol that is not a
// token or is given twice.
std::vector<std::string> request_header_lines(const RequestHeaderOptions& o);

// A ws:// URL (UsageError saying what is wrong).
harness::Endpoint parse_url(const std::string& url);

// How a client reaches its server: TLS trust for wss:// (--cafile, --insecure), a client
// certificate (--client-cert, --client-key), --connect-to HOST:PORT, and --proxy URL (else the
// proxy environment variables).
struct ConnectOptions {
    std::string cafile;
    bool insecure = false;
    std::string client_cert;
    std::string client_key;
    std::string connect_to;
    std::string proxy;
    bool http2 = false;
};
void add_connect_options(CLI::App& sub, ConnectOptions& connect);
// A ws:// or wss:// URL with the connect options applied (UsageError saying what is wrong:
// an unreadable CA file, a key that does not match its certificate).
harness::Endpoint parse_url(const std::string& url, const ConnectOptions& connect);
// The range a number flag accepts; the help text says it ("(1 to 1024)", "(0.05 to 600 s)").
struct NumberRange {
    double min;
    double max;
    const char* unit = "";  // "s", "ms", "MiB" ... shown after the range
};
inline constexpr NumberRange kRunTimeout{1, 604800, "s"};  // --timeout of a run: up to a week
inline constexpr NumberRange kCaseTimeout{0.1, 86400, "s"};
inline constexpr NumberRange kAnswerTimeout{0.05, 600, "s"};  // fuzz/replay: an owed answer
inline constexpr NumberRange kTimeScale{1, 100};

// A flag taking a number, checked before anything runs: NaN, infinities, anything but a
// plain number, and values outside `range` are one line (ValidationError, exit 2) naming the
// flag, the value and the range. The help text gets the range appended.
CLI::Option* add_number_option(CLI::App& sub, const std::string& name, double& value,
                               NumberRange range, const std::string& help);
// The same for a whole number (a count, a size): digits only, no sign, no exponent.
CLI::Validator whole_number_check(NumberRange range);
std::string with_range(const std::string& help, NumberRange range);
template <class T>
CLI::Option* add_whole_option(CLI::App& sub, const std::string& name, T& value, NumberRange range,
                              const std::string& help) {
    return sub.add_option(name, value, with_range(help, range))->check(whole_number_check(range));
}

// --timeout S of fuzz and replay: how long an owed answer may take.
void add_answer_timeout_option(CLI::App& sub, double& seconds, const std::string& help);
// --time-scale F: every case timer and deadline multiplied by F (a slow peer).
void add_time_scale_option(CLI::App& sub, double& scale);
// --tls-cert FILE and --tls-key FILE of the commands that listen.
struct ServerTlsOptions {
    std::string cert;
    std::string key;
    std::string client_ca;  // require client certificates issued by this CA (mTLS)
    bool http2 = false;     // ALPN: agree to "h2" too (serve --http2)
};
void add_server_tls_options(CLI::App& sub, ServerTlsOptions& tls);
// The server context of those files (nullptr when neither is given; UsageError when one is
// missing, unreadable, or the key does not match).
harness::transport::TlsContextPtr server_tls_context(const ServerTlsOptions& tls);

// Why nothing answers at the endpoint, in one line ("cannot connect to URL: certificate
// verify failed: ..."), for the commands that exit 3.
std::string unreachable_reason(const harness::Endpoint& endpoint);

// HOST:PORT for --listen (UsageError saying what is wrong).
void parse_listen(const std::string& text, std::string& host, std::uint16_t& port);
// Seconds as given on the command line, in whole milliseconds.
std::chrono::milliseconds seconds_to_ms(double seconds);

// The URL of what listens on host:port, for people: "ws://[::1]:9001" (wss:// with TLS).
std::string listening_url(const std::string& host, std::uint16_t port, bool tls = false);

}  // namespace wsconform::cli
