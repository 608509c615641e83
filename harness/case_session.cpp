#include "harness/case_session.h"

#include <openssl/evp.h>

#include <boost/asio/error.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <ctime>
#include <optional>
#include <string_view>

#include "harness/connect.h"
#include "harness/model/clock.h"
#include "harness/transport/tls_context.h"
#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/handshake.h"
#include "protocol/hex.h"
#include "protocol/http.h"
#include "protocol/mask.h"

namespace wsconform::harness {

namespace asio = boost::asio;
using protocol::FrameHeader;
using protocol::FrameParser;

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;
constexpr std::size_t kMaxHandshakeBytes = 16 * 1024;
// What a case keeps of the peer's events at least (in bytes, each event counted with its
// struct), whatever it expects; past it, events are counted and hashed, the last few kept.
constexpr std::size_t kEventKeepFloor = 64 * 1024;
constexpr std::size_t kLastEventsKept = 8;
// What a case keeps of one incoming message at least; more when it sent or expects more.
constexpr std::size_t kMessageKeepFloor = 64 * 1024;
static_assert(kEventKeepFloor + WireLog::kHeadBytes + WireLog::kMiddleNoteBytes +
                      WireLog::kTailBytes + kMessageKeepFloor + kReadChunk + kMaxHandshakeBytes <=
                  kRunningCaseKeptBytes,
              "a running case keeps no more than the runner's budget counts");
// Autobahn|Python re-enters the reactor for 10 us after each chopped or synced write so the
// octets leave as their own TCP segments (_QUEUED_WRITE_DELAY).
constexpr auto kOwnWritePause = std::chrono::microseconds(10);

std::string repeat_to(std::string_view pattern, std::size_t length) {
    std::string out;
    if (pattern.empty()) return out;
    out.reserve(length);
    while (out.size() + pattern.size() <= length) out.append(pattern);
    out.append(pattern.substr(0, length - out.size()));
    return out;
}

// Why a response fails the opening handshake, for the report: the rule it breaks, and what
// the server answered when that was not 101.
std::string handshake_failure(const std::error_code& err, int status) {
    std::string why = "opening handshake: " + err.message();
    if (status != 101) why += " (the server answered " + std::to_string(status) + ")";
    return why;
}

// A frame row (TF, RF) of the wire log: the header's bits, `length` and the payload's excerpt.
WireRow frame_row(const char* kind, std::int64_t t_us, const FrameHeader& h, std::uint64_t length,
                  std::string excerpt) {
    WireRow row;
    row.kind = kind;
    row.t_us = t_us;
    row.length = length;
    row.excerpt = std::move(excerpt);
    row.opcode = h.opcode;
    row.fin = h.fin;
    row.rsv = h.rsv;
    row.masked = h.masked;
    if (h.masked)
        row.mask_hex = protocol::hex_encode({reinterpret_cast<const char*>(h.mask_key.data()), 4});
    return row;
}

// What an event holds in memory, roughly.
std::size_t event_bytes(const Event& e) {
    return sizeof(Event) + e.data.size() + e.sha256.size();
}

}  // namespace

// Our zlib level: any valid deflate stream tests the peer equally, and sections 12/13 push
// gigabytes through it, so we favour speed.
constexpr int kDeflateLevel = 1;

// An incremental SHA-256 (OpenSSL's EVP).
struct CaseSession::Sha256 {
    Sha256() : ctx(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
    ~Sha256() { EVP_MD_CTX_free(ctx); }
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    void update(std::string_view bytes) { EVP_DigestUpdate(ctx, bytes.data(), bytes.size()); }
    std::string hex() {
        unsigned char digest[EVP_MAX_MD_SIZE];
        unsigned int n = 0;
        EVP_DigestFinal_ex(ctx, digest, &n);
        return protocol::hex_encode({reinterpret_cast<const char*>(digest), n});
    }
    EVP_MD_CTX* ctx;
};

struct CaseSession::DeflateState {
    DeflateState(const protocol::DeflateParams& params, bool we_are_server, std::size_t max_message)
        : agreed(params),
          settings(protocol::deflate_settings(params, we_are_server)),
          deflater(settings.send_window_bits, settings.send_no_context_takeover, kDeflateLevel),
          inflater(settings.receive_window_bits, settings.receive_no_context_takeover,
                   max_message) {}
    protocol::DeflateParams agreed;
    protocol::DeflateSettings settings;
    protocol::Deflater deflater;
    protocol::Inflater inflater;
};

CaseSession::CaseSession(asio::io_context& io, const Case& test, SessionConfig config, Done done)
    : io_(io),
      test_(test),
      config_(std::move(config)),
      done_(std::move(done)),
      deadline_(io),
      close_handshake_timer_(io),
      drop_timer_(io),
      rng_(std::random_device{}()),
      read_buffer_(kReadChunk) {
    result_.test = &test_;
    result_.agent = config_.agent;
    result_.case_number = config_.case_number;
    result_.started = utc_timestamp_now();
    started_at_ = std::chrono::steady_clock::now();
    if (const auto scale = config_.timeouts.scale_note(); !scale.empty()) note(scale);
}

CaseSession::~CaseSession() = default;

std::int64_t CaseSession::now_us() const {
    return microseconds_since(started_at_);
}

void CaseSession::note(std::string text) {
    result_.wirelog.add_note(now_us(), std::move(text));
}

protocol::MaskKey CaseSession::random_mask() {
    const auto r = rng_();
    protocol::MaskKey key;
    for (int i = 0; i < 4; ++i) key[i] = static_cast<std::uint8_t>(r >> (8 * i));
    return key;
}

asio::steady_timer& CaseSession::new_timer() {
    timers_.push_back(std::make_unique<asio::steady_timer>(io_));
    return *timers_.back();
}

// The hard deadline always lies past every timer the case set, by case_grace plus the close
// handshake and drop timeouts, so Autobahn's own timers decide first.
void CaseSession::arm_deadline(Duration from_now) {
    auto at = std::chrono::steady_clock::now() + from_now + config_.timeouts.case_grace +
              config_.timeouts.close_handshake + config_.timeouts.server_drop;
    if (config_.timeouts.case_limit.count() > 0)
        at = std::min(at, started_at_ + config_.timeouts.case_limit);
    if (at <= deadline_at_) return;
    deadline_at_ = at;
    deadline_.expires_at(at);
    deadline_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->finished_) return;
        if (std::chrono::steady_clock::now() < self->deadline_at_) return;  // re-armed later
        self->result_.observation.harness_error = "case deadline exceeded";
        self->note("case deadline exceeded: the harness ends the case");
        if (self->state_ != State::closed) {
            self->drop_connection(true);
        } else {
            self->close_socket();
            self->finish();
        }
    });
}

