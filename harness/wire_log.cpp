#include "harness/wire_log.h"

namespace wsconform::harness {

void WireLog::add(WireRow row) {
    if (!enabled_ && row.kind != "WLM" && row.kind != "NOTE") return;
    if (rows_.size() >= kMaxRows) {
        ++dropped_;
        return;
    }
    if (row.excerpt.size() > kExcerptBytes) row.excerpt.resize(kExcerptBytes);
    rows_.push_back(std::move(row));
}

void WireLog::set_enabled(bool on, std::int64_t t_us) {
    if (on == enabled_) return;
    enabled_ = on;
    WireRow row;
    row.kind = "WLM";
    row.t_us = t_us;
    row.enabled = on;
    add(std::move(row));
}

std::string to_hex(std::string_view bytes, std::size_t max) {
    static constexpr char kDigits[] = "0123456789abcdef";
    const std::size_t n = bytes.size() < max ? bytes.size() : max;
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        const auto b = static_cast<unsigned char>(bytes[i]);
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

}  // namespace wsconform::harness
