// `--profile protocol`, for endpoints that do not echo. The table (cases/profile.cpp) agrees
// with the case scripts: a case it runs expects no message, or only an echo it can do without;
// a case it leaves out expects an echo. `wsconform list --profile protocol` and the README's
// list name the cases it runs. Then two servers of ours that never echo run sections 1-7 and
// 10 through the command line: a clean one passes every case the profile runs, and one with
// planted bugs (accepts RSV bits, ignores invalid UTF-8, never answers pings) fails exactly
// the matching cases; the report names why the other cases did not run.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "cases/profile.h"
#include "cases/registry.h"
#include "harness/model/judge.h"
#include "tests/support/buggy_server.h"
#include "tests/support/build_paths.h"
#include "tests/support/child_process.h"
#include "tests/support/scratch_test.h"
#include "tests/support/temp_dir.h"
#include "tests/support/verdict_table.h"

namespace wsconform {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using harness::Behavior;
using harness::Case;
using harness::Event;
using harness::Outcome;
using namespace std::chrono_literals;
using namespace test_support::verdicts;

bool has_message(const std::vector<Event>& events) {
    return std::any_of(events.begin(), events.end(),
                       [](const Event& e) { return e.kind == Event::Kind::message; });
}

// The IDs the profile runs, testing a server (section 14's client cases are not in it).
std::vector<std::string> profile_ids() {
    std::vector<std::string> out;
    for (const auto& c : cases::all_cases()) {
        if (c.for_clients_only()) continue;
        if (cases::protocol_decision(c).runs) out.push_back(c.id);
    }
    return out;
}

// ---- the table against the scripts --------------------------------------------------------

TEST(ProtocolProfile, EveryRowSelectsSomeCase) {
    for (const auto& rule : cases::protocol_rules()) {
        const auto& all = cases::all_cases();
        EXPECT_TRUE(std::any_of(all.begin(), all.end(), [&](const Case& c) {
            return cases::pattern_matches_fully(rule.pattern, c.id);
        })) << rule.pattern;
    }
}

TEST(ProtocolProfile, TheTableAgreesWithTheScripts) {
    for (const auto& c : cases::all_cases()) {
        const auto decision = cases::protocol_decision(c);
        EXPECT_FALSE(decision.why.empty()) << c.id;
        const auto* script = c.websocket();
        if (!script) continue;  // section 14: the table alone decides
        const auto d = cases::declared_expectations(c);
        if (d.expected.empty()) {  // it judges itself on what comes back (9.x)
            EXPECT_FALSE(decision.runs) << c.id;
            continue;
        }
        const auto& ok = d.expected.front().second;
        if (decision.runs) {
            // Nothing it still judges depends on what the peer sends back as messages.
            EXPECT_FALSE(script->on_message) << c.id << " reacts to messages";
            EXPECT_TRUE(script->deflate_offers.empty()) << c.id;
            // Either the peer must fail or close, or pongs (not messages) remain to judge, or
            // nothing at all was expected back.
            std::vector<Event> without_messages = ok;
            std::erase_if(without_messages,
                          [](const Event& e) { return e.kind == Event::Kind::message; });
            EXPECT_TRUE(!d.close.closed_by_me || !without_messages.empty() || ok.empty())
                << c.id << ": judged only on an echo, yet the profile runs it";
        } else {
            EXPECT_TRUE(has_message(ok) || script->on_message || !script->deflate_offers.empty())
                << c.id << " (" << c.title << ") needs no echo, yet the profile leaves it out";
        }
    }
}

TEST(ProtocolProfile, RunsTheCasesOfTheIssue) {
    const auto ids = profile_ids();
    auto runs = [&](const std::string& id) {
        return std::find(ids.begin(), ids.end(), id) != ids.end();
    };
    // Malformed frames, RSV bits, reserved opcodes, control-frame rules, UTF-8 fail-fast,
    // close codes and reasons, ping/pong; and section 14's refusals.
    for (const char* id : {"2.1",   "2.5",   "2.10",  "3.1",    "3.4",    "4.1.1", "4.2.5", "5.1",
                           "5.6",   "5.9",   "5.18",  "6.3.1",  "6.4.1",  "6.4.4", "7.1.2", "7.3.2",
                           "7.5.1", "7.7.1", "7.9.1", "7.13.2", "14.2.1", "14.3.1"})
        EXPECT_TRUE(runs(id)) << id;
    for (const char* id : {"1.1.1", "5.3", "6.1.1", "6.2.1", "7.1.1", "9.1.1", "10.1.1", "12.1.1",
                           "13.1.1", "14.1.1", "14.4.1"})
        EXPECT_FALSE(runs(id)) << id;
}

TEST(ProtocolProfile, AVariantIgnoresMessagesAndKeepsPongs) {
    const auto* c = cases::find("5.6");  // a Ping between two fragments
    ASSERT_NE(c, nullptr);
    const auto variant = cases::protocol_variant(*c);
    EXPECT_EQ(variant.id, c->id);
    EXPECT_NE(variant.expectation.find("--profile protocol"), std::string::npos);
    const auto d = cases::declared_expectations(variant);
    ASSERT_EQ(d.expected.size(), 1u);
    EXPECT_EQ(d.expected.front().second, std::vector<Event>{harness::pong("ping payload")});
    ASSERT_TRUE(variant.websocket()->on_message);  // messages go nowhere
}

// The README's list, in the form it is written there: one line per section, a subsection
// whose cases all run as "6.8.*", a section whose cases all run as "2.*".
std::string readme_list() {
    const auto ids = profile_ids();
    auto all_run = [&](const std::string& prefix) {
        for (const auto& c : cases::all_cases()) {
            if (c.http_client_probe() || c.h2_client_probe()) continue;
            if (c.id.starts_with(prefix) && std::find(ids.begin(), ids.end(), c.id) == ids.end())
                return false;
        }
        return true;
    };
    std::map<int, std::vector<std::string>> by_section;
    for (const auto& id : ids) {
        const auto dot = id.find('.');
        const auto section = id.substr(0, dot);
        const auto second = id.find('.', dot + 1);
        std::string item = id;
        if (all_run(section + ".")) {
            item = section + ".*";
        } else if (second != std::string::npos && all_run(id.substr(0, second + 1))) {
            item = id.substr(0, second) + ".*";
        }
        auto& items = by_section[std::stoi(section)];
        if (items.empty() || items.back() != item) items.push_back(item);
    }
    std::ostringstream out;
    for (const auto& [section, items] : by_section) {
        for (std::size_t i = 0; i < items.size(); ++i) out << (i ? " " : "") << items[i];
        out << "\n";
    }
    return out.str();
}

TEST(ProtocolProfile, TheReadmeListsTheCasesItRuns) {
    const auto readme = test_support::read_text(fs::path(WSCONFORM_SOURCE_DIR) / "README.md");
    const auto list = readme_list();
    EXPECT_NE(readme.find("```\n" + list + "```\n"), std::string::npos)
        << "README.md should hold, in a fenced block:\n"
        << list << "(" << profile_ids().size() << " cases)";
}

TEST(ProtocolProfile, ListPrintsTheCasesItRuns) {
    test_support::TempDir dir;
    const auto r = test_support::run_to_end(test_support::wsconform_binary(),
                                            {"list", "--profile", "protocol"}, dir.path(), 20s);
    ASSERT_EQ(r.code, 0) << r.err;
    std::istringstream lines(r.out);
    std::vector<std::string> listed;
    for (std::string line; std::getline(lines, line);)
        listed.push_back(line.substr(0, line.find('\t')));
    EXPECT_EQ(listed, profile_ids());
}

// ---- two servers that never echo ------------------------------------------------------------

class NonEchoServers : public test_support::ScratchTest {
  protected:
    // Sections 1-7 and 10 under the protocol profile through the command line: the case
    // files by ID, and the exit code.
    std::map<std::string, json> run(const test_support::BuggyServer& server,
                                    const std::string& agent, int& code) {
        const auto outdir = dir_.path() / agent;
        std::vector<std::string> args = {
            "test-server", "ws://127.0.0.1:" + std::to_string(server.port()) + "/",
            "--profile",   "protocol",
            "--agent",     agent,
            "--outdir",    outdir.string(),
            "--quiet",     "--cases"};
        args.insert(args.end(), kSections247.begin(), kSections247.end());
        const auto r = test_support::run_to_end(test_support::wsconform_binary(), args, dir_.path(),
                                                120s, agent);
        code = r.code;
        std::map<std::string, json> out;
        const auto index = json::parse(test_support::read_text(outdir / "index.json"));
        for (const auto& [id, entry] : index.at(agent).items())
            out[id] = json::parse(
                test_support::read_text(outdir / entry.at("reportfile").get<std::string>()));
        return out;
    }