// ---------------------------------------------------------------- opening handshake (client)

void CaseSession::start_as_client(const transport::ConnectTarget& server, std::string host_header,
                                  std::string target) {
    is_server_ = false;
    result_.is_server = false;
    result_.observation.is_server = false;
    host_header_ = std::move(host_header);
    target_ = std::move(target);
    over_h2_ = server.http2;
    parser_ = FrameParser(
        {.role = protocol::Role::client, .close_code_policy = protocol::CloseCodePolicy::autobahn});
    arm_deadline(config_.timeouts.open_handshake);
    // The TCP connection and a TLS handshake count against the opening handshake's time.
    auto& connect_timer = new_timer();
    connect_timer.expires_after(config_.timeouts.open_handshake);
    connect_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->finished_ || !self->connecting_) return;
        self->connect_timed_out_ = true;
        self->result_.observation.was_open_handshake_timeout = true;
        self->connecting_->cancel();
    });
    connecting_ = connect_session(io_, server, shared_from_this());
}

bool CaseSession::connect_returned() {
    connecting_.reset();
    return finished_;
}

void CaseSession::connect_opened(transport::StreamPtr stream) {
    if (over_h2_) {
        open_over_h2(std::move(stream));
        return;
    }
    attach(std::move(stream));
    on_connected();
}

void CaseSession::connect_failed(std::string why) {
    if (connect_timed_out_)
        why = "no connection (TCP and, for wss://, the TLS handshake) within " +
              std::to_string(config_.timeouts.open_handshake.count()) + " ms";
    connection_lost(why);
}

// Every write goes through one queue: what a script queues in one turn is coalesced (as
// Twisted's transport does), chopped and synced pieces go out on their own, each followed by
// Autobahn|Python's 10 us pause (_QUEUED_WRITE_DELAY) so they leave as separate segments.
void CaseSession::attach(transport::StreamPtr stream) {
    stream_ = std::move(stream);
    if (test_.tls.record_size && stream_->tls_session()) {
        stream_->set_record_size(test_.tls.record_size);
        note("our TLS records carry at most " + std::to_string(test_.tls.record_size) +
             (test_.tls.records_during_handshake_only ? " bytes during the opening handshake"
                                                      : " bytes each"));
    }
    writes_ = transport::make_write_queue(
        stream_, shared_from_this(),
        {.coalesce = true, .defer_start = true, .own_write_pause = kOwnWritePause});
}

// The header fields of our opening handshake besides those of the transport's own step (the
// HTTP/1.1 upgrade or the extended CONNECT): the same either way.
std::vector<std::string> CaseSession::request_headers() const {
    std::vector<std::string> headers{"User-Agent: wsconform/" WSCONFORM_VERSION_STRING,
                                     "Pragma: no-cache", "Cache-Control: no-cache"};
    if (!test_.websocket()->deflate_offers.empty())
        headers.push_back("Sec-WebSocket-Extensions: " +
                          protocol::format_deflate_offer(test_.websocket()->deflate_offers));
    headers.insert(headers.end(), config_.extra_headers.begin(), config_.extra_headers.end());
    return headers;
}

void CaseSession::on_connected() {
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng_());
    key_ = protocol::make_key(nonce);
    const auto headers = request_headers();
    auto request = protocol::build_upgrade_request(host_header_, target_, key_, headers);
    // The report shows the request without credentials; the wire gets it whole.
    result_.http_request = protocol::redact_secrets(request);
    traffic_.preopen_outgoing_wire = request.size();
    queue_bytes(std::move(request), std::nullopt, false);
    arm_open_handshake_timer();
    read_handshake_response();
}

void CaseSession::arm_open_handshake_timer() {
    auto& open_timer = new_timer();
    open_timer.expires_after(config_.timeouts.open_handshake);
    open_timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->finished_ || self->state_ != State::connecting) return;
        self->result_.observation.was_open_handshake_timeout = true;
        self->result_.observation.was_not_clean_reason =
            "peer did not finish (in time) the opening handshake";
        // RFC 9113 §3.4: a server's connection preface is its SETTINGS frame.
        if (self->h2_ && !self->h2_->settings_received())
            self->result_.observation.was_not_clean_reason +=
                ": no HTTP/2 SETTINGS from the server (its connection preface, RFC 9113 §3.4)";
        self->drop_connection(true);
    });
}

void CaseSession::read_handshake_response() {
    stream_->async_read_some(
        asio::buffer(read_buffer_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            if (self->finished_ || self->state_ == State::closed) return;
            if (ec) {
                self->connection_lost("opening handshake: " + ec.message());
                return;
            }
            self->result_.wirelog.rx_octets[n]++;
            const auto* data = reinterpret_cast<const char*>(self->read_buffer_.data());
            WireRow row;
            row.kind = "RO";
            row.t_us = self->now_us();
            row.length = n;
            row.excerpt.assign(data, std::min(n, WireLog::kExcerptBytes));
            self->result_.wirelog.add(std::move(row));
            self->handshake_buffer_.append(data, n);

            protocol::HttpMessage response;
            auto parsed = protocol::parse_http_head(self->handshake_buffer_, false, response,
                                                    kMaxHandshakeBytes);
            if (parsed.status == protocol::HttpParse::Status::need_more) {
                self->read_handshake_response();
                return;
            }
            if (parsed.status == protocol::HttpParse::Status::error) {
                self->result_.http_response = self->handshake_buffer_.substr(0, kMaxHandshakeBytes);
                self->result_.observation.harness_error =
                    "opening handshake: " + parsed.error.message();
                self->drop_connection(true);
                return;
            }
            self->result_.http_response = self->handshake_buffer_.substr(0, parsed.consumed);
            protocol::UpgradeResponse info;
            const auto protocols = protocol::offered_subprotocols(self->config_.extra_headers);
            std::vector<std::string> offered_extensions;
            if (!self->test_.websocket()->deflate_offers.empty())
                offered_extensions.emplace_back(protocol::kPermessageDeflate);
            if (auto err = protocol::check_upgrade_response(response, self->key_, protocols,
                                                            offered_extensions, info)) {
                self->result_.observation.harness_error = handshake_failure(err, response.status);
                self->drop_connection(true);
                return;
            }
            if (!self->accept_extensions(info.extensions)) return;
            self->traffic_.preopen_incoming_wire = parsed.consumed;
            std::string leftover = self->handshake_buffer_.substr(parsed.consumed);
            self->handshake_buffer_.clear();
            self->handshake_buffer_.shrink_to_fit();
            self->on_open();
            if (self->finished_) return;
            if (!leftover.empty()) {
                std::memcpy(self->read_buffer_.data(), leftover.data(), leftover.size());
                self->on_bytes(leftover.size());
            }
            if (!self->finished_) self->read_more();
        });
}

