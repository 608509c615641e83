// The payload sets, built once from their generators (cases/payload_generators.h), and the
// messages cut from them.
#include "cases/payload_sets.h"

#include <array>
#include <mutex>
#include <utility>
#include <vector>

#include "cases/payload_generators.h"

namespace wsconform::cases {

namespace {

using namespace detail;

struct Built {
    std::string bytes;
    // Text sets: the octet offset of each code point, and the total size at the end.
    std::vector<std::uint32_t> code_points;
    bool text = false;

    std::size_t units() const { return text ? code_points.size() - 1 : bytes.size(); }
    std::size_t offset(std::size_t unit) const { return text ? code_points[unit] : unit; }
};

Built build(std::string bytes, bool text) {
    Built b;
    b.text = text;
    if (text) {
        for (std::size_t i = 0; i < bytes.size(); ++i)
            if ((static_cast<unsigned char>(bytes[i]) & 0xc0) != 0x80)
                b.code_points.push_back(static_cast<std::uint32_t>(i));
        b.code_points.push_back(static_cast<std::uint32_t>(bytes.size()));
    }
    b.bytes = std::move(bytes);
    return b;
}

constexpr PayloadSetInfo kInfo[] = {
    {"json", "JSON (weather station readings)", "data1.json", true},
    {"image", "8-bit grayscale 512x512 BMP image", "lena512.bmp", false},
    {"text", "German-like verse drama (UTF-8 text, sent as binary)", "pg2229.txt", false},
    {"html", "HTML report page", "data1.html", true},
    {"pdf", "PDF document", "10.1.1.105.5439.pdf", false},
};

// The generator of each set, in kPayloadSets order.
constexpr std::string (*kGenerators[])() = {make_json, make_image, make_text, make_html, make_pdf};

// Each set is generated on first use, once, whichever thread asks first.
const Built& built(PayloadSet set) {
    static std::array<std::once_flag, kPayloadSets.size()> once;
    static std::array<Built, kPayloadSets.size()> sets;
    const auto i = static_cast<std::size_t>(set);
    std::call_once(once[i], [i] { sets[i] = build(kGenerators[i](), kInfo[i].text); });
    return sets[i];
}

}  // namespace

const PayloadSetInfo& payload_set_info(PayloadSet set) {
    return kInfo[static_cast<std::size_t>(set)];
}

const std::string& payload_bytes(PayloadSet set) {
    return built(set).bytes;
}

std::size_t payload_units(PayloadSet set) {
    return built(set).units();
}

std::string payload_message(PayloadSet set, std::size_t length, std::uint64_t index) {
    const Built& b = built(set);
    const std::uint64_t n = b.units();
    if (length == 0 || n == 0) return {};
    // Autobahn keeps a pointer that advances by `length` modulo the size; message `index`
    // therefore starts at index * length mod n.
    const std::uint64_t from = (index % n) * (length % n) % n;
    const std::uint64_t to = (from + length) % n;
    auto slice = [&b](std::uint64_t a, std::uint64_t z) {
        return b.bytes.substr(b.offset(a), b.offset(z) - b.offset(a));
    };
    if (to > from) return slice(from, to);
    return slice(from, n) + slice(0, to);
}

}  // namespace wsconform::cases
