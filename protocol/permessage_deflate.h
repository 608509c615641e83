// RFC 7692 permessage-deflate: negotiation (offers and responses, §5-§7.1) and per-message
// compression over zlib (§7.2), with a bounded inflater that refuses a deflate bomb before it
// allocates past its cap. Sans-I/O: standard library and zlib only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "protocol/handshake.h"

namespace wsconform::protocol {

inline constexpr std::string_view kPermessageDeflate = "permessage-deflate";

// One set of extension parameters (RFC 7692 §7.1): an offer alternative, or a response.
struct DeflateParams {
    bool server_no_context_takeover = false;
    bool client_no_context_takeover = false;
    // 0: absent; 8..15: the value. (zlib cannot deflate with 8; see Deflater.)
    int server_max_window_bits = 0;
    // 0: absent; -1: present without a value (allowed in an offer only, §7.1.2.2); 8..15.
    int client_max_window_bits = 0;

    friend bool operator==(const DeflateParams&, const DeflateParams&) = default;
};

enum class DeflateError {
    not_permessage_deflate = 1,
    unknown_parameter,    // §7.1: a parameter this extension does not define
    duplicate_parameter,  // §7.1: "MUST NOT include more than one of each"
    invalid_value,        // a value on a flag, a missing value, or window bits outside 8..15
    response_parameter_not_offered,  // §7.1.2.2: client_max_window_bits in a response the
                                     // client did not offer
    response_window_too_large,       // §7.1.2.1: server_max_window_bits above the offer's;
                                     // §7.1.2.2: client_max_window_bits above the offer's value
    no_acceptable_offer,             // server side: nothing offered could be accepted
    response_parameter_missing,      // §7.1.1.1, §7.1.2.1: the offer asked for
                                     // server_no_context_takeover or server_max_window_bits and
                                     // the response accepting it does not carry the parameter
};
// Its messages are in protocol/error.cpp, with those of the other categories.
const std::error_category& deflate_category() noexcept;
inline std::error_code make_error_code(DeflateError e) noexcept {
    return {static_cast<int>(e), deflate_category()};
}

// Reads the parameters of one permessage-deflate element of Sec-WebSocket-Extensions
// (parsed by parse_extensions()). `is_offer` allows client_max_window_bits without a value.
std::error_code parse_deflate_params(const Extension& ext, bool is_offer, DeflateParams& out);

// "permessage-deflate; client_no_context_takeover; client_max_window_bits=12" ...
std::string format_deflate_params(const DeflateParams& params);
// Alternatives joined with ", ", for an offer.
std::string format_deflate_offer(std::span<const DeflateParams> alternatives);

// What a server asks of the client on top of honouring its offer (Autobahn's 13.x server
// side). client_no_context_takeover may be asked of any offer (§7.1.1.1; Autobahn's offer
// parser likewise treats every offer as allowing it); client_max_window_bits only of an offer
// that included that parameter (§7.1.2.2).
struct DeflateServerPolicy {
    bool request_server_no_context_takeover = false;
    bool request_client_no_context_takeover = false;
    int request_client_max_window_bits = 0;  // 0: none; needs the offer to include it
    bool operator==(const DeflateServerPolicy&) const = default;
};

// Server side: picks the first acceptable alternative among the client's permessage-deflate
// offers (other extensions are skipped) and builds the response parameters, or nothing if
// none is acceptable (the server then just omits the extension). Malformed offers are
// skipped, as §5 lets a server decline them. An offered server_no_context_takeover is
// honoured; an offered server_max_window_bits is honoured with that value (8 cannot be: zlib
// cannot deflate with 8, so that alternative is declined).
std::optional<DeflateParams> negotiate_deflate_as_server(std::span<const Extension> offered,
                                                         const DeflateServerPolicy& policy);

// Client side: checks the server's response element against what was offered (§7.1) and
// gives the agreed parameters. The response must parse as a response (client_max_window_bits
// needs a value) and be consistent with at least one offered alternative; the first such
// alternative is the one accepted. `agreed` is the response plus the client's own promises in
// that alternative (§7.1.1.2 client_no_context_takeover, §7.1.2.2 client_max_window_bits=N
// bind the client even when the response omits them). When no alternative fits, the error is
// the first alternative's; with nothing offered it is HandshakeError::extension_not_offered.
std::error_code check_deflate_response(const Extension& response,
                                       std::span<const DeflateParams> offered,
                                       DeflateParams& agreed);

// The same check with Autobahn's leniency, for the cases that test servers: when no offered
// alternative fits, one still fits if the response only leaves out server_no_context_takeover
// or server_max_window_bits that the alternative asked for (§7.1.1.1 and §7.1.2.1 make a server
// that accepts the offer include them; Autobahn's client runs the case with the response's
// parameters anyway). `omitted` then names what was left out, and `agreed` is what the
// response binds the server to (it may use context takeover, or a 15-bit window). With a
// response that fits strictly, `omitted` is empty and the result equals
// check_deflate_response's.
std::error_code check_deflate_response_lenient(const Extension& response,
                                               std::span<const DeflateParams> offered,
                                               DeflateParams& agreed,
                                               std::vector<std::string>& omitted);

// The parameters each direction compresses with, once agreed. `we_are_server` selects which
// half of the agreement applies to our own sending.
struct DeflateSettings {
    int send_window_bits = 15;
    bool send_no_context_takeover = false;
    int receive_window_bits = 15;
    bool receive_no_context_takeover = false;
};
DeflateSettings deflate_settings(const DeflateParams& agreed, bool we_are_server);

// Compresses whole messages (§7.2.1): raw deflate, sync flush, and the trailing 00 00 ff ff
// removed. Context is kept between messages unless no_context_takeover. An empty message is
// the single byte 00 (§7.2.3.6). Throws only when zlib fails (std::bad_alloc: no memory).
class Deflater {
  public:
    // window_bits 8 is raised to 9: zlib refuses 8 for raw deflate (Autobahn 0.8.2 changed
    // 13.x for the same reason). The output still fits the 256-byte window a peer agreed to:
    // zlib's matches reach back at most 2^bits - 262 bytes (250 for 9), as zlib keeps 262 bytes
    // of its window for lookahead. Values outside 8..15 are clamped; a level outside 0..9 means
    // zlib's default (6).
    Deflater(int window_bits, bool no_context_takeover, int level = 6);
    ~Deflater();
    Deflater(const Deflater&) = delete;
    Deflater& operator=(const Deflater&) = delete;

