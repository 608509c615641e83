// The catalogue's sections: number, heading, and the function that builds its cases.
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

}  // namespace wsconform::cases
