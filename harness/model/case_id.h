// The one order of case IDs, used by the catalogue, the runner's case numbers and every report.
#pragma once

#include <string_view>

namespace wsconform::harness {

// Compares IDs as integer tuples (1.1.9 < 1.1.10 < 2.1 < 10.1.1); a proper prefix sorts first
// (1.1 < 1.1.1). Components that are not plain numbers sort after numbers, as text, so the
// order stays total for IDs from outside (a report folder, a baseline).
bool case_id_less(std::string_view a, std::string_view b) noexcept;

}  // namespace wsconform::harness
