#include "harness/transport/socket_stream.h"

namespace wsconform::harness::transport {

using boost::asio::ip::tcp;

SocketStream::SocketStream(tcp::socket socket) : socket_(std::move(socket)) {
    ErrorCode ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
}

boost::asio::any_io_executor SocketStream::get_executor() {
    return socket_.get_executor();
}

bool SocketStream::is_open() const {
    return socket_.is_open();
}

std::string SocketStream::remote_address() const {
    ErrorCode ec;
    const auto ep = socket_.remote_endpoint(ec);
    if (ec) return "?";
    const auto host = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
}

std::uint16_t SocketStream::local_port() const {
    ErrorCode ec;
    const auto ep = socket_.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void SocketStream::close() {
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
}

void SocketStream::cancel() {
    ErrorCode ignored;
    socket_.cancel(ignored);
}

}  // namespace wsconform::harness::transport
