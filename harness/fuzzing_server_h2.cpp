// The client-testing server over HTTP/2 (test-client --http2, docs/http2.md): each connection
// that starts with the client preface, the page browsers load first, extended CONNECTs as
// requests of the URL protocol, a browser driver's GET /prepareCase before each case, and
// section 17's client cases, which need connections of their own with SETTINGS of their own.
#include <boost/asio/buffer.hpp>

#include <memory>
#include <string>
#include <utility>

#include "harness/fuzzing_server_impl.h"

namespace wsconform::harness {

namespace asio = boost::asio;

namespace {

// The page a browser loads over HTTP/2 before it may open WebSockets on the same connection
// (browsers use extended CONNECT only on an HTTP/2 connection they already have to that
// origin). It runs the driver script named by ?driver=, which must be a loopback http:// URL
// (the driver's own throwaway server), so the page cannot be made to run anyone's script.
constexpr std::string_view kDriverPage = R"(<!doctype html>
<meta charset="utf-8">
<title>wsconform test-client</title>
<script>
'use strict';
const driver = new URLSearchParams(location.search).get('driver') || '';
let url = null;
try { url = new URL(driver); } catch (e) {}
if (url && url.protocol === 'http:' && url.hostname === '127.0.0.1') {
  const s = document.createElement('script');
  s.src = url.href;
  document.head.appendChild(s);
} else {
  document.title = 'wsconform test-client: ?driver= must name an http://127.0.0.1 script';
}
</script>
)";

}  // namespace

// An HTTP/2 response: the header fields, then `body` and END_STREAM (with no body, END_STREAM
// on the headers); the stream is reset if the client has not ended its side after the linger
// time.
void FuzzingServer::Impl::h2_answer(const transport::H2StreamPtr& h2,
                                    const protocol::H2Fields& response, std::string body) {
    auto session = h2->session();
    if (!session) return;
    session->respond(*h2, response, body.empty());
    if (body.empty()) {
        h2->close();
        return;
    }
    auto data = std::make_shared<std::string>(std::move(body));
    // Weakly: the stream holds its write handler; the session holds the stream meanwhile.
    h2->async_write_then_shutdown(asio::buffer(*data),
                                  [weak = std::weak_ptr<transport::H2Stream>(h2), data](
                                      const boost::system::error_code&, std::size_t) {
                                      if (auto stream = weak.lock()) stream->close();
                                  });
}

// --http2: one HTTP/2 connection. Its SETTINGS carry ENABLE_CONNECT_PROTOCOL = 1 (RFC 8441
// §3); each extended CONNECT is one request of the URL protocol, and GET / the driver page.
void FuzzingServer::Impl::serve_h2(StreamPtr stream, std::string preread) {
    // Section 17: the connection the predicted client case needs, with its SETTINGS; the
    // prediction moves on once the case is asked for there, or judged.
    if (const Case* c = predicted_h2_client_case()) {
        const int number = predicted_case;
        auto done = case_done(last_agent, c->id);
        auto raw = std::make_shared<H2ClientCase>(
            io, *c, *c->h2_client_probe(),
            SessionConfig{.agent = last_agent, .case_number = number, .timeouts = options.timeouts},
            // Asked for there: the prediction moves on (the client may open the next case's
            // connection while this one still watches).
            [weak = weak_from_this(), number](std::string_view path) {
                auto self = weak.lock();
                std::string agent;
                int n = 0;
                if (!self || !self->requested_case(path, agent, n) || n != number) return false;
                if (self->predicted_case == number) self->predicted_case = number + 1;
                return true;
            },
            [weak = weak_from_this(), number](std::string_view path) {
                auto self = weak.lock();
                std::string agent;
                int n = 0;
                return self && self->requested_case(path, agent, n, "/prepareCase") && n == number;
            },
            [weak = weak_from_this(), done, number](CaseResult&& result) {
                if (auto self = weak.lock(); self && self->predicted_case == number)
                    self->predicted_case = number + 1;
                done(std::move(result));
            });
        track(raw);
        h2_client = raw;
        h2_client_number = number;
        // A client keeping RFC 8441 §3 never asks for 17.6.2 or 17.6.3 on that connection: its
        // next connection is the next case's.
        const auto profile = c->h2_client_probe()->profile;
        if (profile == H2SettingsProfile::absent || profile == H2SettingsProfile::zero)
            predicted_case = number + 1;
        raw->start_as_server(std::move(stream), std::move(preread));
        return;
    }
    // Weakly: the session keeps its request handler in a member.
    transport::H2Session::server(
        std::move(stream),
        {.enable_connect_protocol = true, .linger = std::chrono::milliseconds(1000)},
        [weak = weak_from_this()](transport::H2StreamPtr h2, protocol::H2Fields request) {
            if (auto self = weak.lock(); self && !self->stopping) self->on_h2_request(h2, request);
        },
        std::move(preread));
}

