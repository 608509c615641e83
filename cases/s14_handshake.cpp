// Section 14: the opening handshake (RFC 6455 §4), beyond Autobahn, which has no handshake
// tests (crossbario/autobahn-testsuite #82, #122). Every case is raw HTTP: the exact octets we
// send (testing a server) or answer with (testing a client), and a pure judge over what came
// back, in Autobahn's two columns: `behavior` (did the peer do what the rule says) and
// `behaviorClose` (how the connection ended).
//
//   14.1  a server accepts valid requests in unusual shapes        (testing a server)
//   14.2  a server refuses invalid requests without upgrading      (testing a server)
//   14.3  the server's 101 response, rule by rule                  (testing a server)
//   14.4  a client fails the connection on an invalid response     (testing a client)
//   14.5  the client's request and its masking keys, rule by rule  (testing a client)
//   14.6  a client accepts valid responses in unusual shapes       (testing a client)
//
// IDs are append-only. A case has a script for one role; in the other it is reported as not
// applicable.
#include <algorithm>
#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "cases/sections.h"
#include "harness/model/http_script.h"
#include "protocol/handshake.h"
#include "protocol/http.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases {

using harness::Behavior;
using harness::Case;
using harness::ClientExchange;
using harness::ClientHistory;
using harness::ClientRequest;
using harness::HeadStatus;
using harness::HttpClientProbe;
using harness::HttpEnd;
using harness::HttpServerProbe;
using harness::Level;
using harness::make_verdict;
using harness::RawRequest;
using harness::RawResponse;
using harness::RequestContext;
using harness::ServerExchange;
using harness::Verdict;
using protocol::iequals;

namespace {

// ================================================================ building heads

// An HTTP message head as a start line and header lines, edited by field name
// (case-insensitive). Lines are sent exactly as written, so a case can break the grammar.
class Head {
  public:
    explicit Head(std::string start) : start_(std::move(start)) {}

    Head& add(std::string_view name, std::string_view value) {
        lines_.push_back(std::string(name) + ": " + std::string(value));
        return *this;
    }
    // A header line exactly as given (no ": " inserted).
    Head& raw(std::string line) {
        lines_.push_back(std::move(line));
        return *this;
    }
    // Replaces the first line with this name (and drops the others), or appends.
    Head& set(std::string_view name, std::string_view value) {
        auto it = std::find_if(lines_.begin(), lines_.end(),
                               [&](const std::string& l) { return has_name(l, name); });
        if (it == lines_.end()) return add(name, value);
        *it = std::string(name) + ": " + std::string(value);
        const auto keep = it - lines_.begin();
        for (std::size_t i = lines_.size(); i-- > static_cast<std::size_t>(keep) + 1;)
            if (has_name(lines_[i], name)) lines_.erase(lines_.begin() + static_cast<long>(i));
        return *this;
    }
    // Replaces the first line with this name by `line`, exactly as given.
    Head& set_raw(std::string_view name, std::string line) {
        for (auto& l : lines_)
            if (has_name(l, name)) {
                l = std::move(line);
                return *this;
            }
        return raw(std::move(line));
    }
    Head& drop(std::string_view name) {
        std::erase_if(lines_, [&](const std::string& l) { return has_name(l, name); });
        return *this;
    }
    Head& start(std::string line) {
        start_ = std::move(line);
        return *this;
    }
    // Applies `f` to every field name.
    Head& rename(const std::function<std::string(std::string)>& f) {
        for (auto& l : lines_) {
            const auto colon = l.find(':');
            if (colon != std::string::npos) l = f(l.substr(0, colon)) + l.substr(colon);
        }
        return *this;
    }
    Head& reverse() {
        std::reverse(lines_.begin(), lines_.end());
        return *this;
    }
    std::string str() const {
        std::string out = start_ + "\r\n";
        for (const auto& l : lines_) out += l + "\r\n";
        return out + "\r\n";
    }

  private:
    static bool has_name(const std::string& line, std::string_view name) {
        const auto colon = line.find(':');
        return colon != std::string::npos && iequals(std::string_view(line).substr(0, colon), name);
    }
    std::string start_;
    std::vector<std::string> lines_;
};

std::string lower(std::string s) {
    for (auto& c : s)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    return s;
}
std::string upper(std::string s) {
    for (auto& c : s)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return s;
}
// Letters' case swapped: "AbC" -> "aBc".
std::string swap_case(std::string s) {
    for (auto& c : s) {
        if (c >= 'a' && c <= 'z')
            c = static_cast<char>(c - 'a' + 'A');
        else if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    }
    return s;
}

// RFC 6455 §4.1's request, with nothing optional: what every 14.1-14.3 request starts from.
//   GET /target HTTP/1.1 | Host | Upgrade: websocket | Connection: Upgrade | key | version 13
Head upgrade_request(const RequestContext& c, std::string_view key) {
    Head h("GET " + c.target + " HTTP/1.1");
    h.add("Host", c.host)
        .add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Key", key)
        .add("Sec-WebSocket-Version", "13");
    return h;
}
Head upgrade_request(const RequestContext& c) {
    return upgrade_request(c, c.key);
}

RawRequest raw_request(const Head& h, std::string key) {
    RawRequest r;
    r.head = h.str();
    r.key = std::move(key);
    return r;
}

// A request script from an edit of the canonical request (with the context's fresh key).
std::function<RawRequest(const RequestContext&)> edited(std::function<void(Head&)> edit) {
    return [edit = std::move(edit)](const RequestContext& c) {
        Head h = upgrade_request(c);
        edit(h);
        return raw_request(h, c.key);
    };
}

// RFC 6455 §4.2.2's 101 for the client's key: what every valid 14.4-14.6 answer starts from.
//   HTTP/1.1 101 Switching Protocols | Upgrade: websocket | Connection: Upgrade | accept
Head upgrade_response(const ClientRequest& r) {
    Head h("HTTP/1.1 101 Switching Protocols");
    h.add("Upgrade", "websocket")
        .add("Connection", "Upgrade")
        .add("Sec-WebSocket-Accept", protocol::compute_accept(r.key));
    return h;
}

std::string greeting(const std::string& id) {
    return "Hello from wsconform, case " + id;
}

// An answer script from an edit of the canonical 101; `valid` says whether the result is
// still a valid 101 for the request (the client must open) or not (it must fail).
std::function<RawResponse(const ClientRequest&)> answered(
    std::string id, bool valid, std::function<void(Head&, const ClientRequest&)> edit) {
    return [id = std::move(id), valid, edit = std::move(edit)](const ClientRequest& r) {
        Head h = upgrade_response(r);
        edit(h, r);
        RawResponse out;
        out.head = h.str();
        out.texts = {greeting(id)};
        out.valid = valid;
        return out;
    };
}

// ================================================================ describing what came

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
    std::string out = std::to_string(messages.size()) + " message(s), the first " +
                      (messages.front().binary ? "binary" : "text") + " of " +
                      std::to_string(messages.front().data.size()) + " octets";
    return out;
}

// ================================================================ judging a server

// behaviorClose when the server answered 101: we closed with 1000 after the echo and the
// server should answer and then close TCP itself (Autobahn's rules, AB:case/case.py).
std::pair<Behavior, std::string> close_after_upgrade(const ServerExchange& x) {
    if (!x.got_status(101))
        return {Behavior::failed, "The WebSocket opening handshake was never completed!"};
    if (!x.frame_error.empty())
        return {Behavior::failed, "The server's frames broke RFC 6455: " + x.frame_error};
    if (x.peer_closed_first)
        return {Behavior::failed,
                "The connection was failed by the wrong endpoint (the server "
                "sent close " +
                    (x.peer_close_code ? std::to_string(*x.peer_close_code)
                                       : std::string("without a code")) +
                    ")"};
    if (!x.we_sent_close)
        return {Behavior::failed,
                std::string("The connection ended before our closing handshake: ") +
                    harness::to_string(x.end)};
    if (!x.peer_sent_close)
        return {Behavior::unclean,
                "No close frame came back: " + std::string(harness::to_string(x.end))};
    if (x.peer_close_code && *x.peer_close_code != 1000)
        return {Behavior::wrong_code, "The close code should have been 1000 or empty"};
    if (x.end != HttpEnd::peer_closed)
        return {Behavior::failed_by_client,
                "It is preferred that the server close the TCP connection"};
    return {Behavior::ok, "Connection was properly closed"};
}

Verdict with_upgrade_close(Behavior b, std::string text, const ServerExchange& x) {
    auto [bc, close_text] = close_after_upgrade(x);
    return make_verdict(b, std::move(text), bc, std::move(close_text));
}

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

