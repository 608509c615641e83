#include "harness/h2_case.h"

#include <boost/asio/post.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>
#include <thread>

#include "harness/h2_client_case.h"
#include "harness/http_case.h"
#include "harness/model/clock.h"
#include "harness/transport/blocking_client.h"
#include "protocol/close.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/h2_frame.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

namespace {

namespace h2 = protocol::h2;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

// What a stream keeps of one message: one octet more than the largest message we send on it,
// 64 KiB at least (as the HTTP/1.1 session does); a longer one is kept as a mark. Of all its
// messages it keeps twice that, then counts them only: a server that floods costs no more.
constexpr std::size_t kMinKeptMessage = 64u << 10;
constexpr milliseconds kSlice{100};  // how often a wait looks at abort()

// One stream of ours as it runs.
struct Live {
    H2StreamSeen* seen = nullptr;
    std::int64_t send_window = h2::kDefaultWindow;
    h2::ReceiveWindow receive_window;  // what the server may still send on the stream
    bool window_held = false;          // H2Plan::hold_stream_windows: no WINDOW_UPDATE yet
    protocol::FrameParser parser{protocol::ParserOptions{.role = protocol::Role::client}};
    std::unique_ptr<protocol::Inflater> inflater;
    std::string message;
    bool compressed = false, binary = false, overflow = false;
    std::size_t keep = kMinKeptMessage;  // of one message
    std::size_t kept_bytes = 0;          // of messages
    bool close_started = false;  // our Close is out or on its way (it may wait for a window)

    bool ended() const { return seen->peer_ended || seen->reset_code || seen->we_cancelled; }
};

// The connection, driven step by step from the case's thread.
class Driver {
  public:
    Driver(const H2Plan& plan, HttpTimeouts timeouts, std::atomic<bool>& aborted,
           CaseResult& result, Clock::time_point started)
        : plan_(plan),
          t_(timeouts),
          aborted_(aborted),
          result_(result),
          started_(started),
          rng_(std::random_device{}()) {}

    H2Exchange x;

    void run(const transport::ConnectTarget& server) {
        x.streams.reserve(plan_.streams.size() + plan_.then.size());
        note(std::string("HTTP/2 ") +
             (server.tls ? "over TLS (ALPN h2)" : "over TCP (h2c, prior knowledge)") + " to " +
             server.host + ":" + std::to_string(server.port));
        if (auto ec = client_.connect(server, t_.connect)) {
            x.error = "connect: " + ec.message();
            return;
        }
        x.connected = true;
        h2::Settings ours{{h2::setting::enable_push, 0}};
        if (plan_.initial_window != h2::kDefaultWindow)
            ours.emplace_back(h2::setting::initial_window_size, plan_.initial_window);
        std::string hello(h2::kClientPreface);
        hello += h2::encode_settings(ours);
        note("-> the client preface, then SETTINGS ENABLE_PUSH=0" +
             (ours.size() > 1 ? " INITIAL_WINDOW_SIZE=" + std::to_string(plan_.initial_window)
                              : ""));
        if (!write(hello)) return;
        if (plan_.before_settings) open(plan_.streams);
        pump(t_.head, [&] { return x.settings_received; });
        if (!x.settings_received) {
            if (x.error.empty()) x.error = "the server sent no SETTINGS";
            return;
        }
        if (plan_.needs_setting && !x.advertises_connect()) return;
        if (!plan_.before_settings) open(plan_.streams);
        exchange(0, plan_.streams.size());
        if (!plan_.then.empty() && !dead_) {
            const auto first = x.streams.size();
            open(plan_.then);
            exchange(first, plan_.then.size());
        }
        send_noted("GOAWAY error=NO_ERROR", h2::encode_goaway(0, h2::error::no_error));
        client_.close();
    }

  private:
    std::int64_t now_us() const { return microseconds_since(started_); }
    void note(std::string text) { result_.wirelog.add_note(now_us(), std::move(text)); }
    void trace(std::string text) { result_.wirelog.add_trace(now_us(), std::move(text)); }

