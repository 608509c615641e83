#include "harness/http_case.h"

#include <boost/asio/write.hpp>

#include <algorithm>
#include <cstring>

#include "harness/connect.h"
#include "harness/model/clock.h"
#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/hex.h"
#include "protocol/http.h"
#include "protocol/mask.h"

namespace wsconform::harness {

namespace asio = boost::asio;
using std::chrono::milliseconds;

namespace {

constexpr std::size_t kMaxMessageBytes = 1u << 20;  // a message we keep (ours are short)
constexpr std::size_t kMaxMessages = 1000;
constexpr std::size_t kMaxMasks = 1000;  // per connection
constexpr std::size_t kMaxReportedRequest = 16 * 1024;
// A chopped write is followed by this pause so each piece leaves as its own TCP segment.
constexpr auto kChopPause = milliseconds(2);

std::string capped_text(const std::string& s, std::size_t cap) {
    if (s.size() <= cap) return s;
    return s.substr(0, cap) + "\n[... " + std::to_string(s.size() - cap) +
           " more octets not shown]";
}

std::vector<std::string> chop(const std::string& bytes, std::size_t size) {
    std::vector<std::string> out;
    if (size == 0 || bytes.size() <= size) {
        out.push_back(bytes);
        return out;
    }
    for (std::size_t i = 0; i < bytes.size(); i += size) out.push_back(bytes.substr(i, size));
    return out;
}

std::string ms_text(milliseconds ms) {
    return std::to_string(ms.count()) + " ms";
}

// The user's extra header lines for a request: all of them, or all but Origin when the case
// sets Origin (or leaves it out) on purpose.
std::vector<std::string> extra_headers_for(const RawRequest& request,
                                           const std::vector<std::string>& extra) {
    if (!request.own_origin) return extra;
    std::vector<std::string> out;
    for (const auto& line : extra)
        if (!protocol::iequals(std::string_view(line).substr(0, 7), "Origin:")) out.push_back(line);
    return out;
}

// A 1#token list (RFC 9110 §5.6.1), elements trimmed, empty ones skipped.
std::vector<std::string> token_list(std::string_view value) {
    std::vector<std::string> out;
    while (!value.empty()) {
        const auto comma = value.find(',');
        auto item = value.substr(0, comma);
        while (!item.empty() && (item.front() == ' ' || item.front() == '\t'))
            item.remove_prefix(1);
        while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
        if (!item.empty()) out.emplace_back(item);
        if (comma == std::string_view::npos) break;
        value.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------- SideProbe

// One extra connection of a section 15 probe: connect, write `bytes` (at once, or one octet
// per `byte_interval`), read the answer's head. It ends at a whole head, at the peer's close or
// after `wait`, whichever comes first; the head is capped at kMaxHttpHeadBytes.
class SideProbe : public std::enable_shared_from_this<SideProbe> {
  public:
    using Done = std::function<void(SideConnection&&)>;

    SideProbe(asio::io_context& io, std::string bytes, milliseconds byte_interval,
              milliseconds wait, Done done)
        : io_(io),
          bytes_(std::move(bytes)),
          interval_(byte_interval),
          wait_(wait),
          done_(std::move(done)),
          timer_(io),
          byte_timer_(io) {}

    void start(const transport::ConnectTarget& target) {
        started_ = std::chrono::steady_clock::now();
        timer_.expires_after(wait_);
        timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
            if (ec) return;
            if (!self->result_.connected) self->result_.error = "no TCP connection in time";
            self->finish();
        });
        connecting_ =
            transport::async_connect(io_, target,
                                     [self = shared_from_this()](const transport::ErrorCode& ec,
                                                                 transport::StreamPtr stream) {
                                         self->on_connect(ec, std::move(stream));
                                     });
    }

    // The case ended: stop without reporting.
    void cancel() {
        done_ = nullptr;
        finish();
    }

  private:
    void on_connect(const transport::ErrorCode& ec, transport::StreamPtr stream) {
        connecting_.reset();
        if (finished_ || ec) {
            if (stream) stream->close();  // too late, or never there
            if (!finished_) result_.error = "connect failed: " + ec.message();
            finish();
            return;
        }
        stream_ = std::move(stream);
        result_.connected = true;
        first_write_ = std::chrono::steady_clock::now();
        read_some();
        write_next();
    }

    void write_next() {
        if (finished_ || sent_ >= bytes_.size()) return;
        const std::size_t n = interval_.count() > 0 ? 1 : bytes_.size() - sent_;
        stream_->async_write(
            asio::buffer(bytes_.data() + sent_, n),
            [self = shared_from_this()](const transport::ErrorCode& ec, std::size_t written) {
                if (self->finished_) return;
                if (ec) {
                    if (self->result_.error.empty()) self->result_.error = "write: " + ec.message();
                    return;  // the read side sees the close
                }
                self->sent_ += written;
                self->result_.bytes_written = self->sent_;
                if (self->interval_.count() == 0) return;
                self->byte_timer_.expires_after(self->interval_);
                self->byte_timer_.async_wait([self](const boost::system::error_code& e) {
                    if (!e) self->write_next();
                });
            });
    }

    void read_some() {
        stream_->async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
                if (self->finished_) return;
                if (ec) {
                    self->result_.head =
                        self->head_.empty() ? HeadStatus::none : HeadStatus::partial;
                    self->result_.head_text = self->head_;
                    self->result_.closed_ms = microseconds_since(self->started_) / 1000;
                    self->result_.answer_us = microseconds_since(self->first_write_);
                    self->finish();
                    return;
                }
                self->on_bytes(n);
                if (!self->finished_) self->read_some();
            });
    }

    void on_bytes(std::size_t n) {
        head_.append(buffer_.data(), std::min(n, kMaxHttpHeadBytes - head_.size()));
        const auto parsed =
            protocol::parse_http_head(head_, false, result_.response, kMaxHttpHeadBytes);
        if (parsed.status == protocol::HttpParse::Status::need_more) return;
        result_.answer_us = microseconds_since(first_write_);
        result_.head = parsed.status == protocol::HttpParse::Status::error ? HeadStatus::malformed
                                                                           : HeadStatus::complete;
        result_.head_text = head_.substr(0, parsed.consumed ? parsed.consumed : head_.size());
        finish();
    }

