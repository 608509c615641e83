// What test-server and test-client take for CI besides their own flags: --spec FILE (an
// Autobahn spec file, the flags given beside it winning), --rerun-failed DIR, and the peer's
// metadata for the matrix (--peer-name, --peer-version, --peer-origin: peer.json). Autobahn's
// own command line (-m fuzzingclient -s spec.json ...) becomes the matching subcommand with
// --spec (autobahn_arguments), so it takes every flag of that subcommand.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "reports/compare_matrix.h"

namespace CLI {
class App;
}

namespace wsconform::cli {

struct TestServerConfig;  // test_server.h
struct TestClientConfig;  // test_client.h
struct ConnectOptions;    // options.h

struct CiOptions {
    std::string spec;          // --spec FILE
    std::string wsuri;         // -w of Autobahn's form: the server when the spec lists none
    std::string rerun_failed;  // --rerun-failed DIR
    reports::PeerInfo peer;    // --peer-name, --peer-version, --peer-origin
    CLI::App* sub = nullptr;   // to tell the flags given from their defaults
    bool given(const std::string& flag) const;
};
void add_ci_options(CLI::App& sub, CiOptions& o, const std::string& spec_kind);

// The spec file under the flags: its outdir, cases, exclusions and servers (or listen URL and
// TLS files) wherever the command line did not give them (UsageError when the file is wrong).
void apply_spec(const CiOptions& o, TestServerConfig& config, const ConnectOptions& connect,
                const std::vector<std::string>& headers);
void apply_spec(const CiOptions& o, TestClientConfig& config);

// --rerun-failed DIR: the IDs of the cases that did not pass in that report, as the case
// patterns (those this wsconform no longer has left out, with a warning); nothing when every
// case passed (UsageError when the report cannot be read).
std::optional<std::vector<std::string>> rerun_failed_cases(const std::string& dir);

// Runs `run` (a run whose case patterns are `cases`): with --rerun-failed, `cases` become the
// cases to run again (none: says so and returns 0 without running); after the run, peer.json
// is written into `outdir` when a --peer-* flag was given, with the role ("server" or
// "client": what was tested) and the transport.
int run_with_ci_options(const CiOptions& o, std::vector<std::string>& cases,
                        const std::string& outdir, const std::string& role, bool tls,
                        const std::function<int()>& run);

// Autobahn's form, `-m fuzzingclient|fuzzingserver [-s FILE] [-w URL] [-k KEY] [-c CERT] ...`,
// as the arguments of the matching subcommand (test-server / test-client --spec FILE ...);
// nothing when `args` (without the program name) are not in that form.
std::optional<std::vector<std::string>> autobahn_arguments(const std::vector<std::string>& args);

}  // namespace wsconform::cli
