// Section 14's building blocks for what we send: an HTTP head edited line by line, RFC 6455's
// canonical upgrade request (testing a server) and 101 answer (testing a client), and the
// scripts that edit them. Internal to cases/s14_handshake/.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/http_script.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases::handshake {

using harness::ClientRequest;
using harness::RawRequest;
using harness::RawResponse;
using harness::RequestContext;

// An HTTP message head as a start line and header lines, edited by field name
// (case-insensitive). Lines are sent exactly as written, so a case can break the grammar.
class Head {
  public:
    explicit Head(std::string start) : start_(std::move(start)) {}

    Head& add(std::string_view name, std::string_view value);
    // A header line exactly as given (no ": " inserted).
    Head& raw(std::string line);
    // Replaces the first line with this name (and drops the others), or appends.
    Head& set(std::string_view name, std::string_view value);
    // Replaces the first line with this name by `line`, exactly as given.
    Head& set_raw(std::string_view name, std::string line);
    Head& drop(std::string_view name);
    Head& start(std::string line);
    // Applies `f` to every field name.
    Head& rename(const std::function<std::string(std::string)>& f);
    Head& reverse();
    std::string str() const;

  private:
    std::string start_;
    std::vector<std::string> lines_;
};

// ASCII letters in lower case, in upper case, or with their case swapped ("AbC" -> "aBc").
std::string lower(std::string s);
std::string upper(std::string s);
std::string swap_case(std::string s);

// RFC 6455 §1.3's sample nonce (also in §4.2.2), whose accept value the RFC works out.
inline constexpr std::string_view kRfcSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

// ---------------------------------------------------------------- testing a server

using RequestScript = std::function<RawRequest(const RequestContext&)>;

// RFC 6455 §4.1's request, with nothing optional: what every 14.1-14.3 request starts from.
//   GET /target HTTP/1.1 | Host | Upgrade: websocket | Connection: Upgrade | key | version 13
Head upgrade_request(const RequestContext& c, std::string_view key);
Head upgrade_request(const RequestContext& c);

RawRequest raw_request(const Head& h, std::string key);

// A request script from an edit of the canonical request (with the context's fresh key).
RequestScript edited(std::function<void(Head&)> edit);
// The canonical request with a Sec-WebSocket-Extensions line `offer`; `valid` are the
// alternatives in it a server may accept (a response fitting an invalid one is wrong).
RequestScript offering_deflate(std::string offer, std::vector<protocol::DeflateParams> valid);

// ---------------------------------------------------------------- testing a client

using ResponseScript = std::function<RawResponse(const ClientRequest&)>;
using ResponseEdit = std::function<void(Head&, const ClientRequest&)>;

// RFC 6455 §4.2.2's 101 for the client's key: what every 14.4-14.6 answer starts from.
//   HTTP/1.1 101 Switching Protocols | Upgrade: websocket | Connection: Upgrade | accept
Head upgrade_response(const ClientRequest& r);

// The text message a client-role case sends after its answer: "Hello from wsconform, case 14.6.2".
std::string greeting(const std::string& id);

// An answer script from an edit of the canonical 101, followed by the greeting; `valid` says
// whether the result is still a valid 101 for the request (the client must open) or not (it
// must fail).
ResponseScript answered(std::string id, bool valid, ResponseEdit edit);
// The canonical 101, then `messages` greetings ("..., message 2" when more than one), sent
// after waiting `delay`.
ResponseScript valid_answer(std::string id, std::size_t messages = 1,
                            std::chrono::milliseconds delay = {});

}  // namespace wsconform::cases::handshake
