// RFC 6455 §5.5.1 close frame payloads and §7.4 status codes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>

namespace wsconform::protocol {

namespace close_code {
inline constexpr std::uint16_t normal = 1000;
inline constexpr std::uint16_t going_away = 1001;
inline constexpr std::uint16_t protocol_error = 1002;
inline constexpr std::uint16_t unsupported_data = 1003;
inline constexpr std::uint16_t no_status = 1005;  // never on the wire
inline constexpr std::uint16_t abnormal = 1006;   // never on the wire
inline constexpr std::uint16_t invalid_payload = 1007;
inline constexpr std::uint16_t policy_violation = 1008;
inline constexpr std::uint16_t message_too_big = 1009;
inline constexpr std::uint16_t mandatory_extension = 1010;
inline constexpr std::uint16_t internal_error = 1011;
}  // namespace close_code

// Which codes a received close frame may carry.
enum class CloseCodePolicy {
    // RFC 6455 §7.4.1/§7.4.2 plus the IANA registry: 1000-1003, 1007-1014, 3000-4999.
    rfc,
    // What Autobahn (0.10.9) accepts: 1000-1003, 1007-1011, 3000-4999.
    autobahn,
};

bool is_valid_close_code(std::uint16_t code,
                         CloseCodePolicy policy = CloseCodePolicy::rfc) noexcept;

struct ClosePayload {
    std::optional<std::uint16_t> code;  // empty for an empty payload
    std::string_view reason;            // points into the parsed buffer
};

// Parses and judges a received close payload: length 1, an invalid code, or a reason that is
// not UTF-8 each give their own error (see protocol/error.h).
std::error_code parse_close_payload(std::span<const std::byte> payload, ClosePayload& out,
                                    CloseCodePolicy policy = CloseCodePolicy::rfc) noexcept;

// Builds a close payload: the code in network order, then the reason bytes as given (a case
// may deliberately send an invalid reason). No code means an empty payload.
std::string build_close_payload(std::optional<std::uint16_t> code, std::string_view reason = {});

}  // namespace wsconform::protocol
