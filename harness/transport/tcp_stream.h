// Plain TCP behind the Stream interface.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "harness/transport/socket_stream.h"

namespace wsconform::harness::transport {

class TcpStream final : public SocketStream, public std::enable_shared_from_this<TcpStream> {
  public:
    explicit TcpStream(boost::asio::ip::tcp::socket socket);

    void async_read_some(boost::asio::mutable_buffer into, Handler handler) override;
    void async_write(boost::asio::const_buffer bytes, Handler handler) override;
    void write_now(std::string_view bytes) override;
    void shutdown_send() override;
    void async_write_then_shutdown(boost::asio::const_buffer bytes, Handler handler) override;
};

}  // namespace wsconform::harness::transport
