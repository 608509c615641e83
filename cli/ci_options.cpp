#include "cli/ci_options.h"

#include <CLI/CLI.hpp>

#include <exception>
#include <filesystem>
#include <iostream>

#include "cases/registry.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "reports/views.h"

namespace wsconform::cli {

bool CiOptions::given(const std::string& flag) const {
    return sub != nullptr && sub->count(flag) > 0;
}

void add_ci_options(CLI::App& sub, CiOptions& o, const std::string& spec_kind) {
    o.sub = &sub;
    sub.add_option(
        "--spec", o.spec,
        "Autobahn " + spec_kind + " spec file; the flags given beside it win over its keys");
    // Autobahn's -w (wsconform -m fuzzingclient -w URL): the URL when the spec lists none.
    if (spec_kind == "fuzzingclient") sub.add_option("--wsuri", o.wsuri)->group("");
    sub.add_option("--rerun-failed", o.rerun_failed,
                   "run again exactly the cases that did not pass in this earlier report "
                   "(folder or index.json; instead of --cases)");
    sub.add_option("--peer-name", o.peer.name,
                   "the peer's name, written with --peer-version and --peer-origin to "
                   "<outdir>/peer.json (for wsconform matrix)");
    sub.add_option("--peer-version", o.peer.version, "the peer's version (peer.json)");
    sub.add_option("--peer-origin", o.peer.origin,
                   "where the peer came from: a package, a URL, a commit (peer.json)");
}

std::optional<std::vector<std::string>> rerun_failed_cases(const std::string& dir) {
    reports::ReportModel model;
    try {
        model = reports::load_report(dir, true);
    } catch (const std::exception& e) {
        throw UsageError("--rerun-failed " + dir + ": " + e.what());
    }
    std::vector<std::string> ids;
    for (const auto& id : model.case_ids) {
        bool passed = true;
        for (const auto& [agent, cases] : model.cases)
            if (const auto it = cases.find(id);
                it != cases.end() && it->second.outcome != harness::Outcome::pass)
                passed = false;
        if (passed) continue;
        if (!cases::find(id)) {
            std::cerr << "wsconform: warning: --rerun-failed: case " << id
                      << " is not in this wsconform's catalogue; left out\n";
            continue;
        }
        ids.push_back(id);
    }
    if (ids.empty()) return std::nullopt;
    return ids;
}

int run_with_ci_options(const CiOptions& o, std::vector<std::string>& cases,
                        const std::string& outdir, const std::string& role, bool tls,
                        const std::function<int()>& run) {
    if (!o.rerun_failed.empty()) {
        if (o.given("--cases")) throw UsageError("--rerun-failed replaces --cases: give one");
        auto ids = rerun_failed_cases(o.rerun_failed);
        if (!ids) {
            std::cout << "Every case passed in " << o.rerun_failed << ": nothing to run again\n";
            return kExitOk;
        }
        std::cout << "Running again the " << ids->size() << " case" << (ids->size() == 1 ? "" : "s")
                  << " that did not pass in " << o.rerun_failed << "\n";
        cases = std::move(*ids);
    }
    const int code = run();
    if (!o.peer.name.empty() || !o.peer.version.empty() || !o.peer.origin.empty()) {
        auto peer = o.peer;
        peer.role = role;
        peer.transport = tls ? "wss" : "ws";
        try {
            reports::write_peer_info(outdir, peer);
        } catch (const std::exception& e) {
            std::cerr << "wsconform: cannot write " << reports::kPeerFile << ": " << e.what()
                      << "\n";
            return code == kExitOk ? kExitFailures : code;
        }
    }
    return code;
}

}  // namespace wsconform::cli
