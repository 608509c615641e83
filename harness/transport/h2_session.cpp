#include "harness/transport/h2_session.h"

#include <nghttp2/nghttp2.h>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <string_view>

#include "protocol/h2_frame.h"

namespace wsconform::harness::transport {

namespace asio = boost::asio;

namespace {

// What one flush hands to the transport at most: a few frames, so memory stays bounded
// whatever the streams have to send.
constexpr std::size_t kOutChunk = 64 * 1024;
constexpr std::size_t kReadChunk = 64 * 1024;
// A header block larger than this is refused (the stream is reset).
constexpr std::size_t kMaxHeaderBytes = 64 * 1024;

// The messages of H2Error, by value.
constexpr std::array<const char*, 7> kH2ErrorMessages{
    "HTTP/2 error",
    "the server does not offer RFC 8441 (its SETTINGS lack SETTINGS_ENABLE_CONNECT_PROTOCOL = 1)",
    "the HTTP/2 connection ended before the server's SETTINGS",
    "HTTP/2 connection error",
    "the server did not select h2 by ALPN (it does not speak HTTP/2 over TLS)",
    "the peer reset the HTTP/2 stream (RST_STREAM)",
    "the server's SETTINGS carry a value out of its range, a connection error (RFC 9113 §6.5.2)",
};

class H2Category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "http2"; }
    std::string message(int value) const override {
        const auto index = static_cast<std::size_t>(value);
        return kH2ErrorMessages[index < kH2ErrorMessages.size() ? index : 0];
    }
};

std::vector<nghttp2_nv> to_nv(const protocol::H2Fields& fields) {
    std::vector<nghttp2_nv> nva;
    nva.reserve(fields.size());
    for (const auto& f : fields) {
        nva.push_back({reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.name.data())),
                       reinterpret_cast<std::uint8_t*>(const_cast<char*>(f.value.data())),
                       f.name.size(), f.value.size(), NGHTTP2_NV_FLAG_NONE});
    }
    return nva;
}

std::size_t fields_bytes(const protocol::H2Fields& fields) {
    std::size_t n = 0;
    for (const auto& f : fields) n += f.name.size() + f.value.size() + 32;
    return n;
}

H2Stream* stream_of(nghttp2_session* session, std::int32_t id) {
    return static_cast<H2Stream*>(nghttp2_session_get_stream_user_data(session, id));
}

}  // namespace

const boost::system::error_category& h2_category() {
    static const H2Category category;
    return category;
}

// ---------------------------------------------------------------- nghttp2's callbacks

struct H2Session::Callbacks {
    static H2Session& self(void* user_data) { return *static_cast<H2Session*>(user_data); }

