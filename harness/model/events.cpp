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
    switch (o) {
        case Outcome::pass:
            return "pass";
        case Outcome::non_strict:
            return "non-strict";
        case Outcome::informational:
            return "informational";
        case Outcome::unimplemented:
            return "unimplemented";
        case Outcome::fail:
            return "fail";
    }
    return "fail";
}

}  // namespace wsconform::harness