// 14.1: a valid request, however unusual its shape, is answered with a valid 101, and then
// WebSocket frames flow (our text message comes back).
std::function<Verdict(const ServerExchange&)> accepts() {
    return [](const ServerExchange& x) {
        if (x.head != HeadStatus::complete || x.response.status != 101)
            return with_upgrade_close(
                Behavior::failed,
                "The request is valid, but the server answered " + describe_head(x), x);
        if (auto problem = response_problem(x))
            return with_upgrade_close(Behavior::failed, "The server answered 101, but " + *problem,
                                      x);
        if (!x.echoed())
            return with_upgrade_close(Behavior::failed,
                                      "A valid 101, but our message did not come back (" +
                                          describe_messages(x.messages) + ")",
                                      x);
        return with_upgrade_close(Behavior::ok, "A valid 101, and our message came back", x);
    };
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

// What a refusal must look like, beyond "not 101".
struct Refusal {
    std::optional<int> status;    // the code the rule names (400 in RFC 9112 §3.2 and §5.1)
    std::string status_rule;      // where it is named
    bool version_header = false;  // §4.2.2: a Sec-WebSocket-Version header listing 13
};

// 14.2: the server must not upgrade, and §4.2.1 asks for an HTTP error response (such as 400).
// behavior: 4xx -> OK; another non-101 answer, or a close without one -> NON-STRICT; 101, a
// broken answer or none at all -> FAILED. behaviorClose: the server closed TCP, or kept it
// open as a persistent HTTP/1.1 connection without announcing "Connection: close" -> OK; it
// upgraded, never answered, or said close and did not -> FAILED.
std::function<Verdict(const ServerExchange&)> refuses(Refusal rule = {}) {
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

// 14.3: one rule about the 101 answered to a valid request. `check` gives what breaks the
// rule, or nullopt.
std::function<Verdict(const ServerExchange&)> response_rule(
    std::function<std::optional<std::string>(const ServerExchange&)> check, std::string ok_text) {
    return [check = std::move(check), ok_text = std::move(ok_text)](const ServerExchange& x) {
        if (x.head != HeadStatus::complete || x.response.status != 101)
            return with_upgrade_close(
                Behavior::failed,
                "The request is valid, but the server answered " + describe_head(x), x);
        if (auto problem = check(x)) return with_upgrade_close(Behavior::failed, *problem, x);
        return with_upgrade_close(Behavior::ok, ok_text, x);
    };
}

// 14.3 deflate cases: the response accepts at most one permessage-deflate element, and that
// one fits an offer (RFC 7692 §5, §7.1); declining is always allowed.
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

// 14.3.15-16: an invalid permessage-deflate offer next to a valid one. The server MUST decline
// the invalid offer (RFC 7692 7): accepting it fails; refusing the whole handshake with a
// 4xx does not accept it, but is not what 7 asks (decline the offer, keep the connection).
std::function<Verdict(const ServerExchange&)> declines_invalid_offer(std::string ok_text) {
    return [ok_text = std::move(ok_text)](const ServerExchange& x) {
        if (x.head == HeadStatus::complete && x.response.status >= 400 && x.response.status < 500) {
            auto [bc, close_text] = close_after_refusal(x);
            return make_verdict(
                Behavior::non_strict,
                "The server refused the whole handshake (" + describe_head(x) +
                    ") instead of declining the invalid offer and accepting the valid one",
                bc, std::move(close_text));
        }
        if (x.head != HeadStatus::complete || x.response.status != 101)
            return with_upgrade_close(
                Behavior::failed,
                "The request is valid, but the server answered " + describe_head(x), x);
        if (auto problem = deflate_response_problem(x))
            return with_upgrade_close(Behavior::failed, *problem, x);
        return with_upgrade_close(Behavior::ok, ok_text, x);
    };
}

std::function<RawRequest(const RequestContext&)> offering_deflate(
    std::string offer, std::vector<protocol::DeflateParams> valid) {
    return [offer = std::move(offer), valid = std::move(valid)](const RequestContext& c) {
        Head h = upgrade_request(c);
        h.add("Sec-WebSocket-Extensions", offer);
        auto r = raw_request(h, c.key);
        // Only the alternatives a server may accept: a response fitting an invalid one is wrong.
        r.deflate_offers = valid;
        return r;
    };
}

// ================================================================ judging a client

// behaviorClose when our 101 was valid: we close with 1000 after the echoes; the client
// answers with a close frame and we, the server, close TCP.
std::pair<Behavior, std::string> close_after_open(const ClientExchange& x) {
    if (!x.frame_error.empty())
        return {Behavior::failed, "The client's frames broke RFC 6455: " + x.frame_error};
    if (x.peer_closed_first)
        return {Behavior::failed,
                "The connection was failed by the wrong endpoint (the client "
                "sent close " +
                    (x.peer_close_code ? std::to_string(*x.peer_close_code)
                                       : std::string("without a code")) +
                    ")"};
    if (!x.we_sent_close)
        return {Behavior::failed,
                std::string("The connection ended before our closing handshake: ") +
                    harness::to_string(x.end)};
    if (!x.peer_sent_close)
        return {Behavior::unclean,
                std::string("No close frame came back: ") + harness::to_string(x.end)};
    if (x.peer_close_code && *x.peer_close_code != 1000)
        return {Behavior::wrong_code, "The close code should have been 1000 or empty"};
    return {Behavior::ok, "Connection was properly closed"};
}

Verdict with_open_close(Behavior b, std::string text, const ClientExchange& x) {
    auto [bc, close_text] = close_after_open(x);
    return make_verdict(b, std::move(text), bc, std::move(close_text));
}

bool all_echoed(const ClientExchange& x) {
    if (x.messages.size() < x.response.texts.size()) return false;
    for (std::size_t i = 0; i < x.response.texts.size(); ++i)
        if (x.messages[i] != harness::text_message(x.response.texts[i])) return false;
    return true;
}

// 14.4: an invalid answer; the client must _Fail the WebSocket Connection_ (§4.1): send no
// frame at all (the connection never opened, so not even a close frame, §7.1.7) and close TCP.
std::function<Verdict(const ClientExchange&, const ClientHistory&)> client_fails() {
    return [](const ClientExchange& x, const ClientHistory&) {
        Verdict v;
        const auto frames = x.frames - std::min(x.frames, x.early_frames);
        if (frames == 0) {
            v.behavior = Behavior::ok;
            v.result = "The client sent no frame after the invalid handshake";
        } else {
            v.behavior = Behavior::failed;
            if (!x.messages.empty())
                v.result = "The client took the handshake as valid: it sent " +
                           describe_messages(x.messages) +
                           (all_echoed(x) ? " (our message, echoed)" : "");
            else if (x.peer_sent_close)
                v.result = "The client took the handshake as valid: it sent a close frame" +
                           (x.peer_close_code ? " with code " + std::to_string(*x.peer_close_code)
                                              : std::string());
            else
                v.result = "The client sent " + std::to_string(frames) +
                           " frame(s) after the invalid handshake";
        }
        if (x.end == HttpEnd::peer_closed || x.end == HttpEnd::peer_reset) {
            v.behavior_close = Behavior::ok;
            v.result_close = "The client closed the TCP connection";
        } else {
            v.behavior_close = Behavior::failed;
            v.result_close = std::string("The client did not close the TCP connection: ") +
                             harness::to_string(x.end);
        }
        return v;
    };
}

// 14.6: a valid answer in an unusual shape; the client must open and echo our message.
std::function<Verdict(const ClientExchange&, const ClientHistory&)> client_opens() {
    return [](const ClientExchange& x, const ClientHistory&) {
        if (all_echoed(x))
            return with_open_close(Behavior::ok, "The client opened and echoed our message", x);
        return with_open_close(Behavior::failed,
                               "The answer is a valid 101, but our message did not come back (" +
                                   describe_messages(x.messages) + ")",
                               x);
    };
}

// 14.5: one rule about the client's request or frames.
using RequestCheck = std::function<std::optional<std::string>(const ClientExchange&)>;
std::function<Verdict(const ClientExchange&, const ClientHistory&)> request_rule(
    RequestCheck check, std::string ok_text) {
    return [check = std::move(check), ok_text = std::move(ok_text)](const ClientExchange& x,
                                                                    const ClientHistory&) {
        if (auto problem = check(x)) return with_open_close(Behavior::failed, *problem, x);
        return with_open_close(Behavior::ok, ok_text, x);
    };
}

std::function<RawResponse(const ClientRequest&)> valid_answer(std::string id,
                                                              std::size_t messages = 1) {
    return [id = std::move(id), messages](const ClientRequest& r) {
        RawResponse out;
        out.head = upgrade_response(r).str();
        for (std::size_t i = 0; i < messages; ++i)
            out.texts.push_back(greeting(id) +
                                (messages > 1 ? ", message " + std::to_string(i + 1) : ""));
        return out;
    };
}

// ---- helpers for the checks across connections

std::optional<std::array<std::uint8_t, 16>> decode_key(std::string_view key) {
    if (!protocol::is_valid_key(key)) return std::nullopt;
    auto value = [](char c) -> std::uint32_t {
        if (c >= 'A' && c <= 'Z') return static_cast<std::uint32_t>(c - 'A');
        if (c >= 'a' && c <= 'z') return static_cast<std::uint32_t>(c - 'a' + 26);
        if (c >= '0' && c <= '9') return static_cast<std::uint32_t>(c - '0' + 52);
        return c == '+' ? 62u : 63u;
    };
    std::array<std::uint8_t, 16> out{};
    std::size_t n = 0;
    for (std::size_t i = 0; i + 4 <= 24; i += 4) {
        std::uint32_t v = 0;
        for (std::size_t j = 0; j < 4; ++j)
            v = (v << 6) | (key[i + j] == '=' ? 0 : value(key[i + j]));
        for (int shift = 16; shift >= 0 && n < 16; shift -= 8)
            out[n++] = static_cast<std::uint8_t>(v >> shift);
    }
    return out;
}

constexpr std::string_view kRfcSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";  // RFC 6455 §1.3, §4.2.2

// §4.1: "The nonce MUST be selected randomly for each connection." Informational when there
// are too few earlier connections to compare with.
Verdict judge_fresh_key(const ClientExchange& x, const ClientHistory& before) {
    const auto& key = x.request.key;
    const auto bytes = decode_key(key);
    if (!bytes)
        return with_open_close(Behavior::failed,
                               "The key '" + key.substr(0, 64) + "' is not base64 of 16 octets", x);
    if (key == kRfcSampleKey)
        return with_open_close(
            Behavior::failed,
            "The key is the sample nonce printed in RFC 6455 1.3, not a random one", x);
    if (std::all_of(bytes->begin(), bytes->end(),
                    [&](std::uint8_t b) { return b == bytes->front(); }))
        return with_open_close(Behavior::failed, "The key's 16 octets are all the same value", x);
    for (std::size_t i = 0; i < before.keys.size(); ++i)
        if (before.keys[i] == key)
            return with_open_close(Behavior::failed,
                                   "The key repeats one this client sent on an earlier connection",
                                   x);
    // A counter or a weak generator shows as octets shared, position by position, with a
    // recent key; 16 random octets share one with probability 1/256 each.
    const std::size_t from = before.keys.size() > 16 ? before.keys.size() - 16 : 0;
    for (std::size_t i = from; i < before.keys.size(); ++i) {
        const auto other = decode_key(before.keys[i]);
        if (!other) continue;
        int same = 0;
        for (std::size_t j = 0; j < 16; ++j) same += (*other)[j] == (*bytes)[j];
        if (same >= 8)
            return with_open_close(Behavior::failed,
                                   "The key shares " + std::to_string(same) +
                                       " of its 16 octets, position by position, with an earlier "
                                       "key of this client: predictable, not random",
                                   x);
    }
    if (before.keys.size() < 2)
        return make_verdict(Behavior::informational,
                            "Only " + std::to_string(before.keys.size()) +
                                " earlier connection(s) of this client to compare with; run the "
                                "whole section (14.*) for a verdict",
                            Behavior::informational, "Not judged");
    return with_open_close(
        Behavior::ok,
        "The key differs from the " + std::to_string(before.keys.size()) +
            " keys of this client's earlier connections and shares no pattern with them",
        x);
}

std::uint32_t as_u32(const protocol::MaskKey& m) {
    return (std::uint32_t{m[0]} << 24) | (std::uint32_t{m[1]} << 16) | (std::uint32_t{m[2]} << 8) |
           m[3];
}

std::string mask_hex(const protocol::MaskKey& m) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (auto b : m) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

// §5.3: a fresh masking key per frame, from a strong source of entropy; §10.3: not
// predictable by the application. Checked: no zero key, no repeat within the connection or
// with an earlier connection, no constant step (difference or XOR) between successive keys.
Verdict judge_masks(const ClientExchange& x, const ClientHistory& before) {
    const auto& m = x.masks;
    if (x.unmasked_frame)
        return with_open_close(Behavior::failed, "The client sent an unmasked frame (RFC 6455 5.1)",
                               x);
    if (m.size() < 3)
        return with_open_close(
            Behavior::failed,
            "Only " + std::to_string(m.size()) +
                " masked frame(s) to examine: the client did not echo our messages",
            x);
    for (std::size_t i = 0; i < m.size(); ++i) {
        if (as_u32(m[i]) == 0)
            return with_open_close(Behavior::failed,
                                   "Frame " + std::to_string(i + 1) +
                                       " has the masking key 00000000: no masking at all",
                                   x);
        for (std::size_t j = 0; j < i; ++j)
            if (m[j] == m[i])
                return with_open_close(Behavior::failed,
                                       "The masking key " + mask_hex(m[i]) + " repeats (frames " +
                                           std::to_string(j + 1) + " and " + std::to_string(i + 1) +
                                           ")",
                                       x);
    }
    bool same_step = true, same_xor = true;
    for (std::size_t i = 2; i < m.size(); ++i) {
        same_step = same_step && as_u32(m[i]) - as_u32(m[i - 1]) == as_u32(m[1]) - as_u32(m[0]);
        same_xor = same_xor && (as_u32(m[i]) ^ as_u32(m[i - 1])) == (as_u32(m[1]) ^ as_u32(m[0]));
    }
    if (same_step || same_xor)
        return with_open_close(Behavior::failed,
                               std::string("Successive masking keys differ by a constant ") +
                                   (same_step ? "step" : "XOR") + " (" + mask_hex(m[0]) + ", " +
                                   mask_hex(m[1]) + ", " + mask_hex(m[2]) + " ...): predictable",
                               x);
    for (const auto& old : before.masks)
        for (const auto& k : m)
            if (old == k)
                return with_open_close(
                    Behavior::failed,
                    "The masking key " + mask_hex(k) +
                        " was already used on an earlier connection of this client",
                    x);
    return with_open_close(Behavior::ok,
                           std::to_string(m.size()) +
                               " frames, all with distinct, non-zero, unpatterned "
                               "masking keys unseen on " +
                               std::to_string(before.keys.size()) + " earlier connection(s)",
                           x);
}

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        const bool alnum =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos)
            return false;
    }
    return true;
}

