// The list of subcommands defined outside commands.cpp. Each cmd_*.cpp file exposes one
// registrar; adding a command is one line here.
#include "harness/cli/commands.h"

namespace wsconform::cli {

std::vector<CommandRegistrar> extra_commands() { return {}; }

}  // namespace wsconform::cli
