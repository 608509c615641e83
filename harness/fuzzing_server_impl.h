// The client-testing server's inside, shared by its two source files: fuzzing_server.cpp (the
// listener, HTTP/1.1, the URL protocol, the cases) and fuzzing_server_h2.cpp (HTTP/2: the
// driver page, extended CONNECTs, section 17's client cases on connections of their own).
// Private to harness/: nothing outside these two files includes it.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "harness/fuzzing_server.h"
#include "harness/h2_client_case.h"
#include "harness/http_case.h"
#include "harness/running_case.h"
#include "harness/transport/h2_session.h"
#include "harness/transport/listener.h"
#include "harness/transport/tls_context.h"
#include "protocol/h2_headers.h"
#include "protocol/handshake.h"

namespace wsconform::harness {

using transport::StreamPtr;

// A request target split into its path and its decoded query parameters.
struct RequestTarget {
    std::string path;
    std::map<std::string, std::string> query;
};
RequestTarget split_request_target(std::string_view target);

struct FuzzingServer::Impl : std::enable_shared_from_this<FuzzingServer::Impl> {
    FuzzingServerOptions options;
    std::vector<const Case*> cases;
    FuzzingServerHooks hooks;
    boost::asio::io_context io{1};
    std::shared_ptr<transport::Listener> listener;
    std::atomic<std::size_t> finished{0};
    std::atomic<bool> stopping{false};
    std::string stop_reason;               // io thread only; set: the cases a stop ends are not run
    std::set<std::string> updated_agents;  // io thread only
    // (agent, case id) -> behavior, for /getCaseStatus; io thread only.
    std::map<std::pair<std::string, std::string>, std::string> statuses;
    // A case judged already for this agent keeps its verdict: a later connection for it (a
    // client that retries, a fallback, a case's own connection that ran) has nothing to add,
    // and the prediction of the next connection's case does not move back to it.
    bool judged(const std::string& agent, const std::string& id) const {
        return statuses.contains({agent, id});
    }
    std::multimap<std::pair<std::string, std::string>, std::function<void(const std::string&)>>
        status_waiters;
    // The running cases (to stop them with the server), and what each agent did on its
    // earlier connections (section 14 compares a client's connections).
    std::vector<std::weak_ptr<RunningCase>> running;
    std::shared_ptr<ClientHistories> histories = std::make_shared<ClientHistories>();
    // Section 16's certificates are chosen in the TLS handshake, before a request names its
    // case. A driver runs cases in order, one connection each, so the case it asks for next
    // is the one after its last /runCase: that case's certificate is presented to the next
    // connection. A refused handshake is that case's pass, and the driver moves on.
    int predicted_case = 0;  // 1-based; 0: not known yet
    std::string last_agent;  // FuzzingServer's constructor starts it at expected_agent
    std::map<CertificateFlaw, std::shared_ptr<const transport::TlsIdentity>> flawed;
    // Section 17's client cases whose SETTINGS differ (H2SettingsProfile other than normal) get
    // the next HTTP/2 connection by the same prediction: the case under way on its own
    // connection, and the echo scripts of the others (reported under their case).
    std::weak_ptr<H2ClientCase> h2_client;
    int h2_client_number = 0;
    std::map<const Case*, std::unique_ptr<Case>> echo_cases;

    const Case* predicted_h2_client_case() const {
        if (!options.http2 || predicted_case < 1 ||
            static_cast<std::size_t>(predicted_case) > cases.size())
            return nullptr;
        const Case* c = cases[predicted_case - 1];
        const auto* probe = c->h2_client_probe();
        if (!probe || probe->profile == H2SettingsProfile::normal) return nullptr;
        if (hooks.is_excluded && hooks.is_excluded(last_agent, c->id)) return nullptr;
        if (judged(last_agent, c->id)) return nullptr;
        if (!h2_client.expired() && h2_client_number == predicted_case) return nullptr;
        return c;
    }
    const Case& echo_case(const Case& test);

    const Case* predicted_certificate_case() const {
        if (predicted_case < 1 || static_cast<std::size_t>(predicted_case) > cases.size())
            return nullptr;
        const Case* c = cases[predicted_case - 1];
        if (c->tls.certificate == CertificateFlaw::none || !options.flawed_certificate)
            return nullptr;
        if (hooks.is_excluded && hooks.is_excluded(last_agent, c->id)) return nullptr;
        return c;
    }
    std::shared_ptr<const transport::TlsIdentity> choose_identity();
    void on_tls_failure(const std::string& remote, const transport::ErrorCode& ec,
                        const transport::TlsSessionInfo& session);

    void track(const std::shared_ptr<RunningCase>& r) {
        std::erase_if(running, [](auto& w) { return w.expired(); });
        running.push_back(r);
    }

    void log(const std::string& line) {
        if (hooks.on_log) hooks.on_log(line);
    }

    // One client's opening request, judged: an HTTP/1.1 upgrade on `stream`, or (`h2` set)
    // an extended CONNECT on the HTTP/2 stream `h2` (RFC 8441 §4-5). Answered the same way
    // whichever it is.
    struct Opening {
        StreamPtr stream;
        transport::H2StreamPtr h2;
        protocol::UpgradeRequest upgrade;  // over HTTP/2 `key` is empty and `host` the :authority
        std::string request_text;          // as the report shows it: the head, or the header fields
        protocol::H2Fields fields;         // HTTP/2: the request's header fields, as they came
        std::size_t consumed = 0;          // HTTP/1.1: the head's length in request_text
    };

    void on_accept(StreamPtr stream);
    void on_request(StreamPtr stream, std::string head, std::size_t consumed);
    void dispatch(Opening o);
    void serve_h2(StreamPtr stream, std::string preread);
    void on_h2_request(const transport::H2StreamPtr& h2, const protocol::H2Fields& request);
    void h2_answer(const transport::H2StreamPtr& h2, const protocol::H2Fields& response,
                   std::string body);
    void h2_prepare_case(const transport::H2StreamPtr& h2, std::string_view path);
    void reject(StreamPtr stream, std::string response);
    void refuse(const Opening& o, const std::string& why);
    void upgrade_and_send(const Opening& o, std::vector<std::string> texts);
    void run_case(Opening o, const Case& test, int number, const std::string& agent);
    void run_h2_client_case(Opening o, const Case& test, int number, const std::string& agent);
    std::function<void(CaseResult&&)> case_done(const std::string& agent, const std::string& id);
    // The case (and its agent and number) a /runCase target asks for, or `endpoint`'s.
    const Case* requested_case(std::string_view request_target, std::string& agent, int& number,
                               std::string_view endpoint = "/runCase");
    void shutdown(std::string not_run_reason = {});
};

}  // namespace wsconform::harness
