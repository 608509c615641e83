// Section 17: WebSocket over HTTP/2 (RFC 8441). Testing a server: 17.1-17.5 (server_cases.cpp);
// testing a client: 17.6-17.7 (client_cases.cpp).
#include <iterator>

#include "cases/s17_http2/client_cases.h"
#include "cases/s17_http2/server_cases.h"
#include "cases/sections.h"

namespace wsconform::cases {

std::vector<harness::Case> section17_http2() {
    auto out = s17::server_cases();
    auto clients = s17::client_cases();
    out.insert(out.end(), std::make_move_iterator(clients.begin()),
               std::make_move_iterator(clients.end()));
    return out;
}

}  // namespace wsconform::cases
