#include "harness/model/wire_log.h"

#include <cstddef>
#include <utility>

namespace wsconform::harness {

namespace {

// What a row holds in memory, roughly: the struct and its strings.
std::size_t row_bytes(const WireRow& row) {
    return sizeof(WireRow) + row.kind.size() + row.excerpt.size() + row.text.size() +
           (row.mask_hex ? row.mask_hex->size() : 0);
}

WireRow note_row(std::int64_t t_us, std::string text) {
    WireRow row;
    row.kind = "NOTE";
    row.t_us = t_us;
    row.text = std::move(text);
    return row;
}

}  // namespace

void WireLog::add(WireRow row) {
    if (!enabled_ && row.kind != "WLM" && row.kind != "NOTE") return;
    if (row.excerpt.size() > kExcerptBytes) row.excerpt.resize(kExcerptBytes);
    const std::size_t bytes = row_bytes(row);
    if (tail_.empty() && head_bytes_ + bytes <= kHeadBytes) {
        head_bytes_ += bytes;
        rows_.push_back(std::move(row));
        return;
    }
    tail_bytes_ += bytes;
    tail_.push_back(std::move(row));
    while (tail_bytes_ > kTailBytes && tail_.size() > 1) {
        WireRow& oldest = tail_.front();
        const std::size_t front = row_bytes(oldest);
        tail_bytes_ -= front;
        if (oldest.kind == "NOTE" && !oldest.trace &&
            middle_note_bytes_ + front <= kMiddleNoteBytes) {
            middle_note_bytes_ += front;
            middle_notes_.push_back(std::move(oldest));
        } else {
            if (dropped_ == 0) {
                dropped_from_us_ = oldest.t_us;
                notes_before_drop_ = middle_notes_.size();
            }
            ++dropped_;
            dropped_bytes_ += front;
        }
        tail_.pop_front();
    }
}

std::vector<WireRow> WireLog::rows() const {
    std::vector<WireRow> out = rows_;
    // The count stands where the first dropped row stood, among the remarks kept.
    const std::size_t before_count = dropped_ > 0 ? notes_before_drop_ : middle_notes_.size();
    const auto remarks_before = middle_notes_.begin() + static_cast<std::ptrdiff_t>(before_count);
    out.insert(out.end(), middle_notes_.begin(), remarks_before);
    if (dropped_ > 0) {
        out.push_back(note_row(
            dropped_from_us_,
            std::to_string(dropped_) + " further wire log rows (" +
                std::to_string(dropped_bytes_ / 1024) + " KiB) not kept: the log keeps its first " +
                std::to_string(kHeadBytes / 1024) + " KiB and its last " +
                std::to_string(kTailBytes / 1024) + " KiB, and the harness's remarks between"));
    }
    out.insert(out.end(), remarks_before, middle_notes_.end());
    out.insert(out.end(), tail_.begin(), tail_.end());
    return out;
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
    add(note_row(t_us, std::move(text)));
}

void WireLog::add_trace(std::int64_t t_us, std::string text) {
    auto row = note_row(t_us, std::move(text));
    row.trace = true;
    add(std::move(row));
}

}  // namespace wsconform::harness
