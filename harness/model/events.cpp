#include "harness/model/events.h"

#include <array>

namespace wsconform::harness {

namespace {
constexpr std::array<std::pair<Behavior, std::string_view>, 8> kBehaviorNames{{
    {Behavior::ok, "OK"},
    {Behavior::non_strict, "NON-STRICT"},
    {Behavior::failed, "FAILED"},
    {Behavior::wrong_code, "WRONG CODE"},
    {Behavior::unclean, "UNCLEAN"},
    {Behavior::failed_by_client, "FAILED BY CLIENT"},
    {Behavior::informational, "INFORMATIONAL"},
    {Behavior::unimplemented, "UNIMPLEMENTED"},
}};

// The names of Outcome's values, in their order.
constexpr std::array<std::string_view, kOutcomeCount> kOutcomeNames{
    "pass", "non-strict", "informational", "unimplemented", "fail", "warning", "not-run"};
}  // namespace

std::string_view to_string(Behavior b) noexcept {
    for (const auto& [value, name] : kBehaviorNames)
        if (value == b) return name;
    return "FAILED";
}

std::optional<Behavior> behavior_from_string(std::string_view s) noexcept {
    for (const auto& [value, name] : kBehaviorNames)
        if (name == s) return value;
    return std::nullopt;
}

std::string_view to_string(Outcome o) noexcept {
    const auto i = static_cast<std::size_t>(o);
    return i < kOutcomeNames.size() ? kOutcomeNames[i] : "fail";
}

}  // namespace wsconform::harness
