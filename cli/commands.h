// The `wsconform` command line: one file per subcommand (cmd_*.cpp), each adding its
// CLI::App subcommand and returning what runs it. Exceptions stop at run(): every failure
// becomes one line on stderr and an exit code (exit_codes.h).
#pragma once

#include <functional>

namespace CLI {
class App;
}

namespace wsconform::cli {

int run(int argc, char** argv);

// A command as registered: whether the command line chose it, and what runs it. run() may
// throw std::runtime_error (UsageError in options.h): that becomes one line and exit code 2.
struct Command {
    std::function<bool()> chosen;
    std::function<int()> run;
};

// The registrars, in the order their subcommands appear in --help.
Command test_server_command(CLI::App& app);  // cmd_test_server.cpp
Command serve_command(CLI::App& app);        // cmd_serve.cpp
Command test_client_command(CLI::App& app);  // cmd_test_client.cpp
Command list_command(CLI::App& app);         // cmd_list.cpp
Command report_command(CLI::App& app);       // cmd_report.cpp
Command compare_command(CLI::App& app);      // cmd_compare.cpp
Command matrix_command(CLI::App& app);       // cmd_compare.cpp
Command fuzz_command(CLI::App& app);         // cmd_fuzz.cpp
Command replay_command(CLI::App& app);       // cmd_replay.cpp
// Autobahn's own command line on the main app: -m fuzzingclient -s fuzzingclient.json.
Command autobahn_mode(CLI::App& app);  // cmd_autobahn.cpp

}  // namespace wsconform::cli
