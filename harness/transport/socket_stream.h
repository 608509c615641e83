// What every Stream over one TCP socket does alike: its executor, whether it is open, the
// addresses it joins, and closing or cancelling the socket. TcpStream and TlsStream build on
// it.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <cstdint>
#include <string>

#include "harness/transport/stream.h"

namespace wsconform::harness::transport {

class SocketStream : public Stream {
  public:
    boost::asio::any_io_executor get_executor() override;
    bool is_open() const override;
    // "127.0.0.1:51234" ("?" when not connected).
    std::string remote_address() const override;
    // 0 when not bound.
    std::uint16_t local_port() const override;
    // Both directions shut down, then the socket closed.
    void close() override;
    // Pending socket reads and writes end with operation_aborted.
    void cancel() override;

  protected:
    // Takes a connected socket and turns Nagle off: cases time their writes, and a delayed
    // segment would merge what a case sent apart.
    explicit SocketStream(boost::asio::ip::tcp::socket socket);

    boost::asio::ip::tcp::socket socket_;
};

}  // namespace wsconform::harness::transport
