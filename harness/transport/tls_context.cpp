#include "harness/transport/tls_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>

#include <fstream>
#include <sstream>

namespace wsconform::harness::transport {

namespace {

// The oldest error still queued, as one line; the queue is emptied.
std::string openssl_error_text() {
    const unsigned long first = ERR_get_error();
    ERR_clear_error();
    if (first == 0) return "unknown OpenSSL error";
    char text[256];
    ERR_error_string_n(first, text, sizeof text);
    return text;
}

// A new SSL_CTX for `method`, in the modes every context here needs: the stream may move its
// write buffer between retries and takes partial writes. Null, with `error` set, on failure.
SSL_CTX* new_ssl_ctx(const SSL_METHOD* method, std::string& error) {
    SSL_CTX* ctx = SSL_CTX_new(method);
    if (!ctx) {
        error = openssl_error_text();
        return nullptr;
    }
    SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_ENABLE_PARTIAL_WRITE);
    return ctx;
}

struct BioFree {
    void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
    void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

BioPtr memory_bio(const std::string& pem) {
    return BioPtr(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

std::vector<X509Ptr> read_certificates(const std::string& pem) {
    std::vector<X509Ptr> out;
    auto bio = memory_bio(pem);
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) out.emplace_back(x);
    ERR_clear_error();  // the end of the data reads as an error
    return out;
}

KeyPtr read_key(const std::string& pem) {
    auto bio = memory_bio(pem);
    return KeyPtr(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
}

// Installs `identity` on a context or on one connection (the same calls exist for both).
template <class Target, class UseCert, class UseKey, class AddChain, class Check>
bool install_identity(Target* target, const TlsIdentity& identity, UseCert use_cert, UseKey use_key,
                      AddChain add_chain, Check check, std::string& error) {
    auto certs = read_certificates(identity.certificate_chain_pem);
    auto key = read_key(identity.private_key_pem);
    if (certs.empty()) {
        error = "no PEM certificate found";
        return false;
    }
    if (!key) {
        error = "no PEM private key found";
        return false;
    }
    if (use_cert(target, certs[0].get()) != 1 || use_key(target, key.get()) != 1) {
        error = openssl_error_text();
        return false;
    }
    for (std::size_t i = 1; i < certs.size(); ++i)
        if (add_chain(target, certs[i].get()) != 1) {
            error = openssl_error_text();
            return false;
        }
    if (check(target) != 1) {
        error = "the private key does not match the certificate";
        ERR_clear_error();
        return false;
    }
    return true;
}

bool install_on_context(SSL_CTX* ctx, const TlsIdentity& identity, std::string& error) {
    return install_identity(
        ctx, identity, SSL_CTX_use_certificate, SSL_CTX_use_PrivateKey,
        [](SSL_CTX* c, X509* x) { return static_cast<int>(SSL_CTX_add1_chain_cert(c, x)); },
        SSL_CTX_check_private_key, error);
}

bool install_on_connection(SSL* ssl, const TlsIdentity& identity, std::string& error) {
    SSL_clear_chain_certs(ssl);
    return install_identity(
        ssl, identity, SSL_use_certificate, SSL_use_PrivateKey,
        [](SSL* s, X509* x) { return static_cast<int>(SSL_add1_chain_cert(s, x)); },
        SSL_check_private_key, error);
}

bool trust_pem(SSL_CTX* ctx, const std::string& pem, std::string& error) {
    auto certs = read_certificates(pem);
    if (certs.empty()) {
        error = "no PEM certificate found";
        return false;
    }
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    for (auto& c : certs) X509_STORE_add_cert(store, c.get());
    return true;
}

std::string alpn_wire_format(const std::vector<std::string>& protocols) {
    std::string out;
    for (const auto& p : protocols) {
        out.push_back(static_cast<char>(p.size()));
        out += p;
    }
    return out;
}

// A server that speaks HTTP/1.1 only: it agrees to "http/1.1" when offered and otherwise
// goes on without ALPN, as a plain HTTP/1.1 server would. One that also speaks HTTP/2
// (`arg` non-null) prefers "h2".
int select_alpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
                unsigned int inlen, void* arg) {
    static const unsigned char http11[] = "\x08http/1.1";
    static const unsigned char h2_first[] = "\x02h2\x08http/1.1";
    const unsigned char* ours = arg ? h2_first : http11;
    const unsigned ours_size = arg ? sizeof h2_first - 1 : sizeof http11 - 1;
    unsigned char* chosen = nullptr;
    if (SSL_select_next_proto(&chosen, outlen, ours, ours_size, in, inlen) ==
        OPENSSL_NPN_NEGOTIATED) {
        *out = chosen;
        return SSL_TLSEXT_ERR_OK;
    }
    return SSL_TLSEXT_ERR_NOACK;
}

std::vector<std::string> parse_alpn_list(const unsigned char* data, std::size_t size) {
    std::vector<std::string> out;
    if (size < 2) return out;
    std::size_t i = 2;
    while (i < size) {
        const std::size_t n = data[i++];
        if (i + n > size) break;
        out.emplace_back(reinterpret_cast<const char*>(data + i), n);
        i += n;
    }
    return out;
}

std::string parse_server_name(const unsigned char* data, std::size_t size) {
    // server_name_list: length(2), then entries of type(1) length(2) name.
    std::size_t i = 2;
    while (i + 3 <= size) {
        const unsigned type = data[i];
        const std::size_t n = (std::size_t{data[i + 1]} << 8) | data[i + 2];
        i += 3;
        if (i + n > size) break;
        if (type == 0) return std::string(reinterpret_cast<const char*>(data + i), n);
        i += n;
    }
    return {};
}

class TlsErrorCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "tls"; }
    std::string message(int ev) const override {
        char text[256];
        ERR_error_string_n(static_cast<unsigned long>(ev), text, sizeof text);
        return std::string("TLS: ") + text;
    }
};

class TlsVerifyCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "tls-verify"; }
    std::string message(int ev) const override {
        return std::string("certificate verify failed: ") + X509_verify_cert_error_string(ev) +
               " (trust its issuer with --cafile FILE, or skip the check with --insecure)";
    }
};

}  // namespace

