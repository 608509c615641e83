// 15.1.3 onwards: RFC 7692 parameter edge cases (Autobahn testsuite #112), raw-HTTP probes in
// each role. Internal to cases/s15_limits/ (compression() appends them).
#pragma once

#include <vector>

#include "harness/model/case.h"

namespace wsconform::cases::limits {

std::vector<harness::Case> compression_params();

}  // namespace wsconform::cases::limits
