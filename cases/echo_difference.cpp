#include "cases/echo_difference.h"

#include <openssl/sha.h>

#include <algorithm>

#include "cases/payloads.h"
#include "protocol/hex.h"

namespace wsconform::cases::detail {

std::size_t code_points(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

std::string sha1_hex(std::string_view data) {
    unsigned char digest[SHA_DIGEST_LENGTH];
    SHA1(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
    return protocol::hex_encode({reinterpret_cast<const char*>(digest), sizeof digest});
}

std::optional<std::string> echo_difference(std::string_view what, const harness::Event& echo,
                                           std::string_view sent, bool sent_binary,
                                           bool in_code_points) {
    auto kind = [](bool binary) { return binary ? "binary" : "text"; };
    const std::string subject(what);
    if (echo.kind != harness::Event::Kind::message || echo.binary != sent_binary)
        return subject + " came back as a " + kind(echo.binary) + " message; we sent a " +
               kind(sent_binary) + " message.";
    if (echo.data.size() != sent.size()) {
        if (in_code_points && !sent_binary)
            return subject + " has " + characters(code_points(echo.data)) + " (" +
                   octets(echo.data.size()) + "); we sent " + characters(code_points(sent)) + " (" +
                   octets(sent.size()) + ").";
        return subject + " is " + octets(echo.data.size()) + " long; we sent " +
               octets(sent.size()) + ".";
    }
    const auto [got, want] = std::mismatch(echo.data.begin(), echo.data.end(), sent.begin());
    if (got == echo.data.end()) return std::nullopt;
    const auto at = static_cast<std::size_t>(got - echo.data.begin());
    return subject + " has the right length but differs from what we sent from octet " +
           std::to_string(at) + " on (0x" + protocol::hex_encode(std::string_view(&*got, 1)) +
           " where we sent 0x" + protocol::hex_encode(std::string_view(&*want, 1)) + "; SHA-1 " +
           sha1_hex(echo.data) + ", we sent " + sha1_hex(sent) + ").";
}

}  // namespace wsconform::cases::detail
