// The raw-HTTP session that runs one section 14 (opening handshake) case over one TCP
// connection, in either role: testing a server we send the case's request octets and watch
// the answer; testing a client we answer its request with the case's octets and watch what
// it does. Every wait has a deadline and every buffer a cap (HttpTimeouts, kMaxHttpHeadBytes):
// a peer that never answers, answers half a status line or sends headers forever gets a
// verdict within the case deadline.
//
// Internal to the harness (the runner and the fuzzing server start it); cases see only
// harness/http_script.h.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <span>
#include <string>
#include <vector>

#include "harness/case_session.h"
#include "harness/model/case.h"
#include "harness/model/http_script.h"
#include "harness/model/result.h"
#include "harness/running_case.h"
#include "harness/transport/connector.h"
#include "harness/transport/stream.h"
#include "harness/transport/tls_context.h"
#include "harness/transport/write_queue.h"
#include "protocol/frame_parser.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

// Each agent's earlier connections, for the checks that compare a client's connections
// (§4.1: a fresh key per connection; §5.3/§10.3: fresh masking keys). Thread-safe; bounded.
class ClientHistories {
  public:
    static constexpr std::size_t kMaxAgents = 64;
    static constexpr std::size_t kMaxKeys = 4096;    // per agent
    static constexpr std::size_t kMaxMasks = 65536;  // per agent

    ClientHistory snapshot(const std::string& agent) const;
    void add(const std::string& agent, const ClientExchange& exchange);

  private:
    mutable std::mutex mutex_;
    std::map<std::string, ClientHistory> by_agent_;
};

class SideProbe;  // one extra connection of a section 15 probe (http_case.cpp)

class HttpCase final : public RunningCase, public std::enable_shared_from_this<HttpCase> {
  public:
    using Done = std::function<void(CaseResult&&)>;

    HttpCase(boost::asio::io_context& io, const Case& test, SessionConfig config, Done done);
    ~HttpCase();
    HttpCase(const HttpCase&) = delete;
    HttpCase& operator=(const HttpCase&) = delete;

    // Testing a server: connect to `server` and run test.http_server_probe.
    void start_as_client(const transport::ConnectTarget& server, std::string host_header,
                         std::string target) override;
    // Testing a client: `received` holds its request head (the first `head_size` octets) and
    // whatever followed it; run test.http_client_probe.
    void start_as_server(transport::StreamPtr stream, std::string received, std::size_t head_size,
                         std::shared_ptr<ClientHistories> histories);
    // Ends the case now (run stopped): drop TCP, judge what was seen.
    void abort(std::string why) override;

    // The waits this case uses (derived from the session's Timeouts).
    static HttpTimeouts timeouts_for(const Timeouts& t);

    // connect_session()'s hooks (harness/connect.h).
    bool connect_returned();
    void connect_opened(transport::StreamPtr stream);
    void connect_failed(std::string why);

    // transport::WriteQueue's hooks: the wire log of each write, and a failed write.
    void on_write(std::string_view bytes, bool pause_after);
    void on_write_error(const transport::ErrorCode& ec);
    void on_writes_drained() {}

  private:
    enum class Phase {
        connecting,  // testing a server: TCP connect
        head,        // testing a server: waiting for the response head
        early,       // testing a client: its request is in, our answer not yet sent
        websocket,   // after a 101: frames, our message, the echo
        closing,     // we sent a close frame: waiting for the reply and TCP close
        refused,     // testing a server: a non-101 answer; does the server close TCP?
        failing,     // testing a client: an invalid 101 went out; does it drop TCP?
        done,
    };

