// RFC 6455 §4 opening handshake checks, §9.1 extension grammar, and the heads we write.
#include "protocol/handshake.h"

#include <openssl/evp.h>

#include <algorithm>
#include <string>

#include "protocol/http.h"

namespace wsconform::protocol {
namespace {

constexpr bool is_ows(char c) noexcept {
    return c == ' ' || c == '\t';
}

constexpr bool is_base64_char(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/';
}

std::string base64(const unsigned char* data, std::size_t n) {
    std::string out(4 * ((n + 2) / 3), '\0');
    const int written =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
    out.resize(static_cast<std::size_t>(std::max(written, 0)));
    return out;
}

// A cursor over a header value, for the §9.1 grammar.
class Scanner {
  public:
    explicit Scanner(std::string_view s) : s_(s) {}
    bool at_end() const noexcept { return i_ >= s_.size(); }
    char peek() const noexcept { return at_end() ? '\0' : s_[i_]; }
    bool eat(char c) noexcept {
        if (peek() != c || at_end()) return false;
        ++i_;
        return true;
    }
    void skip_ows() noexcept {
        while (!at_end() && is_ows(s_[i_])) ++i_;
    }
    std::string_view token() noexcept {
        const auto start = i_;
        while (!at_end() && is_tchar(s_[i_])) ++i_;
        return s_.substr(start, i_ - start);
    }
    // RFC 9110 §5.6.4: quoted-string = DQUOTE *( qdtext / quoted-pair ) DQUOTE, unescaped into
    // `out`. The cursor is on the opening quote.
    bool quoted_string(std::string& out) {
        ++i_;
        while (!at_end()) {
            const auto c = static_cast<unsigned char>(s_[i_++]);
            if (c == '"') return true;
            if (c == '\\') {
                if (at_end()) return false;
                const auto q = static_cast<unsigned char>(s_[i_++]);
                if ((q < 0x20 && q != '\t') || q == 0x7f) return false;
                out += static_cast<char>(q);
                continue;
            }
            if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
            out += static_cast<char>(c);
        }
        return false;  // no closing quote
    }