    bool write(std::string_view bytes) {
        if (dead_) return false;
        if (auto ec = client_.write(bytes, t_.echo)) {
            if (x.error.empty()) x.error = "write: " + ec.message();
            dead_ = true;
            return false;
        }
        return true;
    }
    // Writes `bytes` and notes them as `what` in the wire log; nothing, and no note, once the
    // connection has ended (the log shows only what went out).
    bool send_noted(const std::string& what, std::string_view bytes) {
        if (dead_) return false;
        trace("-> " + what);
        return write(bytes);
    }
    bool send_frame(const h2::Frame& f) { return send_noted(h2::describe(f), h2::encode_frame(f)); }

    void open(const std::vector<H2StreamPlan>& plans) {
        if (dead_) return;  // no stream is opened: the judges say why (x.error)
        for (const auto& plan : plans) {
            H2StreamSeen seen;
            seen.id = next_id_;
            next_id_ += 2;
            seen.plan = plan;
            x.streams.push_back(std::move(seen));
            auto& live = live_[x.streams.back().id];
            live.seen = &x.streams.back();
            live.send_window = peer_initial_window_;
            live.receive_window = h2::ReceiveWindow(plan_.initial_window);
            live.window_held = plan_.hold_stream_windows.count() > 0;
            for (const auto& text : plan.texts) live.keep = std::max(live.keep, text.size() + 1);
            const auto block = h2::hpack_encode_literal(plan.fields);
            send_noted("HEADERS stream=" + std::to_string(live.seen->id) +
                           " flags=" + (plan.websocket ? "END_HEADERS" : "END_STREAM|END_HEADERS") +
                           ", the fields:\n" + protocol::format_fields(plan.fields),
                       h2::encode_headers(live.seen->id, block, !plan.websocket, peer_max_frame_));
        }
    }

    // Waits until `done` holds, the connection ends, `wait` passes or the run is stopped. A
    // wait that runs out is noted and marks the exchange timed out, unless `meant_to_run_out`.
    template <typename Done>
    bool pump(milliseconds wait, Done done, bool meant_to_run_out = false) {
        const auto until = Clock::now() + wait;
        while (!done()) {
            if (dead_ || aborted_) return false;
            const auto now = Clock::now();
            if (now >= until) {
                if (meant_to_run_out) return false;
                x.timed_out = true;
                note("the wait of " + std::to_string(wait.count()) + " ms ran out");
                return false;
            }
            std::string in;
            const auto slice = std::min<milliseconds>(
                kSlice, std::chrono::duration_cast<milliseconds>(until - now) + milliseconds(1));
            const auto ec = client_.read_some(in, 64 * 1024, slice);
            if (transport::is_timeout(ec)) continue;
            if (ec) {
                x.peer_closed = true;
                dead_ = true;
                note("the server closed the connection (" + ec.message() + ")");
                return done();
            }
            reader_.feed(in);
            while (auto frame = reader_.next()) on_frame(*frame);
            if (!reader_.error().empty()) fail_connection(reader_.error());
        }
        return true;
    }

    void fail_connection(const std::string& why,
                         std::uint32_t error_code = h2::error::protocol_error) {
        if (dead_) return;
        if (x.error.empty()) x.error = why;
        note("connection error: " + why + "; -> GOAWAY error=" + h2::error_code_name(error_code));
        write(h2::encode_goaway(0, error_code));
        dead_ = true;
    }

