#include "cases/s14_handshake/client_judges.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "cases/s14_handshake/closing.h"
#include "cases/s14_handshake/heads.h"
#include "protocol/handshake.h"
#include "protocol/hex.h"

namespace wsconform::cases::handshake {

namespace {

using harness::ClientHistory;
using harness::HttpEnd;

bool all_echoed(const ClientExchange& x) {
    if (x.messages.size() < x.response.texts.size()) return false;
    for (std::size_t i = 0; i < x.response.texts.size(); ++i)
        if (x.messages[i] != harness::text_message(x.response.texts[i])) return false;
    return true;
}

std::optional<std::array<std::uint8_t, 16>> decode_key(std::string_view key) {
    if (!protocol::is_valid_key(key)) return std::nullopt;
    auto value = [](char c) -> std::uint32_t {
        if (c >= 'A' && c <= 'Z') return static_cast<std::uint32_t>(c - 'A');
        if (c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a' + 26);
        if (c >= '0' && c <= '9') return static_cast<std::uint32_t>(c - '0' + 52);
        return c == '+' ? 62u : 63u;
    };
    std::array<std::uint8_t, 16> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i + 4 <= 24; i += 4) {
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < 4; ++j)
            v = (v << 6) | (key[i + j] == '=' ? 0 : value(key[i + j]));
        for (int shift = 16; shift >= 0 && n < 16; shift -= 8)
            out[n++] = static_cast<std::uint8_t>(v >> shift);
    }
    return out;
}

std::uint32_t as_u32(const protocol::MaskKey& m) {
    return (std::uint32_t{m[0]} << 24) | (std::uint32_t{m[1]} << 16) | (std::uint32_t{m[2]} << 8) |
           m[3];
}

std::string mask_hex(const protocol::MaskKey& m) {
    return protocol::hex_encode(std::as_bytes(std::span(m)));
}

}  // namespace

ClientJudge client_fails() {
    return [](const ClientExchange& x, const ClientHistory&) {
        Verdict v;
        const auto frames = x.frames - std::min(x.frames, x.early_frames);
        if (frames == 0) {
            v.behavior = Behavior::ok;
            v.result = "The client sent no frame after the invalid handshake";
        } else {
            v.behavior = Behavior::failed;
            if (!x.messages.empty())
                v.result = "The client took the handshake as valid: it sent " +
                           describe_messages(x.messages) +
                           (all_echoed(x) ? " (our message, echoed)" : "");
            else if (x.peer_sent_close)
                v.result = "The client took the handshake as valid: it sent a close frame" +
                           (x.peer_close_code ? " with code " + std::to_string(*x.peer_close_code)
                                              : std::string());
            else
                v.result = "The client sent " + std::to_string(frames) +
                           " frame(s) after the invalid handshake";
        }
        if (x.end == HttpEnd::peer_closed || x.end == HttpEnd::peer_reset) {
            v.behavior_close = Behavior::ok;
            v.result_close = "The client closed the TCP connection";
        } else {
            v.behavior_close = Behavior::failed;
            v.result_close = std::string("The client did not close the TCP connection: ") +
                             harness::to_string(x.end);
        }
        return v;
    };
}

ClientJudge client_opens() {
    return [](const ClientExchange& x, const ClientHistory&) {
        if (all_echoed(x))
            return with_close(Behavior::ok, "The client opened and echoed our message", x);
        return with_close(Behavior::failed,
                          "The answer is a valid 101, but our message did not come back (" +
                              describe_messages(x.messages) + ")",
                          x);
    };
}

ClientJudge request_rule(RequestCheck check, std::string ok_text) {
    return [check = std::move(check), ok_text = std::move(ok_text)](const ClientExchange& x,
                                                                    const ClientHistory&) {
        if (auto problem = check(x)) return with_close(Behavior::failed, *problem, x);
        return with_close(Behavior::ok, ok_text, x);
    };
}

