// The table of the catalogue's sections (cases/sections.def), and the subsection headings.
#include "cases/sections.h"

#include <string_view>
#include <utility>

namespace wsconform::cases {

namespace {

constexpr Section kSections[] = {
#define WSCONFORM_SECTION(number, title, build) {#number, title, &build},
#define WSCONFORM_SUBSECTION(key, title)
#include "cases/sections.def"
#undef WSCONFORM_SECTION
#undef WSCONFORM_SUBSECTION
};

constexpr std::pair<std::string_view, std::string_view> kSubsectionTitles[] = {
#define WSCONFORM_SECTION(number, title, build)
#define WSCONFORM_SUBSECTION(key, title) {#key, title},
#include "cases/sections.def"
#undef WSCONFORM_SECTION
#undef WSCONFORM_SUBSECTION
};

}  // namespace

std::span<const Section> sections() {
    return kSections;
}

const harness::SectionTitles& section_titles() {
    static const harness::SectionTitles titles = [] {
        std::vector<harness::SectionTitles::Entry> entries;
        for (const auto& s : kSections) entries.emplace_back(s.number, s.title);
        for (const auto& [key, title] : kSubsectionTitles) entries.emplace_back(key, title);
        return harness::SectionTitles(std::move(entries));
    }();
    return titles;
}

}  // namespace wsconform::cases
