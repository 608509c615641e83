#include "harness/model/case_id.h"

#include <charconv>
#include <optional>

namespace wsconform::harness {

namespace {

// One component of an ID: its integer value, or nullopt when it is not a plain number.
std::optional<unsigned long long> as_number(std::string_view part) {
    unsigned long long value = 0;
    if (part.empty()) return std::nullopt;
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
    if (ec != std::errc{} || end != part.data() + part.size()) return std::nullopt;
    return value;
}

std::string_view next_part(std::string_view& rest) {
    const auto dot = rest.find('.');
    std::string_view part = rest.substr(0, dot);
    rest = dot == std::string_view::npos ? std::string_view{} : rest.substr(dot + 1);
    return part;
}

}  // namespace

bool case_id_less(std::string_view a, std::string_view b) noexcept {
    while (!a.empty() && !b.empty()) {
        const std::string_view pa = next_part(a);
        const std::string_view pb = next_part(b);
        const auto na = as_number(pa);
        const auto nb = as_number(pb);
        if (na && nb) {
            if (*na != *nb) return *na < *nb;
        } else if (pa != pb) {
            if (na || nb) return na.has_value();
            return pa < pb;
        }
    }
    return a.empty() && !b.empty();
}

}  // namespace wsconform::harness
