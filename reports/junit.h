// junit.xml: the report folder as JUnit XML (the Ant/Jenkins shape that GitHub Actions test
// reporters, Jenkins and GitLab read). One <testsuite> per agent × section; a failed case is a
// <failure>, a harness fault (harnessError before the WebSocket opened) an <error>, an
// UNIMPLEMENTED case or one not run for this agent <skipped>.
#pragma once

#include <string>
#include <string_view>

#include "reports/views.h"

namespace wsconform::reports {

// Suite names carry the section headings of `titles` (the catalogue's).
std::string render_junit(const ReportModel& model, const harness::SectionTitles& titles);

// Text for XML 1.0 (content and attribute values): valid UTF-8 (bad bytes become U+FFFD),
// & < > " ' escaped, tab / newline / CR kept as character references in attributes, and the
// characters XML 1.0 forbids (other C0 controls, U+FFFE, U+FFFF) dropped.
std::string xml_escape(std::string_view text, bool attribute);

}  // namespace wsconform::reports
