// The API a case script talks to. It mirrors the calls Autobahn's cases make on their protocol
// object (sendFrame, sendMessage, sendClose, continueLater, killAfter, closeAfter ...), and it
// hides the role: testing a server we send masked frames, testing a client unmasked ones.
//
// A script never touches a socket or a clock: every call queues work on the connection, and
// the Runner owns the timers and the deadlines.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "harness/model/events.h"
#include "harness/model/limits.h"
#include "protocol/frame.h"

namespace wsconform::harness {

using Duration = std::chrono::milliseconds;

// Autobahn's sendFrame(opcode, payload, fin, rsv, mask, payload_len, chopsize, sync).
struct FrameSpec {
    std::uint8_t opcode = protocol::opcode::text;
    std::string payload;
    bool fin = true;
    std::uint8_t rsv = 0;
    // Repeat `payload` up to this many bytes (Autobahn's payload_len).
    std::optional<std::size_t> payload_len;
    // Write the finished frame's bytes in writes of this size.
    std::optional<std::size_t> chopsize;
    // Send this frame in a write of its own, not coalesced with its neighbours.
    bool sync = false;
    // Masking key to use instead of a random one (only when we are the client).
    std::optional<protocol::MaskKey> mask;
    // Masked the way our role must not mask (RFC 6455 5.1): unmasked when we are the client,
    // masked (with `mask` or a random key) when we are the server. Section 18.
    bool wrong_masking = false;
    protocol::LengthForm length_form = protocol::LengthForm::minimal;
};

class Session {
  public:
    virtual ~Session() = default;

    // ---- Sending. Everything is written in call order.

    virtual void send_frame(FrameSpec frame) = 0;
    // Autobahn's sendMessage(payload, isBinary, fragmentSize): one message, split into frames
    // of `fragment_size` bytes when given (or of the auto-fragment size when set).
    virtual void send_message(std::string payload, bool binary,
                              std::optional<std::size_t> fragment_size = std::nullopt) = 0;
    // Octets as they are, optionally in writes of `chopsize`.
    virtual void send_raw(std::string bytes, std::optional<std::size_t> chopsize = std::nullopt,
                          bool sync = false) = 0;
    // Autobahn's beginMessage + beginMessageFrame(length) + sendMessageFrameData(...) +
    // endMessage: a frame header announcing `length`, then its payload in separate writes.
    virtual void begin_frame(std::uint8_t opcode, std::uint64_t length) = 0;
    virtual void send_frame_data(std::string chunk) = 0;
    // Autobahn's sendClose/sendCloseFrame: starts the closing handshake (so we are the
    // endpoint that closed), with an optional code and raw reason bytes. No-op unless open.
    virtual void send_close(std::optional<std::uint16_t> code = std::nullopt,
                            std::optional<std::string> reason = std::nullopt) = 0;
    // Autobahn's autoFragmentSize: send_message() splits into frames of this size (0 = off).
    virtual void set_auto_fragment_size(std::size_t size) = 0;

    // ---- TLS (section 16). Over plain TCP they do what TCP can (see each).

    // A close frame, then at once the end of our sending side: over TLS the frame's record and
    // close_notify leave in one TCP write (TCP: a FIN after the frame).
    virtual void send_close_and_end(std::uint16_t code) = 0;
    // TLS 1.3: a KeyUpdate (asking the peer to update too) before the next thing we send.
    // False, and nothing sent, when the connection is not TLS 1.3.
    virtual bool send_tls_key_update() = 0;
    // TLS 1.2 and older: a renegotiation handshake started now. False when not possible.
    virtual bool start_tls_renegotiation() = 0;
    // What TLS negotiated ("" version: not TLS).
    virtual std::string tls_version() const = 0;

    // ---- Timers (Autobahn's continueLater / killAfter / closeAfter).

    // After `delay`, if the connection is not closed, runs `then` (the script records its own
    // timeout tag there, as Autobahn's cases do). `tag` is for the wire log.
    virtual void continue_later(Duration delay, std::function<void(Session&)> then,
                                std::string tag = {}) = 0;
    // After `delay`, if still not closed, we fail the connection (close 1001 "Going Away").
    virtual void kill_after(Duration delay) = 0;
    // After `delay`, if still not closed, we start a normal closing handshake.
    virtual void close_after(Duration delay) = 0;

    // ---- State.

    // Open: handshake done and no close frame sent or received yet (Autobahn's STATE_OPEN).
    virtual bool is_open() const = 0;
    // True when we play the server (testing a client).
    virtual bool is_server() const = 0;
    // permessage-deflate was agreed in the opening handshake: send_message() then compresses
    // and received messages are inflated before they are recorded.
    virtual bool deflate_negotiated() const = 0;

    // ---- Expectations and results.

    // Declares an acceptable outcome (Autobahn's self.expected[behavior] = events).
    virtual void expect(Behavior behavior, std::vector<Event> events) = 0;
    virtual void expect_close(ExpectedClose close) = 0;
    // Appends to the received events (scripts record their own timeout tags).
    virtual void record(Event event) = 0;
    // Sets the verdict directly: performance cases judge themselves (Autobahn 9.x, 12.x).
    virtual void set_result(Behavior behavior, std::string text) = 0;
    // Turns the wire log off during bulk traffic (Autobahn's enableWirelog).
    virtual void set_wirelog(bool enabled) = 0;
    // Number of frames we sent with this opcode (Autobahn's txFrameStats), for 10.1.1.
    virtual std::uint64_t frames_sent(std::uint8_t opcode) const = 0;

    // ---- Section 15 (harness/model/limits.h). Sessions that only record what a script
    // declares keep the defaults: no thresholds given, no bulk traffic, reading never paused.

    // The run's thresholds (--limit-prompt, --limit-missing-size).
    virtual const LimitThresholds& limits() const {
        static const LimitThresholds defaults;
        return defaults;
    }
    // Bulk traffic without holding it: `next` is called, and queues the next piece (frames,
    // raw octets), once everything queued before has been written; again and again until it
    // returns false or the connection is no longer open. A peer that stops reading stops it.
    virtual void send_paced(std::function<bool(Session&)> next) { (void)next; }
    // Reads nothing from the peer for `delay` (what it sends meanwhile waits in its buffers and
    // ours): the peer sees a reader that does not read. The case's deadline covers the pause.
    virtual void pause_reading(Duration delay) { (void)delay; }
};

}  // namespace wsconform::harness
