// RFC 6455 §5.5.1: a close payload is empty, or a 2-byte status code in network order
// followed by a UTF-8 reason. §7.4: which status codes may appear on the wire.
#include "protocol/close.h"

#include "protocol/error.h"
#include "protocol/utf8.h"

namespace wsconform::protocol {

bool is_valid_close_code(std::uint16_t code, CloseCodePolicy policy) noexcept {
    // 3000-3999 are registered with IANA, 4000-4999 are private use (§7.4.2).
    if (code >= 3000 && code <= 4999) return true;
    // 1000-1003 defined by §7.4.1; 1004 reserved; 1005, 1006 and 1015 never on the wire.
    if (code >= 1000 && code <= 1003) return true;
    // 1007-1011 defined by §7.4.1 and its errata; 1012-1014 added by the IANA registry.
    const std::uint16_t last = policy == CloseCodePolicy::rfc ? 1014 : 1011;
    return code >= 1007 && code <= last;
}

std::error_code parse_close_payload(std::span<const std::byte> payload, ClosePayload& out,
                                    CloseCodePolicy policy) noexcept {
    out = {};
    if (payload.empty()) return {};
    // §5.5.1: a body, if any, starts with a 2-byte status code.
    if (payload.size() == 1) return Error::close_payload_length_one;

    const auto code = static_cast<std::uint16_t>((std::to_integer<unsigned>(payload[0]) << 8) |
                                                 std::to_integer<unsigned>(payload[1]));
    const auto reason = payload.subspan(2);
    out.code = code;
    out.reason = std::string_view(reinterpret_cast<const char*>(reason.data()), reason.size());
    if (!is_valid_close_code(code, policy)) return Error::close_code_invalid;
    if (!is_valid_utf8(reason)) return Error::close_reason_invalid_utf8;
    return {};
}

std::string build_close_payload(std::optional<std::uint16_t> code, std::string_view reason) {
    std::string out;
    if (!code) return out;
    out.reserve(2 + reason.size());
    out.push_back(static_cast<char>(*code >> 8));
    out.push_back(static_cast<char>(*code & 0xFF));
    out.append(reason);
    return out;
}

}  // namespace wsconform::protocol
