// What the report tests share: section headings built here (the renderers take them as data,
// as the CLI passes the catalogue's), and the cases and results they write into report folders.
#pragma once

#include <string>
#include <utility>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "harness/model/section.h"

namespace wsconform::test_support {

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

}  // namespace wsconform::test_support
