#include "harness/fuzzing_server_impl.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <mutex>
#include <set>
#include <system_error>

#include "harness/case_session.h"
#include "harness/h2_client_case.h"
#include "harness/http_case.h"
#include "harness/runner.h"
#include "harness/running_case.h"
#include "harness/transport/h2_session.h"
#include "harness/transport/linger.h"
#include "harness/transport/listener.h"
#include "harness/transport/tls_context.h"
#include "protocol/close.h"
#include "protocol/frame.h"
#include "protocol/h2_headers.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::harness {

namespace asio = boost::asio;

namespace {

std::string percent_decode(std::string_view in) {
    std::string out;
    out.reserve(in.size());
    for (std::size_t i = 0; i < in.size(); ++i) {
        if (in[i] == '+') {
            out.push_back(' ');
        } else if (in[i] == '%' && i + 2 < in.size()) {
            unsigned value = 0;
            auto [p, ec] = std::from_chars(in.data() + i + 1, in.data() + i + 3, value, 16);
            if (ec == std::errc{} && p == in.data() + i + 3) {
                out.push_back(static_cast<char>(value));
                i += 2;
            } else {
                out.push_back('%');
            }
        } else {
            out.push_back(in[i]);
        }
    }
    return out;
}

std::string frame_bytes(std::uint8_t opcode, std::string_view payload) {
    return protocol::encode_frame({.fin = true, .opcode = opcode}, payload);
}

// A JSON string, for the small bodies of /getCaseInfo and /getCaseStatus.
std::string json_string(std::string_view s) {
    return nlohmann::json(std::string(s))
        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The client preface of HTTP/2 (RFC 9113 §3.4): with --http2, a connection that starts with
// it is an HTTP/2 connection (h2c with prior knowledge, or h2 after ALPN).
constexpr std::string_view kH2Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::string http_error(int status, std::string_view reason, std::string_view body) {
    std::string out = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) + "\r\n";
    out += "Content-Type: text/plain\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size() + 1) + "\r\n\r\n" + std::string(body) + "\n";
    return out;
}

}  // namespace

RequestTarget split_request_target(std::string_view target) {
    RequestTarget t;
    auto q = target.find('?');
    t.path = std::string(target.substr(0, q));
    if (q == std::string_view::npos) return t;
    std::string_view rest = target.substr(q + 1);
    while (!rest.empty()) {
        auto amp = rest.find('&');
        auto pair = rest.substr(0, amp);
        auto eq = pair.find('=');
        auto key = percent_decode(pair.substr(0, eq));
        auto value =
            eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1));
        t.query.emplace(std::move(key), std::move(value));
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
    }
    return t;
}

void FuzzingServer::Impl::on_accept(StreamPtr stream) {
    auto buffer = std::make_shared<std::string>();
    auto chunk = std::make_shared<std::array<char, 4096>>();
    auto timer = std::make_shared<asio::steady_timer>(io);
    timer->expires_after(options.request_timeout);
    timer->async_wait([stream](const boost::system::error_code& ec) {
        if (!ec) stream->close();
    });
    auto read = std::make_shared<std::function<void()>>();
    *read = [self = shared_from_this(), stream, buffer, chunk, timer, read] {
        stream->async_read_some(
            asio::buffer(*chunk), [self, stream, buffer, chunk, timer, read](
                                      const boost::system::error_code& ec, std::size_t n) {
                if (ec) {
                    timer->cancel();
                    *read = nullptr;
                    return;
                }
                buffer->append(chunk->data(), n);
                if (self->options.http2 && kH2Preface.starts_with(std::string_view(*buffer).substr(
                                               0, std::min(buffer->size(), kH2Preface.size())))) {
                    if (buffer->size() < kH2Preface.size()) {
                        (*read)();  // the rest of the preface
                        return;
                    }
                    timer->cancel();
                    *read = nullptr;
                    if (self->listener) self->listener->engaged(*stream);
                    self->serve_h2(stream, std::move(*buffer));
                    return;
                }
                protocol::HttpMessage probe;
                auto parsed = protocol::parse_http_head(*buffer, true, probe,
                                                        self->options.max_request_bytes);
                if (parsed.status == protocol::HttpParse::Status::need_more) {
                    (*read)();
                    return;
                }
                timer->cancel();
                *read = nullptr;  // break the self-reference
                if (self->listener) self->listener->engaged(*stream);
                if (parsed.status == protocol::HttpParse::Status::error) {
                    self->reject(stream, protocol::build_rejection(parsed.error));
                    return;
                }
                self->on_request(stream, std::move(*buffer), parsed.consumed);
            });
    };
    (*read)();
}

