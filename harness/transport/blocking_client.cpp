#include "harness/transport/blocking_client.h"

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <optional>

namespace wsconform::harness::transport {

namespace asio = boost::asio;

BlockingClient::BlockingClient() = default;

BlockingClient::~BlockingClient() {
    close();
}

ErrorCode BlockingClient::run(
    const std::function<void(std::function<void(const ErrorCode&)>)>& start, Deadline deadline) {
    std::optional<ErrorCode> result;
    start([&result](const ErrorCode& e) { result = e; });
    io_.restart();
    io_.run_for(std::max(deadline, Deadline(1)));
    if (result) return *result;
    // Cancel and let the cancelled handler run, so nothing refers to this frame afterwards.
    if (pending_) pending_->cancel();
    if (stream_) stream_->cancel();
    io_.restart();
    io_.run();
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
}

}  // namespace wsconform::harness::transport
