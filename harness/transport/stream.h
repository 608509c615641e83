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

struct TlsSessionInfo;

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
    // Writes all of `bytes`, then half-closes; over TLS the last records and close_notify
    // leave in one TCP write (section 16: a Close frame and close_notify in the same read).
    virtual void async_write_then_shutdown(boost::asio::const_buffer bytes, Handler handler) = 0;
    // TLS 1.3: the next write starts with a KeyUpdate asking the peer to update too. False
    // when the transport has no such thing (TCP, TLS 1.2).
    virtual bool request_key_update() { return false; }
    // TLS 1.2 and older: starts a renegotiation handshake. False when there is no such thing.
    virtual bool start_renegotiation() { return false; }
    // TLS: later writes are cut into records of at most `bytes` (0: the default, up to 16 KiB).
    virtual void set_record_size(std::size_t /*bytes*/) {}
    // Orderly end of both directions; pending operations are cancelled.
    virtual void close() = 0;
    // Abortive end (the run was stopped, a deadline passed): pending operations are
    // cancelled. The same as close() for TCP and TLS; an HTTP/2 stream is reset (CANCEL).
    virtual void abort() { close(); }
    // Cancels pending operations; the stream stays open.
    virtual void cancel() = 0;
    virtual bool is_open() const = 0;

    // For logs and reports: "127.0.0.1:51234".
    virtual std::string remote_address() const = 0;
    // The port we are bound to (a listener's port, seen from an accepted stream).
    virtual std::uint16_t local_port() const = 0;

    // What TLS negotiated (nullptr: not TLS).
    virtual const TlsSessionInfo* tls_session() const { return nullptr; }
    // A TLS peer ended with close_notify before its end of stream (RFC 8446 §6.1).
    virtual bool peer_sent_close_notify() const { return false; }
};

using StreamPtr = std::shared_ptr<Stream>;

}  // namespace wsconform::harness::transport