// The answer, then a half-close and a short wait for the peer's FIN, so the answer is not
// lost to a reset.
void FuzzingServer::Impl::reject(StreamPtr stream, std::string response) {
    auto data = std::make_shared<std::string>(std::move(response));
    stream->async_write(asio::buffer(*data),
                        [stream, data](const boost::system::error_code&, std::size_t) {
                            transport::linger_then_close(stream, std::chrono::seconds(1));
                        });
}

// Opens the WebSocket, sends `texts` and a close, and drops the connection (over HTTP/2:
// ends the stream) after a short wait for the client's end.
void FuzzingServer::Impl::upgrade_and_send(const Opening& o, std::vector<std::string> texts) {
    std::string out;
    for (const auto& t : texts) out += frame_bytes(protocol::opcode::text, t);
    out += frame_bytes(protocol::opcode::close,
                       protocol::build_close_payload(protocol::close_code::normal));
    if (o.h2) {
        h2_answer(o.h2, {{":status", "200"}}, std::move(out));
        return;
    }
    reject(o.stream, protocol::build_upgrade_response(o.upgrade.key) + out);
}

// A 400 with `why` as its body.
void FuzzingServer::Impl::refuse(const Opening& o, const std::string& why) {
    if (o.h2) {
        h2_answer(o.h2, {{":status", "400"}, {"content-type", "text/plain"}}, why + "\n");
        return;
    }
    reject(o.stream, http_error(400, "Bad Request", why));
}

void FuzzingServer::Impl::on_request(StreamPtr stream, std::string head, std::size_t consumed) {
    protocol::HttpMessage request;
    protocol::parse_http_head(head, true, request, options.max_request_bytes);
    // Section 14 cases for clients judge the request themselves, valid or not: they get it
    // before any check of ours (upgrade rules, Host port).
    {
        std::string agent;
        int number = 0;
        if (const Case* c = requested_case(request.target, agent, number);
            c && c->http_client_probe()) {
            predicted_case = number + 1;
            last_agent = agent;
            auto http = std::make_shared<HttpCase>(
                io, *c,
                SessionConfig{.agent = agent, .case_number = number, .timeouts = options.timeouts},
                case_done(agent, c->id));
            track(http);
            http->start_as_server(std::move(stream), std::move(head), consumed, histories);
            return;
        }
    }
    Opening o{.stream = stream, .request_text = std::move(head), .consumed = consumed};
    if (auto ec = protocol::check_upgrade_request(request, o.upgrade)) {
        log("refused a request for " + request.target.substr(0, 200) + ": " + ec.message());
        reject(stream, protocol::build_rejection(ec));
        return;
    }
    dispatch(std::move(o));
}