// The extensions the server's response agreed to (permessage-deflate only: the only one we
// offer); false when it fails the handshake (the connection is then dropped).
bool CaseSession::accept_extensions(const std::vector<protocol::Extension>& extensions) {
    for (const auto& ext : extensions) {
        protocol::DeflateParams agreed;
        std::vector<std::string> omitted;
        if (auto err = protocol::check_deflate_response_lenient(
                ext, test_.websocket()->deflate_offers, agreed, omitted)) {
            result_.observation.harness_error =
                "opening handshake: permessage-deflate response: " + err.message();
            drop_connection(true);
            return false;
        }
        if (!omitted.empty()) note_lenient_deflate_response(omitted);
        enable_deflate(agreed);
    }
    return true;
}

// ---------------------------------------------------------------- opening handshake over h2

// RFC 8441: the WebSocket is one stream of an HTTP/2 connection of its own (h2c with prior
// knowledge, or h2 chosen by ALPN), opened by an extended CONNECT once the server's SETTINGS
// allow it; a 2xx response opens it (no key, no Sec-WebSocket-Accept over HTTP/2). The report
// shows the request's and the response's header fields as they were sent.
void CaseSession::open_over_h2(transport::StreamPtr connection) {
    const auto* tls = connection->tls_session();
    if (tls && tls->alpn != "h2") {
        connection->close();
        connection_lost("opening handshake: " +
                        transport::make_error_code(transport::H2Error::not_h2).message());
        return;
    }
    note(tls ? "HTTP/2 over TLS (ALPN h2)" : "HTTP/2 over TCP (h2c, prior knowledge)");
    h2_ = transport::H2Session::client(
        connection, {.close_when_idle = true, .linger = config_.timeouts.server_drop});
    const auto headers = request_headers();
    auto request =
        protocol::build_extended_connect(tls ? "https" : "http", host_header_, target_, headers);
    result_.http_request = protocol::redact_secrets(protocol::format_fields(request));
    traffic_.preopen_outgoing_wire = result_.http_request.size();
    arm_open_handshake_timer();
    h2_->open_websocket(
        std::move(request),
        [self = shared_from_this()](const transport::ErrorCode& ec, transport::H2StreamPtr stream,
                                    protocol::H2Fields response) {
            self->on_h2_response(ec, std::move(stream), response);
        });
}

void CaseSession::on_h2_response(const transport::ErrorCode& ec, transport::H2StreamPtr stream,
                                 const protocol::H2Fields& response) {
    if (finished_ || state_ != State::connecting) {
        if (stream) stream->abort();
        return;
    }
    if (ec) {
        result_.observation.harness_error = "opening handshake: " + ec.message();
        if (h2_ && !h2_->peer_error().empty())
            result_.observation.harness_error += " (" + h2_->peer_error() + ")";
        drop_connection(true);
        return;
    }
    note("HTTP/2 stream " + std::to_string(stream->id()) + ": the server answered :status " +
         std::string(protocol::find_field(response, ":status").value_or("(none)")));
    attach(std::move(stream));
    result_.http_response = protocol::format_fields(response);
    traffic_.preopen_incoming_wire = result_.http_response.size();
    protocol::UpgradeResponse info;
    const auto protocols = protocol::offered_subprotocols(config_.extra_headers);
    std::vector<std::string> offered_extensions;
    if (!test_.websocket()->deflate_offers.empty())
        offered_extensions.emplace_back(protocol::kPermessageDeflate);
    if (auto err = protocol::check_extended_connect_response(response, protocols,
                                                             offered_extensions, info)) {
        result_.observation.harness_error = "opening handshake: " + err.message();
        drop_connection(true);
        return;
    }
    if (!accept_extensions(info.extensions)) return;
    on_open();
    if (!finished_) read_more();
}

// RFC 7692 §7.1.1.1 and §7.1.2.1: a server accepts an offered server_no_context_takeover or
// server_max_window_bits by including it in its response. Autobahn does not check this and
// runs the case with what the response says; so do we, and the verdict says what was left out.
void CaseSession::note_lenient_deflate_response(const std::vector<std::string>& omitted) {
    std::string names;
    for (const auto& name : omitted) {
        if (!names.empty()) names += " and ";
        names += name;
    }
    const bool both = omitted.size() > 1;
    result_.observation.lenient_handshake =
        "The server accepted permessage-deflate, but its response leaves out " + names +
        ", which the offer asked for: RFC 7692 " +
        (both                                       ? "§7.1.1.1 and §7.1.2.1 require"
         : omitted.front().starts_with("server_no") ? "§7.1.1.1 requires"
                                                    : "§7.1.2.1 requires") +
        " a server that accepts the offer to include " + (both ? "them" : "it") +
        ". The case ran with the response's parameters, as Autobahn runs it.";
    note("permessage-deflate response leaves out " + names +
         " (offered); the case runs with the response's parameters");
}

// ---------------------------------------------------------------- opening handshake (server)

void CaseSession::start_as_server(transport::StreamPtr stream, std::string request,
                                  std::string response, std::string leftover,
                                  std::optional<protocol::DeflateParams> deflate) {
    is_server_ = true;
    result_.is_server = true;
    result_.observation.is_server = true;
    // test-client --http2: the WebSocket is an HTTP/2 stream, whose endings the reports name.
    over_h2_ = dynamic_cast<const transport::H2Stream*>(stream.get()) != nullptr;
    attach(std::move(stream));
    parser_ = FrameParser(
        {.role = protocol::Role::server, .close_code_policy = protocol::CloseCodePolicy::autobahn});
    result_.http_request = std::move(request);
    result_.http_response = std::move(response);
    traffic_.preopen_incoming_wire = result_.http_request.size();
    traffic_.preopen_outgoing_wire = result_.http_response.size();
    if (deflate) enable_deflate(*deflate);
    arm_deadline(config_.timeouts.open_handshake);
    on_open();
    if (finished_) return;
    if (!leftover.empty() && leftover.size() <= read_buffer_.size()) {
        std::memcpy(read_buffer_.data(), leftover.data(), leftover.size());
        on_bytes(leftover.size());
    }
    if (!finished_) read_more();
}

// ---------------------------------------------------------------- the open connection