    void finish() {
        if (finished_) return;
        finished_ = true;
        timer_.cancel();
        byte_timer_.cancel();
        if (connecting_) std::exchange(connecting_, nullptr)->cancel();
        if (stream_) stream_->close();
        if (auto done = std::exchange(done_, nullptr)) done(std::move(result_));
    }

    asio::io_context& io_;
    std::string bytes_;
    milliseconds interval_, wait_;
    Done done_;
    asio::steady_timer timer_, byte_timer_;
    std::shared_ptr<transport::PendingConnect> connecting_;
    transport::StreamPtr stream_;
    std::chrono::steady_clock::time_point started_, first_write_;
    std::array<char, 4096> buffer_{};
    std::string head_;
    std::size_t sent_ = 0;
    bool finished_ = false;
    SideConnection result_;
};

// ---------------------------------------------------------------- ClientHistories

ClientHistory ClientHistories::snapshot(const std::string& agent) const {
    std::lock_guard lock(mutex_);
    auto it = by_agent_.find(agent);
    return it == by_agent_.end() ? ClientHistory{} : it->second;
}

void ClientHistories::add(const std::string& agent, const ClientExchange& exchange) {
    std::lock_guard lock(mutex_);
    auto it = by_agent_.find(agent);
    if (it == by_agent_.end()) {
        if (by_agent_.size() >= kMaxAgents) return;
        it = by_agent_.emplace(agent, ClientHistory{}).first;
    }
    auto& h = it->second;
    if (!exchange.request.key.empty() && h.keys.size() < kMaxKeys)
        h.keys.push_back(exchange.request.key);
    for (const auto& m : exchange.masks) {
        if (h.masks.size() >= kMaxMasks) break;
        h.masks.push_back(m);
    }
}

// ---------------------------------------------------------------- HttpCase

HttpTimeouts HttpCase::timeouts_for(const Timeouts& t) {
    HttpTimeouts out;
    out.head = t.open_handshake;
    out.connect = std::min(t.scaled(out.connect), t.open_handshake);
    out.echo = t.scaled(out.echo);  // (the others come from `t`, scaled already)
    out.fail_wait = t.scaled(out.fail_wait);
    out.close = t.close_handshake + t.server_drop;
    out.linger = t.server_drop;
    return out;
}

HttpCase::HttpCase(asio::io_context& io, const Case& test, SessionConfig config, Done done)
    : io_(io),
      test_(test),
      config_(std::move(config)),
      done_(std::move(done)),
      timeouts_(timeouts_for(config_.timeouts)),
      deadline_(io),
      phase_timer_(io),
      head_timer_(io),
      started_at_(std::chrono::steady_clock::now()),
      rng_(std::random_device{}()) {
    result_.test = &test_;
    result_.agent = config_.agent;
    result_.case_number = config_.case_number;
    result_.started = utc_timestamp_now();
}

HttpCase::~HttpCase() = default;

std::int64_t HttpCase::now_us() const {
    return microseconds_since(started_at_);
}

void HttpCase::note(std::string text) {
    result_.wirelog.add_note(now_us(), std::move(text));
}

void HttpCase::arm_phase_timer(milliseconds after, std::function<void()> then) {
    const auto generation = ++phase_generation_;
    phase_timer_.expires_after(after);
    phase_timer_.async_wait([self = shared_from_this(), generation,
                             then = std::move(then)](const boost::system::error_code& ec) {
        if (ec || self->finished_ || generation != self->phase_generation_) return;
        then();
    });
}

// The hard deadline of the whole case: past it the harness ends the case, whatever it waits for.
void HttpCase::arm_case_deadline(milliseconds budget) {
    if (const auto scale = config_.timeouts.scale_note(); !scale.empty()) note(scale);
    if (config_.timeouts.case_limit.count() > 0)
        budget = std::min(budget, config_.timeouts.case_limit);
    deadline_.expires_after(budget);
    deadline_.async_wait([self = shared_from_this(), budget](const boost::system::error_code& ec) {
        if (ec || self->finished_) return;
        self->harness_error_ = "case deadline (" + ms_text(budget) + ") exceeded";
        if (self->exchange_over_) {
            self->note(self->harness_error_ + ": the harness ends the case");
            self->finish();
            return;
        }
        if (self->phase_ == Phase::head)
            self->sx_.head = self->head_buffer_.empty() ? HeadStatus::none : HeadStatus::partial;
        self->end(HttpEnd::deadline, self->harness_error_ + ": the harness ends the case");
    });
}

// ---- testing a server

void HttpCase::start_as_client(const transport::ConnectTarget& server, std::string host_header,
                               std::string target) {
    is_server_ = false;
    result_.is_server = false;
    host_header_ = std::move(host_header);
    target_ = std::move(target);
    server_ = server;

    const auto* probe = test_.http_server_probe();
    if (probe->slowloris || probe->timed_request) {
        // Only side connections: the probe's own shape replaces the one exchange.
        arm_case_deadline(side_budget() + milliseconds(2000));
        exchange_over_ = true;
        phase_ = Phase::done;
        if (probe->slowloris) {
            run_slowloris();
        } else {
            timing_us_.assign(probe->timed_sizes.size(), {});
            run_timings(0);
        }
        return;
    }
    arm_case_deadline(timeouts_.connect + timeouts_.head + timeouts_.echo + timeouts_.close +
                      timeouts_.linger + milliseconds(2000) + side_budget());

    phase_ = Phase::connecting;
    arm_phase_timer(timeouts_.connect, [this] {
        connect_error_ = "no TCP connection within " + ms_text(timeouts_.connect);
        sx_.error = connect_error_;
        end(HttpEnd::not_connected, connect_error_);
    });
    connecting_ = connect_session(io_, server, shared_from_this());
}

bool HttpCase::connect_returned() {
    connecting_.reset();
    return finished_;
}

void HttpCase::connect_opened(transport::StreamPtr stream) {
    attach(std::move(stream));
    on_connected();
}

void HttpCase::connect_failed(std::string why) {
    sx_.error = why;
    harness_error_ = why;
    end(HttpEnd::not_connected, why);
}

