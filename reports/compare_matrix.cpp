#include "reports/compare_matrix.h"

#include <nlohmann/json.hpp>

#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "util/atomic_file.h"

namespace wsconform::reports {

using json = nlohmann::json;

namespace {

// The keys of peer.json, in the order written.
constexpr std::pair<const char*, std::string PeerInfo::*> kPeerKeys[] = {
    {"name", &PeerInfo::name},
    {"version", &PeerInfo::version},
    {"origin", &PeerInfo::origin},
    {"role", &PeerInfo::role},
    {"transport", &PeerInfo::transport}};

json read_json_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    if (!in) throw std::runtime_error(path.string() + ": cannot be read");
    const json doc = json::parse(text.str(), nullptr, false);
    if (!doc.is_object()) throw std::runtime_error(path.string() + ": not a JSON object");
    return doc;
}

// A case file's wire log opens with a "TLS: ..." note over wss:// (harness/case_session.cpp).
bool over_tls(const CaseRecord& r) {
    if (!r.detail || !r.detail->contains("wirelog") || !(*r.detail)["wirelog"].is_array())
        return false;
    for (const auto& row : (*r.detail)["wirelog"])
        if (row.is_array() && row.size() >= 2 && row[0] == "NOTE" && row[1].is_string() &&
            row[1].get<std::string>().starts_with("TLS: "))
            return true;
    return false;
}

}  // namespace

void write_peer_info(const std::filesystem::path& dir, const PeerInfo& peer) {
    json doc = json::object();
    for (const auto& [key, field] : kPeerKeys)
        if (!(peer.*field).empty()) doc[key] = peer.*field;
    util::atomic_write(dir / kPeerFile, doc.dump(2) + "\n");
}

std::optional<PeerInfo> read_peer_info(const std::filesystem::path& dir) {
    const auto path = dir / kPeerFile;
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::nullopt;
    const json doc = read_json_file(path);
    PeerInfo peer;
    for (const auto& [key, field] : kPeerKeys)
        if (doc.contains(key) && doc[key].is_string()) peer.*field = doc[key].get<std::string>();
    return peer;
}

std::vector<MatrixColumn> matrix_columns(const Comparison& cmp) {
    std::vector<MatrixColumn> columns;
    for (std::size_t c = 0; c < cmp.columns.size(); ++c) {
        const auto& col = cmp.columns[c];
        const auto& run = cmp.runs[col.run];
        PeerInfo peer = read_peer_info(run.dir).value_or(PeerInfo{});
        if (peer.name.empty()) peer.name = col.agent;
        // What the case files say, for what peer.json leaves out.
        bool client = false, tls = false;
        if (const auto it = run.cases.find(col.agent); it != run.cases.end())
            for (const auto& [id, r] : it->second) {
                if (r.detail && r.detail->contains("isServer") && (*r.detail)["isServer"] == true)
                    client = true;
                if (over_tls(r)) tls = true;
            }
        if (peer.role.empty()) peer.role = client ? "client" : "server";
        if (peer.transport.empty()) peer.transport = tls ? "wss" : "ws";
        std::string key = peer.name + "|" + peer.role + "|" + peer.transport;
        columns.push_back({std::move(peer), std::move(key)});
    }
    return columns;
}

std::string matrix_json(const Comparison& cmp, const std::vector<MatrixColumn>& columns) {
    json cells = json::object();
    for (std::size_t c = 0; c < columns.size(); ++c) {
        json& column = cells[columns[c].key];
        column = json::object();
        for (const auto& row : cmp.rows)
            if (const auto* r = row.cells[c]) column[row.id] = harness::to_string(r->outcome);
    }
    return json{{"wsconformMatrix", 1}, {"cells", cells}}.dump(1) + "\n";
}

MatrixCells read_matrix_cells(const std::filesystem::path& path) {
    const auto file = std::filesystem::is_directory(path) ? path / "matrix.json" : path;
    const json doc = read_json_file(file);
    if (!doc.contains("cells") || !doc["cells"].is_object())
        throw std::runtime_error(file.string() + ": no \"cells\" object (not a wsconform matrix)");
    MatrixCells cells;
    for (const auto& [key, column] : doc["cells"].items()) {
        if (!column.is_object()) continue;
        for (const auto& [id, outcome] : column.items())
            if (outcome.is_string()) cells[key][id] = outcome.get<std::string>();
    }
    return cells;
}

}  // namespace wsconform::reports
