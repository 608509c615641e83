// Section 17, testing a server (17.1-17.5): the RFC 8441 rules over one HTTP/2 connection per
// case (harness/model/h2_script.h).
#pragma once

#include <vector>

#include "harness/model/case.h"

namespace wsconform::cases::s17 {

std::vector<harness::Case> server_cases();

}  // namespace wsconform::cases::s17
