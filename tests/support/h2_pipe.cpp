#include "tests/support/h2_pipe.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>

#include <array>
#include <functional>

#include "harness/transport/connector.h"
#include "harness/transport/h2_session.h"
#include "harness/transport/tls_context.h"

namespace wsconform::test_support {

namespace asio = boost::asio;
namespace t = harness::transport;

struct H2Pipe::Impl {
    H2PipeOptions options;
    asio::io_context io;
    std::shared_ptr<t::H2Session> session;
    t::H2StreamPtr stream;
    bool not_offered = false;
    bool certificate_refused = false;  // our TLS verification failed: the client's own refusal

    // Runs the io_context until `done` or the deadline; false at the deadline.
    bool run_until(const std::function<bool()>& done, Clock::time_point deadline) {
        while (!done()) {
            if (io.stopped()) io.restart();
            if (io.run_one_until(deadline) == 0) return done();
        }
        return true;
    }

    ~Impl() {
        // Our END_STREAM and GOAWAY go out before the connection is dropped.
        if (stream) stream->close();
        if (session) {
            session->close();
            run_until([&] { return !session->is_open(); },
                      Clock::now() + std::chrono::milliseconds(500));
            session->transport()->close();
        }
        stream.reset();
        session.reset();
    }
};

H2Pipe::H2Pipe(H2PipeOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
}

H2Pipe::~H2Pipe() = default;

bool H2Pipe::open(protocol::H2Fields request, Clock::time_point deadline,
                  protocol::H2Fields& response, std::string& error) {
    auto& impl = *impl_;
    t::ConnectTarget target{.host = impl.options.tls ? "localhost" : "127.0.0.1",
                            .port = impl.options.port,
                            .addresses = {{asio::ip::make_address("127.0.0.1"), impl.options.port}},
                            .http2 = true};
    if (impl.options.tls) {
        t::TlsClientSettings settings{.ca_file = impl.options.ca_file, .alpn = {"h2"}};
        target.tls = t::TlsContext::client(settings, error);
        if (!target.tls) return false;
    }
    bool connected = false;
    t::StreamPtr connection;
    t::ErrorCode connect_error;
    auto pending = t::async_connect(impl.io, target, [&](const t::ErrorCode& ec, t::StreamPtr s) {
        connected = true;
        connect_error = ec;
        connection = std::move(s);
    });
    if (!impl.run_until([&] { return connected; }, deadline)) {
        pending->cancel();
        impl.run_until([&] { return connected; }, Clock::now() + std::chrono::seconds(1));
        error = "timed out connecting";
        return false;
    }
    if (connect_error || !connection) {
        error = "connect failed: " + connect_error.message();
        impl.certificate_refused = connect_error.category() == t::tls_verify_category();
        return false;
    }
    if (const auto* tls = connection->tls_session(); tls && tls->alpn != "h2") {
        error = t::make_error_code(t::H2Error::not_h2).message();
        connection->close();
        return false;
    }
    impl.session = t::H2Session::client(
        connection, {.close_when_idle = true,
                     .linger = std::chrono::milliseconds(1000),
                     .connect_before_settings = !impl.options.wait_for_settings});
    bool answered = false;
    t::ErrorCode open_error;
    impl.session->open_websocket(std::move(request), [&](const t::ErrorCode& ec, t::H2StreamPtr s,
                                                         protocol::H2Fields fields) {
        answered = true;
        open_error = ec;
        impl.stream = std::move(s);
        response = std::move(fields);
    });
    if (!impl.run_until([&] { return answered; }, deadline)) {
        error = "timed out waiting for the response to the extended CONNECT";
        return false;
    }
    if (open_error) {
        error = open_error.message();
        impl.not_offered = open_error == t::make_error_code(t::H2Error::no_extended_connect);
        return false;
    }
    return true;
}

bool H2Pipe::not_offered() const {
    return impl_->not_offered;
}

bool H2Pipe::certificate_refused() const {
    return impl_->certificate_refused;
}

Socket::Read H2Pipe::read_some(std::string& into, Clock::time_point deadline) {
    auto& impl = *impl_;
    if (!impl.stream) return Socket::Read::eof;
    std::array<char, 16 * 1024> chunk;
    bool done = false;
    t::ErrorCode result;
    std::size_t got = 0;
    impl.stream->async_read_some(asio::buffer(chunk), [&](const t::ErrorCode& ec, std::size_t n) {
        done = true;
        result = ec;
        got = n;
    });
    if (!impl.run_until([&] { return done; }, deadline)) {
        impl.stream->cancel();  // the handler runs (aborted) before `chunk` goes
        impl.run_until([&] { return done; }, Clock::now() + std::chrono::seconds(1));
        return Socket::Read::timeout;
    }
    if (result) return Socket::Read::eof;
    into.append(chunk.data(), got);
    return Socket::Read::data;
}

bool H2Pipe::write_all(std::string_view bytes, Clock::time_point deadline) {
    auto& impl = *impl_;
    if (!impl.stream) return false;
    bool done = false;
    t::ErrorCode result;
    impl.stream->async_write(asio::buffer(bytes.data(), bytes.size()),
                             [&](const t::ErrorCode& ec, std::size_t) {
                                 done = true;
                                 result = ec;
                             });
    if (!impl.run_until([&] { return done; }, deadline)) {
        impl.stream->cancel();
        impl.run_until([&] { return done; }, Clock::now() + std::chrono::seconds(1));
        return false;
    }
    return !result;
}

}  // namespace wsconform::test_support
