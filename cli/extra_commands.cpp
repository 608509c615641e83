// The list of subcommands defined outside commands.cpp. Each cmd_*.cpp file exposes one
// registrar; adding a command is one line here.
#include "cli/commands.h"

namespace wsconform::cli {

ExtraCommand report_command(CLI::App& app);   // cmd_report.cpp
ExtraCommand compare_command(CLI::App& app);  // cmd_report.cpp
ExtraCommand fuzz_command(CLI::App& app);     // cmd_fuzz.cpp
ExtraCommand replay_command(CLI::App& app);   // cmd_fuzz.cpp

std::vector<CommandRegistrar> extra_commands() {
    return {
        report_command,
        compare_command,
        fuzz_command,
        replay_command,
    };
}

}  // namespace wsconform::cli
