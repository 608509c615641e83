// RFC 7692 permessage-deflate: parameter negotiation (§5, §7.1) and per-message compression
// (§7.2) over zlib raw DEFLATE streams.
#include "protocol/permessage_deflate.h"

#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstring>
#include <new>
#include <stdexcept>

#include "protocol/error.h"

namespace wsconform::protocol {
namespace {

// ---- negotiation helpers --------------------------------------------------------------------

// §7.1.2.1/§7.1.2.2: a decimal integer 8..15 with no leading zeros; 0 when it is anything else.
int parse_window_bits(std::string_view v) {
    if (v.size() == 1 && (v[0] == '8' || v[0] == '9')) return v[0] - '0';
    if (v.size() == 2 && v[0] == '1' && v[1] >= '0' && v[1] <= '5') return 10 + (v[1] - '0');
    return 0;
}

enum class Param {
    server_no_context_takeover,
    client_no_context_takeover,
    server_max_window_bits,
    client_max_window_bits,
    count
};
constexpr std::array<std::string_view, 4> kParamNames = {
    "server_no_context_takeover", "client_no_context_takeover", "server_max_window_bits",
    "client_max_window_bits"};

// Whether `response` is a valid acceptance of `alternative` (§7.1).
std::error_code check_against(const DeflateParams& alternative, const DeflateParams& response) {
    // §7.1.2.2: "If a received extension negotiation offer doesn't have the
    // client_max_window_bits extension parameter, the corresponding extension negotiation
    // response to the offer MUST NOT include the client_max_window_bits extension parameter."
    if (response.client_max_window_bits > 0) {
        if (alternative.client_max_window_bits == 0)
            return DeflateError::response_parameter_not_offered;
        // §7.1.2.2: the server answers an offered value with one "equal to or smaller".
        if (alternative.client_max_window_bits > 0 &&
            response.client_max_window_bits > alternative.client_max_window_bits)
            return DeflateError::response_window_too_large;
    }
    // §7.1.2.1: a server accepts an offered server_max_window_bits by including it "with the
    // same or smaller value"; without one it would use 15. A response may add it unasked.
    if (alternative.server_max_window_bits > 0) {
        if (response.server_max_window_bits == 0) return DeflateError::response_parameter_missing;
        if (response.server_max_window_bits > alternative.server_max_window_bits)
            return DeflateError::response_window_too_large;
    }
    // §7.1.1.1: a server accepts an offered server_no_context_takeover by including it; it
    // may include it unasked. client_no_context_takeover is allowed in any response (§7.1.1.2).
    if (alternative.server_no_context_takeover && !response.server_no_context_takeover)
        return DeflateError::response_parameter_missing;
    return {};
}

// ---- zlib helpers -----------------------------------------------------------------------------

constexpr std::array<unsigned char, 4> kTail = {0x00, 0x00, 0xff, 0xff};  // §7.2.1/§7.2.2
constexpr std::size_t kMaxZlibChunk = std::size_t{1} << 30;  // avail_in/avail_out are uInt
constexpr std::size_t kDeflateStep = 16 * 1024;  // more room when the first guess fell short

// Makes room for `needed` bytes in `out` without the capacity passing `bound` (needed <= bound):
// geometric growth as usual, capped; the copy into a fresh string gets exactly the capacity
// asked for, where reserve() on the string itself may double past the cap.
void grow_within(std::string& out, std::size_t needed, std::size_t bound) {
    if (needed <= out.capacity()) return;
    const std::size_t target = std::min(std::max(needed, 2 * out.capacity()), bound);
    std::string grown;
    grown.reserve(target);
    grown.append(out);
    out.swap(grown);
}

}  // namespace

// ---- negotiation ------------------------------------------------------------------------------

std::error_code parse_deflate_params(const Extension& ext, bool is_offer, DeflateParams& out) {
    if (!iequals(ext.name, kPermessageDeflate)) return DeflateError::not_permessage_deflate;
    DeflateParams params;
    std::array<bool, static_cast<std::size_t>(Param::count)> seen{};
    for (const auto& p : ext.params) {
        // Parameter names are case-insensitive, like the extension token (RFC 9110 §5.6.6).
        const auto it = std::find_if(kParamNames.begin(), kParamNames.end(),
                                     [&](std::string_view n) { return iequals(n, p.name); });
        // §7.1: parameters not defined here make the element invalid.
        if (it == kParamNames.end()) return DeflateError::unknown_parameter;
        const auto which = static_cast<std::size_t>(it - kParamNames.begin());
        // §7.1: an element "MUST NOT include more than one of each" parameter.
        if (seen[which]) return DeflateError::duplicate_parameter;
        seen[which] = true;
        switch (static_cast<Param>(which)) {
            case Param::server_no_context_takeover:
            case Param::client_no_context_takeover:
                // §7.1.1.1/§7.1.1.2: "This extension parameter has no value."
                if (p.value) return DeflateError::invalid_value;
                if (static_cast<Param>(which) == Param::server_no_context_takeover) {
                    params.server_no_context_takeover = true;
                } else {
                    params.client_no_context_takeover = true;
                }
                break;
            case Param::server_max_window_bits:
                // §7.1.2.1: always carries a value, 8..15.
                if (!p.value) return DeflateError::invalid_value;
                params.server_max_window_bits = parse_window_bits(*p.value);
                if (params.server_max_window_bits == 0) return DeflateError::invalid_value;
                break;
            case Param::client_max_window_bits:
                // §7.1.2.2: the value may be omitted in an offer only.
                if (!p.value) {
                    if (!is_offer) return DeflateError::invalid_value;
                    params.client_max_window_bits = -1;
                    break;
                }
                params.client_max_window_bits = parse_window_bits(*p.value);
                if (params.client_max_window_bits == 0) return DeflateError::invalid_value;
                break;
            case Param::count:
                break;
        }
    }
    out = params;
    return {};
}

std::string format_deflate_params(const DeflateParams& params) {
    std::string s(kPermessageDeflate);
    if (params.server_no_context_takeover) s += "; server_no_context_takeover";
    if (params.client_no_context_takeover) s += "; client_no_context_takeover";
    if (params.server_max_window_bits > 0)
        s += "; server_max_window_bits=" + std::to_string(params.server_max_window_bits);
    if (params.client_max_window_bits != 0) {
        s += "; client_max_window_bits";
        if (params.client_max_window_bits > 0)
            s += "=" + std::to_string(params.client_max_window_bits);
    }
    return s;
}

std::string format_deflate_offer(std::span<const DeflateParams> alternatives) {
    std::string s;
    for (const auto& alt : alternatives) {
        if (!s.empty()) s += ", ";
        s += format_deflate_params(alt);
    }
    return s;
}

std::optional<DeflateParams> negotiate_deflate_as_server(std::span<const Extension> offered,
                                                         const DeflateServerPolicy& policy) {
    for (const auto& ext : offered) {
        if (!iequals(ext.name, kPermessageDeflate)) continue;
        DeflateParams offer;
        // §5: a server may decline an offer it does not understand.
        if (parse_deflate_params(ext, /*is_offer=*/true, offer)) continue;
        DeflateParams response;
        // §7.1.1.1: accepting the offer means honouring server_no_context_takeover.
        response.server_no_context_takeover =
            offer.server_no_context_takeover || policy.request_server_no_context_takeover;
        // §7.1.2.1: accept with the same value; zlib cannot deflate with a 256-byte window.
        if (offer.server_max_window_bits == 8) continue;
        response.server_max_window_bits = offer.server_max_window_bits;
        // §7.1.1.1: "A server MAY include the client_no_context_takeover extension parameter
        // ... even if the extension negotiation offer being accepted by the server does not
        // include" it.
        response.client_no_context_takeover = policy.request_client_no_context_takeover;
        if (policy.request_client_max_window_bits != 0) {
            // §7.1.2.2: only when offered, and no larger than an offered value.
            if (offer.client_max_window_bits == 0) continue;
            response.client_max_window_bits =
                offer.client_max_window_bits > 0
                    ? std::min(policy.request_client_max_window_bits, offer.client_max_window_bits)
                    : policy.request_client_max_window_bits;
        }
        return response;
    }
    return std::nullopt;
}

namespace {

// The response plus the client's own promises in the accepted alternative, which bind it
// either way.
DeflateParams agreement(const DeflateParams& alternative, const DeflateParams& answer) {
    DeflateParams agreed = answer;
    agreed.client_no_context_takeover |= alternative.client_no_context_takeover;
    if (agreed.client_max_window_bits == 0 && alternative.client_max_window_bits > 0)
        agreed.client_max_window_bits = alternative.client_max_window_bits;
    return agreed;
}

}  // namespace

std::error_code check_deflate_response(const Extension& response,
                                       std::span<const DeflateParams> offered,
                                       DeflateParams& agreed) {
    // RFC 6455 §9.1: a server must not answer with an extension the client did not offer.
    if (offered.empty()) return HandshakeError::extension_not_offered;
    DeflateParams answer;
    if (auto ec = parse_deflate_params(response, /*is_offer=*/false, answer)) return ec;
    std::error_code first_error;
    for (const auto& alternative : offered) {
        const auto ec = check_against(alternative, answer);
        if (!ec) {
            agreed = agreement(alternative, answer);
            return {};
        }
        if (!first_error) first_error = ec;
    }
    return first_error;
}

std::error_code check_deflate_response_lenient(const Extension& response,
                                               std::span<const DeflateParams> offered,
                                               DeflateParams& agreed,
                                               std::vector<std::string>& omitted) {
    omitted.clear();
    const std::error_code strict = check_deflate_response(response, offered, agreed);
    if (!strict) return strict;
    // Any alternative may be the one the server meant, not only the first (whose error
    // `strict` is); one with nothing left out was already judged strictly.
    DeflateParams answer;
    if (parse_deflate_params(response, /*is_offer=*/false, answer)) return strict;
    for (const auto& alternative : offered) {
        DeflateParams relaxed = alternative;
        std::vector<std::string> left_out;
        if (relaxed.server_no_context_takeover && !answer.server_no_context_takeover) {
            relaxed.server_no_context_takeover = false;
            left_out.emplace_back("server_no_context_takeover");
        }
        if (relaxed.server_max_window_bits > 0 && answer.server_max_window_bits == 0) {
            left_out.push_back("server_max_window_bits=" +
                               std::to_string(relaxed.server_max_window_bits));
            relaxed.server_max_window_bits = 0;
        }
        if (!left_out.empty() && !check_against(relaxed, answer)) {
            agreed = agreement(alternative, answer);  // the server keeps what it left out
            omitted = std::move(left_out);
            return {};
        }
    }
    return strict;
}

DeflateSettings deflate_settings(const DeflateParams& agreed, bool we_are_server) {
    const auto bits = [](int v) { return v > 0 ? v : 15; };  // absent or valueless: 15
    const int server_bits = bits(agreed.server_max_window_bits);
    const int client_bits = bits(agreed.client_max_window_bits);
    DeflateSettings s;
    s.send_window_bits = we_are_server ? server_bits : client_bits;
    s.send_no_context_takeover =
        we_are_server ? agreed.server_no_context_takeover : agreed.client_no_context_takeover;
    s.receive_window_bits = we_are_server ? client_bits : server_bits;
    s.receive_no_context_takeover =
        we_are_server ? agreed.client_no_context_takeover : agreed.server_no_context_takeover;
    return s;
}

// ---- Deflater ---------------------------------------------------------------------------------

struct Deflater::Impl {
    z_stream strm{};
    bool no_context_takeover = false;
    ~Impl() { deflateEnd(&strm); }

