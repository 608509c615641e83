// What 15.4-15.6 (the opening handshake, Origin, a proxy in front) say about a server or a
// client, in one sentence each: the verdict helpers and the figures they name. Internal to
// cases/s15_limits/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/http_script.h"

namespace wsconform::cases::limits {

using harness::ClientExchange;
using harness::ServerExchange;
using harness::Verdict;

// A case of these groups as data: what the report shows, and its script.
struct CaseRow {
    const char* id;
    const char* title;
    std::string description;
    std::string expectation;
    std::vector<std::string> rfc;
    std::string requirement;
    decltype(harness::Case::script) script;
};
std::vector<harness::Case> to_cases(std::vector<CaseRow> rows);

// Both columns OK; the rule held.
Verdict passed(std::string why);
// `behavior` FAILED (the close column OK): the rule was broken.
Verdict failed(std::string why);
// Both columns OK, outcome warning: a limit the RFC leaves open is missing or very high.
Verdict warned(std::string why);
// Both columns INFORMATIONAL: no policy was stated, so this is only what was seen.
Verdict informed(std::string why);

// "12,800 octets", "1 header line"; with no unit, "12,800".
std::string counted(std::uint64_t n, const std::string& unit);
// "1.2 ms", "340 ms", "2.5 s".
std::string duration_text(std::int64_t us);

// What the server did with our request, in words: "answered status 400", "upgraded (101)",
// "closed TCP without answering", "reset TCP", "did not answer within the wait".
std::string server_answer(const ServerExchange& x);

// A fresh handshake after the case (HttpServerProbe::check_alive) got not one octet back (no
// connection, a close or nothing in time): the server crashed or stopped serving. The fail
// verdict, or nothing when it still answers.
std::optional<Verdict> crashed(const ServerExchange& x);

}  // namespace wsconform::cases::limits
