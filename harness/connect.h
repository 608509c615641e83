// From an endpoint (a URL and how to reach it) to what the connector needs: the addresses to
// try, and TLS for wss://. The one place a run resolves the server it tests.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "harness/endpoint.h"
#include "harness/transport/connector.h"

namespace wsconform::harness {

// Resolves the endpoint's host (or its connect override). On failure the address list is
// empty and `error` says why in one line.
transport::ConnectTarget connect_target(const Endpoint& endpoint, std::string& error);

// What a session hands connect_session().
struct SessionConnect {
    // The connect is over, either way: the session forgets it, and says whether it has ended
    // meanwhile (then a new stream is closed and neither handler below runs).
    std::function<bool()> returned;
    std::function<void(transport::StreamPtr)> opened;
    // `why`: one line, "no address to connect to" or the connector's error.
    std::function<void(const transport::ErrorCode&, std::string why)> failed;
};

// The one connect of a case session (WebSocket or raw HTTP), which may end while it runs.
std::shared_ptr<transport::PendingConnect> connect_session(boost::asio::io_context& io,
                                                           const transport::ConnectTarget& server,
                                                           SessionConnect handlers);

// The same for a session with the three hooks as members: connect_returned(),
// connect_opened(stream) and connect_failed(why); it stays alive until the connect is over.
template <class Session>
std::shared_ptr<transport::PendingConnect> connect_session(boost::asio::io_context& io,
                                                           const transport::ConnectTarget& server,
                                                           std::shared_ptr<Session> session) {
    return connect_session(
        io, server,
        {.returned = [session] { return session->connect_returned(); },
         .opened = [session](transport::StreamPtr s) { session->connect_opened(std::move(s)); },
         .failed = [session](const transport::ErrorCode&,
                             std::string why) { session->connect_failed(std::move(why)); }});
}

}  // namespace wsconform::harness
