#include "tests/support/case_runs.h"

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "cases/registry.h"
#include "harness/echo_server.h"
#include "harness/endpoint.h"
#include "harness/fuzzing_server.h"

namespace wsconform::test_support {

std::vector<const harness::Case*> select(const std::string& pattern) {
    const std::vector<std::string> include{pattern};
    return cases::select(include, {});
}

std::string columns(const harness::Verdict& v) {
    return std::string(harness::to_string(v.behavior)) + " / " +
           std::string(harness::to_string(v.behavior_close));
}

std::string explain(const harness::CaseResult& r) {
    return columns(r.verdict) + " (" + std::string(harness::to_string(r.verdict.outcome)) +
           "): " + r.verdict.result + " | " + r.verdict.result_close;
}

harness::RunOptions quick_options(std::chrono::milliseconds head_wait) {
    harness::RunOptions options;
    options.agent = "wsconform-test";
    options.jobs = 8;
    options.timeouts.open_handshake = head_wait;
    return options;
}

Results run_server_cases(std::uint16_t port, const std::vector<std::string>& patterns,
                         harness::RunOptions options) {
    std::string error;
    const auto endpoint =
        harness::parse_ws_url("ws://127.0.0.1:" + std::to_string(port) + "/", error);
    EXPECT_TRUE(endpoint) << error;
    Results results;
    if (!endpoint) return results;
    harness::Runner runner(options);
    const auto cases = cases::select(patterns, {});
    const auto summary = runner.run(*endpoint, cases, [&](harness::CaseResult&& r) {
        results.emplace(r.test->id, std::move(r));
    });
    EXPECT_EQ(summary.finished, cases.size());
    return results;
}

Results run_reference_server_cases(const std::vector<std::string>& patterns) {
    harness::EchoServerOptions options;
    options.port = 0;
    harness::EchoServer server(options);
    server.listen();
    server.start_background();
    auto results = run_server_cases(server.port(), patterns);
    server.stop();
    return results;
}

Results run_client_cases(ClientFlaw flaw, const std::vector<std::string>& patterns,
                         const std::string& agent) {
    harness::FuzzingServerOptions options;
    options.port = 0;
    std::mutex mutex;
    Results results;
    harness::FuzzingServerHooks hooks;
    hooks.on_result = [&](harness::CaseResult&& r) {
        std::lock_guard lock(mutex);
        results.emplace(r.test->id, std::move(r));
    };
    const auto cases = cases::select(patterns, {});
    harness::FuzzingServer server(options, cases, hooks);
    server.listen();
    std::thread io([&] { server.run(); });
    for (std::size_t i = 1; i <= cases.size(); ++i) {
        test_support::run_client_case(server.port(), static_cast<int>(i), agent, flaw);
        // The case ends on the server's side a little after the client is done.
        const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        for (;;) {
            {
                std::lock_guard lock(mutex);
                if (results.size() >= i) break;
            }
            if (std::chrono::steady_clock::now() > until) break;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
    }
    server.stop();
    io.join();
    std::lock_guard lock(mutex);
    EXPECT_EQ(results.size(), cases.size());
    return results;
}

}  // namespace wsconform::test_support
