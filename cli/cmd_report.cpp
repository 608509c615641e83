// `wsconform report DIR`: render every view of a report folder (ours or Autobahn's) again
// from its JSON files. `wsconform compare A B ...`: runs or implementations side by side.
#include <unistd.h>
#include <CLI/CLI.hpp>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cases/sections.h"
#include "cli/commands.h"
#include "util/atomic_file.h"
#include "reports/baseline.h"
#include "reports/html.h"
#include "reports/views.h"

namespace wsconform::cli {

namespace {

bool color_wanted(const std::string& mode) {
    if (mode == "never") return false;
    if (mode == "always") return true;
    if (std::getenv("NO_COLOR") != nullptr) return false;
    return isatty(STDOUT_FILENO) != 0;
}

int run_report(const std::filesystem::path& dir) {
    if (!std::filesystem::is_directory(dir))
        throw std::runtime_error("report: " + dir.string() + " is not a folder");
    if (!std::filesystem::exists(dir / "index.json"))
        throw std::runtime_error("report: " + dir.string() + " holds no index.json");
    reports::write_views(dir, cases::section_titles());
    const auto model = reports::load_report(dir, false);
    std::size_t results = 0, failed = 0;
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, r] : entries) {
            ++results;
            if (r.outcome == harness::Outcome::fail) ++failed;
        }
    std::cout << "Rendered " << results << " results of " << model.agents.size()
              << (model.agents.size() == 1 ? " agent" : " agents") << " (" << failed
              << " failed):\n  " << (dir / "index.html").string() << "\n  "
              << (dir / "junit.xml").string() << "\n";
    return kExitOk;
}

int run_compare(const std::vector<std::string>& sources, bool all, const std::string& out_file,
                const std::string& color) {
    std::vector<std::filesystem::path> paths(sources.begin(), sources.end());
    for (const auto& p : paths)
        if (!std::filesystem::exists(p))
            throw std::runtime_error("compare: " + p.string() + " does not exist");
    const auto cmp = reports::compare_runs(paths);
    reports::print_comparison(std::cout, cmp, all, color_wanted(color));
    const std::filesystem::path out(out_file);
    auto out_dir = out.parent_path().empty() ? std::filesystem::current_path()
                                             : std::filesystem::absolute(out.parent_path());
    util::atomic_write(out,
                       reports::render_compare_page(cmp, out_dir, all, cases::section_titles()));
    std::cout << "Comparison: " << out.string() << "\n";
    return kExitOk;
}

}  // namespace

ExtraCommand report_command(CLI::App& app) {
    auto dir = std::make_shared<std::string>();
    auto* sub = app.add_subcommand(
        "report",
        "Render index.html, the per-case pages and junit.xml again from a report "
        "folder's JSON files (ours or Autobahn's)");
    sub->add_option("dir", *dir, "report folder (holds index.json)")->required();
    return {sub, [dir] { return run_report(*dir); }};
}

ExtraCommand compare_command(CLI::App& app) {
    struct Options {
        std::vector<std::string> sources;
        bool all = false;
        std::string out = "compare.html";
        std::string color = "auto";
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(
        "compare", "Runs or implementations side by side: index.json files or report folders");
    sub->add_option("runs", o->sources, "index.json files or report folders")->required();
    sub->add_flag("--all", o->all, "show every case, not only those that differ");
    sub->add_option("--out", o->out, "where to write the HTML comparison")->capture_default_str();
    sub->add_option("--color", o->color, "auto, always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    return {sub, [o] { return run_compare(o->sources, o->all, o->out, o->color); }};
}

}  // namespace wsconform::cli
