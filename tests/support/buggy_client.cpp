#include "tests/support/buggy_client.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <charconv>
#include <chrono>
#include <random>
#include <span>
#include <thread>

#include "protocol/close.h"
#include "protocol/error.h"
#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/h2_headers.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"
#include "protocol/utf8.h"
#include "tests/support/enum_names.h"
#include "tests/support/h2_pipe.h"
#include "tests/support/socket.h"

namespace wsconform::test_support {

// The names of ClientBug's values, in their order (tests/support/enum_names.h).
constexpr std::array<std::string_view, 4> kClientBugNames{"none", "unmasked",
                                                          "skip_utf8_validation", "no_close_reply"};

std::string_view to_string(ClientBug bug) noexcept {
    return name_in<ClientBug::no_close_reply>(kClientBugNames, bug);
}

std::optional<ClientBug> client_bug_from_string(std::string_view name) noexcept {
    return value_named<ClientBug>(kClientBugNames, name);
}

namespace {

using std::chrono::milliseconds;

constexpr std::size_t kMaxHead = 16 * 1024;
constexpr std::size_t kMaxErrorBody = 64 * 1024;

// A fresh masking key for each frame a client sends (RFC 6455 5.3).
protocol::MaskKey random_key(std::mt19937_64& rng) {
    const auto r = rng();
    protocol::MaskKey key;
    for (int i = 0; i < 4; ++i) key[i] = static_cast<std::uint8_t>(r >> (8 * i));
    return key;
}

// The WebSocket part of a connection, after the 101 (or over HTTP/2 the 2xx): `Pipe` is a
// Socket, or an H2Pipe (the WebSocket's stream).
template <class Pipe>
class Conversation {
  public:
    // `deflate`: the agreed permessage-deflate parameters, if any.
    Conversation(Pipe& socket, ClientBug bug, const ClientOptions& options,
                 Clock::time_point deadline, Exchange& out,
                 const std::optional<protocol::DeflateParams>& deflate)
        : socket_(socket),
          bug_(bug),
          options_(options),
          deadline_(deadline),
          out_(out),
          rng_(std::random_device{}()),
          parser_({.role = protocol::Role::client,
                   .permessage_deflate = deflate.has_value(),
                   .validate_utf8 = bug != ClientBug::skip_utf8_validation,
                   .close_code_policy = protocol::CloseCodePolicy::rfc,
                   .max_frame_payload = options.max_message,
                   .max_message_payload = options.max_message}) {
        if (!deflate) return;
        const auto settings = protocol::deflate_settings(*deflate, false);
        deflater_ = std::make_unique<protocol::Deflater>(settings.send_window_bits,
                                                         settings.send_no_context_takeover);
        inflater_ = std::make_unique<protocol::Inflater>(settings.receive_window_bits,
                                                         settings.receive_no_context_takeover,
                                                         options.max_message);
    }

    void run(std::string pending) {
        for (;;) {
            if (!pending.empty() && !done_reading_frames()) on_bytes(pending);
            pending.clear();
            const auto until = linger_until_ ? std::min(*linger_until_, deadline_) : deadline_;
            const auto r = socket_.read_some(pending, until);
            if (r == Socket::Read::eof) {
                out_.server_dropped_tcp = true;
                return;
            }
            if (r == Socket::Read::timeout) {
                if (!linger_until_) out_.error = "timed out";
                return;  // the server did not drop TCP after the closing handshake: we do
            }
        }
    }

  private:
    bool done_reading_frames() const { return failed_ || out_.close_received; }

    void send(std::uint8_t opcode, std::string_view payload, std::uint8_t rsv = 0) {
        if (write_failed_) return;
        const bool masked = bug_ != ClientBug::unmasked;
        const auto frame =
            protocol::encode_frame({.fin = true,
                                    .rsv = rsv,
                                    .opcode = opcode,
                                    .masked = masked,
                                    .mask_key = masked ? random_key(rng_) : protocol::MaskKey{}},
                                   payload);
        if (!socket_.write_all(frame, deadline_)) write_failed_ = true;
    }

    void start_linger() { linger_until_ = Clock::now() + milliseconds(options_.linger_ms); }

    // RFC 6455 7.1.7: _Fail the WebSocket Connection_ with the code 7.4.1 asks for, then wait
    // for the server's Close and its TCP drop (bytes after the violation are not parsed).
    void fail(std::uint16_t code) {
        failed_ = true;
        out_.failed_with = code;
        if (!out_.close_sent) {
            out_.close_sent = true;
            send(protocol::opcode::close, protocol::build_close_payload(code));
        }
        start_linger();
    }

