#include "harness/transport/tls_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace wsconform::harness::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

// Runs `handler` later on the stream's executor, never inside the call that asked for it.
template <class Handler, class... Args>
void post_handler(const asio::any_io_executor& executor, Handler handler, Args... args) {
    asio::post(executor, [handler = std::move(handler), args...]() mutable { handler(args...); });
}

}  // namespace

TlsStream::TlsStream(tcp::socket socket, TlsContextPtr context, const std::string& server_name)
    : SocketStream(std::move(socket)), context_(std::move(context)) {
    ssl_ = context_->new_connection(server_name);
    network_in_ = BIO_new(BIO_s_mem());
    network_out_ = BIO_new(BIO_s_mem());
    SSL_set_bio(ssl_, network_in_, network_out_);
    SSL_set_app_data(ssl_, &info_);
}

TlsStream::~TlsStream() {
    SSL_free(ssl_);  // frees both BIOs
}

ErrorCode TlsStream::error_from(int ssl_result) {
    const int kind = SSL_get_error(ssl_, ssl_result);
    if (!handshake_done_) {
        const long verify = SSL_get_verify_result(ssl_);
        if (verify != X509_V_OK && context_->side() == TlsContext::Side::client)
            return {static_cast<int>(verify), tls_verify_category()};
    }
    if (kind == SSL_ERROR_SSL || kind == SSL_ERROR_SYSCALL) {
        const unsigned long code = ERR_get_error();
        ERR_clear_error();
        if (code != 0) return {static_cast<int>(code), tls_category()};
    }
    return asio::error::connection_aborted;
}

void TlsStream::note_session() {
    info_.version = SSL_get_version(ssl_);
    if (context_->side() == TlsContext::Side::client) {
        if (const char* sni = SSL_get_servername(ssl_, TLSEXT_NAMETYPE_host_name))
            info_.hello.server_name = sni;
        info_.peer_verified = context_->client_settings().verify_chain;
    }
    if (const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_))
        info_.cipher = SSL_CIPHER_get_name(cipher);
    const unsigned char* alpn = nullptr;
    unsigned alpn_size = 0;
    SSL_get0_alpn_selected(ssl_, &alpn, &alpn_size);
    if (alpn) info_.alpn.assign(reinterpret_cast<const char*>(alpn), alpn_size);
}

// ---------------------------------------------------------------- handshake

void TlsStream::handshake(std::function<void(const ErrorCode&)> done) {
    continue_handshake(std::move(done));
}

void TlsStream::continue_handshake(std::function<void(const ErrorCode&)> done) {
    ERR_clear_error();
    const int result = SSL_do_handshake(ssl_);
    if (result == 1) {
        handshake_done_ = true;
        note_session();
        flush();
        post_handler(get_executor(), std::move(done), ErrorCode{});
        return;
    }
    if (SSL_get_error(ssl_, result) == SSL_ERROR_WANT_READ) {
        flush();
        fill([weak = weak_from_this(), done](const ErrorCode& ec) {
            auto self = weak.lock();
            if (!self) return done(asio::error::operation_aborted);
            if (ec) return done(ec);
            self->continue_handshake(done);
        });
        return;
    }
    const auto ec = error_from(result);
    flush_now();  // the alert that tells the peer why
    post_handler(get_executor(), std::move(done), ec);
}

// ---------------------------------------------------------------- reading

void TlsStream::fill(Step next) {
    socket_.async_read_some(asio::buffer(read_buffer_), [weak = weak_from_this(), next](
                                                            const ErrorCode& ec, std::size_t n) {
        auto self = weak.lock();
        if (!self) return next(asio::error::operation_aborted);
        if (!ec && n > 0)
            BIO_write(self->network_in_, self->read_buffer_.data(), static_cast<int>(n));
        next(ec);
    });
}

void TlsStream::async_read_some(asio::mutable_buffer into, Handler handler) {
    if (into.size() == 0) {
        post_handler(get_executor(), std::move(handler), ErrorCode{}, std::size_t{0});
        return;
    }
    continue_read(into, std::move(handler));
}

void TlsStream::continue_read(asio::mutable_buffer into, Handler handler) {
    ERR_clear_error();
    std::size_t n = 0;
    const int result = SSL_read_ex(ssl_, into.data(), into.size(), &n);
    flush();  // a KeyUpdate answer or an alert may be waiting to go out
    if (result == 1) {
        post_handler(get_executor(), std::move(handler), ErrorCode{}, n);
        return;
    }
    switch (SSL_get_error(ssl_, result)) {
        case SSL_ERROR_ZERO_RETURN:
            peer_close_notify_ = true;
            post_handler(get_executor(), std::move(handler), ErrorCode(asio::error::eof),
                         std::size_t{0});
            return;
        case SSL_ERROR_WANT_READ:
            fill([weak = weak_from_this(), into, handler](const ErrorCode& ec) {
                auto self = weak.lock();
                if (!self) return handler(asio::error::operation_aborted, 0);
                if (ec) return handler(ec, 0);
                self->continue_read(into, handler);
            });
            return;
        default:
            post_handler(get_executor(), std::move(handler), error_from(result), std::size_t{0});
    }
}

// ---------------------------------------------------------------- writing

bool TlsStream::encrypt(std::string_view bytes, ErrorCode& ec) {
    ERR_clear_error();
    while (!bytes.empty()) {
        const std::size_t piece =
            record_size_ ? std::min(record_size_, bytes.size()) : bytes.size();
        std::size_t written = 0;
        const int result = SSL_write_ex(ssl_, bytes.data(), piece, &written);
        if (result != 1) {
            ec = error_from(result);
            return false;
        }
        bytes.remove_prefix(written);
    }
    return true;
}

