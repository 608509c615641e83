#include "tests/support/socket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <utility>

#include "protocol/frame.h"

namespace wsconform::test_support {

namespace {

using std::chrono::milliseconds;

// Every blocking wait is cut into slices this long, so that a stop is seen promptly.
constexpr milliseconds kPollSlice{50};

bool would_block(int error) {
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

sockaddr_in loopback(std::uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    return addr;
}

}  // namespace

Socket::Socket(int fd, const std::atomic<bool>* stop) : fd_(fd), stop_(stop) {
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

Socket::~Socket() {
    if (fd_ >= 0) ::close(fd_);
}

Socket::Wait Socket::wait(short events, Clock::time_point deadline) {
    for (;;) {
        if (stop_ != nullptr && *stop_) return Wait::stopped;
        const auto now = Clock::now();
        if (now >= deadline) return Wait::timeout;
        const auto slice = std::min<Clock::duration>(kPollSlice, deadline - now);
        const int ms = std::max<int>(
            1, static_cast<int>(std::chrono::duration_cast<milliseconds>(slice).count()));
        pollfd p{fd_, events, 0};
        const int r = ::poll(&p, 1, ms);
        if (r < 0) {
            if (errno == EINTR) continue;
            return Wait::hangup;
        }
        if (r == 0) continue;
        if (p.revents & events) return Wait::ready;
        if (p.revents & (POLLERR | POLLHUP | POLLNVAL)) return Wait::hangup;
    }
}

Socket::Read Socket::read_some(std::string& into, Clock::time_point deadline) {
    std::array<char, 64 * 1024> chunk;
    for (;;) {
        const Wait w = wait(POLLIN, deadline);
        if (w == Wait::timeout) return Read::timeout;
        if (w != Wait::ready) return Read::eof;
        const auto n = ::recv(fd_, chunk.data(), chunk.size(), MSG_DONTWAIT);
        if (n > 0) {
            into.append(chunk.data(), static_cast<std::size_t>(n));
            return Read::data;
        }
        if (n < 0 && would_block(errno)) continue;
        return Read::eof;
    }
}

bool Socket::write_all(std::string_view bytes, Clock::time_point deadline) {
    while (!bytes.empty()) {
        if (wait(POLLOUT, deadline) != Wait::ready) return false;
        const auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        if (n < 0) {
            if (would_block(errno)) continue;
            return false;
        }
        bytes.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

void Socket::drain(Clock::time_point deadline) {
    std::string sink;
    while (read_some(sink, deadline) == Read::data) sink.clear();
}

void Socket::shutdown_write() {
    ::shutdown(fd_, SHUT_WR);
}

void Socket::reset() {
    struct ::linger lg {
        1, 0
    };
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    ::close(fd_);
    fd_ = -1;
}

int listen_loopback(int backlog, std::uint16_t& port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "test peer: socket");
    int one = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr = loopback(0);
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd, backlog) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        const int err = errno;
        ::close(fd);
        throw std::system_error(err, std::generic_category(), "test peer: listen");
    }
    port = ntohs(addr.sin_port);
    return fd;
}

Acceptor::Acceptor(int backlog, std::atomic<bool>& stop, std::function<void(int fd)> on_accept,
                   std::function<void()> after_poll)
    : stop_(stop), on_accept_(std::move(on_accept)), after_poll_(std::move(after_poll)) {
    fd_ = listen_loopback(backlog, port_);
    thread_ = std::thread([this] { run(); });
}

Acceptor::~Acceptor() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
}

void Acceptor::run() {
    while (!stop_) {
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(kPollSlice.count()));
        if (after_poll_) after_poll_();
        if (r <= 0) continue;
        const int fd = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd >= 0) on_accept_(fd);
    }
}

int connect_loopback(std::uint16_t port, Clock::time_point deadline, std::string& error) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return -1;
    }
    const sockaddr_in addr = loopback(port);
    if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0 &&
        errno != EINPROGRESS) {
        error = std::string("connect: ") + std::strerror(errno);
        ::close(fd);
        return -1;
    }
    pollfd p{fd, POLLOUT, 0};
    const auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
    if (::poll(&p, 1, static_cast<int>(std::max<long>(0, left))) <= 0) {
        error = "connect: timed out";
        ::close(fd);
        return -1;
    }
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (so_error != 0) {
        error = std::string("connect: ") + std::strerror(so_error);
        ::close(fd);
        return -1;
    }
    return fd;
}

std::string frame_bytes(std::uint8_t opcode, std::string_view payload,
                        std::optional<protocol::MaskKey> mask) {
    return protocol::encode_frame({.fin = true,
                                   .opcode = opcode,
                                   .masked = mask.has_value(),
                                   .mask_key = mask.value_or(protocol::MaskKey{})},
                                  payload);
}

}  // namespace wsconform::test_support
