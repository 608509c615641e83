#include "harness/transport/connector.h"

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <memory>

#include "harness/transport/tcp_stream.h"
#include "harness/transport/tls_stream.h"

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

// One attempt per address, in order; the socket is reused after a failed attempt is closed.
class Attempt final : public PendingConnect, public std::enable_shared_from_this<Attempt> {
  public:
    Attempt(asio::io_context& io, const ConnectTarget& target, ConnectHandler handler)
        : socket(io),
          addresses(target.addresses),
          server_name(target.host),
          tls(target.tls),
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
                                 self->connected();
                             });
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

    tcp::socket socket;
    std::vector<tcp::endpoint> addresses;
    std::string server_name;
    TlsContextPtr tls;
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