    static int on_begin_headers(nghttp2_session* session, const nghttp2_frame* frame,
                                void* user_data) {
        auto& s = self(user_data);
        if (s.role_ != Role::server || frame->hd.type != NGHTTP2_HEADERS ||
            frame->headers.cat != NGHTTP2_HCAT_REQUEST)
            return 0;
        auto stream = std::make_shared<H2Stream>(s.shared_from_this(), frame->hd.stream_id);
        nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, stream.get());
        s.streams_[frame->hd.stream_id] = std::move(stream);
        return 0;
    }

    static int on_header(nghttp2_session* session, const nghttp2_frame* frame,
                         const std::uint8_t* name, std::size_t namelen, const std::uint8_t* value,
                         std::size_t valuelen, std::uint8_t, void*) {
        if (frame->hd.type != NGHTTP2_HEADERS) return 0;
        if (frame->headers.cat != NGHTTP2_HCAT_REQUEST &&
            frame->headers.cat != NGHTTP2_HCAT_RESPONSE)
            return 0;  // trailers carry nothing a WebSocket needs
        auto* stream = stream_of(session, frame->hd.stream_id);
        if (!stream) return 0;
        if (fields_bytes(stream->headers_) + namelen + valuelen > kMaxHeaderBytes)
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets the stream
        stream->headers_.push_back({std::string(reinterpret_cast<const char*>(name), namelen),
                                    std::string(reinterpret_cast<const char*>(value), valuelen)});
        return 0;
    }

    // nghttp2 then ends the connection; a SETTINGS frame it refused is worth saying so.
    static int on_invalid_frame_recv(nghttp2_session*, const nghttp2_frame* frame, int,
                                     void* user_data) {
        if (frame->hd.type == NGHTTP2_SETTINGS) self(user_data).bad_settings_ = true;
        return 0;
    }

    static int on_error(nghttp2_session*, int, const char* message, std::size_t length,
                        void* user_data) {
        self(user_data).peer_error_.assign(message, std::min<std::size_t>(length, 200));
        return 0;
    }

    // A GOAWAY with an error code is nghttp2 failing the connection: its code and the reason it
    // gave (the GOAWAY's debug data) say what the peer broke.
    static int on_frame_send(nghttp2_session*, const nghttp2_frame* frame, void* user_data) {
        if (frame->hd.type != NGHTTP2_GOAWAY || frame->goaway.error_code == NGHTTP2_NO_ERROR)
            return 0;
        auto& s = self(user_data);
        std::string what = std::string("we sent GOAWAY ") +
                           protocol::h2::error_code_name(frame->goaway.error_code);
        const std::string_view reason(reinterpret_cast<const char*>(frame->goaway.opaque_data),
                                      std::min<std::size_t>(frame->goaway.opaque_data_len, 200));
        if (!reason.empty())
            what += ": " + std::string(reason);
        else if (!s.peer_error_.empty())
            what += ": " + s.peer_error_;
        s.peer_error_ = std::move(what);
        return 0;
    }

    static int on_frame_recv(nghttp2_session* session, const nghttp2_frame* frame,
                             void* user_data) {
        auto& s = self(user_data);
        const auto id = frame->hd.stream_id;
        switch (frame->hd.type) {
            case NGHTTP2_SETTINGS:
                if (!(frame->hd.flags & NGHTTP2_FLAG_ACK) && !s.settings_received_) s.on_settings();
                return 0;
            case NGHTTP2_HEADERS: {
                auto* stream = stream_of(session, id);
                if (!stream) return 0;
                if (frame->headers.cat == NGHTTP2_HCAT_REQUEST && s.on_request_) {
                    asio::post(stream->executor_,
                               [on_request = s.on_request_, st = stream->shared_from_this(),
                                fields = stream->headers_]() mutable {
                                   on_request(std::move(st), std::move(fields));
                               });
                } else if (frame->headers.cat == NGHTTP2_HCAT_RESPONSE) {
                    if (auto it = s.opening_.find(id); it != s.opening_.end()) {
                        asio::post(stream->executor_, [handler = std::move(it->second),
                                                       st = stream->shared_from_this(),
                                                       fields = stream->headers_]() mutable {
                            handler({}, std::move(st), std::move(fields));
                        });
                        s.opening_.erase(it);
                    }
                }
                if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) stream->on_peer_end();
                return 0;
            }
            case NGHTTP2_DATA:
                if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM)
                    if (auto* stream = stream_of(session, id)) stream->on_peer_end();
                return 0;
            case NGHTTP2_GOAWAY:  // hostile peers: kept for the reports
                s.goaway_ = Goaway{frame->goaway.error_code, frame->goaway.last_stream_id};
                return 0;
            default:
                return 0;
        }
    }

    static int on_data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t id,
                             const std::uint8_t* data, std::size_t len, void*) {
        auto* stream = stream_of(session, id);
        if (stream && !stream->local_closed_) {
            stream->on_data(data, len);
        } else {
            nghttp2_session_consume(session, id, len);  // nobody reads it: open the window
        }
        return 0;
    }

    static int on_stream_close(nghttp2_session* session, std::int32_t id, std::uint32_t error_code,
                               void* user_data) {
        auto& s = self(user_data);
        auto it = s.streams_.find(id);
        if (it == s.streams_.end()) return 0;
        auto stream = it->second;
        s.streams_.erase(it);
        nghttp2_session_set_stream_user_data(session, id, nullptr);
        if (auto open = s.opening_.find(id); open != s.opening_.end()) {
            asio::post(stream->executor_, [handler = std::move(open->second)] {
                handler(make_error_code(H2Error::stream_reset), nullptr, {});
            });
            s.opening_.erase(open);
        }
        stream->on_closed(error_code);
        s.closed_.push_back(std::move(stream));
        return 0;
    }

    static ssize_t read_data(nghttp2_session*, std::int32_t, std::uint8_t* buf, std::size_t length,
                             std::uint32_t* flags, nghttp2_data_source* source, void*) {
        return static_cast<H2Stream*>(source->ptr)->pull(buf, length, flags);
    }
};

