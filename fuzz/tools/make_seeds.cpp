// Writes the seed inputs of every fuzz target: wsconform_fuzz_seeds --out DIR [--reports DIR]...
//
// Seeds come from two sources, both deterministic:
//  - our own encoders (frame.h, close.h, handshake.h, zlib as permessage-deflate uses it),
//    walking the same ground as the case catalogue: every opcode, the three length forms and
//    non-minimal ones, masking, fragmentation with control frames in between, UTF-8 split
//    across frames, close codes at every range boundary, handshakes and their usual faults,
//    extension offers, compressed messages and a small deflate bomb;
//  - with --reports, the wire logs of a `wsconform test-server` run: the TO (sent) and RO
//    (received) rows of every per-case JSON carry the first 256 bytes of each write/read as
//    hex. The first TO row of a case is its upgrade request, the first RO row the server's
//    response; the frame rows after them, concatenated until the first cut row, become
//    frame_parser seeds (TO: masked client frames, parsed in the server role; RO: the server's
//    frames, parsed in the client role).
// Each seed goes to DIR/<target>/<sha256 of its bytes> (the wire-log ones to --reports-out
// when given); larger than 4 KiB is skipped.
#include <openssl/evp.h>
#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/frame_options.h"
#include "mutation/frame_mutator.h"
#include "protocol/close.h"
#include "protocol/frame.h"
#include "protocol/handshake.h"
#include "protocol/hex.h"

namespace {

namespace fs = std::filesystem;
using namespace wsconform;
using namespace wsconform::fuzz;
namespace op = protocol::opcode;

constexpr std::size_t kMaxSeed = 4096;

std::string sha256_hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(data.data(), data.size(), digest, &n, EVP_sha256(), nullptr);
    return protocol::hex_encode(std::string_view(reinterpret_cast<const char*>(digest), n));
}

class SeedWriter {
  public:
    explicit SeedWriter(fs::path root) : root_(std::move(root)) {}
    void add(const std::string& target, std::string_view bytes) {
        if (bytes.size() > kMaxSeed) return;
        const fs::path dir = root_ / target;
        fs::create_directories(dir);
        const fs::path file = dir / sha256_hex(bytes);
        if (!written_.insert(file.string()).second) return;
        std::ofstream(file, std::ios::binary)
            .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        ++counts_[target];
    }
    void report() const {
        for (const auto& [t, n] : counts_) std::cout << t << ": " << n << " seeds\n";
    }

  private:
    fs::path root_;
    std::set<std::string> written_;
    std::map<std::string, std::size_t> counts_;
};

// ---- frames -----------------------------------------------------------------------------

constexpr protocol::MaskKey kKey = {0x37, 0xfa, 0x21, 0x3d};

ModelFrame frame(std::uint8_t opcode, std::string payload, bool masked, bool fin = true,
                 std::uint8_t rsv = 0, protocol::LengthForm form = protocol::LengthForm::minimal) {
    return ModelFrame{.fin = fin,
                      .rsv = rsv,
                      .opcode = opcode,
                      .masked = masked,
                      .key = kKey,
                      .form = form,
                      .payload = std::move(payload)};
}

std::string wire(const std::vector<ModelFrame>& frames) {
    FrameSequence seq;
    seq.frames = frames;
    return serialize(seq);
}

