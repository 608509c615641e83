// The main app: the subcommands in --help order, Autobahn's -m mode, and the one place where
// exceptions turn into a line on stderr and an exit code.
#include "cli/commands.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "cli/ci_options.h"
#include "cli/exit_codes.h"
#include "wsconform_build_info.h"

namespace wsconform::cli {

int run(int argc, char** argv) {
    CLI::App app{"wsconform: a WebSocket (RFC 6455, RFC 7692) conformance test suite", "wsconform"};
    app.set_version_flag("--version", std::string("wsconform " WSCONFORM_VERSION " (commit ") +
                                          build_info::kGitCommit + ")");
    app.require_subcommand(0, 1);

    const Command autobahn = autobahn_mode(app);
    std::vector<Command> commands;
    for (const auto registrar :
         {test_server_command, serve_command, test_client_command, list_command, report_command,
          compare_command, matrix_command, fuzz_command, replay_command}) {
        commands.push_back(registrar(app));
    }

    // Autobahn's form (-m fuzzingclient -s spec.json ...) is its subcommand's, with --spec.
    std::vector<std::string> args(argv + (argc > 0 ? 1 : 0), argv + argc);
    if (auto subcommand_args = autobahn_arguments(args)) args = std::move(*subcommand_args);
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
        app.parse(std::move(args));
    } catch (const CLI::Success& e) {  // --help, --help-all, --version
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::string what = e.what();
        std::replace(what.begin(), what.end(), '\n', ' ');
        std::cerr << "wsconform: " << what << "\n";
        return kExitUsage;
    }

    try {
        for (const auto& command : commands) {
            if (command.chosen()) return command.run();
        }
        if (autobahn.chosen()) return autobahn.run();
        std::cout << app.help();
        return kExitUsage;
    } catch (const std::exception& e) {  // UsageError and every other failure
        std::cerr << "wsconform: " << e.what() << "\n";
        return kExitUsage;
    }
}

}  // namespace wsconform::cli
