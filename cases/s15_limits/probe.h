// What the cases of section 15 share: octets built for our role, the deflate bomb, the bounds
// of a probe and the verdict of a limit the RFC leaves to the implementation
// (harness/model/limits.h says how section 15 judges). Internal to cases/s15_limits/.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/judge.h"
#include "harness/model/limits.h"
#include "harness/model/session.h"
#include "protocol/frame.h"

namespace wsconform::cases::limits {

// "1073741824 octets (1 GiB)", "131072 octets (128 KiB)", "100 octets".
std::string octets_text(std::uint64_t n);
// "2.5 s".
std::string seconds_text(std::chrono::milliseconds t);

// A frame's octets as our role writes it: masked (with a fixed key) when we are the client.
std::string role_frame(bool we_are_server, protocol::FrameHeader header, std::string_view payload,
                       protocol::LengthForm form = protocol::LengthForm::minimal);

// A permessage-deflate message payload (RFC 7692 7.2.1: its trailing 00 00 ff ff removed)
// that inflates to at least `inflated` zero octets: one dynamic-Huffman block whose codes are
// a 2-bit literal 0 and a 2-bit "258 octets at distance 1", so about 1 compressed octet per
// 1032 inflated, built without holding what it inflates to (1 GiB from about 1 MiB).
std::string deflate_bomb(std::uint64_t inflated);
// How many octets deflate_bomb(inflated) inflates to (a multiple of 258, plus 1).
std::uint64_t deflate_bomb_size(std::uint64_t inflated);

// Time for `octets` to cross loopback at a modest 32 MiB/s, plus `prompt`: a probe sending or
// taking back that much is over (killed) by then.
std::chrono::milliseconds transfer_bound(const harness::LimitThresholds& t, std::uint64_t octets);

// What a limit probe found when the peer neither closed nor dropped the connection and we
// ended it: `hang` fails (nothing came back within the probe's bound), `warning` is a limit
// missing or very high (text: the figure), `pass` a limit seen another way (text: which).
struct Finding {
    enum class Kind { hang, warning, pass } kind = Kind::hang;
    std::string text;
};

// The `adjust` of a limit probe (RFC 6455 10.4). The peer closing with one of `codes` passes
// (saying with what and after how much); another code is WRONG CODE; a TCP drop without a
// close passes too; when we ended the connection, `found` says what that means.
std::function<void(const harness::Observation&, harness::Verdict&)> limit_verdict(
    std::vector<std::uint16_t> codes, std::function<Finding(const harness::Observation&)> found);

// Messages the peer sent back: how many, and their octets (kept and counted past the case's
// budget).
std::uint64_t messages_received(const harness::Observation& o);
std::uint64_t largest_message(const harness::Observation& o);
std::uint64_t pongs_received(const harness::Observation& o);

// The script of a limit probe: expects nothing back and the peer to fail the connection with
// one of `codes` (or drop TCP); `send` sends the probe and sets its timers; an echo is
// recorded and closed (record_then_close); limit_verdict(codes, found) judges.
harness::WebSocketScript limit_script(std::function<void(harness::Session&)> send,
                                      std::function<Finding(const harness::Observation&)> found,
                                      std::vector<std::uint16_t> codes = {1009, 1008});

// The script of a probe the peer must refuse at once: expects nothing back and the connection
// failed with one of `codes` (or TCP dropped) within --limit-prompt, after `send`; an echo
// is recorded and closed (record_then_close).
harness::WebSocketScript fails_promptly(std::function<void(harness::Session&)> send,
                                        std::vector<std::uint16_t> codes = {1002});

// The on_message of a probe whose peer echoes what it should have refused: the echo is
// recorded, and we close (1000).
void record_then_close(harness::Session& s, const harness::Event& e);

// A section-15 case: `c` run alone and followed by a check that the peer is still up.
harness::Case limit_case(harness::Case c);

}  // namespace wsconform::cases::limits
