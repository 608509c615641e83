// The case catalogue and Autobahn's selection rules (AB:caseset.py).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/case.h"

namespace wsconform::cases {

// Every case, sorted by ID as integer tuples (1.1.1 < 1.1.10 < 2.1 < 10.1.1).
// Built once; IDs are unique (a duplicate aborts at start-up with its ID).
const std::vector<harness::Case>& all_cases();

// Section 15 (limits and security) can crash a vulnerable peer, so it is opt-in: a pattern
// selects a 15.x case only when the pattern itself starts with "15" ("15.*", "15.2.*", an ID).
// "*", "1*" and every other pattern pass over it. pattern_matches() and select()'s include
// patterns apply this rule; exclude patterns do not ("*" excludes 15.x too).
bool opts_in(std::string_view pattern, std::string_view id);

// Autobahn's pattern rule: without '*' the pattern is a literal ID; with '*' it is a regex
// ('.' literal, '*' = '.*') anchored at the start only, so "1*" matches 10.1.1 too.
bool pattern_matches(std::string_view pattern, std::string_view id);
// Anchored at both ends (exclude-agent-cases).
bool pattern_matches_fully(std::string_view pattern, std::string_view id);

// Cases matching any of `include` minus those matching any of `exclude`, in ID order.
// An include pattern that matches nothing is reported in `unmatched`.
std::vector<const harness::Case*> select(std::span<const std::string> include,
                                         std::span<const std::string> exclude,
                                         std::vector<std::string>* unmatched = nullptr);

const harness::Case* find(std::string_view id);

}  // namespace wsconform::cases