// Raw pieces go out one write each, in order; a chopped piece is followed by a short pause
// so it leaves as its own segment.
void HttpCase::attach(transport::StreamPtr stream) {
    stream_ = std::move(stream);
    writes_ = transport::make_write_queue(
        stream_, shared_from_this(),
        {.coalesce = false, .defer_start = false, .own_write_pause = kChopPause});
}

void HttpCase::on_connected() {
    sx_.connected = true;

    sx_.request = test_.http_server_probe()->request(request_context());
    // What the endpoint needs (--header, --origin, --subprotocol) goes with every request,
    // unless the case sets that header itself.
    if (auto offered = protocol::offered_subprotocols(config_.extra_headers);
        !offered.empty() && !protocol::head_has_header(sx_.request.head, "Sec-WebSocket-Protocol"))
        sx_.request.protocols = std::move(offered);
    sx_.request.head = protocol::add_missing_headers(
        sx_.request.head, extra_headers_for(sx_.request, config_.extra_headers));
    result_.http_request =
        capped_text(protocol::redact_secrets(sx_.request.head), kMaxReportedRequest);

    auto pieces = chop(sx_.request.head, sx_.request.chopsize);
    if (sx_.request.pipelined_text) {
        sx_.sent_text = *sx_.request.pipelined_text;
        pieces.back() += frame_bytes(protocol::opcode::text, sx_.sent_text);
        note("a text frame follows the request head in the same write");
    }

    phase_ = Phase::head;
    ++phase_generation_;  // the connect timer is done
    head_timer_.expires_after(timeouts_.head);
    head_timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->finished_ || self->phase_ != Phase::head) return;
        self->head_timed_out_ = true;
        self->sx_.head = self->head_buffer_.empty() ? HeadStatus::none : HeadStatus::partial;
        self->sx_.head_text = capped_text(self->head_buffer_, kMaxHttpHeadBytes);
        self->result_.http_response = self->sx_.head_text;
        self->end(HttpEnd::we_closed, std::string("no complete response head within ") +
                                          ms_text(self->timeouts_.head) + " (" +
                                          to_string(self->sx_.head) + "); we close");
    });
    read_some();
    write(std::move(pieces), [this] { sx_.request_written = true; });
}

void HttpCase::on_head_bytes(const char* data, std::size_t n) {
    head_buffer_.append(data, n);
    protocol::HttpMessage response;
    const auto parsed = protocol::parse_http_head(head_buffer_, false, response, kMaxHttpHeadBytes);
    if (parsed.status == protocol::HttpParse::Status::need_more) return;
    head_timer_.cancel();
    if (parsed.status == protocol::HttpParse::Status::error) {
        sx_.head = parsed.error == protocol::HandshakeError::header_too_large
                       ? HeadStatus::too_large
                       : HeadStatus::malformed;
        sx_.head_error = parsed.error.message();
        sx_.head_text = capped_text(head_buffer_, kMaxHttpHeadBytes);
        result_.http_response = sx_.head_text;
        end(HttpEnd::we_closed,
            "the response is not an HTTP/1.x head we accept: " + sx_.head_error + "; we close");
        return;
    }
    sx_.head = HeadStatus::complete;
    sx_.head_ms = now_ms();
    sx_.response = std::move(response);
    sx_.head_text = head_buffer_.substr(0, parsed.consumed);
    result_.http_response = sx_.head_text;
    std::string leftover = head_buffer_.substr(parsed.consumed);
    head_buffer_.clear();
    head_buffer_.shrink_to_fit();
    note("response head complete: status " + std::to_string(sx_.response.status));
    if (sx_.response.status == 101)
        enter_websocket(std::move(leftover));
    else
        enter_refused(std::move(leftover));
}

void HttpCase::enter_websocket(std::string leftover) {
    phase_ = Phase::websocket;
    parser_ = protocol::FrameParser(
        {.role = protocol::Role::client, .close_code_policy = protocol::CloseCodePolicy::rfc});
    // permessage-deflate, when the response accepted one of our offers: the server may
    // compress its echo.
    if (!sx_.request.deflate_offers.empty() &&
        sx_.response.header_count("Sec-WebSocket-Extensions") > 0) {
        std::vector<protocol::Extension> extensions;
        if (!protocol::parse_extensions(sx_.response.combined("Sec-WebSocket-Extensions"),
                                        extensions)) {
            for (const auto& ext : extensions) {
                if (!protocol::iequals(ext.name, protocol::kPermessageDeflate)) continue;
                // Even a response that does not fit our offer is what the server will use:
                // inflate by its parameters (or zlib's defaults), so that its frames still
                // flow and only the case's own rule decides.
                protocol::DeflateParams agreed;
                if (protocol::check_deflate_response(ext, sx_.request.deflate_offers, agreed) &&
                    protocol::parse_deflate_params(ext, false, agreed))
                    agreed = {};
                const auto settings = protocol::deflate_settings(agreed, false);
                inflater_ = std::make_unique<protocol::Inflater>(
                    settings.receive_window_bits, settings.receive_no_context_takeover,
                    kMaxMessageBytes);
                parser_.set_permessage_deflate(true);
                sx_.deflate_agreed = true;
                break;
            }
        }
    }
    if (!sx_.request.pipelined_text) {
        sx_.sent_text = "Hello from wsconform, case " + test_.id;
        send_text(sx_.sent_text);
    }
    arm_phase_timer(timeouts_.echo, [this] {
        note("no echo within " + ms_text(timeouts_.echo) + "; we close");
        send_close(protocol::close_code::normal);
    });
    if (!leftover.empty()) feed_frames(leftover.data(), leftover.size());
}

void HttpCase::enter_refused(std::string leftover) {
    phase_ = Phase::refused;
    sx_.body_bytes += leftover.size();
    sx_.body_excerpt.append(leftover.substr(0, kMaxHttpBodyBytes));
    if (!sx_.request.follow_up.empty()) {
        send_follow_up();
        return;
    }
    note("not upgraded: waiting up to " + ms_text(timeouts_.linger) +
         " for the server to close TCP");
    arm_phase_timer(timeouts_.linger, [this] {
        end(HttpEnd::we_closed, "the server kept the connection open " + ms_text(timeouts_.linger) +
                                    " after its answer; we close");
    });
}

// ---- testing a client