    void on_frame(const h2::Frame& f) {
        if (dead_) return;
        if (f.type != h2::FrameType::data || data_logged_ < 64) trace("<- " + h2::describe(f));
        if (f.type == h2::FrameType::data) ++data_logged_;
        if (!x.settings_received && f.type != h2::FrameType::settings)
            return fail_connection("the server's first frame is not SETTINGS (RFC 9113 §3.4)");
        if (const auto bad = h2::check_frame(f))
            return fail_connection("the server's " + bad->what, bad->error_code);
        auto it = live_.find(f.stream);
        Live* s = it == live_.end() ? nullptr : &it->second;
        using Step = h2::HeaderBlockAssembler::Step;
        const auto step = headers_.feed(f);
        if (step == Step::error) return fail_connection(headers_.error());
        if (step == Step::complete) return on_header_block(headers_.block(), s);
        if (step == Step::partial) return;
        switch (f.type) {
            case h2::FrameType::settings:
                on_settings(f);
                break;
            case h2::FrameType::ping:
                if (!(f.flags & h2::flag::ack))
                    send_frame({h2::FrameType::ping, h2::flag::ack, 0, f.payload});
                break;
            case h2::FrameType::window_update: {
                const auto inc = h2::read_u32(f.payload).value_or(0) & 0x7fffffffu;
                if (f.stream == 0)
                    conn_window_ += inc;
                else if (s)
                    s->send_window += inc;
                if (conn_window_ > h2::kMaxWindow)
                    return fail_connection(
                        "the server's WINDOW_UPDATE opens the connection's window to " +
                            std::to_string(conn_window_) + " octets, past 2^31-1 (RFC 9113 §6.9.1)",
                        h2::error::flow_control_error);
                break;
            }
            case h2::FrameType::goaway:
                x.goaway_code = h2::read_u32(f.payload, 4).value_or(0);
                dead_ = true;
                break;
            case h2::FrameType::rst_stream:
                if (s) s->seen->reset_code = h2::read_u32(f.payload).value_or(0);
                break;
            case h2::FrameType::data:
                on_data(f, s);
                break;
            case h2::FrameType::push_promise:
                fail_connection("PUSH_PROMISE after SETTINGS_ENABLE_PUSH=0 (RFC 9113 §6.6)");
                break;
            default:
                break;
        }
    }

    void on_settings(const h2::Frame& f) {
        if (f.flags & h2::flag::ack) return;
        const auto settings = h2::parse_settings(f.payload);
        if (!settings) return;  // check_frame failed the connection on it
        // Received, even when a value is bad: the cases then say why no stream opened.
        x.settings_received = true;
        for (const auto& [id, value] : *settings) {
            x.settings.emplace_back(id, value);
            if (id == h2::setting::enable_connect_protocol) x.connect_protocol = value;
        }
        if (const auto bad = h2::check_settings(*settings, /*from_server=*/true)) {
            x.bad_setting = bad->what;
            return fail_connection(bad->what, bad->error_code);
        }
        for (const auto& [id, value] : *settings) {
            if (id == h2::setting::max_frame_size) peer_max_frame_ = value;
            if (id == h2::setting::initial_window_size) {
                const auto delta = static_cast<std::int64_t>(value) - peer_initial_window_;
                peer_initial_window_ = value;
                for (auto& [sid, live] : live_) live.send_window += delta;
            }
        }
        send_frame({h2::FrameType::settings, h2::flag::ack, 0, {}});
    }

    void on_header_block(const h2::HeaderBlock& block, Live* s) {
        const auto fields = hpack_.decode(block.octets);
        if (!fields)
            return fail_connection(
                "HPACK: the server's header block does not decode (COMPRESSION_ERROR)");
        trace("<- the fields of stream " + std::to_string(block.stream) + ":\n" +
              protocol::format_fields(*fields));
        if (!s) return;
        if (!s->seen->response || s->seen->status < 200) {
            s->seen->response = *fields;
            const auto status = protocol::find_field(*fields, ":status").value_or("");
            s->seen->status =
                status.size() == 3 && std::all_of(status.begin(), status.end(), ::isdigit)
                    ? std::stoi(std::string(status))
                    : 0;
            if (s->seen->opened() && s->seen->plan.websocket) setup_deflate(*s);
        }
        if (block.end_stream) s->seen->peer_ended = true;
    }