    // deflate() on a sound stream with room to write only returns Z_OK or Z_BUF_ERROR.
    static void check(int rc) {
        if (rc != Z_OK && rc != Z_BUF_ERROR) throw std::logic_error("zlib deflate() failed");
    }
};

Deflater::Deflater(int window_bits, bool no_context_takeover, int level)
    : impl_(std::make_unique<Impl>()) {
    impl_->no_context_takeover = no_context_takeover;
    // zlib refuses a raw 256-byte window, so 8 becomes 9. What it produces still suits a peer
    // that keeps 256 bytes: zlib holds MIN_LOOKAHEAD (262) bytes of its 512-byte window back
    // for lookahead, so no match reaches back more than 512 - 262 = 250 bytes.
    window_bits = std::clamp(window_bits, 9, 15);
    if (level < 0 || level > 9) level = Z_DEFAULT_COMPRESSION;
    // zlib's hash table has 2^(memLevel + 7) entries and is rescanned each time the window
    // slides, i.e. every 2^(window_bits - 1) input bytes. With the default memLevel 8 and a
    // 512-byte window that rescan costs 64 steps per input byte: compressing JSON ran at 40 MB/s
    // instead of 230. A table in proportion to the window keeps small windows as fast as large.
    const int mem_level = std::clamp(window_bits - 5, 1, 8);
    const int rc =
        deflateInit2(&impl_->strm, level, Z_DEFLATED, -window_bits, mem_level, Z_DEFAULT_STRATEGY);
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) throw std::logic_error("zlib deflateInit2() failed");
}