// Frame sequences as a client would send them (masked) or a server (unmasked).
std::vector<std::vector<ModelFrame>> frame_catalogue(bool masked) {
    using protocol::LengthForm;
    const auto close = [](std::uint16_t code, std::string_view reason) {
        return protocol::build_close_payload(code, reason);
    };
    std::vector<std::vector<ModelFrame>> out;
    auto add = [&](std::vector<ModelFrame> f) { out.push_back(std::move(f)); };
    const std::string utf8 =
        "Hello-\xC2\xB5@\xC3\x9F\xC3\xB6\xC3\xA4\xC3\xBC\xC3\xA0\xC3\xA1-UTF-8!!";

    // Section 1: text and binary at the length-form boundaries.
    for (std::size_t n : {0, 1, 125, 126, 127, 128, 1000}) {
        add({frame(op::text, std::string(n, '*'), masked)});
        add({frame(op::binary, std::string(n, '\xfe'), masked)});
    }
    // A 64-bit form announcing 65536 bytes with only a few present: tests the long form with a
    // short file.
    {
        ModelFrame f = frame(op::binary, "abc", masked);
        f.declared_length = 65536;
        add({f});
        ModelFrame g = frame(op::binary, "abc", masked);
        g.declared_length = 0x7FFFFFFFFFFFFFFFull;
        add({g});
        ModelFrame h = frame(op::binary, "", masked);
        h.declared_length = 0x8000000000000000ull;  // §5.2: MSB must be 0
        add({h});
    }
    // Non-minimal lengths.
    add({frame(op::text, "hello", masked, true, 0, LengthForm::bits16)});
    add({frame(op::text, "hello", masked, true, 0, LengthForm::bits64)});
    add({frame(op::binary, std::string(200, 'x'), masked, true, 0, LengthForm::bits64)});
    // Section 2: pings and pongs.
    add({frame(op::ping, "", masked)});
    add({frame(op::ping, "Hello, world!", masked)});
    add({frame(op::ping, std::string(125, '\xfe'), masked)});
    add({frame(op::ping, std::string(126, '\xfe'), masked)});
    add({frame(op::pong, "unsolicited", masked), frame(op::ping, "ping", masked)});
    add({frame(op::ping, "a", masked), frame(op::ping, "b", masked), frame(op::ping, "c", masked)});
    // Section 3: reserved bits.
    for (std::uint8_t rsv = 1; rsv < 8; ++rsv) {
        add({frame(op::text, "Hello", masked, true, rsv)});
    }
    add({frame(op::text, "Hello", masked), frame(op::text, "Hello", masked, true, 4),
         frame(op::ping, "", masked)});
    // Section 4: reserved opcodes.
    for (std::uint8_t o : {3, 4, 5, 6, 7, 11, 12, 13, 14, 15}) {
        add({frame(op::text, "Hello", masked), frame(o, "", masked), frame(op::ping, "", masked)});
    }
    // Section 5: fragmentation.
    add({frame(op::text, "fragment1", masked, false),
         frame(op::continuation, "fragment2", masked)});
    add({frame(op::binary, "frag1", masked, false), frame(op::continuation, "frag2", masked, false),
         frame(op::continuation, "frag3", masked)});
    add({frame(op::text, "fragment1", masked, false), frame(op::ping, "ping", masked),
         frame(op::continuation, "fragment2", masked)});
    add({frame(op::text, "fragment1", masked, false), frame(op::pong, "pong", masked),
         frame(op::continuation, "fragment2", masked)});
    add({frame(op::ping, "fragment1", masked, false),
         frame(op::continuation, "fragment2", masked)});
    add({frame(op::continuation, "orphan", masked)});
    add({frame(op::continuation, "orphan", masked, false), frame(op::text, "x", masked)});
    add({frame(op::text, "fragment1", masked, false), frame(op::text, "fragment2", masked)});
    add({frame(op::text, "", masked, false), frame(op::continuation, "", masked, false),
         frame(op::continuation, "", masked)});
    add({frame(op::text, std::string(300, 'a'), masked, false), frame(op::ping, "x", masked),
         frame(op::continuation, std::string(300, 'b'), masked)});
    // Section 6: UTF-8, whole and split across frames at every byte.
    add({frame(op::text, utf8, masked)});
    add({frame(op::text, "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5", masked)});
    for (std::size_t cut = 1; cut < 4; ++cut) {
        const std::string s = "\xF0\x9F\x98\x80";
        add({frame(op::text, s.substr(0, cut), masked, false),
             frame(op::continuation, s.substr(cut), masked)});
    }
    for (const auto& bad : interesting::kUtf8) {
        add({frame(op::text, std::string("ab") + std::string(bad) + "cd", masked)});
        add({frame(op::text, std::string(bad), masked, false),
             frame(op::continuation, "x", masked)});
    }
    add({frame(op::text, "\xCE\xBA\xE1", masked)});  // stops inside a code point
    // Section 7: closing.
    add({frame(op::close, "", masked)});
    add({frame(op::close, "\x03", masked)});
    add({frame(op::close, close(1000, "bye"), masked)});
    add({frame(op::close, close(1000, std::string(123, '*')), masked)});
    add({frame(op::close, close(1000, "\xCE\xBA\xE1\xBD\xB9\xCF\x83\xCE\xBC\xCE\xB5"), masked)});
    add({frame(op::close, close(1000, "\xED\xA0\x80"), masked)});
    for (std::uint16_t code : interesting::kCloseCodes) {
        add({frame(op::close, close(code, ""), masked)});
    }
    add({frame(op::close, close(1000, ""), masked), frame(op::text, "after close", masked)});
    add({frame(op::text, "Hello", masked), frame(op::close, close(1000, ""), masked),
         frame(op::ping, "", masked)});
    // Sections 12/13: compressed messages (RSV1), parsed with permessage-deflate on.
    add({frame(op::text, std::string("\xf2\x48\xcd\xc9\xc9\x07\x00", 7), masked, true, 4)});
    add({frame(op::binary, std::string("\xf2\x48\xcd\xc9", 4), masked, false, 4),
         frame(op::continuation, std::string("\xc9\x07\x00", 3), masked)});
    add({frame(op::text, "x", masked, false, 4), frame(op::continuation, "y", masked, true, 4)});
    add({frame(op::ping, "x", masked, true, 4)});
    return out;
}

