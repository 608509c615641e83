// Names for the test peers' enums (Bug, ClientBug, ServerFlaw): a table with one name per
// value, in the order the enum declares them, and a look-up each way.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace wsconform::test_support {

// The name of `value` in `names`. `Last` is the enum's last value: a table with a name too
// many or too few does not compile. A value outside the enum reads "?".
template <auto Last, std::size_t N>
constexpr std::string_view name_in(const std::array<std::string_view, N>& names,
                                   decltype(Last) value) noexcept {
    static_assert(N == static_cast<std::size_t>(Last) + 1, "one name per enum value");
    const auto i = static_cast<std::size_t>(value);
    return i < N ? names[i] : "?";
}

// The value named `name` in `names`, if any.
template <class Enum, std::size_t N>
constexpr std::optional<Enum> value_named(const std::array<std::string_view, N>& names,
                                          std::string_view name) noexcept {
    for (std::size_t i = 0; i < N; ++i)
        if (names[i] == name) return static_cast<Enum>(i);
    return std::nullopt;
}

}  // namespace wsconform::test_support
