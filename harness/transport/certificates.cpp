#include "harness/transport/certificates.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <functional>
#include <memory>
#include <stdexcept>

namespace wsconform::harness::transport {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using KeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using CertPtr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(const char* what) {
    throw std::runtime_error(std::string("certificate: ") + what);
}

std::string to_pem(const std::function<int(BIO*)>& write) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || write(bio.get()) != 1) fail("cannot write PEM");
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

KeyPtr read_key(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!key) fail("cannot read the issuer's key");
    return key;
}

CertPtr read_certificate(const std::string& pem) {
    BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    CertPtr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) fail("cannot read the issuer's certificate");
    return cert;
}

void add_extension(X509* cert, X509* issuer, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (!ext) fail("bad extension");
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

}  // namespace

IssuedCertificate issue_certificate(const CertificateRequest& request,
                                    const IssuedCertificate* issuer) {
    KeyPtr key(EVP_EC_gen("P-256"));
    if (!key) fail("cannot make a key");
    CertPtr cert(X509_new());
    if (!cert) fail("out of memory");
    X509_set_version(cert.get(), 2);

    unsigned char serial[16];
    RAND_bytes(serial, sizeof serial);
    serial[0] &= 0x7f;  // positive
    BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
    BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
    BN_free(bn);

    X509_gmtime_adj(X509_getm_notBefore(cert.get()), static_cast<long>(request.not_before.count()));
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), static_cast<long>(request.not_after.count()));
    X509_set_pubkey(cert.get(), key.get());

    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("wsconform"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>(request.common_name.c_str()),
                               -1, -1, 0);

    CertPtr issuer_cert;
    KeyPtr issuer_key;
    if (issuer) {
        issuer_cert = read_certificate(issuer->certificate_pem);
        issuer_key = read_key(issuer->private_key_pem);
        X509_set_issuer_name(cert.get(), X509_get_subject_name(issuer_cert.get()));
    } else {
        X509_set_issuer_name(cert.get(), name);
    }
    X509* signer = issuer ? issuer_cert.get() : cert.get();

    add_extension(cert.get(), signer, NID_subject_key_identifier, "hash");
    if (issuer) add_extension(cert.get(), signer, NID_authority_key_identifier, "keyid:always");
    if (request.is_ca) {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), signer, NID_basic_constraints, "critical,CA:FALSE");
        add_extension(cert.get(), signer, NID_key_usage, "critical,digitalSignature");
        add_extension(cert.get(), signer, NID_ext_key_usage, "serverAuth,clientAuth");
    }
    std::string alt_names;
    for (const auto& dns : request.dns_names)
        alt_names += (alt_names.empty() ? "" : ",") + ("DNS:" + dns);
    for (const auto& ip : request.ip_addresses)
        alt_names += (alt_names.empty() ? "" : ",") + ("IP:" + ip);
    if (!alt_names.empty()) add_extension(cert.get(), signer, NID_subject_alt_name, alt_names);

    if (X509_sign(cert.get(), issuer ? issuer_key.get() : key.get(), EVP_sha256()) == 0)
        fail("cannot sign");

    IssuedCertificate out;
    out.certificate_pem = to_pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); });
    out.private_key_pem = to_pem([&](BIO* b) {
        return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
    return out;
}

}  // namespace wsconform::harness::transport