// The URL protocol, whichever transport the request came over.
void FuzzingServer::Impl::dispatch(Opening o) {
    const auto& upgrade = o.upgrade;
    if (options.check_host_port) {
        const auto want = ":" + std::to_string(o.stream->local_port());
        if (!upgrade.host.ends_with(want)) {
            log("refused a request with Host '" + upgrade.host.substr(0, 200) +
                "': it must name port " + want.substr(1));
            refuse(o,
                   "Host must name port " + want.substr(1) + " (the port this server listens on)");
            return;
        }
    }
    const auto target = split_request_target(upgrade.target);
    auto param = [&](const std::string& name) -> const std::string* {
        auto it = target.query.find(name);
        return it == target.query.end() ? nullptr : &it->second;
    };
    auto bad = [&](const std::string& why) {
        log("refused " + target.path + ": " + why);
        refuse(o, why);
    };
    auto case_by_number = [&](const Case*& out, int& number) -> bool {
        const auto* n = param("case");
        if (!n) return false;
        int value = 0;
        auto [p, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
        if (ec != std::errc{} || p != n->data() + n->size() || value < 1 ||
            static_cast<std::size_t>(value) > cases.size())
            return false;
        out = cases[value - 1];
        number = value;
        return true;
    };
    auto agent_param = [&](std::string& agent) -> bool {
        const auto* a = param("agent");
        if (!a || a->empty() || a->size() > options.max_agent_chars) return false;
        agent = *a;
        return true;
    };

    if (target.path == "/getCaseCount") {
        predicted_case = 1;
        upgrade_and_send(o, {std::to_string(cases.size())});
        return;
    }
    if (target.path == "/getCaseInfo") {
        const Case* c = nullptr;
        int number = 0;
        if (!case_by_number(c, number))
            return bad("case must be a number from 1 to " + std::to_string(cases.size()));
        upgrade_and_send(o, {"{\"id\": " + json_string(c->id) +
                             ", \"description\": " + json_string(c->description) + "}"});
        return;
    }
    if (target.path == "/runCase" || target.path == "/getCaseStatus") {
        std::string agent;
        if (!agent_param(agent))
            return bad("agent is required (1 to " + std::to_string(options.max_agent_chars) +
                       " characters)");
        const Case* c = nullptr;
        int number = 0;
        if (const auto* tuple = param("casetuple")) {
            for (std::size_t i = 0; i < cases.size(); ++i)
                if (cases[i]->id == *tuple) {
                    c = cases[i];
                    number = static_cast<int>(i + 1);
                }
            if (!c) return bad("casetuple '" + tuple->substr(0, 50) + "' is not a selected case");
        } else if (!case_by_number(c, number)) {
            return bad("case must be a number from 1 to " + std::to_string(cases.size()));
        }
        if (target.path == "/getCaseStatus") {
            auto key = std::make_pair(agent, c->id);
            auto reply = [self = shared_from_this(), o](const std::string& behavior) {
                self->upgrade_and_send(o, {"{\"behavior\": " + json_string(behavior) + "}"});
            };
            if (auto it = statuses.find(key); it != statuses.end()) {
                reply(it->second);
                return;
            }
            // Wait for the result, but not forever.
            auto answered = std::make_shared<bool>(false);
            auto once = [answered, reply](const std::string& b) {
                if (*answered) return;
                *answered = true;
                reply(b);
            };
            status_waiters.emplace(key, once);
            auto timer = std::make_shared<asio::steady_timer>(io);
            timer->expires_after(options.status_wait);
            timer->async_wait([once, timer](const boost::system::error_code&) { once("MISSING"); });
            return;
        }
        predicted_case = number + 1;
        last_agent = agent;
        if (hooks.is_excluded && hooks.is_excluded(agent, c->id)) {
            // As Autobahn does: open, then close right away, and record nothing.
            upgrade_and_send(o, {});
            return;
        }
        if (c->h2_client_probe()) return run_h2_client_case(std::move(o), *c, number, agent);
        run_case(std::move(o), *c, number, agent);
        return;
    }
    if (target.path == "/updateReports") {
        std::string agent;
        const auto* a = param("agent");
        if (a && !a->empty() && a->size() <= options.max_agent_chars) agent = *a;
        upgrade_and_send(o, {});
        if (!agent.empty()) {
            updated_agents.insert(agent);
            if (hooks.on_update_reports) hooks.on_update_reports(agent);
        }
        const auto* sd = param("shutdownOnComplete");
        const bool shutdown_now = sd && (*sd == "true" || *sd == "yes");
        if (shutdown_now ||
            (options.exit_after_agents > 0 && updated_agents.size() >= options.exit_after_agents)) {
            auto timer = std::make_shared<asio::steady_timer>(io);
            timer->expires_after(std::chrono::milliseconds(200));
            timer->async_wait([self = shared_from_this(), timer](const boost::system::error_code&) {
                self->shutdown();
            });
        }
        return;
    }
    if (target.path == "/stopServer") {
        upgrade_and_send(o, {});
        asio::post(io, [self = shared_from_this()] { self->shutdown(); });
        return;
    }
    bad("unknown path '" + target.path.substr(0, 100) +
        "' (expected /getCaseCount, /runCase, /getCaseInfo, /getCaseStatus, /updateReports or "
        "/stopServer)");
}

void FuzzingServer::Impl::run_case(Opening o, const Case& test, int number,
                                   const std::string& agent) {
    // permessage-deflate cases accept the client's offer the way Autobahn's server side does
    // (asking for the mirror image of its own offer); without an acceptable offer the case
    // runs uncompressed and reports UNIMPLEMENTED itself.
    std::optional<protocol::DeflateParams> deflate;
    const WebSocketScript* script = test.websocket();
    if (script && !script->deflate_offers.empty()) {
        deflate = protocol::negotiate_deflate_as_server(o.upgrade.extensions,
                                                        script->deflate_server_policy);
        for (const auto& fallback : script->deflate_server_fallbacks) {
            if (deflate) break;
            deflate = protocol::negotiate_deflate_as_server(o.upgrade.extensions, fallback);
        }
    }
    const auto agreed = deflate
                            ? std::optional<std::string>(protocol::format_deflate_params(*deflate))
                            : std::nullopt;
    SessionConfig config{.agent = agent,
                         .case_number = number,
                         .timeouts = options.timeouts,
                         .max_message = options.max_message,
                         .limits = options.limits};
    // A section-15 probe takes back what it sends, up to the size of a missing limit.
    if (test.can_crash_peer)
        config.max_message = std::max<std::size_t>(
            config.max_message, static_cast<std::size_t>(options.limits.missing_limit_bytes + 1));
    const auto* tls = o.stream->tls_session();
    std::string why;
    if (test.tls.servers_only || test.h2_server_probe())
        why = "this case tests WebSocket servers (wsconform test-server)";
    else if (test.tls.required && !tls)
        why = "this case tests TLS, and the client did not connect over wss://";
    else if (test.tls.certificate != CertificateFlaw::none && !options.flawed_certificate)
        why = "the certificate cases need test-client's own CA (--tls without --tls-cert)";
    else if (test.tls.certificate != CertificateFlaw::none &&
             tls->certificate_label != to_string(test.tls.certificate)) {
        if (judged(agent, test.id)) return upgrade_and_send(o, {});
        why =
            "the client asked for this case on a connection that did not get its certificate "
            "(a driver that does not run the cases in order, one connection each)";
    } else if (o.h2 && test.is_handshake_case())
        why =
            "not applicable: this case is about the HTTP/1.1 Upgrade handshake (RFC 6455 §4); "
            "over HTTP/2 a WebSocket opens with an extended CONNECT instead (RFC 8441 §4-5), "
            "so it does not apply";
    if (test.is_handshake_case() || !why.empty()) {
        // Section 14: a case for servers has nothing to run here (cases for clients never get
        // this far over HTTP/1.1: on_request hands them over first). Open and close, as for an
        // exclusion.
        upgrade_and_send(o, {});
        case_done(agent, test.id)(not_applicable_result(test, config, true, why));
        return;
    }
    if (test.tls.record_size) o.stream->set_record_size(test.tls.record_size);
    auto session =
        std::make_shared<CaseSession>(io, test, std::move(config), case_done(agent, test.id));
    track(session);
    if (o.h2) {
        // RFC 8441 §5: a 2xx opens the WebSocket (no Sec-WebSocket-Accept over HTTP/2); the
        // case's frames follow the HEADERS on the stream.
        protocol::H2Fields response{{":status", "200"}};
        if (agreed) response.push_back({"sec-websocket-extensions", *agreed});
        if (auto h2 = o.h2->session()) h2->respond(*o.h2, response, false);
        session->start_as_server(o.h2, std::move(o.request_text), protocol::format_fields(response),
                                 {}, deflate);
        return;
    }
    const std::string response =
        protocol::build_upgrade_response(o.upgrade.key, std::nullopt, agreed);
    // The 101 goes out first; the case starts once it is written.
    auto data = std::make_shared<std::string>(response);
    std::string leftover = o.request_text.substr(o.consumed);
    std::string head = std::move(o.request_text);
    head.resize(o.consumed);
    o.stream->async_write(
        asio::buffer(*data),
        [stream = o.stream, data, session, head = std::move(head), response, deflate,
         leftover = std::move(leftover)](const boost::system::error_code& ec, std::size_t) mutable {
            if (ec) {
                session->abort("could not send the 101 response: " + ec.message());
                return;
            }
            session->start_as_server(std::move(stream), std::move(head), std::move(response),
                                     std::move(leftover), deflate);
        });
}

// What happens when a case ends: the result goes to the hooks, and /getCaseStatus learns it.
std::function<void(CaseResult&&)> FuzzingServer::Impl::case_done(const std::string& agent,
                                                                 const std::string& id) {
    return [self = shared_from_this(), agent, id](CaseResult&& result) {
        // Every case still running when the server stops is ended by shutdown(): with a
        // reason, what it saw is not a verdict on the client.
        if (self->stopping && !self->stop_reason.empty() && result.test) {
            const bool is_server = result.is_server;
            result = not_run_result(*result.test, agent, result.case_number, self->stop_reason);
            result.is_server = is_server;
        }
        const std::string behavior(to_string(result.verdict.behavior));
        auto key = std::make_pair(agent, id);
        if (const auto earlier = self->statuses.find(key); earlier != self->statuses.end())
            self->log("case " + id + " judged again (" + behavior + "; earlier " + earlier->second +
                      "): the report keeps the later result");
        ++self->finished;
        if (self->hooks.on_result) self->hooks.on_result(std::move(result));
        self->statuses[key] = behavior;
        auto range = self->status_waiters.equal_range(key);
        std::vector<std::function<void(const std::string&)>> waiters;
        for (auto it = range.first; it != range.second; ++it) waiters.push_back(it->second);
        self->status_waiters.erase(range.first, range.second);
        for (auto& w : waiters) w(behavior);
    };
}

// The case of a /runCase request (by number or casetuple, with a valid agent), not excluded
// for this agent; nullptr otherwise.
const Case* FuzzingServer::Impl::requested_case(std::string_view request_target, std::string& agent,
                                                int& number, std::string_view endpoint) {
    const auto target = split_request_target(request_target);
    if (target.path != endpoint) return nullptr;
    auto param = [&](const std::string& name) -> const std::string* {
        auto it = target.query.find(name);
        return it == target.query.end() ? nullptr : &it->second;
    };
    const auto* a = param("agent");
    if (!a || a->empty() || a->size() > options.max_agent_chars) return nullptr;
    const Case* c = nullptr;
    if (const auto* tuple = param("casetuple")) {
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (cases[i]->id == *tuple) {
                c = cases[i];
                number = static_cast<int>(i + 1);
            }
    } else if (const auto* n = param("case")) {
        int value = 0;
        auto [p, ec] = std::from_chars(n->data(), n->data() + n->size(), value);
        if (ec == std::errc{} && p == n->data() + n->size() && value >= 1 &&
            static_cast<std::size_t>(value) <= cases.size()) {
            c = cases[value - 1];
            number = value;
        }
    }
    if (!c) return nullptr;
    if (hooks.is_excluded && hooks.is_excluded(*a, c->id)) return nullptr;
    agent = *a;
    return c;
}

void FuzzingServer::Impl::shutdown(std::string not_run_reason) {
    if (stopping.exchange(true)) return;
    stop_reason = std::move(not_run_reason);
    if (listener) listener->close();
    for (auto& w : running)
        if (auto r = w.lock()) r->abort("server stopped");
    for (auto& [key, waiter] : status_waiters) waiter("MISSING");
    status_waiters.clear();
    // Let lingering sockets finish, then stop.
    auto timer = std::make_shared<asio::steady_timer>(io);
    timer->expires_after(std::chrono::milliseconds(300));
    timer->async_wait(
        [self = shared_from_this(), timer](const boost::system::error_code&) { self->io.stop(); });
}

FuzzingServer::FuzzingServer(FuzzingServerOptions options, std::vector<const Case*> cases,
                             FuzzingServerHooks hooks)
    : impl_(std::make_shared<Impl>()) {
    impl_->options = std::move(options);
    impl_->cases = std::move(cases);
    impl_->hooks = std::move(hooks);
    impl_->last_agent = impl_->options.expected_agent;
}

std::shared_ptr<const transport::TlsIdentity> FuzzingServer::Impl::choose_identity() {
    const Case* c = predicted_certificate_case();
    if (!c) return nullptr;
    auto& identity = flawed[c->tls.certificate];
    if (!identity)
        identity = std::make_shared<transport::TlsIdentity>(
            options.flawed_certificate(c->tls.certificate));
    return identity;
}

// A client that refuses the certificate of the case it was about to run passes that case.
void FuzzingServer::Impl::on_tls_failure(const std::string& remote, const transport::ErrorCode& ec,
                                         const transport::TlsSessionInfo& session) {
    const Case* c = predicted_certificate_case();
    if (!c || session.certificate_label != to_string(c->tls.certificate)) {
        log("TLS handshake with " + remote + " failed: " + ec.message());
        return;
    }
    const int number = predicted_case++;
    const SessionConfig config{.agent = last_agent, .case_number = number};
    case_done(last_agent,
              c->id)(certificate_refused_result(*c, config, ec.message(), session.hello));
}

FuzzingServer::~FuzzingServer() = default;

void FuzzingServer::listen() {
    auto& impl = *impl_;
    transport::TlsContextPtr tls;
    if (impl.options.tls) {
        auto settings = *impl.options.tls;
        settings.offer_h2 = impl.options.http2;  // ALPN: h2, then http/1.1
        settings.choose_identity =
            [weak = std::weak_ptr<Impl>(impl_)](const transport::ClientHelloInfo&) {
                auto self = weak.lock();
                return self ? self->choose_identity() : nullptr;
            };
        std::string error;
        tls = transport::TlsContext::server(std::move(settings), error);
        if (!tls)
            throw std::system_error(std::make_error_code(std::errc::invalid_argument),
                                    "TLS certificate: " + error);
    }
    impl.listener = std::make_shared<transport::Listener>(
        impl.io,
        transport::ListenerOptions{
            .host = impl.options.host,
            .port = impl.options.port,
            .max_connections = impl.options.max_connections,
            .busy_response = http_error(503, "Service Unavailable", "too many connections"),
            .evict_idle = true,
            .strand_per_connection = false,
            .tls = tls,
            .tls_handshake_timeout = impl.options.request_timeout,
            .on_tls_failure =
                [weak = std::weak_ptr<Impl>(impl_)](const std::string& remote,
                                                    const transport::ErrorCode& ec,
                                                    const transport::TlsSessionInfo& session) {
                    if (auto self = weak.lock()) self->on_tls_failure(remote, ec, session);
                },
        });
    impl.listener->listen();
    // Weakly: the listener's handler must not keep the server that owns the listener alive.
    impl.listener->start([weak = std::weak_ptr<Impl>(impl_)](StreamPtr stream) {
        if (auto self = weak.lock(); self && !self->stopping) self->on_accept(std::move(stream));
    });
}

std::uint16_t FuzzingServer::port() const {
    return impl_->listener ? impl_->listener->port() : 0;
}

void FuzzingServer::run() {
    impl_->io.run();
}

void FuzzingServer::stop(std::string not_run_reason) {
    asio::post(impl_->io, [impl = impl_, why = std::move(not_run_reason)]() mutable {
        impl->shutdown(std::move(why));
    });
}

std::size_t FuzzingServer::connections_seen() const {
    return impl_->listener ? impl_->listener->accepted() : 0;
}
std::size_t FuzzingServer::cases_finished() const {
    return impl_->finished;
}

}  // namespace wsconform::harness
