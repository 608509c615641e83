// `wsconform serve --listen ADDR`: the built-in strict reference echo server.
#include <CLI/CLI.hpp>

#include <cstddef>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "cli/security_options.h"
#include "harness/echo_server.h"

namespace wsconform::cli {

namespace {

struct ServeOptions {
    std::string listen = "127.0.0.1:9001";
    std::size_t max_message = 64u << 20;
    std::size_t max_fragments = 100000;
    unsigned threads = 2;
    // permessage-deflate
    bool no_deflate = false;
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    int client_max_window_bits = 0;
    bool recompress = false;
    int level = 1;
    ServerTlsOptions tls;
    std::vector<std::string> allowed_origins;
    bool http2 = false;
};

int run_serve(const ServeOptions& o) {
    harness::EchoServerOptions options;
    options.deflate = !o.no_deflate;
    options.deflate_policy.request_server_no_context_takeover = o.server_no_context_takeover;
    options.deflate_policy.request_client_no_context_takeover = o.client_no_context_takeover;
    options.deflate_policy.request_client_max_window_bits = o.client_max_window_bits;
    options.deflate_passthrough = !o.recompress;
    options.deflate_level = o.level;
    parse_listen(o.listen, options.host, options.port);
    options.max_message = o.max_message;
    options.max_fragments = o.max_fragments;
    options.threads = o.threads;
    options.stop_on_signals = true;
    auto tls = o.tls;
    tls.http2 = o.http2;
    options.tls = server_tls_context(tls);
    options.http2 = o.http2;
    check_origins(o.allowed_origins);
    options.allowed_origins = o.allowed_origins;
    harness::EchoServer server(options);
    try {
        server.listen();
    } catch (const std::system_error& e) {
        throw UsageError(e.what());
    }
    std::cout << "wsconform serve: listening on "
              << listening_url(options.host, server.port(), options.tls != nullptr) << "/"
              << std::endl;
    server.run();
    return kExitOk;
}

CLI::App* serve_subcommand(CLI::App& app, ServeOptions& o) {
    auto* sub = app.add_subcommand("serve", "Run the built-in strict reference echo server");
    sub->add_option("--listen", o.listen, "HOST:PORT to listen on (port 0: any free port)")
        ->capture_default_str();
    add_whole_option(*sub, "--max-message", o.max_message, {1, 4294967296.0, "bytes"},
                     "largest message accepted");
    add_whole_option(*sub, "--max-fragments", o.max_fragments, {1, 4294967296.0, "frames"},
                     "most frames in one message (more: close 1009)")
        ->capture_default_str();
    add_whole_option(*sub, "--threads", o.threads, {1, 64}, "I/O threads");
    sub->add_flag("--no-deflate", o.no_deflate, "never accept permessage-deflate");
    sub->add_flag("--deflate-server-no-context-takeover", o.server_no_context_takeover,
                  "reset our compression context after every message");
    sub->add_flag("--deflate-client-no-context-takeover", o.client_no_context_takeover,
                  "ask clients to reset theirs (client_no_context_takeover)");
    add_whole_option(*sub, "--deflate-client-max-window-bits", o.client_max_window_bits, {9, 15},
                     "ask clients that allow it for this window size (client_max_window_bits)");
    sub->add_flag("--deflate-recompress", o.recompress,
                  "compress every echo ourselves, even where the client's own compressed "
                  "bytes would do");
    add_whole_option(*sub, "--deflate-level", o.level, {0, 9},
                     "zlib level of the echoes we compress")
        ->capture_default_str();
    add_server_tls_options(*sub, o.tls);
    sub->add_flag("--http2", o.http2,
                  "also serve WebSocket over HTTP/2 (RFC 8441) on the same port: h2c with prior "
                  "knowledge, ALPN h2 with --tls-cert; HTTP/1.1 upgrades still work");
    add_allowed_origin_option(*sub, o.allowed_origins);
    return sub;
}

}  // namespace

Command serve_command(CLI::App& app) {
    return add_command<ServeOptions>(app, serve_subcommand, run_serve);
}

}  // namespace wsconform::cli