void CaseSession::note_tls_at_open() {
    const auto* tls = stream_ ? stream_->tls_session() : nullptr;
    if (!tls) return;
    auto& o = result_.observation.tls;
    o.version = tls->version;
    o.cipher = tls->cipher;
    o.server_name = tls->hello.server_name;
    o.alpn_offered = tls->hello.alpn_offered;
    o.alpn = tls->alpn;
    if (is_server_) {
        // The name the client's URL carried, which its SNI should repeat (RFC 6455 §4.1):
        // its Host header, or over HTTP/2 its :authority (the request's fields, one a line).
        std::optional<std::string> host;
        if (over_h2_) {
            constexpr std::string_view kAuthority = ":authority: ";
            std::string_view fields = result_.http_request;
            if (auto at = fields.find(kAuthority);
                at != std::string_view::npos && (at == 0 || fields[at - 1] == '\n')) {
                fields.remove_prefix(at + kAuthority.size());
                host = std::string(fields.substr(0, fields.find_first_of("\r\n")));
            }
        } else {
            protocol::HttpMessage request;
            protocol::parse_http_head(result_.http_request, true, request);
            if (auto h = request.header("Host")) host = std::string(*h);
        }
        if (host) {
            std::string name(*host);
            if (name.starts_with('['))
                name = name.substr(1, name.find(']') - 1);
            else if (auto colon = name.rfind(':'); colon != std::string::npos)
                name.resize(colon);
            o.expected_name = name;
        }
    }
    o.verified = is_server_ || tls->peer_verified;
    note("TLS: " + tls->version + ", " + tls->cipher +
         (tls->hello.server_name.empty() ? ", no SNI" : ", SNI " + tls->hello.server_name) +
         (tls->alpn.empty() ? "" : ", ALPN " + tls->alpn) +
         (o.verified ? "" : ", the server's certificate NOT verified (--insecure)"));
    if (test_.tls.record_size && test_.tls.records_during_handshake_only)
        writes_->push_action([stream = stream_] { stream->set_record_size(0); });
}

void CaseSession::enable_deflate(const protocol::DeflateParams& agreed) {
    deflate_ = std::make_unique<DeflateState>(agreed, is_server_, config_.max_message);
    parser_.set_permessage_deflate(true);
}

void CaseSession::on_open() {
    state_ = State::open;
    opened_at_ = std::chrono::steady_clock::now();
    result_.observation.was_open = true;
    note_tls_at_open();
    if (test_.websocket()->on_open) test_.websocket()->on_open(*this);
}

void CaseSession::read_more() {
    if (reading_ || reading_paused_ || socket_closed_) return;
    reading_ = true;
    stream_->async_read_some(
        asio::buffer(read_buffer_),
        [self = shared_from_this()](const boost::system::error_code& ec, std::size_t n) {
            self->reading_ = false;
            if (self->finished_) return;
            if (ec) {
                self->connection_lost(self->end_of_input(ec));
                return;
            }
            self->on_bytes(n);
            if (!self->finished_) self->read_more();
        });
}

// Why reading ended, for the wire log: over HTTP/2 the stream's end plays the part of TCP's.
std::string CaseSession::end_of_input(const transport::ErrorCode& ec) const {
    if (!over_h2_)
        return ec == asio::error::eof ? "peer closed the TCP connection" : "read: " + ec.message();
    const auto* h2 = static_cast<const transport::H2Stream*>(stream_.get());
    if (h2->connection_ended()) return h2_connection_end();
    if (ec == asio::error::eof && !h2->reset_code())
        return h2->peer_ended() ? "peer ended the HTTP/2 stream (END_STREAM)"
                                : "the HTTP/2 connection ended (GOAWAY or TCP close)";
    if (const auto code = h2->reset_code())
        return "the HTTP/2 stream was reset (RST_STREAM, error code " + std::to_string(*code) + ")";
    return "read: " + ec.message();
}

// The HTTP/2 connection ended under the open stream: after the peer's GOAWAY (its code and
// last stream named), or without one (TCP closed, or a connection error on our side).
std::string CaseSession::h2_connection_end() const {
    // Testing a client, the connection is the client-testing server's: reach it weakly.
    auto session = h2_;
    if (!session && stream_)
        session = static_cast<const transport::H2Stream*>(stream_.get())->session();
    const auto goaway = session ? session->received_goaway() : std::nullopt;
    if (!goaway)
        return "the HTTP/2 connection ended under the open stream, without a GOAWAY from the "
               "peer" +
               (session && !session->peer_error().empty() ? " (" + session->peer_error() + ")"
                                                          : std::string());
    return "the HTTP/2 connection ended under the open stream after the peer's GOAWAY (error "
           "code " +
           std::to_string(goaway->error_code) + ", last stream " +
           std::to_string(goaway->last_stream_id) + ")";
}

void CaseSession::on_bytes(std::size_t n) {
    auto& log = result_.wirelog;
    log.rx_octets[n]++;
    if (log.enabled()) {
        WireRow row;
        row.kind = "RO";
        row.t_us = now_us();
        row.length = n;
        row.excerpt.assign(reinterpret_cast<const char*>(read_buffer_.data()),
                           std::min(n, WireLog::kExcerptBytes));
        log.add(std::move(row));
    }
    if (parser_failed_ || state_ == State::closed) return;  // draining after we failed
    traffic_.incoming.octets_wire += n;

    // A frame's end can come with no further input (a zero-length frame, or a payload that
    // ended exactly at the end of this read), so loop until the parser asks for more.
    std::span<std::byte> input(read_buffer_.data(), n);
    while (!finished_ && state_ != State::closed) {
        auto ev = parser_.next(input);
        switch (ev.status) {
            case FrameParser::Status::need_more:
                break;
            case FrameParser::Status::header:
                frame_excerpt_.clear();
                if (ev.header.opcode == protocol::opcode::text ||
                    ev.header.opcode == protocol::opcode::binary)
                    message_compressed_ = (ev.header.rsv & protocol::rsv::rsv1) != 0;
                break;
            case FrameParser::Status::payload: {
                const auto* p = reinterpret_cast<const char*>(ev.payload.data());
                if (frame_excerpt_.size() < WireLog::kExcerptBytes)
                    frame_excerpt_.append(p,
                                          std::min(ev.payload.size(),
                                                   WireLog::kExcerptBytes - frame_excerpt_.size()));
                if (message_compressed_ && deflate_) {
                    std::string inflated;
                    if (auto err = deflate_->inflater.feed(ev.payload, inflated)) {
                        parser_failed_ = true;
                        note("peer sent bad compressed data: " + err.message());
                        fail_connection(protocol::close_code_for(err), err.message());
                        return;
                    }
                    take_message_bytes(inflated);
                } else if (message_overflow_ ||
                           message_size_ + ev.payload.size() > config_.max_message) {
                    message_overflow_ = true;
                } else {
                    take_message_bytes({p, ev.payload.size()});
                }
                break;
            }
            case FrameParser::Status::frame_end:
                handle_frame_end(ev);
                break;
            case FrameParser::Status::error: {
                // Autobahn|Python 0.10.9 (onCloseFrame) records the peer's close code before it
                // judges it, so a rejected code still shows as remoteCloseCode and is judged
                // against the expected codes (WRONG CODE).
                if (ev.header.opcode == protocol::opcode::close && ev.payload.size() >= 2) {
                    result_.observation.remote_close_code =
                        static_cast<std::uint16_t>(std::to_integer<unsigned>(ev.payload[0]) << 8 |
                                                   std::to_integer<unsigned>(ev.payload[1]));
                }
                parser_failed_ = true;
                note("peer violated the protocol: " + ev.error.message());
                fail_connection(protocol::close_code_for(ev.error), ev.error.message());
                return;
            }
        }
        if (ev.status == FrameParser::Status::need_more) break;
    }
}

