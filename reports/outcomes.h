// How each outcome is named and shown, from one table: its label, its symbols (HTML and
// terminal), its terminal colour and its severity.
#pragma once

#include <optional>
#include <string_view>

#include "harness/model/events.h"

namespace wsconform::reports {

// "pass", "non-strict", ... (harness::to_string) back to the outcome.
std::optional<harness::Outcome> outcome_from_string(std::string_view s) noexcept;
// "Pass", "Non-strict", "Informational", "Unimplemented", "Fail", "Warning", "Not run".
std::string_view outcome_label(harness::Outcome o) noexcept;
// For the terminal: ✔ pass, ~ non-strict or informational, ∅ unimplemented, ✘ fail,
// ! warning, – not run.
std::string_view outcome_symbol(harness::Outcome o) noexcept;
// For the HTML views: as outcome_symbol() but ℹ for informational and ⚠ for a warning (a page
// needs them apart without colour).
std::string_view outcome_glyph(harness::Outcome o) noexcept;
// The ANSI colour of the outcome's symbol in the terminal.
std::string_view outcome_color(harness::Outcome o) noexcept;
// How bad an outcome is, for baselines: pass and informational 0, non-strict and warning 1,
// unimplemented and not run 2, fail 3.
int outcome_severity(harness::Outcome o) noexcept;

}  // namespace wsconform::reports
