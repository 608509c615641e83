// zlib-format deflate with fixed Huffman codes and greedy LZ77 matching: what the PDF payload
// set's FlateDecode streams hold. Our own encoder rather than zlib's deflate(), whose output
// differs between zlib builds (zlib, zlib-ng), so the set's octets are the same everywhere.
// Internal to cases/.
#pragma once

#include <string>
#include <string_view>

namespace wsconform::cases::detail {

std::string flate_fixed(std::string_view data);

}  // namespace wsconform::cases::detail
