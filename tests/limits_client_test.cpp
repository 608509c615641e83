// Section 15 against a client of ours (issue 16, acceptance 1): `wsconform test-client` runs
// every client case of 15.* against tests/support/driver_main.cpp with its limits on
// (--deflate: permessage-deflate offered bare, checked strictly, inflated messages held to
// 16 MiB; --max-fragments 1024), and every one passes; without them, the bomb finds nothing to
// inflate and the unfinished message no fragment limit. The whole binary runs, so the
// outcomes, the summary line and the exit code are the real ones.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/temp_dir.h"

namespace wsconform {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

struct ClientRun {
    test_support::ProgramRun program;
    std::map<std::string, std::string> outcome;  // case ID -> our outcome (the case's JSON)
};

ClientRun run_section_15(const std::string& driver_flags) {
    test_support::TempDir dir;
    const auto outdir = dir.path() / "report";
    ClientRun run;
    run.program = test_support::run_to_end(
        test_support::wsconform_binary(),
        {"test-client", "--listen", "127.0.0.1:0", "--cases", "15.*", "--outdir", outdir.string(),
         "--run", "'" + test_support::test_driver_binary() + "' {url} {agent} " + driver_flags},
        dir.path(), 120s);
    const auto index = json::parse(test_support::read_text(outdir / "index.json"));
    for (const auto& [agent, cases] : index.items())
        for (const auto& [id, entry] : cases.items())
            run.outcome[id] = json::parse(test_support::read_text(
                                              outdir / entry.at("reportfile").get<std::string>()))
                                  .at("outcome")
                                  .get<std::string>();
    return run;
}

TEST(LimitsClient, OurClientWithItsLimitsPassesEveryClientCaseOfSection15) {
    const auto run = run_section_15("--deflate --max-fragments 1024");
    EXPECT_EQ(run.program.code, 0) << run.program.out << run.program.err;
    // 15.1.1-15.1.2, 15.1.7-15.1.9, 15.2.1-15.2.4, 15.3.1-15.3.3, 15.4.7-15.4.8.
    EXPECT_EQ(run.outcome.size(), 14u);
    for (const auto& [id, outcome] : run.outcome) EXPECT_EQ(outcome, "pass") << id;
    EXPECT_NE(run.program.out.find("14 cases: 14 passed, 0 failed"), std::string::npos)
        << run.program.out;
}

TEST(LimitsClient, WithoutItsLimitsTheMatchingCasesSaySo) {
    const auto run = run_section_15("");
    // No deflate offered: the bomb has nothing to go through (a response that adds
    // permessage-deflate is then refused, so 15.1.7-15.1.9 still pass). No fragment limit:
    // 15.3.1 warns, naming the count. Everything else passes as before.
    ASSERT_EQ(run.outcome.size(), 14u) << run.program.out << run.program.err;
    for (const auto& [id, outcome] : run.outcome) {
        const std::string want = id == "15.1.1"   ? "unimplemented"
                                 : id == "15.3.1" ? "warning"
                                                  : "pass";
        EXPECT_EQ(outcome, want) << id;
    }
    EXPECT_NE(run.program.out.find("14 cases: 12 passed, 1 warning, 1 unimplemented, 0 failed"),
              std::string::npos)
        << run.program.out;
}

}  // namespace
}  // namespace wsconform
