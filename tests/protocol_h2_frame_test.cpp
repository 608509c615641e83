// HTTP/2 frames (RFC 9113 §4.1, §6) and HPACK literal blocks (RFC 7541 §5.1, §6.2.2) as
// protocol/h2_frame.h writes and reads them: section 17's own wire format.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "protocol/h2_frame.h"

namespace wsconform::protocol::h2 {
namespace {

TEST(H2Frame, AFrameIsANineOctetHeaderThenItsPayload) {
    // length=3, type=DATA, flags=END_STREAM, stream=5 (reserved bit cleared), "abc"
    const std::string expected(
        "\x00\x00\x03\x00\x01\x00\x00\x00\x05"
        "abc",
        12);
    EXPECT_EQ(encode_frame({FrameType::data, flag::end_stream, 0x80000005u, "abc"}), expected);
    FrameReader reader;
    reader.feed(expected.substr(0, 5));
    EXPECT_FALSE(reader.next());
    reader.feed(expected.substr(5));
    const auto f = reader.next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, FrameType::data);
    EXPECT_EQ(f->stream, 5u);
    EXPECT_EQ(f->payload, "abc");
    EXPECT_EQ(describe(*f), "DATA stream=5 flags=END_STREAM length=3");
}

TEST(H2Frame, AFrameOverTheLimitIsAFrameSizeError) {
    FrameReader reader(16);
    reader.feed(encode_frame({FrameType::data, 0, 1, std::string(17, 'x')}));
    EXPECT_FALSE(reader.next());
    EXPECT_NE(reader.error().find("RFC 9113 §4.2"), std::string::npos);
}

TEST(H2Frame, SettingsRstStreamGoawayAndWindowUpdateCarryTheirFields) {
    FrameReader reader;
    reader.feed(encode_settings({{setting::enable_connect_protocol, 1}}) +
                encode_rst_stream(3, error::cancel) + encode_goaway(7, error::protocol_error) +
                encode_window_update(0, 65535));
    EXPECT_EQ(describe(*reader.next()), "SETTINGS stream=0 length=6 ENABLE_CONNECT_PROTOCOL=1");
    EXPECT_EQ(describe(*reader.next()), "RST_STREAM stream=3 length=4 error=CANCEL");
    EXPECT_EQ(describe(*reader.next()),
              "GOAWAY stream=0 length=8 last_stream=7 error=PROTOCOL_ERROR");
    EXPECT_EQ(describe(*reader.next()), "WINDOW_UPDATE stream=0 length=4 increment=65535");
    EXPECT_FALSE(parse_settings("12345"));
}

// The bounds of RFC 9113 §6.5.2 and RFC 8441 §3, each at its edge, and the error each is.
TEST(H2Frame, SettingsValuesOutsideTheirRangeAreConnectionErrors) {
    const bool server = true, client = false;
    EXPECT_FALSE(check_settings({{setting::max_frame_size, kDefaultMaxFrameSize},
                                 {setting::max_frame_size, kLargestMaxFrameSize},
                                 {setting::initial_window_size, kMaxWindow},
                                 {setting::enable_push, 0},
                                 {setting::enable_connect_protocol, 1},
                                 {setting::header_table_size, 0xffffffffu},
                                 {0x4242, 7}},
                                server));
    EXPECT_FALSE(check_settings({{setting::enable_push, 1}}, client));

    auto violation = [](const Settings& settings, bool from_server) {
        const auto bad = check_settings(settings, from_server);
        return bad ? std::pair(bad->what, bad->error_code) : std::pair(std::string(), 0u);
    };
    EXPECT_EQ(violation({{setting::max_frame_size, kDefaultMaxFrameSize - 1}}, client),
              std::pair(std::string("SETTINGS_MAX_FRAME_SIZE = 16383: outside 16,384 to 2^24-1 "
                                    "(RFC 9113 §6.5.2)"),
                        error::protocol_error));
    EXPECT_EQ(violation({{setting::max_frame_size, kLargestMaxFrameSize + 1}}, server).second,
              error::protocol_error);
    EXPECT_EQ(violation({{setting::initial_window_size, kMaxWindow + 1}}, server).second,
              error::flow_control_error);
    EXPECT_EQ(violation({{setting::enable_push, 1}}, server).second, error::protocol_error);
    EXPECT_EQ(violation({{setting::enable_push, 2}}, client).second, error::protocol_error);
    EXPECT_EQ(violation({{setting::enable_connect_protocol, 2}}, client),
              std::pair(std::string("SETTINGS_ENABLE_CONNECT_PROTOCOL = 2: 0 or 1 only (RFC 8441 "
                                    "§3)"),
                        error::protocol_error));
    // The first bad value is the one named.
    EXPECT_EQ(violation({{setting::enable_connect_protocol, 1},
                         {setting::initial_window_size, 0x80000000u},
                         {setting::max_frame_size, 0}},
                        server)
                  .second,
              error::flow_control_error);
}

// RFC 9113 §6: each type where it may stand and at the length it must have, each rule at its
// edge, and the connection error each is; unknown types and stream-level errors pass.
TEST(H2Frame, FramesOutOfTheirShapeAreConnectionErrors) {
    auto code = [](FrameType type, std::uint8_t flags, std::uint32_t stream, std::string payload) {
        const auto bad = check_frame({type, flags, stream, std::move(payload)});
        return bad ? bad->error_code : error::no_error;
    };
    const std::string four(4, '\x01'), eight(8, '\0');
    EXPECT_EQ(code(FrameType::data, 0, 1, ""), error::no_error);
    EXPECT_EQ(code(FrameType::ping, 0, 0, eight), error::no_error);
    EXPECT_EQ(code(FrameType::goaway, 0, 0, eight + "debug"), error::no_error);
    EXPECT_EQ(code(FrameType::window_update, 0, 3, four), error::no_error);
    EXPECT_EQ(code(FrameType::window_update, 0, 3, std::string(4, '\0')), error::no_error);
    EXPECT_EQ(code(FrameType::settings, flag::ack, 0, ""), error::no_error);
    EXPECT_EQ(code(FrameType::priority, 0, 1, "xx"), error::no_error);  // a stream error
    EXPECT_EQ(code(static_cast<FrameType>(0x42), 0, 0, "x"), error::no_error);

    for (auto type : {FrameType::data, FrameType::headers, FrameType::priority,
                      FrameType::rst_stream, FrameType::push_promise, FrameType::continuation})
        EXPECT_EQ(code(type, 0, 0, four), error::protocol_error) << frame_type_name(type);
    for (auto type : {FrameType::settings, FrameType::ping, FrameType::goaway})
        EXPECT_EQ(code(type, 0, 1, eight.substr(0, 6)), error::protocol_error)
            << frame_type_name(type);
    EXPECT_EQ(code(FrameType::rst_stream, 0, 1, "abc"), error::frame_size_error);
    EXPECT_EQ(code(FrameType::ping, 0, 0, eight + "!"), error::frame_size_error);
    EXPECT_EQ(code(FrameType::goaway, 0, 0, "1234567"), error::frame_size_error);
    EXPECT_EQ(code(FrameType::window_update, 0, 0, "12345"), error::frame_size_error);
    EXPECT_EQ(code(FrameType::settings, flag::ack, 0, "123456"), error::frame_size_error);
    EXPECT_EQ(code(FrameType::settings, 0, 0, "12345"), error::frame_size_error);
    EXPECT_EQ(code(FrameType::window_update, 0, 0, std::string("\x80\0\0\0", 4)),
              error::protocol_error);  // the reserved bit set, an increment of 0

    const auto ping = check_frame({FrameType::ping, 0, 0, "1234567"});
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->what, "PING on stream 0, 7 octets: 8 octets only (RFC 9113 §6.7)");
}