void HttpCase::start_as_server(transport::StreamPtr stream, std::string received,
                               std::size_t head_size, std::shared_ptr<ClientHistories> histories) {
    is_server_ = true;
    result_.is_server = true;
    attach(std::move(stream));
    histories_ = std::move(histories);

    auto& req = cx_.request;
    head_size = std::min(head_size, received.size());
    req.raw = received.substr(0, head_size);
    protocol::parse_http_head(req.raw, true, req.head, kMaxHttpHeadBytes);
    if (auto key = req.head.header("Sec-WebSocket-Key")) req.key = std::string(*key);
    if (req.head.header_count("Sec-WebSocket-Protocol") > 0)
        req.protocols = token_list(req.head.combined("Sec-WebSocket-Protocol"));
    if (req.head.header_count("Sec-WebSocket-Extensions") > 0 &&
        protocol::parse_extensions(req.head.combined("Sec-WebSocket-Extensions"), req.extensions)) {
        req.extensions.clear();
        req.extensions_malformed = true;
    }
    req.listen_port = stream_->local_port();
    result_.http_request = capped_text(req.raw, kMaxReportedRequest);
    if (histories_) history_before_ = histories_->snapshot(config_.agent);

    early_buffer_ = received.substr(head_size, kMaxHttpHeadBytes);
    cx_.early_bytes = received.size() - head_size;
    if (cx_.early_bytes > 0)
        note(std::to_string(cx_.early_bytes) +
             " octets arrived after the request head, before our answer");

    cx_.response = test_.http_client_probe()->respond(req);
    cx_.response.delay = config_.timeouts.scaled(cx_.response.delay);  // --time-scale
    result_.http_response = cx_.response.head;

    arm_case_deadline(cx_.response.delay + timeouts_.echo + timeouts_.close + timeouts_.fail_wait +
                      milliseconds(2000));

    phase_ = Phase::early;
    read_some();
    if (cx_.response.delay.count() > 0) {
        note("waiting " + ms_text(cx_.response.delay) + " before answering");
        arm_phase_timer(cx_.response.delay, [this] { answer_client(); });
    } else {
        answer_client();
    }
}

void HttpCase::answer_client() {
    const auto& response = cx_.response;
    phase_ = response.valid ? Phase::websocket : Phase::failing;
    ++phase_generation_;
    parser_ = protocol::FrameParser(
        {.role = protocol::Role::server, .close_code_policy = protocol::CloseCodePolicy::rfc});
    auto pieces = chop(response.head, response.chopsize);
    std::string rest;
    for (std::size_t i = 0; i < response.texts.size(); ++i) {
        auto frame = frame_bytes(protocol::opcode::text, response.texts[i]);
        if (i == 0 && response.same_write)
            pieces.back() += frame;
        else
            rest += frame;
    }
    if (!rest.empty()) pieces.push_back(std::move(rest));
    write(std::move(pieces), [this] { after_answer(); });
    // Octets the client sent before our answer are parsed as frames now, as a server that
    // read them with the request would.
    if (!early_buffer_.empty()) {
        std::string early = std::move(early_buffer_);
        early_buffer_.clear();
        feed_frames(early.data(), early.size());
        cx_.early_frames = cx_.frames;
    }
}

void HttpCase::after_answer() {
    if (finished_ || phase_ == Phase::closing) return;
    if (cx_.response.valid) {
        if (cx_.messages.size() >= cx_.response.texts.size()) {
            send_close(protocol::close_code::normal);
            return;
        }
        arm_phase_timer(timeouts_.echo, [this] {
            note("not every message came back within " + ms_text(timeouts_.echo) + "; we close");
            send_close(protocol::close_code::normal);
        });
    } else {
        arm_phase_timer(timeouts_.fail_wait, [this] {
            end(HttpEnd::we_closed, "the client kept the connection open " +
                                        ms_text(timeouts_.fail_wait) +
                                        " after an invalid handshake; we close");
        });
    }
}

// ---- both roles

void HttpCase::read_some() {
    if (socket_closed_ || finished_) return;
    stream_->async_read_some(
        asio::buffer(read_buffer_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            if (self->finished_) return;
            if (ec) {
                self->on_read_error(ec);
                return;
            }
            self->on_read(n);
            self->read_some();
        });
}

void HttpCase::on_read(std::size_t n) {
    result_.wirelog.rx_octets[n]++;
    WireRow row;
    row.kind = "RO";
    row.t_us = now_us();
    row.length = n;
    row.excerpt.assign(read_buffer_.data(), std::min(n, WireLog::kExcerptBytes));
    result_.wirelog.add(std::move(row));
    switch (phase_) {
        case Phase::head:
            on_head_bytes(read_buffer_.data(), n);
            break;
        case Phase::early:
            cx_.early_bytes += n;
            if (early_buffer_.size() < kMaxHttpHeadBytes)
                early_buffer_.append(read_buffer_.data(),
                                     std::min(n, kMaxHttpHeadBytes - early_buffer_.size()));
            break;
        case Phase::websocket:
        case Phase::closing:
        case Phase::failing:
            feed_frames(read_buffer_.data(), n);
            break;
        case Phase::refused:
            sx_.body_bytes += n;
            if (sx_.body_excerpt.size() < kMaxHttpBodyBytes)
                sx_.body_excerpt.append(read_buffer_.data(),
                                        std::min(n, kMaxHttpBodyBytes - sx_.body_excerpt.size()));
            if (sx_.follow_up) on_follow_up_bytes();
            break;
        case Phase::connecting:
        case Phase::done:
            break;
    }
}

void HttpCase::on_read_error(const boost::system::error_code& ec) {
    if (ec == asio::error::operation_aborted) return;
    const bool eof = ec == asio::error::eof;
    const auto how = eof ? HttpEnd::peer_closed : HttpEnd::peer_reset;
    std::string why = eof ? "the peer closed TCP" : "read: " + ec.message();
    if (phase_ == Phase::head) {
        sx_.head = head_buffer_.empty() ? HeadStatus::none : HeadStatus::partial;
        sx_.head_text = capped_text(head_buffer_, kMaxHttpHeadBytes);
        result_.http_response = sx_.head_text;
        why += std::string(" (") + to_string(sx_.head) + ")";
    }
    end(how, why);
}

