#include "reports/outcomes.h"

#include <iterator>

namespace wsconform::reports {

namespace {

using harness::Outcome;

struct OutcomeStyle {
    Outcome outcome;
    std::string_view label;
    std::string_view symbol;  // terminal
    std::string_view glyph;   // HTML
    std::string_view color;   // ANSI
    int severity;
};

constexpr OutcomeStyle kStyles[] = {
    {Outcome::pass, "Pass", "✔", "✔", "\x1b[32m", 0},                    // green
    {Outcome::non_strict, "Non-strict", "~", "~", "\x1b[33m", 1},        // yellow
    {Outcome::informational, "Informational", "~", "ℹ", "\x1b[36m", 0},  // cyan
    {Outcome::unimplemented, "Unimplemented", "∅", "∅", "\x1b[90m", 2},  // grey
    {Outcome::fail, "Fail", "✘", "✘", "\x1b[31m", 3},                    // red
    {Outcome::warning, "Warning", "!", "⚠", "\x1b[35m", 1},              // magenta
    {Outcome::not_run, "Not run", "–", "–", "\x1b[90m", 2},              // grey
};
static_assert(std::size(kStyles) == harness::kOutcomeCount);

const OutcomeStyle& style_of(Outcome o) noexcept {
    for (const auto& s : kStyles)
        if (s.outcome == o) return s;
    return kStyles[4];  // fail
}

}  // namespace

std::optional<Outcome> outcome_from_string(std::string_view s) noexcept {
    for (const auto& style : kStyles)
        if (harness::to_string(style.outcome) == s) return style.outcome;
    return std::nullopt;
}

std::string_view outcome_label(Outcome o) noexcept {
    return style_of(o).label;
}

std::string_view outcome_symbol(Outcome o) noexcept {
    return style_of(o).symbol;
}

std::string_view outcome_glyph(Outcome o) noexcept {
    return style_of(o).glyph;
}

std::string_view outcome_color(Outcome o) noexcept {
    return style_of(o).color;
}

int outcome_severity(Outcome o) noexcept {
    return style_of(o).severity;
}

}  // namespace wsconform::reports
