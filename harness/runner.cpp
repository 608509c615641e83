#include "harness/runner.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "harness/case_session.h"
#include "harness/http_case.h"
#include "protocol/handshake.h"
#include "protocol/http.h"

namespace wsconform::harness {

namespace asio = boost::asio;
using asio::ip::tcp;

unsigned default_jobs() { return 16; }

struct Runner::Impl {
    RunOptions options;
    std::mutex mutex;
    std::condition_variable changed;
    bool stopped = false;
    std::string stop_reason;
    std::map<std::size_t, std::weak_ptr<CaseSession>> running;
    std::map<std::size_t, std::weak_ptr<HttpCase>> running_http;  // section 14
};

Runner::Runner(RunOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->options = std::move(options);
    if (impl_->options.jobs == 0) impl_->options.jobs = default_jobs();
}

Runner::~Runner() = default;

namespace {

std::vector<tcp::endpoint> resolve(const Endpoint& target, std::string& error) {
    asio::io_context io;
    tcp::resolver resolver(io);
    boost::system::error_code ec;
    auto results = resolver.resolve(target.host, std::to_string(target.port), ec);
    std::vector<tcp::endpoint> out;
    if (ec) {
        error = "cannot resolve " + target.host + ": " + ec.message();
        return out;
    }
    for (const auto& r : results) out.push_back(r.endpoint());
    return out;
}

}  // namespace

ProbeResult probe(const Endpoint& target, const RunOptions& options) {
    ProbeResult result;
    auto addresses = resolve(target, result.error);
    if (addresses.empty()) return result;

    asio::io_context io;
    tcp::socket socket(io);
    std::string request, buffer;
    std::array<char, 4096> chunk;
    std::array<std::uint8_t, 16> nonce;
    std::random_device rd;
    for (auto& b : nonce) b = static_cast<std::uint8_t>(rd());
    const auto key = protocol::make_key(nonce);
    std::vector<std::string> headers{"User-Agent: wsconform/" WSCONFORM_VERSION_STRING};
    headers.insert(headers.end(), options.extra_headers.begin(), options.extra_headers.end());
    request = protocol::build_upgrade_request(target.host_header, target.target, key, headers);

    std::function<void()> read_step;
    read_step = [&] {
        socket.async_read_some(asio::buffer(chunk), [&](const boost::system::error_code& ec,
                                                        std::size_t n) {
            if (ec) {
                result.error = "no WebSocket answer from " + target.url + ": " + ec.message();
                return;
            }
            buffer.append(chunk.data(), n);
            protocol::HttpMessage response;
            auto parsed = protocol::parse_http_head(buffer, false, response);
            if (parsed.status == protocol::HttpParse::Status::need_more) {
                read_step();
                return;
            }
            if (parsed.status == protocol::HttpParse::Status::error) {
                result.error = "no WebSocket answer from " + target.url + ": " +
                               parsed.error.message();
                return;
            }
            protocol::UpgradeResponse info;
            if (auto err = protocol::check_upgrade_response(response, key, {}, {}, info)) {
                result.error = "WebSocket handshake with " + target.url + " failed: " +
                               err.message() + " (status " + std::to_string(response.status) + ")";
                return;
            }
            result.reachable = true;
            if (auto server = response.header("Server")) result.server_header = *server;
            // Leave politely: a close frame (masked, code 1000), then drop.
            static const unsigned char close_frame[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8};
            boost::system::error_code ignored;
            asio::write(socket, asio::buffer(close_frame), ignored);
        });
    };
    asio::async_connect(socket, addresses,
                        [&](const boost::system::error_code& ec, const tcp::endpoint&) {
                            if (ec) {
                                result.error = "cannot connect to " + target.url + ": " +
                                               ec.message();
                                return;
                            }
                            asio::async_write(socket, asio::buffer(request),
                                              [&](const boost::system::error_code& wec,
                                                  std::size_t) {
                                                  if (wec) {
                                                      result.error = "cannot send to " +
                                                                     target.url + ": " +
                                                                     wec.message();
                                                      return;
                                                  }
                                                  read_step();
                                              });
                        });
    io.run_for(options.timeouts.open_handshake);
    if (!result.reachable && result.error.empty())
        result.error = "no WebSocket answer from " + target.url + " within " +
                       std::to_string(options.timeouts.open_handshake.count()) + " ms";
    boost::system::error_code ignored;
    socket.close(ignored);
    return result;
}

RunSummary Runner::run(const Endpoint& target, std::span<const Case* const> cases,
                       const std::function<void(CaseResult&&)>& on_result) {
    RunSummary summary;
    auto& impl = *impl_;
    std::string error;
    const auto addresses = resolve(target, error);

    const unsigned threads =
        std::max(1u, std::min(impl.options.jobs, std::max(1u, std::thread::hardware_concurrency())));
    std::vector<std::unique_ptr<asio::io_context>> contexts;
    std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < threads; ++i) {
        contexts.push_back(std::make_unique<asio::io_context>(1));
        guards.push_back(asio::make_work_guard(*contexts.back()));
    }
    for (unsigned i = 0; i < threads; ++i)
        workers.emplace_back([&io = *contexts[i]] { io.run(); });

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

