#include "harness/model/wire_log.h"

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

void WireLog::add_note(std::int64_t t_us, std::string text) {
    WireRow row;
    row.kind = "NOTE";
    row.t_us = t_us;
    row.text = std::move(text);
    add(std::move(row));
}

}  // namespace wsconform::harness
