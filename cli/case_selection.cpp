#include "cli/case_selection.h"

#include "cases/registry.h"
#include "cli/options.h"

namespace wsconform::cli {

std::vector<const harness::Case*> select_or_throw(const std::vector<std::string>& include,
                                                  const std::vector<std::string>& exclude) {
    std::vector<std::string> unmatched;
    auto selected = cases::select(include, exclude, &unmatched);
    if (!unmatched.empty()) {
        throw UsageError("case pattern '" + unmatched.front() + "' matches no case");
    }
    return selected;
}

std::vector<const harness::Case*> select_cases(const CaseSelection& selection, Tested tested,
                                               bool tls) {
    auto selected = select_or_throw(selection.cases, selection.exclude);
    // Sections 14, 16 and 17 have cases for one role only: a run leaves out those of the other
    // role rather than reporting them as not applicable. (Sections 1-13 serve both roles, so
    // Autobahn's case numbering is unchanged.)
    const bool selected_some = !selected.empty();
    std::erase_if(selected, [tested](const harness::Case* c) {
        return tested == Tested::server ? c->for_clients_only() : c->for_servers_only();
    });
    if (selected_some && selected.empty())
        throw UsageError(tested == Tested::server
                             ? "the selected cases test a client: run them with test-client"
                             : "the selected cases test a server: run them with test-server");
    const bool any = !selected.empty();
    if (!tls) std::erase_if(selected, [](const harness::Case* c) { return c->tls.required; });
    if (any && selected.empty())
        throw UsageError(
            "the selected cases test TLS: they need a wss:// URL (test-server) or "
            "--tls (test-client)");
    if (selected.empty()) throw UsageError("no case left to run after exclusions");
    return selected;
}

bool excluded_for_agent(const CaseSelection& selection, const std::string& agent,
                        const std::string& id) {
    for (const auto& [agent_pattern, case_patterns] : selection.exclude_agent_cases) {
        if (!cases::pattern_matches_fully(agent_pattern, agent)) continue;
        for (const auto& p : case_patterns) {
            if (cases::pattern_matches_fully(p, id)) return true;
        }
    }
    return false;
}

}  // namespace wsconform::cli
