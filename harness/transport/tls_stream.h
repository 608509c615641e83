// TLS behind the Stream interface: OpenSSL driven through two memory BIOs over an Asio TCP
// socket. We move the bytes between OpenSSL and the socket ourselves (instead of using
// boost::asio::ssl::stream) for three reasons:
//   - a half-close must send close_notify while a read is still pending; Asio's async_shutdown
//     sends it and then waits to read the peer's, which would be a second read on the stream;
//   - section 16 decides how records map to TCP writes (one-byte records, a Close frame and
//     close_notify in one segment), which needs the records in hand before they are written;
//   - a TLS 1.3 KeyUpdate mid-message is one OpenSSL call between two writes.
// It keeps the Stream rules: one read and one write outstanding at a time, handlers never run
// inside the call that started them, and cancelled operations end with operation_aborted.
#pragma once

#include <boost/asio/ip/tcp.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "harness/transport/socket_stream.h"
#include "harness/transport/tls_context.h"

typedef struct bio_st BIO;

namespace wsconform::harness::transport {

class TlsStream final : public SocketStream, public std::enable_shared_from_this<TlsStream> {
  public:
    // Takes a connected socket; nothing is sent until handshake().
    TlsStream(boost::asio::ip::tcp::socket socket, TlsContextPtr context,
              const std::string& server_name);
    ~TlsStream() override;

    // The TLS handshake (either side, as the context says). A failure's code is in
    // tls_verify_category() when the peer's certificate was refused, tls_category() for other
    // TLS errors, and the socket's error (eof, reset) otherwise.
    void handshake(std::function<void(const ErrorCode&)> done);

    void async_read_some(boost::asio::mutable_buffer into, Handler handler) override;
    void async_write(boost::asio::const_buffer bytes, Handler handler) override;
    void write_now(std::string_view bytes) override;
    void shutdown_send() override;
    void async_write_then_shutdown(boost::asio::const_buffer bytes, Handler handler) override;
    bool request_key_update() override;
    bool start_renegotiation() override;
    void close() override;
    void cancel() override;
    const TlsSessionInfo* tls_session() const override;
    bool peer_sent_close_notify() const override { return peer_close_notify_; }

    void set_record_size(std::size_t bytes) override { record_size_ = bytes; }

  private:
    using Step = std::function<void(const ErrorCode&)>;

    void continue_handshake(std::function<void(const ErrorCode&)> done);
    void continue_read(boost::asio::mutable_buffer into, Handler handler);
    // Reads from the socket into OpenSSL, then runs `next` (with the socket's error, if any).
    void fill(Step next);
    // Encrypts `bytes` into records; false (and `ec`) when OpenSSL refuses.
    bool encrypt(std::string_view bytes, ErrorCode& ec);
    // Moves what OpenSSL produced into the outgoing buffer, and starts a socket write when
    // none is in flight; `handler` runs once everything produced so far has been written.
    void flush(Handler handler = {}, std::size_t reported = 0);
    void take_output();
    // Writes what is pending without waiting (for alerts and a last close_notify).
    void flush_now();
    ErrorCode error_from(int ssl_result);
    void note_session();

    TlsContextPtr context_;
    SSL* ssl_ = nullptr;
    BIO* network_in_ = nullptr;   // what the socket read, for OpenSSL to decrypt
    BIO* network_out_ = nullptr;  // records OpenSSL produced, for the socket
    std::array<char, 17 * 1024> read_buffer_{};
    std::string pending_;  // records taken from network_out_, not yet handed to the socket
    std::string in_flight_;
    bool writing_ = false;
    bool send_fin_after_flush_ = false;
    bool handshake_done_ = false;
    bool close_notify_sent_ = false;
    bool peer_close_notify_ = false;
    std::size_t record_size_ = 0;
    mutable TlsSessionInfo info_;
    // A user write waiting for the write in flight (started by the read side) to finish. The
    // write in flight owns it: its handler may own this stream (a session writing through us),
    // and an io_context that stops drops the write in flight, and the cycle with it.
    struct WaitingWrite {
        Handler handler;
        std::size_t size = 0;
    };
    std::weak_ptr<WaitingWrite> waiting_write_;
    void release_waiting_write(const ErrorCode& ec);
};

}  // namespace wsconform::harness::transport
