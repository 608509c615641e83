// The one write queue: what a session, a probe or a server wants to send goes through here, in
// order, one write on the stream at a time.
//
// Pieces marked `own_write` (a case's chopped or synced sends) go out as writes of their own,
// each followed by a short pause so the peer sees them as separate segments, as Autobahn's
// Twisted transport does; other pieces queued back to back are coalesced into one write. With
// `defer_start`, the first write waits for the current handler to return, so everything a script
// queues in one turn can coalesce.
//
// While a write is in flight the queue keeps itself and its owner alive (as a handler capturing
// the owner would), so a connection waiting only on its writes is not destroyed under them; the
// hooks should hold the owner weakly. clear() drops what is queued and the hooks.
#pragma once

#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "harness/transport/stream.h"

namespace wsconform::harness::transport {

struct WriteQueueOptions {
    bool coalesce = true;
    bool defer_start = false;
    std::chrono::microseconds own_write_pause{10};
};

struct WriteQueueHooks {
    // Just before each write reaches the stream (wire logs, octet counts).
    std::function<void(std::string_view bytes, bool own_write)> on_write;
    // A write failed; the queue is emptied.
    std::function<void(const ErrorCode&)> on_error;
    // The queue ran empty after a write (or a push to an idle, empty queue found nothing to do).
    std::function<void()> on_drained;
};

class WriteQueue : public std::enable_shared_from_this<WriteQueue> {
  public:
    WriteQueue(StreamPtr stream, std::weak_ptr<void> owner, WriteQueueOptions options,
               WriteQueueHooks hooks);

    // `then` runs once this piece has been written.
    void push(std::string bytes, bool own_write = false, std::function<void()> then = {});
    // `bytes` in pieces of `chopsize`, each its own write (an empty string: one empty write).
    void push_chopped(std::string_view bytes, std::size_t chopsize);
    // `bytes` as a write of its own, then a half-close (Stream::async_write_then_shutdown).
    void push_final(std::string bytes, std::function<void()> then = {});
    // Runs `action` when the queue reaches it: between the writes before and after it.
    void push_action(std::function<void()> action);

    bool idle() const { return !writing_ && items_.empty(); }
    std::size_t queued_bytes() const { return queued_bytes_; }
    // Drops what is queued (a write in flight completes) and the hooks.
    void clear();

  private:
    struct Item {
        std::string bytes;
        bool own_write = false;
        std::function<void()> then;
        bool shutdown_after = false;
        std::function<void()> action;  // set: no bytes, run this instead
    };
    void enqueue(Item item);
    void pump();
    void on_written(const ErrorCode& ec, bool own_write, std::function<void()> then);

    StreamPtr stream_;
    std::weak_ptr<void> owner_;
    WriteQueueOptions options_;
    WriteQueueHooks hooks_;
    boost::asio::steady_timer pause_;
    std::deque<Item> items_;
    std::string buffer_;  // the write in flight
    std::size_t queued_bytes_ = 0;
    bool writing_ = false;
    bool cleared_ = false;
};

// A queue whose hooks call the owner's on_write(bytes, own_write), on_write_error(ec) and
// on_writes_drained() for as long as the owner lives.
template <class Owner>
std::shared_ptr<WriteQueue> make_write_queue(StreamPtr stream, const std::shared_ptr<Owner>& owner,
                                             WriteQueueOptions options) {
    std::weak_ptr<Owner> weak = owner;
    return std::make_shared<WriteQueue>(std::move(stream), weak, options,
                                        WriteQueueHooks{
                                            .on_write =
                                                [weak](std::string_view bytes, bool own_write) {
                                                    if (auto o = weak.lock())
                                                        o->on_write(bytes, own_write);
                                                },
                                            .on_error =
                                                [weak](const ErrorCode& ec) {
                                                    if (auto o = weak.lock()) o->on_write_error(ec);
                                                },
                                            .on_drained =
                                                [weak] {
                                                    if (auto o = weak.lock())
                                                        o->on_writes_drained();
                                                },
                                        });
}

}  // namespace wsconform::harness::transport
