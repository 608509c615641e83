// Echo server on Boost.Beast (Boost 1.81 headers from Debian's libboost1.81-dev).
//
// usage: beast-echo PORT [--tls CERT KEY]   (wss:// with --tls: CERT and KEY are PEM files)
// Prints "LISTENING <port>" once the socket accepts connections.
// One thread per connection, synchronous I/O: Beast's sync operations have no
// timeouts, so there are no idle timeouts and no keepalive pings.
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/version.hpp>
#include <boost/beast/websocket.hpp>

#include <unistd.h>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <thread>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

namespace {

// Echoes every message on `ws` (a plain or a TLS stream) until the connection ends.
template <class NextLayer>
void echo(websocket::stream<NextLayer>& ws) {
    websocket::permessage_deflate pmd;
    pmd.server_enable = true;  // negotiate permessage-deflate with the library's defaults
    ws.set_option(pmd);
    ws.read_message_max(64ull << 20);  // default 16 MB
    ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
        res.set(beast::http::field::server,
                std::string("wsconform-beast-echo ") + BOOST_BEAST_VERSION_STRING);
    }));
    ws.accept();
    beast::flat_buffer buffer;
    for (;;) {
        buffer.clear();
        ws.read(buffer);  // pings are answered and close is handled inside read
        ws.text(ws.got_text());
        ws.write(buffer.data());
    }
}

void session(tcp::socket socket, asio::ssl::context* tls) {
    try {
        if (tls) {
            websocket::stream<beast::ssl_stream<tcp::socket>> ws{std::move(socket), *tls};
            ws.next_layer().handshake(asio::ssl::stream_base::server);
            echo(ws);
        } else {
            websocket::stream<tcp::socket> ws{std::move(socket)};
            echo(ws);
        }
    } catch (const beast::system_error& e) {
        if (e.code() != websocket::error::closed && e.code() != asio::error::eof &&
            e.code() != asio::error::connection_reset && e.code() != asio::error::broken_pipe &&
            e.code() != websocket::error::buffer_overflow &&
            e.code() != asio::ssl::error::stream_truncated)
            std::cerr << "beast-echo: " << e.code().message() << '\n';
    } catch (const std::exception& e) {
        std::cerr << "beast-echo: " << e.what() << '\n';
    }
}

}  // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    for (int sig : {SIGTERM, SIGINT}) std::signal(sig, [](int) { _exit(0); });
    unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 0;
    try {
        std::optional<asio::ssl::context> tls;
        if (argc == 5 && std::string(argv[2]) == "--tls") {
            tls.emplace(asio::ssl::context::tls_server);
            tls->use_certificate_chain_file(argv[3]);
            tls->use_private_key_file(argv[4], asio::ssl::context::pem);
        } else if (argc > 2) {
            std::cerr << "usage: beast-echo PORT [--tls CERT KEY]\n";
            return 2;
        }
        asio::io_context ioc{1};
        tcp::acceptor acceptor{ioc};
        tcp::endpoint ep{asio::ip::make_address("127.0.0.1"), port};
        acceptor.open(ep.protocol());
        acceptor.set_option(asio::socket_base::reuse_address(true));
        acceptor.bind(ep);
        acceptor.listen(asio::socket_base::max_listen_connections);
        std::printf("LISTENING %u\n", static_cast<unsigned>(acceptor.local_endpoint().port()));
        std::fflush(stdout);
        for (;;) {
            tcp::socket socket{ioc};
            acceptor.accept(socket);
            std::thread{session, std::move(socket), tls ? &*tls : nullptr}.detach();
        }
    } catch (const std::exception& e) {
        std::cerr << "beast-echo: " << e.what() << '\n';
        return 1;
    }
}
