// What a case's "Run it again" command must repeat of the command line that ran it.
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace wsconform::cli {

// The options given to a parsed test-server or test-client subcommand that change what a case
// does or how it is judged (--http2, --tls, --header, --time-scale, the section 15 limits, the
// TLS trust, --proxy ...), as command-line words, in --help order: every option given except
// those that only shape the run (which cases, how many at once, where the report goes, how it
// is printed, the client's own command). Credentials are redacted as the reports redact them: a
// secret header's value and a proxy URL's user and password.
std::vector<std::string> rerun_flags(const CLI::App& sub);

}  // namespace wsconform::cli
