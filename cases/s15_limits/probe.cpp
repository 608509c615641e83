#include "cases/s15_limits/probe.h"

#include <algorithm>
#include <cstdio>

namespace wsconform::cases::limits {

using harness::Behavior;
using harness::Event;
using harness::Observation;
using harness::Verdict;

std::string octets_text(std::uint64_t n) {
    std::string out = std::to_string(n) + (n == 1 ? " octet" : " octets");
    static constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(n);
    int unit = -1;
    while (v >= 1024 && unit < 3) {
        v /= 1024;
        ++unit;
    }
    if (unit >= 0) {
        char text[32];
        std::snprintf(text, sizeof text, " (%.4g %s)", v, kUnits[unit]);
        out += text;
    }
    return out;
}

std::string seconds_text(std::chrono::milliseconds t) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g s", static_cast<double>(t.count()) / 1000);
    return text;
}

std::string role_frame(bool we_are_server, protocol::FrameHeader header, std::string_view payload,
                       protocol::LengthForm form) {
    header.masked = !we_are_server;
    if (header.masked) header.mask_key = {0x15, 0x2a, 0x3f, 0x54};
    return protocol::encode_frame(header, payload, form);
}

namespace {

// Octets of a deflate stream, least significant bit first (RFC 1951 3.1.1).
class BitWriter {
  public:
    explicit BitWriter(std::size_t octets) : out_(octets, '\0') {}
    // `count` bits of `value`, low bit first (header fields, extra bits).
    void bits(unsigned value, int count) {
        for (int i = 0; i < count; ++i, ++at_)
            if ((value >> i) & 1) out_[at_ / 8] = static_cast<char>(out_[at_ / 8] | 1 << (at_ % 8));
    }
    // A Huffman code of `length` bits, its high bit first (RFC 1951 3.1.1).
    void code(unsigned value, int length) {
        for (int i = length - 1; i >= 0; --i) bits((value >> i) & 1, 1);
    }
    void zeros(std::uint64_t count) { at_ += count; }
    std::string take() {
        out_.resize((at_ + 7) / 8);
        return std::move(out_);
    }

  private:
    std::string out_;
    std::uint64_t at_ = 0;
};

constexpr std::uint64_t kMatch = 258;  // the longest match: length code 285

std::uint64_t bomb_matches(std::uint64_t inflated) {
    return inflated <= 1 ? 0 : (inflated - 1 + kMatch - 1) / kMatch;
}

}  // namespace

std::uint64_t deflate_bomb_size(std::uint64_t inflated) {
    return 1 + bomb_matches(inflated) * kMatch;
}

std::string deflate_bomb(std::uint64_t inflated) {
    const std::uint64_t matches = bomb_matches(inflated);
    BitWriter w(static_cast<std::size_t>((matches * 2 + 200) / 8 + 1));
    // Block header: not final, dynamic Huffman; 286 literal/length codes, 1 distance code,
    // 18 code-length code lengths.
    w.bits(0, 1);
    w.bits(2, 2);
    w.bits(286 - 257, 5);
    w.bits(1 - 1, 5);
    w.bits(18 - 4, 4);
    // Code-length code: 18 (a run of zeros) 1 bit "0", lengths 1 and 2 two bits "10", "11".
    static constexpr int kOrder[18] = {16, 17, 18, 0,  8, 7,  9, 6,  10,
                                       5,  11, 4,  12, 3, 13, 2, 14, 1};
    for (int symbol : kOrder) w.bits(symbol == 18 ? 1 : symbol == 1 || symbol == 2 ? 2 : 0, 3);
    // Literal/length lengths: 0 -> 2, 1..255 -> none, 256 (end) -> 2, 257..284 -> none,
    // 285 -> 1; then the one distance code (distance 1) -> 1.
    w.code(0b11, 2);  // length 2 (literal 0)
    w.code(0, 1);
    w.bits(138 - 11, 7);  // 138 zeros
    w.code(0, 1);
    w.bits(117 - 11, 7);  // 117 zeros: 1..255 done
    w.code(0b11, 2);      // length 2 (end of block)
    w.code(0, 1);
    w.bits(28 - 11, 7);  // 28 zeros: 257..284
    w.code(0b10, 2);     // length 1 (285)
    w.code(0b10, 2);     // length 1 (distance code 0)
    // Canonical codes: 285 "0", literal 0 "10", end "11"; distance 0 "0".
    w.code(0b10, 2);       // literal 0x00
    w.zeros(2 * matches);  // each: 285 "0" then distance "0", 258 more zero octets
    w.code(0b11, 2);       // end of block
    w.bits(0, 3);          // the empty stored block of the flush; its 00 00 ff ff removed
    return w.take();
}

