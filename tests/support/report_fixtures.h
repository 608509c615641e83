// What the report tests share: section headings built here (the renderers take them as data,
// as the CLI passes the catalogue's), the cases and results they write into report folders,
// checks on rendered text, and running a command. A test says `using namespace
// test_support;` and has these, the temporary folders of temp_dir.h, `fs` and the verdict
// types.
#pragma once

#include <stdio.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "harness/model/section.h"
#include "tests/support/temp_dir.h"

namespace wsconform::test_support {

namespace fs = std::filesystem;
using harness::Behavior;
using harness::Outcome;

// The headings the report tests look for: Autobahn's, for the sections they use.
inline const harness::SectionTitles& report_titles() {
    static const harness::SectionTitles titles({
        {"1", "Framing"},
        {"2", "Pings/Pongs"},
        {"6", "UTF-8 Handling"},
        {"7", "Close Handling"},
        {"9", "Limits/Performance"},
        {"12", "WebSocket Compression (different payloads)"},
        {"1.1", "Text Messages"},
        {"1.2", "Binary Messages"},
        {"6.4", "Fail-fast on invalid UTF-8"},
        {"9.1", "Text Message (increasing size)"},
    });
    return titles;
}

inline harness::Case report_case(std::string id, std::string title, std::string requirement = {}) {
    harness::Case c;
    c.id = std::move(id);
    c.title = std::move(title);
    c.requirement = std::move(requirement);
    return c;
}

// The behavior column that goes with an outcome (the close column stays OK).
inline harness::Behavior behavior_for(harness::Outcome outcome) {
    using harness::Behavior;
    using harness::Outcome;
    constexpr std::pair<Outcome, Behavior> kColumns[] = {
        {Outcome::pass, Behavior::ok},
        {Outcome::non_strict, Behavior::non_strict},
        {Outcome::informational, Behavior::informational},
        {Outcome::unimplemented, Behavior::unimplemented},
    };
    for (const auto& [o, b] : kColumns)
        if (o == outcome) return b;
    return Behavior::failed;
}

// A result of `c` for `agent`: it started at 2026-01-01T00:00:00.000Z and took 7 ms, the peer
// closed cleanly with 1000, and the verdict has `outcome` (behavior_for(), close OK).
inline harness::CaseResult report_result(const harness::Case& c, std::string agent,
                                         harness::Outcome outcome) {
    harness::CaseResult r;
    r.test = &c;
    r.agent = std::move(agent);
    r.started = "2026-01-01T00:00:00.000Z";
    r.duration_ms = 7;
    r.observation.was_open = true;
    r.observation.remote_close_code = 1000;
    r.observation.was_clean = true;
    r.verdict.outcome = outcome;
    r.verdict.behavior = behavior_for(outcome);
    r.verdict.behavior_close = harness::Behavior::ok;
    return r;
}

// Runs `command` in a shell: its exit status (-1 when it did not exit), and what it printed
// (stdout and stderr) in *output.
inline int run_command(const std::string& command, std::string* output = nullptr) {
    FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    if (!p) return -1;
    std::string out;
    char buf[4096];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    const int status = ::pclose(p);
    if (output) *output = std::move(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// Each of `parts` is somewhere in `text` (`where` names it in a failure).
inline void expect_contains(const std::string& text, std::initializer_list<std::string_view> parts,
                            std::string_view where = {}) {
    for (const auto part : parts)
        EXPECT_NE(text.find(part), std::string::npos) << where << ": no " << part;
}

// None of `parts` is in `text`.
inline void expect_lacks(const std::string& text, std::initializer_list<std::string_view> parts,
                         std::string_view where = {}) {
    for (const auto part : parts)
        EXPECT_EQ(text.find(part), std::string::npos) << where << ": " << part;
}

}  // namespace wsconform::test_support