void HttpCase::feed_frames(char* data, std::size_t n) {
    std::span<std::byte> input(reinterpret_cast<std::byte*>(data), n);
    auto& frames = is_server_ ? cx_.frames : sx_.frames;
    auto& frame_error = is_server_ ? cx_.frame_error : sx_.frame_error;
    while (!finished_) {
        auto ev = parser_.next(input);
        using S = protocol::FrameParser::Status;
        switch (ev.status) {
            case S::need_more:
                return;
            case S::header: {
                ++frames;
                const auto& h = ev.header;
                result_.wirelog.rx_frames[h.opcode]++;
                if (h.masked && is_server_ && cx_.masks.size() < kMaxMasks)
                    cx_.masks.push_back(h.mask_key);
                if (!protocol::is_control(h.opcode) && h.opcode != protocol::opcode::continuation) {
                    message_.clear();
                    message_overflow_ = false;
                }
                frame_start_ = message_.size();
                break;
            }
            case S::payload:
                if (!protocol::is_control(ev.header.opcode)) {
                    const auto room =
                        kMaxMessageBytes - std::min(kMaxMessageBytes, message_.size());
                    const auto take = std::min(room, ev.payload.size());
                    message_.append(reinterpret_cast<const char*>(ev.payload.data()), take);
                    if (take < ev.payload.size()) message_overflow_ = true;
                }
                break;
            case S::frame_end: {
                const auto op = ev.header.opcode;
                log_frame(ev.header,
                          protocol::is_control(op)
                              ? std::string_view(reinterpret_cast<const char*>(ev.payload.data()),
                                                 ev.payload.size())
                              : std::string_view(message_).substr(
                                    std::min(frame_start_, message_.size())));
                if (op == protocol::opcode::close) {
                    on_close_frame(ev.payload);
                } else if (op == protocol::opcode::ping) {
                    if (phase_ == Phase::websocket) {
                        std::string payload(reinterpret_cast<const char*>(ev.payload.data()),
                                            ev.payload.size());
                        write({frame_bytes(protocol::opcode::pong, payload)});
                    }
                } else if (ev.message_end) {
                    std::string payload = std::move(message_);
                    message_.clear();
                    if (ev.message_compressed) {
                        if (!inflater_) {
                            frame_error = "a compressed message without permessage-deflate";
                        } else {
                            std::string out;
                            auto err = inflater_->feed(
                                std::as_bytes(std::span(payload.data(), payload.size())), out);
                            if (!err) err = inflater_->finish_message(out);
                            if (err) frame_error = "inflate: " + err.message();
                            payload = std::move(out);
                        }
                        if (!frame_error.empty()) {
                            end(HttpEnd::we_closed, "the peer's message broke RFC 7692: " +
                                                        frame_error + "; we drop TCP");
                            return;
                        }
                    }
                    if (message_overflow_) payload += "[... cut at 1 MiB]";
                    on_message(ev.message_opcode == protocol::opcode::binary, std::move(payload));
                }
                break;
            }
            case S::error:
                frame_error = ev.error.message();
                if (is_server_ && ev.error == protocol::Error::frame_not_masked)
                    cx_.unmasked_frame = true;
                end(HttpEnd::we_closed,
                    "the peer's frames broke RFC 6455: " + frame_error + "; we drop TCP");
                return;
        }
    }
}

void HttpCase::log_frame(const protocol::FrameHeader& h, std::string_view payload) {
    WireRow row;
    row.kind = "RF";
    row.t_us = now_us();
    row.length = h.payload_length;
    row.excerpt.assign(payload.substr(0, WireLog::kExcerptBytes));
    row.opcode = h.opcode;
    row.fin = h.fin;
    row.rsv = h.rsv;
    row.masked = h.masked;
    if (h.masked)
        row.mask_hex = protocol::hex_encode(
            std::string_view(reinterpret_cast<const char*>(h.mask_key.data()), h.mask_key.size()));
    result_.wirelog.add(std::move(row));
}

void HttpCase::on_message(bool binary, std::string payload) {
    auto& messages = is_server_ ? cx_.messages : sx_.messages;
    if (messages.size() < kMaxMessages)
        messages.push_back(binary ? binary_message(std::move(payload))
                                  : text_message(std::move(payload)));
    if (phase_ != Phase::websocket) return;
    if (!is_server_) {
        send_close(protocol::close_code::normal);
    } else if (cx_.response.valid && cx_.messages.size() >= cx_.response.texts.size()) {
        send_close(protocol::close_code::normal);
    }
}

void HttpCase::on_close_frame(std::span<const std::byte> payload) {
    protocol::ClosePayload close;
    const auto err = protocol::parse_close_payload(payload, close, protocol::CloseCodePolicy::rfc);
    bool& peer_sent_close = is_server_ ? cx_.peer_sent_close : sx_.peer_sent_close;
    auto& peer_close_code = is_server_ ? cx_.peer_close_code : sx_.peer_close_code;
    bool& we_sent_close = is_server_ ? cx_.we_sent_close : sx_.we_sent_close;
    bool& peer_closed_first = is_server_ ? cx_.peer_closed_first : sx_.peer_closed_first;
    if (peer_sent_close) return;
    peer_sent_close = true;
    if (!err) peer_close_code = close.code;
    if (phase_ == Phase::failing) {
        note("a close frame from a client whose handshake should have failed; no reply");
        return;
    }
    if (!we_sent_close) {
        peer_closed_first = true;
        we_sent_close = true;
        phase_ = Phase::closing;
        const auto code = close.code.value_or(protocol::close_code::normal);
        std::string reply =
            err || !close.code ? std::string() : protocol::build_close_payload(code);
        if (is_server_) {
            write({frame_bytes(protocol::opcode::close, reply)},
                  [this] { end(HttpEnd::we_closed, "closing handshake complete; we close TCP"); });
            return;
        }
        write({frame_bytes(protocol::opcode::close, reply)});
    }
    if (is_server_) {
        end(HttpEnd::we_closed, "closing handshake complete; we close TCP, as a server does");
        return;
    }
    arm_phase_timer(timeouts_.linger, [this] {
        end(HttpEnd::we_closed, "the server did not close TCP within " + ms_text(timeouts_.linger) +
                                    " after the closing handshake; we close");
    });
}

void HttpCase::send_text(const std::string& text) {
    write({frame_bytes(protocol::opcode::text, text)});
}

