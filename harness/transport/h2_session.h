// One HTTP/2 connection (RFC 9113) over an existing Stream: TCP for h2c with prior knowledge,
// TLS after ALPN chose "h2". nghttp2 does the framing, HPACK and flow control; this class does
// its I/O on that Stream only (one read and one write outstanding) and carries WebSockets over
// its streams as RFC 8441 says: the client sends an extended CONNECT once the server's
// SETTINGS carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, the server answers 2xx, and from then on
// each side's DATA frames carry RFC 6455 frames unchanged (H2Stream, a transport::Stream).
//
// Memory stays bounded: a stream's incoming data waits in its receive window only (we give
// WINDOW_UPDATE as the reader takes it), and a large write is handed to nghttp2 frame by frame
// as the peer's window allows, never copied whole.
//
// Used from the transport's executor only, like any Stream.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/transport/stream.h"
#include "protocol/h2_headers.h"

typedef struct nghttp2_session nghttp2_session;

namespace wsconform::harness::transport {

class H2Stream;
using H2StreamPtr = std::shared_ptr<H2Stream>;

// Why an HTTP/2 WebSocket could not be opened, or ended.
enum class H2Error {
    no_extended_connect = 1,  // the server's SETTINGS lack ENABLE_CONNECT_PROTOCOL = 1
    ended_before_settings,    // the connection ended before the server's SETTINGS
    connection_error,         // nghttp2 found a protocol error, or the peer sent GOAWAY
    not_h2,                   // TLS: ALPN did not select "h2"
    stream_reset,             // the peer reset the stream (RST_STREAM)
    bad_settings,             // a value of the server's SETTINGS is out of range (RFC 9113 §6.5.2)
};
const boost::system::error_category& h2_category();
inline ErrorCode make_error_code(H2Error e) {
    return {static_cast<int>(e), h2_category()};
}

struct H2Options {
    // Our receive windows (SETTINGS_INITIAL_WINDOW_SIZE per stream, and the connection's).
    std::uint32_t stream_window = 1u << 20;
    std::uint32_t connection_window = 16u << 20;
    // Server: advertise SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441 §3).
    bool enable_connect_protocol = true;
    // Client: once its last stream has ended, send GOAWAY and close the connection (one
    // connection per case).
    bool close_when_idle = false;
    // How long a stream we closed waits for the peer's END_STREAM before RST_STREAM(CANCEL),
    // and a closing connection for the peer's end before it is dropped.
    std::chrono::milliseconds linger{2000};

    // ---- testing clients (test-client --http2, section 17's client cases, the test client)
    // Client, tests only: the planted RFC 8441 §3 mistake of a client that sends its extended
    // CONNECT right after its preface, without waiting for the server's SETTINGS.
    bool connect_before_settings = false;
};

class H2Session : public std::enable_shared_from_this<H2Session> {
  public:
    // Client: `response` holds the server's header fields (any status: the caller judges).
    using OpenHandler =
        std::function<void(const ErrorCode&, H2StreamPtr, protocol::H2Fields response)>;
    // Server: a request's header block arrived on a new stream; answer with respond().
    using RequestHandler = std::function<void(H2StreamPtr, protocol::H2Fields request)>;

    ~H2Session();
    H2Session(const H2Session&) = delete;
    H2Session& operator=(const H2Session&) = delete;

    // Starts the connection on `transport` (our preface and SETTINGS go out at once).
    static std::shared_ptr<H2Session> client(StreamPtr transport, H2Options options);
    // `preread`: what was already read from `transport` (the client preface, sniffed).
    static std::shared_ptr<H2Session> server(StreamPtr transport, H2Options options,
                                             RequestHandler on_request, std::string preread = {});

    // Client: waits for the server's SETTINGS, then sends `request` (an extended CONNECT,
    // protocol::build_extended_connect) on a new stream; `handler` gets the stream and the
    // response's fields, or no_extended_connect, or why the connection ended first.
    void open_websocket(protocol::H2Fields request, OpenHandler handler);
    // Server: the response to the request on `stream`; `end`: with END_STREAM (a refusal).
    void respond(H2Stream& stream, const protocol::H2Fields& response, bool end);

    // What the peer's SETTINGS said (once received; section 17 will judge them).
    bool settings_received() const { return settings_received_; }
    std::uint32_t peer_setting(int id) const;
    // GOAWAY(NO_ERROR), then the connection ends once written (streams are reset).
    void close();
    // Server: GOAWAY(NO_ERROR) naming `last_stream` as the last stream we take: the streams
    // up to it go on, the client opens no more here, and the connection ends once they have.
    void stop_taking_streams_after(std::int32_t last_stream);
    bool is_open() const { return !dead_; }
    const StreamPtr& transport() const { return transport_; }

    // Hostile peers (issue 18, acceptance 4): a GOAWAY the peer sent, for reports to name.
    struct Goaway {
        std::uint32_t error_code;
        std::int32_t last_stream_id;
    };
    const std::optional<Goaway>& received_goaway() const { return goaway_; }
    // What the peer's frames broke, as nghttp2 found it: the GOAWAY it then sent ("we sent GOAWAY
    // FRAME_SIZE_ERROR: ...") or its last error message; empty if nothing.
    const std::string& peer_error() const { return peer_error_; }

  private:
    friend class H2Stream;
    struct Callbacks;
    enum class Role { client, server };

