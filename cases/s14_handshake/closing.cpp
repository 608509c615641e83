#include "cases/s14_handshake/closing.h"

#include "harness/model/judge.h"

namespace wsconform::cases::handshake {

namespace {

using harness::HeadStatus;
using harness::HttpEnd;

// Both exchanges name the closing handshake's facts alike.
template <class Exchange>
std::pair<Behavior, std::string> after_our_close(const Exchange& x, bool opened,
                                                 bool we_are_server) {
    const std::string peer = we_are_server ? "client" : "server";
    if (opened && !x.frame_error.empty())
        return {Behavior::failed, "The " + peer + "'s frames broke RFC 6455: " + x.frame_error};
    if (opened && !x.peer_closed_first && !x.we_sent_close)
        return {Behavior::failed,
                std::string("The connection ended before our closing handshake: ") +
                    harness::to_string(x.end)};
    if (opened && !x.peer_closed_first && !x.peer_sent_close)
        return {Behavior::unclean,
                std::string("No close frame came back: ") + harness::to_string(x.end)};
    harness::Observation o;
    o.is_server = we_are_server;
    o.was_open = opened;
    o.expected_close = {.closed_by_me = true, .close_codes = {1000}, .require_clean = true};
    o.closed_by_me = !x.peer_closed_first;
    o.was_clean = x.peer_sent_close;
    o.remote_close_code = x.peer_close_code;
    o.dropped_by_me = x.end != HttpEnd::peer_closed;
    auto close = harness::close_behavior(o);
    if (opened && x.peer_closed_first)
        close.second += " (the " + peer + " sent close " +
                        (x.peer_close_code ? std::to_string(*x.peer_close_code)
                                           : std::string("without a code")) +
                        ")";
    return close;
}

}  // namespace

std::pair<Behavior, std::string> close_after_upgrade(const ServerExchange& x) {
    return after_our_close(x, x.got_status(101), false);
}

std::pair<Behavior, std::string> close_after_open(const ClientExchange& x) {
    return after_our_close(x, true, true);
}

Verdict with_close(Behavior behavior, std::string result, const ServerExchange& x) {
    auto [close, close_text] = close_after_upgrade(x);
    return harness::make_verdict(behavior, std::move(result), close, std::move(close_text));
}

Verdict with_close(Behavior behavior, std::string result, const ClientExchange& x) {
    auto [close, close_text] = close_after_open(x);
    return harness::make_verdict(behavior, std::move(result), close, std::move(close_text));
}

std::string describe_head(const ServerExchange& x) {
    switch (x.head) {
        case HeadStatus::complete:
            return std::to_string(x.response.status) +
                   (x.response.reason.empty() ? "" : " " + x.response.reason);
        case HeadStatus::none:
            return std::string("no answer (") + harness::to_string(x.end) + ")";
        case HeadStatus::partial:
            return std::string("an incomplete head (") + harness::to_string(x.end) + ")";
        case HeadStatus::malformed:
        case HeadStatus::too_large:
            return "an answer that is not HTTP/1.x: " + x.head_error;
    }
    return "?";
}

std::string describe_messages(const std::vector<harness::Event>& messages) {
    if (messages.empty()) return "no message";
    return std::to_string(messages.size()) + " message(s), the first " +
           (messages.front().binary ? "binary" : "text") + " of " +
           std::to_string(messages.front().data.size()) + " octets";
}

}  // namespace wsconform::cases::handshake
