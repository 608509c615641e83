#include "harness/transport/connector.h"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/write.hpp>

#include <memory>

#include "harness/transport/tcp_stream.h"
#include "harness/transport/tls_stream.h"
#include "protocol/http.h"

namespace wsconform::harness::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

ConnectTarget resolve(const std::string& host, std::uint16_t port, std::string& error) {
    ConnectTarget target{.host = host, .port = port, .addresses = {}};
    asio::io_context io;
    tcp::resolver resolver(io);
    ErrorCode ec;
    const auto results = resolver.resolve(host, std::to_string(port), ec);
    if (ec) {
        error = "cannot resolve " + host + ": " + ec.message();
        return target;
    }
    for (const auto& r : results) target.addresses.push_back(r.endpoint());
    return target;
}

namespace {

// A proxy's refusal of CONNECT: the value is its HTTP status.
class ProxyCategory final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "proxy"; }
    std::string message(int status) const override {
        return "the proxy answered " + std::to_string(status) + " to CONNECT" +
               (status == 407 ? " (it wants credentials: http://USER:PASSWORD@HOST:PORT)" : "");
    }
};

const ProxyCategory proxy_category;

// One attempt per address, in order; the socket is reused after a failed attempt is closed.
class Attempt final : public PendingConnect, public std::enable_shared_from_this<Attempt> {
  public:
    Attempt(asio::io_context& io, const ConnectTarget& target, ConnectHandler handler)
        : socket(io),
          addresses(target.addresses),
          server_name(target.host),
          tls(target.tls),
          proxy(target.proxy),
          handler(std::move(handler)) {}

    void cancel() override {
        cancelled = true;
        ErrorCode ignored;
        socket.close(ignored);
        if (tls_stream) tls_stream->close();
    }

    void next(std::size_t index, ErrorCode last) {
        if (cancelled) {
            handler(asio::error::operation_aborted, nullptr);
            return;
        }
        if (index >= addresses.size()) {
            handler(last ? last : asio::error::host_not_found, nullptr);
            return;
        }
        socket.async_connect(addresses[index],
                             [self = shared_from_this(), index](const ErrorCode& ec) {
                                 if (ec) {
                                     ErrorCode ignored;
                                     self->socket.close(ignored);
                                     self->next(index + 1, ec);
                                     return;
                                 }
                                 if (self->proxy)
                                     self->ask_proxy();
                                 else
                                     self->connected();
                             });
    }

    // RFC 9110 §9.3.6: CONNECT host:port; a 2xx answer turns the connection into a tunnel.
    void ask_proxy() {
        const std::string& authority = proxy->authority;
        exchange = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n";
        if (!proxy->authorization.empty())
            exchange += "Proxy-Authorization: " + proxy->authorization + "\r\n";
        exchange += "\r\n";
        asio::async_write(socket, asio::buffer(exchange),
                          [self = shared_from_this()](const ErrorCode& ec, std::size_t) {
                              if (ec) return self->fail(ec);
                              self->exchange.clear();
                              self->read_proxy_answer();
                          });
    }

    void read_proxy_answer() {
        asio::async_read_until(
            socket, asio::dynamic_buffer(exchange, kMaxProxyAnswer), "\r\n\r\n",
            [self = shared_from_this()](const ErrorCode& ec, std::size_t head_size) {
                if (ec)
                    return self->fail(
                        ec == asio::error::not_found ? ErrorCode(asio::error::message_size) : ec);
                protocol::HttpMessage answer;
                protocol::parse_http_head(std::string_view(self->exchange).substr(0, head_size),
                                          false, answer);
                if (answer.status < 200 || answer.status > 299)
                    return self->fail(ErrorCode(answer.status, proxy_category));
                self->connected();
            });
    }

    void fail(const ErrorCode& ec) {
        ErrorCode ignored;
        socket.close(ignored);
        handler(cancelled ? ErrorCode(asio::error::operation_aborted) : ec, nullptr);
    }

    void connected() {
        if (!tls) {
            handler({}, std::make_shared<TcpStream>(std::move(socket)));
            return;
        }
        tls_stream = std::make_shared<TlsStream>(std::move(socket), tls, server_name);
        tls_stream->handshake([self = shared_from_this()](const ErrorCode& ec) {
            auto stream = std::move(self->tls_stream);
            if (self->cancelled) {
                stream->close();
                self->handler(asio::error::operation_aborted, nullptr);
            } else if (ec) {
                stream->close();
                self->handler(ec, nullptr);
            } else {
                self->handler(ec, std::move(stream));
            }
        });
    }

    static constexpr std::size_t kMaxProxyAnswer = 16 * 1024;

    tcp::socket socket;
    std::vector<tcp::endpoint> addresses;
    std::string server_name;
    TlsContextPtr tls;
    std::optional<ConnectTarget::Proxy> proxy;
    std::string exchange;  // the CONNECT request, then the proxy's answer
    std::shared_ptr<TlsStream> tls_stream;
    ConnectHandler handler;
    bool cancelled = false;
};

}  // namespace

std::shared_ptr<PendingConnect> async_connect(asio::io_context& io, const ConnectTarget& target,
                                              ConnectHandler handler) {
    auto attempt = std::make_shared<Attempt>(io, target, std::move(handler));
    attempt->next(0, {});
    return attempt;
}

}  // namespace wsconform::harness::transport
