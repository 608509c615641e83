// The catalogue's sections (cases/sections.def): number, heading, and the function that builds
// its cases.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/section.h"

namespace wsconform::cases {

struct Section {
    std::string_view number;  // "6"
    std::string_view title;   // "UTF-8 Handling"
    std::vector<harness::Case> (*build)();
};

// Every section, in order.
std::span<const Section> sections();

// Section and subsection headings, for the reports.
const harness::SectionTitles& section_titles();

// The function of each section, defined in the section's own file or folder.
#define WSCONFORM_SECTION(number, title, build) std::vector<harness::Case> build();
#define WSCONFORM_SUBSECTION(key, title)
#include "cases/sections.def"
#undef WSCONFORM_SECTION
#undef WSCONFORM_SUBSECTION

}  // namespace wsconform::cases
