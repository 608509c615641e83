// The Session that drives one case over one connection (any transport), as a strict RFC 6455
// endpoint with Autobahn|Python's close bookkeeping (closedByMe, droppedByMe, wasClean ...).
// Internal to the harness: it includes Asio, cases never see it.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "harness/model/session.h"
#include "harness/model/timeouts.h"
#include "harness/running_case.h"
#include "harness/transport/connector.h"
#include "harness/transport/h2_session.h"
#include "harness/transport/stream.h"
#include "harness/transport/write_queue.h"
#include "protocol/frame_parser.h"
#include "protocol/permessage_deflate.h"
#include "protocol/utf8.h"

namespace wsconform::harness {

struct SessionConfig {
    std::string agent;
    int case_number = 0;
    Timeouts timeouts;
    std::size_t max_message = 64u << 20;
    // Extra request headers ("Name: value") when we are the client.
    std::vector<std::string> extra_headers;
    // Section 15's thresholds (harness/model/limits.h).
    LimitThresholds limits;
};

class CaseSession final : public Session,
                          public RunningCase,
                          public std::enable_shared_from_this<CaseSession> {
  public:
    using Done = std::function<void(CaseResult&&)>;

    CaseSession(boost::asio::io_context& io, const Case& test, SessionConfig config, Done done);
    ~CaseSession() override;

    // Testing a server: connect to `server`, send the upgrade request, run the case.
    void start_as_client(const transport::ConnectTarget& server, std::string host_header,
                         std::string target) override;
    // Testing a client: the upgrade is already done on `stream` (request and our 101 response
    // given as text); `leftover` are bytes that arrived after the request.
    void start_as_server(transport::StreamPtr stream, std::string request, std::string response,
                         std::string leftover,
                         std::optional<protocol::DeflateParams> deflate = std::nullopt);
    // Ends the case now (run timeout or Ctrl-C): drop TCP, judge what was seen.
    void abort(std::string why) override;

    // Session
    void send_frame(FrameSpec frame) override;
    void send_message(std::string payload, bool binary,
                      std::optional<std::size_t> fragment_size) override;
    void send_raw(std::string bytes, std::optional<std::size_t> chopsize, bool sync) override;
    void begin_frame(std::uint8_t opcode, std::uint64_t length) override;
    void send_frame_data(std::string chunk) override;
    void send_close(std::optional<std::uint16_t> code, std::optional<std::string> reason) override;
    void set_auto_fragment_size(std::size_t size) override { auto_fragment_size_ = size; }
    void send_close_and_end(std::uint16_t code) override;
    bool send_tls_key_update() override;
    bool start_tls_renegotiation() override;
    std::string tls_version() const override;
    void continue_later(Duration delay, std::function<void(Session&)> then,
                        std::string tag) override;
    void kill_after(Duration delay) override;
    void close_after(Duration delay) override;
    bool is_open() const override { return state_ == State::open; }
    bool is_server() const override { return is_server_; }
    bool deflate_negotiated() const override { return deflate_ != nullptr; }
    void expect(Behavior behavior, std::vector<Event> events) override;
    void expect_close(ExpectedClose close) override;
    void record(Event event) override;
    void set_result(Behavior behavior, std::string text) override;
    void set_wirelog(bool enabled) override;
    std::uint64_t frames_sent(std::uint8_t opcode) const override;
    const LimitThresholds& limits() const override { return config_.limits; }
    void send_paced(std::function<bool(Session&)> next) override;
    void pause_reading(Duration delay) override;

    // connect_session()'s hooks (harness/connect.h).
    bool connect_returned();
    void connect_opened(transport::StreamPtr stream);
    void connect_failed(std::string why);

    // transport::WriteQueue's hooks: the wire log and octet counts of each write, a failed
    // write, and the queue running empty (a close that waited for our last bytes).
    void on_write(std::string_view bytes, bool own_write);
    void on_write_error(const transport::ErrorCode& ec);
    void on_writes_drained();

  private:
    enum class State { connecting, open, closing, closed };

    std::int64_t now_us() const;
    void arm_deadline(Duration from_now);
    void attach(transport::StreamPtr stream);
    void note_tls_at_open();
    std::vector<std::string> request_headers() const;
    void on_connected();
    void arm_open_handshake_timer();
    void read_handshake_response();
    bool accept_extensions(const std::vector<protocol::Extension>& extensions);
    void open_over_h2(transport::StreamPtr connection);
    void on_h2_response(const transport::ErrorCode& ec, transport::H2StreamPtr stream,
                        const protocol::H2Fields& response);
    void on_open();
    void enable_deflate(const protocol::DeflateParams& agreed);
    void read_more();
    std::string end_of_input(const transport::ErrorCode& ec) const;
    std::string h2_connection_end() const;  // hostile h2 peers: GOAWAY or not
    void pace(std::shared_ptr<std::function<bool(Session&)>> next);
    void on_bytes(std::size_t n);
    void handle_frame_end(const protocol::FrameParser::Event& ev);
    void on_message_complete(bool binary);
    void take_message_bytes(std::string_view bytes);
    std::size_t message_keep_bytes() const;
    void note_sent(std::size_t message_bytes);
    void on_close_frame(std::optional<std::uint16_t> code, std::optional<std::string> reason);
    void finish_when_done();

    // How a frame we send is masked: as our role must (a fresh key when we are the client),
    // with the case's key, or the way our role must not (section 18).
    enum class Masking { role, given_key, wrong_for_role };
    void queue_frame(const protocol::FrameHeader& header, std::string_view payload,
                     std::optional<std::size_t> chopsize, bool sync,
                     protocol::LengthForm form = protocol::LengthForm::minimal,
                     std::optional<std::uint64_t> repeat_length = std::nullopt,
                     Masking masking = Masking::role);
    void queue_bytes(std::string bytes, std::optional<std::size_t> chopsize, bool sync);
    void send_close_frame(std::optional<std::uint16_t> code, std::optional<std::string> reason,
                          bool is_reply);
    void fail_connection(std::uint16_t code, std::string reason);
    void drop_connection(bool abortive);
    void drop_after(boost::asio::steady_timer& timer, Duration delay, void (*why)(CaseSession&));
    void close_socket(bool abortive = false);
    void connection_lost(std::string why);
    void finish();
    void note(std::string text);
    void note_lenient_deflate_response(const std::vector<std::string>& omitted);
    protocol::MaskKey random_mask();
    boost::asio::steady_timer& new_timer();
    void start_script_timer(const char* kind, Duration delay, std::string tag,
                            std::function<void()> on_fire);

    boost::asio::io_context& io_;
    const Case& test_;
    SessionConfig config_;
    Done done_;
    transport::StreamPtr stream_;
    // Over HTTP/2 (RFC 8441): the connection the case's WebSocket stream runs on.
    bool over_h2_ = false;
    std::shared_ptr<transport::H2Session> h2_;
    bool next_write_ends_ = false;  // send_close_and_end(): the close frame's write
    bool connect_timed_out_ = false;
    std::shared_ptr<transport::PendingConnect> connecting_;
    std::shared_ptr<transport::WriteQueue> writes_;
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer close_handshake_timer_;
    boost::asio::steady_timer drop_timer_;
    std::vector<std::unique_ptr<boost::asio::steady_timer>> timers_;
    std::chrono::steady_clock::time_point started_at_;
    std::chrono::steady_clock::time_point opened_at_;
    std::chrono::steady_clock::time_point deadline_at_;
    std::mt19937_64 rng_;

    State state_ = State::connecting;
    bool is_server_ = false;
    bool finished_ = false;
    bool socket_closed_ = false;
    bool reading_ = false;
    bool reading_paused_ = false;  // pause_reading()
    bool close_after_flush_ = false;

    std::string host_header_, target_, key_;
    std::string handshake_buffer_;

    std::vector<std::byte> read_buffer_;
    protocol::FrameParser parser_;
    bool parser_failed_ = false;
    // The message coming in: its first message_keep_bytes() octets; past them, a SHA-256 of
    // the whole (message_hash_) and its size, so a peer's large message costs no memory.
    std::string message_;
    std::uint64_t message_size_ = 0;
    struct Sha256;
    std::unique_ptr<Sha256> message_hash_;
    protocol::Utf8Validator message_utf8_;  // a compressed text message, as it inflates
    bool message_overflow_ = false;
    bool message_compressed_ = false;
    // What the case can need of the peer's messages: the largest we sent (an echo comes back
    // as large) and the largest and the total of what it expects.
    std::size_t largest_sent_ = 0, sending_message_ = 0, raw_bytes_sent_ = 0;
    std::size_t largest_expected_ = 0, expected_bytes_ = 0;
    // Events recorded so far, in bytes, and the digest of those past the case's budget.
    std::size_t received_bytes_ = 0;
    std::unique_ptr<Sha256> dropped_hash_;
    TrafficStats traffic_;
    std::string frame_excerpt_;
    std::size_t auto_fragment_size_ = 0;
    std::uint64_t pending_frame_bytes_ = 0;  // begin_frame(): payload bytes still to send
    protocol::MaskKey pending_mask_{};
    std::size_t pending_mask_offset_ = 0;
    bool pending_masked_ = false;

    // permessage-deflate state, when agreed (defined in the .cpp).
    struct DeflateState;
    std::unique_ptr<DeflateState> deflate_;

    CaseResult result_;
};

}  // namespace wsconform::harness
