// Which cases a run takes: Autobahn's include and exclude patterns, and its per-agent
// exclusions (a spec file's "exclude-agent-cases").
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/model/case.h"

namespace wsconform::cli {

struct CaseSelection {
    std::vector<std::string> cases{"*"};
    std::vector<std::string> exclude;
    // agent pattern -> case patterns left out for the agents it matches
    std::map<std::string, std::vector<std::string>> exclude_agent_cases;
};

// The cases a run takes, in ID order. Testing a server leaves out the cases for clients only
// (in sections 14 and 16), testing a client those for servers only; a run without TLS leaves
// out section 16. UsageError when a pattern matches no case or nothing is left.
enum class Tested { server, client };
std::vector<const harness::Case*> select_cases(const CaseSelection& selection, Tested tested,
                                               bool tls = false);

// The cases the patterns select (UsageError when one matches no case).
std::vector<const harness::Case*> select_or_throw(const std::vector<std::string>& include,
                                                  const std::vector<std::string>& exclude);

bool excluded_for_agent(const CaseSelection& selection, const std::string& agent,
                        const std::string& id);

}  // namespace wsconform::cli