// ---------------------------------------------------------------- the connection

H2Session::H2Session(StreamPtr transport, H2Options options, Role role)
    : transport_(std::move(transport)),
      options_(options),
      role_(role),
      in_(kReadChunk),
      linger_(transport_->get_executor()) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, Callbacks::on_begin_headers);
    nghttp2_session_callbacks_set_on_header_callback(callbacks, Callbacks::on_header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, Callbacks::on_frame_recv);
    nghttp2_session_callbacks_set_error_callback2(callbacks, Callbacks::on_error);
    nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, Callbacks::on_frame_send);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(callbacks,
                                                                 Callbacks::on_invalid_frame_recv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, Callbacks::on_data_chunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, Callbacks::on_stream_close);
    nghttp2_option* option = nullptr;
    nghttp2_option_new(&option);
    // We give WINDOW_UPDATE as the reader takes the data (nghttp2_session_consume).
    nghttp2_option_set_no_auto_window_update(option, 1);
    if (role == Role::client)
        nghttp2_session_client_new2(&session_, callbacks, this, option);
    else
        nghttp2_session_server_new2(&session_, callbacks, this, option);
    nghttp2_option_del(option);
    nghttp2_session_callbacks_del(callbacks);
}

H2Session::~H2Session() {
    nghttp2_session_del(session_);
}

std::shared_ptr<H2Session> H2Session::client(StreamPtr transport, H2Options options) {
    std::shared_ptr<H2Session> session(new H2Session(std::move(transport), options, Role::client));
    session->start({});
    return session;
}

std::shared_ptr<H2Session> H2Session::server(StreamPtr transport, H2Options options,
                                             RequestHandler on_request, std::string preread) {
    std::shared_ptr<H2Session> session(new H2Session(std::move(transport), options, Role::server));
    session->on_request_ = std::move(on_request);
    session->start(std::move(preread));
    return session;
}

void H2Session::start(std::string preread) {
    std::vector<nghttp2_settings_entry> settings{
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options_.stream_window},
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 256}};
    if (role_ == Role::client) settings.push_back({NGHTTP2_SETTINGS_ENABLE_PUSH, 0});
    if (role_ == Role::server && options_.enable_connect_protocol)
        settings.push_back({NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1});
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings.data(), settings.size());
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                          static_cast<std::int32_t>(options_.connection_window));
    if (!preread.empty()) {
        in_nghttp2_ = true;
        const auto rv = nghttp2_session_mem_recv(
            session_, reinterpret_cast<const std::uint8_t*>(preread.data()), preread.size());
        in_nghttp2_ = false;
        if (rv < 0) {
            fail(make_error_code(H2Error::connection_error));
            return;
        }
    }
    flush();
    read();
}

std::uint32_t H2Session::peer_setting(int id) const {
    return nghttp2_session_get_remote_settings(session_, static_cast<nghttp2_settings_id>(id));
}

void H2Session::read() {
    if (reading_ || dead_) return;
    reading_ = true;
    transport_->async_read_some(
        asio::buffer(in_), [self = shared_from_this()](const ErrorCode& ec, std::size_t n) {
            self->reading_ = false;
            if (self->dead_) return;
            if (ec) {
                self->on_transport_end(ec);
                return;
            }
            self->in_nghttp2_ = true;
            const auto rv = nghttp2_session_mem_recv(
                self->session_, reinterpret_cast<const std::uint8_t*>(self->in_.data()), n);
            self->in_nghttp2_ = false;
            if (rv < 0) {
                self->fail(make_error_code(H2Error::connection_error));
                return;
            }
            self->flush();
            self->read();
        });
}