// ================================================================ the cases

std::vector<Case> server_accepts() {
    std::vector<Case> out;
    auto add = [&](std::string id, std::string title, std::vector<std::string> rfc, Level level,
                   std::string requirement, std::string description,
                   std::function<RawRequest(const RequestContext&)> request) {
        out.push_back(Case{
            .id = std::move(id),
            .title = std::move(title),
            .description = std::move(description),
            .expectation = "The server answers 101 with a valid handshake (RFC 6455 4.2.2), echoes "
                           "our text message, and completes the closing handshake we start.",
            .rfc = std::move(rfc),
            .requirement = std::move(requirement),
            .level = level,
            .script = HttpServerProbe{.request = std::move(request), .judge = accepts()},
        });
    };

    add("14.1.1", "Canonical upgrade request", {"RFC 6455 4.1", "RFC 6455 4.2.1", "RFC 6455 4.2.2"},
        Level::must,
        "A server accepts a request that has exactly what RFC 6455 4.1 lists and nothing else.",
        "GET with Host, Upgrade: websocket, Connection: Upgrade, a fresh Sec-WebSocket-Key and "
        "Sec-WebSocket-Version: 13; no other header.",
        edited([](Head&) {}));
    add("14.1.2", "Header names in lower case", {"RFC 6455 4.2.1", "RFC 9110 5.1"}, Level::must,
        "Field names are case-insensitive (RFC 9110 5.1); a server matches them in any case.",
        "The canonical request with every header name in lower case (host:, upgrade:, "
        "sec-websocket-key: ...).",
        edited([](Head& h) { h.rename(lower); }));
    add("14.1.3", "Header names in upper case", {"RFC 6455 4.2.1", "RFC 9110 5.1"}, Level::must,
        "Field names are case-insensitive (RFC 9110 5.1); a server matches them in any case.",
        "The canonical request with every header name in upper case (HOST:, SEC-WEBSOCKET-KEY: "
        "...).",
        edited([](Head& h) { h.rename(upper); }));
    add("14.1.4", "Upgrade token in upper case", {"RFC 6455 4.2.1"}, Level::must,
        "The Upgrade value \"websocket\" is matched ASCII case-insensitively (RFC 6455 4.2.1 item "
        "3).",
        "The canonical request with Upgrade: WEBSOCKET.",
        edited([](Head& h) { h.set("Upgrade", "WEBSOCKET"); }));
    add("14.1.5", "Connection token in lower case", {"RFC 6455 4.2.1"}, Level::must,
        "The Connection token \"Upgrade\" is matched ASCII case-insensitively (RFC 6455 4.2.1 item "
        "4).",
        "The canonical request with Connection: upgrade.",
        edited([](Head& h) { h.set("Connection", "upgrade"); }));
    add("14.1.6", "Connection: keep-alive, Upgrade", {"RFC 6455 4.2.1", "RFC 9110 7.6.1"},
        Level::must,
        "Connection is a list of tokens; the server looks for the Upgrade token in it, not for the "
        "whole value (Autobahn issue #82: Firefox sends exactly this).",
        "The canonical request with Connection: keep-alive, Upgrade.",
        edited([](Head& h) { h.set("Connection", "keep-alive, Upgrade"); }));
    add("14.1.7", "Connection split over two header lines", {"RFC 6455 4.2.1", "RFC 9110 5.3"},
        Level::should,
        "Two Connection lines mean the same as one with both values joined by a comma (RFC 9110 "
        "5.3).",
        "The canonical request with \"Connection: keep-alive\" and \"Connection: Upgrade\" as two "
        "lines.",
        edited([](Head& h) { h.set("Connection", "keep-alive").add("Connection", "Upgrade"); }));
    add("14.1.8", "Upgrade lists another protocol first", {"RFC 6455 4.2.1", "RFC 9110 7.8"},
        Level::should,
        "Upgrade is a list; RFC 6455 4.2.1 asks for an Upgrade header containing \"websocket\", "
        "and "
        "the server may pick it among others (RFC 9110 7.8).",
        "The canonical request with Upgrade: foo/1, websocket.",
        edited([](Head& h) { h.set("Upgrade", "foo/1, websocket"); }));
    add("14.1.9", "Extra headers a browser sends", {"RFC 6455 4.1", "RFC 6455 4.2.1"}, Level::must,
        "A request may carry any other header (RFC 6455 4.1: e.g. cookies); a server ignores those "
        "it "
        "does not use.",
        "The canonical request plus User-Agent, Origin, Cookie, Accept-Encoding, Accept-Language, "
        "Cache-Control, Pragma and an unknown X- header.",
        edited([](Head& h) {
            h.add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) wsconform")
                .add("Origin", "http://example.com")
                .add("Cookie", "session=wsconform; theme=dark")
                .add("Accept-Encoding", "gzip, deflate, br")
                .add("Accept-Language", "en-US,en;q=0.9")
                .add("Cache-Control", "no-cache")
                .add("Pragma", "no-cache")
                .add("X-Wsconform-Probe", "14.1.9");
        }));
    add("14.1.10", "Query string in the request target", {"RFC 6455 3", "RFC 6455 4.1"},
        Level::should,
        "The resource name includes the query (RFC 6455 3); a query the endpoint does not use "
        "should "
        "not stop the handshake.",
        "The canonical request for the target's resource with ?wsconform=14.1.10&x=a%20b appended.",
        [](const RequestContext& c) {
            RequestContext q = c;
            q.target += (c.target.find('?') == std::string::npos ? "?" : "&");
            q.target += "wsconform=14.1.10&x=a%20b";
            return raw_request(upgrade_request(q), c.key);
        });
    add("14.1.11", "A WebSocket frame in the same segment as the request",
        {"RFC 6455 4.1", "RFC 6455 4.2.2"}, Level::should,
        "The octets after the request's blank line belong to the WebSocket connection. A client "
        "must "
        "wait for the 101 before sending (4.1), so nothing obliges the server, but losing those "
        "octets breaks every client that pipelines.",
        "The canonical request and, in the same write, a masked text frame.",
        [](const RequestContext& c) {
            auto r = raw_request(upgrade_request(c), c.key);
            r.pipelined_text = "Hello from wsconform, pipelined with the request";
            return r;
        });
    add("14.1.12", "Request written in 5-octet pieces", {"RFC 6455 4.2.1", "RFC 9112 2.1"},
        Level::must,
        "HTTP rides on a byte stream: a server reads the head however it is segmented.",
        "The canonical request, written 5 octets at a time, each piece its own TCP segment.",
        [](const RequestContext& c) {
            auto r = raw_request(upgrade_request(c), c.key);
            r.chopsize = 5;
            return r;
        });
    add("14.1.13", "No space after the colon, tabs around values", {"RFC 9112 5.1", "RFC 9110 5.5"},
        Level::must,
        "Optional whitespace (spaces or tabs) around a field value is not part of it (RFC 9112 "
        "5.1); "
        "a parser MUST exclude it before evaluating the value (RFC 9110 5.5).",
        "The canonical request written as \"Upgrade:websocket\", \"Connection:\\tUpgrade\\t\" and "
        "\"Sec-WebSocket-Version:  13 \".",
        [](const RequestContext& c) {
            Head h = upgrade_request(c);
            h.set_raw("Upgrade", "Upgrade:websocket")
                .set_raw("Connection", "Connection:\tUpgrade\t")
                .set_raw("Sec-WebSocket-Version", "Sec-WebSocket-Version:  13 ");
            return raw_request(h, c.key);
        });
    add("14.1.14", "Header lines in reverse order", {"RFC 6455 4.2.1"}, Level::must,
        "\"The order of the header fields is not important\" (RFC 6455 4.2.1).",
        "The canonical request with its header lines reversed: Sec-WebSocket-Version first, Host "
        "last.",
        edited([](Head& h) { h.reverse(); }));
    return out;
}

