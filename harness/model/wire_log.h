// Every octet in and out of one case's connection, with timestamps and decoded frames, as
// Autobahn's wirelog rows (AB:fuzzing.py logRxOctets/logTxFrame...). Bounded by bytes, whatever
// the peer sends: payload excerpts are cut, the first kHeadBytes of rows and the last
// kTailBytes are kept, and of the rows between only the harness's remarks (up to
// kMiddleNoteBytes) and a count and size of the rest.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wsconform::harness {

struct WireRow {
    // "TO" octets sent, "RO" octets received, "TF" frame sent, "RF" frame received,
    // "CT"/"CTE" continue-later set/fired, "KL"/"KLE" kill timer set/fired,
    // "TI"/"TIE" close timer set/fired, "WLM" wire log switched, "NOTE" a harness remark.
    std::string kind;
    std::int64_t t_us = 0;     // microseconds since the connection started
    std::uint64_t length = 0;  // octets/payload length (TO, RO, TF, RF)
    std::string excerpt;       // the first bytes (at most kExcerptBytes) of the octets/payload
    // Frames (TF/RF).
    std::uint8_t opcode = 0;
    bool fin = false;
    std::uint8_t rsv = 0;
    bool masked = false;
    std::optional<std::string> mask_hex;
    std::optional<std::uint64_t> repeat_length;  // TF: payload_len
    std::optional<std::uint64_t> chopsize;       // TF
    bool sync = false;                           // TO/TF
    // Timers (CT, KL, TI): delay in seconds; CT/CTE: tag; WLM: enabled; NOTE: text.
    double delay_s = 0;
    std::string text;
    bool enabled = false;
    // NOTE rows that retell traffic (an HTTP/2 frame, a header block) rather than explain it:
    // dropped from the middle of a long log like the frames they retell. Not reported.
    bool trace = false;
};

class WireLog {
  public:
    static constexpr std::size_t kExcerptBytes = 256;
    // What the rows may take in memory (each row counted as sizeof(WireRow) plus its strings):
    // the first kHeadBytes, then the last kTailBytes.
    static constexpr std::size_t kHeadBytes = 64 * 1024;
    static constexpr std::size_t kTailBytes = 16 * 1024;
    // Remarks of the harness (NOTE rows that are not traces) between the head and the tail are
    // what explains a verdict in a long log: the first kMiddleNoteBytes of them are kept.
    static constexpr std::size_t kMiddleNoteBytes = 8 * 1024;

    void add(WireRow row);
    // A NOTE row: what the harness saw or did, in words.
    void add_note(std::int64_t t_us, std::string text);
    // A NOTE row that retells traffic (see WireRow::trace).
    void add_trace(std::int64_t t_us, std::string text);
    bool enabled() const noexcept { return enabled_; }
    void set_enabled(bool on, std::int64_t t_us);

    // The rows kept, in order: the head, then (when rows were dropped) a NOTE row saying how
    // many and how large, the remarks kept from between, then the tail.
    std::vector<WireRow> rows() const;
    std::uint64_t dropped_rows() const noexcept { return dropped_; }
    std::uint64_t dropped_bytes() const noexcept { return dropped_bytes_; }

    // Octet and frame statistics (Autobahn's rx/txOctetStats, rx/txFrameStats): kept even when
    // the log is off.
    std::map<std::uint64_t, std::uint64_t> rx_octets, tx_octets;  // read/write size -> count
    std::map<std::uint8_t, std::uint64_t> rx_frames, tx_frames;   // opcode -> count

  private:
    std::vector<WireRow> rows_;  // the head
    std::vector<WireRow> middle_notes_;
    std::deque<WireRow> tail_;
    std::size_t head_bytes_ = 0, middle_note_bytes_ = 0, tail_bytes_ = 0;
    std::uint64_t dropped_ = 0, dropped_bytes_ = 0;
    std::int64_t dropped_from_us_ = 0;   // the time of the first row dropped
    std::size_t notes_before_drop_ = 0;  // remarks kept from before it
    bool enabled_ = true;
};

}  // namespace wsconform::harness
