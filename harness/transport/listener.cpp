#include "harness/transport/listener.h"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include <system_error>

#include "harness/transport/tcp_stream.h"
#include "harness/transport/tls_stream.h"

namespace wsconform::harness::transport {

namespace asio = boost::asio;
using asio::ip::tcp;

Listener::Listener(asio::io_context& io, ListenerOptions options)
    : io_(io), options_(std::move(options)), acceptor_(io) {}

void Listener::listen() {
    ErrorCode ec;
    auto address = asio::ip::make_address(options_.host, ec);
    if (ec) {
        // A name such as "localhost": resolve it.
        tcp::resolver resolver(io_);
        const auto results = resolver.resolve(options_.host, "0", ec);
        if (ec || results.empty())
            throw std::system_error(ec, "cannot resolve listen host " + options_.host);
        address = results.begin()->endpoint().address();
    }
    const tcp::endpoint endpoint(address, options_.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec)
        throw std::system_error(
            ec, "cannot listen on " + options_.host + ":" + std::to_string(options_.port));
}

std::uint16_t Listener::port() const {
    ErrorCode ec;
    const auto ep = acceptor_.local_endpoint(ec);
    return ec ? 0 : ep.port();
}

void Listener::start(AcceptHandler on_accept) {
    on_accept_ = std::move(on_accept);
    accept_next();
}

void Listener::close() {
    closed_ = true;
    asio::post(io_, [self = shared_from_this()] {
        ErrorCode ignored;
        self->acceptor_.close(ignored);
    });
}

void Listener::accept_next() {
    auto handle = [self = shared_from_this()](const ErrorCode& ec, tcp::socket socket) {
        if (self->closed_) return;
        if (!ec) {
            ++self->accepted_;
            // Counted from here until the last owner of the stream lets go of it.
            auto live = self->live_;
            const auto count = [live](Stream* s) {
                delete s;
                --*live;
            };
            const bool over = ++*live > self->options_.max_connections &&
                              !(self->options_.evict_idle && self->evict_oldest_idle());
            if (self->options_.tls && !over) {
                self->secure(StreamPtr(
                    new TlsStream(std::move(socket), self->options_.tls, std::string()), count));
            } else if (over) {
                // Over TLS a plain-text busy answer would only confuse the client: just close.
                auto stream = StreamPtr(new TcpStream(std::move(socket)), count);
                if (!self->options_.busy_response.empty() && !self->options_.tls)
                    stream->write_now(self->options_.busy_response);
                stream->close();
            } else {
                self->hand_on(StreamPtr(new TcpStream(std::move(socket)), count));
            }
        }
        self->accept_next();
    };
    if (options_.strand_per_connection)
        acceptor_.async_accept(asio::make_strand(io_), std::move(handle));
    else
        acceptor_.async_accept(std::move(handle));
}

// The handshake runs under its own deadline, so a client that connects and stays silent (or
// stalls mid-handshake) holds nothing for long.
void Listener::secure(StreamPtr stream) {
    auto* tls = static_cast<TlsStream*>(stream.get());
    auto timer = std::make_shared<asio::steady_timer>(stream->get_executor());
    auto expired = std::make_shared<bool>(false);
    timer->expires_after(options_.tls_handshake_timeout);
    timer->async_wait([weak = std::weak_ptr<Stream>(stream), expired](const ErrorCode& ec) {
        if (ec) return;
        *expired = true;
        if (auto s = weak.lock()) s->close();
    });
    tls->handshake([self = shared_from_this(), stream, timer, expired,
                    remote = stream->remote_address()](const ErrorCode& ec) {
        timer->cancel();
        if (self->closed_) return stream->close();
        if (ec) {
            if (self->options_.on_tls_failure)
                self->options_.on_tls_failure(remote,
                                              *expired ? ErrorCode(asio::error::timed_out) : ec,
                                              *stream->tls_session());
            stream->close();
            return;
        }
        self->hand_on(stream);
    });
}

void Listener::hand_on(StreamPtr stream) {
    if (options_.evict_idle) {
        std::lock_guard lock(idle_mutex_);
        std::erase_if(idle_, [](const auto& entry) { return entry.second.expired(); });
        idle_.emplace_back(stream.get(), stream);
    }
    on_accept_(std::move(stream));
}

void Listener::engaged(const Stream& stream) {
    std::lock_guard lock(idle_mutex_);
    // (an expired entry at the same address was another stream)
    std::erase_if(idle_, [&stream](const auto& entry) {
        return entry.first == &stream && !entry.second.expired();
    });
}

bool Listener::evict_oldest_idle() {
    StreamPtr oldest;
    {
        std::lock_guard lock(idle_mutex_);
        while (!oldest && !idle_.empty()) {
            oldest = idle_.front().second.lock();
            idle_.pop_front();
        }
    }
    if (!oldest) return false;
    auto evict = [oldest, busy = options_.tls ? std::string() : options_.busy_response] {
        if (!busy.empty()) oldest->write_now(busy);
        oldest->close();
    };
    // Without strands every handler runs on the io_context's one thread, this one: closed at
    // once, so a request that completes meanwhile cannot be served on a stream being evicted.
    // With strands, on the stream's own executor.
    if (options_.strand_per_connection)
        asio::post(oldest->get_executor(), std::move(evict));
    else
        evict();
    return true;
}

}  // namespace wsconform::harness::transport
