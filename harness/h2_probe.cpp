#include "harness/h2_probe.h"

#include <boost/asio/io_context.hpp>

#include "harness/transport/h2_session.h"
#include "harness/transport/tls_context.h"
#include "protocol/close.h"
#include "protocol/frame.h"
#include "protocol/h2_headers.h"
#include "protocol/http.h"

namespace wsconform::harness {

ProbeResult probe_h2(const Endpoint& target, const transport::ConnectTarget& server,
                     const RunOptions& options) {
    ProbeResult result;
    boost::asio::io_context io;
    std::shared_ptr<transport::H2Session> session;
    transport::H2StreamPtr stream;
    bool finished = false;
    std::vector<std::string> headers{"User-Agent: wsconform/" WSCONFORM_VERSION_STRING};
    headers.insert(headers.end(), options.extra_headers.begin(), options.extra_headers.end());
    const auto offered = protocol::offered_subprotocols(options.extra_headers);
    // Leave politely: a masked close frame with code 1000, then END_STREAM.
    const auto close_frame = protocol::encode_frame(
        {.fin = true, .opcode = protocol::opcode::close, .masked = true, .mask_key = {}},
        protocol::build_close_payload(1000));

    auto pending = transport::async_connect(
        io, server, [&](const transport::ErrorCode& ec, transport::StreamPtr connection) {
            if (ec) {
                result.error = "cannot connect to " + target.url + ": " + ec.message();
                finished = true;
                return;
            }
            const auto* tls = connection->tls_session();
            // A TLS server that does not speak HTTP/2 cannot be reached over it at all.
            result.connected = !tls || tls->alpn == "h2";
            if (!result.connected) {
                result.error = target.url + ": " +
                               transport::make_error_code(transport::H2Error::not_h2).message();
                connection->close();
                finished = true;
                return;
            }
            session = transport::H2Session::client(connection, {.close_when_idle = true});
            session->open_websocket(
                protocol::build_extended_connect(tls ? "https" : "http", target.host_header,
                                                 target.target, headers),
                [&](const transport::ErrorCode& ec, transport::H2StreamPtr opened,
                    protocol::H2Fields response) {
                    if (finished) return;  // given up at the deadline, which says why
                    if (ec) {
                        result.error =
                            "no WebSocket over HTTP/2 from " + target.url + ": " + ec.message();
                        session->close();
                        finished = true;
                        return;
                    }
                    stream = std::move(opened);
                    if (auto name = protocol::find_field(response, "server"))
                        result.server_header = std::string(*name);
                    protocol::UpgradeResponse info;
                    if (auto err = protocol::check_extended_connect_response(response, offered, {},
                                                                             info)) {
                        result.error =
                            "WebSocket handshake over HTTP/2 with " + target.url +
                            " failed: " + err.message() + " (status " +
                            std::string(
                                protocol::find_field(response, ":status").value_or("none")) +
                            ")";
                        stream->abort();
                        finished = true;
                        return;
                    }
                    result.upgraded = true;
                    stream->async_write_then_shutdown(
                        boost::asio::buffer(close_frame),
                        [&](const transport::ErrorCode&, std::size_t) {
                            stream->close();
                            finished = true;
                        });
                });
        });
    const auto until = std::chrono::steady_clock::now() + options.timeouts.open_handshake;
    while (!finished && io.run_one_until(until) > 0) {
    }
    if (!finished) {
        const std::string what = !result.connected ? "cannot connect to "
                                 : session && !session->settings_received()
                                     ? "no HTTP/2 SETTINGS (the server's connection preface, RFC "
                                       "9113 3.4) from "
                                     : "no WebSocket answer over HTTP/2 from ";
        result.error = what + target.url + " within " +
                       std::to_string(options.timeouts.open_handshake.count()) + " ms";
        finished = true;
        pending->cancel();
        if (stream) stream->abort();
        if (session) session->close();
    }
    io.run_for(std::chrono::milliseconds(50));  // our last frames go out
    return result;
}

}  // namespace wsconform::harness
