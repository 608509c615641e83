// A GoogleTest fixture for tests that run the wsconform binary: a ScratchTest whose runs write
// their reports to <scratch>/reports, and read index.json and the per-case reports back.
#pragma once

#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/scratch_test.h"
#include "tests/support/temp_dir.h"

namespace wsconform::test_support {

class CliTest : public ScratchTest {
  protected:
    std::filesystem::path outdir() const { return dir_.path() / "reports"; }

    // Runs `wsconform <args>` in the scratch folder to its end (killed after `safety`).
    ProgramRun run_cli(const std::vector<std::string>& args,
                       std::chrono::milliseconds safety = std::chrono::seconds(60)) const {
        return run_to_end(wsconform_binary(), args, dir_.path(), safety);
    }

    // Runs `wsconform <args> --outdir <outdir()>`, as run_cli() does.
    ProgramRun wsconform(std::vector<std::string> args,
                         std::chrono::milliseconds safety = std::chrono::seconds(60)) const {
        args.insert(args.end(), {"--outdir", outdir().string()});
        return run_cli(args, safety);
    }

    nlohmann::json index() const {
        return nlohmann::json::parse(read_text(outdir() / "index.json"));
    }

    // The per-case report of `id` for `agent`, located through index.json.
    nlohmann::json case_report(const std::string& agent, const std::string& id) const {
        const auto file = index().at(agent).at(id).at("reportfile").get<std::string>();
        return nlohmann::json::parse(read_text(outdir() / file));
    }
};

}  // namespace wsconform::test_support
