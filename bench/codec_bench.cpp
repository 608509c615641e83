// Codec throughput, ours side by side with Boost.Beast in the same run.
//
// Every benchmark is registered as "<what>/<size>/ours" and "<what>/<size>/beast" so that
// scripts/bench can pair them and print ours/beast throughput ratios. Beast is only the
// baseline here: its headers are compiled header-only in this one translation unit.
#include <benchmark/benchmark.h>

#include <boost/beast/_experimental/test/stream.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/detail/mask.hpp>
#include <boost/beast/websocket/detail/utf8_checker.hpp>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/frame.h"
#include "protocol/frame_parser.h"
#include "protocol/mask.h"
#include "protocol/utf8.h"

namespace {

namespace beast = boost::beast;
namespace ws_detail = boost::beast::websocket::detail;
using namespace wsconform::protocol;

constexpr MaskKey kKey{0x37, 0xfa, 0x21, 0x3d};
constexpr std::uint32_t kKeyWord = 0x3d21fa37;  // the same key, as Beast's prepare_key reads it

std::vector<std::byte> random_bytes(std::size_t n) {
    std::mt19937 rng(42);
    std::vector<std::byte> v(n);
    for (auto& b : v) b = std::byte(rng() & 0xFF);
    return v;
}

// ---- unmask ---------------------------------------------------------------------------------

void unmask_ours(benchmark::State& state) {
    auto data = random_bytes(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        apply_mask(data, kKey, 1);
        benchmark::DoNotOptimize(data.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void unmask_beast(benchmark::State& state) {
    auto data = random_bytes(static_cast<std::size_t>(state.range(0)));
    ws_detail::prepared_key prepared;
    ws_detail::prepare_key(prepared, kKeyWord);
    for (auto _ : state) {
        ws_detail::prepared_key key = prepared;
        ws_detail::mask_inplace(boost::asio::mutable_buffer(data.data(), data.size()), key);
        benchmark::DoNotOptimize(data.data());
        benchmark::ClobberMemory();
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

// ---- UTF-8 ----------------------------------------------------------------------------------

std::string ascii_text(std::size_t n) {
    const std::string_view line = "The quick brown fox jumps over the lazy dog 0123456789.\n";
    std::string s;
    while (s.size() < n) s.append(line);
    s.resize(n);
    return s;
}

// Greek, CJK and emoji between ASCII words, cut at a code point boundary.
std::string mixed_text(std::size_t n) {
    const std::string_view pieces[] = {
        "Hello ",
        "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5 ",      // κόσμε
        "\xe4\xbd\xa0\xe5\xa5\xbd\xe4\xb8\x96\xe7\x95\x8c ",  // 你好世界
        "caf\xc3\xa9 ",
        "\xf0\x9f\x98\x80\xf0\x9f\x9a\x80 ",  // 😀🚀
        "na\xc3\xafve text, ",
        "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e ",       // 日本語
        "\xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 "};  // Αθήνα
    std::string s;
    for (std::size_t i = 0; s.size() < n; ++i) {
        const std::string_view p = pieces[i % std::size(pieces)];
        if (s.size() + p.size() > n) break;
        s.append(p);
    }
    while (s.size() < n) s.push_back(' ');
    return s;
}

template <std::string (*Make)(std::size_t)>
void utf8_ours(benchmark::State& state) {
    const std::string text = Make(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        Utf8Validator v;
        bool ok = v.feed(text) && v.finish();
        benchmark::DoNotOptimize(ok);
        if (!ok) state.SkipWithError("ours rejected valid text");
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

template <std::string (*Make)(std::size_t)>
void utf8_beast(benchmark::State& state) {
    const std::string text = Make(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        ws_detail::utf8_checker c;
        bool ok =
            c.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()) && c.finish();
        benchmark::DoNotOptimize(ok);
        if (!ok) state.SkipWithError("beast rejected valid text");
    }
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

// ---- frame parsing --------------------------------------------------------------------------

// `count` masked frames (what a server reads), each a whole message of `size` bytes.
std::vector<std::byte> client_frames(std::size_t count, std::size_t size, bool text) {
    const std::string payload = text ? mixed_text(size) : std::string(size, '\x5a');
    std::vector<std::byte> wire;
    for (std::size_t i = 0; i < count; ++i) {
        FrameHeader h{.fin = true,
                      .opcode = text ? opcode::text : opcode::binary,
                      .masked = true,
                      .mask_key = kKey,
                      .payload_length = payload.size()};
        std::array<std::byte, kMaxHeaderSize> header{};
        const std::size_t n = encode_header(h, header);
        wire.insert(wire.end(), header.begin(), header.begin() + n);
        const std::size_t at = wire.size();
        const auto* p = reinterpret_cast<const std::byte*>(payload.data());
        wire.insert(wire.end(), p, p + payload.size());
        apply_mask(std::span(wire).subspan(at), kKey);
    }
    return wire;
}

// Ours: copy the masked bytes into the read buffer (as a socket read would), then parse.
void parse_ours(benchmark::State& state, std::size_t count, std::size_t size, bool text) {
    const auto wire = client_frames(count, size, text);
    std::vector<std::byte> buffer(wire.size());
    std::size_t messages = 0;
    for (auto _ : state) {
        std::memcpy(buffer.data(), wire.data(), wire.size());
        FrameParser parser(ParserOptions{.role = Role::server});
        std::span<std::byte> in(buffer);
        for (;;) {
            const auto ev = parser.next(in);
            if (ev.status == FrameParser::Status::need_more) break;
            if (ev.status == FrameParser::Status::error) {
                state.SkipWithError(ev.error.message().c_str());
                return;
            }
            if (ev.status == FrameParser::Status::frame_end && ev.message_end) ++messages;
        }
    }
    benchmark::DoNotOptimize(messages);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

// Beast: a websocket::stream (server role) over Beast's in-memory test stream, reading
// message by message into a flat_buffer after a real handshake.
void parse_beast(benchmark::State& state, std::size_t count, std::size_t size, bool text) {
    const auto wire = client_frames(count, size, text);
    boost::asio::io_context ioc;
    beast::test::stream local(ioc);
    beast::test::stream remote(ioc);
    local.connect(remote);
    beast::websocket::stream<beast::test::stream&> ws(local);
    ws.read_message_max(std::uint64_t{1} << 32);
    local.append(
        "GET / HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
    ws.accept();
    remote.clear();

    beast::flat_buffer message;
    const std::string_view bytes(reinterpret_cast<const char*>(wire.data()), wire.size());
    for (auto _ : state) {
        local.append(bytes);
        for (std::size_t i = 0; i < count; ++i) {
            beast::error_code ec;
            ws.read(message, ec);
            if (ec) {
                state.SkipWithError(ec.message().c_str());
                return;
            }
            message.clear();
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * wire.size()));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * count));
}

void register_all() {
    for (std::int64_t size : {64 * 1024, 1024 * 1024}) {
        const std::string tag = size == 64 * 1024 ? "64KiB" : "1MiB";
        benchmark::RegisterBenchmark(("unmask/" + tag + "/ours").c_str(), unmask_ours)->Arg(size);
        benchmark::RegisterBenchmark(("unmask/" + tag + "/beast").c_str(), unmask_beast)->Arg(size);
    }
    constexpr std::int64_t kText = 64 * 1024;
    benchmark::RegisterBenchmark("utf8_ascii/64KiB/ours", utf8_ours<ascii_text>)->Arg(kText);
    benchmark::RegisterBenchmark("utf8_ascii/64KiB/beast", utf8_beast<ascii_text>)->Arg(kText);
    benchmark::RegisterBenchmark("utf8_mixed/64KiB/ours", utf8_ours<mixed_text>)->Arg(kText);
    benchmark::RegisterBenchmark("utf8_mixed/64KiB/beast", utf8_beast<mixed_text>)->Arg(kText);

    struct Shape {
        const char* name;
        std::size_t count;
        std::size_t size;
        bool text;
    };
    for (const Shape& s : {Shape{"parse_small_text/4096x32B", 4096, 32, true},
                           Shape{"parse_big_binary/8x128KiB", 8, 128 * 1024, false},
                           Shape{"parse_big_text/8x128KiB", 8, 128 * 1024, true}}) {
        benchmark::RegisterBenchmark((std::string(s.name) + "/ours").c_str(), parse_ours, s.count,
                                     s.size, s.text);
        benchmark::RegisterBenchmark((std::string(s.name) + "/beast").c_str(), parse_beast, s.count,
                                     s.size, s.text);
    }
}

}  // namespace

int main(int argc, char** argv) {
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}

// ---- permessage-deflate (RFC 7692) ----------------------------------------------------------
// Ours is zlib behind protocol::Deflater/Inflater; Beast's baseline is its own zlib port, which
// its websocket stream uses for permessage-deflate. Both at level 6, 15-bit window, 16 KiB
// text messages: compression with context takeover (as in Autobahn 12.x), inflation of one
// message compressed without it (so every iteration inflates the same payload).

#include <boost/beast/zlib/deflate_stream.hpp>
#include <boost/beast/zlib/inflate_stream.hpp>

#include "protocol/permessage_deflate.h"

namespace {

namespace bzlib = boost::beast::zlib;

std::string deflate_sample_text(std::size_t n) {
    std::mt19937 rng(7692);
    static constexpr std::string_view kWords[] = {"{\"id\": ", "\"name\": \"", "websocket",
                                                  "\", ",      "deflate",      "message",
                                                  "1234",      "}, ",          "\"value\": "};
    std::string s;
    while (s.size() < n) s += kWords[rng() % std::size(kWords)];
    s.resize(n);
    return s;
}

constexpr std::size_t kDeflateMessage = 16 * 1024;

void deflate_ours(benchmark::State& state) {
    const auto text = deflate_sample_text(kDeflateMessage);
    Deflater deflater(15, false, 6);
    std::string out;
    for (auto _ : state) {
        out.clear();
        deflater.compress(text, out);
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// Beast's zlib stream parameters over all of `in` and `out`.
bzlib::z_params z_params_over(const std::string& in, std::string& out) {
    bzlib::z_params zs;
    zs.next_in = in.data();
    zs.avail_in = in.size();
    zs.next_out = out.data();
    zs.avail_out = out.size();
    return zs;
}

void deflate_beast(benchmark::State& state) {
    const auto text = deflate_sample_text(kDeflateMessage);
    bzlib::deflate_stream ds;
    ds.reset(6, 15, 8, bzlib::Strategy::normal);
    std::string out(ds.upper_bound(text.size()) + 16, '\0');
    for (auto _ : state) {
        auto zs = z_params_over(text, out);
        boost::system::error_code ec;
        ds.write(zs, bzlib::Flush::sync, ec);
        benchmark::DoNotOptimize(zs.total_out);
        if (ec || zs.avail_out == 0) {
            state.SkipWithError("beast deflate failed");
            return;
        }
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

std::string deflate_sample_payload() {
    Deflater deflater(15, true, 6);
    std::string payload;
    deflater.compress(deflate_sample_text(kDeflateMessage), payload);
    return payload;
}

void inflate_ours(benchmark::State& state) {
    const auto payload = deflate_sample_payload();
    const auto bytes = std::as_bytes(std::span(payload.data(), payload.size()));
    Inflater inflater(15, true, 1 << 20);
    std::string out;
    for (auto _ : state) {
        out.clear();
        if (inflater.feed(bytes, out) || inflater.finish_message(out)) {
            state.SkipWithError("inflate failed");
            return;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kDeflateMessage));
}

void inflate_beast(benchmark::State& state) {
    auto payload = deflate_sample_payload();
    payload.append("\x00\x00\xff\xff", 4);  // RFC 7692 §7.2.2
    bzlib::inflate_stream is;
    is.reset(15);
    std::string out(kDeflateMessage + 1024, '\0');
    for (auto _ : state) {
        is.reset();  // no context takeover, memory kept
        auto zs = z_params_over(payload, out);
        boost::system::error_code ec;
        is.write(zs, bzlib::Flush::sync, ec);
        if ((ec && ec != bzlib::error::need_buffers) || zs.total_out != kDeflateMessage) {
            state.SkipWithError("beast inflate failed");
            return;
        }
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kDeflateMessage));
}

[[maybe_unused]] const bool kDeflateRegistered = [] {
    benchmark::RegisterBenchmark("deflate_text/16KiB/ours", deflate_ours);
    benchmark::RegisterBenchmark("deflate_text/16KiB/beast", deflate_beast);
    benchmark::RegisterBenchmark("inflate_text/16KiB/ours", inflate_ours);
    benchmark::RegisterBenchmark("inflate_text/16KiB/beast", inflate_beast);
    return true;
}();

}  // namespace