// GET /prepareCase?case=N&agent=A: a browser's driver asks it before it opens case N's
// WebSocket. A browser opens a WebSocket over HTTP/2 only on a connection it already has, so a
// case that needs a connection of its own (section 16's certificates, section 17's SETTINGS)
// could not get one. Here that case becomes the prediction, and this shared connection takes no
// stream after this one (GOAWAY): "wsconform-connection: reconnect" tells the driver that its
// next request opens a connection, which is the case's. The case's own connection answers
// "ready" (H2ClientCase), as does a connection that suits the case already.
void FuzzingServer::Impl::h2_prepare_case(const transport::H2StreamPtr& h2, std::string_view path) {
    std::string agent;
    int number = 0;
    const Case* c = requested_case(path, agent, number, "/prepareCase");
    if (!c) {
        h2_answer(
            h2, {{":status", "400"}, {"content-type", "text/plain"}},
            "/prepareCase needs case (1 to " + std::to_string(cases.size()) + ") and agent\n");
        return;
    }
    // Judged already (a certificate the client refused, a connection of its own that ran):
    // nothing to prepare, and the prediction stays where it moved to.
    const bool done_before = judged(agent, c->id);
    if (!done_before) {
        predicted_case = number;
        last_agent = agent;
    }
    const auto* tls = h2->tls_session();
    const Case* certificate = done_before ? nullptr : predicted_certificate_case();
    const bool own =
        !done_before &&
        (predicted_h2_client_case() ||
         (certificate && tls && tls->certificate_label != to_string(certificate->tls.certificate)));
    if (own) {
        log("/prepareCase " + c->id + ": it needs a connection of its own; GOAWAY on this one");
        if (auto session = h2->session()) session->stop_taking_streams_after(h2->id());
    }
    h2_answer(h2,
              {{":status", "204"},
               {"wsconform-connection", own ? "reconnect" : "ready"},
               {"cache-control", "no-store"}},
              "");
}

void FuzzingServer::Impl::on_h2_request(const transport::H2StreamPtr& h2,
                                        const protocol::H2Fields& request) {
    const auto method = protocol::find_field(request, ":method");
    const auto path = protocol::find_field(request, ":path").value_or("");
    if (method == "GET" && !protocol::find_field(request, ":protocol")) {
        const auto target = split_request_target(path).path;
        if (target == "/") {
            h2_answer(h2,
                      {{":status", "200"},
                       {"content-type", "text/html; charset=utf-8"},
                       {"cache-control", "no-store"}},
                      std::string(kDriverPage));
        } else if (target == "/prepareCase") {
            h2_prepare_case(h2, path);
        } else {
            h2_answer(h2, {{":status", "404"}, {"content-type", "text/plain"}},
                      "not found: this server serves /, /prepareCase and WebSockets (extended "
                      "CONNECT)\n");
        }
        return;
    }
    Opening o{.stream = h2,
              .h2 = h2,
              .request_text = protocol::format_fields(request),
              .fields = request};
    // Section 17's client cases judge the request themselves, valid or not: they get it
    // before any check of ours (as section 14's do over HTTP/1.1).
    {
        std::string agent;
        int number = 0;
        if (const Case* c = requested_case(path, agent, number); c && c->h2_client_probe()) {
            predicted_case = number + 1;
            last_agent = agent;
            return run_h2_client_case(std::move(o), *c, number, agent);
        }
    }
    if (auto ec = protocol::check_extended_connect(request, o.upgrade)) {
        log("refused an extended CONNECT for " + std::string(path.substr(0, 200)) + ": " +
            ec.message());
        if (ec == protocol::H2HeaderError::unsupported_version)
            h2_answer(h2, {{":status", "426"}, {"sec-websocket-version", "13"}}, "");
        else if (ec == protocol::H2HeaderError::protocol_not_websocket)
            h2_answer(h2, {{":status", "501"}}, "");  // RFC 9220 §3: an unknown :protocol
        else
            h2_answer(h2, {{":status", "400"}, {"content-type", "text/plain"}},
                      ec.message() + "\n");
        return;
    }
    dispatch(std::move(o));
}

