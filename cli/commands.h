// The `wsconform` command line. Exceptions stop here: every failure becomes one line on
// stderr and an exit code (0 all passed, 1 some case failed, 2 usage or configuration error,
// 3 the target could not be reached).
#pragma once

#include <functional>
#include <vector>

namespace CLI {
class App;
}

namespace wsconform::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailures = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitUnreachable = 3;

int run(int argc, char** argv);

// Subcommands that live in their own files (cmd_*.cpp) register here: each adds its
// CLI::App subcommand and returns what runs it when it was chosen on the command line.
// The function may throw std::runtime_error: that becomes one line and exit code 2.
struct ExtraCommand {
    const void* subcommand = nullptr;  // the CLI::App* it added
    std::function<int()> run;
};
using CommandRegistrar = std::function<ExtraCommand(CLI::App& app)>;
// The registrars, in the order their subcommands appear in --help.
std::vector<CommandRegistrar> extra_commands();

}  // namespace wsconform::cli
