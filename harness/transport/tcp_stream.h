// Plain TCP behind the Stream interface.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <memory>

#include "harness/transport/stream.h"

namespace wsconform::harness::transport {

class TcpStream final : public Stream, public std::enable_shared_from_this<TcpStream> {
  public:
    // Takes a connected socket and turns Nagle off: cases time their writes, and a delayed
    // segment would merge what a case sent apart.
    explicit TcpStream(boost::asio::ip::tcp::socket socket);

    boost::asio::any_io_executor get_executor() override;
    void async_read_some(boost::asio::mutable_buffer into, Handler handler) override;
    void async_write(boost::asio::const_buffer bytes, Handler handler) override;
    void write_now(std::string_view bytes) override;
    void shutdown_send() override;
    void async_write_then_shutdown(boost::asio::const_buffer bytes, Handler handler) override;
    void close() override;
    void cancel() override;
    bool is_open() const override;
    std::string remote_address() const override;
    std::uint16_t local_port() const override;

  private:
    boost::asio::ip::tcp::socket socket_;
};

// "127.0.0.1:51234" ("?" when not connected) and the local port (0), for any TCP socket.
std::string remote_address_of(const boost::asio::ip::tcp::socket& socket);
std::uint16_t local_port_of(const boost::asio::ip::tcp::socket& socket);

}  // namespace wsconform::harness::transport