// What we send keeps to the shapes we hold a peer to.
TEST(H2Frame, OurOwnFramesKeepTheirShape) {
    FrameReader reader;
    reader.feed(encode_settings({{setting::enable_connect_protocol, 1}}) +
                encode_settings({}, true) + encode_window_update(0, 65535) +
                encode_window_update(1, 1) + encode_rst_stream(1, error::cancel) +
                encode_goaway(0, error::no_error) +
                encode_headers(1, std::string(40000, 'h'), true) +
                encode_frame({FrameType::ping, flag::ack, 0, std::string(8, 'p')}));
    int frames = 0;
    while (const auto f = reader.next()) {
        ++frames;
        const auto bad = check_frame(*f);
        EXPECT_FALSE(bad) << describe(*f) << ": " << bad->what;
    }
    EXPECT_EQ(frames, 10);  // the header block in a HEADERS and two CONTINUATIONs
}

TEST(H2Frame, PaddingAndPriorityAreStrippedAndAnOverlongPadIsRefused) {
    // PADDED: pad length 2, "hi", two octets of padding
    EXPECT_EQ(unpadded({FrameType::data, flag::padded, 1, std::string("\x02hi\x00\x00", 5)}), "hi");
    EXPECT_FALSE(unpadded({FrameType::data, flag::padded, 1, std::string("\x05hi", 3)}));
    // PRIORITY: 5 octets of dependency and weight before the block
    EXPECT_EQ(unpadded({FrameType::headers, flag::priority, 1, std::string("\0\0\0\0\x10x", 6)}),
              "x");
}

