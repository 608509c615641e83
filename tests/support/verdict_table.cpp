#include "tests/support/verdict_table.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <sstream>

#include "cases/registry.h"

namespace wsconform::test_support::verdicts {

using harness::Outcome;

const std::vector<std::string> kSections247 = {"1.*", "2.*", "3.*", "4.*",
                                               "5.*", "6.*", "7.*", "10.*"};

std::vector<const harness::Case*> all_247() {
    return cases::select(kSections247, {});
}

const ExpectTable kInformational = {
    {"7.1.6", Outcome::informational, "INFORMATIONAL / INFORMATIONAL", "informational by design"},
    {"7.13.*", Outcome::informational, "INFORMATIONAL / INFORMATIONAL", "informational by design"},
};

// The generated families 6.5-6.23 mix valid and invalid sequences; these are the invalid ones.
const std::vector<std::string> kInvalidUtf8 = {
    "6.3.*",  // κόσμε + a UTF-16 surrogate, whole and fragmented
    "6.4.*",  // fail-fast: U+110000 in the middle of a message
    "6.6.1",  // truncated prefixes of κόσμε: a code point cut short
    "6.6.3",  "6.6.4", "6.6.6", "6.6.8", "6.6.10",
    "6.8.*",   // 5- and 6-byte sequences
    "6.10.*",  // above U+10FFFF
    "6.11.5",  // U+110000
    "6.12.*",  // unexpected continuation bytes
    "6.13.*",  // lonely start bytes
    "6.14.*",  // sequences missing their last continuation byte
    "6.15.1",  // those concatenated
    "6.16.*",  // bytes FE and FF
    "6.17.*",  // overlong ASCII
    "6.18.*",  // maximal overlong sequences
    "6.19.*",  // overlong NUL
    "6.20.*",  // single UTF-16 surrogates
    "6.21.*",  // paired UTF-16 surrogates
};

const std::vector<std::string> kProtocolErrors = {
    "2.5",  "3.*",  "4.*",  "5.1",  "5.2",  "5.9",  "5.10", "5.11",
    "5.12", "5.13", "5.14", "5.15", "5.16", "5.17", "5.18",
};

const std::vector<std::string> kEchoBeforeTheBadFrame = {
    "3.2", "3.3", "3.4", "4.1.3", "4.1.4", "4.1.5", "4.2.3", "4.2.4", "4.2.5", "5.15",
};

const std::vector<std::string> kCloseOnly = {
    "2.7", "2.8", "7.1.2", "7.1.3", "7.1.4", "7.1.5", "7.3.1", "7.3.3", "7.3.4", "7.3.5", "7.7.*",
};

ExpectTable rows(const std::vector<std::string>& patterns, Outcome outcome,
                 const std::string& columns, const std::string& why) {
    ExpectTable out;
    for (const auto& p : patterns) out.push_back({p, outcome, columns, why});
    return out;
}

ExpectTable concat(std::initializer_list<ExpectTable> parts) {
    ExpectTable out;
    for (const auto& part : parts) out.insert(out.end(), part.begin(), part.end());
    return out;
}

const ExpectTable kSkipsUtf8Validation = concat({
    kInformational,
    rows(kInvalidUtf8, Outcome::fail, "FAILED / FAILED",
         "the invalid text is echoed: we fail the connection (1007) ourselves, and the wrong "
         "endpoint closing is fatal in UTF-8 cases"),
    {{"7.5.1", Outcome::fail, "FAILED / WRONG CODE",
      "a Close reason that is not UTF-8 is accepted and answered with 1000, not 1002/1007; "
      "WRONG CODE fails behavior in 7.x"}},
});

const Expect* expectation_for(const ExpectTable& table, std::string_view id) {
    for (const auto& row : table)
        if (cases::pattern_matches_fully(row.pattern, id)) return &row;
    return nullptr;
}

// ---- against buggy servers (detection_test) -------------------------------------------------

ExpectTable expectations(Bug bug) {
    switch (bug) {
        case Bug::none:
            return kInformational;

        case Bug::skip_utf8_validation:
            return kSkipsUtf8Validation;

        case Bug::ignore_rsv:
            return concat({
                kInformational,
                {{"3.7", Outcome::pass, "OK / OK",
                  "a Close with RSV bits is answered as a normal Close without a code; the "
                  "peer closed first and an empty Close passes any code list: this bug is "
                  "invisible on a Close"}},
                rows({"3.1", "3.2", "3.3", "3.4", "3.5", "3.6"}, Outcome::fail, "FAILED / FAILED",
                     "the frame with RSV bits is echoed instead of failing the connection, so "
                     "the events differ and our kill timer closes (wrong endpoint)"),
            });

        case Bug::no_pong:
            return concat({
                kInformational,
                rows({"2.1", "2.2", "2.3", "2.4", "2.6", "2.9", "2.10", "2.11"}, Outcome::fail,
                     "FAILED / OK", "the expected Pong never comes"),
                rows({"5.6", "5.7", "5.8", "5.19", "5.20"}, Outcome::fail, "FAILED / OK",
                     "the Ping between the fragments is never answered"),
            });

        case Bug::stall_after_handshake:
            return concat({
                kInformational,
                rows({"7.3.2", "7.3.6", "7.5.1", "7.9.*"}, Outcome::non_strict,
                     "OK / FAILED BY CLIENT",
                     "we send a malformed Close and, with no answer, drop TCP after the close "
                     "handshake timeout; requireClean is off, so Autobahn grades behaviorClose "
                     "FAILED BY CLIENT (a warning), not a failure"),
                rows(kCloseOnly, Outcome::fail, "OK / UNCLEAN",
                     "nothing is expected back, but our Close is never answered: the closing "
                     "handshake times out"),
                rows(kProtocolErrors, Outcome::fail, "* / FAILED",
                     "the peer never fails the connection: our kill timer closes (wrong "
                     "endpoint)"),
                rows(kInvalidUtf8, Outcome::fail, "FAILED / FAILED",
                     "the peer never fails the connection: our kill timer closes (wrong "
                     "endpoint, fatal in UTF-8 cases)"),
                {{"*", Outcome::fail, "FAILED / UNCLEAN",
                  "no echo or Pong ever comes, and our Close is never answered"}},
            });

        case Bug::close_always_1000:
            return concat({
                kInformational,
                rows(kProtocolErrors, Outcome::fail, "* / WRONG CODE",
                     "the connection is failed with 1000 instead of 1002"),
                rows(kInvalidUtf8, Outcome::fail, "* / WRONG CODE",
                     "the connection is failed with 1000 instead of 1007"),
                rows({"7.3.2", "7.3.6", "7.9.*"}, Outcome::fail, "FAILED / WRONG CODE",
                     "a malformed Close is answered with 1000 instead of 1002"),
                {{"7.5.1", Outcome::fail, "FAILED / WRONG CODE",
                  "a Close reason that is not UTF-8 is answered with 1000, not 1002/1007"}},
                // 7.7.x accept 1000 or the echoed code; everything else closes with 1000 anyway.
            });

        case Bug::reset_mid_case:
            return concat({
                kInformational,
                {{"6.4.*", Outcome::fail, "FAILED / OK",
                  "the reset comes with the first (valid) part, before timeout A: the peer "
                  "failed too early"}},
                rows(kInvalidUtf8, Outcome::pass, "OK / OK",
                     "a TCP reset on the first data frame looks like failing the connection by "
                     "dropping TCP, which Autobahn accepts (closedByMe false, no code)"),
                rows(kEchoBeforeTheBadFrame, Outcome::non_strict, "NON-STRICT / OK",
                     "reset on the valid message before the bad frame: no echo matches the "
                     "NON-STRICT alternative [], and a TCP drop counts as failing"),
                {{"5.18", Outcome::pass, "OK / OK",
                  "reset on the first frame: nothing echoed is the OK alternative and the drop "
                  "counts as failing the connection"}},
                {{"7.1.5", Outcome::fail, "OK / UNCLEAN",
                  "reset on the first fragment, after we queued our Close"}},
                rows({"1.*", "5.3", "5.4", "5.5", "5.6", "5.7", "5.8", "5.19", "5.20", "6.*",
                      "7.1.1", "10.1.1"},
                     Outcome::fail, "FAILED / FAILED",
                     "the message is never echoed: the connection is reset instead (so the "
                     "wrong endpoint ended it)"),
                // Section 2, section 7 but 7.1.1 and 7.1.5, and the frames the parser refuses
                // before any data frame is accepted (3.1, 3.5-3.7, 4.1.1-2, 4.2.1-2, 5.1-2,
                // 5.9-5.14, 5.16, 5.17) never reach the bug: they pass.
            });

        case Bug::wrong_accept:
            return concat({
                kInformational,  // forced even when the WebSocket never opened, as in Autobahn
                {{"*", Outcome::fail, "FAILED / FAILED", "the opening handshake never completes"}},
            });
    }
    return {};
}

// ---- against buggy clients, with us as the server (client_mode_test) --------------------------

// We close first and the peer must answer (closedByMe, requireClean): the echo cases
// (autobahn.md §2.2 "echo then fuzzer closes") and 7.x Closes it must simply answer.
// Listed after kInvalidUtf8 wherever both apply, so that "6.*" means the valid UTF-8 cases.
const std::vector<std::string> kWeCloseCleanly = {
    "1.*",   "2.1",   "2.2",   "2.3",   "2.4",   "2.6",   "2.7",    "2.8",
    "2.9",   "2.10",  "2.11",  "5.3",   "5.4",   "5.5",   "5.6",    "5.7",
    "5.8",   "5.19",  "5.20",  "6.*",   "7.1.1", "7.1.2", "7.1.3",  "7.1.4",
    "7.1.5", "7.3.1", "7.3.3", "7.3.4", "7.3.5", "7.7.*", "10.1.1",
};

ExpectTable expectations(ClientBug bug) {
    switch (bug) {
        case ClientBug::none:
            return kInformational;

        case ClientBug::unmasked:
            // RFC 6455 5.1: we fail the connection (1002) on the first unmasked frame, and
            // (like Autobahn|Python, which fails again on the unmasked Close that answers
            // ours) the closing handshake never completes cleanly.
            return concat({
                kInformational,
                rows(kInvalidUtf8, Outcome::fail, "FAILED / FAILED",
                     "the client's 1007 Close is unmasked, so we fail the connection first: "
                     "the wrong endpoint closed, fatal in UTF-8 cases"),
                rows(kEchoBeforeTheBadFrame, Outcome::fail, "NON-STRICT / FAILED",
                     "the echo of the valid message is unmasked: we fail the connection, so "
                     "nothing is recorded (the NON-STRICT list) and we closed first"),
                rows(kProtocolErrors, Outcome::fail, "OK / FAILED",
                     "the client's 1002 Close is unmasked: we fail the connection first, so the "
                     "wrong endpoint closed"),
                rows({"7.3.2", "7.3.6", "7.9.*", "7.5.1"}, Outcome::pass, "OK / OK",
                     "we closed first with a malformed Close; the client's unmasked 1002/1007 "
                     "answer makes us drop TCP, and these cases do not require a clean close"),
                rows(kCloseOnly, Outcome::fail, "OK / UNCLEAN",
                     "nothing to echo, but the client's answer to our Close is unmasked: we "
                     "drop TCP instead of completing the closing handshake"),
                {{"*", Outcome::fail, "FAILED / UNCLEAN",
                  "the echo (or Pong) is unmasked: we fail the connection with 1002 and its "
                  "unmasked answer to our Close is not a clean close"}},
            });

        case ClientBug::skip_utf8_validation:
            return kSkipsUtf8Validation;

        case ClientBug::no_close_reply:
            // Where the client must fail the connection it sends the first Close itself, and
            // cases that do not require a clean close (7.3.2, 7.3.6, 7.5.1, 7.9.*) see it fail
            // on the malformed Close: those pass.
            return concat({
                kInformational,
                rows(kInvalidUtf8, Outcome::pass, "OK / OK",
                     "the client fails the connection itself: nothing for it to answer"),
                rows(kWeCloseCleanly, Outcome::fail, "OK / UNCLEAN",
                     "our Close is never answered: the closing handshake times out"),
            });
    }
    return {};
}

namespace {

// "OK / WRONG CODE" against both columns; "*" matches any value.
bool columns_match(const std::string& columns, const CaseEnd& end) {
    const auto slash = columns.find(" / ");
    if (slash == std::string::npos) return false;
    const auto behavior = columns.substr(0, slash);
    const auto close = columns.substr(slash + 3);
    return (behavior == "*" || behavior == end.behavior) &&
           (close == "*" || close == end.behavior_close);
}

}  // namespace

std::string expect_verdicts(
    const ExpectTable& table, std::string_view peer,
    const std::function<std::optional<CaseEnd>(const harness::Case&)>& end_of) {
    const auto cases = all_247();
    if (cases.size() != 247u) ADD_FAILURE() << "sections 1-7 and 10 hold " << cases.size();
    std::map<std::string, int> tally;
    for (const auto* c : cases) {
        const auto* row = expectation_for(table, c->id);
        const std::string expected(harness::to_string(row ? row->outcome : Outcome::pass));
        const std::string columns = row ? row->columns : "OK / OK";
        const auto end = end_of(*c);
        if (!end) {
            ADD_FAILURE() << c->id << ": no result";
            continue;
        }
        ++tally[end->outcome];
        EXPECT_TRUE(end->outcome == expected && columns_match(columns, *end))
            << c->id << " (" << c->title << ") against " << peer << "\n    expected " << expected
            << ", " << columns << ": " << (row ? row->why : "unaffected by this bug")
            << "\n    actual " << end->outcome << ": " << end->explanation;
    }
    for (const auto& row : table) {
        const bool selects = std::any_of(cases.begin(), cases.end(), [&](const auto* c) {
            return cases::pattern_matches_fully(row.pattern, c->id);
        });
        EXPECT_TRUE(selects) << "pattern " << row.pattern << " selects no case";
    }
    std::ostringstream line;
    for (const auto& [outcome, n] : tally) line << " " << outcome << "=" << n;
    return line.str();
}

std::vector<std::string> tests_to_run() {
    std::vector<std::string> names;
    const auto* suite = ::testing::UnitTest::GetInstance()->current_test_suite();
    for (int i = 0; suite && i < suite->total_test_count(); ++i) {
        const auto* info = suite->GetTestInfo(i);
        if (info->should_run()) names.emplace_back(info->name());
    }
    return names;
}

}  // namespace wsconform::test_support::verdicts
