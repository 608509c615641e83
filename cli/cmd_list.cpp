// `wsconform list [PATTERN...] [--profile protocol]`: case IDs and titles, one per line,
// tab-separated; with --profile protocol, only the cases that profile runs (testing a server).
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

struct ListOptions {
    std::vector<std::string> patterns;
    std::string profile = "echo";
};

int run_list(const ListOptions& o) {
    const auto include = o.patterns.empty() ? std::vector<std::string>{"*"} : o.patterns;
    const auto profile = parse_profile_option(o.profile);
    // The protocol profile is test-server's: section 14's cases for clients are not in it.
    const auto selected = profile == cases::Profile::protocol
                              ? select_cases({.cases = include}, Tested::server, true)
                              : select_or_throw(include, {});
    for (const auto* c : selected) {
        if (profile == cases::Profile::protocol && !cases::protocol_decision(*c).runs) continue;
        std::cout << c->id << "\t" << c->title << "\n";
    }
    return kExitOk;
}

CLI::App* list_subcommand(CLI::App& app, ListOptions& o) {
    auto* sub = app.add_subcommand("list", "List case IDs and titles");
    sub->add_option("pattern", o.patterns, "case ID patterns");
    add_profile_option(*sub, o.profile);
    return sub;
}

}  // namespace

Command list_command(CLI::App& app) {
    return add_command<ListOptions>(app, list_subcommand, run_list);
}

}  // namespace wsconform::cli