TEST(H2Frame, HpackLiteralsCarryAnyOctetsAndLongLengthsUseThePrefixContinuation) {
    const H2Fields fields{{":protocol", std::string("web\r\nsocket\0", 12)},
                          {"X-Upper", std::string(200, 'v')},
                          {"", ""}};
    const auto block = hpack_encode_literal(fields);
    // 0x00: literal without indexing, new name; 0x09 ":protocol" (H=0, length 9)
    EXPECT_EQ(block.substr(0, 2), std::string("\x00\x09", 2));
    // 200 = 127 + 73: the 7-bit prefix full (0x7f), then 73 (0x49)
    EXPECT_NE(block.find(std::string("\x7f\x49", 2)), std::string::npos);
    const auto decoded = hpack_decode_literal(block);
    ASSERT_TRUE(decoded);
    ASSERT_EQ(decoded->size(), fields.size());
    for (std::size_t i = 0; i < fields.size(); ++i) {
        EXPECT_EQ((*decoded)[i].name, fields[i].name);
        EXPECT_EQ((*decoded)[i].value, fields[i].value);
    }
    EXPECT_FALSE(hpack_decode_literal("\x82"));                      // an indexed field (§6.1)
    EXPECT_FALSE(hpack_decode_literal(std::string("\x00\x85", 2)));  // a Huffman string (§5.2)
    EXPECT_FALSE(
        hpack_decode_literal(std::string("\x00\x05"
                                         "ab",
                                         4)));  // truncated
}

TEST(H2Frame, ALongBlockIsSplitIntoHeadersAndContinuation) {
    const std::string block(10, 'b');
    FrameReader reader;
    reader.feed(encode_headers(1, block, true, 4));
    const auto first = reader.next();
    ASSERT_TRUE(first);
    EXPECT_EQ(first->type, FrameType::headers);
    EXPECT_EQ(first->flags, flag::end_stream);
    EXPECT_EQ(reader.next()->type, FrameType::continuation);
    const auto last = reader.next();
    EXPECT_EQ(last->flags, flag::end_headers);
    EXPECT_EQ(last->payload, "bb");
}

// Every frame of `wire` through one assembler; the steps it took, and the last block.
struct Assembled {
    std::vector<HeaderBlockAssembler::Step> steps;
    HeaderBlockAssembler assembler;
};

Assembled assemble(const std::string& wire) {
    Assembled out;
    FrameReader reader;
    reader.feed(wire);
    while (auto f = reader.next()) out.steps.push_back(out.assembler.feed(*f));
    return out;
}

using Step = HeaderBlockAssembler::Step;

TEST(H2HeaderBlock, HeadersAndItsContinuationsGiveOneBlockWithoutPadding) {
    const auto split = assemble(encode_headers(3, "0123456789", true, 4));
    EXPECT_EQ(split.steps, (std::vector{Step::partial, Step::partial, Step::complete}));
    EXPECT_EQ(split.assembler.block().stream, 3u);
    EXPECT_TRUE(split.assembler.block().end_stream);
    EXPECT_EQ(split.assembler.block().octets, "0123456789");

    // PADDED and PRIORITY: pad length 2, five octets of priority, the block, two of padding.
    const auto padded = assemble(
        encode_frame({FrameType::headers, flag::padded | flag::priority | flag::end_headers, 5,
                      std::string("\x02"
                                  "\x00\x00\x00\x01\x10"
                                  "ab"
                                  "\x00\x00",
                                  10)}));
    EXPECT_EQ(padded.steps, std::vector{Step::complete});
    EXPECT_EQ(padded.assembler.block().octets, "ab");
    EXPECT_FALSE(padded.assembler.block().end_stream);
}