    void setup_deflate(Live& s) {
        const auto value = protocol::find_field(*s.seen->response, "sec-websocket-extensions");
        if (!value || !s.seen->plan.deflate_offered) return;
        s.seen->deflate_response = std::string(*value);
        protocol::UpgradeResponse info;
        const std::vector<std::string> offered{std::string(protocol::kPermessageDeflate)};
        if (protocol::check_extended_connect_response(*s.seen->response, s.seen->plan.protocols,
                                                      offered, info))
            return;
        for (const auto& ext : info.extensions) {
            protocol::DeflateParams agreed;
            if (ext.name != protocol::kPermessageDeflate ||
                protocol::parse_deflate_params(ext, false, agreed))
                continue;
            const auto settings = protocol::deflate_settings(agreed, false);
            s.inflater = std::make_unique<protocol::Inflater>(
                settings.receive_window_bits, settings.receive_no_context_takeover, s.keep);
            s.parser.set_permessage_deflate(true);
            s.seen->deflate_agreed = true;
        }
    }

    void on_data(const h2::Frame& f, Live* s) {
        const auto n = static_cast<std::uint32_t>(f.payload.size());
        if (s && n) {
            if (s->window_held) s->seen->data_while_held += n;
            const auto overrun = s->receive_window.take(f.stream, n);
            s->seen->window_overrun = s->receive_window.overrun();
            if (overrun) return fail_connection(*overrun, h2::error::flow_control_error);
        }
        if (n) {
            // Our windows reopen as we read (we keep at most Live::keep of a message), unless
            // the case holds a stream's.
            write(h2::encode_window_update(0, n));
            if (s && !s->window_held && !s->ended() && !(f.flags & h2::flag::end_stream)) {
                write(h2::encode_window_update(f.stream, n));
                s->receive_window.reopen(n);
            }
        }
        if (!s) return;
        const auto data = h2::unpadded(f);
        if (!data) return fail_connection("DATA: padding longer than the frame (RFC 9113 §6.1)");
        s->seen->data_bytes += data->size();
        if (f.flags & h2::flag::end_stream) s->seen->peer_ended = true;
        if (s->seen->plan.websocket && s->seen->opened()) feed_websocket(*s, std::string(*data));
    }

    void feed_websocket(Live& s, std::string bytes) {
        if (!s.seen->frame_error.empty()) return;
        std::span<std::byte> in(reinterpret_cast<std::byte*>(bytes.data()), bytes.size());
        for (;;) {
            const auto ev = s.parser.next(in);
            using St = protocol::FrameParser::Status;
            if (ev.status == St::need_more) return;
            if (ev.status == St::error) {
                s.seen->frame_error = ev.error.message();
                note("stream " + std::to_string(s.seen->id) +
                     ": the server's frames: " + s.seen->frame_error);
                return;
            }
            const auto& h = ev.header;
            if (ev.status == St::header && !protocol::is_control(h.opcode) && h.opcode != 0) {
                s.compressed = h.rsv & protocol::rsv::rsv1;
                s.binary = h.opcode == 2;
            }
            if (ev.status == St::payload && !protocol::is_control(h.opcode)) {
                if (s.message.size() + ev.payload.size() > s.keep)
                    s.overflow = true;
                else
                    s.message.append(reinterpret_cast<const char*>(ev.payload.data()),
                                     ev.payload.size());
            }
            if (ev.status != St::frame_end) continue;
            if (h.opcode == 8) on_close_frame(s, ev.payload);
            if (h.opcode == 9)
                send_ws(s, 10,
                        std::string(reinterpret_cast<const char*>(ev.payload.data()),
                                    ev.payload.size()));
            if (ev.message_end) finish_message(s);
        }
    }

    void finish_message(Live& s) {
        std::string text = std::move(s.message);
        s.message.clear();
        if (s.compressed && s.inflater) {
            std::string out;
            const auto bytes = std::as_bytes(std::span(text.data(), text.size()));
            if (auto ec = s.inflater->feed(bytes, out);
                ec || (ec = s.inflater->finish_message(out))) {
                s.seen->frame_error = "permessage-deflate: " + ec.message();
                return;
            }
            text = std::move(out);
        }
        if (s.binary) {
            ++s.seen->binary_messages;
        } else if (s.kept_bytes + text.size() > 2 * s.keep) {
            ++s.seen->messages_not_kept;
        } else {
            s.kept_bytes += text.size();
            s.seen->messages.push_back(
                s.overflow ? "(over " + std::to_string(s.keep - 1) + " octets)" : std::move(text));
        }
        s.overflow = false;
    }

