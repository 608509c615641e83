// Section 15: limits and security, beyond Autobahn (RFC 6455 §10, RFC 7692 §8). These probes
// can crash a vulnerable peer, so the section is opt-in: only a pattern that itself starts with
// "15" selects it (cases/registry.h). One file per subsection:
//
//   15.1  compression: deflate bombs, RSV1 without negotiation, parameter edge cases
//   15.2  lengths and sizes: the 64-bit length's top bit, huge declared lengths, big messages
//   15.3  floods: unfinished fragments, unread pongs, a close reason byte by byte
//   15.4  the opening handshake: many or huge header lines, slowloris, super-linear parsing
//   15.5  Origin: which foreign origins the server accepts (RFC 6455 §10.2)
//   15.6  a proxy in front: a refused upgrade must not leave a tunnel open
//
// IDs are append-only.
#include <iterator>
#include <vector>

#include "cases/s15_limits/groups.h"
#include "cases/sections.h"

namespace wsconform::cases {

std::vector<harness::Case> section15_limits() {
    std::vector<harness::Case> out;
    for (auto group : {limits::compression, limits::lengths, limits::floods, limits::handshake,
                       limits::origin, limits::proxy}) {
        auto cases = group();
        std::move(cases.begin(), cases.end(), std::back_inserter(out));
    }
    return out;
}

}  // namespace wsconform::cases
