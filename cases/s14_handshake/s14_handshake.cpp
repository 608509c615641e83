// Section 14: the opening handshake (RFC 6455 §4), beyond Autobahn, which has no handshake
// tests (crossbario/autobahn-testsuite #82, #122). Every case is raw HTTP: the exact octets we
// send (testing a server) or answer with (testing a client), and a pure judge over what came
// back, in Autobahn's two columns: `behavior` (did the peer do what the rule says) and
// `behaviorClose` (how the connection ended).
//
//   14.1  a server accepts valid requests in unusual shapes        (testing a server)
//   14.2  a server refuses invalid requests without upgrading      (testing a server)
//   14.3  the server's 101 response, rule by rule                  (testing a server)
//   14.4  a client fails the connection on an invalid response     (testing a client)
//   14.5  the client's request and its masking keys, rule by rule  (testing a client)
//   14.6  a client accepts valid responses in unusual shapes       (testing a client)
//
// One file per subsection; what we send is built in heads.h, judged in server_judges.h and
// client_judges.h. IDs are append-only. A case has a script for one role; in the other it is
// reported as not applicable.
#include <iterator>
#include <vector>

#include "cases/s14_handshake/subsections.h"
#include "cases/sections.h"

namespace wsconform::cases {

std::vector<harness::Case> section14_handshake() {
    std::vector<harness::Case> out;
    for (auto part :
         {handshake::server_accepts, handshake::server_refuses, handshake::server_response,
          handshake::client_fails_on, handshake::client_request, handshake::client_accepts}) {
        auto cases = part();
        std::move(cases.begin(), cases.end(), std::back_inserter(out));
    }
    return out;
}

}  // namespace wsconform::cases