    void on_bytes(std::string& bytes) {
        std::span<std::byte> input(reinterpret_cast<std::byte*>(bytes.data()), bytes.size());
        while (!done_reading_frames()) {
            const auto ev = parser_.next(input);
            switch (ev.status) {
                case protocol::FrameParser::Status::need_more:
                    return;
                case protocol::FrameParser::Status::header:
                    if (ev.header.opcode == protocol::opcode::text ||
                        ev.header.opcode == protocol::opcode::binary)
                        compressed_ = (ev.header.rsv & protocol::rsv::rsv1) != 0;
                    break;
                case protocol::FrameParser::Status::payload:
                    if (compressed_) {
                        // Bounded by options_.max_message: a bomb gets inflate_limit_exceeded.
                        if (auto err = inflater_->feed(ev.payload, message_)) {
                            fail(protocol::close_code_for(err));
                            return;
                        }
                    } else {
                        message_.append(reinterpret_cast<const char*>(ev.payload.data()),
                                        ev.payload.size());
                    }
                    break;
                case protocol::FrameParser::Status::frame_end:
                    on_frame_end(ev);
                    break;
                case protocol::FrameParser::Status::error:
                    fail(protocol::close_code_for(ev.error));
                    return;
            }
        }
    }

    void on_frame_end(const protocol::FrameParser::Event& ev) {
        const std::string_view control(reinterpret_cast<const char*>(ev.payload.data()),
                                       ev.payload.size());
        switch (ev.header.opcode) {
            case protocol::opcode::ping:
                send(protocol::opcode::pong, control);
                return;
            case protocol::opcode::pong:
                return;
            case protocol::opcode::close: {
                // The parser judged the payload already (length 1, code, UTF-8 of the reason
                // unless that check is the planted bug).
                out_.close_received = true;
                std::optional<std::uint16_t> code;
                if (control.size() >= 2)
                    code =
                        static_cast<std::uint16_t>((static_cast<unsigned char>(control[0]) << 8) |
                                                   static_cast<unsigned char>(control[1]));
                out_.close_code = code;
                // RFC 6455 5.5.1: answer with a Close, echoing the status code; then the server
                // drops TCP (7.1.1). Frames after the Close are not looked at.
                if (!out_.close_sent && bug_ != ClientBug::no_close_reply) {
                    out_.close_sent = true;
                    send(protocol::opcode::close, protocol::build_close_payload(code));
                }
                start_linger();
                return;
            }
            default:
                break;
        }
        if (options_.max_fragments && ++fragments_ > options_.max_fragments) {
            fail(protocol::close_code::message_too_big);
            return;
        }
        if (!ev.message_end) return;
        fragments_ = 0;
        if (compressed_) {
            // Compressed text can only be checked once inflated (the parser checks the rest).
            auto err = inflater_->finish_message(message_);
            if (!err && ev.message_opcode == protocol::opcode::text &&
                bug_ != ClientBug::skip_utf8_validation && !protocol::is_valid_utf8(message_))
                err = protocol::Error::invalid_utf8;
            if (err) {
                fail(protocol::close_code_for(err));
                return;
            }
        }
        if (ev.message_opcode == protocol::opcode::text) out_.texts.push_back(message_);
        if (deflater_) {
            std::string compressed;
            deflater_->compress(message_, compressed);
            send(ev.message_opcode, compressed, protocol::rsv::rsv1);
        } else {
            send(ev.message_opcode, message_);
        }
        message_.clear();
    }

