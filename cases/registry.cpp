#include "cases/registry.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <regex>

#include "cases/sections.h"
#include "harness/model/case_id.h"

namespace wsconform::cases {

namespace {

std::vector<harness::Case> build_catalogue() {
    std::vector<harness::Case> all;
    for (const auto& section : sections()) {
        auto cases = section.build();
        std::move(cases.begin(), cases.end(), std::back_inserter(all));
    }
    std::sort(all.begin(), all.end(), [](const harness::Case& a, const harness::Case& b) {
        return harness::case_id_less(a.id, b.id);
    });
    for (std::size_t i = 1; i < all.size(); ++i) {
        if (all[i - 1].id == all[i].id) {
            std::fprintf(stderr, "wsconform: duplicate case ID %s in the catalogue\n",
                         all[i].id.c_str());
            std::abort();
        }
    }
    return all;
}

// AB:caseset.py: '.' is literal, '*' is any run of characters, everything else is passed to
// the regex engine as it is.
std::string to_regex(std::string_view pattern) {
    std::string out;
    for (char c : pattern) {
        if (c == '.')
            out += "\\.";
        else if (c == '*')
            out += ".*";
        else
            out += c;
    }
    return out;
}

// A pattern compiled once. A pattern the regex engine rejects matches nothing (Autobahn would
// stop with a traceback; we report it as unmatched instead).
class Pattern {
  public:
    Pattern(std::string_view pattern, bool anchored_at_end) : text_(pattern) {
        if (!anchored_at_end && pattern.find('*') == std::string_view::npos) return;  // literal
        try {
            regex_ = std::regex(to_regex(pattern) + (anchored_at_end ? "$" : ""));
        } catch (const std::regex_error&) {
            invalid_ = true;
        }
    }

    bool matches(std::string_view id) const {
        if (invalid_) return false;
        if (!regex_) return id == text_;
        // Python's re.match: anchored at the start only (the caller adds '$' for full).
        return std::regex_search(id.begin(), id.end(), *regex_,
                                 std::regex_constants::match_continuous);
    }

  private:
    std::string text_;
    std::optional<std::regex> regex_;
    bool invalid_ = false;
};

}  // namespace

const std::vector<harness::Case>& all_cases() {
    static const std::vector<harness::Case> catalogue = build_catalogue();
    return catalogue;
}

bool opts_in(std::string_view pattern, std::string_view id) {
    return !id.starts_with("15.") || pattern.starts_with("15");
}

bool pattern_matches(std::string_view pattern, std::string_view id) {
    return opts_in(pattern, id) && Pattern(pattern, false).matches(id);
}

bool pattern_matches_fully(std::string_view pattern, std::string_view id) {
    return Pattern(pattern, true).matches(id);
}

std::vector<const harness::Case*> select(std::span<const std::string> include,
                                         std::span<const std::string> exclude,
                                         std::vector<std::string>* unmatched) {
    std::vector<Pattern> includes;
    std::vector<Pattern> excludes;
    for (const auto& p : include) includes.emplace_back(p, false);
    for (const auto& p : exclude) excludes.emplace_back(p, false);

    std::vector<bool> include_used(includes.size(), false);
    std::vector<const harness::Case*> out;
    for (const harness::Case& c : all_cases()) {
        bool selected = false;
        for (std::size_t i = 0; i < includes.size(); ++i) {
            if (opts_in(include[i], c.id) && includes[i].matches(c.id)) {
                selected = true;
                include_used[i] = true;
            }
        }
        if (!selected) continue;
        const bool excluded = std::any_of(excludes.begin(), excludes.end(),
                                          [&](const Pattern& p) { return p.matches(c.id); });
        if (!excluded) out.push_back(&c);
    }
    if (unmatched) {
        for (std::size_t i = 0; i < includes.size(); ++i)
            if (!include_used[i]) unmatched->push_back(include[i]);
    }
    return out;
}

const harness::Case* find(std::string_view id) {
    const auto& all = all_cases();
    auto it = std::lower_bound(all.begin(), all.end(), id,
                               [](const harness::Case& c, std::string_view key) {
                                   return harness::case_id_less(c.id, key);
                               });
    if (it != all.end() && it->id == id) return &*it;
    return nullptr;
}

}  // namespace wsconform::cases