void frame_seeds(SeedWriter& w) {
    using namespace frame_opts;
    for (const bool masked : {true, false}) {
        // A server parses masked frames (role byte 0), a client unmasked ones (kClientRole).
        const std::uint8_t role = masked ? 0 : kClientRole;
        for (const auto& frames : frame_catalogue(masked)) {
            const std::string bytes = wire(frames);
            w.add("frame_parser", std::string(1, static_cast<char>(role)) + bytes);
            // The compressed ones with permessage-deflate on; a few under other options.
            const bool rsv1 = std::any_of(frames.begin(), frames.end(),
                                          [](const ModelFrame& f) { return f.rsv == 4; });
            if (rsv1)
                w.add("frame_parser", std::string(1, static_cast<char>(role | kDeflate)) + bytes);
        }
        // Options: lax lengths, no UTF-8 validation, Autobahn codes, and each cap entry.
        const std::string sample =
            wire({frame(op::text, "fragment", masked, false), frame(op::ping, "p", masked),
                  frame(op::continuation, std::string(130, 'z'), masked),
                  frame(op::close, protocol::build_close_payload(1012, ""), masked)});
        for (std::uint8_t extra : {kLaxLength, kNoUtf8, kAutobahnCodes}) {
            w.add("frame_parser", std::string(1, static_cast<char>(role | extra)) + sample);
        }
        for (unsigned cap = 1; cap < 8; ++cap) {
            w.add("frame_parser",
                  std::string(1, static_cast<char>(role | (cap << kCapShift))) + sample);
        }
    }
}

