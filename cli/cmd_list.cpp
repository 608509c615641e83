// `wsconform list [PATTERN...]`: case IDs and titles, one per line, tab-separated.
#include <CLI/CLI.hpp>

#include <iostream>
#include <string>
#include <vector>

#include "cli/case_selection.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/options.h"

namespace wsconform::cli {

namespace {

int run_list(const std::vector<std::string>& patterns) {
    const auto include = patterns.empty() ? std::vector<std::string>{"*"} : patterns;
    for (const auto* c : select_or_throw(include, {})) {
        std::cout << c->id << "\t" << c->title << "\n";
    }
    return kExitOk;
}

CLI::App* list_subcommand(CLI::App& app, std::vector<std::string>& patterns) {
    auto* sub = app.add_subcommand("list", "List case IDs and titles");
    sub->add_option("pattern", patterns, "case ID patterns");
    return sub;
}

}  // namespace

Command list_command(CLI::App& app) {
    return add_command<std::vector<std::string>>(app, list_subcommand, run_list);
}

}  // namespace wsconform::cli
