#include "harness/connect.h"

#include <openssl/evp.h>

#include "harness/transport/tls_context.h"

namespace wsconform::harness {

namespace {

std::string basic_credentials(const ProxyUrl& proxy) {
    const std::string plain = proxy.user + ":" + proxy.password;
    std::string out(4 * ((plain.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(plain.data()),
                                  static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

}  // namespace

transport::ConnectTarget connect_target(const Endpoint& endpoint, std::string& error) {
    const bool overridden = !endpoint.connect_host.empty();
    const std::string host = overridden ? endpoint.connect_host : endpoint.host;
    const std::uint16_t port =
        overridden && endpoint.connect_port ? endpoint.connect_port : endpoint.port;
    const std::string proxy_url =
        !endpoint.proxy.empty() ? endpoint.proxy : proxy_from_environment(endpoint);
    transport::ConnectTarget target;
    if (proxy_url.empty()) {
        target = transport::resolve(host, port, error);
    } else {
        // Through a proxy: only the proxy is resolved here; it resolves the server's name.
        const auto proxy = parse_proxy_url(proxy_url, error);
        if (proxy) target = transport::resolve(proxy->host, proxy->port, error);
        if (!target.addresses.empty()) {
            const bool v6 = host.find(':') != std::string::npos;
            target.proxy = transport::ConnectTarget::Proxy{
                .name = proxy->name(),
                .authority = (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port),
                .authorization = proxy->user.empty() ? "" : basic_credentials(*proxy)};
        }
    }
    target.host = endpoint.tls_name.empty() ? endpoint.host : endpoint.tls_name;
    target.port = endpoint.port;
    target.http2 = endpoint.http2;
    if (endpoint.secure) {
        target.tls = endpoint.tls;
        std::string tls_error;
        if (endpoint.http2) {
            // Over TLS, HTTP/2 is chosen by ALPN (RFC 9113 §3.2): we offer "h2" only.
            auto settings =
                target.tls ? target.tls->client_settings() : transport::TlsClientSettings{};
            settings.alpn = {"h2"};
            target.tls = transport::TlsContext::client(settings, tls_error);
        } else if (!target.tls) {
            target.tls = transport::TlsContext::client({}, tls_error);
        }
        if (!target.tls) {
            target.addresses.clear();
            error = tls_error;
        }
    }
    return target;
}

std::shared_ptr<transport::PendingConnect> connect_session(boost::asio::io_context& io,
                                                           const transport::ConnectTarget& server,
                                                           SessionConnect handlers) {
    const bool no_address = server.addresses.empty();
    return transport::async_connect(
        io, server,
        [handlers = std::move(handlers), no_address](const transport::ErrorCode& ec,
                                                     transport::StreamPtr stream) {
            if (handlers.returned()) {
                if (stream) stream->close();
                return;
            }
            if (ec) {
                handlers.failed(ec, no_address ? "no address to connect to"
                                               : "connect failed: " + ec.message());
                return;
            }
            handlers.opened(std::move(stream));
        });
}

}  // namespace wsconform::harness
