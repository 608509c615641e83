// wsconform_test_driver: the client under test that `wsconform test-client --run` starts in
// the tests. It drives the server the way Autobahn's testee clients do: /getCaseCount, every
// case with /runCase?case=N, then /updateReports.
//
//   wsconform_test_driver ws://127.0.0.1:PORT AGENT [--bug NAME] [--parallel K] [--limit N]
//                         [--deflate] [--max-fragments N] [--http2] [--ca FILE]
//                         [--connect-before-settings]
//   wsconform_test_driver wss://localhost:PORT AGENT --http2 --ca FILE ...
//
// --bug plants one of the BuggyClient bugs; --limit runs only the first N cases. --deflate
// offers permessage-deflate (and holds inflated messages to 16 MiB), --max-fragments fails a
// message of more than N frames with 1009: the limits section 15 looks for. --http2 opens each
// WebSocket with an extended CONNECT over HTTP/2 (RFC 8441): h2c on ws://, TLS with ALPN h2 on
// wss:// (trusting the CA in --ca; wss:// is for --http2 only); --connect-before-settings is the
// planted RFC 8441 §3 mistake (the CONNECT before the server's SETTINGS). Exit 0 when the
// server answered everything, 4 when it did not, 2 on a bad command line.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "tests/support/buggy_client.h"

namespace {

using wsconform::test_support::BuggyClient;
using wsconform::test_support::ClientBug;

int usage(const char* why) {
    std::fprintf(stderr,
                 "wsconform_test_driver: %s\nusage: wsconform_test_driver ws://127.0.0.1:PORT "
                 "AGENT [--bug NAME] [--parallel K] [--limit N] [--deflate] [--max-fragments N] "
                 "[--http2] [--ca FILE] [--connect-before-settings]\n",
                 why);
    return 2;
}

bool parse_number(std::string_view text, long& out) {
    if (text.empty()) return false;
    char* end = nullptr;
    const std::string s(text);
    out = std::strtol(s.c_str(), &end, 10);
    return end && *end == '\0' && out >= 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) return usage("need a URL and an agent");
    std::string_view url = argv[1];
    const std::string agent = argv[2];
    constexpr std::string_view kPrefix = "ws://127.0.0.1:";
    constexpr std::string_view kTlsPrefix = "wss://localhost:";
    wsconform::test_support::ClientOptions options;
    if (url.starts_with(kTlsPrefix)) {
        options.tls = true;
        url.remove_prefix(kTlsPrefix.size());
    } else if (url.starts_with(kPrefix)) {
        url.remove_prefix(kPrefix.size());
    } else {
        return usage("the URL must be ws://127.0.0.1:PORT[/] or wss://localhost:PORT[/]");
    }
    if (url.ends_with('/')) url.remove_suffix(1);
    long port = 0;
    if (!parse_number(url, port) || port == 0 || port > 65535) return usage("bad port");

    ClientBug bug = ClientBug::none;
    long parallel = 16;
    long limit = -1;
    for (int i = 3; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--deflate" || arg == "--http2" || arg == "--connect-before-settings") {
            (arg == "--http2"     ? options.http2
             : arg == "--deflate" ? options.offer_deflate
                                  : options.connect_before_settings) = true;
            continue;
        }
        if (i + 1 >= argc) return usage("an option without its value");
        const std::string_view value = argv[++i];
        if (arg == "--bug") {
            const auto b = wsconform::test_support::client_bug_from_string(value);
            if (!b) return usage("unknown bug");
            bug = *b;
        } else if (arg == "--parallel") {
            if (!parse_number(value, parallel) || parallel < 1) return usage("bad --parallel");
        } else if (arg == "--limit") {
            if (!parse_number(value, limit)) return usage("bad --limit");
        } else if (arg == "--ca") {
            options.ca_file = value;
        } else if (arg == "--max-fragments") {
            long n = 0;
            if (!parse_number(value, n)) return usage("bad --max-fragments");
            options.max_fragments = static_cast<std::size_t>(n);
        } else {
            return usage("unknown option");
        }
    }

    if (options.tls && !options.http2) return usage("wss:// is for --http2 only");
    const BuggyClient client(static_cast<std::uint16_t>(port), bug, options);
    const auto count = client.case_count();
    if (!count) {
        std::fprintf(stderr, "wsconform_test_driver: /getCaseCount failed\n");
        return 4;
    }
    const int n = limit >= 0 ? std::min<int>(*count, static_cast<int>(limit)) : *count;
    std::vector<std::string> targets;
    for (int i = 1; i <= n; ++i)
        targets.push_back(wsconform::test_support::run_case_target(i, agent));
    const auto results = client.open_all(targets, static_cast<unsigned>(parallel));
    // A response the driver itself rejected (a malformed head, a 101 it must refuse, over TLS a
    // certificate it must refuse) is the client doing its job in a handshake case, not the
    // server failing to answer.
    int refused = 0;
    int rejected = 0;
    for (const auto& r : results) {
        if (r.rejected_response)
            ++rejected;
        else if (!r.opened())
            ++refused;
    }
    if (!client.update_reports(agent)) {
        std::fprintf(stderr, "wsconform_test_driver: /updateReports failed\n");
        return 4;
    }
    std::printf(
        "wsconform_test_driver: ran %d of %d cases as '%s' (%d refused by the server, "
        "%d responses rejected by the driver)\n",
        n, *count, agent.c_str(), refused, rejected);
    return refused ? 4 : 0;
}
