#include "cases/registry.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <regex>

namespace wsconform::cases {

namespace {

// Every section, in any order (all_cases() sorts). A new section file adds its function here.
using SectionFn = std::vector<harness::Case> (*)();
constexpr SectionFn kSections[] = {
    &section1_framing,         &section2_pings,
    &section3_reserved_bits,   &section4_opcodes,
    &section5_fragmentation,   &section6_utf8,
    &section7_close,           &section9_limits,
    &section10_misc,           &section12_deflate_payloads,
    &section13_deflate_params, &section14_handshake,
};

std::vector<harness::Case> build_catalogue() {
    std::vector<harness::Case> all;
    for (SectionFn section : kSections) {
        auto cases = section();
        std::move(cases.begin(), cases.end(), std::back_inserter(all));
    }
    std::sort(all.begin(), all.end(),
              [](const harness::Case& a, const harness::Case& b) { return id_less(a.id, b.id); });
    for (std::size_t i = 1; i < all.size(); ++i) {
        if (all[i - 1].id == all[i].id) {
            std::fprintf(stderr, "wsconform: duplicate case ID %s in the catalogue\n",
                         all[i].id.c_str());
            std::abort();
        }
    }
    return all;
}

// One component of an ID: its integer value, or nullopt when it is not a plain number.
std::optional<unsigned long> as_number(std::string_view part) {
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc{} || end != part.data() + part.size() || part.empty()) return std::nullopt;
    return value;
}

std::string_view next_part(std::string_view& rest) {
    const auto dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    return part;
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

bool id_less(std::string_view a, std::string_view b) noexcept {
    // Integer tuples, compared element by element; a proper prefix sorts first (1.1 < 1.1.1).
    while (!a.empty() && !b.empty()) {
        const std::string_view pa = next_part(a);
        const std::string_view pb = next_part(b);
        const auto na = as_number(pa);
        const auto nb = as_number(pb);
        if (na && nb) {
            if (*na != *nb) return *na < *nb;
        } else if (pa != pb) {
            // Not Autobahn IDs; keep the order total: numbers first, then text.
            if (na || nb) return na.has_value();
            return pa < pb;
        }
    }
    return a.empty() && !b.empty();
}

bool pattern_matches(std::string_view pattern, std::string_view id) {
    return Pattern(pattern, false).matches(id);
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
            if (includes[i].matches(c.id)) {
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
    auto it = std::lower_bound(
        all.begin(), all.end(), id,
        [](const harness::Case& c, std::string_view key) { return id_less(c.id, key); });
    if (it != all.end() && it->id == id) return &*it;
    return nullptr;
}

}  // namespace wsconform::cases