std::vector<Case> server_refuses() {
    std::vector<Case> out;
    auto add = [&](std::string id, std::string title, std::vector<std::string> rfc, Level level,
                   std::string requirement, std::string description,
                   std::function<RawRequest(const RequestContext&)> request, Refusal rule = {}) {
        out.push_back(Case{
            .id = std::move(id),
            .title = std::move(title),
            .description = std::move(description),
            .expectation = "The server does not upgrade: it answers with an HTTP error (4xx) and "
                           "closes the connection or keeps it as a plain HTTP/1.1 connection.",
            .rfc = std::move(rfc),
            .requirement = std::move(requirement),
            .level = level,
            .script = HttpServerProbe{.request = std::move(request),
                                      .expect_upgrade = false,
                                      .judge = refuses(std::move(rule))},
        });
    };
    const std::string kRefuse =
        " The server must not upgrade, and answers with an HTTP error such as 400 (RFC 6455 "
        "4.2.1).";

    add("14.2.1", "No Upgrade header", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake has an Upgrade header containing \"websocket\" (4.2.1 item 3)." + kRefuse,
        "The canonical request without its Upgrade line.",
        edited([](Head& h) { h.drop("Upgrade"); }));
    add("14.2.2", "Upgrade is not websocket", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake has an Upgrade header containing \"websocket\" (4.2.1 item 3)." + kRefuse,
        "The canonical request with Upgrade: h2c.",
        edited([](Head& h) { h.set("Upgrade", "h2c"); }));
    add("14.2.3", "Connection lacks the Upgrade token", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake has a Connection header containing the token \"Upgrade\" (4.2.1 item 4)." +
            kRefuse,
        "The canonical request with Connection: keep-alive.",
        edited([](Head& h) { h.set("Connection", "keep-alive"); }));
    add("14.2.4", "No Connection header", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake has a Connection header containing the token \"Upgrade\" (4.2.1 item 4)." +
            kRefuse,
        "The canonical request without its Connection line.",
        edited([](Head& h) { h.drop("Connection"); }));
    add("14.2.5", "No Sec-WebSocket-Key", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake has a Sec-WebSocket-Key header (4.2.1 item 5)." + kRefuse,
        "The canonical request without its Sec-WebSocket-Key line.",
        edited([](Head& h) { h.drop("Sec-WebSocket-Key"); }));
    add("14.2.6", "Sec-WebSocket-Key is not base64", {"RFC 6455 4.2.1"}, Level::must,
        "The key is base64 that decodes to 16 octets (4.2.1 item 5)." + kRefuse,
        "The canonical request with Sec-WebSocket-Key: !!not-base64-at-all!!== (24 characters).",
        edited([](Head& h) { h.set("Sec-WebSocket-Key", "!!not-base64-at-all!!=="); }));
    add("14.2.7", "Sec-WebSocket-Key decodes to 15 octets", {"RFC 6455 4.2.1"}, Level::must,
        "The key is base64 that decodes to 16 octets (4.2.1 item 5)." + kRefuse,
        "The canonical request with Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAA (base64 of 15 zero "
        "octets).",
        edited([](Head& h) { h.set("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAA"); }));
    add("14.2.8", "Sec-WebSocket-Key decodes to 20 octets", {"RFC 6455 4.2.1"}, Level::must,
        "The key is base64 that decodes to 16 octets (4.2.1 item 5)." + kRefuse,
        "The canonical request with Sec-WebSocket-Key: AAAAAAAAAAAAAAAAAAAAAAAAAAA= (base64 of 20 "
        "zero "
        "octets).",
        edited([](Head& h) { h.set("Sec-WebSocket-Key", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="); }));
    add("14.2.9", "Two Sec-WebSocket-Key headers", {"RFC 6455 11.3.1", "RFC 6455 4.2.1"},
        Level::must,
        "\"The Sec-WebSocket-Key header field MUST NOT appear more than once in an HTTP request\" "
        "(11.3.1), so such a request is not a valid handshake." +
            kRefuse,
        "The canonical request with a second, different, valid Sec-WebSocket-Key line.",
        edited([](Head& h) { h.add("Sec-WebSocket-Key", "AQIDBAUGBwgJCgsMDQ4PEA=="); }));
    add("14.2.10", "Sec-WebSocket-Version: 25", {"RFC 6455 4.2.2", "RFC 6455 4.4"}, Level::must,
        "A version the server does not speak: it aborts the handshake with an HTTP error such as "
        "426 "
        "Upgrade Required and a Sec-WebSocket-Version header listing the versions it speaks "
        "(4.2.2, 4.4).",
        "The canonical request with Sec-WebSocket-Version: 25, the unassigned version RFC 6455 4.4 "
        "uses "
        "as its example (8 or 7 would be legitimately accepted by servers that still speak "
        "hybi-08..10).",
        edited([](Head& h) { h.set("Sec-WebSocket-Version", "25"); }),
        Refusal{.status = 426, .status_rule = "RFC 6455 4.2.2", .version_header = true});
    add("14.2.11", "No Sec-WebSocket-Version", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake has Sec-WebSocket-Version: 13 (4.2.1 item 6)." + kRefuse,
        "The canonical request without its Sec-WebSocket-Version line.",
        edited([](Head& h) { h.drop("Sec-WebSocket-Version"); }));
    add("14.2.12", "Method POST", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake is \"an HTTP/1.1 or higher GET request\" (4.2.1 item 1)." + kRefuse,
        "The canonical request with POST instead of GET (and Content-Length: 0).",
        [](const RequestContext& c) {
            Head h = upgrade_request(c);
            h.start("POST " + c.target + " HTTP/1.1").add("Content-Length", "0");
            return raw_request(h, c.key);
        });
    add("14.2.13", "Method \"get\" in lower case", {"RFC 6455 4.2.1", "RFC 9110 9.1"}, Level::must,
        "Methods are case-sensitive (RFC 9110 9.1): \"get\" is not GET, so this is not a "
        "handshake." +
            kRefuse,
        "The canonical request with the method written \"get\".", [](const RequestContext& c) {
            Head h = upgrade_request(c);
            h.start("get " + c.target + " HTTP/1.1");
            return raw_request(h, c.key);
        });
    add("14.2.14", "HTTP/1.0 request", {"RFC 6455 4.2.1"}, Level::must,
        "A handshake is \"an HTTP/1.1 or higher GET request\" (4.2.1 item 1)." + kRefuse,
        "The canonical request with HTTP/1.0 in its request line.", [](const RequestContext& c) {
            Head h = upgrade_request(c);
            h.start("GET " + c.target + " HTTP/1.0");
            return raw_request(h, c.key);
        });
    add("14.2.15", "No Host header", {"RFC 6455 4.2.1", "RFC 9112 3.2"}, Level::must,
        "A handshake has a Host header (4.2.1 item 2), and \"a server MUST respond with a 400 (Bad "
        "Request) status code to any HTTP/1.1 request message that lacks a Host header field\" "
        "(RFC 9112 3.2).",
        "The canonical request without its Host line.", edited([](Head& h) { h.drop("Host"); }),
        Refusal{.status = 400, .status_rule = "RFC 9112 3.2"});
    add("14.2.16", "Two Host headers", {"RFC 9112 3.2"}, Level::must,
        "A server MUST answer 400 to a request with more than one Host line (RFC 9112 3.2).",
        "The canonical request with a second Host line naming another authority.",
        edited([](Head& h) { h.add("Host", "wsconform.invalid:1"); }),
        Refusal{.status = 400, .status_rule = "RFC 9112 3.2"});
    add("14.2.17", "Whitespace between a field name and its colon", {"RFC 9112 5.1"}, Level::must,
        "\"A server MUST reject, with a response status code of 400 (Bad Request), any received "
        "request message that contains whitespace between a header field name and colon\" (RFC "
        "9112 "
        "5.1): such a line smuggles headers past other parsers.",
        "The canonical request plus the line \"X-Wsconform-Probe : 14.2.17\".",
        edited([](Head& h) { h.raw("X-Wsconform-Probe : 14.2.17"); }),
        Refusal{.status = 400, .status_rule = "RFC 9112 5.1"});
    add("14.2.18", "A 2 MiB header block", {"RFC 9110 5.4", "RFC 6585 5"}, Level::should,
        "HTTP sets no size limit, but a server that does not wish to process a header section that "
        "large MUST answer with a 4xx such as 431 (RFC 9110 5.4, RFC 6585 5) rather than drop the "
        "connection; one that upgrades accepted 2 MiB of headers, an easy way to exhaust its "
        "memory.",
        "The canonical request plus 512 lines \"X-Wsconform-Pad-N: \" of 4096 octets each (2 MiB).",
        [](const RequestContext& c) {
            Head h = upgrade_request(c);
            const std::string pad(4096, 'a');
            for (int i = 0; i < 512; ++i) h.add("X-Wsconform-Pad-" + std::to_string(i), pad);
            return raw_request(h, c.key);
        });
    return out;
}

std::vector<Case> server_response() {
    std::vector<Case> out;
    auto add = [&](std::string id, std::string title, std::vector<std::string> rfc, Level level,
                   std::string requirement, std::string description, std::string expectation,
                   std::function<RawRequest(const RequestContext&)> request,
                   std::function<Verdict(const ServerExchange&)> judge) {
        out.push_back(Case{
            .id = std::move(id),
            .title = std::move(title),
            .description = std::move(description),
            .expectation = std::move(expectation),
            .rfc = std::move(rfc),
            .requirement = std::move(requirement),
            .level = level,
            .script = HttpServerProbe{.request = std::move(request), .judge = std::move(judge)},
        });
    };
    const auto canonical = edited([](Head&) {});
    // A fixed key: the accept value is then a constant taken from the RFC (or computed once
    // outside this code), not from our own compute_accept().
    auto fixed_key = [](std::string key) {
        return [key = std::move(key)](const RequestContext& c) {
            return raw_request(upgrade_request(c, key), key);
        };
    };
    auto exact_accept = [](std::string want) {
        return [want = std::move(want)](const ServerExchange& x) -> std::optional<std::string> {
            const auto n = x.response.header_count("Sec-WebSocket-Accept");
            if (n == 0) return "The response has no Sec-WebSocket-Accept header";
            if (n > 1)
                return "Sec-WebSocket-Accept appears " + std::to_string(n) +
                       " times; it MUST NOT appear more than once (RFC 6455 11.3.3)";
            const auto got = std::string(*x.response.header("Sec-WebSocket-Accept"));
            if (got != want)
                return "Sec-WebSocket-Accept is '" + got.substr(0, 100) + "', not '" + want + "'";
            return std::nullopt;
        };
    };

    add("14.3.1", "Status line HTTP/1.1 101", {"RFC 6455 4.2.2", "RFC 9110 15.2.2"}, Level::must,
        "The server accepts with status 101 Switching Protocols in an HTTP/1.1 (or later) status "
        "line "
        "(4.2.2 item 5.1).",
        "The canonical request.", "Status line HTTP/1.1 101 (any reason phrase).", canonical,
        response_rule(
            [](const ServerExchange& x) -> std::optional<std::string> {
                const auto& r = x.response;
                if (r.version_major != 1 || r.version_minor < 1)
                    return "The status line says HTTP/" + std::to_string(r.version_major) + "." +
                           std::to_string(r.version_minor) + "; a 101 needs HTTP/1.1";
                return std::nullopt;
            },
            "HTTP/1.1 101"));
    add("14.3.2", "Upgrade: websocket in the response", {"RFC 6455 4.2.2", "RFC 6455 4.1"},
        Level::must,
        "The 101 carries an Upgrade header with the value \"websocket\" (4.2.2 item 5.2; the "
        "client "
        "checks it case-insensitively, 4.1).",
        "The canonical request.",
        "Exactly one Upgrade header whose value is websocket in any case.", canonical,
        response_rule(
            [](const ServerExchange& x) -> std::optional<std::string> {
                const auto n = x.response.header_count("Upgrade");
                if (n == 0) return "The response has no Upgrade header";
                const auto value = x.response.combined("Upgrade");
                if (!iequals(value, "websocket"))
                    return "Upgrade is '" + value.substr(0, 100) + "', not websocket";
                return std::nullopt;
            },
            "Upgrade: websocket"));
    add("14.3.3", "Connection: Upgrade in the response", {"RFC 6455 4.2.2", "RFC 6455 4.1"},
        Level::must,
        "The 101 carries a Connection header with the token \"Upgrade\" (4.2.2 item 5.3).",
        "The canonical request.", "A Connection header containing the Upgrade token.", canonical,
        response_rule(
            [](const ServerExchange& x) -> std::optional<std::string> {
                if (x.response.header_count("Connection") == 0)
                    return "The response has no Connection header";
                if (!x.response.has_token("Connection", "upgrade"))
                    return "Connection is '" + x.response.combined("Connection").substr(0, 100) +
                           "', without the Upgrade token";
                return std::nullopt;
            },
            "Connection contains Upgrade"));
    add("14.3.4", "Sec-WebSocket-Accept for RFC 6455's sample key",
        {"RFC 6455 1.3", "RFC 6455 4.2.2"}, Level::must,
        "Sec-WebSocket-Accept is base64(SHA-1(key + \"258EAFA5-E914-47DA-95CA-C5AB0DC85B11\")), "
        "exactly once (4.2.2 item 5.4, 11.3.3); RFC 6455 1.3 works the example.",
        "The canonical request with the sample key dGhlIHNhbXBsZSBub25jZQ== from RFC 6455 1.3.",
        "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo= (the value RFC 6455 1.3 gives).",
        fixed_key(std::string(kRfcSampleKey)),
        response_rule(exact_accept("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="),
                      "The accept value RFC 6455 1.3 gives"));
    add("14.3.5", "Sec-WebSocket-Accept for a key with '+' and '/'",
        {"RFC 6455 4.2.2", "RFC 4648 4"}, Level::must,
        "The key is used as the octets received: '+' and '/' are base64 digits, not URL escapes "
        "('+' is not a space).",
        "The canonical request with Sec-WebSocket-Key: /+/+/+/+/+/+/+/+/+/+/w==.",
        "Sec-WebSocket-Accept: YdypOIlszlAa8WZtOS9miNhQsaE=.",
        fixed_key("/+/+/+/+/+/+/+/+/+/+/w=="),
        response_rule(exact_accept("YdypOIlszlAa8WZtOS9miNhQsaE="), "The expected accept value"));
    add("14.3.6", "No subprotocol when none was offered", {"RFC 6455 4.2.2", "RFC 6455 4.1"},
        Level::must,
        "Without a Sec-WebSocket-Protocol in the request, the server MUST NOT send one back (4.2.2 "
        "item 5.5 /subprotocol/: only null is acceptable).",
        "The canonical request (no Sec-WebSocket-Protocol).", "No Sec-WebSocket-Protocol header.",
        canonical,
        response_rule(
            [](const ServerExchange& x) -> std::optional<std::string> {
                if (x.response.header_count("Sec-WebSocket-Protocol") > 0)
                    return "The response selects subprotocol '" +
                           x.response.combined("Sec-WebSocket-Protocol").substr(0, 100) +
                           "', but none was offered";
                return std::nullopt;
            },
            "No subprotocol selected"));
    auto one_of_offered = [](const ServerExchange& x) -> std::optional<std::string> {
        if (x.response.header_count("Sec-WebSocket-Protocol") == 0) return std::nullopt;
        const auto chosen = x.response.combined("Sec-WebSocket-Protocol");
        if (std::find(x.request.protocols.begin(), x.request.protocols.end(), chosen) ==
            x.request.protocols.end())
            return "The response selects '" + chosen.substr(0, 100) +
                   "'; it must be exactly one of the offered values (chat, superchat)";
        return std::nullopt;
    };
    add(
        "14.3.7", "A subprotocol only from the offer", {"RFC 6455 4.2.2", "RFC 6455 4.1"},
        Level::must,
        "With subprotocols offered, the server selects one of them, or none (4.2.2 item 5.5); a "
        "value "
        "not offered, or a list, fails the client (4.1).",
        "The canonical request with Sec-WebSocket-Protocol: chat, superchat.",
        "No Sec-WebSocket-Protocol, or exactly chat or superchat.",
        [](const RequestContext& c) {
            auto r = raw_request(
                upgrade_request(c).add("Sec-WebSocket-Protocol", "chat, superchat"), c.key);
            r.protocols = {"chat", "superchat"};
            return r;
        },
        response_rule(one_of_offered, "None or one of the offered subprotocols"));
    add(
        "14.3.8", "Subprotocols offered on two header lines", {"RFC 6455 11.3.4", "RFC 6455 4.2.2"},
        Level::must,
        "Sec-WebSocket-Protocol may appear several times in a request, meaning one list (11.3.4); "
        "the "
        "server still selects one value or none.",
        "The canonical request with \"Sec-WebSocket-Protocol: chat\" and \"Sec-WebSocket-Protocol: "
        "superchat\" as two lines.",
        "No Sec-WebSocket-Protocol, or exactly chat or superchat.",
        [](const RequestContext& c) {
            auto r = raw_request(upgrade_request(c)
                                     .add("Sec-WebSocket-Protocol", "chat")
                                     .add("Sec-WebSocket-Protocol", "superchat"),
                                 c.key);
            r.protocols = {"chat", "superchat"};
            return r;
        },
        response_rule(one_of_offered, "None or one of the offered subprotocols"));
    add("14.3.9", "No extension when none was offered", {"RFC 6455 9.1", "RFC 6455 4.1"},
        Level::must,
        "The server may only accept extensions the client offered (9.1); the client fails an "
        "unrequested one (4.1).",
        "The canonical request (no Sec-WebSocket-Extensions).",
        "No Sec-WebSocket-Extensions header.", canonical,
        response_rule(
            [](const ServerExchange& x) -> std::optional<std::string> {
                if (x.response.header_count("Sec-WebSocket-Extensions") > 0)
                    return "The response names extensions '" +
                           x.response.combined("Sec-WebSocket-Extensions").substr(0, 100) +
                           "', but none was offered";
                return std::nullopt;
            },
            "No extension"));
    add(
        "14.3.10", "An unknown extension offered", {"RFC 6455 9.1", "RFC 6455 4.2.2"},
        Level::should,
        "A server accepts only extensions it implements; an echo of the offer (a common shortcut) "
        "claims an extension nobody implements.",
        "The canonical request with Sec-WebSocket-Extensions: x-wsconform-unknown; mode=7.",
        "The response does not name x-wsconform-unknown.",
        [](const RequestContext& c) {
            auto r = raw_request(
                upgrade_request(c).add("Sec-WebSocket-Extensions", "x-wsconform-unknown; mode=7"),
                c.key);
            r.other_extensions = {"x-wsconform-unknown"};
            return r;
        },
        response_rule(
            [](const ServerExchange& x) -> std::optional<std::string> {
                std::vector<protocol::Extension> exts;
                if (x.response.header_count("Sec-WebSocket-Extensions") == 0) return std::nullopt;
                if (auto ec = protocol::parse_extensions(
                        x.response.combined("Sec-WebSocket-Extensions"), exts))
                    return "Sec-WebSocket-Extensions does not parse: " + ec.message();
                for (const auto& e : exts) {
                    if (iequals(e.name, "x-wsconform-unknown"))
                        return std::string(
                            "The server accepted x-wsconform-unknown, an extension made up for "
                            "this test");
                    return "The response names extension '" + e.name + "', which was not offered";
                }
                return std::nullopt;
            },
            "The unknown extension was not accepted"));

    const auto deflate_expectation =
        "No Sec-WebSocket-Extensions, or one permessage-deflate element whose parameters fit the "
        "offer (RFC 7692 7.1); when accepted, our message still comes back.";
    add("14.3.11", "permessage-deflate offer as browsers send it", {"RFC 7692 5", "RFC 7692 7.1"},
        Level::must,
        "A server accepting permessage-deflate answers with one element whose parameters fit the "
        "offer: client_max_window_bits only with a value 8-15, no parameter twice, none unknown.",
        "The canonical request with Sec-WebSocket-Extensions: permessage-deflate; "
        "client_max_window_bits.",
        deflate_expectation,
        offering_deflate("permessage-deflate; client_max_window_bits",
                         {{.client_max_window_bits = -1}}),
        response_rule(deflate_response_problem, "The extension response fits the offer"));
    add("14.3.12", "permessage-deflate with server_max_window_bits=10", {"RFC 7692 7.1.2.1"},
        Level::must,
        "A server accepting an offer with server_max_window_bits MUST include that parameter with "
        "the "
        "same or a smaller value (RFC 7692 7.1.2.1).",
        "The canonical request with Sec-WebSocket-Extensions: permessage-deflate; "
        "server_max_window_bits=10.",
        deflate_expectation,
        offering_deflate("permessage-deflate; server_max_window_bits=10",
                         {{.server_max_window_bits = 10}}),
        response_rule(deflate_response_problem, "The extension response fits the offer"));
    add("14.3.13", "permessage-deflate with server_no_context_takeover", {"RFC 7692 7.1.1.1"},
        Level::must,
        "A server accepting an offer with server_no_context_takeover MUST include that parameter "
        "in "
        "its response (RFC 7692 7.1.1.1).",
        "The canonical request with Sec-WebSocket-Extensions: permessage-deflate; "
        "server_no_context_takeover.",
        deflate_expectation,
        offering_deflate("permessage-deflate; server_no_context_takeover",
                         {{.server_no_context_takeover = true}}),
        response_rule(deflate_response_problem, "The extension response fits the offer"));
    add("14.3.14", "Two permessage-deflate alternatives", {"RFC 7692 5", "RFC 7692 7.1"},
        Level::must,
        "Offers listed in preference order: the server accepts at most one, and its response fits "
        "that alternative (RFC 7692 5).",
        "The canonical request with Sec-WebSocket-Extensions: permessage-deflate; "
        "server_max_window_bits=10; client_max_window_bits, permessage-deflate; "
        "client_max_window_bits.",
        deflate_expectation,
        offering_deflate("permessage-deflate; server_max_window_bits=10; client_max_window_bits, "
                         "permessage-deflate; client_max_window_bits",
                         {{.server_max_window_bits = 10, .client_max_window_bits = -1},
                          {.client_max_window_bits = -1}}),
        response_rule(deflate_response_problem, "The extension response fits one alternative"));
    add("14.3.15", "permessage-deflate offer with an unknown parameter", {"RFC 7692 7"},
        Level::must,
        "A server MUST decline an offer that contains a parameter not defined for offers (RFC 7692 "
        "7); it may accept the plain second alternative.",
        "The canonical request with Sec-WebSocket-Extensions: permessage-deflate; x-wsconform=1, "
        "permessage-deflate.",
        "A 101 with no Sec-WebSocket-Extensions, or permessage-deflate fitting the plain "
        "alternative "
        "only (a 4xx for the whole handshake: NON-STRICT).",
        offering_deflate("permessage-deflate; x-wsconform=1, permessage-deflate", {{}}),
        declines_invalid_offer("The offer with the unknown parameter was declined"));
    add("14.3.16", "permessage-deflate offer with server_max_window_bits=7",
        {"RFC 7692 7.1.2.1", "RFC 7692 7"}, Level::must,
        "server_max_window_bits takes 8-15 (RFC 7692 7.1.2.1); a server MUST decline an offer with "
        "an "
        "invalid value (RFC 7692 7). It may accept the plain second alternative.",
        "The canonical request with Sec-WebSocket-Extensions: permessage-deflate; "
        "server_max_window_bits=7, permessage-deflate.",
        "A 101 with no Sec-WebSocket-Extensions, or permessage-deflate fitting the plain "
        "alternative "
        "only (a 4xx for the whole handshake: NON-STRICT).",
        offering_deflate("permessage-deflate; server_max_window_bits=7, permessage-deflate", {{}}),
        declines_invalid_offer("The invalid offer was declined"));
    return out;
}

std::vector<Case> client_fails_on() {
    std::vector<Case> out;
    auto add = [&](std::string id, std::string title, std::vector<std::string> rfc, Level level,
                   std::string requirement, std::string description,
                   std::function<void(Head&, const ClientRequest&)> edit) {
        auto respond = answered(id, false, std::move(edit));
        out.push_back(Case{
            .id = std::move(id),
            .title = std::move(title),
            .description = std::move(description) +
                           " Then a text message (which a client that took "
                           "the handshake as valid would echo).",
            .expectation = "The client fails the connection: it sends no frame at all (not even a "
                           "close frame: the connection never opened) and closes TCP.",
            .rfc = std::move(rfc),
            .requirement = std::move(requirement),
            .level = level,
            .script = HttpClientProbe{.respond = std::move(respond), .judge = client_fails()},
        });
    };
    const std::string kFail =
        " Otherwise the client MUST _Fail the WebSocket Connection_ (RFC 6455 4.1).";

    add("14.4.1", "Wrong Sec-WebSocket-Accept", {"RFC 6455 4.1", "RFC 6455 4.2.2"}, Level::must,
        "Sec-WebSocket-Accept must be base64(SHA-1(key + GUID)) for the key the client sent (4.1 "
        "item 4)." +
            kFail,
        "A 101 whose Sec-WebSocket-Accept is 7vI97qQ5QRxq6lD6E5RRX36mOBc=, whatever the key: a "
        "real-world value that does not match its key ov0xgaSDKDbFH7uZ1o+nSw== (the right one is "
        "OmGjY/z/qs7HXtXvMnEJAZ/gJDU=) and matches no key in practice.",
        [](Head& h, const ClientRequest&) {
            h.set("Sec-WebSocket-Accept", "7vI97qQ5QRxq6lD6E5RRX36mOBc=");
        });
    add("14.4.2", "No Sec-WebSocket-Accept", {"RFC 6455 4.1"}, Level::must,
        "A 101 without Sec-WebSocket-Accept is not a WebSocket handshake (4.1 item 4)." + kFail,
        "A 101 without its Sec-WebSocket-Accept line.",
        [](Head& h, const ClientRequest&) { h.drop("Sec-WebSocket-Accept"); });
    add("14.4.3", "Sec-WebSocket-Accept with its letters' case swapped",
        {"RFC 6455 4.1", "RFC 4648 4"}, Level::must,
        "base64 is case-sensitive: the accept value is compared exactly, not case-insensitively." +
            kFail,
        "A 101 whose Sec-WebSocket-Accept is the right value with upper and lower case swapped.",
        [](Head& h, const ClientRequest& r) {
            h.set("Sec-WebSocket-Accept", swap_case(protocol::compute_accept(r.key)));
        });
    add("14.4.4", "Sec-WebSocket-Accept twice", {"RFC 6455 11.3.3", "RFC 6455 4.1"}, Level::should,
        "\"The Sec-WebSocket-Accept header MUST NOT appear more than once in an HTTP response\" "
        "(11.3.3); two lines make the value \"x, x\", which is not the accept value." +
            kFail,
        "A 101 with two identical, correct Sec-WebSocket-Accept lines.",
        [](Head& h, const ClientRequest& r) {
            h.add("Sec-WebSocket-Accept", protocol::compute_accept(r.key));
        });
    add("14.4.5", "Status 200 instead of 101", {"RFC 6455 4.1"}, Level::must,
        "Any status but 101 means the handshake did not happen (4.1 item 1)." + kFail,
        "HTTP/1.1 200 OK with the Upgrade, Connection and correct Sec-WebSocket-Accept headers.",
        [](Head& h, const ClientRequest&) { h.start("HTTP/1.1 200 OK"); });
    add("14.4.6", "Status 403 instead of 101", {"RFC 6455 4.1"}, Level::must,
        "Any status but 101 means the handshake did not happen (4.1 item 1)." + kFail,
        "HTTP/1.1 403 Forbidden with the Upgrade, Connection and correct Sec-WebSocket-Accept "
        "headers.",
        [](Head& h, const ClientRequest&) { h.start("HTTP/1.1 403 Forbidden"); });
    add("14.4.7", "No Upgrade header", {"RFC 6455 4.1"}, Level::must,
        "The 101 must carry Upgrade: websocket (4.1 item 2)." + kFail,
        "A 101 without its Upgrade line.",
        [](Head& h, const ClientRequest&) { h.drop("Upgrade"); });
    add("14.4.8", "Upgrade: h2c", {"RFC 6455 4.1"}, Level::must,
        "The 101 must carry Upgrade: websocket (4.1 item 2)." + kFail, "A 101 with Upgrade: h2c.",
        [](Head& h, const ClientRequest&) { h.set("Upgrade", "h2c"); });
    add("14.4.9", "No Connection header", {"RFC 6455 4.1"}, Level::must,
        "The 101 must carry a Connection header with the Upgrade token (4.1 item 3)." + kFail,
        "A 101 without its Connection line.",
        [](Head& h, const ClientRequest&) { h.drop("Connection"); });
    add("14.4.10", "Connection: keep-alive", {"RFC 6455 4.1"}, Level::must,
        "The 101 must carry a Connection header with the Upgrade token (4.1 item 3)." + kFail,
        "A 101 with Connection: keep-alive.",
        [](Head& h, const ClientRequest&) { h.set("Connection", "keep-alive"); });
    add("14.4.11", "A subprotocol the client did not offer", {"RFC 6455 4.1"}, Level::must,
        "A Sec-WebSocket-Protocol value the client did not offer fails it (4.1 item 6)." + kFail,
        "A 101 with Sec-WebSocket-Protocol: wsconform-unoffered (or, if the client offered that, "
        "wsconform-unoffered-2).",
        [](Head& h, const ClientRequest& r) {
            const bool taken = std::find(r.protocols.begin(), r.protocols.end(),
                                         "wsconform-unoffered") != r.protocols.end();
            h.add("Sec-WebSocket-Protocol",
                  taken ? "wsconform-unoffered-2" : "wsconform-unoffered");
        });
    add("14.4.12", "An extension the client did not offer", {"RFC 6455 4.1", "RFC 6455 9.1"},
        Level::must, "An extension the client did not offer fails it (4.1 item 5)." + kFail,
        "A 101 with Sec-WebSocket-Extensions: x-wsconform-unoffered.",
        [](Head& h, const ClientRequest&) {
            h.add("Sec-WebSocket-Extensions", "x-wsconform-unoffered");
        });
    add("14.4.13", "permessage-deflate with server_max_window_bits=7",
        {"RFC 7692 7", "RFC 7692 7.1.2.1"}, Level::must,
        "A client MUST _Fail the WebSocket Connection_ when the server accepts permessage-deflate "
        "with "
        "an invalid parameter value (RFC 7692 7; window bits are 8-15, 7.1.2.1), and when it "
        "accepts "
        "an extension not offered at all (RFC 6455 4.1).",
        "A 101 with Sec-WebSocket-Extensions: permessage-deflate; server_max_window_bits=7.",
        [](Head& h, const ClientRequest&) {
            h.add("Sec-WebSocket-Extensions", "permessage-deflate; server_max_window_bits=7");
        });
    return out;
}

std::vector<Case> client_request() {
    std::vector<Case> out;
    auto add = [&](std::string id, std::string title, std::vector<std::string> rfc, Level level,
                   std::string requirement, std::string expectation,
                   std::function<Verdict(const ClientExchange&, const ClientHistory&)> judge,
                   std::size_t messages = 1, std::chrono::milliseconds delay = {}) {
        auto answer = valid_answer(id, messages);
        if (delay.count() > 0)
            answer = [answer, delay](const ClientRequest& r) {
                auto a = answer(r);
                a.delay = delay;
                return a;
            };
        out.push_back(Case{
            .id = std::move(id),
            .title = std::move(title),
            .description =
                "We answer the client's request with a valid 101 and " +
                std::string(messages > 1 ? std::to_string(messages) + " text messages"
                                         : "a text message") +
                (delay.count() > 0 ? ", after waiting " + std::to_string(delay.count()) + " ms"
                                   : "") +
                ", then close with 1000 once they are echoed.",
            .expectation = std::move(expectation),
            .rfc = std::move(rfc),
            .requirement = std::move(requirement),
            .level = level,
            .script = HttpClientProbe{.respond = std::move(answer), .judge = std::move(judge)},
        });
    };

    add("14.5.1", "Request line: GET, HTTP/1.1", {"RFC 6455 4.1"}, Level::must,
        "\"The method of the request MUST be GET, and the HTTP version MUST be at least 1.1\" (4.1 "
        "item 2).",
        "The request line reads GET <resource> HTTP/1.1 (or a later 1.x).",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                const auto& h = x.request.head;
                if (h.method != "GET")
                    return "The method is '" + h.method.substr(0, 40) + "', not GET";
                if (h.version_major != 1 || h.version_minor < 1)
                    return "The request says HTTP/" + std::to_string(h.version_major) + "." +
                           std::to_string(h.version_minor);
                return std::nullopt;
            },
            "GET ... HTTP/1.1"));
    add("14.5.2", "Host names the server and its port", {"RFC 6455 4.1", "RFC 9112 3.2"},
        Level::must,
        "Exactly one Host header with the host and, on a port other than 80, \":port\" (4.1 item "
        "4; "
        "RFC 9112 3.2).",
        "One Host header ending in :<the port the client connected to>.",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                const auto& h = x.request.head;
                const auto n = h.header_count("Host");
                if (n != 1)
                    return "The request has " + std::to_string(n) +
                           " Host headers; it needs exactly one";
                const std::string host(*h.header("Host"));
                const auto port = x.request.listen_port;
                if (host.empty() || host.front() == ':') return "The Host header names no host";
                if (port != 80 && !host.ends_with(":" + std::to_string(port)))
                    return "Host is '" + host.substr(0, 100) + "', without the port " +
                           std::to_string(port);
                return std::nullopt;
            },
            "One Host header with host and port"));
    add("14.5.3", "Upgrade: websocket and Connection: Upgrade", {"RFC 6455 4.1"}, Level::must,
        "An Upgrade header containing \"websocket\" and a Connection header containing the token "
        "\"Upgrade\" (4.1 items 5, 6).",
        "Both headers present with those tokens (in any case).",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                const auto& h = x.request.head;
                if (!h.has_token("Upgrade", "websocket"))
                    return "Upgrade is '" + h.combined("Upgrade").substr(0, 100) +
                           "', without websocket";
                if (!h.has_token("Connection", "upgrade"))
                    return "Connection is '" + h.combined("Connection").substr(0, 100) +
                           "', without Upgrade";
                return std::nullopt;
            },
            "Upgrade and Connection as required"));
    add("14.5.4", "Sec-WebSocket-Key: base64 of 16 octets, once",
        {"RFC 6455 4.1", "RFC 6455 11.3.1"}, Level::must,
        "One Sec-WebSocket-Key whose value is the base64 encoding of a 16-octet nonce (4.1 item 7; "
        "11.3.1: at most once).",
        "One Sec-WebSocket-Key of 24 base64 characters decoding to 16 octets.",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                const auto n = x.request.head.header_count("Sec-WebSocket-Key");
                if (n != 1)
                    return "The request has " + std::to_string(n) + " Sec-WebSocket-Key headers";
                if (!protocol::is_valid_key(x.request.key))
                    return "Sec-WebSocket-Key '" + x.request.key.substr(0, 64) +
                           "' is not base64 of 16 octets";
                return std::nullopt;
            },
            "A valid key"));
    add("14.5.5", "Sec-WebSocket-Version: 13", {"RFC 6455 4.1"}, Level::must,
        "\"The request MUST include a header field with the name Sec-WebSocket-Version. The value "
        "of "
        "this header field MUST be 13\" (4.1 item 9).",
        "One Sec-WebSocket-Version header with the value 13.",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                const auto& h = x.request.head;
                if (h.header_count("Sec-WebSocket-Version") != 1)
                    return "The request has " +
                           std::to_string(h.header_count("Sec-WebSocket-Version")) +
                           " Sec-WebSocket-Version headers";
                if (h.combined("Sec-WebSocket-Version") != "13")
                    return "Sec-WebSocket-Version is '" +
                           h.combined("Sec-WebSocket-Version").substr(0, 40) + "'";
                return std::nullopt;
            },
            "Version 13"));
    add("14.5.6", "A fresh random key on every connection", {"RFC 6455 4.1", "RFC 6455 10.3"},
        Level::must,
        "\"The nonce MUST be selected randomly for each connection\" (4.1 item 7). Compared with "
        "this "
        "client's earlier connections in this run: no repeat, no shared pattern, not RFC 6455's "
        "sample nonce.",
        "A key unlike every earlier key of this client (informational when fewer than two earlier "
        "connections exist).",
        judge_fresh_key);
    add("14.5.7", "Masking keys fresh and unpredictable", {"RFC 6455 5.3", "RFC 6455 10.3"},
        Level::must,
        "The client picks \"a fresh masking key from the set of allowed 32-bit values\" for each "
        "frame, "
        "from \"a strong source of entropy\" (5.3): no key twice, none predictable from earlier "
        "ones "
        "(10.3), also across connections.",
        "8 echoed frames with 8 distinct, non-zero masking keys with no constant step, none seen "
        "on "
        "the client's earlier connections.",
        judge_masks, 8);
    add("14.5.8", "No data before the 101", {"RFC 6455 4.1"}, Level::must,
        "\"Once the client's opening handshake has been sent, the client MUST wait for a response "
        "from "
        "the server before sending any further data\" (4.1).",
        "Nothing from the client during the 500 ms we wait before answering.",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                if (x.early_bytes > 0)
                    return "The client sent " + std::to_string(x.early_bytes) +
                           " octets after its request, before our answer";
                return std::nullopt;
            },
            "The client waited for the 101"),
        1, std::chrono::milliseconds(500));
    add("14.5.9", "Well-formed subprotocol and extension offers",
        {"RFC 6455 4.1", "RFC 6455 9.1", "RFC 7692 7.1"}, Level::must,
        "Offered subprotocols are unique tokens (4.1 item 10); Sec-WebSocket-Extensions follows "
        "the "
        "9.1 grammar, and permessage-deflate offers carry only its parameters with valid values "
        "(RFC 7692 7.1).",
        "Either header absent, or well-formed.",
        request_rule(
            [](const ClientExchange& x) -> std::optional<std::string> {
                const auto& r = x.request;
                for (std::size_t i = 0; i < r.protocols.size(); ++i) {
                    if (!is_token(r.protocols[i]))
                        return "Offered subprotocol '" + r.protocols[i].substr(0, 60) +
                               "' is not a token";
                    for (std::size_t j = 0; j < i; ++j)
                        if (r.protocols[j] == r.protocols[i])
                            return "Subprotocol '" + r.protocols[i].substr(0, 60) +
                                   "' is offered twice";
                }
                if (r.head.header_count("Sec-WebSocket-Protocol") > 0 && r.protocols.empty())
                    return std::string("Sec-WebSocket-Protocol is empty");
                if (r.extensions_malformed)
                    return "Sec-WebSocket-Extensions '" +
                           r.head.combined("Sec-WebSocket-Extensions").substr(0, 100) +
                           "' breaks the 9.1 grammar";
                for (const auto& e : r.extensions) {
                    if (!iequals(e.name, protocol::kPermessageDeflate)) continue;
                    protocol::DeflateParams params;
                    if (auto ec = protocol::parse_deflate_params(e, true, params))
                        return "A permessage-deflate offer is invalid: " + ec.message();
                }
                return std::nullopt;
            },
            "Offers well-formed (or none)"));
    add("14.5.10", "Origin header", {"RFC 6455 4.1", "RFC 6455 10.2"}, Level::informational,
        "Browsers MUST send Origin (4.1 item 8); other clients MAY. Reported, not judged.",
        "Reported: the Origin value, or its absence.",
        [](const ClientExchange& x, const ClientHistory&) {
            const auto origin = x.request.head.header("Origin");
            return with_open_close(
                Behavior::ok,
                origin ? "Origin: " + std::string(origin->substr(0, 200))
                       : std::string("No Origin header (not a browser, or one that omits it)"),
                x);
        });
    return out;
}