void CaseSession::handle_frame_end(const FrameParser::Event& ev) {
    const auto& h = ev.header;
    auto& log = result_.wirelog;
    log.rx_frames[h.opcode]++;
    if (!protocol::is_control(h.opcode)) {
        traffic_.incoming.frames++;
        traffic_.incoming.octets_websocket += h.payload_length;
    }
    std::string control;
    if (protocol::is_control(h.opcode))
        control.assign(reinterpret_cast<const char*>(ev.payload.data()), ev.payload.size());
    if (log.enabled())
        log.add(frame_row("RF", now_us(), h, h.payload_length,
                          protocol::is_control(h.opcode) ? control : frame_excerpt_));

    switch (h.opcode) {
        case protocol::opcode::ping:
            // Autobahn|Python answers pings itself and does not record them.
            if (state_ == State::open) {
                FrameHeader pong{.fin = true, .opcode = protocol::opcode::pong};
                queue_frame(pong, control, std::nullopt, false);
            }
            return;
        case protocol::opcode::pong:
            record(pong(std::move(control)));
            finish_when_done();
            return;
        case protocol::opcode::close: {
            protocol::ClosePayload cp;
            std::optional<std::uint16_t> code;
            std::optional<std::string> reason;
            const auto bytes = std::as_bytes(std::span(control.data(), control.size()));
            if (!protocol::parse_close_payload(bytes, cp, protocol::CloseCodePolicy::autobahn)) {
                code = cp.code;
                if (cp.code && control.size() > 2) reason = std::string(cp.reason);
            }
            on_close_frame(code, reason);
            return;
        }
        default:
            break;
    }
    if (ev.message_end) {
        if (message_compressed_ && deflate_) {
            std::string inflated;
            auto err = deflate_->inflater.finish_message(inflated);
            take_message_bytes(inflated);
            message_compressed_ = false;
            if (!err && ev.message_opcode == protocol::opcode::text && !message_utf8_.finish())
                err = protocol::Error::invalid_utf8;
            if (err) {
                parser_failed_ = true;
                note("peer sent a bad compressed message: " + err.message());
                fail_connection(protocol::close_code_for(err), err.message());
                return;
            }
        }
        if (message_overflow_) {
            message_overflow_ = false;
            message_.clear();
            message_size_ = 0;
            message_hash_.reset();
            message_utf8_.reset();
            note("message larger than the " + std::to_string(config_.max_message) +
                 " bytes wsconform takes in one message");
            fail_connection(protocol::close_code::message_too_big, "message too big");
            return;
        }
        on_message_complete(ev.message_opcode == protocol::opcode::binary);
    }
}

// One more piece of the incoming message (inflated, when compressed): kept while the case can
// need it, else counted and hashed.
void CaseSession::take_message_bytes(std::string_view bytes) {
    message_size_ += bytes.size();
    if (message_compressed_) message_utf8_.feed(bytes);
    const std::size_t keep = message_keep_bytes();
    if (!message_hash_ && message_.size() + bytes.size() <= keep) {
        message_.append(bytes);
        return;
    }
    if (!message_hash_) {
        message_hash_ = std::make_unique<Sha256>();
        message_hash_->update(message_);
    }
    message_hash_->update(bytes);
    if (message_.size() < keep) message_.append(bytes.substr(0, keep - message_.size()));
}

// One more than the largest message the case could compare with (what it sent or expects):
// a message cut there still differs from any of them.
std::size_t CaseSession::message_keep_bytes() const {
    // A section-15 probe compares no echo octet by octet: what it sends is as large as a
    // missing limit (1 GiB), so it keeps only the floor.
    if (test_.can_crash_peer) return kMessageKeepFloor + 1;
    return std::max({kMessageKeepFloor, largest_sent_, raw_bytes_sent_, largest_expected_}) + 1;
}

void CaseSession::note_sent(std::size_t message_bytes) {
    largest_sent_ = std::max(largest_sent_, message_bytes);
}

void CaseSession::on_message_complete(bool binary) {
    traffic_.incoming.messages++;
    traffic_.incoming.octets_app += message_size_;
    Event event{Event::Kind::message, binary, std::move(message_)};
    message_.clear();
    if (message_hash_) {
        event.omitted = message_size_ - event.data.size();
        event.sha256 = std::exchange(message_hash_, nullptr)->hex();
        note("message of " + std::to_string(message_size_) + " bytes: the first " +
             std::to_string(event.data.size()) +
             " kept (the case needs no more), the rest counted; SHA-256 " + event.sha256);
    }
    message_size_ = 0;
    message_utf8_.reset();
    if (test_.websocket()->on_message) {
        test_.websocket()->on_message(*this, event);
        return;
    }
    record(std::move(event));
    finish_when_done();
}

// AB:case/case.py finishWhenDone: once what was received equals *every* expected list, and
// the case expects us to close, start the closing handshake right away.
void CaseSession::finish_when_done() {
    auto& o = result_.observation;
    if (o.received_dropped.count > 0) return;
    for (const auto& [behavior, events] : o.expected)
        if (events != o.received) return;
    if (o.expected_close.closed_by_me && !test_.websocket()->suppress_close &&
        state_ == State::open) {
        const auto code = o.expected_close.close_codes.empty()
                              ? std::optional<std::uint16_t>{}
                              : std::optional<std::uint16_t>{o.expected_close.close_codes.front()};
        send_close_frame(code, std::nullopt, false);
    }
}

