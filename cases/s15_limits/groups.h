// The six groups of section 15, one file each (cases/s15_limits/<group>.cpp). Internal to
// cases/s15_limits/.
#pragma once

#include <vector>

#include "harness/model/case.h"

namespace wsconform::cases::limits {

std::vector<harness::Case> compression();  // 15.1
std::vector<harness::Case> lengths();      // 15.2
std::vector<harness::Case> floods();       // 15.3
std::vector<harness::Case> handshake();    // 15.4
std::vector<harness::Case> origin();       // 15.5
std::vector<harness::Case> proxy();        // 15.6

}  // namespace wsconform::cases::limits
