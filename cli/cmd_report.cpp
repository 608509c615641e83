// `wsconform report DIR`: render every view of a report folder (ours or Autobahn's) again
// from its JSON files.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>

#include "cases/sections.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "reports/views.h"

namespace wsconform::cli {

namespace {

int run_report(const std::string& folder) {
    const std::filesystem::path dir(folder);
    if (!std::filesystem::is_directory(dir))
        throw std::runtime_error("report: " + dir.string() + " is not a folder");
    if (!std::filesystem::exists(dir / "index.json"))
        throw std::runtime_error("report: " + dir.string() + " holds no index.json");
    reports::write_views(dir, cases::section_titles());
    const auto model = reports::load_report(dir, false);
    std::size_t results = 0, failed = 0, not_run = 0;
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, r] : entries) {
            ++results;
            if (r.outcome == harness::Outcome::fail) ++failed;
            if (r.outcome == harness::Outcome::not_run) ++not_run;
        }
    std::cout << "Rendered " << results << " results of " << model.agents.size()
              << (model.agents.size() == 1 ? " agent" : " agents") << " (" << failed << " failed"
              << (not_run ? ", " + std::to_string(not_run) + " not run" : std::string()) << "):\n  "
              << (dir / "index.html").string() << "\n  " << (dir / "junit.xml").string() << "\n";
    return kExitOk;
}

CLI::App* report_subcommand(CLI::App& app, std::string& dir) {
    auto* sub = app.add_subcommand("report",
                                   "Render index.html, the per-case pages and junit.xml again "
                                   "from a report folder's JSON files (ours or Autobahn's)");
    sub->add_option("dir", dir, "report folder (holds index.json)")->required();
    return sub;
}

}  // namespace

Command report_command(CLI::App& app) {
    return add_command<std::string>(app, report_subcommand, run_report);
}

}  // namespace wsconform::cli