// ABPY onCloseFrame.
void CaseSession::on_close_frame(std::optional<std::uint16_t> code,
                                 std::optional<std::string> reason) {
    auto& o = result_.observation;
    o.remote_close_code = code;
    o.remote_close_reason = std::move(reason);
    if (state_ == State::closing) {
        close_handshake_timer_.cancel();
        o.was_clean = true;
        if (is_server_) {
            drop_connection(true);
        } else {
            drop_after(drop_timer_, config_.timeouts.server_drop, [](CaseSession& self) {
                auto& o = self.result_.observation;
                o.was_clean = false;
                o.was_not_clean_reason = "server did not drop TCP connection (in time)";
                o.was_server_connection_drop_timeout = true;
            });
        }
    } else if (state_ == State::open) {
        o.was_clean = true;
        send_close_frame(protocol::close_code::normal, std::nullopt, true);
        if (is_server_) {
            drop_connection(false);
        } else {
            // Autobahn|Python would wait for the server without limit here; we bound it.
            drop_after(drop_timer_, config_.timeouts.server_drop, [](CaseSession& self) {
                self.note("server did not drop TCP after the closing handshake");
            });
        }
    } else {
        o.was_clean = false;
    }
}

// ---------------------------------------------------------------- closing and failing

// When `timer` fires after `delay` with the connection not yet closed: `why` records the
// reason, then we drop TCP.
void CaseSession::drop_after(asio::steady_timer& timer, Duration delay, void (*why)(CaseSession&)) {
    timer.expires_after(delay);
    timer.async_wait([self = shared_from_this(), why](const boost::system::error_code& ec) {
        if (ec || self->finished_ || self->state_ == State::closed) return;
        why(*self);
        self->drop_connection(true);
    });
}

void CaseSession::send_close_frame(std::optional<std::uint16_t> code,
                                   std::optional<std::string> reason, bool is_reply) {
    if (state_ != State::open) return;
    std::string payload;
    if (code) {
        payload.push_back(static_cast<char>(*code >> 8));
        payload.push_back(static_cast<char>(*code & 0xff));
    }
    if (reason) payload += *reason;
    FrameHeader h{.fin = true, .opcode = protocol::opcode::close};
    queue_frame(h, payload, std::nullopt, false);
    state_ = State::closing;
    auto& o = result_.observation;
    o.closed_by_me = !is_reply;
    o.local_close_code = code;
    o.local_close_reason = reason;
    if (o.closed_by_me) {
        drop_after(close_handshake_timer_, config_.timeouts.close_handshake, [](CaseSession& self) {
            auto& o = self.result_.observation;
            o.was_clean = false;
            o.was_not_clean_reason = "peer did not respond (in time) in closing handshake";
            o.was_close_handshake_timeout = true;
        });
    }
}

// ABPY failConnection with failByDrop = false, as the suite runs it.
void CaseSession::fail_connection(std::uint16_t code, std::string reason) {
    if (state_ == State::closed) return;
    result_.observation.failed_by_me = true;
    if (state_ != State::closing) {
        if (reason.size() > 123) reason.resize(123);
        send_close_frame(code, std::move(reason), false);
    } else {
        drop_connection(false);
    }
}

void CaseSession::drop_connection(bool abortive) {
    if (state_ == State::closed) return;
    result_.observation.dropped_by_me = true;
    state_ = State::closed;
    if (!abortive && writes_ && !writes_->idle()) {
        close_after_flush_ = true;
        return;
    }
    close_socket();
    finish();
}

void CaseSession::close_socket(bool abortive) {
    if (socket_closed_) return;
    socket_closed_ = true;
    // Cancelled and let go: the attempt's handler holds this session until it runs.
    if (connecting_) std::exchange(connecting_, nullptr)->cancel();
    if (stream_ && abortive)
        stream_->abort();
    else if (stream_)
        stream_->close();
    else if (h2_)
        h2_->close();  // no stream opened: GOAWAY, and the connection ends
}

void CaseSession::connection_lost(std::string why) {
    if (finished_) return;
    if (state_ != State::closed) {
        auto& o = result_.observation;
        // Over HTTP/2 the stream is the WebSocket's connection: say how it ended.
        if (!o.was_clean && !o.dropped_by_me && o.was_not_clean_reason.empty())
            o.was_not_clean_reason = over_h2_
                                         ? why + ", without previous WebSocket closing handshake"
                                         : "peer dropped the TCP connection without previous "
                                           "WebSocket closing handshake";
        if (state_ == State::connecting && o.harness_error.empty()) o.harness_error = why;
        state_ = State::closed;
    }
    note(why);
    close_socket();
    finish();
}

void CaseSession::abort(std::string why) {
    if (finished_) return;
    result_.observation.harness_error = why;
    note(why);
    if (state_ != State::closed) result_.observation.dropped_by_me = true;
    state_ = State::closed;
    close_socket(true);
    finish();
}

void CaseSession::finish() {
    if (finished_) return;
    finished_ = true;
    boost::system::error_code ignored;
    deadline_.cancel();
    close_handshake_timer_.cancel();
    drop_timer_.cancel();
    for (auto& t : timers_) t->cancel();
    close_socket();
    if (writes_) writes_->clear();
    auto& o = result_.observation;
    if (const auto* tls = stream_ ? stream_->tls_session() : nullptr) {
        o.tls.peer_close_notify = stream_->peer_sent_close_notify();
        o.tls.renegotiation_started = tls->renegotiation_started;
        o.tls.renegotiation_completed = tls->renegotiation_started && !tls->renegotiation_pending;
    }
    o.tx_frames = result_.wirelog.tx_frames;
    o.rx_frames = result_.wirelog.rx_frames;
    o.tx_octets = traffic_.outgoing.octets_wire;
    o.rx_octets = traffic_.incoming.octets_wire;
    if (o.was_open)
        o.open_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - opened_at_)
                        .count();
    if (dropped_hash_) o.received_dropped.sha256 = std::exchange(dropped_hash_, nullptr)->hex();
    // From the open to the end, as Autobahn counts; a case that never opened (an opening
    // handshake that timed out) gets the time it spent trying, not 0.
    result_.duration_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - (o.was_open ? opened_at_ : started_at_))
            .count();
    result_.verdict = judge(test_, o);
    if (done_) {
        auto done = std::move(done_);
        done(std::move(result_));
    }
}

// ---------------------------------------------------------------- sending

void CaseSession::queue_frame(const FrameHeader& header_in, std::string_view payload,
                              std::optional<std::size_t> chopsize, bool sync,
                              protocol::LengthForm form, std::optional<std::uint64_t> repeat_length,
                              Masking masking) {
    if (socket_closed_) return;
    FrameHeader header = header_in;
    header.payload_length = payload.size();
    // We mask as a client must (RFC 6455 5.3), with a fresh key per frame unless the case
    // chose one; as a server we mask only when the case asks for it. Section 18 breaks the
    // rule of our role on purpose.
    if (masking == Masking::wrong_for_role) {
        header.masked = is_server_;
    } else if (!is_server_) {
        header.masked = true;
        if (masking == Masking::role) header.mask_key = random_mask();
    } else {
        header.masked = masking == Masking::given_key;
    }
    auto& log = result_.wirelog;
    log.tx_frames[header.opcode]++;
    if (!protocol::is_control(header.opcode)) {
        traffic_.outgoing.frames++;
        traffic_.outgoing.octets_websocket += payload.size();
        if (header.opcode != protocol::opcode::continuation) sending_message_ = 0;
        sending_message_ += payload.size();
        note_sent(sending_message_);
    }
    if (log.enabled()) {
        WireRow row = frame_row("TF", now_us(), header, payload.size(),
                                std::string(payload.substr(0, WireLog::kExcerptBytes)));
        row.repeat_length = repeat_length;
        row.chopsize = chopsize;
        row.sync = sync;
        log.add(std::move(row));
    }
    queue_bytes(protocol::encode_frame(header, payload, form), chopsize, sync);
}