Deflater::~Deflater() = default;

void Deflater::compress(std::span<const std::byte> message, std::string& out) {
    // §7.2.3.6: an empty message is a lone empty stored block's first octet, 0x00. No zlib
    // call: a flush with no new input would give nothing, and the context is unchanged.
    if (message.empty()) {
        out.push_back('\0');
        return;
    }
    z_stream& strm = impl_->strm;
    const std::size_t start = out.size();
    const auto* in = reinterpret_cast<const Bytef*>(message.data());
    std::size_t left = message.size();
    // First guess: zlib's bound for the input, plus the 5-byte sync marker and a spare byte.
    std::size_t room = deflateBound(&strm, static_cast<uLong>(std::min(left, kMaxZlibChunk))) + 16;
    while (true) {
        const std::size_t piece = std::min(left, kMaxZlibChunk);
        strm.next_in = in;
        strm.avail_in = static_cast<uInt>(piece);
        in += piece;
        left -= piece;
        // §7.2.1: compress, then flush so the data ends at a byte boundary with an empty stored
        // block (Z_SYNC_FLUSH does both).
        const int flush = left == 0 ? Z_SYNC_FLUSH : Z_NO_FLUSH;
        do {
            const std::size_t before = out.size();
            room = std::min(room, kMaxZlibChunk);
            out.resize(before + room);
            strm.next_out = reinterpret_cast<Bytef*>(out.data() + before);
            strm.avail_out = static_cast<uInt>(room);
            Impl::check(deflate(&strm, flush));
            out.resize(before + room - strm.avail_out);
            room = kDeflateStep;
            // zlib: the flush is complete once deflate() leaves output space unused.
        } while (strm.avail_in != 0 || strm.avail_out == 0);
        if (left == 0) break;
    }
    // §7.2.1: remove the 00 00 ff ff the flush ends with.
    if (out.size() - start >= kTail.size() &&
        std::memcmp(out.data() + out.size() - kTail.size(), kTail.data(), kTail.size()) == 0) {
        out.resize(out.size() - kTail.size());
    }
    // §7.2.1 / §8.1.1: without context takeover each message starts from an empty window.
    if (impl_->no_context_takeover) Impl::check(deflateReset(&strm));
}

