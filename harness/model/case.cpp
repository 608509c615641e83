#include "harness/model/case.h"

namespace wsconform::harness {

std::string to_string(CertificateFlaw flaw) {
    switch (flaw) {
        case CertificateFlaw::none:
            return "valid";
        case CertificateFlaw::untrusted_issuer:
            return "untrusted issuer";
        case CertificateFlaw::self_signed:
            return "self-signed";
        case CertificateFlaw::expired:
            return "expired";
        case CertificateFlaw::not_yet_valid:
            return "not yet valid";
        case CertificateFlaw::wrong_name:
            return "another name";
        case CertificateFlaw::ca_as_leaf:
            return "a CA certificate as the leaf";
    }
    return "?";
}

}  // namespace wsconform::harness