void CaseSession::queue_bytes(std::string bytes, std::optional<std::size_t> chopsize, bool sync) {
    if (socket_closed_ || !writes_) return;
    if (std::exchange(next_write_ends_, false))
        writes_->push_final(std::move(bytes));
    else if (chopsize && *chopsize > 0)
        writes_->push_chopped(bytes, *chopsize);
    else
        writes_->push(std::move(bytes), sync);
}

void CaseSession::on_write(std::string_view bytes, bool own_write) {
    auto& log = result_.wirelog;
    log.tx_octets[bytes.size()]++;
    if (state_ != State::connecting) traffic_.outgoing.octets_wire += bytes.size();
    if (log.enabled()) {
        WireRow row;
        row.kind = "TO";
        row.t_us = now_us();
        row.length = bytes.size();
        // While connecting, the one write is the upgrade request: logged without credentials.
        if (state_ == State::connecting)
            row.excerpt = protocol::redact_secrets(bytes).substr(0, WireLog::kExcerptBytes);
        else
            row.excerpt = bytes.substr(0, WireLog::kExcerptBytes);
        row.sync = own_write;
        log.add(std::move(row));
    }
}

void CaseSession::on_write_error(const transport::ErrorCode& ec) {
    if (finished_) return;
    if (close_after_flush_) {
        close_socket();
        finish();
        return;
    }
    note("write: " + ec.message());
    // A reset usually shows up on the read side too; let it end the case there.
}

void CaseSession::on_writes_drained() {
    if (finished_ || !close_after_flush_) return;
    close_after_flush_ = false;
    close_socket();
    finish();
}

void CaseSession::send_frame(FrameSpec f) {
    FrameHeader h{.fin = f.fin, .rsv = f.rsv, .opcode = f.opcode};
    if (f.mask)
        h.mask_key = *f.mask;
    else if (f.wrong_masking)
        h.mask_key = random_mask();
    const Masking masking = f.wrong_masking ? Masking::wrong_for_role
                            : f.mask        ? Masking::given_key
                                            : Masking::role;
    if (f.payload_len) {
        queue_frame(h, repeat_to(f.payload, *f.payload_len), f.chopsize, f.sync, f.length_form,
                    f.payload_len, masking);
    } else {
        queue_frame(h, f.payload, f.chopsize, f.sync, f.length_form, std::nullopt, masking);
    }
}

// ABPY sendMessage: only while open; compressed when deflate was agreed (RSV1 on the first
// frame), then cut into frames of `fragment_size`, else of the auto-fragment size.
void CaseSession::send_message(std::string payload, bool binary,
                               std::optional<std::size_t> fragment_size) {
    if (state_ != State::open) return;
    const std::uint8_t op = binary ? protocol::opcode::binary : protocol::opcode::text;
    traffic_.outgoing.messages++;
    traffic_.outgoing.octets_app += payload.size();
    note_sent(payload.size());
    std::uint8_t first_rsv = 0;
    if (deflate_) {
        std::string compressed;
        deflate_->deflater.compress(payload, compressed);
        payload = std::move(compressed);
        first_rsv = protocol::rsv::rsv1;
    }
    std::size_t size = fragment_size.value_or(auto_fragment_size_);
    if (size == 0 || payload.size() <= size) {
        FrameHeader h{.fin = true, .rsv = first_rsv, .opcode = op};
        queue_frame(h, payload, std::nullopt, false);
        return;
    }
    for (std::size_t i = 0; i < payload.size(); i += size) {
        const bool last = i + size >= payload.size();
        FrameHeader h{.fin = last,
                      .rsv = i == 0 ? first_rsv : std::uint8_t{0},
                      .opcode = i == 0 ? op : protocol::opcode::continuation};
        queue_frame(h, std::string_view(payload).substr(i, size), std::nullopt, false);
    }
}

void CaseSession::send_raw(std::string bytes, std::optional<std::size_t> chopsize, bool sync) {
    // Raw bytes may carry a message over several calls: all of them count.
    raw_bytes_sent_ += bytes.size();
    queue_bytes(std::move(bytes), chopsize, sync);
}

void CaseSession::begin_frame(std::uint8_t opcode, std::uint64_t length) {
    FrameHeader h{.fin = true, .opcode = opcode, .payload_length = length};
    h.masked = !is_server_;
    if (h.masked) h.mask_key = random_mask();
    pending_masked_ = h.masked;
    pending_mask_ = h.mask_key;
    pending_mask_offset_ = 0;
    pending_frame_bytes_ = length;
    note_sent(static_cast<std::size_t>(std::min<std::uint64_t>(length, config_.max_message)));
    result_.wirelog.tx_frames[opcode]++;
    if (result_.wirelog.enabled()) {
        WireRow row = frame_row("TF", now_us(), h, length, {});
        row.text = "header only; payload follows in separate writes";
        result_.wirelog.add(std::move(row));
    }
    std::array<std::byte, protocol::kMaxHeaderSize> head;
    const auto n = protocol::encode_header(h, head);
    queue_bytes(std::string(reinterpret_cast<const char*>(head.data()), n), std::nullopt, true);
}

void CaseSession::send_frame_data(std::string chunk) {
    if (pending_masked_) {
        auto span = std::as_writable_bytes(std::span(chunk.data(), chunk.size()));
        pending_mask_offset_ = protocol::apply_mask(span, pending_mask_, pending_mask_offset_);
    }
    pending_frame_bytes_ -= std::min<std::uint64_t>(pending_frame_bytes_, chunk.size());
    queue_bytes(std::move(chunk), std::nullopt, true);
}

void CaseSession::send_paced(std::function<bool(Session&)> next) {
    pace(std::make_shared<std::function<bool(Session&)>>(std::move(next)));
}

// One step of send_paced(): the next piece, then, once the queue has written it, the step
// after (the queue's action runs between the writes before and after it).
void CaseSession::pace(std::shared_ptr<std::function<bool(Session&)>> next) {
    if (finished_ || state_ != State::open || !writes_) return;
    if (!(*next)(*this)) return;
    writes_->push_action([weak = weak_from_this(), next] {
        if (auto self = weak.lock()) self->pace(next);
    });
}