void HttpCase::send_close(std::uint16_t code) {
    bool& we_sent_close = is_server_ ? cx_.we_sent_close : sx_.we_sent_close;
    if (we_sent_close || finished_) return;
    we_sent_close = true;
    phase_ = Phase::closing;
    write({frame_bytes(protocol::opcode::close, protocol::build_close_payload(code))});
    arm_phase_timer(timeouts_.close, [this] {
        end(HttpEnd::we_closed,
            "no close frame back within " + ms_text(timeouts_.close) + "; we close");
    });
}

std::string HttpCase::frame_bytes(std::uint8_t opcode, std::string_view payload) {
    protocol::FrameHeader h{.fin = true, .opcode = opcode, .payload_length = payload.size()};
    if (!is_server_) {
        h.masked = true;
        const auto r = rng_();
        for (int i = 0; i < 4; ++i) h.mask_key[i] = static_cast<std::uint8_t>(r >> (8 * i));
    }
    std::string out = protocol::encode_frame(h, payload);

    result_.wirelog.tx_frames[opcode]++;
    WireRow row;
    row.kind = "TF";
    row.t_us = now_us();
    row.length = payload.size();
    row.excerpt.assign(payload.substr(0, WireLog::kExcerptBytes));
    row.opcode = opcode;
    row.fin = true;
    if (h.masked)
        row.mask_hex = protocol::hex_encode(
            std::string_view(reinterpret_cast<const char*>(h.mask_key.data()), h.mask_key.size()));
    result_.wirelog.add(std::move(row));
    return out;
}

void HttpCase::write(std::vector<std::string> pieces, std::function<void()> then) {
    if (socket_closed_ || finished_ || !writes_) return;
    for (std::size_t i = 0; i < pieces.size(); ++i) {
        const bool last = i + 1 == pieces.size();
        writes_->push(std::move(pieces[i]), !last, last ? std::move(then) : nullptr);
    }
}

void HttpCase::on_write(std::string_view bytes, bool pause_after) {
    // Testing a server, the first writes carry our request head (in pieces when chopped): its
    // octets are logged without credentials. `offset` is what was written before this write.
    std::string logged(bytes);
    if (!is_server_) {
        std::uint64_t offset = 0;
        for (const auto& [size, count] : result_.wirelog.tx_octets) offset += size * count;
        const auto& head = sx_.request.head;
        if (offset < head.size()) {
            const auto in_head = std::min<std::size_t>(bytes.size(), head.size() - offset);
            logged = protocol::redact_secrets(head, offset, in_head);
            logged += bytes.substr(in_head);
        }
    }
    result_.wirelog.tx_octets[bytes.size()]++;
    WireRow row;
    row.kind = "TO";
    row.t_us = now_us();
    row.length = bytes.size();
    row.excerpt.assign(std::string_view(logged).substr(0, WireLog::kExcerptBytes));
    row.sync = pause_after;
    result_.wirelog.add(std::move(row));
}

void HttpCase::on_write_error(const transport::ErrorCode& ec) {
    if (finished_ || ec == asio::error::operation_aborted) return;
    const std::string why = "write: " + ec.message();
    if (!is_server_ && sx_.error.empty()) sx_.error = why;
    note(why + " (we keep reading what the peer sent)");
}

void HttpCase::end(HttpEnd how, std::string why) {
    if (finished_) return;
    if (exchange_over_) {  // a side probe's step ran out: what was seen is judged
        note(std::move(why));
        finish();
        return;
    }
    exchange_over_ = true;
    auto& end_field = is_server_ ? cx_.end : sx_.end;
    auto& end_ms = is_server_ ? cx_.end_ms : sx_.end_ms;
    end_field = how;
    end_ms = now_ms();
    note(std::move(why));
    // The exchange's connection ends here; a section 15 probe may go on with side connections.
    phase_ = Phase::done;
    ++phase_generation_;
    close_connection();
    if (how == HttpEnd::not_connected) {
        finish();
        return;
    }
    after_exchange();
}

// The one exchange's connection: drop it (or the connect in flight) and what waits to go out.
void HttpCase::close_connection() {
    head_timer_.cancel();
    if (!socket_closed_) {
        socket_closed_ = true;
        if (connecting_) std::exchange(connecting_, nullptr)->cancel();
        if (stream_) stream_->close();
    }
    if (writes_) writes_->clear();
}

void HttpCase::abort(std::string why) {
    if (finished_) return;
    harness_error_ = why;
    if (phase_ == Phase::head)
        sx_.head = head_buffer_.empty() ? HeadStatus::none : HeadStatus::partial;
    end(HttpEnd::deadline, "aborted: " + why);
}

