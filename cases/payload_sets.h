// The five payload sets of sections 12 and 13 (the script that sends them is in
// cases/compression_case.h).
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

}  // namespace wsconform::cases