TEST(H2HeaderBlock, OtherFramesPassWhenNoBlockIsOpen) {
    const auto a =
        assemble(encode_settings({}) + encode_headers(1, "x", false) + encode_window_update(1, 10) +
                 encode_frame({FrameType::data, 0, 1, "d"}));
    EXPECT_EQ(a.steps, (std::vector{Step::other, Step::complete, Step::other, Step::other}));
}

TEST(H2HeaderBlock, NothingMayComeBetweenHeadersAndItsContinuations) {
    const auto open = encode_frame({FrameType::headers, 0, 1, "ab"});
    // Another type on the same stream, the same type on another, a CONTINUATION elsewhere.
    for (const auto& between :
         {encode_frame({FrameType::data, 0, 1, "d"}), encode_settings({}),
          encode_frame({FrameType::headers, flag::end_headers, 3, "c"}),
          encode_frame({FrameType::continuation, flag::end_headers, 3, "c"}),
          encode_frame({static_cast<FrameType>(0x20), 0, 1, "an extension's frame"})}) {
        const auto a = assemble(open + between +
                                encode_frame({FrameType::continuation, flag::end_headers, 1, "c"}));
        EXPECT_EQ(a.steps, (std::vector{Step::partial, Step::error, Step::error}));
        EXPECT_NE(a.assembler.error().find("inside the header block of stream 1"),
                  std::string::npos)
            << a.assembler.error();
    }
}

TEST(H2HeaderBlock, ConnectionErrorsOfTheHeadersFrameItself) {
    const auto stray = assemble(encode_frame({FrameType::continuation, flag::end_headers, 1, "c"}));
    EXPECT_EQ(stray.steps, std::vector{Step::error});
    EXPECT_NE(stray.assembler.error().find("no header block open"), std::string::npos);

    const auto stream0 = assemble(encode_headers(0, "x", false));
    EXPECT_EQ(stream0.steps, std::vector{Step::error});
    EXPECT_NE(stream0.assembler.error().find("stream 0"), std::string::npos);

    const auto overlong_pad =
        assemble(encode_frame({FrameType::headers, flag::padded | flag::end_headers, 1,
                               "\x09"
                               "ab"}));
    EXPECT_EQ(overlong_pad.steps, std::vector{Step::error});
    EXPECT_NE(overlong_pad.assembler.error().find("padding"), std::string::npos);
}

TEST(H2HeaderBlock, ABlockOverTheCapIsAnErrorBeforeItEnds) {
    // The CONTINUATION flood: frames that never say END_HEADERS.
    std::string wire = encode_frame({FrameType::headers, 0, 1, std::string(16384, 'h')});
    for (int i = 0; i < 8; ++i)
        wire += encode_frame({FrameType::continuation, 0, 1, std::string(16384, 'c')});
    const auto a = assemble(wire);
    ASSERT_EQ(a.steps.size(), 9u);
    EXPECT_EQ(a.steps[2], Step::partial);  // 48 KiB
    EXPECT_EQ(a.steps[4], Step::error);    // 80 KiB
    EXPECT_EQ(a.steps.back(), Step::error);
    EXPECT_EQ(a.assembler.error(), "a header block over 64 KiB, CONTINUATION after CONTINUATION");
    EXPECT_TRUE(a.assembler.block().octets.empty());
}

TEST(H2ReceiveWindow, DataPastWhatWeOpenedIsNamedAndCounted) {
    ReceiveWindow window(4096);
    EXPECT_FALSE(window.take(1, 4096));
    EXPECT_EQ(window.to_default(), 65535u);
    window.reopen(100);
    const auto error = window.take(1, 1124);
    ASSERT_TRUE(error);
    EXPECT_EQ(*error,
              "DATA on stream 1 1024 octets past the window we had opened (RFC 9113 §6.9.1)");
    EXPECT_EQ(window.overrun(), 1024u);
    EXPECT_EQ(ReceiveWindow().to_default(), 0u);
}

}  // namespace
}  // namespace wsconform::protocol::h2