    std::int64_t now_us() const;
    std::int64_t now_ms() const { return now_us() / 1000; }
    void note(std::string text);
    void arm_phase_timer(std::chrono::milliseconds after, std::function<void()> then);
    void arm_case_deadline(std::chrono::milliseconds budget);
    void attach(transport::StreamPtr stream);
    void on_connected();
    void read_some();
    void on_read(std::size_t n);
    void on_read_error(const boost::system::error_code& ec);
    void on_head_bytes(const char* data, std::size_t n);
    void enter_websocket(std::string leftover);
    void enter_refused(std::string leftover);
    void answer_client();
    void after_answer();
    void feed_frames(char* data, std::size_t n);
    void log_frame(const protocol::FrameHeader& header, std::string_view payload);
    void on_message(bool binary, std::string payload);
    void on_close_frame(std::span<const std::byte> payload);
    void send_text(const std::string& text);
    void send_close(std::uint16_t code);
    std::string frame_bytes(std::uint8_t opcode, std::string_view payload);
    void write(std::vector<std::string> pieces, std::function<void()> then = {});
    void end(HttpEnd how, std::string why);
    void close_connection();
    void finish();
    // Section 15: the probe's extra connections, after (or instead of) the one exchange.
    RequestContext request_context();
    std::chrono::milliseconds side_budget() const;
    void start_side_probe(std::string bytes, std::chrono::milliseconds byte_interval,
                          std::chrono::milliseconds wait,
                          std::function<void(SideConnection&&)> then);
    void after_exchange();
    void check_alive();
    void run_slowloris();
    void run_timings(std::size_t step);
    void send_follow_up();
    void on_follow_up_bytes();

    boost::asio::io_context& io_;
    const Case& test_;
    SessionConfig config_;
    Done done_;
    HttpTimeouts timeouts_;
    transport::StreamPtr stream_;
    std::shared_ptr<transport::PendingConnect> connecting_;
    std::shared_ptr<transport::WriteQueue> writes_;
    boost::asio::steady_timer deadline_;
    boost::asio::steady_timer phase_timer_;
    boost::asio::steady_timer head_timer_;
    std::chrono::steady_clock::time_point started_at_;
    std::mt19937_64 rng_;

    bool is_server_ = false;  // we play the server (testing a client)
    Phase phase_ = Phase::connecting;
    bool finished_ = false;
    bool socket_closed_ = false;
    std::uint64_t phase_generation_ = 0;  // a phase timer from an earlier phase is stale

    std::string host_header_, target_;
    std::string connect_error_;
    transport::ConnectTarget server_;  // testing a server: where side probes connect
    bool exchange_over_ = false;       // the one exchange ended; side probes may run
    std::vector<std::shared_ptr<SideProbe>> side_probes_;
    std::size_t slow_pending_ = 0;
    std::vector<std::vector<std::int64_t>> timing_us_;  // per size
    std::string follow_up_buffer_;                      // octets after the refusal (capped)

    std::array<char, 16 * 1024> read_buffer_{};
    std::string head_buffer_;
    std::string early_buffer_;  // testing a client: octets before our answer (capped)
    protocol::FrameParser parser_;
    std::string message_;
    bool message_overflow_ = false;
    std::size_t frame_start_ = 0;  // where the current frame's payload starts in message_
    std::unique_ptr<protocol::Inflater> inflater_;
    std::string control_payload_;

    ServerExchange sx_;
    ClientExchange cx_;
    ClientHistory history_before_;
    std::shared_ptr<ClientHistories> histories_;
    bool head_timed_out_ = false;
    std::string harness_error_;

    CaseResult result_;
};

// The result of a handshake case that has no script for the role being tested (testing a
// server: a case for clients, and the reverse): both columns UNIMPLEMENTED, no connection.
CaseResult not_applicable_result(const Case& test, const SessionConfig& config, bool is_server,
                                 const std::string& why = {});
// Section 16, testing a client: it refused the certificate the case presented (a pass), with
// the TLS error and what its ClientHello said.
CaseResult certificate_refused_result(const Case& test, const SessionConfig& config,
                                      const std::string& error,
                                      const transport::ClientHelloInfo& hello);
// The same with the sentence itself: `text` says why (both columns' sentence and the wire log's
// note), `reason` is the outcome's one-line reason.
CaseResult not_applicable_result(const Case& test, const SessionConfig& config, bool is_server,
                                 const std::string& text, const std::string& reason);

}  // namespace wsconform::harness
