// 15.2 (see cases/s15_limits/s15_limits.cpp). Its cases are being written; until then the
// group adds none.
#include "cases/s15_limits/groups.h"

namespace wsconform::cases::limits {

std::vector<harness::Case> lengths() {
    return {};
}

}  // namespace wsconform::cases::limits
