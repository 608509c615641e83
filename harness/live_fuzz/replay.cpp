// `wsconform replay FILE URL` (replay_live_finding): a finding's inputs again, in order, each
// followed by the check that shows its kind.
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "harness/live_fuzz.h"
#include "harness/live_fuzz/client.h"
#include "harness/live_fuzz/liveness.h"
#include "protocol/http.h"

namespace wsconform::harness {

namespace {

// The request names the host it was recorded against; make it name `endpoint`.
void rewrite_host(LiveInput& in, const std::string& recorded_url, const Endpoint& endpoint) {
    std::string error;
    const auto recorded = parse_ws_url(recorded_url, error);
    if (!recorded) return;
    const std::string from = "Host: " + recorded->host_header + "\r\n";
    const std::string to = "Host: " + endpoint.host_header + "\r\n";
    const auto at = in.handshake.find(from);
    if (at != std::string::npos) in.handshake.replace(at, from.size(), to);
}

// A finding file holds its requests without credentials: give each "<redacted>" value of a
// header the value `headers` has for that name (a header left redacted goes out as it is).
void restore_secrets(std::string& handshake, const std::vector<std::string>& headers) {
    for (const auto& line : headers) {
        const auto name = protocol::header_line_name(line);
        if (!protocol::is_secret_header(name)) continue;
        for (std::size_t start = 0; start < handshake.size();) {
            const auto lf = handshake.find('\n', start);
            const auto end = lf == std::string::npos ? handshake.size() : lf;
            const std::string_view here(handshake.data() + start, end - start);
            if (protocol::iequals(protocol::header_line_name(here), name) &&
                protocol::header_line_value(here).starts_with(protocol::kRedacted)) {
                const auto at = handshake.find(protocol::kRedacted, start);
                handshake.replace(at, protocol::kRedacted.size(),
                                  protocol::header_line_value(line));
                break;
            }
            start = end + 1;
        }
    }
}

}  // namespace

ReplayResult replay_live_finding(const LiveFinding& f, const LiveFuzzOptions& o) {
    ReplayResult result;
    const auto target = live_fuzz::connect_target(o.endpoint);
    for (LiveInput in : f.inputs) {
        if (!f.url.empty()) rewrite_host(in, f.url, o.endpoint);
        restore_secrets(in.handshake, o.extra_headers);
        const LiveOutcome r = live_fuzz::run_input(in, o, target);
        if (f.kind == FindingKind::crash) {
            // The last input gets a grace period: the crash it causes may take a moment to
            // close the listening socket. Earlier ones get the quick check.
            const bool last = in.index == f.inputs.back().index;
            const bool down =
                last ? live_fuzz::server_down_within(target, std::chrono::milliseconds(2000))
                     : (r.finding || !r.connected || r.dropped ||
                        !live_fuzz::server_alive(target)) &&
                           live_fuzz::server_down(target);
            if (down) {
                result.reproduced = true;
                result.detail = "server gone after input " + std::to_string(in.index);
                return result;
            }
        } else if (r.finding == f.kind) {
            result.reproduced = true;
            result.detail = std::string(to_string(f.kind)) + " on input " +
                            std::to_string(in.index) + ": " + r.detail;
            return result;
        }
        if (r.finding) {
            result.detail += (result.detail.empty() ? "" : "; ") + std::string("input ") +
                             std::to_string(in.index) + ": " + to_string(*r.finding) + " (" +
                             r.detail + ")";
        }
    }
    if (result.detail.empty()) result.detail = "every input ran without the finding";
    return result;
}

}  // namespace wsconform::harness