    // Appends the compressed form of `message` to `out`.
    void compress(std::span<const std::byte> message, std::string& out);
    void compress(std::string_view message, std::string& out) {
        compress(std::as_bytes(std::span(message.data(), message.size())), out);
    }

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Output is produced in steps of at most this many bytes.
inline constexpr std::size_t kInflateStep = 16 * 1024;
// The ratio cap applies once a message's output passes this many bytes.
inline constexpr std::size_t kInflateRatioFloor = std::size_t{1} << 20;

// Decompresses messages (§7.2.2), fed frame payloads as they arrive, with the window agreed
// for the peer's sending side (8 is valid here: zlib inflates raw data with a 256-byte window).
// Errors are protocol::Error values (protocol/error.h):
// - inflate_limit_exceeded when a message's output would exceed `max_output` bytes: no byte
//   past the cap is ever appended, so for the bytes of one message out.size() stays at most
//   (out.size() at the start of the message) + max_output, and growing `out` never takes its
//   capacity past that either (beyond the library's allocation rounding); the ratio cap: when
//   a message's output passes kInflateRatioFloor and output/input (compressed bytes fed)
//   exceeds `max_ratio` (checked after each step, so at most kInflateStep bytes late; 0 turns
//   it off);
// - inflate_failed for corrupt data, or a message whose payload plus 00 00 ff ff does not end
//   at a DEFLATE block boundary (§7.2.1 makes every message end with an empty stored block).
// After an error the inflater is unusable: every later call returns the same error.
// A DEFLATE block with BFINAL set may be followed by more blocks (§7.2.1, §7.2.3.4); the window
// carries over it. An empty payload is accepted as an empty message, as is the single byte 00.
// zlib only notices a distance beyond the agreed window when the bytes it points to are no
// longer in its window or the current output step, so a peer that ignores the agreed window
// is not always caught.
class Inflater {
  public:
    Inflater(int window_bits, bool no_context_takeover, std::size_t max_output,
             double max_ratio = 1000.0);
    ~Inflater();
    Inflater(const Inflater&) = delete;
    Inflater& operator=(const Inflater&) = delete;

    // Appends what `chunk` (compressed bytes of the current message) inflates to.
    std::error_code feed(std::span<const std::byte> chunk, std::string& out);
    // Ends the message: inflates the implied 00 00 ff ff tail and resets for the next message
    // (and the window too under no_context_takeover).
    std::error_code finish_message(std::string& out);

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace wsconform::protocol

template <>
struct std::is_error_code_enum<wsconform::protocol::DeflateError> : std::true_type {};