std::vector<Case> client_accepts() {
    std::vector<Case> out;
    auto add = [&](std::string id, std::string title, std::vector<std::string> rfc, Level level,
                   std::string requirement, std::string description,
                   std::function<RawResponse(const ClientRequest&)> respond) {
        out.push_back(Case{
            .id = std::move(id),
            .title = std::move(title),
            .description = std::move(description) +
                           " Then a text message, and a close (1000) once it is echoed.",
            .expectation =
                "The client opens the connection, echoes our message and answers our close.",
            .rfc = std::move(rfc),
            .requirement = std::move(requirement),
            .level = level,
            .script = HttpClientProbe{.respond = std::move(respond), .judge = client_opens()},
        });
    };
    auto edit = [](std::string id, std::function<void(Head&, const ClientRequest&)> f) {
        return answered(std::move(id), true, std::move(f));
    };

    add("14.6.1", "A frame in the same segment as the 101", {"RFC 6455 4.1", "RFC 6455 4.2.2"},
        Level::must,
        "The server may send frames as soon as its 101 is out: the octets after the response's "
        "blank "
        "line belong to the WebSocket connection.",
        "The canonical 101 and our text frame in one write (one TCP segment).",
        [](const ClientRequest& r) {
            RawResponse a;
            a.head = upgrade_response(r).str();
            a.texts = {greeting("14.6.1")};
            a.same_write = true;
            return a;
        });
    add("14.6.2", "Header names in lower case", {"RFC 6455 4.1", "RFC 9110 5.1"}, Level::must,
        "Field names are case-insensitive (RFC 9110 5.1).",
        "The canonical 101 with every header name in lower case.",
        edit("14.6.2", [](Head& h, const ClientRequest&) { h.rename(lower); }));
    add("14.6.3", "Upgrade: WebSocket, Connection: upgrade", {"RFC 6455 4.1"}, Level::must,
        "The client matches \"websocket\" and \"Upgrade\" ASCII case-insensitively (4.1 items 2, "
        "3).",
        "The canonical 101 with Upgrade: WebSocket and Connection: upgrade.",
        edit("14.6.3", [](Head& h, const ClientRequest&) {
            h.set("Upgrade", "WebSocket").set("Connection", "upgrade");
        }));
    add("14.6.4", "Connection: keep-alive, Upgrade", {"RFC 6455 4.1"}, Level::must,
        "The Connection header must contain the Upgrade token (4.1 item 3); other tokens may be "
        "there too.",
        "The canonical 101 with Connection: keep-alive, Upgrade.",
        edit("14.6.4",
             [](Head& h, const ClientRequest&) { h.set("Connection", "keep-alive, Upgrade"); }));
    add("14.6.5", "Extra headers in the 101", {"RFC 6455 4.1", "RFC 6455 4.2.2"}, Level::must,
        "A 101 may carry other headers (4.2.2: e.g. cookies); the client ignores those it does not "
        "use.",
        "The canonical 101 plus Server, Date, Set-Cookie, Cache-Control and an unknown X- header.",
        edit("14.6.5", [](Head& h, const ClientRequest&) {
            h.add("Server", "wsconform/14.6.5")
                .add("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
                .add("Set-Cookie", "session=wsconform; Path=/; HttpOnly")
                .add("Cache-Control", "no-store")
                .add("X-Wsconform-Probe", "14.6.5");
        }));
    add("14.6.6", "Reason phrase other than Switching Protocols", {"RFC 9112 4"}, Level::should,
        "\"A client SHOULD ignore the reason-phrase content\" (RFC 9112 4).",
        "A 101 with the status line HTTP/1.1 101 Web Socket Protocol Handshake.",
        edit("14.6.6", [](Head& h, const ClientRequest&) {
            h.start("HTTP/1.1 101 Web Socket Protocol Handshake");
        }));
    add("14.6.7", "101 written in 4-octet pieces", {"RFC 6455 4.1", "RFC 9112 2.1"}, Level::must,
        "HTTP rides on a byte stream: a client reads the head however it is segmented.",
        "The canonical 101, written 4 octets at a time, each piece its own TCP segment.",
        [](const ClientRequest& r) {
            RawResponse a;
            a.head = upgrade_response(r).str();
            a.texts = {greeting("14.6.7")};
            a.chopsize = 4;
            return a;
        });
    add("14.6.8", "No space after the colon, tabs around values", {"RFC 9112 5.1", "RFC 9110 5.5"},
        Level::must,
        "Optional whitespace around a field value is not part of it (RFC 9112 5.1); a parser MUST "
        "exclude it before evaluating the value (RFC 9110 5.5).",
        "The canonical 101 written as \"Upgrade:websocket\", \"Connection:\\tUpgrade\\t\" and "
        "\"Sec-WebSocket-Accept: <value>  \".",
        edit("14.6.8", [](Head& h, const ClientRequest& r) {
            h.set_raw("Upgrade", "Upgrade:websocket")
                .set_raw("Connection", "Connection:\tUpgrade\t")
                .set_raw("Sec-WebSocket-Accept",
                         "Sec-WebSocket-Accept: " + protocol::compute_accept(r.key) + "  ");
        }));
    return out;
}

}  // namespace

std::vector<Case> section14_handshake() {
    std::vector<Case> out;
    for (auto part : {server_accepts, server_refuses, server_response, client_fails_on,
                      client_request, client_accepts}) {
        auto cases = part();
        std::move(cases.begin(), cases.end(), std::back_inserter(out));
    }
    return out;
}

}  // namespace wsconform::cases
