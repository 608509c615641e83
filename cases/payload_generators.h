// The generators of the five payload sets (cases/payload_sets.h), one function per set.
// Deterministic: one fixed-seed splitmix64 stream per set, integer arithmetic only (no libm,
// whose results may differ between platforms), and our own deflate encoder for the PDF's
// streams (cases/flate_fixed.h), so a set's octets are the same on every build
// (docs/payload-sets.md). Internal to cases/.
#pragma once

#include <string>

namespace wsconform::cases::detail {

std::string make_json();   // 12.1 and all of 13: weather station readings, ~194 kB
std::string make_image();  // 12.2: a 512x512 8-bit grayscale BMP, 263222 octets
std::string make_text();   // 12.3: German-like verse drama, ~222 kB of UTF-8
std::string make_html();   // 12.4: an HTML report page, ~263 kB
std::string make_pdf();    // 12.5: a PDF of about 1 MB

}  // namespace wsconform::cases::detail
