#include "harness/transport/tcp_stream.h"

#include <boost/asio/write.hpp>

namespace wsconform::harness::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

TcpStream::TcpStream(tcp::socket socket) : SocketStream(std::move(socket)) {}

void TcpStream::async_read_some(asio::mutable_buffer into, Handler handler) {
    socket_.async_read_some(into, std::move(handler));
}

void TcpStream::async_write(asio::const_buffer bytes, Handler handler) {
    asio::async_write(socket_, bytes, std::move(handler));
}

void TcpStream::write_now(std::string_view bytes) {
    ErrorCode ignored;
    socket_.non_blocking(true, ignored);
    socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ignored);
}

void TcpStream::shutdown_send() {
    ErrorCode ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void TcpStream::async_write_then_shutdown(asio::const_buffer bytes, Handler handler) {
    asio::async_write(socket_, bytes,
                      [weak = weak_from_this(), handler = std::move(handler)](const ErrorCode& ec,
                                                                              std::size_t n) {
                          if (!ec)
                              if (auto self = weak.lock()) self->shutdown_send();
                          handler(ec, n);
                      });
}

}  // namespace wsconform::harness::transport
