// The one byte-stream abstraction every part of the engine talks through: the case sessions
// in both roles, the raw-HTTP probes, the reference server, the client-testing server, the
// live fuzzer and `replay`. Plain TCP implements it today (tcp_stream.h); TLS and a WebSocket
// over an HTTP/2 stream plug in as further implementations, and nothing above this interface
// changes: no session, case or runner ever sees a socket.
//
// A Stream is used from its executor only, with at most one read and one write outstanding.
// Buffers handed to it stay valid until the handler runs. Handlers of operations that were
// cancelled by cancel(), close() or abort() run with boost::asio::error::operation_aborted.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace wsconform::harness::transport {

using ErrorCode = boost::system::error_code;

class Stream {
  public:
    using Handler = std::function<void(const ErrorCode&, std::size_t)>;

    virtual ~Stream() = default;

    virtual boost::asio::any_io_executor get_executor() = 0;

    // Reads what is available (at least one byte), up to the buffer's size.
    virtual void async_read_some(boost::asio::mutable_buffer into, Handler handler) = 0;
    // Writes all of `bytes`; the handler gets the count written.
    virtual void async_write(boost::asio::const_buffer bytes, Handler handler) = 0;
    // Writes what fits without waiting, then returns: for a last short answer (a busy
    // response) on a stream about to be closed. Never blocks.
    virtual void write_now(std::string_view bytes) = 0;

    // Half-close: no more writes from us, reads go on (TCP FIN; a TLS close_notify and an
    // HTTP/2 END_STREAM in those transports).
    virtual void shutdown_send() = 0;
    // Orderly end of both directions; pending operations are cancelled.
    virtual void close() = 0;
    // Cancels pending operations; the stream stays open.
    virtual void cancel() = 0;
    virtual bool is_open() const = 0;

    // For logs and reports: "127.0.0.1:51234".
    virtual std::string remote_address() const = 0;
    // The port we are bound to (a listener's port, seen from an accepted stream).
    virtual std::uint16_t local_port() const = 0;
};

using StreamPtr = std::shared_ptr<Stream>;

}  // namespace wsconform::harness::transport
