// HTTP/2 frames (RFC 9113 §4.1, §6) and HPACK literal blocks (RFC 7541 §5.1, §6.2.2) as
// protocol/h2_frame.h writes and reads them: section 17's own wire format.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace wsconform::protocol::h2
