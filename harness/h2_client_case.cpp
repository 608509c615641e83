#include "harness/h2_client_case.h"

#include <nghttp2/nghttp2.h>

#include <boost/asio/buffer.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <array>
#include <utility>

#include "harness/http_case.h"
#include "harness/model/clock.h"
#include "harness/transport/linger.h"
#include "protocol/close.h"
#include "protocol/frame.h"

namespace wsconform::harness {

namespace asio = boost::asio;
namespace h2 = protocol::h2;
using std::chrono::milliseconds;

// ---------------------------------------------------------------- HpackInflater

HpackInflater::HpackInflater() {
    nghttp2_hd_inflate_new(&inflater_);
}

HpackInflater::~HpackInflater() {
    nghttp2_hd_inflate_del(inflater_);
}

std::optional<protocol::H2Fields> HpackInflater::decode(std::string_view block) {
    if (!inflater_) return std::nullopt;
    protocol::H2Fields out;
    auto* in = reinterpret_cast<const std::uint8_t*>(block.data());
    std::size_t left = block.size();
    for (;;) {
        nghttp2_nv nv;
        int flags = 0;
        const auto n = nghttp2_hd_inflate_hd2(inflater_, &nv, &flags, in, left, 1);
        if (n < 0) return std::nullopt;
        in += n;
        left -= static_cast<std::size_t>(n);
        if (flags & NGHTTP2_HD_INFLATE_EMIT)
            out.push_back({std::string(reinterpret_cast<const char*>(nv.name), nv.namelen),
                           std::string(reinterpret_cast<const char*>(nv.value), nv.valuelen)});
        if (flags & NGHTTP2_HD_INFLATE_FINAL) {
            nghttp2_hd_inflate_end_headers(inflater_);
            return out;
        }
        if (n == 0 && left == 0) return std::nullopt;
    }
}

// ---------------------------------------------------------------- H2ClientCase

namespace {

// How long we watch for the client's next step.
constexpr milliseconds kRequestWait{5000};    // for the case's extended CONNECT
constexpr milliseconds kNoConnectWait{3000};  // 17.6.2, 17.6.3: "no request within a few seconds"
constexpr milliseconds kEchoWait{2000};
constexpr milliseconds kChangeWait{3000};  // after the change: the client's GOAWAY?
constexpr milliseconds kCloseWait{2000};

constexpr std::uint32_t kMaxConcurrentStreams = 100;
// What a case keeps of its connection (it needs a request or two, and an echo): beyond, the
// connection is failed (requests) or the messages are counted only, so a client that floods
// costs no more memory.
constexpr std::size_t kMaxRequests = 100;
constexpr std::size_t kMaxMessagesKept = 64;
constexpr std::size_t kMaxUnsent = 4u << 20;  // our frames waiting for the client to read
// What a request's recorded answer adds when it waited for our SETTINGS (see send_answer).
constexpr const char* kHeldAnswer = ", held until our SETTINGS were out";

bool forbids_connect(H2SettingsProfile p) {
    return p == H2SettingsProfile::absent || p == H2SettingsProfile::zero;
}

// Our first SETTINGS for the profile.
h2::Settings first_settings(H2SettingsProfile p) {
    h2::Settings s{{h2::setting::max_concurrent_streams, kMaxConcurrentStreams}};
    if (p == H2SettingsProfile::zero)
        s.emplace_back(h2::setting::enable_connect_protocol, 0);
    else if (p != H2SettingsProfile::absent)
        s.emplace_back(h2::setting::enable_connect_protocol, 1);
    if (p == H2SettingsProfile::held_window)
        s.emplace_back(h2::setting::initial_window_size, kH2HeldWindow);
    return s;
}

std::string frame_bytes(std::uint8_t opcode, std::string_view payload) {
    return protocol::encode_frame({.fin = true, .opcode = opcode}, payload);
}

}  // namespace

H2ClientCase::H2ClientCase(asio::io_context& io, const Case& test, const H2ClientProbe& probe,
                           SessionConfig config,
                           std::function<bool(std::string_view path)> is_this_case,
                           std::function<bool(std::string_view path)> prepares_this_case, Done done)
    : io_(io),
      test_(test),
      probe_(probe),
      config_(std::move(config)),
      is_this_case_(std::move(is_this_case)),
      prepares_this_case_(std::move(prepares_this_case)),
      done_(std::move(done)),
      timer_(io) {
    x_.profile = probe_.profile;
}

H2ClientCase::~H2ClientCase() = default;

std::int64_t H2ClientCase::now_ms() const {
    return microseconds_since(started_) / 1000;
}

void H2ClientCase::note(std::string text) {
    result_.wirelog.add_note(microseconds_since(started_), std::move(text));
}

void H2ClientCase::trace(std::string text) {
    result_.wirelog.add_trace(microseconds_since(started_), std::move(text));
}

void H2ClientCase::start_as_client(const transport::ConnectTarget&, std::string, std::string) {
    finish("this case tests WebSocket clients");
}

void H2ClientCase::start_as_server(transport::StreamPtr stream, std::string preread) {
    stream_ = std::move(stream);
    started_ = std::chrono::steady_clock::now();
    result_.test = &test_;
    result_.agent = config_.agent;
    result_.case_number = config_.case_number;
    result_.started = utc_timestamp_now();
    result_.is_server = true;
    note("HTTP/2 connection from " + stream_->remote_address() +
         (stream_->tls_session() ? " over TLS (ALPN h2)" : " (h2c, prior knowledge)") +
         ", given to this case (the one after the client's last /runCase): our SETTINGS: " +
         to_string(probe_.profile));
    note("<- the client preface");
    reader_.feed(
        std::string_view(preread).substr(std::min(preread.size(), h2::kClientPreface.size())));
    if (probe_.profile == H2SettingsProfile::delayed) {
        note("our SETTINGS wait " + std::to_string(kH2SettingsDelay.count()) + " ms");
        wait(Phase::settings_delay, kH2SettingsDelay);
    } else {
        send_settings(first_settings(probe_.profile), "our SETTINGS");
        wait(Phase::request, forbids_connect(probe_.profile) ? kNoConnectWait : kRequestWait);
    }
    while (phase_ != Phase::done)
        if (auto f = reader_.next())
            on_frame(*f);
        else
            break;
    if (phase_ != Phase::done) read();
}

void H2ClientCase::abort(std::string why) {
    asio::post(io_, [self = shared_from_this(), why = std::move(why)] { self->finish(why); });
}

void H2ClientCase::fell_back() {
    if (phase_ == Phase::done) return;
    x_.fell_back_to_http11 = true;
    note("a /runCase for this case came over HTTP/1.1 (a fallback)");
    finish();
}

void H2ClientCase::write(std::string bytes) {
    if (closed_) return;
    pending_ += bytes;
    if (pending_.size() > kMaxUnsent) {
        // Answers to its PINGs and SETTINGS pile up while it reads nothing.
        closed_ = true;
        stream_->abort();
        return fail_connection("the client reads nothing of what we send (" +
                               std::to_string(kMaxUnsent >> 20) + " MiB waiting)");
    }
    flush();
}

void H2ClientCase::flush() {
    if (write_busy_ || pending_.empty() || closed_) return;
    writing_ = std::move(pending_);
    pending_.clear();
    write_busy_ = true;
    stream_->async_write(asio::buffer(writing_),
                         [self = shared_from_this()](const transport::ErrorCode& ec, std::size_t) {
                             self->write_busy_ = false;
                             if (ec) {
                                 if (self->x_.error.empty())
                                     self->x_.error = "write: " + ec.message();
                                 self->closed_ = true;
                                 return self->finish();
                             }
                             self->flush();
                             // The case is over and our last frames are out: wait a little
                             // for the client's end, then close.
                             if (!self->write_busy_ && self->phase_ == Phase::done)
                                 transport::linger_then_close(self->stream_, milliseconds(500));
                         });
}

void H2ClientCase::send_frame(const h2::Frame& f) {
    if (f.type != h2::FrameType::data || data_logged_++ < 64) trace("-> " + h2::describe(f));
    write(h2::encode_frame(f));
}

void H2ClientCase::send_settings(const h2::Settings& settings, const char* why) {
    note(std::string(why) + ":");
    const bool first = !settings_sent_;
    if (first) x_.settings_sent_ms = now_ms();
    settings_sent_ = true;
    send_frame({h2::FrameType::settings, 0, 0,
                h2::encode_settings(settings).substr(h2::kFrameHeaderSize)});
    // The client's SETTINGS and requests that came before ours get their ACK and answer now.
    for (; first && acks_owed_ > 0; --acks_owed_)
        send_frame({h2::FrameType::settings, h2::flag::ack, 0, {}});
    for (const auto& f : std::exchange(held_answers_, {})) send_frame(f);
}

// The connection cannot go on (its bytes, or what it costs us): the case ends with `why`.
void H2ClientCase::fail_connection(std::string why, std::uint32_t goaway_code) {
    x_.error = std::move(why);
    goaway_code_ = goaway_code;
    note("connection error: " + x_.error);
    finish();
}

bool H2ClientCase::send_answer(const h2::Frame& f) {
    if (settings_sent_) {
        send_frame(f);
        return false;
    }
    trace("(held until our SETTINGS are out: " + h2::describe(f) + ")");
    held_answers_.push_back(f);
    return true;
}

void H2ClientCase::read() {
    auto buffer = std::make_shared<std::array<char, 16 * 1024>>();
    stream_->async_read_some(
        asio::buffer(*buffer),
        [self = shared_from_this(), buffer](const transport::ErrorCode& ec, std::size_t n) {
            if (self->phase_ == Phase::done) return;
            if (ec) {
                self->x_.peer_closed = true;
                self->x_.closed_ms = self->now_ms();
                self->note("the client closed the connection (" + ec.message() + ")");
                return self->finish();
            }
            self->reader_.feed(std::string_view(buffer->data(), n));
            while (self->phase_ != Phase::done)
                if (auto f = self->reader_.next())
                    self->on_frame(*f);
                else
                    break;
            if (!self->reader_.error().empty() && self->phase_ != Phase::done)
                return self->fail_connection("the client's frames: " + self->reader_.error());
            if (self->phase_ != Phase::done) self->read();
        });
}

void H2ClientCase::on_frame(const h2::Frame& f) {
    if (f.type != h2::FrameType::data || data_logged_++ < 64) trace("<- " + h2::describe(f));
    if (const auto bad = h2::check_frame(f))
        return fail_connection("the client's " + bad->what, bad->error_code);
    using Step = h2::HeaderBlockAssembler::Step;
    const auto step = headers_.feed(f);
    if (step == Step::error) return fail_connection(headers_.error());
    if (step == Step::complete) return on_header_block(headers_.block());
    if (step == Step::partial) return;
    switch (f.type) {
        case h2::FrameType::settings: {
            if (f.flags & h2::flag::ack) {
                if (++acks_ == 1) x_.settings_ack_ms = now_ms();
                if (acks_ == 2) x_.change_acked = true;
                break;
            }
            const auto settings = h2::parse_settings(f.payload);
            if (!settings) break;  // check_frame failed the connection on it
            if (const auto bad = h2::check_settings(*settings, /*from_server=*/false)) {
                x_.bad_setting = bad->what;
                return fail_connection("the client's " + bad->what, bad->error_code);
            }
            if (!settings_sent_)
                ++acks_owed_;  // our SETTINGS must be the first frame we send (RFC 9113 §3.4)
            else
                send_frame({h2::FrameType::settings, h2::flag::ack, 0, {}});
            break;
        }
        case h2::FrameType::ping:
            if (!(f.flags & h2::flag::ack) && settings_sent_)
                send_frame({h2::FrameType::ping, h2::flag::ack, 0, f.payload});
            break;
        case h2::FrameType::goaway:
            x_.goaway_code = h2::read_u32(f.payload, 4).value_or(0);
            x_.goaway_ms = now_ms();
            return finish();
        case h2::FrameType::rst_stream:
            if (f.stream == ws_stream_ && ws_stream_) {
                x_.reset_code = h2::read_u32(f.payload).value_or(0);
                if (phase_ == Phase::window_held || phase_ == Phase::echo ||
                    phase_ == Phase::closing)
                    finish();
            }
            break;
        case h2::FrameType::data:
            on_data(f);
            break;
        default:
            break;
    }
}

void H2ClientCase::on_header_block(const h2::HeaderBlock& block) {
    auto fields = hpack_.decode(block.octets);
    if (!fields)
        return fail_connection(
            "HPACK: the client's header block does not decode (COMPRESSION_ERROR)",
            h2::error::compression_error);
    trace("<- the fields of stream " + std::to_string(block.stream) + ":\n" +
          protocol::format_fields(*fields));
    on_request(block.stream, std::move(*fields));
}

void H2ClientCase::on_request(std::uint32_t stream, protocol::H2Fields fields) {
    if (x_.requests.size() >= kMaxRequests)
        return fail_connection(
            "over " + std::to_string(kMaxRequests) + " requests on the case's connection",
            h2::error::enhance_your_calm);  // a load we refuse, not a broken rule (RFC 9113 §7)
    H2ClientRequest r{.stream = stream,
                      .fields = std::move(fields),
                      .at_ms = now_ms(),
                      .before_our_settings = !settings_sent_,
                      .before_settings_ack = acks_ == 0};
    const auto path = protocol::find_field(r.fields, ":path").value_or("");
    r.for_this_case = r.extended_connect() && is_this_case_(path);
    // A response without a body (END_STREAM on its HEADERS).
    auto answer = [&](const protocol::H2Fields& response) {
        r.answer = ":status " + std::string(protocol::find_field(response, ":status").value_or(""));
        trace("our answer on stream " + std::to_string(stream) + ", the fields:\n" +
              protocol::format_fields(response));
        if (send_answer({h2::FrameType::headers, h2::flag::end_stream | h2::flag::end_headers,
                         stream, h2::hpack_encode_literal(response)}))
            r.answer += kHeldAnswer;
    };
    auto refuse = [&](std::string why) {
        r.answer = "RST_STREAM PROTOCOL_ERROR (" + why + ")";
        if (send_answer({h2::FrameType::rst_stream, 0, stream,
                         h2::encode_rst_stream(stream, h2::error::protocol_error)
                             .substr(h2::kFrameHeaderSize)}))
            r.answer += kHeldAnswer;
    };
    const bool early = r.extended_connect() && (!settings_sent_ || forbids_connect(probe_.profile));
    if (early) {
        // RFC 8441 §3: an extended CONNECT without the setting is malformed (a stream error).
        refuse(!settings_sent_ ? "before our SETTINGS" : "our SETTINGS do not allow it");
        x_.requests.push_back(std::move(r));
        if (forbids_connect(probe_.profile)) finish();
        return;
    }
    if (!r.extended_connect() && protocol::find_field(r.fields, ":method") == "GET" &&
        prepares_this_case_(path)) {
        answer(
            {{":status", "204"}, {"wsconform-connection", "ready"}, {"cache-control", "no-store"}});
        x_.requests.push_back(std::move(r));
        return;
    }
    if (!r.for_this_case || ws_stream_) {
        // RFC 9113 §9.1.2: 421, the client may retry on another connection.
        answer({{":status", "421"}});
        x_.requests.push_back(std::move(r));
        return;
    }
    ws_stream_ = stream;
    r.answer = ":status 200";
    x_.requests.push_back(std::move(r));
    x_.opened = true;
    const protocol::H2Fields response{{":status", "200"}};
    trace("-> HEADERS stream=" + std::to_string(stream) + " flags=END_HEADERS, the fields:\n" +
          protocol::format_fields(response));
    write(h2::encode_headers(stream, h2::hpack_encode_literal(response), false));
    if (probe_.profile != H2SettingsProfile::held_window) {
        send_text("Hello over HTTP/2");
        return wait(Phase::echo, kEchoWait);
    }
    ws_window_ = h2::ReceiveWindow(kH2HeldWindow);
    std::string text(kH2HeldWindowMessage, 'a');
    for (std::size_t i = 0; i < text.size(); ++i) text[i] = static_cast<char>('a' + i % 26);
    send_text(std::move(text));
    note("the stream's window (" + std::to_string(kH2HeldWindow) +
         " octets, our SETTINGS_INITIAL_WINDOW_SIZE) gets no WINDOW_UPDATE for " +
         std::to_string(kH2WindowHold.count()) + " ms");
    wait(Phase::window_held, kH2WindowHold);
}

void H2ClientCase::on_data(const h2::Frame& f) {
    const auto n = static_cast<std::uint32_t>(f.payload.size());
    const bool websocket = ws_stream_ && f.stream == ws_stream_;
    if (websocket && n) {
        if (phase_ == Phase::window_held) x_.data_while_held += n;
        const auto overrun = ws_window_.take(f.stream, n);
        x_.window_overrun = ws_window_.overrun();
        if (overrun) return fail_connection(*overrun, h2::error::flow_control_error);
    }
    if (n) {
        // Our windows reopen as we read, but for the WebSocket's while the case holds it.
        write(h2::encode_window_update(0, n));
        if (!(f.flags & h2::flag::end_stream) && !(websocket && phase_ == Phase::window_held)) {
            write(h2::encode_window_update(f.stream, n));
            if (websocket) ws_window_.reopen(n);
        }
    }
    if (!websocket) return;
    if (f.flags & h2::flag::end_stream) x_.peer_ended = true;
    if (const auto data = h2::unpadded(f)) on_websocket(std::string(*data));
    if (phase_ == Phase::echo && x_.messages.size() >= x_.sent.size()) return after_echo();
    if (phase_ == Phase::closing && x_.peer_sent_close && x_.peer_ended) return finish();
    if (x_.peer_ended && phase_ != Phase::after_change) finish();
}

void H2ClientCase::on_websocket(std::string bytes) {
    if (!x_.frame_error.empty()) return;
    std::span<std::byte> in(reinterpret_cast<std::byte*>(bytes.data()), bytes.size());
    using St = protocol::FrameParser::Status;
    for (;;) {
        const auto ev = parser_.next(in);
        if (ev.status == St::need_more) return;
        if (ev.status == St::error) {
            x_.frame_error = ev.error.message();
            note("the client's WebSocket frames: " + x_.frame_error);
            return;
        }
        const auto& h = ev.header;
        const std::string_view payload(reinterpret_cast<const char*>(ev.payload.data()),
                                       ev.payload.size());
        if (ev.status == St::payload && !protocol::is_control(h.opcode) && message_.size() < 65536)
            message_.append(payload);
        if (ev.status != St::frame_end) continue;
        if (h.opcode == protocol::opcode::close) {
            x_.peer_sent_close = true;
            note("the client's Close");
            if (!x_.we_sent_close) send_close();
        } else if (h.opcode == protocol::opcode::ping) {
            send_frame(
                {h2::FrameType::data, 0, ws_stream_, frame_bytes(protocol::opcode::pong, payload)});
        }
        if (ev.message_end) {
            if (ev.message_opcode == protocol::opcode::text &&
                x_.messages.size() < kMaxMessagesKept)
                x_.messages.push_back(std::move(message_));
            message_.clear();
        }
    }
}

void H2ClientCase::send_text(std::string text) {
    send_frame({h2::FrameType::data, 0, ws_stream_, frame_bytes(protocol::opcode::text, text)});
    x_.sent.push_back(std::move(text));
}

void H2ClientCase::send_close() {
    x_.we_sent_close = true;
    send_frame({h2::FrameType::data, h2::flag::end_stream, ws_stream_,
                frame_bytes(protocol::opcode::close,
                            protocol::build_close_payload(protocol::close_code::normal))});
}

// The client's first message is in: change the setting (17.7.3, 17.7.4) if it is our echo, or
// close.
void H2ClientCase::after_echo() {
    const bool change_due = (probe_.profile == H2SettingsProfile::one_then_zero ||
                             probe_.profile == H2SettingsProfile::one_then_two) &&
                            x_.change_sent_ms < 0;
    if (change_due && !x_.echoed_first())
        note("the client's first message is not our echo: the setting stays as it is");
    if (!change_due || !x_.echoed_first()) {
        if (!x_.we_sent_close) send_close();
        return wait(Phase::closing, kCloseWait);
    }
    x_.messages_before_change = x_.messages.size();
    send_settings({{h2::setting::enable_connect_protocol,
                    probe_.profile == H2SettingsProfile::one_then_zero ? 0u : 2u}},
                  "our SETTINGS change");
    x_.change_sent_ms = now_ms();
    send_text("Hello after the SETTINGS change");
    wait(Phase::after_change, kChangeWait);
}

void H2ClientCase::wait(Phase phase, milliseconds how_long) {
    phase_ = phase;
    timer_.expires_after(how_long);
    timer_.async_wait([weak = weak_from_this(), phase](const boost::system::error_code& ec) {
        auto self = weak.lock();
        if (ec || !self || self->phase_ != phase) return;
        self->on_timeout();
    });
}

void H2ClientCase::on_timeout() {
    switch (phase_) {
        case Phase::window_held: {
            if (const auto increment = ws_window_.to_default()) {
                send_frame(
                    {h2::FrameType::window_update, 0, ws_stream_,
                     h2::encode_window_update(ws_stream_, increment).substr(h2::kFrameHeaderSize)});
                ws_window_.reopen(increment);
            }
            if (x_.messages.size() >= x_.sent.size()) return after_echo();
            return wait(Phase::echo, kEchoWait);
        }
        case Phase::settings_delay:
            send_settings(first_settings(probe_.profile), "our SETTINGS, after the delay");
            return wait(Phase::request, kRequestWait);
        case Phase::request:
            x_.timed_out = true;
            note("no extended CONNECT for this case within the wait");
            return finish();
        case Phase::echo:
            note("no echo within " + std::to_string(kEchoWait.count()) + " ms");
            if (!x_.we_sent_close) send_close();
            return wait(Phase::closing, kCloseWait);
        case Phase::after_change:
            x_.timed_out = true;
            note("no GOAWAY within " + std::to_string(kChangeWait.count()) + " ms of the change");
            return finish();
        case Phase::closing:
            x_.timed_out = true;
            note("the client did not end its side within " + std::to_string(kCloseWait.count()) +
                 " ms");
            return finish();
        case Phase::done:
            return;
    }
}

// Judges, ends the connection (GOAWAY NO_ERROR, or the connection error's code, unless it is
// gone), reports.
void H2ClientCase::finish(std::string why) {
    if (phase_ == Phase::done) return;
    phase_ = Phase::done;
    timer_.cancel();
    x_.end_ms = now_ms();
    if (stream_ && !closed_ && !x_.peer_closed) {
        // A failed connection gets our SETTINGS (the preface owes them) and the GOAWAY only:
        // no answers and ACKs held for it, which would also push the error out of the log's tail.
        if (!x_.error.empty()) {
            held_answers_.clear();
            acks_owed_ = 0;
        }
        if (!settings_sent_) send_settings(first_settings(probe_.profile), "our SETTINGS");
        send_frame({h2::FrameType::goaway, 0, 0,
                    h2::encode_goaway(ws_stream_, goaway_code_).substr(h2::kFrameHeaderSize)});
    }
    if (stream_ && !write_busy_) transport::linger_then_close(stream_, milliseconds(500));
    for (const auto& r : x_.requests) {
        result_.http_request += "stream " + std::to_string(r.stream) + " (" +
                                std::to_string(r.at_ms) + " ms after the preface):\r\n" +
                                protocol::format_fields(r.fields);
        result_.http_response +=
            "stream " + std::to_string(r.stream) + ":\r\n(" + r.answer + ")\r\n";
    }
    auto& o = result_.observation;
    o.was_open = x_.opened;
    for (const auto& m : x_.messages) o.received.push_back(text_message(m));
    o.harness_error = x_.error;
    o.expected_close_judged = false;
    result_.duration_ms = now_ms();
    Verdict verdict = probe_.judge(x_);
    if (!why.empty()) verdict.result += " (the case was stopped: " + why + ")";
    result_.verdict = finish_http_verdict(test_.level, std::move(verdict));
    // At once: the client-testing server's prediction moves on before the next connection.
    done_(std::move(result_));
}

}  // namespace wsconform::harness