// ---- Inflater ---------------------------------------------------------------------------------

struct Inflater::Impl {
    z_stream strm{};
    int window_bits = 15;
    bool no_context_takeover = false;
    std::size_t max_output = 0;
    double max_ratio = 0;
    std::size_t produced = 0;           // bytes this message has inflated to
    std::size_t consumed = 0;           // compressed bytes of this message used (the tail excluded)
    bool at_block_boundary = true;      // the last input zlib used ended a block or a stream
    std::error_code error;              // sticky
    std::vector<unsigned char> window;  // the LZ77 window, carried over a BFINAL block

    ~Impl() { inflateEnd(&strm); }

    std::error_code fail(Error e) {
        error = e;
        return error;
    }

    // A block with BFINAL set ends zlib's stream; §7.2.1 lets more blocks follow, which may
    // still refer back to what came before. Start a new stream over the same window.
    bool restart_after_final_block() {
        if (window.empty()) window.resize(std::size_t{1} << window_bits);
        uInt n = static_cast<uInt>(window.size());
        if (inflateGetDictionary(&strm, window.data(), &n) != Z_OK) return false;
        if (inflateReset(&strm) != Z_OK) return false;
        return n == 0 || inflateSetDictionary(&strm, window.data(), n) == Z_OK;
    }

