// `wsconform compare A B ...`: runs or implementations side by side, on the terminal and as
// one HTML page; `wsconform matrix DIR... --outdir OUT`: the same comparison as the page of
// many peers (a column per peer, role and transport; their metadata from peer.json), with
// matrix.json beside it for a later matrix to mark what changed.
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
    std::string earlier;  // matrix: an earlier matrix (folder or matrix.json)
    bool no_case_links = false;
};

reports::Comparison load_comparison(const std::vector<std::string>& sources,
                                    const std::string& command) {
    std::vector<std::filesystem::path> paths(sources.begin(), sources.end());
    for (const auto& p : paths)
        if (!std::filesystem::exists(p))
            throw std::runtime_error(command + ": " + p.string() + " does not exist");
    return reports::compare_runs(paths);
}

std::filesystem::path folder_of(const std::filesystem::path& out) {
    return out.parent_path().empty() ? std::filesystem::current_path()
                                     : std::filesystem::absolute(out.parent_path());
}

int run_compare(const CompareOptions& o) {
    const auto cmp = load_comparison(o.sources, "compare");
    reports::print_comparison(std::cout, cmp, o.all, want_color(o.color));
    const std::filesystem::path out(o.out);
    util::atomic_write(
        out, reports::render_compare_page(cmp, folder_of(out), o.all, cases::section_titles()));
    std::cout << "Comparison: " << out.string() << "\n";
    return kExitOk;
}

int run_matrix(const CompareOptions& o) {
    const auto cmp = load_comparison(o.sources, "matrix");
    reports::MatrixView view{reports::matrix_columns(cmp), std::nullopt, o.earlier,
                             !o.no_case_links};
    if (!o.earlier.empty()) {
        try {
            view.earlier = reports::read_matrix_cells(o.earlier);
        } catch (const std::exception& e) {
            throw UsageError(std::string("--earlier: ") + e.what());
        }
    }
    const std::filesystem::path dir(o.out);
    std::filesystem::create_directories(dir);
    const auto page = dir / "index.html";
    util::atomic_write(page, reports::render_compare_page(cmp, std::filesystem::absolute(dir), true,
                                                          cases::section_titles(), &view));
    util::atomic_write(dir / "matrix.json", reports::matrix_json(cmp, view.columns));
    std::cout << "Matrix: " << page.string() << " (" << cmp.rows.size() << " cases, "
              << cmp.columns.size() << " columns)\n";
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

CLI::App* matrix_subcommand(CLI::App& app, CompareOptions& o) {
    auto* sub = app.add_subcommand(
        "matrix",
        "The conformance matrix of many peers: report folders (one peer each) as one page");
    sub->add_option("runs", o.sources, "report folders (or index.json files)")->required();
    o.out.clear();
    sub->add_option("--outdir", o.out, "folder for index.html and matrix.json")->required();
    sub->add_option("--earlier", o.earlier,
                    "an earlier matrix (its folder or matrix.json): mark the cells that changed");
    sub->add_flag("--no-case-links", o.no_case_links,
                  "cells link to no case page (to publish the page without its report folders; "
                  "a cell's tooltip still gives its verdict)");
    return sub;
}

}  // namespace

Command compare_command(CLI::App& app) {
    return add_command<CompareOptions>(app, compare_subcommand, run_compare);
}

Command matrix_command(CLI::App& app) {
    return add_command<CompareOptions>(app, matrix_subcommand, run_matrix);
}

}  // namespace wsconform::cli
