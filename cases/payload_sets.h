// The five payload sets of sections 12 and 13, and the one script those 216 cases share
// (Autobahn's case12_x_x.py): 1000 messages, each the next LEN units of a set, sent one at a
// time over permessage-deflate and checked when echoed.
//
// Autobahn sends five files it ships (a JSON file, the Lena picture, Goethe's Faust, an HTML
// file, a PDF). We do not copy them: each set is generated here, deterministically, with the
// same character and about the same size (docs/payload-sets.md). Internal to cases/.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/case.h"
#include "harness/model/events.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases {

// In Autobahn's order: 12.1 json, 12.2 image, 12.3 text, 12.4 html, 12.5 pdf.
enum class PayloadSet { json, image, text, html, pdf };
inline constexpr std::array<PayloadSet, 5> kPayloadSets{
    PayloadSet::json, PayloadSet::image, PayloadSet::text, PayloadSet::html, PayloadSet::pdf};

struct PayloadSetInfo {
    std::string_view name;           // "json"
    std::string_view summary;        // one line, for titles and descriptions
    std::string_view autobahn_file;  // the file of Autobahn's this set stands in for
    // Sent as text messages and cut by code point (Autobahn's TESTDATA 'binary': False).
    // The German text is valid UTF-8 but, as in Autobahn, sent as binary and cut by octet.
    bool text;
};
const PayloadSetInfo& payload_set_info(PayloadSet set);

// The octets of a set: generated on first use (thread-safe), the same on every platform.
const std::string& payload_bytes(PayloadSet set);

// How many units messages are cut in: code points for text sets, octets for the others.
std::size_t payload_units(PayloadSet set);

// Message number `index` (0-based) of a case sending `length` units per message: the
// `length` units from (index * length) mod payload_units(set) on, wrapping around to the
// start (Autobahn's sendOne, wrap-around included). Text sets are cut at code points, so
// every message is valid UTF-8 and may be longer than `length` in octets. Every set is longer
// than the longest message (131072 units), so each message has exactly `length` units.
std::string payload_message(PayloadSet set, std::size_t length, std::uint64_t index);

// ---- The cases over the sets.

// Autobahn's MSG_SIZES: message length (units), message count, case timer (s) and
// auto-fragment size (0: none), one row per case of each subsection 12.x and 13.x.
struct CompressionRow {
    std::size_t length;
    std::size_t count;
    int seconds;
    std::size_t auto_fragment;
};
inline constexpr std::array<CompressionRow, 18> kCompressionRows{{
    {16, 1000, 60, 0},
    {64, 1000, 60, 0},
    {256, 1000, 120, 0},
    {1024, 1000, 240, 0},
    {4096, 1000, 480, 0},
    {8192, 1000, 480, 0},
    {16384, 1000, 480, 0},
    {32768, 1000, 480, 0},
    {65536, 1000, 480, 0},
    {131072, 1000, 480, 0},
    {8192, 1000, 480, 256},
    {16384, 1000, 480, 256},
    {32768, 1000, 480, 256},
    {65536, 1000, 480, 256},
    {131072, 1000, 480, 256},
    {131072, 1000, 480, 1024},
    {131072, 1000, 480, 4096},
    {131072, 1000, 480, 32768},
}};

struct CompressionCase {
    std::string id;
    std::string title;
    std::string parameters_note;  // appended to the description: the offer and the policy
    std::vector<std::string> rfc;
    std::string requirement;
    PayloadSet set;
    CompressionRow row;
    std::vector<protocol::DeflateParams> offers;
    protocol::DeflateServerPolicy server_policy;
    std::vector<protocol::DeflateServerPolicy> server_fallbacks;  // tried in turn after it
};
harness::Case compression_case(CompressionCase spec);

namespace detail {

// Why `echo` is not `sent` (a message of type `sent_binary`) sent back unchanged, as one
// sentence starting with `what` ("The echo", "Echo 17 of 1000"); nullopt when it is.
// `in_code_points` counts text lengths in characters as well as octets. A content mismatch
// names the first differing octet and both SHA-1 digests.
std::optional<std::string> echo_difference(std::string_view what, const harness::Event& echo,
                                           std::string_view sent, bool sent_binary,
                                           bool in_code_points);

// zlib-format deflate with fixed Huffman codes and greedy LZ77 matching: what the PDF set's
// FlateDecode streams hold. Our own encoder rather than zlib's deflate(), whose output
// differs between zlib builds (zlib, zlib-ng), so the set's octets are the same everywhere.
std::string flate_fixed(std::string_view data);

}  // namespace detail

}  // namespace wsconform::cases