void CaseSession::pause_reading(Duration delay) {
    delay = config_.timeouts.scaled(delay);
    arm_deadline(delay);
    reading_paused_ = true;
    note("reading paused for " + std::to_string(delay.count()) + " ms");
    auto& timer = new_timer();
    timer.expires_after(delay);
    timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
        if (ec || self->finished_) return;
        self->reading_paused_ = false;
        self->note("reading resumed");
        self->read_more();
    });
}

void CaseSession::send_close(std::optional<std::uint16_t> code, std::optional<std::string> reason) {
    send_close_frame(code, std::move(reason), false);
}

// ---------------------------------------------------------------- timers

// Autobahn's timer rows: `kind` when the timer is set (with its delay), `kind` + "E" when it
// fires; a timer that fires after the connection closed does nothing.
void CaseSession::send_close_and_end(std::uint16_t code) {
    if (state_ != State::open) return;
    next_write_ends_ = true;
    send_close_frame(code, std::nullopt, false);
    next_write_ends_ = false;
    note(stream_ && stream_->tls_session() ? "the close frame and close_notify leave in one write"
                                           : "the close frame is followed by our FIN");
}

bool CaseSession::send_tls_key_update() {
    if (state_ != State::open || tls_version() != "TLSv1.3") return false;
    writes_->push_action([self = shared_from_this()] {
        if (self->stream_ && self->stream_->request_key_update())
            self->note("TLS KeyUpdate (update_requested) before the next record");
    });
    return true;
}

bool CaseSession::start_tls_renegotiation() {
    const auto version = tls_version();
    if (state_ != State::open || version.empty() || version == "TLSv1.3") return false;
    writes_->push_action([self = shared_from_this()] {
        if (self->stream_ && self->stream_->start_renegotiation())
            self->note("TLS renegotiation started (ClientHello sent)");
    });
    return true;
}

std::string CaseSession::tls_version() const {
    const auto* tls = stream_ ? stream_->tls_session() : nullptr;
    return tls ? tls->version : std::string();
}

void CaseSession::start_script_timer(const char* kind, Duration delay, std::string tag,
                                     std::function<void()> on_fire) {
    delay = config_.timeouts.scaled(delay);  // --time-scale
    WireRow row;
    row.kind = kind;
    row.t_us = now_us();
    row.delay_s = delay.count() / 1000.0;
    row.text = tag;
    result_.wirelog.add(std::move(row));
    arm_deadline(delay);
    auto& timer = new_timer();
    timer.expires_after(delay);
    timer.async_wait([self = shared_from_this(), fired = std::string(kind) + "E",
                      tag = std::move(tag),
                      on_fire = std::move(on_fire)](const boost::system::error_code& ec) {
        if (ec || self->finished_ || self->state_ == State::closed) return;
        WireRow row;
        row.kind = fired;
        row.t_us = self->now_us();
        row.text = tag;
        self->result_.wirelog.add(std::move(row));
        on_fire();
    });
}

void CaseSession::continue_later(Duration delay, std::function<void(Session&)> then,
                                 std::string tag) {
    start_script_timer("CT", delay, std::move(tag),
                       [this, then = std::move(then)] { then(*this); });
}

void CaseSession::kill_after(Duration delay) {
    start_script_timer("KL", delay, {},
                       [this] { fail_connection(protocol::close_code::going_away, "Going Away"); });
}

void CaseSession::close_after(Duration delay) {
    start_script_timer("TI", delay, {},
                       [this] { send_close_frame(std::nullopt, std::nullopt, false); });
}

// ---------------------------------------------------------------- expectations

void CaseSession::expect(Behavior behavior, std::vector<Event> events) {
    std::size_t total = 0;
    for (const auto& e : events) {
        largest_expected_ = std::max(largest_expected_, e.data.size());
        total += event_bytes(e);
    }
    expected_bytes_ = std::max(expected_bytes_, total);
    auto& expected = result_.observation.expected;
    for (auto& [b, e] : expected) {
        if (b == behavior) {
            e = std::move(events);
            return;
        }
    }
    expected.emplace_back(behavior, std::move(events));
}

void CaseSession::expect_close(ExpectedClose close) {
    result_.observation.expected_close = std::move(close);
}

// Events are kept up to a budget in bytes (twice what the case expects, at least
// kEventKeepFloor); past it a peer has sent more than any expectation, and the case fails the
// connection (a section-15 probe does not) and only counts and hashes what still comes,
// keeping the last few.
void CaseSession::record(Event event) {
    auto& o = result_.observation;
    const std::size_t bytes = event_bytes(event);
    const std::size_t budget = std::max(kEventKeepFloor, 2 * expected_bytes_);
    if (!dropped_hash_ && received_bytes_ + bytes <= budget) {
        received_bytes_ += bytes;
        o.received.push_back(std::move(event));
        return;
    }
    auto& dropped = o.received_dropped;
    if (!dropped_hash_) {
        dropped_hash_ = std::make_unique<Sha256>();
        note("peer sent more events than the case keeps (" + std::to_string(o.received.size()) +
             " events, " + std::to_string(received_bytes_ / 1024) +
             " KiB): the rest are counted and hashed");
        // A section-15 probe expects a flood back (pongs): it counts them to the end.
        if (state_ == State::open && !test_.can_crash_peer)
            fail_connection(protocol::close_code::policy_violation, "too many messages");
    }
    ++dropped.count;
    dropped.octets += event.data.size() + event.omitted;
    dropped_hash_->update(event.data);
    if (event.data.size() > WireLog::kExcerptBytes) {
        event.omitted += event.data.size() - WireLog::kExcerptBytes;
        event.data.resize(WireLog::kExcerptBytes);
    }
    if (dropped.last.size() == kLastEventsKept) dropped.last.erase(dropped.last.begin());
    dropped.last.push_back(std::move(event));
}

void CaseSession::set_result(Behavior behavior, std::string text) {
    result_.observation.scripted_behavior = behavior;
    result_.observation.scripted_result = std::move(text);
    // Autobahn keeps the traffic statistics of a compression case as they were when it passed.
    if (behavior == Behavior::ok && test_.websocket()->report_compression_ratio)
        result_.traffic = traffic_;
}

void CaseSession::set_wirelog(bool enabled) {
    result_.wirelog.set_enabled(enabled, now_us());
}

std::uint64_t CaseSession::frames_sent(std::uint8_t opcode) const {
    auto it = result_.wirelog.tx_frames.find(opcode);
    return it == result_.wirelog.tx_frames.end() ? 0 : it->second;
}

}  // namespace wsconform::harness
