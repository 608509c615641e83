// TLS settings for both ends of a connection, turned into OpenSSL contexts once per run and
// shared by every connection of that run. Client contexts verify by default (RFC 6455 §4.1:
// a client MUST fail the connection when the server's certificate cannot be verified, and MUST
// send SNI); skipping a check is an explicit setting that the report states.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "harness/transport/stream.h"
#include "harness/transport/tls_fwd.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace wsconform::harness::transport {

// A certificate chain (leaf first) and its private key, both PEM.
struct TlsIdentity {
    std::string certificate_chain_pem;
    std::string private_key_pem;
    std::string label;  // what it is, for reports ("expired"); empty for the default
};

struct TlsClientSettings {
    bool verify_chain = true;             // --insecure turns both checks off
    bool verify_hostname = true;          // the URL's host must be named by the certificate
    std::string ca_file;                  // PEM bundle to trust instead of the system store
    std::string ca_pem;                   // or trusted certificates given in memory
    std::string client_certificate_file;  // mTLS
    std::string client_key_file;
    bool send_sni = true;  // tests switch it off to play a client without SNI
    // 0: OpenSSL's defaults; otherwise TLS1_VERSION .. TLS1_3_VERSION.
    int min_version = 0;
    int max_version = 0;
    std::vector<std::string> alpn;  // offered in order; empty: no ALPN extension
};

// What the client said in its ClientHello, seen by a server.
struct ClientHelloInfo {
    std::string server_name;  // SNI (empty: none sent)
    std::vector<std::string> alpn_offered;
};

// What a TLS connection negotiated, for reports.
struct TlsSessionInfo {
    ClientHelloInfo hello;  // server side: what the client offered
    std::string version;    // "TLSv1.3"
    std::string cipher;
    std::string alpn;  // the protocol agreed, if any
    bool renegotiation_started = false;
    bool renegotiation_pending = false;  // started and not finished
    std::string certificate_label;       // server side: the label of the identity presented
    bool peer_verified = false;          // client side: the server's certificate was checked
};

struct TlsServerSettings {
    TlsIdentity identity;  // the default certificate
    // Chooses the certificate per connection from the ClientHello (section 16's bad
    // certificates); returning nullptr keeps the default.
    std::function<std::shared_ptr<const TlsIdentity>(const ClientHelloInfo&)> choose_identity;
    std::string client_ca_pem;  // non-empty: require a client certificate issued by it
    // ALPN: agree to "h2" (HTTP/2, RFC 9113 §3.2) when offered, before "http/1.1".
    bool offer_h2 = false;
};

class TlsContext {
  public:
    enum class Side { client, server };

    ~TlsContext();
    TlsContext(const TlsContext&) = delete;
    TlsContext& operator=(const TlsContext&) = delete;

    // On failure (unreadable or invalid PEM, a key that does not match) return nullptr and
    // set `error` to one line.
    static std::shared_ptr<const TlsContext> client(const TlsClientSettings& settings,
                                                    std::string& error);
    static std::shared_ptr<const TlsContext> server(TlsServerSettings settings, std::string& error);

    Side side() const { return side_; }
    const TlsClientSettings& client_settings() const { return client_; }

    // A new connection's SSL object, set up for `server_name` (client side: SNI and the name
    // verified; an IP literal is verified as an address and sent without SNI, RFC 6066 §3).
    SSL* new_connection(const std::string& server_name) const;

  private:
    TlsContext(Side side, SSL_CTX* ctx) : side_(side), ctx_(ctx) {}
    static int on_client_hello(SSL* ssl, int* alert, void* arg);

    Side side_;
    SSL_CTX* ctx_;
    TlsClientSettings client_;
    TlsServerSettings server_;
};

// Reads a whole file into `out`; false and a one-line `error` when it cannot.
bool read_pem_file(const std::string& path, std::string& out, std::string& error);

// The error categories of TLS failures: OpenSSL's error queue, and certificate verification
// (the value is X509_verify_cert_error's code; the message says how to trust or skip).
const boost::system::error_category& tls_category();
const boost::system::error_category& tls_verify_category();

}  // namespace wsconform::harness::transport