    void on_close_frame(Live& s, std::span<std::byte> payload) {
        s.seen->peer_sent_close = true;
        if (payload.size() >= 2)
            s.seen->peer_close_code =
                static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[0]) << 8) |
                                           std::to_integer<unsigned>(payload[1]));
        if (!s.close_started) send_close(s);  // echo the server's Close (RFC 6455 §5.5.1)
    }

    // A masked frame of ours (RFC 6455 §5.3), as DATA within the server's windows.
    std::string ws_frame(std::uint8_t opcode, std::string_view payload) {
        protocol::FrameHeader header;
        header.opcode = opcode;
        header.masked = true;
        for (auto& b : header.mask_key) b = static_cast<std::uint8_t>(rng_());
        return protocol::encode_frame(header, payload);
    }
    void send_ws(Live& s, std::uint8_t opcode, std::string_view payload, bool end_stream = false) {
        send_data(s, ws_frame(opcode, payload), end_stream);
    }
    // H2StreamSeen::we_sent_close says only that the Close went out: the stream or the
    // connection may end while it waits for a window, and a judge must not then blame the
    // server for not answering it.
    void send_close(Live& s) {
        s.close_started = true;
        std::string payload{char(0x03), char(0xe8)};  // 1000, normal closure
        if (send_data(s, ws_frame(8, payload), true)) s.seen->we_sent_close = true;
    }

    bool send_data(Live& s, std::string_view bytes, bool end_stream) {
        std::size_t at = 0;
        do {
            if (dead_ || s.ended()) return false;
            if (conn_window_ <= 0 || s.send_window <= 0) {
                if (bytes.empty()) {
                    // An empty DATA frame needs no window.
                } else if (!pump(t_.echo,
                                 [&] {
                                     return (conn_window_ > 0 && s.send_window > 0) || s.ended();
                                 }) ||
                           s.ended()) {
                    return false;
                }
            }
            const auto n = std::min<std::size_t>(
                {bytes.size() - at,
                 static_cast<std::size_t>(std::max<std::int64_t>(conn_window_, 0)),
                 static_cast<std::size_t>(std::max<std::int64_t>(s.send_window, 0)),
                 peer_max_frame_});
            const bool last = at + n == bytes.size();
            h2::Frame f{h2::FrameType::data,
                        last && end_stream ? h2::flag::end_stream : std::uint8_t{0}, s.seen->id,
                        std::string(bytes.substr(at, n))};
            if (data_logged_ < 64 || last) trace("-> " + h2::describe(f));
            if (!write(h2::encode_frame(f))) return false;
            conn_window_ -= static_cast<std::int64_t>(n);
            s.send_window -= static_cast<std::int64_t>(n);
            at += n;
        } while (at < bytes.size());
        return true;
    }

    // H2Plan::hold_stream_windows: the streams' windows stay as they are for a while (we read
    // on), then each opens to 65,535 in one WINDOW_UPDATE.
    void hold_windows(const std::vector<Live*>& ws) {
        note("our stream windows (" + std::to_string(plan_.initial_window) +
             " octets, our SETTINGS_INITIAL_WINDOW_SIZE) get no WINDOW_UPDATE for " +
             std::to_string(plan_.hold_stream_windows.count()) + " ms");
        const auto all_ended = [&] {
            return std::all_of(ws.begin(), ws.end(), [](Live* s) { return s->ended(); });
        };
        pump(plan_.hold_stream_windows, all_ended, true);
        for (auto* s : ws) {
            s->window_held = false;
            const auto increment = s->receive_window.to_default();
            if (dead_ || s->ended() || increment == 0) continue;
            send_noted("WINDOW_UPDATE stream=" + std::to_string(s->seen->id) +
                           " increment=" + std::to_string(increment) + " (the hold is over; " +
                           std::to_string(s->seen->data_while_held) +
                           " octets of DATA came during it)",
                       h2::encode_window_update(s->seen->id, increment));
            s->receive_window.reopen(increment);
        }
    }

    std::vector<Live*> range(std::size_t first, std::size_t count) {
        std::vector<Live*> out;
        for (std::size_t i = first; i < first + count && i < x.streams.size(); ++i)
            out.push_back(&live_.at(x.streams[i].id));
        return out;
    }

    // The streams [first, first + count): their responses, then their WebSocket traffic.
    void exchange(std::size_t first, std::size_t count) {
        const auto streams = range(first, count);
        pump(t_.head, [&] {
            return std::all_of(streams.begin(), streams.end(),
                               [](Live* s) { return s->seen->status >= 200 || s->ended(); });
        });
        std::vector<Live*> ws;
        std::size_t bytes = 0, rounds = 0;
        for (auto* s : streams) {
            if (!s->seen->plan.websocket || !s->seen->opened() || s->ended()) continue;
            ws.push_back(s);
            rounds = std::max(rounds, s->seen->plan.texts.size());
            for (const auto& t : s->seen->plan.texts) bytes += t.size();
        }
        const auto echo_wait = t_.echo + milliseconds(bytes / 1024);  // 1 ms per KiB on top
        for (std::size_t i = 0; i < rounds; ++i) {
            for (auto* s : ws) {
                const auto& texts = s->seen->plan.texts;
                if (i >= texts.size() || s->ended()) continue;
                if (i == 0 && s->seen->plan.cancel_mid_message) {
                    const auto frame = ws_frame(1, texts[0]);
                    send_data(*s, std::string_view(frame).substr(0, frame.size() / 2), false);
                    s->seen->we_cancelled = send_noted(
                        "RST_STREAM stream=" + std::to_string(s->seen->id) + " error=CANCEL",
                        h2::encode_rst_stream(s->seen->id, h2::error::cancel));
                    continue;
                }
                send_ws(*s, 1, texts[i]);
            }
        }
        if (plan_.hold_stream_windows.count() > 0) hold_windows(ws);
        pump(echo_wait, [&] {
            return std::all_of(ws.begin(), ws.end(), [](Live* s) {
                return s->ended() || s->seen->peer_sent_close ||
                       s->seen->messages.size() >= s->seen->plan.texts.size();
            });
        });
        for (auto* s : ws)
            if (!s->ended() && !s->close_started) send_close(*s);
        pump(t_.close, [&] {
            return std::all_of(streams.begin(), streams.end(), [](Live* s) { return s->ended(); });
        });
    }

    const H2Plan& plan_;
    HttpTimeouts t_;
    std::atomic<bool>& aborted_;
    CaseResult& result_;
    Clock::time_point started_;
    std::mt19937_64 rng_;
    transport::BlockingClient client_;
    h2::FrameReader reader_;
    HpackInflater hpack_;
    std::map<std::uint32_t, Live> live_;
    std::uint32_t next_id_ = 1;
    std::int64_t conn_window_ = h2::kDefaultWindow;
    std::int64_t peer_initial_window_ = h2::kDefaultWindow;
    std::size_t peer_max_frame_ = h2::kDefaultMaxFrameSize;
    h2::HeaderBlockAssembler headers_;
    bool dead_ = false;
    std::size_t data_logged_ = 0;
};