    std::size_t next = 0, in_flight = 0, memory_in_use = 0;
    // A case's weight against the memory budget: three copies of its largest message (what
    // we send, what comes back, and the write buffer).
    auto weight = [](const Case& c) { return c.websocket() ? 3 * c.websocket()->memory_hint : 0; };
    std::function<void()> launch_more;  // called with impl.mutex held
    launch_more = [&] {
        while (!impl.stopped && in_flight < impl.options.jobs && next < cases.size()) {
            const std::size_t cost = weight(*cases[next]);
            if (in_flight > 0 && memory_in_use + cost > impl.options.memory_budget) break;
            memory_in_use += cost;
            const std::size_t index = next++;
            ++in_flight;
            auto& io = *contexts[index % contexts.size()];
            SessionConfig config{.agent = impl.options.agent,
                                 .case_number = static_cast<int>(index + 1),
                                 .timeouts = impl.options.timeouts,
                                 .max_message = impl.options.max_message,
                                 .extra_headers = impl.options.extra_headers};
            auto on_done = [&, index](CaseResult&& result) {
                bool report;
                {
                    std::lock_guard lock(impl.mutex);
                    report = !impl.stopped;
                    impl.running.erase(index);
                    impl.running_http.erase(index);
                }
                if (report) {
                    std::lock_guard lock(result_mutex);
                    pending.push_back(std::move(result));
                    result_ready.notify_one();
                }
                std::lock_guard lock(impl.mutex);
                --in_flight;
                memory_in_use -= weight(*cases[index]);
                if (report) ++summary.finished;
                launch_more();
                impl.changed.notify_all();
            };
            if (cases[index]->is_handshake_case()) {
                // Section 14 runs raw HTTP (harness/http_case.h); a case for clients has
                // nothing to do here and is reported as not applicable.
                if (!cases[index]->http_server_probe()) {
                    asio::post(io, [on_done, c = cases[index], config]() mutable {
                        on_done(not_applicable_result(*c, config, false));
                    });
                    continue;
                }
                auto http = std::make_shared<HttpCase>(io, *cases[index], std::move(config), on_done);
                impl.running_http[index] = http;
                asio::post(io, [http, &addresses, &target] {
                    http->start_as_client(addresses, target.host_header, target.target);
                });
                continue;
            }
            auto session =
                std::make_shared<CaseSession>(io, *cases[index], std::move(config), on_done);
            impl.running[index] = session;
            asio::post(io, [session, &addresses, &target] {
                session->start_as_client(addresses, target.host_header, target.target);
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
                impl.stop_reason = "the run timeout (" +
                                   std::to_string(impl.options.run_timeout.count() / 1000.0) +
                                   " s) passed";
            }
        } else {
            impl.changed.wait(lock, done);
        }
        if (impl.stopped) {
            summary.stopped = true;
            summary.stop_reason = impl.stop_reason;
            for (auto& [index, weak] : impl.running) {
                if (auto session = weak.lock()) {
                    auto& io = *contexts[index % contexts.size()];
                    asio::post(io, [session, why = impl.stop_reason] { session->abort(why); });
                }
            }
            for (auto& [index, weak] : impl.running_http) {
                if (auto http = weak.lock()) {
                    auto& io = *contexts[index % contexts.size()];
                    asio::post(io, [http, why = impl.stop_reason] { http->abort(why); });
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