Verdict judge_fresh_key(const ClientExchange& x, const ClientHistory& before) {
    const auto& key = x.request.key;
    const auto bytes = decode_key(key);
    if (!bytes)
        return with_close(Behavior::failed,
                          "The key '" + key.substr(0, 64) + "' is not base64 of 16 octets", x);
    if (key == kRfcSampleKey)
        return with_close(Behavior::failed,
                          "The key is the sample nonce printed in RFC 6455 1.3, not a random one",
                          x);
    if (std::all_of(bytes->begin(), bytes->end(),
                    [&](std::uint8_t b) { return b == bytes->front(); }))
        return with_close(Behavior::failed, "The key's 16 octets are all the same value", x);
    for (std::size_t i = 0; i < before.keys.size(); ++i)
        if (before.keys[i] == key)
            return with_close(Behavior::failed,
                              "The key repeats one this client sent on an earlier connection", x);
    // A counter or a weak generator shows as octets shared, position by position, with a
    // recent key; 16 random octets share one with probability 1/256 each.
    const std::size_t from = before.keys.size() > 16 ? before.keys.size() - 16 : 0;
    for (std::size_t i = from; i < before.keys.size(); ++i) {
        const auto other = decode_key(before.keys[i]);
        if (!other) continue;
        int same = 0;
        for (std::size_t j = 0; j < 16; ++j) same += (*other)[j] == (*bytes)[j];
        if (same >= 8)
            return with_close(Behavior::failed,
                              "The key shares " + std::to_string(same) +
                                  " of its 16 octets, position by position, with an earlier "
                                  "key of this client: predictable, not random",
                              x);
    }
    if (before.keys.size() < 2)
        return harness::make_verdict(Behavior::informational,
                                     "Only " + std::to_string(before.keys.size()) +
                                         " earlier connection(s) of this client to compare with; "
                                         "run the whole section (14.*) for a verdict",
                                     Behavior::informational, "Not judged");
    return with_close(
        Behavior::ok,
        "The key differs from the " + std::to_string(before.keys.size()) +
            " keys of this client's earlier connections and shares no pattern with them",
        x);
}

Verdict judge_masks(const ClientExchange& x, const ClientHistory& before) {
    const auto& m = x.masks;
    if (x.unmasked_frame)
        return with_close(Behavior::failed, "The client sent an unmasked frame (RFC 6455 5.1)", x);
    if (m.size() < 3)
        return with_close(Behavior::failed,
                          "Only " + std::to_string(m.size()) +
                              " masked frame(s) to examine: the client did not echo our messages",
                          x);
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (as_u32(m[i]) == 0)
            return with_close(Behavior::failed,
                              "Frame " + std::to_string(i + 1) +
                                  " has the masking key 00000000: no masking at all",
                              x);
        for (std::size_t j = 0; j < i; ++j)
            if (m[j] == m[i])
                return with_close(Behavior::failed,
                                  "The masking key " + mask_hex(m[i]) + " repeats (frames " +
                                      std::to_string(j + 1) + " and " + std::to_string(i + 1) + ")",
                                  x);
    }
    bool same_step = true, same_xor = true;
    for (std::size_t i = 2; i < m.size(); ++i) {
        same_step = same_step && as_u32(m[i]) - as_u32(m[i - 1]) == as_u32(m[1]) - as_u32(m[0]);
        same_xor = same_xor && (as_u32(m[i]) ^ as_u32(m[i - 1])) == (as_u32(m[1]) ^ as_u32(m[0]));
    }
    if (same_step || same_xor)
        return with_close(Behavior::failed,
                          std::string("Successive masking keys differ by a constant ") +
                              (same_step ? "step" : "XOR") + " (" + mask_hex(m[0]) + ", " +
                              mask_hex(m[1]) + ", " + mask_hex(m[2]) + " ...): predictable",
                          x);
    for (const auto& old : before.masks)
        for (const auto& k : m)
            if (old == k)
                return with_close(Behavior::failed,
                                  "The masking key " + mask_hex(k) +
                                      " was already used on an earlier connection of this client",
                                  x);
    return with_close(Behavior::ok,
                      std::to_string(m.size()) +
                          " frames, all with distinct, non-zero, unpatterned "
                          "masking keys unseen on " +
                          std::to_string(before.keys.size()) + " earlier connection(s)",
                      x);
}

}  // namespace wsconform::cases::handshake
