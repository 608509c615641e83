// Target `close_payload`: parse_close_payload() under both close-code policies against the
// rules restated here (RFC 6455 §5.5.1 and §7.4: empty, or a 2-byte code and a UTF-8 reason;
// codes 1000-1003, 1007-1011 (Autobahn) or 1007-1014 (RFC + IANA registry), 3000-4999), the
// reason checked by the reference UTF-8 checker; what parses must rebuild byte for byte with
// build_close_payload().
//
// Input: the close payload itself.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "fuzz/fuzz_check.h"
#include "fuzz/utf8_reference.h"
#include "protocol/close.h"
#include "protocol/error.h"

namespace {

using namespace wsconform;
using protocol::CloseCodePolicy;

bool code_allowed(std::uint16_t c, CloseCodePolicy policy) {
    if (c >= 1000 && c <= 1003) return true;
    if (c >= 1007 && c <= 1011) return true;
    if (c >= 1012 && c <= 1014) return policy == CloseCodePolicy::rfc;
    return c >= 3000 && c <= 4999;
}

void check(const std::uint8_t* data, std::size_t size, CloseCodePolicy policy) {
    // An exact-size copy, so a read past the payload is an ASan report.
    auto copy = std::make_unique<std::byte[]>(size == 0 ? 1 : size);
    if (size > 0) std::memcpy(copy.get(), data, size);
    const std::span<const std::byte> payload(copy.get(), size);

    protocol::ClosePayload out;
    out.code = 1;  // must be overwritten
    const std::error_code ec = protocol::parse_close_payload(payload, out, policy);
    if (ec) {
        FUZZ_CHECK(&ec.category() == &protocol::protocol_category());
        // The code an endpoint answers this error with is one it may send.
        FUZZ_CHECK(protocol::is_valid_close_code(protocol::close_code_for(ec)));
    }

    if (size == 0) {
        FUZZ_CHECK(!ec && !out.code && out.reason.empty());
        FUZZ_CHECK(protocol::build_close_payload(std::nullopt).empty());
        return;
    }
    if (size == 1) {
        FUZZ_CHECK(ec == protocol::Error::close_payload_length_one);
        return;
    }
    const auto code = static_cast<std::uint16_t>(data[0] << 8 | data[1]);
    FUZZ_CHECK(protocol::is_valid_close_code(code, policy) == code_allowed(code, policy));
    if (!code_allowed(code, policy)) {
        FUZZ_CHECK(ec == protocol::Error::close_code_invalid);
        return;
    }
    const bool reason_ok = !fuzz::utf8_reference_check({data + 2, size - 2}).first_bad;
    if (!reason_ok) {
        FUZZ_CHECK(ec == protocol::Error::close_reason_invalid_utf8);
        return;
    }
    FUZZ_CHECK(!ec);
    FUZZ_CHECK(out.code == code);
    // The reason points into the payload, not into a copy.
    FUZZ_CHECK(out.reason.size() == size - 2);
    FUZZ_CHECK(reinterpret_cast<const std::byte*>(out.reason.data()) == copy.get() + 2);
    const std::string rebuilt = protocol::build_close_payload(out.code, out.reason);
    FUZZ_CHECK(rebuilt.size() == size && std::memcmp(rebuilt.data(), data, size) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    check(data, size, CloseCodePolicy::rfc);
    check(data, size, CloseCodePolicy::autobahn);
    return 0;
}
