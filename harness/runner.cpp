#include "harness/runner.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "harness/case_session.h"
#include "harness/connect.h"
#include "harness/h2_case.h"
#include "harness/h2_probe.h"
#include "harness/http_case.h"
#include "harness/running_case.h"
#include "harness/transport/blocking_client.h"
#include "harness/transport/connector.h"
#include "harness/transport/tls_context.h"
#include "protocol/close.h"
#include "protocol/frame.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::harness {

namespace asio = boost::asio;

// Section 14 over HTTP/2: what it checks does not exist there.
constexpr std::string_view kHttp11OnlyOverH2 =
    "this case is about the HTTP/1.1 Upgrade handshake (RFC 6455 §4); over HTTP/2 a WebSocket "
    "opens with an extended CONNECT instead (RFC 8441 §4-5), so it does not apply";

// Section 17 without --http2.
constexpr std::string_view kNeedsHttp2 =
    "this case tests WebSocket over HTTP/2 (RFC 8441) and needs --http2";

unsigned default_jobs() {
    return 16;
}

struct Runner::Impl {
    RunOptions options;
    std::mutex mutex;
    std::condition_variable changed;
    bool stopped = false;
    std::string stop_reason;
    std::map<std::size_t, std::weak_ptr<RunningCase>> running;
};

Runner::Runner(RunOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    if (impl_->options.jobs == 0) impl_->options.jobs = default_jobs();
}

Runner::~Runner() = default;

CaseResult not_run_result(const Case& test, const std::string& agent, int case_number,
                          const std::string& why, const std::string& harness_error) {
    const SessionConfig config{.agent = agent, .case_number = case_number};
    auto result = not_applicable_result(test, config, false, "Not run: " + why + ".", why);
    result.verdict.outcome = Outcome::not_run;
    result.observation.harness_error = harness_error;
    return result;
}

void fail_for_downed_peer(CaseResult& result, const std::string& probe_error) {
    auto& v = result.verdict;
    const std::string why = "the peer no longer accepts WebSocket connections after this case (" +
                            probe_error + "): it crashed or hangs";
    v.behavior = Behavior::failed;
    v.result = "The peer went down: " + why + ". " + v.result;
    v.outcome = Outcome::fail;
    v.outcome_reason = why;
    v.warning.clear();
}

ProbeResult probe(const Endpoint& target, const RunOptions& options) {
    ProbeResult result;
    const auto server = connect_target(target, result.error);
    if (server.addresses.empty()) return result;
    if (target.http2) return probe_h2(target, server, options);

    using std::chrono::milliseconds;
    using std::chrono::steady_clock;
    const auto until = steady_clock::now() + options.timeouts.open_handshake;
    auto left = [&until] {
        return std::max(milliseconds(0),
                        std::chrono::duration_cast<milliseconds>(until - steady_clock::now()));
    };
    auto no_answer = [&](const transport::ErrorCode& ec) {
        return transport::is_timeout(ec)
                   ? "no WebSocket answer from " + target.url + " within " +
                         std::to_string(options.timeouts.open_handshake.count()) + " ms"
                   : "no WebSocket answer from " + target.url + ": " + ec.message();
    };

    std::array<std::uint8_t, 16> nonce;
    std::random_device rd;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rd());
    const auto key = protocol::make_key(nonce);
    std::vector<std::string> headers{"User-Agent: wsconform/" WSCONFORM_VERSION_STRING};
    headers.insert(headers.end(), options.extra_headers.begin(), options.extra_headers.end());
    const auto request =
        protocol::build_upgrade_request(target.host_header, target.target, key, headers);

    transport::BlockingClient client;
    if (auto ec = client.connect(server, left())) {
        result.error = transport::is_timeout(ec)
                           ? "cannot connect to " + target.url + " within " +
                                 std::to_string(options.timeouts.open_handshake.count()) + " ms"
                           : "cannot connect to " + target.url + ": " + ec.message();
        return result;
    }
    result.connected = true;
    if (auto ec = client.write(request, left())) {
        result.error = transport::is_timeout(ec)
                           ? no_answer(ec)
                           : "cannot send to " + target.url + ": " + ec.message();
        return result;
    }
    std::string buffer;
    protocol::HttpMessage response;
    for (;;) {
        if (auto ec = client.read_some(buffer, 4096, left())) {
            // TLS 1.3: a server that refuses our certificate (or its absence) says so only
            // after our side of the handshake is done: the TLS handshake failed all the same.
            if (ec.category() == transport::tls_category()) {
                result.connected = false;
                result.error = "cannot connect to " + target.url + ": " + ec.message();
                return result;
            }
            result.error = no_answer(ec);
            return result;
        }
        const auto parsed = protocol::parse_http_head(buffer, false, response);
        if (parsed.status == protocol::HttpParse::Status::need_more) continue;
        if (parsed.status == protocol::HttpParse::Status::error) {
            result.error = "no WebSocket answer from " + target.url + ": " + parsed.error.message();
            return result;
        }
        break;
    }
    if (auto server_header = response.header("Server")) result.server_header = *server_header;
    protocol::UpgradeResponse info;
    const auto offered = protocol::offered_subprotocols(options.extra_headers);
    if (auto err = protocol::check_upgrade_response(response, key, offered, {}, info)) {
        result.error = "WebSocket handshake with " + target.url + " failed: " + err.message() +
                       " (status " + std::to_string(response.status) + ")";
        return result;
    }
    result.upgraded = true;
    // Leave politely: a masked close frame with code 1000, then drop.
    const protocol::FrameHeader close{
        .fin = true, .opcode = protocol::opcode::close, .masked = true, .mask_key = {}};
    client.write(protocol::encode_frame(close, protocol::build_close_payload(1000)),
                 std::max(left(), milliseconds(100)));
    return result;
}

