#include "harness/transport/write_queue.h"

#include <boost/asio/post.hpp>

namespace wsconform::harness::transport {

namespace asio = boost::asio;

WriteQueue::WriteQueue(StreamPtr stream, std::weak_ptr<void> owner, WriteQueueOptions options,
                       WriteQueueHooks hooks)
    : stream_(std::move(stream)),
      owner_(std::move(owner)),
      options_(options),
      hooks_(std::move(hooks)),
      pause_(stream_->get_executor()) {}

void WriteQueue::push(std::string bytes, bool own_write, std::function<void()> then) {
    enqueue({.bytes = std::move(bytes), .own_write = own_write, .then = std::move(then)});
}

void WriteQueue::push_final(std::string bytes, std::function<void()> then) {
    enqueue({.bytes = std::move(bytes),
             .own_write = true,
             .then = std::move(then),
             .shutdown_after = true});
}

void WriteQueue::push_action(std::function<void()> action) {
    enqueue({.own_write = true, .action = std::move(action)});
}

void WriteQueue::enqueue(Item item) {
    if (cleared_) return;
    queued_bytes_ += item.bytes.size();
    items_.push_back(std::move(item));
    if (writing_) return;
    writing_ = true;
    if (options_.defer_start)
        asio::post(stream_->get_executor(), [self = shared_from_this()] { self->pump(); });
    else
        pump();
}

void WriteQueue::push_chopped(std::string_view bytes, std::size_t chopsize) {
    if (bytes.empty()) {
        push(std::string(), true);
        return;
    }
    for (std::size_t i = 0; i < bytes.size(); i += chopsize)
        push(std::string(bytes.substr(i, chopsize)), true);
}

void WriteQueue::clear() {
    cleared_ = true;
    items_.clear();
    queued_bytes_ = 0;
    hooks_ = {};
    pause_.cancel();
}

void WriteQueue::pump() {
    if (cleared_ || items_.empty() || !stream_->is_open()) {
        writing_ = false;
        items_.clear();
        queued_bytes_ = 0;
        if (hooks_.on_drained) hooks_.on_drained();
        return;
    }
    Item first = std::move(items_.front());
    items_.pop_front();
    if (first.action) {
        first.action();
        asio::post(stream_->get_executor(),
                   [self = shared_from_this(), owner = owner_.lock()] { self->pump(); });
        return;
    }
    buffer_ = std::move(first.bytes);
    const bool shutdown_after = first.shutdown_after;
    const bool own_write = first.own_write;
    std::function<void()> then = std::move(first.then);
    if (!own_write && options_.coalesce && !then) {
        while (!items_.empty() && !items_.front().own_write) {
            buffer_ += items_.front().bytes;
            then = std::move(items_.front().then);
            items_.pop_front();
            if (then) break;
        }
    }
    if (hooks_.on_write) hooks_.on_write(buffer_, own_write);
    auto written = [self = shared_from_this(), owner = owner_.lock(), own_write,
                    then = std::move(then)](const ErrorCode& ec, std::size_t) mutable {
        self->on_written(ec, own_write, std::move(then));
    };
    if (shutdown_after)
        stream_->async_write_then_shutdown(asio::buffer(buffer_), std::move(written));
    else
        stream_->async_write(asio::buffer(buffer_), std::move(written));
}

void WriteQueue::on_written(const ErrorCode& ec, bool own_write, std::function<void()> then) {
    queued_bytes_ -= std::min(queued_bytes_, buffer_.size());
    if (cleared_) {
        writing_ = false;
        return;
    }
    if (ec) {
        writing_ = false;
        items_.clear();
        queued_bytes_ = 0;
        if (hooks_.on_error) hooks_.on_error(ec);
        return;
    }
    if (then) then();
    if (cleared_) {
        writing_ = false;
        return;
    }
    if (own_write && options_.own_write_pause.count() > 0) {
        pause_.expires_after(options_.own_write_pause);
        pause_.async_wait(
            [self = shared_from_this(), owner = owner_.lock()](const ErrorCode&) { self->pump(); });
    } else {
        pump();
    }
}

}  // namespace wsconform::harness::transport
