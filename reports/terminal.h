// What a person sees in the terminal: one line per case worth a look (with the requirement,
// Expected and Actual when it failed), a recap of failures and one summary line.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/case_id.h"
#include "harness/model/events.h"
#include "reports/outcomes.h"

namespace wsconform::harness {
struct CaseResult;
}

namespace wsconform::reports {

// What the summary needs of one result.
struct SummaryRow {
    std::string id;
    std::string agent;
    std::string title;
    harness::Outcome outcome = harness::Outcome::fail;
    std::string reason;  // the verdict's outcome_reason
    std::int64_t duration_ms = 0;
};

SummaryRow summary_row(const harness::CaseResult& result);

// `text` in an ANSI style (ending with a reset) when `color`, else as it is.
std::string paint(std::string_view style, std::string_view text, bool color);

// One line: symbol, ID, title, outcome reason, [agent]. When the case failed, also the
// requirement, "Expected:" (the accepted alternatives and the expected close) and "Actual:"
// (what was received and how the connection closed). Prints whatever result it is given; the
// caller picks which (typically those that did not pass). ANSI colour only when `color`.
// Text that came from the peer is shown with control characters escaped.
void print_case_line(std::ostream& out, const harness::CaseResult& result, bool color);

// A recap of the failed cases (natural ID order, the first 50), a line per agent when there
// are several, and one summary line:
//   247 cases: 240 passed, 3 non-strict, 3 informational, 1 failed (2.31 s)
void print_summary(std::ostream& out, const std::vector<SummaryRow>& rows, double elapsed_s,
                   bool color);

}  // namespace wsconform::reports