void HttpCase::finish() {
    if (finished_) return;
    finished_ = true;
    phase_ = Phase::done;
    deadline_.cancel();
    phase_timer_.cancel();
    close_connection();
    for (auto& probe : side_probes_) probe->cancel();
    side_probes_.clear();

    auto& o = result_.observation;
    o.is_server = is_server_;
    o.harness_error = harness_error_;
    o.was_open_handshake_timeout = head_timed_out_;
    o.tx_frames = result_.wirelog.tx_frames;
    o.rx_frames = result_.wirelog.rx_frames;
    Verdict verdict;
    if (!is_server_) {
        const auto& x = sx_;
        o.was_open = x.got_status(101);
        const bool upgrade = test_.http_server_probe()->expect_upgrade;
        o.expected = {{Behavior::ok, upgrade && !x.sent_text.empty()
                                         ? std::vector<Event>{text_message(x.sent_text)}
                                         : std::vector<Event>{}}};
        o.expected_close = upgrade ? ExpectedClose{} : ExpectedClose{false, {}, false};
        o.received = x.messages;
        o.closed_by_me = x.we_sent_close && !x.peer_closed_first;
        o.failed_by_me = !x.frame_error.empty();
        o.dropped_by_me = x.end == HttpEnd::we_closed || x.end == HttpEnd::deadline;
        o.was_clean = x.we_sent_close && x.peer_sent_close && x.end == HttpEnd::peer_closed;
        if (!o.was_clean && o.was_open) o.was_not_clean_reason = to_string(x.end);
        if (x.we_sent_close)
            o.local_close_code = x.peer_closed_first ? x.peer_close_code.value_or(1000)
                                                     : protocol::close_code::normal;
        o.remote_close_code = x.peer_close_code;
        if (o.harness_error.empty() && !x.connected) o.harness_error = x.error;
        verdict = test_.http_server_probe()->judge(x);
    } else {
        const auto& x = cx_;
        o.was_open = x.response.valid;
        std::vector<Event> texts;
        for (const auto& t : x.response.texts) texts.push_back(text_message(t));
        o.expected = {{Behavior::ok, x.response.valid ? texts : std::vector<Event>{}}};
        o.expected_close = x.response.valid ? ExpectedClose{} : ExpectedClose{false, {}, false};
        o.received = x.messages;
        o.closed_by_me = x.we_sent_close && !x.peer_closed_first;
        o.failed_by_me = !x.frame_error.empty();
        o.dropped_by_me = x.end == HttpEnd::we_closed || x.end == HttpEnd::deadline;
        o.was_clean = x.we_sent_close && x.peer_sent_close;
        if (!o.was_clean && o.was_open) o.was_not_clean_reason = to_string(x.end);
        if (x.we_sent_close) o.local_close_code = protocol::close_code::normal;
        o.remote_close_code = x.peer_close_code;
        verdict = test_.http_client_probe()->judge(x, history_before_);
        if (histories_) histories_->add(config_.agent, x);
    }
    result_.duration_ms = now_ms();
    if (!harness_error_.empty() && verdict.behavior != Behavior::ok)
        verdict.result += " (" + harness_error_ + ")";
    result_.verdict = finish_http_verdict(test_.level, std::move(verdict));
    if (done_) {
        auto done = std::move(done_);
        done(std::move(result_));
    }
}

// ---------------------------------------------------------------- section 15's side connections

RequestContext HttpCase::request_context() {
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng_());
    return RequestContext{host_header_, target_, protocol::make_key(nonce), server_.tls != nullptr,
                          &security_settings()};
}

// The most the probe's side connections may take, on top of the one exchange.
milliseconds HttpCase::side_budget() const {
    const auto* probe = test_.http_server_probe();
    if (!probe) return milliseconds(0);
    const auto one = timeouts_.connect + timeouts_.head;
    milliseconds budget{0};
    if (probe->slowloris) budget += security_settings().slowloris_deadline + one;
    if (probe->timed_request)
        budget += one * static_cast<int>(probe->timed_sizes.size() * probe->repeats);
    if (probe->check_alive) budget += one + milliseconds(250);
    if (probe->control_follow_up) budget += one;
    return budget;
}

void HttpCase::start_side_probe(std::string bytes, milliseconds byte_interval, milliseconds wait,
                                std::function<void(SideConnection&&)> then) {
    auto probe = std::make_shared<SideProbe>(
        io_, std::move(bytes), byte_interval, wait,
        [self = shared_from_this(), then = std::move(then)](SideConnection&& c) {
            if (self->finished_) return;
            if (c.connected) self->sx_.connected = true;
            then(std::move(c));
        });
    side_probes_.push_back(probe);
    probe->start(server_);
}

// After the exchange: the follow-up's control connection, then the check that the server is
// still up, then the verdict.
void HttpCase::after_exchange() {
    const auto* probe = is_server_ ? nullptr : test_.http_server_probe();
    if (!probe || finished_) return finish();
    if (probe->control_follow_up && !sx_.request.follow_up.empty() && !sx_.control) {
        note("the follow-up request again, on a fresh connection (the control)");
        start_side_probe(sx_.request.follow_up, milliseconds(0), timeouts_.head,
                         [this](SideConnection&& c) {
                             sx_.control = std::move(c);
                             after_exchange();
                         });
        return;
    }
    if (probe->check_alive && !sx_.alive) {
        check_alive();
        return;
    }
    finish();
}

// A fresh, valid handshake a moment after the case: a server that crashed no longer accepts.
void HttpCase::check_alive() {
    arm_phase_timer(milliseconds(250), [this] {
        const auto context = request_context();
        RawRequest valid{
            .head = protocol::build_upgrade_request(context.host, context.target, context.key)};
        const auto head = protocol::add_missing_headers(valid.head, config_.extra_headers);
        note("a fresh handshake: does the server still accept connections?");
        start_side_probe(head, milliseconds(0), timeouts_.head, [this](SideConnection&& c) {
            note(c.connected ? std::string("fresh handshake: ") + to_string(c.head) +
                                   (c.head == HeadStatus::complete
                                        ? ", status " + std::to_string(c.response.status)
                                        : std::string())
                             : "fresh handshake: " + c.error);
            sx_.alive = std::move(c);
            after_exchange();
        });
    });
}

void HttpCase::run_slowloris() {
    const auto& settings = security_settings();
    const auto k = static_cast<std::size_t>(std::max(1, settings.slowloris_connections));
    const auto deadline = settings.slowloris_deadline;
    sx_.request = test_.http_server_probe()->request(request_context());
    sx_.request.head = protocol::add_missing_headers(
        sx_.request.head, extra_headers_for(sx_.request, config_.extra_headers));
    // The head without its blank line, then a header line that never ends: the request is
    // never complete, however long the server waits.
    std::string slow = sx_.request.head.substr(0, sx_.request.head.size() - 2) + "X-Slow: " +
                       std::string(static_cast<std::size_t>(deadline.count() / 1000) + 8, 's');
    result_.http_request = capped_text(protocol::redact_secrets(slow), kMaxReportedRequest);
    note(std::to_string(k) + " connections send this request one octet per second, for up to " +
         ms_text(deadline) + "; a fresh handshake goes out meanwhile");
    slow_pending_ = k + 1;
    auto one_done = [this] {
        if (--slow_pending_ > 0) return;
        sx_.end = HttpEnd::we_closed;
        sx_.end_ms = now_ms();
        after_exchange();
    };
    for (std::size_t i = 0; i < k; ++i)
        start_side_probe(slow, milliseconds(1000), deadline, [this, one_done](SideConnection&& c) {
            sx_.slow.push_back(std::move(c));
            one_done();
        });
    arm_phase_timer(std::min(deadline / 2, milliseconds(3000)), [this, one_done] {
        const auto context = request_context();
        const auto head = protocol::add_missing_headers(
            protocol::build_upgrade_request(context.host, context.target, context.key),
            config_.extra_headers);
        start_side_probe(
            head, milliseconds(0), timeouts_.head, [this, one_done](SideConnection&& c) {
                note(std::string("the fresh handshake meanwhile: ") + to_string(c.head) +
                     (c.head == HeadStatus::complete
                          ? ", status " + std::to_string(c.response.status)
                          : std::string()));
                sx_.during = std::move(c);
                one_done();
            });
    });
}

