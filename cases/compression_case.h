// The one script the 216 cases of sections 12 and 13 share (Autobahn's case12_x_x.py): 1000
// messages, each the next LEN units of a payload set (cases/payload_sets.h), sent one at a
// time over permessage-deflate and checked when echoed. Internal to cases/.
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <vector>

#include "cases/payload_sets.h"
#include "harness/model/case.h"
#include "protocol/permessage_deflate.h"

namespace wsconform::cases {

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

}  // namespace wsconform::cases
