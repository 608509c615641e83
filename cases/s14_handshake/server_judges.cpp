#include "cases/s14_handshake/server_judges.h"

#include <tuple>
#include <utility>
#include <vector>

#include "cases/s14_handshake/closing.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases::handshake {

namespace {

using harness::HeadStatus;
using harness::HttpEnd;
using protocol::iequals;

// All of §4.1's checks of a response (status, Upgrade, Connection, accept, subprotocol,
// extensions), plus RFC 7692 §7.1 for permessage-deflate; nullopt when valid.
std::optional<std::string> response_problem(const ServerExchange& x) {
    const auto& rq = x.request;
    std::vector<std::string> names = rq.other_extensions;
    if (!rq.deflate_offers.empty()) names.emplace_back(protocol::kPermessageDeflate);
    protocol::UpgradeResponse info;
    if (auto ec = protocol::check_upgrade_response(x.response, rq.key, rq.protocols, names, info))
        return ec.message();
    for (const auto& ext : info.extensions) {
        if (!iequals(ext.name, protocol::kPermessageDeflate)) continue;
        protocol::DeflateParams agreed;
        if (auto ec = protocol::check_deflate_response(ext, rq.deflate_offers, agreed))
            return "permessage-deflate response: " + ec.message() + " (RFC 7692 7.1)";
    }
    return std::nullopt;
}

// behaviorClose when the server did not upgrade: it closed TCP, or kept it open as a
// persistent HTTP/1.1 connection without announcing "Connection: close" -> OK; it upgraded,
// never answered, or said close and did not -> FAILED.
std::pair<Behavior, std::string> close_after_refusal(const ServerExchange& x) {
    const bool answered = x.head == HeadStatus::complete;
    if (answered && x.response.status == 101)
        return {Behavior::failed, "The server switched the connection to WebSocket"};
    if (x.end == HttpEnd::peer_closed || x.end == HttpEnd::peer_reset)
        return {Behavior::ok, answered ? "The server closed the connection after its answer"
                                       : "The server closed the connection"};
    if (!answered)
        return {Behavior::failed,
                "The server neither answered nor closed the connection; we closed"};
    if (x.response.has_token("Connection", "close"))
        return {
            Behavior::failed,
            "The server announced Connection: close but kept the connection open (RFC 9112 9.6)"};
    return {Behavior::ok,
            "The server kept the connection open for further HTTP requests, as HTTP/1.1 "
            "allows (RFC 9112 9.3); we closed"};
}

}  // namespace

ServerJudge accepts() {
    return response_rule(
        [](const ServerExchange& x) -> std::optional<std::string> {
            if (auto problem = response_problem(x))
                return "The server answered 101, but " + *problem;
            if (!x.echoed())
                return "A valid 101, but our message did not come back (" +
                       describe_messages(x.messages) + ")";
            return std::nullopt;
        },
        "A valid 101, and our message came back");
}

ServerJudge refuses(Refusal rule) {
    return [rule](const ServerExchange& x) {
        Verdict v;
        const bool answered = x.head == HeadStatus::complete;
        const int status = answered ? x.response.status : 0;
        const bool closed = x.end == HttpEnd::peer_closed || x.end == HttpEnd::peer_reset;
        if (answered && status == 101) {
            v.behavior = Behavior::failed;
            v.result =
                "The server answered 101 Switching Protocols: it upgraded an invalid request";
            if (x.echoed()) v.result += ", and echoed our WebSocket message";
        } else if (answered && status >= 400 && status < 500) {
            v.behavior = Behavior::ok;
            v.result = "Refused with " + describe_head(x);
            if (rule.version_header && !x.response.has_token("Sec-WebSocket-Version", "13")) {
                v.behavior = Behavior::failed;
                v.result +=
                    ", but without a Sec-WebSocket-Version header listing 13 (RFC 6455 4.2.2)";
            } else if (rule.status && status != *rule.status) {
                v.behavior = Behavior::non_strict;
                v.result += "; " + rule.status_rule + " names " + std::to_string(*rule.status);
            }
        } else if (answered) {
            v.behavior = Behavior::non_strict;
            v.result = "Not upgraded, but answered " + describe_head(x) +
                       ", not a 4xx client error as RFC 6455 4.2.1 asks";
        } else if (x.head == HeadStatus::none && closed) {
            v.behavior = Behavior::non_strict;
            v.result =
                "Not upgraded, but the server closed the connection without an HTTP "
                "answer; RFC 6455 4.2.1 asks for an error response such as 400";
        } else {
            v.behavior = Behavior::failed;
            v.result = "The server gave " + describe_head(x);
        }
        std::tie(v.behavior_close, v.result_close) = close_after_refusal(x);
        return v;
    };
}

ServerJudge response_rule(ResponseCheck check, std::string ok_text) {
    return [check = std::move(check), ok_text = std::move(ok_text)](const ServerExchange& x) {
        if (!x.got_status(101))
            return with_close(Behavior::failed,
                              "The request is valid, but the server answered " + describe_head(x),
                              x);
        if (auto problem = check(x)) return with_close(Behavior::failed, *problem, x);
        return with_close(Behavior::ok, ok_text, x);
    };
}

std::optional<std::string> deflate_response_problem(const ServerExchange& x) {
    if (x.response.header_count("Sec-WebSocket-Extensions") == 0) return std::nullopt;
    std::vector<protocol::Extension> exts;
    if (auto ec = protocol::parse_extensions(x.response.combined("Sec-WebSocket-Extensions"), exts))
        return "Sec-WebSocket-Extensions does not parse: " + ec.message();
    int deflates = 0;
    for (const auto& ext : exts) {
        if (!iequals(ext.name, protocol::kPermessageDeflate))
            return "the response names extension '" + ext.name +
                   "', which we did not offer (RFC 6455 9.1)";
        if (++deflates > 1)
            return "the response accepts permessage-deflate more than once (RFC 7692 5)";
        protocol::DeflateParams agreed;
        if (auto ec = protocol::check_deflate_response(ext, x.request.deflate_offers, agreed))
            return "the permessage-deflate response does not fit our offer: " + ec.message();
    }
    return std::nullopt;
}

ServerJudge declines_invalid_offer(std::string ok_text) {
    auto fits = response_rule(deflate_response_problem, std::move(ok_text));
    return [fits = std::move(fits)](const ServerExchange& x) {
        if (x.head == HeadStatus::complete && x.response.status >= 400 && x.response.status < 500) {
            auto [close, close_text] = close_after_refusal(x);
            return harness::make_verdict(
                Behavior::non_strict,
                "The server refused the whole handshake (" + describe_head(x) +
                    ") instead of declining the invalid offer and accepting the valid one",
                close, std::move(close_text));
        }
        return fits(x);
    };
}

}  // namespace wsconform::cases::handshake