// A /runCase for a section 17 client case, over either transport. A case with SETTINGS of its
// own runs on the connection the prediction gave it (serve_h2); asked for anywhere else it is
// not applicable, but a fallback to HTTP/1.1 while that connection is open is part of it. A
// `normal` case judges the request as it came, then runs its echo on the stream.
void FuzzingServer::Impl::run_h2_client_case(Opening o, const Case& test, int number,
                                             const std::string& agent) {
    const auto& probe = *test.h2_client_probe();
    SessionConfig config{.agent = agent,
                         .case_number = number,
                         .timeouts = options.timeouts,
                         .max_message = options.max_message,
                         .limits = options.limits};
    if (judged(agent, test.id)) return upgrade_and_send(o, {});
    std::string why;
    if (!o.h2) {
        if (auto pending = h2_client.lock(); pending && h2_client_number == number) {
            pending->fell_back();
            return upgrade_and_send(o, {});
        }
        why = options.http2
                  ? "the client asked for this case over HTTP/1.1 and opened no HTTP/2 "
                    "connection for it; the case tests a client's HTTP/2 connection (RFC 8441)"
                  : "this case tests WebSocket over HTTP/2 (RFC 8441) and needs --http2";
    } else if (probe.profile != H2SettingsProfile::normal) {
        why = "this case needs an HTTP/2 connection of its own (" + to_string(probe.profile) +
              "); the client asked for it on a connection that did not get those SETTINGS (a "
              "client that keeps one connection for several cases, or does not run the cases "
              "in order, one connection each)";
    }
    if (!why.empty()) {
        upgrade_and_send(o, {});
        case_done(agent, test.id)(not_applicable_result(test, config, true, why));
        return;
    }
    H2ClientExchange x;
    x.requests.push_back({.stream = static_cast<std::uint32_t>(o.h2->id()),
                          .fields = o.fields,
                          .for_this_case = true,
                          .answer = ":status 200"});
    x.opened = true;
    const Verdict asked = probe.judge(x);
    auto session = std::make_shared<CaseSession>(
        io, echo_case(test), std::move(config),
        [done = case_done(agent, test.id), &test, asked](CaseResult&& r) {
            r.test = &test;
            if (asked.behavior == Behavior::ok) {
                r.verdict.result = asked.result + " Then: " + r.verdict.result;
            } else {
                Verdict v = asked;
                v.behavior_close = r.verdict.behavior_close;
                v.result_close = r.verdict.result_close;
                r.verdict = finish_http_verdict(test.level, std::move(v));
            }
            done(std::move(r));
        });
    track(session);
    const protocol::H2Fields response{{":status", "200"}};
    if (auto h2 = o.h2->session()) h2->respond(*o.h2, response, false);
    session->start_as_server(o.h2, std::move(o.request_text), protocol::format_fields(response), {},
                             std::nullopt);
}

// The WebSocket script a `normal` section 17 client case runs after judging its request.
const Case& FuzzingServer::Impl::echo_case(const Case& test) {
    auto& c = echo_cases[&test];
    if (!c) {
        c = std::make_unique<Case>(test);
        c->script = WebSocketScript{.on_open = test.h2_client_probe()->echo};
    }
    return *c;
}

}  // namespace wsconform::harness
