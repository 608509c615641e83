// The headings of sections and subsections ("6" UTF-8 Handling, "6.4" Fail-fast on invalid
// UTF-8). The catalogue owns them (cases/sections.def); reports receive them as data, so a new
// section needs no edit in reports/.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsconform::harness {

class SectionTitles {
  public:
    using Entry = std::pair<std::string, std::string>;  // {"6.4", "Fail-fast on invalid UTF-8"}

    SectionTitles() = default;
    explicit SectionTitles(std::vector<Entry> entries) : entries_(std::move(entries)) {}

    // "6" -> "6 UTF-8 Handling"; "Section N" when unknown.
    std::string section(std::string_view number) const;
    // "6.4" -> "6.4 Fail-fast on invalid UTF-8"; the bare key when unknown, "" for "".
    std::string subsection(std::string_view key) const;

  private:
    const std::string* find(std::string_view key) const;
    std::vector<Entry> entries_;
};

}  // namespace wsconform::harness