// The fields of each stream, for the report's httpRequest / httpResponse.
std::string fields_per_stream(const H2Exchange& x, bool request) {
    std::string out;
    for (const auto& s : x.streams) {
        out += "stream " + std::to_string(s.id) + ":\r\n";
        if (request)
            out += protocol::format_fields(s.plan.fields);
        else if (s.response)
            out += protocol::format_fields(*s.response);
        else
            out += s.reset_code
                       ? "(RST_STREAM " + std::string(h2::error_code_name(*s.reset_code)) + ")\r\n"
                       : "(no response)\r\n";
    }
    return out;
}

}  // namespace

H2Case::H2Case(boost::asio::io_context& io, const Case& test, const H2ServerProbe& probe,
               SessionConfig config, Done done)
    : io_(io), test_(test), probe_(probe), config_(std::move(config)), done_(std::move(done)) {}

H2Case::~H2Case() = default;

void H2Case::start_as_client(const transport::ConnectTarget& server, std::string host_header,
                             std::string target) {
    // The thread owns the case until its result is handed back to the io_context. Everything
    // the case built on it (its own io_context, connection, TLS) is gone by then, and the case
    // itself goes with the result: once it has posted, the thread holds nothing to destroy.
    std::thread([self = shared_from_this(), connect = server, host_header, target]() mutable {
        auto result = self->run(connect, host_header, target);
        connect = {};
        auto& io = self->io_;
        boost::asio::post(io, [self = std::move(self), result = std::move(result)]() mutable {
            self->done_(std::move(result));
        });
    }).detach();
}

