#include "harness/transport/linger.h"

#include <boost/asio/steady_timer.hpp>

#include <array>
#include <memory>

namespace wsconform::harness::transport {

namespace {

struct Linger : std::enable_shared_from_this<Linger> {
    explicit Linger(StreamPtr s) : stream(std::move(s)), timer(stream->get_executor()) {}

    void start(std::chrono::milliseconds timeout) {
        stream->shutdown_send();
        timer.expires_after(timeout);
        timer.async_wait([self = shared_from_this()](const ErrorCode& ec) {
            if (!ec) self->stream->close();
        });
        drain();
    }

    void drain() {
        stream->async_read_some(boost::asio::buffer(sink),
                                [self = shared_from_this()](const ErrorCode& ec, std::size_t) {
                                    if (ec) {
                                        self->timer.cancel();
                                        self->stream->close();
                                        return;
                                    }
                                    self->drain();
                                });
    }

    StreamPtr stream;
    boost::asio::steady_timer timer;
    std::array<char, 4096> sink{};
};

}  // namespace

void linger_then_close(StreamPtr stream, std::chrono::milliseconds timeout) {
    std::make_shared<Linger>(std::move(stream))->start(timeout);
}

}  // namespace wsconform::harness::transport
