// Section 17, testing a client: the HTTP/2 connection a client case needs of its own (its
// SETTINGS delayed, without ENABLE_CONNECT_PROTOCOL, with it 0, or changed to 0 or 2 once the
// WebSocket echoed: harness/model/h2_client_script.h). The client-testing server hands it the
// connection its prediction gave the case; the frames are written here (protocol/h2_frame.h),
// not by nghttp2, which refuses to send a 2 or a change from 1 to 0. Every frame both ways goes
// to the wire log with its time; the judge gets what the client did. Also the HPACK decoder
// both section 17 sessions use (nghttp2's inflater).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/case_session.h"
#include "harness/model/case.h"
#include "harness/model/h2_client_script.h"
#include "harness/running_case.h"
#include "harness/transport/stream.h"
#include "protocol/frame_parser.h"
#include "protocol/h2_frame.h"

typedef struct nghttp2_hd_inflater nghttp2_hd_inflater;

namespace wsconform::harness {

// nghttp2's HPACK decoder: the peer's header blocks, in the order they came (one dynamic table
// per connection).
class HpackInflater {
  public:
    HpackInflater();
    ~HpackInflater();
    HpackInflater(const HpackInflater&) = delete;
    HpackInflater& operator=(const HpackInflater&) = delete;

    // The fields of one whole header block, or nothing when it does not decode.
    std::optional<protocol::H2Fields> decode(std::string_view block);

  private:
    nghttp2_hd_inflater* inflater_ = nullptr;
};

class H2ClientCase final : public RunningCase, public std::enable_shared_from_this<H2ClientCase> {
  public:
    // `is_this_case`: whether an extended CONNECT's :path asks for this case (/runCase); the
    // caller may take it as the case being asked for. `prepares_this_case`: whether a GET's
    // :path is this case's /prepareCase (a browser's driver opening the connection, answered
    // "wsconform-connection: ready"; any other request gets 421).
    H2ClientCase(boost::asio::io_context& io, const Case& test, const H2ClientProbe& probe,
                 SessionConfig config, std::function<bool(std::string_view path)> is_this_case,
                 std::function<bool(std::string_view path)> prepares_this_case, Done done);
    ~H2ClientCase() override;

    // Serves the connection `stream`; `preread`: what was read of it (the client preface, and
    // whatever followed).
    void start_as_server(transport::StreamPtr stream, std::string preread);
    // Not for testing servers (the runner never starts one so): ends at once.
    void start_as_client(const transport::ConnectTarget&, std::string, std::string) override;
    void abort(std::string why) override;
    // A /runCase for this case came over HTTP/1.1 while its HTTP/2 connection was open.
    void fell_back();

  private:
    enum class Phase { settings_delay, request, window_held, echo, after_change, closing, done };

    std::int64_t now_ms() const;
    void note(std::string text);
    void trace(std::string text);  // a NOTE that retells traffic (WireRow::trace)
    void write(std::string bytes);
    void flush();
    void send_frame(const protocol::h2::Frame& frame);
    void send_settings(const protocol::h2::Settings& settings, const char* why);
    // Frames that answer the client's requests: they wait for our first SETTINGS, which must
    // be the first frame we send (RFC 9113 §3.4). True when the frame waits.
    bool send_answer(const protocol::h2::Frame& frame);
    void read();
    void on_frame(const protocol::h2::Frame& frame);
    void on_header_block(const protocol::h2::HeaderBlock& block);
    void on_request(std::uint32_t stream, protocol::H2Fields fields);
    void on_data(const protocol::h2::Frame& frame);
    void on_websocket(std::string bytes);
    void send_text(std::string text);
    void send_close();
    void after_echo();
    void wait(Phase phase, std::chrono::milliseconds how_long);
    void on_timeout();
    void finish(std::string why = {});
    void fail_connection(std::string why,
                         std::uint32_t goaway_code = protocol::h2::error::protocol_error);

    boost::asio::io_context& io_;
    const Case& test_;
    const H2ClientProbe& probe_;
    SessionConfig config_;
    std::function<bool(std::string_view)> is_this_case_, prepares_this_case_;
    Done done_;
    transport::StreamPtr stream_;
    boost::asio::steady_timer timer_;
    std::chrono::steady_clock::time_point started_;
    CaseResult result_;
    H2ClientExchange x_;
    Phase phase_ = Phase::request;
    protocol::h2::FrameReader reader_;
    HpackInflater hpack_;
    protocol::h2::HeaderBlockAssembler headers_;
    std::uint32_t ws_stream_ = 0;            // the case's WebSocket (0: none yet)
    protocol::h2::ReceiveWindow ws_window_;  // what the client may still send on ws_stream_
    std::uint32_t goaway_code_ = protocol::h2::error::no_error;  // our GOAWAY at the end
    protocol::FrameParser parser_{protocol::ParserOptions{.role = protocol::Role::server}};
    std::string message_;
    bool binary_ = false;
    std::string pending_, writing_;
    bool write_busy_ = false, closed_ = false, settings_sent_ = false;
    int acks_ = 0;                                   // the client's ACKs of our SETTINGS
    int acks_owed_ = 0;                              // the client's SETTINGS that came before ours
    std::vector<protocol::h2::Frame> held_answers_;  // until our SETTINGS are out
    std::size_t data_logged_ = 0;
};

}  // namespace wsconform::harness