void H2Session::flush() {
    if (writing_ || dead_ || in_nghttp2_) return;  // (after a callback, its caller flushes)
    out_.clear();
    while (out_.size() < kOutChunk) {
        const std::uint8_t* data = nullptr;
        in_nghttp2_ = true;
        const auto n = nghttp2_session_mem_send(session_, &data);
        in_nghttp2_ = false;
        if (n < 0) {
            fail(make_error_code(H2Error::connection_error));
            return;
        }
        if (n == 0) break;
        out_.append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(n));
    }
    reap();
    if (out_.empty()) {
        if (!nghttp2_session_want_read(session_) && !nghttp2_session_want_write(session_) &&
            !closing_) {
            // Both sides are done (a GOAWAY went out or came in): end our side, then wait a
            // little for the peer's, so our last frames are not lost to a reset.
            closing_ = true;
            transport_->shutdown_send();
            linger_.expires_after(options_.linger);
            linger_.async_wait([self = shared_from_this()](const ErrorCode& ec) {
                if (!ec) self->on_transport_end(asio::error::timed_out);
            });
        }
        return;
    }
    writing_ = true;
    transport_->async_write(asio::buffer(out_),
                            [self = shared_from_this()](const ErrorCode& ec, std::size_t) {
                                self->writing_ = false;
                                if (ec) {
                                    self->on_transport_end(ec);
                                    return;
                                }
                                self->flush();
                            });
}

// Streams closed during nghttp2's callbacks are let go once those have returned.
void H2Session::reap() {
    if (closed_.empty()) return;
    closed_.clear();
    maybe_close_idle();
}

void H2Session::maybe_close_idle() {
    if (options_.close_when_idle && had_stream_ && streams_.empty() && waiting_.empty() && !dead_ &&
        !closing_)
        close();
}

void H2Session::close() {
    if (dead_) return;
    nghttp2_session_terminate_session(session_, NGHTTP2_NO_ERROR);
    flush();
}

void H2Session::stop_taking_streams_after(std::int32_t last_stream) {
    if (dead_) return;
    nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE, last_stream, NGHTTP2_NO_ERROR, nullptr, 0);
    flush();
}

void H2Session::fail(const ErrorCode& ec) {
    on_transport_end(ec);
}

void H2Session::on_transport_end(const ErrorCode& ec) {
    if (dead_) return;
    dead_ = true;
    linger_.cancel();
    const auto why = make_error_code(end_reason());
    for (auto& [fields, handler] : waiting_)
        asio::post(transport_->get_executor(),
                   [handler = std::move(handler), why] { handler(why, nullptr, {}); });
    waiting_.clear();
    for (auto& [id, handler] : opening_)
        asio::post(transport_->get_executor(),
                   [handler = std::move(handler), why] { handler(why, nullptr, {}); });
    opening_.clear();
    auto streams = std::move(streams_);
    streams_.clear();
    for (auto& [id, stream] : streams)
        stream->on_closed(ec ? NGHTTP2_CANCEL : NGHTTP2_NO_ERROR, true);
    transport_->close();
}

H2Error H2Session::end_reason() const {
    if (bad_settings_) return H2Error::bad_settings;
    return settings_received_ ? H2Error::connection_error : H2Error::ended_before_settings;
}

void H2Session::on_settings() {
    settings_received_ = true;
    auto waiting = std::move(waiting_);
    waiting_.clear();
    for (auto& [fields, handler] : waiting) submit_open(std::move(fields), std::move(handler));
}

void H2Session::open_websocket(protocol::H2Fields request, OpenHandler handler) {
    had_stream_ = true;
    if (dead_) {
        asio::post(transport_->get_executor(), [handler = std::move(handler), why = end_reason()] {
            handler(make_error_code(why), nullptr, {});
        });
        return;
    }
    if (!settings_received_ && !options_.connect_before_settings) {
        waiting_.emplace_back(std::move(request), std::move(handler));
        return;
    }
    submit_open(std::move(request), std::move(handler));
}

void H2Session::submit_open(protocol::H2Fields request, OpenHandler handler) {
    // RFC 8441 §3: extended CONNECT only after the server's SETTINGS said 1.
    if (peer_setting(NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL) != 1 &&
        !(options_.connect_before_settings && !settings_received_)) {
        asio::post(transport_->get_executor(), [handler = std::move(handler)] {
            handler(make_error_code(H2Error::no_extended_connect), nullptr, {});
        });
        maybe_close_idle();
        return;
    }
    auto stream = std::make_shared<H2Stream>(shared_from_this(), 0);
    const auto nva = to_nv(request);
    nghttp2_data_provider provider{};
    provider.source.ptr = stream.get();
    provider.read_callback = Callbacks::read_data;
    const auto id =
        nghttp2_submit_request(session_, nullptr, nva.data(), nva.size(), &provider, stream.get());
    if (id < 0) {
        asio::post(transport_->get_executor(), [handler = std::move(handler)] {
            handler(make_error_code(H2Error::connection_error), nullptr, {});
        });
        return;
    }
    stream->id_ = id;
    streams_[id] = std::move(stream);
    opening_[id] = std::move(handler);
    flush();
}