    // Every case as `table` says for those the profile runs; the others UNIMPLEMENTED with
    // the reason.
    void check(const std::map<std::string, json>& reports, const ExpectTable& table,
               const std::string& peer) {
        ExpectTable with_not_run;
        for (const auto* c : all_247())
            if (!cases::protocol_decision(*c).runs)
                with_not_run.push_back({c->id, Outcome::unimplemented,
                                        "UNIMPLEMENTED / UNIMPLEMENTED", "needs an echo"});
        with_not_run.insert(with_not_run.end(), table.begin(), table.end());
        const auto tally =
            expect_verdicts(with_not_run, peer, [&](const Case& c) -> std::optional<CaseEnd> {
                const auto it = reports.find(c.id);
                if (it == reports.end()) return std::nullopt;
                const auto& r = it->second;
                const auto result = r.at("result").get<std::string>();
                if (!cases::protocol_decision(c).runs) {
                    EXPECT_NE(result.find("needs an echo server (--profile protocol)"),
                              std::string::npos)
                        << c.id << ": " << result;
                }
                return CaseEnd{r.at("outcome").get<std::string>(),
                               r.at("behavior").get<std::string>(),
                               r.at("behaviorClose").get<std::string>(),
                               result + " / " + r.at("resultClose").get<std::string>()};
            });
        std::cout << "  " << peer << ":" << tally << "\n";
    }
};

TEST_F(NonEchoServers, ACleanOnePassesEveryCaseTheProfileRuns) {
    ASSERT_FALSE(dir_.path().empty());
    test_support::BuggyServer server({.echo = false});
    int code = -1;
    const auto reports = run(server, "clean", code);
    check(reports, kInformational, "a clean server that never echoes");
    EXPECT_EQ(code, 0);
}

TEST_F(NonEchoServers, ABuggyOneFailsExactlyTheMatchingCases) {
    ASSERT_FALSE(dir_.path().empty());
    using test_support::Bug;
    test_support::BuggyServer server(
        {.bugs = {Bug::ignore_rsv, Bug::skip_utf8_validation, Bug::no_pong}, .echo = false});
    int code = -1;
    const auto reports = run(server, "buggy", code);
    // As each bug alone fails an echo server's cases (tests/support/verdict_table.cpp), but
    // for RSV: with nothing echoed, only the close column tells.
    check(reports,
          concat({rows({"3.1", "3.2", "3.3", "3.4", "3.5", "3.6"}, Outcome::fail, "* / FAILED",
                       "the frame with RSV bits is accepted: our kill timer closes (wrong "
                       "endpoint)"),
                  kSkipsUtf8Validation, expectations(Bug::no_pong)}),
          "a server that never echoes, with planted bugs");
    EXPECT_EQ(code, 1);
}

}  // namespace
}  // namespace wsconform