std::chrono::milliseconds transfer_bound(const harness::LimitThresholds& t, std::uint64_t octets) {
    return t.prompt + std::chrono::milliseconds(octets / (32u << 20) * 1000);
}

std::uint64_t messages_received(const Observation& o) {
    std::uint64_t n = 0;
    for (const Event& e : o.received) n += e.kind == Event::Kind::message;
    return n + o.received_dropped.count;
}

std::uint64_t largest_message(const Observation& o) {
    std::uint64_t largest = 0;
    for (const auto* events : {&o.received, &o.received_dropped.last})
        for (const Event& e : *events)
            if (e.kind == Event::Kind::message)
                largest = std::max<std::uint64_t>(largest, e.data.size() + e.omitted);
    return largest;
}

std::uint64_t pongs_received(const Observation& o) {
    std::uint64_t n = 0;
    for (const Event& e : o.received) n += e.kind == Event::Kind::pong;
    return n + o.received_dropped.count;
}

std::function<void(const Observation&, Verdict&)> limit_verdict(
    std::vector<std::uint16_t> codes, std::function<Finding(const Observation&)> found) {
    return [codes = std::move(codes), found = std::move(found)](const Observation& o, Verdict& v) {
        if (!o.was_open) return;
        // The probe could not run (permessage-deflate not agreed): not applicable.
        if (o.scripted_behavior == Behavior::unimplemented) {
            v.behavior = Behavior::unimplemented;
            v.result = o.scripted_result;
            return;
        }
        const std::string after = " after " + octets_text(o.tx_octets) + " from us";
        if (!o.closed_by_me && o.remote_close_code) {
            const auto code = *o.remote_close_code;
            if (std::find(codes.begin(), codes.end(), code) == codes.end()) return;  // judged
            v.behavior = v.behavior_close = Behavior::ok;
            v.result = "The peer enforced a limit: close " + std::to_string(code) +
                       (o.remote_close_reason && !o.remote_close_reason->empty()
                            ? " (\"" + *o.remote_close_reason + "\")"
                            : "") +
                       after + ".";
            v.result_close = "Connection was properly failed by the peer";
            return;
        }
        if (!o.closed_by_me && !o.failed_by_me) {
            v.behavior = v.behavior_close = Behavior::ok;
            v.result = "The peer dropped the connection (no close frame)" + after + ".";
            v.result_close = "Connection was failed by the peer";
            return;
        }
        const Finding f = found(o);
        switch (f.kind) {
            case Finding::Kind::hang:
                v.behavior = v.behavior_close = Behavior::failed;
                v.result = "The peer hangs: " + f.text;
                v.result_close = "We had to end the connection ourselves";
                return;
            case Finding::Kind::warning:
                v.warning = f.text;
                [[fallthrough]];
            case Finding::Kind::pass:
                v.behavior = v.behavior_close = Behavior::ok;
                v.result = f.text;
                v.result_close = "We ended the connection once the probe was over";
                return;
        }
    };
}

void record_then_close(harness::Session& s, const Event& e) {
    s.record(e);
    s.send_close(1000);
}

namespace {

// The on_open of a probe the peer must refuse: nothing back, the connection failed with one of
// `codes` (or TCP dropped); `send`, then a kill after --limit-prompt when `prompt_kill`.
std::function<void(harness::Session&)> refusal(std::function<void(harness::Session&)> send,
                                               std::vector<std::uint16_t> codes, bool prompt_kill) {
    return [send = std::move(send), codes = std::move(codes), prompt_kill](harness::Session& s) {
        s.expect(Behavior::ok, {});
        s.expect_close({.closed_by_me = false, .close_codes = codes, .require_clean = false});
        send(s);
        if (prompt_kill) s.kill_after(s.limits().prompt);
    };
}

}  // namespace

harness::WebSocketScript limit_script(std::function<void(harness::Session&)> send,
                                      std::function<Finding(const Observation&)> found,
                                      std::vector<std::uint16_t> codes) {
    return {.on_open = refusal(std::move(send), codes, false),
            .on_message = record_then_close,
            .adjust = limit_verdict(std::move(codes), std::move(found))};
}

harness::WebSocketScript fails_promptly(std::function<void(harness::Session&)> send,
                                        std::vector<std::uint16_t> codes) {
    return {.on_open = refusal(std::move(send), std::move(codes), true),
            .on_message = record_then_close};
}

harness::Case limit_case(harness::Case c) {
    c.can_crash_peer = true;
    return c;
}

}  // namespace wsconform::cases::limits
