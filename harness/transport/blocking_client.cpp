#include "harness/transport/blocking_client.h"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <optional>

#include "harness/transport/h2_session.h"

namespace wsconform::harness::transport {

namespace asio = boost::asio;

BlockingClient::BlockingClient() = default;

BlockingClient::~BlockingClient() {
    close();
}

// Runs until the operation ends or the deadline passes: not until the io_context runs out of
// work, which an HTTP/2 connection (always reading) never does.
ErrorCode BlockingClient::run(
    const std::function<void(std::function<void(const ErrorCode&)>)>& start, Deadline deadline) {
    std::optional<ErrorCode> result;
    start([&result](const ErrorCode& e) { result = e; });
    io_.restart();
    const auto until = std::chrono::steady_clock::now() + std::max(deadline, Deadline(1));
    while (!result && io_.run_one_until(until) > 0) {
    }
    if (result) return *result;
    // Cancel and let the cancelled handler run, so nothing refers to this frame afterwards.
    if (pending_) pending_->cancel();
    if (stream_) stream_->cancel();
    io_.restart();
    while (!result && io_.run_one() > 0) {
    }
    return asio::error::timed_out;
}

ErrorCode BlockingClient::connect(const ConnectTarget& target, Deadline deadline) {
    close();
    const auto ec = run(
        [&](auto done) {
            pending_ = async_connect(io_, target, [this, done](const ErrorCode& e, StreamPtr s) {
                stream_ = std::move(s);
                done(e);
            });
        },
        deadline);
    pending_.reset();
    return ec;
}

ErrorCode BlockingClient::open_h2_websocket(protocol::H2Fields request,
                                            protocol::H2Fields& response, Deadline deadline) {
    if (!stream_) return asio::error::not_connected;
    if (const auto* tls = stream_->tls_session(); tls && tls->alpn != "h2")
        return make_error_code(H2Error::not_h2);
    h2_ = H2Session::client(stream_, {.close_when_idle = true});
    StreamPtr opened;
    const auto ec = run(
        [&](auto done) {
            h2_->open_websocket(std::move(request),
                                [done, &opened, &response](const ErrorCode& e, H2StreamPtr stream,
                                                           protocol::H2Fields fields) {
                                    opened = std::move(stream);
                                    response = std::move(fields);
                                    done(e);
                                });
        },
        deadline);
    if (!ec && opened) stream_ = std::move(opened);
    return ec;
}

ErrorCode BlockingClient::write(std::string_view bytes, Deadline deadline) {
    if (!stream_) return asio::error::not_connected;
    return run(
        [&](auto done) {
            stream_->async_write(asio::buffer(bytes.data(), bytes.size()),
                                 [done](const ErrorCode& e, std::size_t) { done(e); });
        },
        deadline);
}

ErrorCode BlockingClient::read_some(std::string& out, std::size_t limit, Deadline deadline) {
    if (!stream_) return asio::error::not_connected;
    std::array<char, 16384> buf;
    std::size_t got = 0;
    const auto ec = run(
        [&](auto done) {
            stream_->async_read_some(
                asio::buffer(buf.data(), std::min(buf.size(), std::max<std::size_t>(limit, 1))),
                [done, &got](const ErrorCode& e, std::size_t n) {
                    got = n;
                    done(e);
                });
        },
        deadline);
    out.append(buf.data(), got);
    return ec;
}

void BlockingClient::close() {
    if (stream_) stream_->close();
    stream_.reset();
    if (h2_) {
        // The stream's END_STREAM and our GOAWAY go out now, without waiting for the peer.
        h2_->close();
        io_.restart();
        io_.poll();
        h2_->transport()->close();
        io_.restart();
        io_.poll();
        h2_.reset();
    }
}

}  // namespace wsconform::harness::transport