    Pipe& socket_;
    ClientBug bug_;
    const ClientOptions& options_;
    Clock::time_point deadline_;
    Exchange& out_;
    std::mt19937_64 rng_;
    protocol::FrameParser parser_;
    std::unique_ptr<protocol::Deflater> deflater_;  // set when permessage-deflate was agreed
    std::unique_ptr<protocol::Inflater> inflater_;
    std::string message_;
    bool compressed_ = false;    // the current message arrived with RSV1
    std::size_t fragments_ = 0;  // data frames of the current message so far
    bool failed_ = false;
    bool write_failed_ = false;
    std::optional<Clock::time_point> linger_until_;
};

std::optional<std::string> single_text(const Exchange& e) {
    if (!e.opened() || e.texts.size() != 1) return std::nullopt;
    return e.texts.front();
}

// Our request's header lines; the deflate offer is one bare alternative (so a response may not
// set our window: RFC 7692 7.1.2.2).
const protocol::DeflateParams kOffer;
std::vector<std::string> request_headers(const ClientOptions& options) {
    std::vector<std::string> headers{"User-Agent: wsconform-test-client"};
    if (options.offer_deflate)
        headers.push_back("Sec-WebSocket-Extensions: " +
                          protocol::format_deflate_offer(std::span(&kOffer, 1)));
    return headers;
}

// RFC 7692 7: a response that does not fit the offer fails the connection (we close it).
bool agree_deflate(const std::vector<protocol::Extension>& extensions, Exchange& out,
                   std::optional<protocol::DeflateParams>& agreed) {
    for (const auto& ext : extensions) {
        protocol::DeflateParams params;
        if (auto ec = protocol::check_deflate_response(ext, std::span(&kOffer, 1), params)) {
            out.rejected_response = true;
            out.error = "bad permessage-deflate response: " + ec.message();
            return false;
        }
        agreed = params;
    }
    return true;
}

std::vector<std::string> offered_names(const ClientOptions& options) {
    std::vector<std::string> names;
    if (options.offer_deflate) names.emplace_back(protocol::kPermessageDeflate);
    return names;
}

// After the response: its judgment (`bad_response`), the deflate agreement, then the
// WebSocket until it ends.
template <class Pipe>
void converse(Pipe& pipe, std::error_code bad_response, std::string_view what,
              const std::vector<protocol::Extension>& extensions, ClientBug bug,
              const ClientOptions& options, Clock::time_point deadline, Exchange& out,
              std::string pending) {
    if (bad_response) {
        out.rejected_response = true;
        out.error = std::string(what) + bad_response.message();
        return;
    }
    std::optional<protocol::DeflateParams> agreed;
    if (!agree_deflate(extensions, out, agreed)) return;
    Conversation conversation(pipe, bug, options, deadline, out, agreed);
    conversation.run(std::move(pending));
}

}  // namespace

BuggyClient::BuggyClient(std::uint16_t port, ClientBug bug, ClientOptions options)
    : port_(port), bug_(bug), options_(std::move(options)) {}

Exchange BuggyClient::open(const std::string& target) const {
    if (options_.http2) return open_h2(target);
    Exchange out;
    const auto deadline = Clock::now() + milliseconds(options_.timeout_ms);
    const int fd = connect_loopback(port_, deadline, out.error);
    if (fd < 0) return out;
    Socket socket(fd);

    std::mt19937_64 rng(std::random_device{}());
    std::array<std::uint8_t, 16> nonce;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rng());
    const auto key = protocol::make_key(nonce);
    const std::string host =
        options_.host_header.empty() ? "127.0.0.1:" + std::to_string(port_) : options_.host_header;
    const auto headers = request_headers(options_);
    if (!socket.write_all(protocol::build_upgrade_request(host, target, key, headers), deadline)) {
        out.error = "could not send the upgrade request";
        return out;
    }

    std::string buffer;
    protocol::HttpMessage response;
    protocol::HttpParse parsed;
    for (;;) {
        const auto r = socket.read_some(buffer, deadline);
        parsed = protocol::parse_http_head(buffer, false, response, kMaxHead);
        if (parsed.status != protocol::HttpParse::Status::need_more) break;
        if (r != Socket::Read::data) {
            out.http_response = buffer;
            out.error = r == Socket::Read::eof ? "connection closed before a response"
                                               : "timed out waiting for a response";
            return out;
        }
    }
    if (parsed.status == protocol::HttpParse::Status::error) {
        out.http_response = buffer.substr(0, kMaxHead);
        out.rejected_response = true;
        out.error = "malformed response: " + parsed.error.message();
        return out;
    }
    out.http_status = response.status;
    if (response.status != 101) {
        // The body, until the server closes (it always sends Connection: close).
        const auto body_deadline = std::min(deadline, Clock::now() + milliseconds(2000));
        while (buffer.size() < kMaxHead + kMaxErrorBody &&
               socket.read_some(buffer, body_deadline) == Socket::Read::data) {
        }
        out.http_response = std::move(buffer);
        out.server_dropped_tcp = true;
        return out;
    }
    out.http_response = buffer.substr(0, parsed.consumed);
    protocol::UpgradeResponse info;
    const auto ec =
        protocol::check_upgrade_response(response, key, {}, offered_names(options_), info);
    converse(socket, ec, "bad 101 response: ", info.extensions, bug_, options_, deadline, out,
             buffer.substr(parsed.consumed));
    return out;
}

