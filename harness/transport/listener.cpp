#include "harness/transport/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>

#include <system_error>

#include "harness/transport/tcp_stream.h"

namespace wsconform::harness::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, ListenerOptions options)
    : io_(io), options_(std::move(options)), acceptor_(io) {}

void Listener::listen() {
    ErrorCode ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
        // A name such as "localhost": resolve it.
        tcp::resolver resolver(io_);
        const auto results = resolver.resolve(options_.host, "0", ec);
        if (ec || results.empty())
            throw std::system_error(ec, "cannot resolve listen host " + options_.host);
        address = results.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::system_error(
            ec, "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
}

std::uint16_t Listener::port() const {
    ErrorCode ec;
    const auto ep = acceptor_.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void Listener::start(AcceptHandler on_accept) {
    on_accept_ = std::move(on_accept);
    accept_next();
}

void Listener::close() {
    closed_ = true;
    asio::post(io_, [self = shared_from_this()] {
        ErrorCode ignored;
        self->acceptor_.close(ignored);
    });
}

void Listener::accept_next() {
    auto handle = [self = shared_from_this()](const ErrorCode& ec, tcp::socket socket) {
        if (self->closed_) return;
        if (!ec) {
            ++self->accepted_;
            // Counted from here until the last owner of the stream lets go of it.
            auto live = self->live_;
            auto stream = StreamPtr(new TcpStream(std::move(socket)), [live](Stream* s) {
                delete s;
                --*live;
            });
            if (++*live > self->options_.max_connections) {
                if (!self->options_.busy_response.empty())
                    stream->write_now(self->options_.busy_response);
                stream->close();
            } else {
                self->on_accept_(std::move(stream));
            }
        }
        self->accept_next();
    };
    if (options_.strand_per_connection)
        acceptor_.async_accept(asio::make_strand(io_), std::move(handle));
    else
        acceptor_.async_accept(std::move(handle));
}

}  // namespace wsconform::harness::transport
