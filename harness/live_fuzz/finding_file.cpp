// Finding files of the live fuzzer: JSON (nlohmann_json) with the kind, the detail and every
// input's bytes in hex, in the order to replay them.
#include "harness/live_fuzz/finding_file.h"

#include <array>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <utility>

#include "protocol/hex.h"
#include "protocol/http.h"
#include "util/atomic_file.h"

namespace wsconform::harness {

namespace {

constexpr const char* kFormat = "wsconform-live-fuzz-finding/1";

constexpr std::array<std::pair<FindingKind, const char*>, 5> kKindNames = {{
    {FindingKind::crash, "crash"},
    {FindingKind::hang, "hang"},
    {FindingKind::violation, "violation"},
    {FindingKind::slow, "slow"},
    {FindingKind::peer_memory, "peer_memory"},
}};

FindingKind kind_from_string(const std::string& name) {
    for (const auto& [kind, known] : kKindNames) {
        if (name == known) return kind;
    }
    throw std::runtime_error("unknown finding kind '" + name + "'");
}

std::string from_hex(const std::string& text) {
    auto bytes = protocol::hex_decode(text);
    if (!bytes) throw std::runtime_error("malformed finding file: bad hex string");
    return std::move(*bytes);
}

nlohmann::json input_to_json(const LiveInput& in) {
    nlohmann::json i;
    i["seed"] = in.seed;
    i["index"] = in.index;
    i["description"] = in.description;
    i["handshake_valid"] = in.handshake_valid;
    i["offers_deflate"] = in.offers_deflate;
    i["offered_protocols"] = in.offered_protocols;
    // Credentials (--header 'Authorization: ...') stay out of the file; replay puts them back.
    i["handshake_hex"] = protocol::hex_encode(protocol::redact_secrets(in.handshake));
    auto writes = nlohmann::json::array();
    for (const auto& w : in.writes) writes.push_back(protocol::hex_encode(w));
    i["writes_hex"] = std::move(writes);
    i["probe_ping_hex"] = protocol::hex_encode(in.probe_ping);
    i["probe_payload_hex"] = protocol::hex_encode(in.probe_payload);
    i["probe_close_hex"] = protocol::hex_encode(in.probe_close);
    return i;
}

LiveInput input_from_json(const nlohmann::json& i) {
    LiveInput in;
    in.seed = i.value("seed", std::uint64_t{0});
    in.index = i.value("index", std::uint64_t{0});
    in.description = i.value("description", "");
    in.handshake_valid = i.at("handshake_valid");
    in.offers_deflate = i.value("offers_deflate", false);
    in.offered_protocols = i.value("offered_protocols", std::vector<std::string>{});
    in.handshake = from_hex(i.at("handshake_hex"));
    for (const auto& w : i.at("writes_hex")) in.writes.push_back(from_hex(w));
    in.probe_ping = from_hex(i.value("probe_ping_hex", ""));
    in.probe_payload = from_hex(i.value("probe_payload_hex", ""));
    in.probe_close = from_hex(i.value("probe_close_hex", ""));
    return in;
}

}  // namespace

const char* to_string(FindingKind kind) noexcept {
    for (const auto& [known, name] : kKindNames) {
        if (known == kind) return name;
    }
    return "unknown";
}

std::string finding_to_json(const LiveFinding& f) {
    nlohmann::json j;
    j["format"] = kFormat;
    j["kind"] = to_string(f.kind);
    j["detail"] = f.detail;
    j["url"] = f.url;
    j["seed"] = f.seed;
    j["replay"] = "wsconform replay FILE URL";
    auto inputs = nlohmann::json::array();
    for (const auto& in : f.inputs) inputs.push_back(input_to_json(in));
    j["inputs"] = std::move(inputs);
    return j.dump(2) + "\n";
}

LiveFinding finding_from_json(const std::string& text) {
    LiveFinding f;
    try {
        const auto j = nlohmann::json::parse(text);
        if (j.value("format", "") != kFormat) {
            throw std::runtime_error("not a wsconform live-fuzz finding (format field)");
        }
        f.kind = kind_from_string(j.at("kind").get<std::string>());
        f.detail = j.value("detail", "");
        f.url = j.value("url", "");
        f.seed = j.value("seed", std::uint64_t{0});
        for (const auto& i : j.at("inputs")) f.inputs.push_back(input_from_json(i));
    } catch (const nlohmann::json::exception& e) {
        throw std::runtime_error(std::string("malformed finding file: ") + e.what());
    }
    if (f.inputs.empty()) throw std::runtime_error("finding file lists no input");
    return f;
}

std::filesystem::path live_fuzz::write_finding(const std::filesystem::path& dir,
                                               const LiveFinding& finding) {
    const auto path =
        dir / (std::string(to_string(finding.kind)) + "-seed" + std::to_string(finding.seed) +
               "-input" + std::to_string(finding.inputs.back().index) + ".json");
    util::atomic_write(path, finding_to_json(finding));
    return path;
}

}  // namespace wsconform::harness
