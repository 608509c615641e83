// Section 17: WebSocket over HTTP/2 (RFC 8441). Testing a server: 17.1-17.5 (server_*.cpp);
// 17.6-17.7 are kept for the cases that test clients.
#include "cases/s17_http2/server_cases.h"
#include "cases/sections.h"

namespace wsconform::cases {

std::vector<harness::Case> section17_http2() {
    return s17::server_cases();
}

}  // namespace wsconform::cases