void TlsStream::take_output() {
    char* data = nullptr;
    const long size = BIO_get_mem_data(network_out_, &data);
    if (size <= 0) return;
    pending_.append(data, static_cast<std::size_t>(size));
    (void)BIO_reset(network_out_);
}

void TlsStream::flush(Handler handler, std::size_t reported) {
    take_output();
    if (writing_) {
        if (handler) {
            if (auto waiting = waiting_write_.lock()) {
                waiting->handler = std::move(handler);
                waiting->size = reported;
            }
        }
        return;
    }
    if (pending_.empty()) {
        if (send_fin_after_flush_) {
            send_fin_after_flush_ = false;
            ErrorCode ignored;
            socket_.shutdown(tcp::socket::shutdown_send, ignored);
        }
        if (handler) post_handler(get_executor(), std::move(handler), ErrorCode{}, reported);
        return;
    }
    in_flight_ = std::move(pending_);
    pending_.clear();
    writing_ = true;
    auto waiting_slot = std::make_shared<WaitingWrite>();
    waiting_write_ = waiting_slot;
    asio::async_write(socket_, asio::buffer(in_flight_),
                      [weak = weak_from_this(), handler = std::move(handler), reported,
                       waiting_slot = std::move(waiting_slot)](const ErrorCode& ec, std::size_t) {
                          Handler waiting = std::move(waiting_slot->handler);
                          waiting_slot->handler = nullptr;
                          auto self = weak.lock();
                          if (!self) {
                              if (handler) handler(asio::error::operation_aborted, 0);
                              if (waiting) waiting(asio::error::operation_aborted, 0);
                              return;
                          }
                          self->writing_ = false;
                          self->in_flight_.clear();
                          if (ec) {
                              if (handler) handler(ec, 0);
                              if (waiting) waiting(ec, 0);
                              return;
                          }
                          self->flush(std::move(waiting), waiting_slot->size);
                          if (handler) handler(ec, reported);
                      });
}

void TlsStream::flush_now() {
    take_output();
    if (writing_ || pending_.empty() || !socket_.is_open()) return;
    ErrorCode ec;
    socket_.non_blocking(true, ec);
    const std::size_t n = socket_.write_some(asio::buffer(pending_), ec);
    pending_.erase(0, ec ? 0 : n);
}

void TlsStream::async_write(asio::const_buffer bytes, Handler handler) {
    ErrorCode ec;
    if (!encrypt({static_cast<const char*>(bytes.data()), bytes.size()}, ec)) {
        post_handler(get_executor(), std::move(handler), ec, std::size_t{0});
        return;
    }
    flush(std::move(handler), bytes.size());
}

void TlsStream::async_write_then_shutdown(asio::const_buffer bytes, Handler handler) {
    ErrorCode ec;
    if (!encrypt({static_cast<const char*>(bytes.data()), bytes.size()}, ec)) {
        post_handler(get_executor(), std::move(handler), ec, std::size_t{0});
        return;
    }
    if (!close_notify_sent_) {
        close_notify_sent_ = true;
        SSL_shutdown(ssl_);
    }
    send_fin_after_flush_ = true;
    flush(std::move(handler), bytes.size());
}

bool TlsStream::request_key_update() {
    return handshake_done_ && SSL_version(ssl_) == TLS1_3_VERSION &&
           SSL_key_update(ssl_, SSL_KEY_UPDATE_REQUESTED) == 1;
}

// The renegotiation's ClientHello goes out now; its answer arrives through later reads.
bool TlsStream::start_renegotiation() {
    if (!handshake_done_ || SSL_version(ssl_) >= TLS1_3_VERSION) return false;
    ERR_clear_error();
    if (SSL_renegotiate(ssl_) != 1) return false;
    SSL_do_handshake(ssl_);
    ERR_clear_error();
    info_.renegotiation_started = true;
    flush();
    return true;
}

const TlsSessionInfo* TlsStream::tls_session() const {
    info_.renegotiation_pending = SSL_renegotiate_pending(ssl_) != 0;
    return &info_;
}

void TlsStream::write_now(std::string_view bytes) {
    ErrorCode ec;
    if (encrypt(bytes, ec)) flush_now();
}

// ---------------------------------------------------------------- closing

void TlsStream::shutdown_send() {
    if (handshake_done_ && !close_notify_sent_) {
        close_notify_sent_ = true;
        ERR_clear_error();
        SSL_shutdown(ssl_);
    }
    send_fin_after_flush_ = true;
    flush();
}

void TlsStream::close() {
    if (handshake_done_ && !close_notify_sent_ && socket_.is_open()) {
        close_notify_sent_ = true;
        ERR_clear_error();
        SSL_shutdown(ssl_);
        flush_now();
    }
    SocketStream::close();
    release_waiting_write(asio::error::operation_aborted);
}

void TlsStream::cancel() {
    SocketStream::cancel();
    release_waiting_write(asio::error::operation_aborted);
}

void TlsStream::release_waiting_write(const ErrorCode& ec) {
    auto waiting = waiting_write_.lock();
    if (!waiting || !waiting->handler) return;
    post_handler(get_executor(), std::move(waiting->handler), ec, std::size_t{0});
    waiting->handler = nullptr;
}

}  // namespace wsconform::harness::transport