RunSummary Runner::run(const Endpoint& target, std::span<const Case* const> cases,
                       const std::function<void(CaseResult&&)>& on_result) {
    RunSummary summary;
    auto& impl = *impl_;
    std::string error;
    const auto server = connect_target(target, error);
    // Cases that cap the TLS version (section 16) connect with a context of their own.
    std::map<int, transport::ConnectTarget> capped;
    for (const auto* c : cases) {
        if (!server.tls || c->tls.max_version == 0 || capped.count(c->tls.max_version)) continue;
        auto settings = server.tls->client_settings();
        settings.min_version = settings.max_version = c->tls.max_version;
        auto special = server;
        std::string tls_error;
        special.tls = transport::TlsContext::client(settings, tls_error);
        if (special.tls) capped.emplace(c->tls.max_version, std::move(special));
    }
    auto target_for = [&](const Case& c) -> const transport::ConnectTarget& {
        auto it = capped.find(c.tls.max_version);
        return it == capped.end() ? server : it->second;
    };

    const unsigned threads = std::max(
        1u, std::min(impl.options.jobs, std::max(1u, std::thread::hardware_concurrency())));
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i) {
        contexts.push_back(std::make_unique<asio::io_context>(1));
        guards.push_back(asio::make_work_guard(*contexts.back()));
    }
    for (unsigned i = 0; i < threads; ++i) workers.emplace_back([&io = *contexts[i]] { io.run(); });

    // Results are written by one reporter thread, so file I/O never stalls the I/O threads
    // (and with them the timing of other cases).
    std::mutex result_mutex;
    std::condition_variable result_ready;
    std::deque<CaseResult> pending;
    bool no_more_results = false;
    std::thread reporter([&] {
        for (;;) {
            std::unique_lock lock(result_mutex);
            result_ready.wait(lock, [&] { return !pending.empty() || no_more_results; });
            if (pending.empty()) return;
            CaseResult result = std::move(pending.front());
            pending.pop_front();
            lock.unlock();
            on_result(std::move(result));
        }
    });

    std::size_t next = 0, in_flight = 0, memory_in_use = 0, kept_in_use = 0;
    bool alone_in_flight = false;  // a case that can crash the peer runs by itself
    // Whether the peer completed a handshake before the first such case: only then can one
    // that leaves it unable to is said to have downed it.
    std::optional<bool> liveness_checked;
    std::vector<bool> finished(cases.size(), false);  // guarded by impl.mutex
    // A case's weight against the memory budget: three copies of its largest message (what
    // we send, what comes back, and the write buffer).
    auto weight = [](const Case& c) { return c.websocket() ? 3 * c.websocket()->memory_hint : 0; };
    std::function<void()> launch_more;  // called with impl.mutex held
    launch_more = [&] {
        while (!impl.stopped && in_flight < impl.options.jobs && next < cases.size() &&
               !alone_in_flight) {
            const bool alone = cases[next]->can_crash_peer;
            if (alone && in_flight > 0) break;  // waits for the cases before it to end
            const std::size_t cost = weight(*cases[next]);
            if (in_flight > 0 && memory_in_use + cost > impl.options.memory_budget) break;
            if (in_flight > 0 && kept_in_use + kRunningCaseKeptBytes > impl.options.kept_budget)
                break;
            memory_in_use += cost;
            kept_in_use += kRunningCaseKeptBytes;
            const std::size_t index = next++;
            ++in_flight;
            alone_in_flight = alone;
            if (alone && !liveness_checked) liveness_checked = probe(target, impl.options).upgraded;
            auto& io = *contexts[index % contexts.size()];
            SessionConfig config{.agent = impl.options.agent,
                                 .case_number = static_cast<int>(index + 1),
                                 .timeouts = impl.options.timeouts,
                                 .max_message = impl.options.max_message,
                                 .extra_headers = impl.options.extra_headers,
                                 .limits = impl.options.limits};
            // A section-15 probe takes back what it sends, up to the size of a missing limit.
            if (alone)
                config.max_message = std::max<std::size_t>(
                    config.max_message,
                    static_cast<std::size_t>(impl.options.limits.missing_limit_bytes + 1));
            auto on_done = [&, index, alone](CaseResult&& result) {
                // Alone on the peer: is it still up? (Blocking, but nothing else is running.)
                std::string down;
                const auto outcome = result.verdict.outcome;
                if (alone && *liveness_checked && outcome != Outcome::not_run &&
                    (result.observation.was_open || outcome != Outcome::unimplemented)) {
                    const auto after = probe(target, impl.options);
                    if (!after.upgraded) {
                        fail_for_downed_peer(result, after.error);
                        down = "the peer went down during case " + cases[index]->id + " (" +
                               after.error + ")";
                    }
                }
                bool report;
                {
                    std::lock_guard lock(impl.mutex);
                    report = !impl.stopped;
                    impl.running.erase(index);
                }
                if (report) {
                    std::lock_guard lock(result_mutex);
                    pending.push_back(std::move(result));
                    result_ready.notify_one();
                }
                std::lock_guard lock(impl.mutex);
                if (!down.empty() && !impl.stopped) {
                    impl.stopped = true;
                    impl.stop_reason = down;
                }
                alone_in_flight = false;
                --in_flight;
                memory_in_use -= weight(*cases[index]);
                kept_in_use -= kRunningCaseKeptBytes;
                if (report) {
                    ++summary.finished;
                    finished[index] = true;
                }
                launch_more();
                impl.changed.notify_all();
            };
            // A case the run does not make (--profile protocol): not applicable, and why.
            if (const auto why = impl.options.not_run.find(cases[index]->id);
                why != impl.options.not_run.end()) {
                asio::post(io, [on_done, c = cases[index], config, text = why->second]() mutable {
                    on_done(not_applicable_result(*c, config, false, text,
                                                  "not run under --profile protocol"));
                });
                continue;
            }
            // A section 14 case for clients has nothing to do here, nor a TLS case over TCP or
            // a case about the certificates clients accept: not applicable.
            const Case& c = *cases[index];
            // Section 17 (WebSocket over HTTP/2): its own session, and only with --http2.
            const H2ServerProbe* h2 = c.h2_server_probe();
            const std::string why =
                h2                              ? (server.http2 ? "" : std::string(kNeedsHttp2))
                : c.tls.required && !server.tls ? "this case tests TLS, and the URL is not wss://"
                : c.tls.clients_only || c.h2_client_probe()
                    ? "this case tests WebSocket clients (wsconform test-client)"
                : server.http2 && c.is_handshake_case() ? std::string(kHttp11OnlyOverH2)
                                                        : "";
            if ((c.is_handshake_case() && !c.http_server_probe()) || !why.empty()) {
                asio::post(io, [on_done, c = &c, config, why]() mutable {
                    on_done(not_applicable_result(*c, config, false, why));
                });
                continue;
            }
            std::shared_ptr<RunningCase> running =
                h2 ? std::make_shared<H2Case>(io, c, *h2, std::move(config), on_done)
                   : make_running_case(io, c, std::move(config), on_done);
            impl.running[index] = running;
            asio::post(io, [running, connect = target_for(c), &target] {
                running->start_as_client(connect, target.host_header, target.target);
            });
        }
    };

    {
        std::unique_lock lock(impl.mutex);
        launch_more();
        const bool timed = impl.options.run_timeout.count() > 0;
        const auto until = std::chrono::steady_clock::now() + impl.options.run_timeout;
        auto done = [&] { return (next >= cases.size() && in_flight == 0) || impl.stopped; };
        if (timed) {
            if (!impl.changed.wait_until(lock, until, done)) {
                impl.stopped = true;
                impl.stop_reason = "the run timeout (--timeout) passed";
            }
        } else {
            impl.changed.wait(lock, done);
        }
        if (impl.stopped) {
            summary.stopped = true;
            summary.stop_reason = impl.stop_reason;
            for (auto& [index, weak] : impl.running) {
                if (auto running = weak.lock()) {
                    auto& io = *contexts[index % contexts.size()];
                    asio::post(io, [running, why = impl.stop_reason] { running->abort(why); });
                }
            }
            impl.changed.wait(lock, [&] { return in_flight == 0; });
        }
        summary.not_run = cases.size() - summary.finished;
    }
    guards.clear();
    for (auto& io : contexts) io->stop();
    for (auto& t : workers) t.join();
    {
        std::lock_guard lock(result_mutex);
        no_more_results = true;
    }
    result_ready.notify_one();
    reporter.join();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (finished[i]) continue;
        summary.not_run_ids.push_back(cases[i]->id);
        const std::string why =
            summary.stop_reason.empty() ? "the run ended first" : summary.stop_reason;
        on_result(not_run_result(*cases[i], impl.options.agent, static_cast<int>(i + 1), why));
    }
    return summary;
}

void Runner::stop(std::string why) {
    std::lock_guard lock(impl_->mutex);
    if (!impl_->stopped) {
        impl_->stopped = true;
        impl_->stop_reason = std::move(why);
    }
    impl_->changed.notify_all();
}

}  // namespace wsconform::harness
