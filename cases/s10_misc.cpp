// Section 10: miscellaneous. 10.1.1 sends one message through our own auto-fragmentation
// and checks both the echo and how many frames we actually put on the wire.
#include <string>

#include "cases/payloads.h"
#include "cases/sections.h"
#include "harness/model/judge.h"

namespace wsconform::cases {

using namespace detail;
using harness::Behavior;

namespace {

constexpr std::size_t kMessageSize = 65536;
constexpr std::size_t kFragmentSize = 1300;

std::uint64_t count(const std::map<std::uint8_t, std::uint64_t>& frames, std::uint8_t op) {
    auto it = frames.find(op);
    return it == frames.end() ? 0 : it->second;
}

}  // namespace

std::vector<Case> section10_misc() {
    std::vector<Case> out;
    out.push_back(Case{
        .id = "10.1.1",
        .title = "Text message auto-fragmented into 1300-octet frames",
        .description = "Sends a 65536-octet text message of '*' with auto-fragmentation at 1300 "
                       "octets: a text frame and 50 continuation frames.",
        .expectation = "The peer echoes the message unchanged (in any fragmentation), and we "
                       "sent exactly one text frame and 50 continuation frames; we then close "
                       "normally with 1000.",
        .rfc = {"RFC 6455 5.4"},
        .requirement = "A receiver reassembles a message from however many fragments it comes "
                       "in.",
        .script = WebSocketScript{
            .on_open =
                [](Session& s) {
                    const std::string payload(kMessageSize, '*');
                    s.set_auto_fragment_size(kFragmentSize);
                    s.expect(Behavior::ok, {harness::text_message(payload)});
                    s.expect_close(we_close_normally());
                    s.send_message(payload, false);
                    s.kill_after(10s);
                },
            .adjust =
                [](const harness::Observation& o, harness::Verdict& v) {
                    // Autobahn's own count: size / fragment continuation frames, plus one text
                    // frame when the size is not a multiple of the fragment size.
                    if (!o.was_open) {
                        v.behavior = Behavior::failed;
                        v.result = "WebSocket connection was never open";
                        return;
                    }
                    const std::uint64_t want_cont = kMessageSize / kFragmentSize;
                    const std::uint64_t want_text = kMessageSize % kFragmentSize > 0 ? 1 : 0;
                    const std::uint64_t got_cont = count(o.tx_frames, opcode::continuation);
                    const std::uint64_t got_text = count(o.tx_frames, opcode::text);
                    if (got_cont != want_cont || got_text != want_text) {
                        v.behavior = Behavior::failed;
                        v.result =
                            "Frames transmitted {0: " + std::to_string(got_cont) +
                            ", 1: " + std::to_string(got_text) +
                            "} does not match what we expected {0: " + std::to_string(want_cont) +
                            ", 1: " + std::to_string(want_text) + "}.";
                    }
                },
        },
    });
    return out;
}

}  // namespace wsconform::cases
