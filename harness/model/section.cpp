#include "harness/model/section.h"

namespace wsconform::harness {

const std::string* SectionTitles::find(std::string_view key) const {
    for (const auto& [k, title] : entries_)
        if (k == key) return &title;
    return nullptr;
}

std::string SectionTitles::section(std::string_view number) const {
    if (const auto* title = find(number)) return std::string(number) + ' ' + *title;
    return "Section " + std::string(number);
}

std::string SectionTitles::subsection(std::string_view key) const {
    if (key.empty()) return {};
    if (const auto* title = find(key)) return std::string(key) + ' ' + *title;
    return std::string(key);
}

}  // namespace wsconform::harness