    H2Session(StreamPtr transport, H2Options options, Role role);
    void start(std::string preread);
    void read();
    void flush();
    void fail(const ErrorCode& ec);
    void on_transport_end(const ErrorCode& ec);
    void on_settings();
    H2Error end_reason() const;  // why the connection ended, for what waits on it
    void submit_open(protocol::H2Fields request, OpenHandler handler);
    void maybe_close_idle();
    void reap();

    StreamPtr transport_;
    H2Options options_;
    Role role_;
    nghttp2_session* session_ = nullptr;
    RequestHandler on_request_;
    std::vector<std::pair<protocol::H2Fields, OpenHandler>> waiting_;  // for SETTINGS
    std::map<std::int32_t, H2StreamPtr> streams_;
    std::map<std::int32_t, OpenHandler> opening_;  // sent, waiting for the response
    std::vector<H2StreamPtr> closed_;              // released after nghttp2's callbacks return
    std::vector<std::byte> in_;
    std::string out_;
    boost::asio::steady_timer linger_;
    bool reading_ = false, writing_ = false, dead_ = false, closing_ = false;
    bool in_nghttp2_ = false;  // inside mem_recv/mem_send: no flush from a callback
    bool settings_received_ = false, had_stream_ = false;
    bool bad_settings_ = false;  // nghttp2 refused the peer's SETTINGS (and ended the connection)
    std::optional<Goaway> goaway_;  // hostile peers: the last GOAWAY received
    std::string peer_error_;
};

// One WebSocket on one HTTP/2 stream, as a transport::Stream: reads give the peer's DATA,
// writes become our DATA (as the peer's window allows), shutdown_send() is END_STREAM, close()
// ends our side with END_STREAM and resets the stream (CANCEL) if the peer's side is still
// open after the linger time, abort() resets it at once. The TLS calls reach the connection.
class H2Stream final : public Stream, public std::enable_shared_from_this<H2Stream> {
  public:
    H2Stream(const std::shared_ptr<H2Session>& session, std::int32_t id);
    ~H2Stream() override;

    // The connection's executor: every stream of a connection runs on it.
    boost::asio::any_io_executor get_executor() override { return executor_; }
    // The peer's DATA; at the end, eof after END_STREAM, connection_reset after RST_STREAM.
    void async_read_some(boost::asio::mutable_buffer into, Handler handler) override;
    // Our DATA, as the peer's windows allow; the handler runs once the last byte is framed.
    void async_write(boost::asio::const_buffer bytes, Handler handler) override;
    void write_now(std::string_view bytes) override;
    // END_STREAM (after what is being written).
    void shutdown_send() override;
    void async_write_then_shutdown(boost::asio::const_buffer bytes, Handler handler) override;
    // END_STREAM after what a pending write handed over (its handler is cancelled), then
    // RST_STREAM(CANCEL) if the peer has not ended, or not taken that, within the linger time.
    void close() override;
    // RST_STREAM(CANCEL) now.
    void abort() override;
    void cancel() override;
    bool is_open() const override;
    std::string remote_address() const override { return remote_; }
    std::uint16_t local_port() const override { return local_port_; }
    const TlsSessionInfo* tls_session() const override;
    bool request_key_update() override;
    bool peer_sent_close_notify() const override;

    std::int32_t id() const { return id_; }
    // The peer ended its side with END_STREAM.
    bool peer_ended() const { return peer_ended_; }
    // The stream was reset (by either side, or the connection ended): its error code.
    std::optional<std::uint32_t> reset_code() const { return reset_code_; }
    std::shared_ptr<H2Session> session() const { return session_.lock(); }
    // Hostile peers: the stream was closed because its connection ended (GOAWAY, TCP close),
    // not by a RST_STREAM (reset_code() then holds CANCEL or NO_ERROR).
    bool connection_ended() const { return connection_ended_; }

  private:
    friend class H2Session;
    friend struct H2Session::Callbacks;

    // nghttp2's data source: copies what we write into `buf`; 0 and EOF, or deferred.
    long pull(std::uint8_t* buf, std::size_t length, std::uint32_t* flags);
    void on_data(const std::uint8_t* data, std::size_t size);
    void on_peer_end();
    void on_closed(std::uint32_t error_code, bool connection_ended = false);
    void complete_read();
    void resume_writes();
    void post(Handler handler, const ErrorCode& ec, std::size_t n);
    void reset(std::uint32_t error_code);

    std::weak_ptr<H2Session> session_;
    std::int32_t id_;
    boost::asio::any_io_executor executor_;
    StreamPtr transport_;  // the connection's (TLS details; no way back to the session)
    std::string remote_;
    std::uint16_t local_port_;
    protocol::H2Fields headers_;  // the request (server) or response (client) fields

    std::string inbox_;  // received, not yet read (at most our stream window)
    std::size_t inbox_read_ = 0;
    boost::asio::mutable_buffer read_into_;
    Handler read_handler_;

    const char* write_data_ = nullptr;
    std::size_t write_left_ = 0, write_done_ = 0;
    Handler write_handler_;
    std::string write_now_;  // write_now()'s copy
    bool shutdown_requested_ = false, end_sent_ = false, deferred_ = false;

    bool peer_ended_ = false, closed_ = false, local_closed_ = false;
    std::optional<std::uint32_t> reset_code_;
    bool connection_ended_ = false;  // hostile peers: closed with its connection
    ErrorCode end_error_;            // what reads get once the stream is closed without END_STREAM
    std::unique_ptr<boost::asio::steady_timer> linger_;
};

}  // namespace wsconform::harness::transport

template <>
struct boost::system::is_error_code_enum<wsconform::harness::transport::H2Error> : std::true_type {
};