// frame_roundtrip: 14 fixed bytes (flags, form, key, 64-bit length) and a payload.
void roundtrip_seeds(SeedWriter& w) {
    const auto seed = [&](std::uint8_t b0, std::uint8_t b1, std::uint64_t length,
                          std::string_view payload) {
        std::string s;
        s += static_cast<char>(b0);
        s += static_cast<char>(b1);
        s.append("\x37\xfa\x21\x3d", 4);
        for (int i = 7; i >= 0; --i) s += static_cast<char>(length >> (8 * i));
        s += payload;
        w.add("frame_roundtrip", s);
    };
    for (std::uint64_t length : interesting::kLengths) {
        for (std::uint8_t form = 0; form < 4; ++form) {
            seed(0x81, static_cast<std::uint8_t>(0x80 | form), length, "Hello");
        }
    }
    seed(0x82, 0x00, 3, "\x01\x02\x03");
    seed(0x89, 0x80, 4, "ping");
    seed(0x88, 0x80, 2, "\x03\xe8");
    seed(0x88, 0x00, 3, "\x03\xe8\xff");
    seed(0x01, 0x80, 2, "ab");
    seed(0xc1, 0x80, 5, "\xf2\x48\xcd\xc9\xc9");
    seed(0x81, 0x80, 3, "\xe2\x82\xac");
    seed(0x81, 0x80, 2, "\xe2\x82");
    seed(0x01, 0x80, 2, "\xe2\x82");
    seed(0x81, 0x80, 2, "\xc0\xaf");
}

void mask_seeds(SeedWriter& w) {
    // payload, then (read from the end) the key bytes, offset, shift and chunk seed.
    std::uint8_t salt = 0;
    for (std::size_t n : {0, 1, 3, 4, 7, 8, 9, 15, 16, 31, 32, 33, 63, 64, 65, 100, 257, 1000}) {
        for (std::uint8_t offset = 0; offset < 4; ++offset) {
            std::string s(n, '\0');
            for (std::size_t i = 0; i < n; ++i) s[i] = static_cast<char>(i * 7 + offset);
            s += static_cast<char>(++salt);   // chunk seed
            s += static_cast<char>(n % 8);    // shift
            s += static_cast<char>(offset);   // key offset
            s.append("\x3d\x21\xfa\x37", 4);  // key, last byte first
            w.add("mask", s);
        }
    }
}

void utf8_seeds(SeedWriter& w) {
    for (const auto& s : interesting::kUtf8) w.add("utf8", s);
    w.add("utf8", "");
    w.add("utf8", "Hello-\xC2\xB5@\xC3\x9F\xC3\xB6\xC3\xA4\xC3\xBC\xC3\xA0\xC3\xA1-UTF-8!!");
    // Multi-byte sequences straddling the 16- and 64-byte block boundaries of the validator.
    for (std::size_t at : {14, 15, 16, 62, 63, 64, 127}) {
        for (std::string_view seq :
             {std::string_view("\xF0\x9F\x98\x80"), std::string_view("\xE2\x82\xAC"),
              std::string_view("\xED\xA0\x80")}) {
            std::string s(at, 'a');
            s += seq;
            s += std::string(70, 'b');
            w.add("utf8", s);
        }
    }
    Rng rng(6455);
    for (int i = 0; i < 8; ++i) w.add("utf8", random_text(rng, 16u << i));
    // Every code point boundary of RFC 3629's table.
    w.add("utf8", "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF");
}

void close_seeds(SeedWriter& w) {
    w.add("close_payload", "");
    w.add("close_payload", "\x03");
    for (std::uint16_t code : interesting::kCloseCodes) {
        w.add("close_payload", protocol::build_close_payload(code, ""));
    }
    const std::string longest(123, '*');
    for (std::string_view reason :
         {std::string_view("bye"), std::string_view("\xCE\xBA\xE1\xBD\xB9"),
          std::string_view("\xED\xA0\x80"), std::string_view("\xE2\x82"),
          std::string_view(longest)}) {
        w.add("close_payload", protocol::build_close_payload(1000, reason));
    }
    w.add("close_payload", protocol::build_close_payload(1013, "Try Again Later"));
    w.add("close_payload", protocol::build_close_payload(4999, "private"));
}

// ---- handshakes and extensions -------------------------------------------------------------