// RFC 8441: the extended CONNECT on a connection of its own, once the server's SETTINGS allow
// it (at once with the planted connect_before_settings); a 2xx opens the WebSocket.
Exchange BuggyClient::open_h2(const std::string& target) const {
    Exchange out;
    out.over_h2 = true;
    const auto deadline = Clock::now() + milliseconds(options_.timeout_ms);
    H2Pipe pipe({.port = port_,
                 .tls = options_.tls,
                 .ca_file = options_.ca_file,
                 .wait_for_settings = !options_.connect_before_settings});
    const std::string authority =
        options_.host_header.empty()
            ? (options_.tls ? "localhost:" : "127.0.0.1:") + std::to_string(port_)
            : options_.host_header;
    protocol::H2Fields response;
    if (!pipe.open(protocol::build_extended_connect(options_.tls ? "https" : "http", authority,
                                                    target, request_headers(options_)),
                   deadline, response, out.error)) {
        // No extended CONNECT where the SETTINGS forbid it (section 17.6), or a certificate
        // we refused (section 16.1): the client doing its job, not the server failing it.
        out.rejected_response = pipe.not_offered() || pipe.certificate_refused();
        return out;
    }
    out.http_response = protocol::format_fields(response);
    const auto status = protocol::find_field(response, ":status").value_or("");
    std::from_chars(status.data(), status.data() + status.size(), out.http_status);
    if (!out.opened()) {
        out.server_dropped_tcp = true;
        return out;
    }
    protocol::UpgradeResponse info;
    const auto ec =
        protocol::check_extended_connect_response(response, {}, offered_names(options_), info);
    converse(pipe, ec, "bad response to the extended CONNECT: ", info.extensions, bug_, options_,
             deadline, out, {});
    return out;
}

std::optional<int> BuggyClient::case_count() const {
    const auto text = single_text(open("/getCaseCount"));
    if (!text) return std::nullopt;
    try {
        std::size_t used = 0;
        const int n = std::stoi(*text, &used);
        if (used != text->size()) return std::nullopt;
        return n;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Exchange BuggyClient::run_case(int number, std::string_view agent) const {
    return open(run_case_target(number, agent));
}

Exchange BuggyClient::run_case(std::string_view id, std::string_view agent) const {
    return open(run_case_target(id, agent));
}

std::optional<std::string> BuggyClient::case_info(int number) const {
    return single_text(open("/getCaseInfo?case=" + std::to_string(number)));
}

std::optional<std::string> BuggyClient::case_status(int number, std::string_view agent) const {
    return single_text(
        open("/getCaseStatus?case=" + std::to_string(number) + "&agent=" + percent_encode(agent)));
}

bool BuggyClient::update_reports(std::string_view agent, bool shutdown_on_complete) const {
    const auto e = open("/updateReports?agent=" + percent_encode(agent) +
                        (shutdown_on_complete ? "&shutdownOnComplete=true" : ""));
    return e.opened() && e.close_received;
}

bool BuggyClient::stop_server() const {
    const auto e = open("/stopServer");
    return e.opened() && e.close_received;
}

std::vector<Exchange> BuggyClient::open_all(const std::vector<std::string>& targets,
                                            unsigned parallel) const {
    std::vector<Exchange> results(targets.size());
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> workers;
    const unsigned n = std::max(1u, std::min<unsigned>(parallel, targets.size()));
    for (unsigned w = 0; w < n; ++w) {
        workers.emplace_back([&] {
            for (std::size_t i = next++; i < targets.size(); i = next++)
                results[i] = open(targets[i]);
        });
    }
    for (auto& t : workers) t.join();
    return results;
}

std::string percent_encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                                (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                c == '~';
        if (unreserved) {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

std::string run_case_target(int number, std::string_view agent) {
    return "/runCase?case=" + std::to_string(number) + "&agent=" + percent_encode(agent);
}

std::string run_case_target(std::string_view id, std::string_view agent) {
    return "/runCase?casetuple=" + percent_encode(id) + "&agent=" + percent_encode(agent);
}

RawReply raw_exchange(std::uint16_t port, std::string_view bytes, unsigned timeout_ms) {
    RawReply reply;
    const auto deadline = Clock::now() + milliseconds(timeout_ms);
    std::string error;
    const int fd = connect_loopback(port, deadline, error);
    if (fd < 0) return reply;
    Socket socket(fd);
    reply.connected = true;
    // The server may answer (and close) before it has read everything: keep what it said.
    socket.write_all(bytes, deadline);
    for (;;) {
        const auto r = socket.read_some(reply.bytes, deadline);
        if (r == Socket::Read::eof) break;
        if (r == Socket::Read::timeout) {
            reply.timed_out = true;
            break;
        }
    }
    return reply;
}

}  // namespace wsconform::test_support
