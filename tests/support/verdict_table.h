// What the 247 cases of sections 1-7 and 10 must end with against a peer with one planted bug,
// as tables (detection_test: buggy servers; client_mode_test: buggy clients), and the check
// that holds a run against its table. The planted bugs are framing bugs; 9, 12 and 13 are
// long performance runs, and 14 tests the handshake (handshake_section_test).
#pragma once

#include <functional>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/events.h"
#include "tests/support/buggy_client.h"
#include "tests/support/buggy_server.h"

// The tables' vocabulary, for `using namespace test_support::verdicts`.
namespace wsconform::test_support::verdicts {

// Sections 1-7 and 10, Autobahn's quick run ("1.*" does not select 10.1.1: the dot is literal).
extern const std::vector<std::string> kSections247;
std::vector<const harness::Case*> all_247();

// One row: the cases a pattern (Autobahn glob, anchored at both ends) selects end with
// `outcome` and the two verdict columns `columns` ("behavior / behaviorClose", "*" for any),
// because `why`. The first matching row wins; a case no row matches must pass with "OK / OK".
struct Expect {
    std::string pattern;
    harness::Outcome outcome;
    std::string columns;
    std::string why;
};
using ExpectTable = std::vector<Expect>;

// 7.1.6 (order of echo and Close) and 7.13.x (codes 5000, 65535) are informational by design:
// both columns are forced, whatever the peer does.
extern const ExpectTable kInformational;

// Text with invalid UTF-8 (RFC 6455 8.1, RFC 3629): the peer must fail the connection with
// 1007. Autobahn's list (detection_test checks it against reference/autobahn-cases.tsv).
extern const std::vector<std::string> kInvalidUtf8;

// Frames the peer must refuse with 1002 (RFC 6455 5.2, 5.4, 5.5): control payload > 125,
// RSV bits, reserved opcodes, fragmented control frames, continuations out of place.
extern const std::vector<std::string> kProtocolErrors;

// Of kProtocolErrors, the cases that first send a valid message: an echo is OK, none is
// NON-STRICT.
extern const std::vector<std::string> kEchoBeforeTheBadFrame;

// Cases in which nothing but a Close is expected back: 2.7 and 2.8 (unsolicited Pongs get no
// answer), and the 7.x cases in which the tester sends a Close first.
extern const std::vector<std::string> kCloseOnly;

// A peer that never checks UTF-8 (server or client alike): it echoes invalid text, so the
// tester fails the connection itself, and answers a Close reason that is not UTF-8 with 1000.
extern const ExpectTable kSkipsUtf8Validation;

// One row per pattern, all with the same verdict and reason.
ExpectTable rows(const std::vector<std::string>& patterns, harness::Outcome outcome,
                 const std::string& columns, const std::string& why);
ExpectTable concat(std::initializer_list<ExpectTable> parts);

const Expect* expectation_for(const ExpectTable& table, std::string_view id);

// What each case must end with against a server with `bug` (detection_test), and against a
// client with `bug`, with us as the server (client_mode_test).
ExpectTable expectations(Bug bug);
ExpectTable expectations(ClientBug bug);

// How one case ended.
struct CaseEnd {
    std::string outcome;  // "pass", "non-strict", ... (harness::to_string(Outcome))
    std::string behavior;
    std::string behavior_close;
    std::string explanation;  // enough to tell whether the harness or the table is wrong
};

// Every case of all_247() ends as `table` says, and every row selects some case (a pattern
// that selects nothing is a typo): one GoogleTest failure for each that does not, naming
// `peer`, and for each case `end_of` has no result for. Returns the tally of outcomes,
// " fail=17 pass=230", for the test's log.
std::string expect_verdicts(
    const ExpectTable& table, std::string_view peer,
    const std::function<std::optional<CaseEnd>(const harness::Case&)>& end_of);

// The names of the current suite's tests that will run (after --gtest_filter), so that a
// SetUpTestSuite runs only the variants they look at.
std::vector<std::string> tests_to_run();

}  // namespace wsconform::test_support::verdicts