void H2Case::abort(std::string why) {
    std::lock_guard lock(abort_mutex_);
    if (abort_reason_.empty()) abort_reason_ = std::move(why);
    aborted_ = true;
}

CaseResult H2Case::run(const transport::ConnectTarget& server, const std::string& authority,
                       const std::string& path) {
    const auto started = Clock::now();
    CaseResult result;
    result.test = &test_;
    result.agent = config_.agent;
    result.case_number = config_.case_number;
    result.started = utc_timestamp_now();

    H2Context context{server.tls ? "https" : "http",
                      authority,
                      path,
                      {"user-agent: wsconform/" WSCONFORM_VERSION_STRING}};
    context.extra_headers.insert(context.extra_headers.end(), config_.extra_headers.begin(),
                                 config_.extra_headers.end());
    const H2Plan plan = probe_.plan(context);
    Driver driver(plan, HttpCase::timeouts_for(config_.timeouts), aborted_, result, started);
    driver.run(server);
    const H2Exchange& x = driver.x;

    if (x.settings_received && plan.needs_setting &&
        (!x.advertises_connect() || !x.bad_setting.empty())) {
        const std::string why =
            !x.bad_setting.empty()
                ? "the server's SETTINGS carry " + x.bad_setting +
                      ", a connection error for any client; case 17.1.1 judges that"
                : "the server's SETTINGS do not carry SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 (" +
                      (x.connect_protocol ? "it sent " + std::to_string(*x.connect_protocol)
                                          : std::string("absent")) +
                      "), so no extended CONNECT may be sent (RFC 8441 §3); case 17.1.1 judges "
                      "that";
        auto na = not_applicable_result(test_, config_, false, "Not applicable: " + why + ".",
                                        "not applicable: " + why);
        na.wirelog = std::move(result.wirelog);
        return na;
    }
    result.http_request = fields_per_stream(x, true);
    result.http_response = fields_per_stream(x, false);
    auto& o = result.observation;
    o.was_open = std::any_of(x.streams.begin(), x.streams.end(),
                             [](const H2StreamSeen& s) { return s.opened(); });
    for (const auto& s : x.streams)
        for (const auto& m : s.messages) o.received.push_back(text_message(m));
    o.harness_error = x.error;
    o.expected_close_judged = false;
    o.was_open_handshake_timeout = x.timed_out && !o.was_open;
    result.duration_ms = microseconds_since(started) / 1000;

    Verdict verdict = probe_.judge(x);
    if (aborted_) {
        std::lock_guard lock(abort_mutex_);
        verdict.result += " (the run was stopped: " + abort_reason_ + ")";
    }
    if (!x.error.empty() && verdict.behavior != Behavior::ok &&
        verdict.result.find(x.error) == std::string::npos)
        verdict.result += " (" + x.error + ")";
    result.verdict = finish_http_verdict(test_.level, std::move(verdict));
    return result;
}

}  // namespace wsconform::harness