    // Inflates `data` into `out`, in steps of at most kInflateStep, never appending a byte past
    // the message's max_output.
    std::error_code run(const unsigned char* data, std::size_t size, bool count_input,
                        std::string& out) {
        const std::size_t bound = out.size() + (max_output - produced);
        while (size > 0 || strm.avail_in > 0) {
            if (strm.avail_in == 0) {
                const std::size_t piece = std::min(size, kMaxZlibChunk);
                strm.next_in = data;
                strm.avail_in = static_cast<uInt>(piece);
                data += piece;
                size -= piece;
            }
            if (auto ec = run_piece(count_input, bound, out)) return ec;
        }
        return {};
    }

    std::error_code run_piece(bool count_input, std::size_t bound, std::string& out) {
        while (true) {
            const std::size_t allowance = max_output - produced;
            const std::size_t before = out.size();
            unsigned char probe = 0;  // at the cap: room for one byte, to see if there is more
            std::size_t room = 1;
            unsigned char* dst = &probe;
            if (allowance > 0) {
                room = std::min(kInflateStep, allowance);
                grow_within(out, before + room, bound);
                out.resize(before + room);
                dst = reinterpret_cast<unsigned char*>(out.data() + before);
            }
            strm.next_out = dst;
            strm.avail_out = static_cast<uInt>(room);
            const uInt in_before = strm.avail_in;
            const int rc = inflate(&strm, Z_NO_FLUSH);
            const std::size_t got = room - strm.avail_out;
            if (allowance > 0) out.resize(before + got);
            const std::size_t used = in_before - strm.avail_in;
            if (count_input) consumed += used;
            if (used > 0) at_block_boundary = (strm.data_type & 128) != 0;
            if (allowance == 0 && got > 0) return fail(Error::inflate_limit_exceeded);
            produced += got;
            if (max_ratio > 0 && produced > kInflateRatioFloor &&
                static_cast<double>(produced) > max_ratio * static_cast<double>(consumed))
                return fail(Error::inflate_limit_exceeded);
            switch (rc) {
                case Z_OK:
                    // inflate() returns when the input or the output space runs out.
                    if (strm.avail_out != 0) return {};
                    break;
                case Z_BUF_ERROR:
                    // No progress was possible with output space free: the input is used up.
                    if (strm.avail_in != 0) return fail(Error::inflate_failed);
                    return {};
                case Z_STREAM_END:
                    at_block_boundary = true;
                    if (!restart_after_final_block()) return fail(Error::inflate_failed);
                    if (strm.avail_in == 0) return {};
                    break;
                default:  // Z_DATA_ERROR (corrupt, or a distance beyond the window), Z_MEM_ERROR
                    return fail(Error::inflate_failed);
            }
        }
    }
};

Inflater::Inflater(int window_bits, bool no_context_takeover, std::size_t max_output,
                   double max_ratio)
    : impl_(std::make_unique<Impl>()) {
    impl_->window_bits = std::clamp(window_bits, 8, 15);
    impl_->no_context_takeover = no_context_takeover;
    impl_->max_output = max_output;
    impl_->max_ratio = max_ratio;
    const int rc = inflateInit2(&impl_->strm, -impl_->window_bits);
    if (rc == Z_MEM_ERROR) throw std::bad_alloc();
    if (rc != Z_OK) throw std::logic_error("zlib inflateInit2() failed");
}

Inflater::~Inflater() = default;

std::error_code Inflater::feed(std::span<const std::byte> chunk, std::string& out) {
    if (impl_->error) return impl_->error;
    return impl_->run(reinterpret_cast<const unsigned char*>(chunk.data()), chunk.size(),
                      /*count_input=*/true, out);
}

std::error_code Inflater::finish_message(std::string& out) {
    Impl& s = *impl_;
    if (s.error) return s.error;
    // An empty payload is an empty message (§7.2.3.6 sends 00, but nothing is no less empty);
    // the tail alone would start a stored block that never ends.
    if (s.consumed > 0) {
        // §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload".
        if (auto ec = s.run(kTail.data(), kTail.size(), /*count_input=*/false, out)) return ec;
        // §7.2.1: the payload ends inside the empty stored block the tail completes; anything
        // else is a truncated or mis-flushed message.
        if (!s.at_block_boundary) return s.fail(Error::inflate_failed);
    }
    s.produced = 0;
    s.consumed = 0;
    // §7.2.2: without context takeover the peer's next message starts from an empty window.
    if (s.no_context_takeover && inflateReset(&s.strm) != Z_OK)
        return s.fail(Error::inflate_failed);
    return {};
}

}  // namespace wsconform::protocol
