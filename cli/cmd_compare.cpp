// `wsconform compare A B ...`: runs or implementations side by side, on the terminal and as
// one HTML page.
#include <CLI/CLI.hpp>

#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cases/sections.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "reports/baseline.h"
#include "reports/html.h"
#include "util/atomic_file.h"

namespace wsconform::cli {

namespace {

struct CompareOptions {
    std::vector<std::string> sources;
    bool all = false;
    std::string out = "compare.html";
    std::string color = "auto";
};

int run_compare(const CompareOptions& o) {
    std::vector<std::filesystem::path> paths(o.sources.begin(), o.sources.end());
    for (const auto& p : paths)
        if (!std::filesystem::exists(p))
            throw std::runtime_error("compare: " + p.string() + " does not exist");
    const auto cmp = reports::compare_runs(paths);
    reports::print_comparison(std::cout, cmp, o.all, want_color(o.color));
    const std::filesystem::path out(o.out);
    auto out_dir = out.parent_path().empty() ? std::filesystem::current_path()
                                             : std::filesystem::absolute(out.parent_path());
    util::atomic_write(out,
                       reports::render_compare_page(cmp, out_dir, o.all, cases::section_titles()));
    std::cout << "Comparison: " << out.string() << "\n";
    return kExitOk;
}

CLI::App* compare_subcommand(CLI::App& app, CompareOptions& o) {
    auto* sub = app.add_subcommand(
        "compare", "Runs or implementations side by side: index.json files or report folders");
    sub->add_option("runs", o.sources, "index.json files or report folders")->required();
    sub->add_flag("--all", o.all, "show every case, not only those that differ");
    sub->add_option("--out", o.out, "where to write the HTML comparison")->capture_default_str();
    add_color_option(*sub, o.color);
    return sub;
}

}  // namespace

Command compare_command(CLI::App& app) {
    return add_command<CompareOptions>(app, compare_subcommand, run_compare);
}

}  // namespace wsconform::cli