const boost::system::error_category& tls_category() {
    static const TlsErrorCategory category;
    return category;
}

const boost::system::error_category& tls_verify_category() {
    static const TlsVerifyCategory category;
    return category;
}

bool read_pem_file(const std::string& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = "cannot read " + path;
        return false;
    }
    std::ostringstream text;
    text << in.rdbuf();
    out = text.str();
    return true;
}

TlsContext::~TlsContext() {
    SSL_CTX_free(ctx_);
}

std::shared_ptr<const TlsContext> TlsContext::client(const TlsClientSettings& settings,
                                                     std::string& error) {
    SSL_CTX* ctx = new_ssl_ctx(TLS_client_method(), error);
    if (!ctx) return nullptr;
    std::shared_ptr<TlsContext> context(new TlsContext(Side::client, ctx));
    context->client_ = settings;
    if (settings.verify_chain) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
        if (!settings.ca_file.empty()) {
            std::string pem;
            if (!read_pem_file(settings.ca_file, pem, error)) return nullptr;
            if (!trust_pem(ctx, pem, error)) {
                error = settings.ca_file + ": " + error;
                return nullptr;
            }
        } else if (!settings.ca_pem.empty()) {
            if (!trust_pem(ctx, settings.ca_pem, error)) return nullptr;
        } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
            error = "cannot load the system's trusted certificates: " + openssl_error_text();
            return nullptr;
        }
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    if (!settings.client_certificate_file.empty()) {
        TlsIdentity identity;
        if (!read_pem_file(settings.client_certificate_file, identity.certificate_chain_pem,
                           error) ||
            !read_pem_file(settings.client_key_file.empty() ? settings.client_certificate_file
                                                            : settings.client_key_file,
                           identity.private_key_pem, error))
            return nullptr;
        if (!install_on_context(ctx, identity, error)) {
            error = "client certificate " + settings.client_certificate_file + ": " + error;
            return nullptr;
        }
    }
    if (settings.min_version) {
        if (settings.min_version < TLS1_2_VERSION) SSL_CTX_set_security_level(ctx, 0);
        SSL_CTX_set_min_proto_version(ctx, settings.min_version);
    }
    if (settings.max_version) SSL_CTX_set_max_proto_version(ctx, settings.max_version);
    if (!settings.alpn.empty()) {
        const auto wire = alpn_wire_format(settings.alpn);
        SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char*>(wire.data()),
                                static_cast<unsigned>(wire.size()));
    }
    return context;
}

std::shared_ptr<const TlsContext> TlsContext::server(TlsServerSettings settings,
                                                     std::string& error) {
    SSL_CTX* ctx = new_ssl_ctx(TLS_server_method(), error);
    if (!ctx) return nullptr;
    std::shared_ptr<TlsContext> context(new TlsContext(Side::server, ctx));
    if (!install_on_context(ctx, settings.identity, error)) return nullptr;
    if (!settings.client_ca_pem.empty()) {
        if (!trust_pem(ctx, settings.client_ca_pem, error)) return nullptr;
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
    }
    SSL_CTX_set_alpn_select_cb(ctx, select_alpn, settings.offer_h2 ? context.get() : nullptr);
    // No session resumption: a resumed handshake presents no certificate, and every
    // connection must show its own (section 16 chooses it per connection).
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    SSL_CTX_set_num_tickets(ctx, 0);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_client_hello_cb(ctx, on_client_hello, context.get());
    context->server_ = std::move(settings);
    return context;
}

int TlsContext::on_client_hello(SSL* ssl, int* alert, void* arg) {
    auto* self = static_cast<TlsContext*>(arg);
    auto* info = static_cast<TlsSessionInfo*>(SSL_get_app_data(ssl));
    ClientHelloInfo hello;
    const unsigned char* data = nullptr;
    std::size_t size = 0;
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_server_name, &data, &size) == 1)
        hello.server_name = parse_server_name(data, size);
    if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_application_layer_protocol_negotiation, &data,
                                  &size) == 1)
        hello.alpn_offered = parse_alpn_list(data, size);
    if (self->server_.choose_identity) {
        if (auto identity = self->server_.choose_identity(hello)) {
            std::string error;
            if (!install_on_connection(ssl, *identity, error)) {
                *alert = SSL_AD_INTERNAL_ERROR;
                return SSL_CLIENT_HELLO_ERROR;
            }
            if (info) info->certificate_label = identity->label;
        }
    }
    if (info) info->hello = std::move(hello);
    return SSL_CLIENT_HELLO_SUCCESS;
}

SSL* TlsContext::new_connection(const std::string& server_name) const {
    SSL* ssl = SSL_new(ctx_);
    if (!ssl) return nullptr;
    if (side_ == Side::server) {
        SSL_set_accept_state(ssl);
        return ssl;
    }
    SSL_set_connect_state(ssl);
    boost::system::error_code ec;
    const bool is_address =
        !server_name.empty() && (boost::asio::ip::make_address(server_name, ec), !ec);
    if (!server_name.empty() && !is_address && client_.send_sni)
        SSL_set_tlsext_host_name(ssl, server_name.c_str());
    if (client_.verify_chain && client_.verify_hostname && !server_name.empty()) {
        if (is_address)
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), server_name.c_str());
        else
            SSL_set1_host(ssl, server_name.c_str());
    }
    return ssl;
}

}  // namespace wsconform::harness::transport
