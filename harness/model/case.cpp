#include "harness/model/case.h"

#include <array>

namespace wsconform::harness {

namespace {

// In CertificateFlaw's order.
constexpr std::array<const char*, 7> kFlawNames{"valid",
                                                "untrusted issuer",
                                                "self-signed",
                                                "expired",
                                                "not yet valid",
                                                "another name",
                                                "a CA certificate as the leaf"};

}  // namespace

std::string to_string(CertificateFlaw flaw) {
    static_assert(static_cast<std::size_t>(CertificateFlaw::ca_as_leaf) + 1 == kFlawNames.size());
    return kFlawNames[static_cast<std::size_t>(flaw)];
}

}  // namespace wsconform::harness