void H2Session::respond(H2Stream& stream, const protocol::H2Fields& response, bool end) {
    if (dead_ || stream.closed_) return;
    const auto nva = to_nv(response);
    nghttp2_data_provider provider{};
    provider.source.ptr = &stream;
    provider.read_callback = Callbacks::read_data;
    nghttp2_submit_response(session_, stream.id_, nva.data(), nva.size(),
                            end ? nullptr : &provider);
    if (end) stream.end_sent_ = true;
    flush();
}

// ---------------------------------------------------------------- one WebSocket on a stream

H2Stream::H2Stream(const std::shared_ptr<H2Session>& session, std::int32_t id)
    : session_(session),
      id_(id),
      executor_(session->transport_->get_executor()),
      transport_(session->transport_),
      remote_(session->transport_->remote_address()),
      local_port_(session->transport_->local_port()) {}

H2Stream::~H2Stream() = default;

void H2Stream::post(Handler handler, const ErrorCode& ec, std::size_t n) {
    if (!handler) return;
    asio::post(executor_, [handler = std::move(handler), ec, n] { handler(ec, n); });
}

void H2Stream::async_read_some(asio::mutable_buffer into, Handler handler) {
    if (local_closed_) {
        post(std::move(handler), asio::error::operation_aborted, 0);
        return;
    }
    read_into_ = into;
    read_handler_ = std::move(handler);
    complete_read();
}

void H2Stream::complete_read() {
    if (!read_handler_) return;
    if (inbox_read_ < inbox_.size()) {
        const auto n = std::min(read_into_.size(), inbox_.size() - inbox_read_);
        std::memcpy(read_into_.data(), inbox_.data() + inbox_read_, n);
        inbox_read_ += n;
        if (inbox_read_ == inbox_.size()) {
            inbox_.clear();
            inbox_read_ = 0;
        }
        if (auto s = session_.lock(); s && !s->dead_) {
            nghttp2_session_consume(s->session_, id_, n);  // WINDOW_UPDATE as it is taken
            s->flush();
        }
        post(std::exchange(read_handler_, nullptr), {}, n);
        return;
    }
    if (peer_ended_) {
        post(std::exchange(read_handler_, nullptr), asio::error::eof, 0);
    } else if (closed_) {
        post(std::exchange(read_handler_, nullptr), end_error_, 0);
    }
}

void H2Stream::on_data(const std::uint8_t* data, std::size_t size) {
    inbox_.append(reinterpret_cast<const char*>(data), size);
    complete_read();
}

void H2Stream::on_peer_end() {
    peer_ended_ = true;
    complete_read();
}

void H2Stream::on_closed(std::uint32_t error_code, bool connection_ended) {
    if (closed_) return;
    closed_ = true;
    connection_ended_ = connection_ended;  // hostile peers
    if (!peer_ended_ || error_code != NGHTTP2_NO_ERROR) reset_code_ = error_code;
    // The peer's end of the connection reads as a TCP end would; a reset as a reset.
    end_error_ = connection_ended && error_code == NGHTTP2_NO_ERROR
                     ? ErrorCode(asio::error::eof)
                     : ErrorCode(asio::error::connection_reset);
    if (linger_) linger_->cancel();
    complete_read();
    if (write_handler_) {
        write_left_ = 0;
        post(std::exchange(write_handler_, nullptr), asio::error::broken_pipe, write_done_);
    }
}

long H2Stream::pull(std::uint8_t* buf, std::size_t length, std::uint32_t* flags) {
    if (write_left_ == 0) {
        if (shutdown_requested_) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            end_sent_ = true;
            return 0;
        }
        deferred_ = true;
        return NGHTTP2_ERR_DEFERRED;
    }
    const auto n = std::min(length, write_left_);
    std::memcpy(buf, write_data_, n);
    write_data_ += n;
    write_left_ -= n;
    write_done_ += n;
    if (write_left_ == 0) {
        post(std::exchange(write_handler_, nullptr), {}, write_done_);
        if (shutdown_requested_) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            end_sent_ = true;
        }
    }
    return static_cast<long>(n);
}

