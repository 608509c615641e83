// Certificates made on the spot: the throwaway CA and leaf of `test-client --tls`, and the bad
// certificates section 16 presents to clients (untrusted issuer, self-signed, expired, not yet
// valid, another name, a CA certificate as the leaf). Pure: keys and PEM in memory, no files.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace wsconform::harness::transport {

struct CertificateRequest {
    std::string common_name;
    std::vector<std::string> dns_names;     // subjectAltName DNS entries
    std::vector<std::string> ip_addresses;  // subjectAltName IP entries
    bool is_ca = false;  // basicConstraints CA:TRUE, keyUsage keyCertSign|cRLSign only
    // Validity relative to now; the defaults give a certificate valid for 30 days.
    std::chrono::seconds not_before = -std::chrono::hours(1);
    std::chrono::seconds not_after = std::chrono::hours(24 * 30);
};

struct IssuedCertificate {
    std::string certificate_pem;
    std::string private_key_pem;  // a fresh P-256 key
};

// Issues the certificate, signed by `issuer` (nullptr: self-signed). Throws std::runtime_error
// if OpenSSL fails (it does not for valid input).
IssuedCertificate issue_certificate(const CertificateRequest& request,
                                    const IssuedCertificate* issuer);

}  // namespace wsconform::harness::transport