  private:
    std::string_view s_;
    std::size_t i_ = 0;
};

// extension-param = token [ "=" (token | quoted-string) ]; the cursor is past ";" and OWS.
bool parse_param(Scanner& sc, ExtensionParam& param) {
    const auto name = sc.token();
    if (name.empty()) return false;
    param.name = name;
    sc.skip_ows();
    if (!sc.eat('=')) return true;
    sc.skip_ows();
    std::string value;
    if (sc.peek() == '"') {
        if (!sc.quoted_string(value)) return false;
    } else {
        value = sc.token();
    }
    // §9.1: "When using the quoted-string syntax variant, the value after quoted-string
    // unescaping MUST conform to the 'token' ABNF."
    if (!is_token(value)) return false;
    param.value = std::move(value);
    return true;
}

// Splits a 1#token list (RFC 9110 §5.6.1: empty elements are ignored) into `out`. False if an
// element is not a token or no element is present.
bool parse_token_list(std::string_view value, std::vector<std::string>& out) {
    std::vector<std::string> items;
    Scanner sc(value);
    while (true) {
        sc.skip_ows();
        if (sc.at_end()) break;
        if (sc.eat(',')) continue;
        const auto tok = sc.token();
        if (tok.empty()) return false;
        items.emplace_back(tok);
        sc.skip_ows();
        if (!sc.at_end() && !sc.eat(',')) return false;
    }
    if (items.empty()) return false;
    out = std::move(items);
    return true;
}

bool contains(std::span<const std::string> list, std::string_view s) {
    return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

std::string compute_accept(std::string_view key) {
    std::string input;
    input.reserve(key.size() + kWebSocketGuid.size());
    input.append(key);
    input.append(kWebSocketGuid);
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int digest_len = 0;
    if (EVP_Digest(input.data(), input.size(), digest, &digest_len, EVP_sha1(), nullptr) != 1) {
        return {};  // only if OpenSSL is broken; an empty accept never matches
    }
    return base64(digest, digest_len);
}

std::string make_key(const std::array<std::uint8_t, 16>& nonce) {
    return base64(nonce.data(), nonce.size());
}

bool is_valid_key(std::string_view key) {
    // 16 bytes are 5 full 3-byte groups plus one byte: 22 base64 characters and "==".
    // EVP_DecodeBlock skips surrounding whitespace and lets '=' through in odd places, so the
    // shape is checked here first.
    if (key.size() != 24 || key.substr(22) != "==") return false;
    if (!std::all_of(key.begin(), key.begin() + 22, is_base64_char)) return false;
    unsigned char decoded[24];
    const int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(key.data()),
                                  static_cast<int>(key.size()));
    // EVP_DecodeBlock counts the padding: 24 characters always decode to 18, of which the last
    // two stand for the "==" and are not data. 18 - 2 = 16.
    return n == 18;
}

std::error_code parse_extensions(std::string_view value, std::vector<Extension>& out) {
    // extension-list = 1#extension; extension = token *( OWS ";" OWS extension-param ).
    std::vector<Extension> parsed;
    Scanner sc(value);
    while (true) {
        sc.skip_ows();
        if (sc.at_end()) break;
        if (sc.eat(',')) continue;  // empty list element, RFC 9110 §5.6.1
        Extension ext;
        ext.name = sc.token();
        if (ext.name.empty()) return HandshakeError::malformed_extensions;
        sc.skip_ows();
        while (sc.eat(';')) {
            sc.skip_ows();
            ExtensionParam param;
            if (!parse_param(sc, param)) return HandshakeError::malformed_extensions;
            ext.params.push_back(std::move(param));
            sc.skip_ows();
        }
        parsed.push_back(std::move(ext));
        if (!sc.at_end() && !sc.eat(',')) return HandshakeError::malformed_extensions;
    }
    if (parsed.empty()) return HandshakeError::malformed_extensions;  // 1#: at least one
    out.insert(out.end(), std::make_move_iterator(parsed.begin()),
               std::make_move_iterator(parsed.end()));
    return {};
}

std::error_code check_upgrade_request(const HttpMessage& request, UpgradeRequest& out) {
    using E = HandshakeError;
    // §4.1 client requirement 2: "The method of the request MUST be GET, and the HTTP version
    // MUST be at least 1.1." The method is case-sensitive (RFC 9110 §9.1).
    if (request.method != "GET") return E::method_not_get;
    if (request.version_major < 1 || (request.version_major == 1 && request.version_minor < 1)) {
        return E::http_version_too_old;
    }
    // §4.1 requirement 4: a Host header with the server's authority; an empty one names none.
    // RFC 9112 §3.2: a server MUST answer 400 to more than one Host.
    const auto host_count = request.header_count("Host");
    if (host_count == 0 || request.header("Host")->empty()) return E::missing_host;
    if (host_count > 1) return E::duplicate_host;
    // §4.1 requirement 5: Upgrade containing the keyword "websocket", case-insensitive.
    if (request.header_count("Upgrade") == 0) return E::missing_upgrade;
    if (!request.has_token("Upgrade", "websocket")) return E::upgrade_not_websocket;
    // §4.1 requirement 6: Connection containing the token "Upgrade", case-insensitive.
    if (!request.has_token("Connection", "upgrade")) return E::connection_without_upgrade;
    // §4.1 requirement 7: Sec-WebSocket-Key, base64 of a 16-byte nonce; §11.3.1: at most once.
    const auto key_count = request.header_count("Sec-WebSocket-Key");
    if (key_count == 0) return E::missing_key;
    if (key_count > 1) return E::duplicate_key;
    const auto key = *request.header("Sec-WebSocket-Key");
    if (!is_valid_key(key)) return E::key_not_16_bytes;
    // §4.1 requirement 9: Sec-WebSocket-Version 13. Two headers combine to "13, 13" and fail
    // here too; the answer (426 naming 13) is the same either way.
    if (request.header_count("Sec-WebSocket-Version") == 0) return E::missing_version;
    if (request.combined("Sec-WebSocket-Version") != "13") return E::unsupported_version;
    // §4.1 requirement 10: subprotocols are tokens, "MUST all be unique strings".
    std::vector<std::string> protocols;
    if (request.header_count("Sec-WebSocket-Protocol") > 0) {
        if (!parse_token_list(request.combined("Sec-WebSocket-Protocol"), protocols)) {
            return E::malformed_protocols;
        }
        for (std::size_t i = 0; i < protocols.size(); ++i) {
            if (std::find(protocols.begin(), protocols.begin() + static_cast<std::ptrdiff_t>(i),
                          protocols[i]) != protocols.begin() + static_cast<std::ptrdiff_t>(i)) {
                return E::malformed_protocols;
            }
        }
    }
    // §4.1 requirement 11 and §9.1: the extension-list grammar.
    std::vector<Extension> extensions;
    if (request.header_count("Sec-WebSocket-Extensions") > 0) {
        if (auto ec = parse_extensions(request.combined("Sec-WebSocket-Extensions"), extensions)) {
            return ec;
        }
    }
    out.target = request.target;
    out.host = std::string(*request.header("Host"));
    out.key = std::string(key);
    out.protocols = std::move(protocols);
    out.extensions = std::move(extensions);
    if (auto origin = request.header("Origin")) {
        out.origin = std::string(*origin);
    } else {
        out.origin.reset();
    }
    return {};
}

std::error_code check_upgrade_response(const HttpMessage& response, std::string_view sent_key,
                                       std::span<const std::string> offered_protocols,
                                       std::span<const std::string> offered_extension_names,
                                       UpgradeResponse& out) {
    using E = HandshakeError;
    // §4.1, the client's checks of the server's handshake (numbered as in the RFC; the
    // subprotocol, item 6, is checked before the extensions, item 5):
    // 1. anything but 101 is handled per HTTP; for us the handshake did not happen.
    if (response.status != 101) return E::status_not_101;
    // 2. Upgrade must be present and "websocket" (case-insensitive).
    if (response.header_count("Upgrade") == 0) return E::response_missing_upgrade;
    if (!response.has_token("Upgrade", "websocket")) return E::response_upgrade_not_websocket;
    // 3. Connection must contain the "Upgrade" token (case-insensitive).
    if (!response.has_token("Connection", "upgrade")) {
        return E::response_connection_without_upgrade;
    }
    // 4. Sec-WebSocket-Accept must equal base64(SHA-1(key + GUID)), compared exactly; two
    // headers combine to "x, x", which never matches.
    if (response.header_count("Sec-WebSocket-Accept") == 0) return E::missing_accept;
    if (response.combined("Sec-WebSocket-Accept") != compute_accept(sent_key)) {
        return E::accept_mismatch;
    }
    // 6. A subprotocol must be one the client offered (exact match); a list, an empty value
    // or any value when nothing was offered fails.
    std::optional<std::string> protocol;
    if (response.header_count("Sec-WebSocket-Protocol") > 0) {
        auto chosen = response.combined("Sec-WebSocket-Protocol");
        if (!contains(offered_protocols, chosen)) return E::protocol_not_offered;
        protocol = std::move(chosen);
    }
    // 5. Every extension must be one the client offered. Extension names are tokens and, like
    // other HTTP tokens, compared case-insensitively.
    std::vector<Extension> extensions;
    if (response.header_count("Sec-WebSocket-Extensions") > 0) {
        if (auto ec = parse_extensions(response.combined("Sec-WebSocket-Extensions"), extensions)) {
            return ec;
        }
        for (const auto& ext : extensions) {
            const bool offered =
                std::any_of(offered_extension_names.begin(), offered_extension_names.end(),
                            [&](const std::string& name) { return iequals(name, ext.name); });
            if (!offered) return E::extension_not_offered;
        }
    }
    out.protocol = std::move(protocol);
    out.extensions = std::move(extensions);
    return {};
}

std::string build_upgrade_request(std::string_view host, std::string_view target,
                                  std::string_view key,
                                  std::span<const std::string> extra_headers) {
    std::string out;
    out.reserve(160 + host.size() + target.size());
    out.append("GET ").append(target).append(" HTTP/1.1\r\n");
    out.append("Host: ").append(host).append("\r\n");
    out.append("Upgrade: websocket\r\n");
    out.append("Connection: Upgrade\r\n");
    out.append("Sec-WebSocket-Key: ").append(key).append("\r\n");
    out.append("Sec-WebSocket-Version: 13\r\n");
    for (const auto& h : extra_headers) out.append(h).append("\r\n");
    out.append("\r\n");
    return out;
}

std::string build_upgrade_response(std::string_view key, std::optional<std::string_view> protocol,
                                   std::optional<std::string_view> extensions) {
    std::string out;
    out.append("HTTP/1.1 101 Switching Protocols\r\n");
    out.append("Upgrade: websocket\r\n");
    out.append("Connection: Upgrade\r\n");
    out.append("Sec-WebSocket-Accept: ").append(compute_accept(key)).append("\r\n");
    if (protocol) out.append("Sec-WebSocket-Protocol: ").append(*protocol).append("\r\n");
    if (extensions) out.append("Sec-WebSocket-Extensions: ").append(*extensions).append("\r\n");
    out.append("\r\n");
    return out;
}

std::string build_rejection(std::error_code ec) {
    const std::string body = ec.message() + "\n";
    std::string out;
    if (ec == HandshakeError::unsupported_version) {
        // §4.2.2: "... MUST abort the WebSocket handshake and ... send an appropriate HTTP error
        // code (such as 426 Upgrade Required) and a |Sec-WebSocket-Version| header field".
        out.append("HTTP/1.1 426 Upgrade Required\r\n");
        out.append("Sec-WebSocket-Version: 13\r\n");
    } else {
        out.append("HTTP/1.1 400 Bad Request\r\n");
    }
    out.append("Content-Type: text/plain\r\n");
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
    out.append("Connection: close\r\n");
    out.append("\r\n");
    out.append(body);
    return out;
}

}  // namespace wsconform::protocol
