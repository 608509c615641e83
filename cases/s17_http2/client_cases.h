// Section 17, testing a client (17.6, 17.7): the RFC 8441 rules a client keeps on its HTTP/2
// connection: it waits for and obeys SETTINGS_ENABLE_CONNECT_PROTOCOL, its extended CONNECT
// carries the right fields, a change of the setting is a connection error
// (harness/model/h2_client_script.h).
#pragma once

#include <vector>

#include "harness/model/case.h"

namespace wsconform::cases::s17 {

std::vector<harness::Case> client_cases();

}  // namespace wsconform::cases::s17