// Sizes interleaved (small, middle, large, small, ...), one connection each, one at a time.
void HttpCase::run_timings(std::size_t step) {
    const auto* probe = test_.http_server_probe();
    const auto sizes = probe->timed_sizes.size();
    const auto total = sizes * static_cast<std::size_t>(std::max(1, probe->repeats));
    if (step == total) {
        for (std::size_t i = 0; i < sizes; ++i) {
            auto us = timing_us_[i];
            std::sort(us.begin(), us.end());
            sx_.timings.push_back(
                {probe->timed_sizes[i], timing_us_[i], us.empty() ? 0 : us[us.size() / 2]});
        }
        sx_.end = HttpEnd::we_closed;
        sx_.end_ms = now_ms();
        after_exchange();
        return;
    }
    const auto index = step % sizes;
    auto request = probe->timed_request(request_context(), probe->timed_sizes[index]);
    request.head = protocol::add_missing_headers(request.head,
                                                 extra_headers_for(request, config_.extra_headers));
    if (step < sizes)
        result_.http_request += capped_text(protocol::redact_secrets(request.head), 2048) + "\n";
    if (step == 0) sx_.request = request;
    start_side_probe(
        request.head, milliseconds(0), timeouts_.head, [this, step, index](SideConnection&& c) {
            const auto us = c.answer_us >= 0 ? c.answer_us : timeouts_.head.count() * 1000;
            timing_us_[index].push_back(us);
            if (!c.connected && sx_.error.empty())
                sx_.error = "timed connection " + std::to_string(step + 1) + ": " + c.error;
            run_timings(step + 1);
        });
}

// 15.6: after a non-101 answer, a plain request on the same connection.
void HttpCase::send_follow_up() {
    sx_.follow_up = SideConnection{.connected = true};
    note("not upgraded: a plain request follows on the same connection");
    write({sx_.request.follow_up},
          [this] { sx_.follow_up->bytes_written = sx_.request.follow_up.size(); });
    arm_phase_timer(timeouts_.head, [this] {
        end(HttpEnd::we_closed,
            "no answer to the follow-up within " + ms_text(timeouts_.head) + "; we close");
    });
    on_follow_up_bytes();
}

// The second head, after the first answer's body (Content-Length, else none).
void HttpCase::on_follow_up_bytes() {
    std::size_t skip = 0;
    if (auto length = sx_.response.header("Content-Length"))
        skip = static_cast<std::size_t>(std::strtoull(std::string(*length).c_str(), nullptr, 10));
    if (sx_.body_excerpt.size() <= skip) return;
    auto& f = *sx_.follow_up;
    const std::string rest = sx_.body_excerpt.substr(skip);
    const auto parsed = protocol::parse_http_head(rest, false, f.response, kMaxHttpHeadBytes);
    if (parsed.status == protocol::HttpParse::Status::need_more) return;
    f.head = parsed.status == protocol::HttpParse::Status::error ? HeadStatus::malformed
                                                                 : HeadStatus::complete;
    f.head_text = rest.substr(0, parsed.consumed ? parsed.consumed : rest.size());
    end(HttpEnd::we_closed, "the follow-up was answered on the same connection; we close");
}

// ---------------------------------------------------------------- verdicts without a case run

namespace {

// A result decided before any WebSocket traffic: one verdict for both columns, explained by
// the wire log's notes.
CaseResult decided_result(const Case& test, const SessionConfig& config, bool is_server,
                          Behavior behavior, const std::vector<std::string>& notes,
                          std::string outcome_reason) {
    CaseResult r;
    r.test = &test;
    r.agent = config.agent;
    r.case_number = config.case_number;
    r.started = utc_timestamp_now();
    r.is_server = is_server;
    r.observation.is_server = is_server;
    r.observation.expected = {};
    for (const auto& text : notes) {
        WireRow row;
        row.kind = "NOTE";
        row.text = text;
        r.wirelog.add(std::move(row));
    }
    r.verdict = make_verdict(behavior, notes.front(), behavior, notes.front());
    r.verdict.outcome = overall_outcome(r.verdict.behavior, r.verdict.behavior_close);
    r.verdict.outcome_reason = std::move(outcome_reason);
    return r;
}

}  // namespace

CaseResult not_applicable_result(const Case& test, const SessionConfig& config, bool is_server,
                                 const std::string& why) {
    const std::string text =
        !why.empty() ? "Not applicable: " + why + "; no connection was made."
        : is_server  ? "Not applicable: this case tests WebSocket servers (wsconform test-server); "
                       "no connection was made."
                     : "Not applicable: this case tests WebSocket clients (wsconform test-client); "
                       "no connection was made.";
    return decided_result(test, config, is_server, Behavior::unimplemented, {text},
                          !why.empty() ? "not applicable: " + why
                          : is_server  ? "not applicable when testing a client"
                                       : "not applicable when testing a server");
}

CaseResult not_applicable_result(const Case& test, const SessionConfig& config, bool is_server,
                                 const std::string& text, const std::string& reason) {
    return decided_result(test, config, is_server, Behavior::unimplemented, {text}, reason);
}

CaseResult certificate_refused_result(const Case& test, const SessionConfig& config,
                                      const std::string& error,
                                      const transport::ClientHelloInfo& hello) {
    std::string offered;
    for (const auto& p : hello.alpn_offered) offered += (offered.empty() ? "" : ", ") + p;
    return decided_result(
        test, config, true, Behavior::ok,
        {"The client refused the certificate (" + to_string(test.tls.certificate) +
             ") and never opened the WebSocket connection: " + error,
         "ClientHello: " +
             (hello.server_name.empty() ? std::string("no SNI") : "SNI " + hello.server_name) +
             (offered.empty() ? ", no ALPN" : ", ALPN " + offered)},
        "the client refused the certificate");
}

}  // namespace wsconform::harness