constexpr std::string_view kSampleKey = "dGhlIHNhbXBsZSBub25jZQ==";

void handshake_seeds(SeedWriter& w) {
    const std::string good = protocol::build_upgrade_request("127.0.0.1:9001", "/", kSampleKey);
    w.add("handshake_request", good);
    w.add("handshake_request",
          protocol::build_upgrade_request(
              "localhost", "/chat?x=1", kSampleKey,
              std::vector<std::string>{"Origin: http://example.com",
                                       "Sec-WebSocket-Protocol: chat, superchat",
                                       "Sec-WebSocket-Extensions: permessage-deflate; "
                                       "client_max_window_bits"}));
    const auto edit = [&](std::string_view from, std::string_view to) {
        std::string s = good;
        const auto at = s.find(from);
        if (at != std::string::npos) s.replace(at, from.size(), to);
        w.add("handshake_request", s);
    };
    edit("GET", "POST");
    edit("HTTP/1.1", "HTTP/1.0");
    edit("Host: 127.0.0.1:9001\r\n", "");
    edit("Host: 127.0.0.1:9001\r\n", "Host: a\r\nHost: b\r\n");
    edit("Upgrade: websocket", "Upgrade: h2c");
    edit("Connection: Upgrade", "Connection: keep-alive");
    edit("Connection: Upgrade", "connection: keep-alive, UPGRADE");
    edit("dGhlIHNhbXBsZSBub25jZQ==", "dGhlIHNhbXBsZSBub25jZQ");
    edit("Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n", "");
    edit("Sec-WebSocket-Version: 13", "Sec-WebSocket-Version: 8");
    edit("Sec-WebSocket-Version: 13\r\n", "");
    edit("\r\n", "\n");
    edit("Upgrade: websocket\r\n", "Upgrade: websocket\r\n folded\r\n");
    edit("Host :", "Host:");
    edit("Host: 127.0.0.1:9001", "Host : 127.0.0.1:9001");
    edit("\r\n\r\n", "\r\nSec-WebSocket-Protocol: chat, chat\r\n\r\n");
    edit("\r\n\r\n", "\r\nSec-WebSocket-Extensions: permessage-deflate; =\r\n\r\n");
    w.add("handshake_request", good.substr(0, good.size() - 2));  // needs more

    const std::string ok = protocol::build_upgrade_response(kSampleKey);
    w.add("handshake_response", ok);
    w.add("handshake_response", protocol::build_upgrade_response(kSampleKey, "chat",
                                                                 "permessage-deflate; "
                                                                 "server_no_context_takeover"));
    w.add("handshake_response", protocol::build_upgrade_response(kSampleKey, "other"));
    w.add("handshake_response", protocol::build_upgrade_response("AAAAAAAAAAAAAAAAAAAAAA=="));
    w.add("handshake_response",
          protocol::build_rejection(protocol::HandshakeError::unsupported_version));
    w.add("handshake_response", protocol::build_rejection(protocol::HandshakeError::missing_host));
    w.add("handshake_response",
          "HTTP/1.1 101\r\nUpgrade: websocket\r\nConnection: upgrade\r\n"
          "Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n");
    w.add("handshake_response", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
}

void extension_seeds(SeedWriter& w) {
    for (std::string_view v : {
             "permessage-deflate",
             "permessage-deflate; client_max_window_bits",
             "permessage-deflate; client_max_window_bits=10",
             "permessage-deflate; server_max_window_bits=8",
             "permessage-deflate; server_max_window_bits=15; client_no_context_takeover",
             "permessage-deflate; server_no_context_takeover; client_no_context_takeover",
             "permessage-deflate; server_max_window_bits=\"10\"",
             "permessage-deflate; client_max_window_bits=\"1\\0\"",
             "permessage-deflate; server_max_window_bits=9, permessage-deflate",
             "permessage-deflate; unknown_param",
             "permessage-deflate; server_no_context_takeover=1",
             "permessage-deflate; server_max_window_bits=16",
             "permessage-deflate; server_max_window_bits=7",
             "permessage-deflate; server_max_window_bits",
             "permessage-deflate; client_no_context_takeover; client_no_context_takeover",
             "x-webkit-deflate-frame, permessage-deflate; client_max_window_bits",
             "foo, bar; baz=2",
             ", ,permessage-deflate ,",
             "permessage-deflate;server_max_window_bits=10;client_max_window_bits=12",
             "permessage-deflate; client_max_window_bits=\"15\"",
             "permessage-deflate; server_max_window_bits=010",
             "permessage-deflate;",
             "=",
         }) {
        w.add("extensions", v);
    }
}

// ---- permessage-deflate ---------------------------------------------------------------

// Raw deflate with a sync flush and the trailing 00 00 ff ff removed (RFC 7692 §7.2.1).
std::string deflate_message(std::string_view in, int bits, int level) {
    z_stream z{};
    deflateInit2(&z, level, Z_DEFLATED, -(bits < 9 ? 9 : bits), 8, Z_DEFAULT_STRATEGY);
    std::string out(in.size() + 64 + in.size() / 100, '\0');
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(in.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = static_cast<uInt>(out.size());
    deflate(&z, Z_SYNC_FLUSH);
    out.resize(out.size() - z.avail_out);
    deflateEnd(&z);
    if (out.size() >= 4 && out.substr(out.size() - 4) == std::string("\0\0\xff\xff", 4)) {
        out.resize(out.size() - 4);
    }
    return out;
}

void inflate_seeds(SeedWriter& w) {
    // byte 0: window bits - 8 (bits 0-2), no_context_takeover (bit 3), cap index (bits 4-7);
    // byte 1: mode (bit 0 = round trip), level (bits 1-4); then messages, each a length byte.
    const auto params = [](int bits, bool nct, int cap) {
        return std::string{static_cast<char>((bits - 8) | (nct ? 8 : 0) | (cap << 4))};
    };
    const auto msg = [](std::string_view m) {
        std::string s(1, static_cast<char>(m.size() < 256 ? m.size() : 0));
        s += m;
        return s;
    };
    const std::string hello = "Hello, Hello, Hello, permessage-deflate!";
    for (int bits : {8, 9, 12, 15}) {
        for (bool nct : {false, true}) {
            std::string raw = params(bits, nct, 7) + std::string(1, '\x0c');
            raw += msg(deflate_message(hello, bits, 6));
            raw += msg(deflate_message("second message", bits, 6));
            w.add("inflate", raw);
            std::string rt = params(bits, nct, 7) + std::string(1, '\x0d');
            rt += msg(hello);
            rt += msg("second message, second message");
            w.add("inflate", rt);
        }
    }
    // A deflate bomb: 1 MiB of zeros in about a kilobyte, against small and large caps.
    const std::string bomb = deflate_message(std::string(1u << 20, '\0'), 15, 9);
    for (int cap : {4, 7, 12, 13}) w.add("inflate", params(15, false, cap) + "\x0c" + msg(bomb));
    // Stored block, final stored block, an empty fixed block, garbage.
    const std::string raw_mode = params(15, false, 7) + "\x0c";
    w.add("inflate", raw_mode + msg(std::string("\x00\x05\x00\xfa\xffhello", 10)));
    w.add("inflate", raw_mode + msg(std::string("\x01\x05\x00\xfa\xffhello", 10)));
    w.add("inflate", raw_mode + msg(std::string("\x02\x00", 2)));
    w.add("inflate", raw_mode + msg("\xff\xff\xff\xff"));
}

// ---- wire logs of a test-server run -------------------------------------------------------

// The octets of a wire-log row's hex, up to the ellipsis of a cut row.
std::string unhex(std::string_view h) {
    const std::size_t digits = std::min(h.find_first_not_of("0123456789abcdefABCDEF"), h.size());
    return protocol::hex_decode(h.substr(0, digits - digits % 2)).value_or("");
}

void report_seeds(SeedWriter& w, const fs::path& dir) {
    if (!fs::is_directory(dir)) {
        std::cerr << dir.string() << ": not a directory\n";
        return;
    }
    std::size_t cases = 0;
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".json") continue;
        nlohmann::json j;
        try {
            std::ifstream in(entry.path());
            j = nlohmann::json::parse(in);
        } catch (const std::exception&) {
            continue;
        }
        if (!j.is_object() || !j.contains("wirelog")) continue;
        ++cases;
        std::string sent, received;
        bool first_to = true, first_ro = true, sent_cut = false, received_cut = false;
        for (const auto& row : j["wirelog"]) {
            if (!row.is_array() || row.size() < 2 || !row[0].is_string()) continue;
            const std::string kind = row[0];
            if (kind != "TO" && kind != "RO") continue;
            const auto length = row[1][0].get<std::uint64_t>();
            const std::string bytes = unhex(row[1][1].get<std::string>());
            const bool cut = bytes.size() < length;
            if (kind == "TO") {
                if (first_to) {
                    first_to = false;
                    if (!cut) w.add("handshake_request", bytes);
                    continue;
                }
                if (sent_cut) continue;
                sent += bytes;
                sent_cut = cut;
            } else {
                if (first_ro) {
                    first_ro = false;
                    // The response may share its read with the first frames.
                    const auto end = bytes.find("\r\n\r\n");
                    if (end != std::string::npos) {
                        w.add("handshake_response", bytes.substr(0, end + 4));
                        received += bytes.substr(end + 4);
                    }
                    received_cut = cut;
                    continue;
                }
                if (received_cut) continue;
                received += bytes;
                received_cut = cut;
            }
        }
        using namespace frame_opts;
        const bool deflate = j.value("id", std::string()).rfind("12.", 0) == 0 ||
                             j.value("id", std::string()).rfind("13.", 0) == 0;
        const std::uint8_t extra = deflate ? kDeflate : 0;
        if (!sent.empty())
            w.add("frame_parser",
                  std::string(1, static_cast<char>(extra)) + sent.substr(0, kMaxSeed - 1));
        if (!received.empty()) {
            w.add("frame_parser", std::string(1, static_cast<char>(kClientRole | extra)) +
                                      received.substr(0, kMaxSeed - 1));
        }
    }
    std::cout << dir.string() << ": " << cases << " case reports read\n";
}

}  // namespace

int main(int argc, char** argv) {
    fs::path out, wire_out;
    std::vector<fs::path> reports;
    const char* usage =
        "usage: wsconform_fuzz_seeds --out DIR [--reports DIR... [--reports-out DIR]]\n";
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--out" && i + 1 < argc) {
            out = argv[++i];
        } else if (a == "--reports" && i + 1 < argc) {
            reports.emplace_back(argv[++i]);
        } else if (a == "--reports-out" && i + 1 < argc) {
            wire_out = argv[++i];
        } else {
            std::cerr << usage;
            return 2;
        }
    }
    if (out.empty()) {
        std::cerr << usage;
        return 2;
    }
    SeedWriter w(out);
    frame_seeds(w);
    roundtrip_seeds(w);
    mask_seeds(w);
    utf8_seeds(w);
    close_seeds(w);
    handshake_seeds(w);
    extension_seeds(w);
    inflate_seeds(w);
    w.report();
    // Seeds from wire logs go to their own folder when asked (scripts/fuzz merges them into
    // the corpus only where they add coverage), else next to the generated ones.
    SeedWriter wire(wire_out.empty() ? out : wire_out);
    for (const auto& r : reports) report_seeds(wire, r);
    if (!reports.empty()) wire.report();
    return 0;
}