void H2Stream::resume_writes() {
    auto s = session_.lock();
    if (!s || s->dead_ || closed_) return;
    if (deferred_) {
        deferred_ = false;
        nghttp2_session_resume_data(s->session_, id_);
    }
    s->flush();
}

void H2Stream::async_write(asio::const_buffer bytes, Handler handler) {
    if (closed_ || local_closed_ || end_sent_ || shutdown_requested_) {
        post(std::move(handler), closed_ ? end_error_ : ErrorCode(asio::error::broken_pipe), 0);
        return;
    }
    if (bytes.size() == 0) {
        post(std::move(handler), {}, 0);
        return;
    }
    write_data_ = static_cast<const char*>(bytes.data());
    write_left_ = bytes.size();
    write_done_ = 0;
    write_handler_ = std::move(handler);
    resume_writes();
}

void H2Stream::write_now(std::string_view bytes) {
    if (closed_ || local_closed_ || end_sent_ || write_left_ > 0 || bytes.empty()) return;
    write_now_.assign(bytes);
    write_data_ = write_now_.data();
    write_left_ = write_now_.size();
    write_done_ = 0;
    resume_writes();
}

void H2Stream::shutdown_send() {
    if (shutdown_requested_) return;
    shutdown_requested_ = true;
    resume_writes();
}

void H2Stream::async_write_then_shutdown(asio::const_buffer bytes, Handler handler) {
    async_write(bytes, std::move(handler));
    shutdown_send();
}

void H2Stream::cancel() {
    post(std::exchange(read_handler_, nullptr), asio::error::operation_aborted, 0);
    if (write_handler_) {
        write_left_ = 0;
        post(std::exchange(write_handler_, nullptr), asio::error::operation_aborted, write_done_);
    }
}

void H2Stream::close() {
    if (local_closed_) return;
    // What a write handed over still leaves before END_STREAM, as TCP still sends what its
    // kernel took: a Close frame written just before close() (the answer to a peer's Close that
    // came with END_STREAM) is not lost to nghttp2 not having framed it yet. The write's handler
    // is cancelled, so its buffer is no longer ours: the rest is copied.
    std::string unframed;
    if (!closed_ && write_left_ > 0) unframed.assign(write_data_, write_left_);
    cancel();
    local_closed_ = true;
    inbox_.clear();
    inbox_read_ = 0;
    if (closed_) return;
    if (!unframed.empty()) {
        write_now_ = std::move(unframed);
        write_data_ = write_now_.data();
        write_left_ = write_now_.size();
        write_done_ = 0;
    }
    // Our side ends with END_STREAM; the peer gets the linger time to end its own (and to open
    // its window for what is left to frame).
    shutdown_send();
    if (peer_ended_ && write_left_ == 0) return;
    auto s = session_.lock();
    if (!s) return;
    linger_ = std::make_unique<asio::steady_timer>(executor_);
    linger_->expires_after(s->options_.linger);
    linger_->async_wait([self = shared_from_this()](const ErrorCode& ec) {
        if (!ec && !self->closed_) self->reset(NGHTTP2_CANCEL);
    });
}

void H2Stream::abort() {
    cancel();
    local_closed_ = true;
    if (!closed_) reset(NGHTTP2_CANCEL);
}

void H2Stream::reset(std::uint32_t error_code) {
    auto s = session_.lock();
    if (!s || s->dead_) return;
    nghttp2_submit_rst_stream(s->session_, NGHTTP2_FLAG_NONE, id_, error_code);
    s->flush();
}

bool H2Stream::is_open() const {
    return !closed_ && !local_closed_;
}

const TlsSessionInfo* H2Stream::tls_session() const {
    return transport_->tls_session();
}

bool H2Stream::request_key_update() {
    return transport_->request_key_update();
}

bool H2Stream::peer_sent_close_notify() const {
    return transport_->peer_sent_close_notify();
}

}  // namespace wsconform::harness::transport
