// The matrix of many peers (`wsconform matrix DIR... --outdir OUT`): what a report folder says
// about its peer besides index.json (peer.json: name, version, origin, role, transport), and
// the cells of an earlier matrix (matrix.json) the page marks the changes against. The page
// itself is the comparison page (html_compare.cpp) with these columns.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>

#include "reports/baseline.h"

namespace wsconform::reports {

// peer.json, next to index.json: written by a run given --peer-name/--peer-version/
// --peer-origin (or by targets/), never a key inside index.json (Autobahn's schema).
struct PeerInfo {
    std::string name;
    std::string version;
    std::string origin;     // where the peer came from: a package, a URL, a commit
    std::string role;       // "server" or "client": what wsconform tested
    std::string transport;  // "ws" or "wss"
};

inline constexpr std::string_view kPeerFile = "peer.json";

// Writes `dir`/peer.json atomically (throws std::system_error).
void write_peer_info(const std::filesystem::path& dir, const PeerInfo& peer);
// `dir`/peer.json, or nothing when there is none (throws std::runtime_error naming the file
// when it is not a JSON object).
std::optional<PeerInfo> read_peer_info(const std::filesystem::path& dir);

// One column of a matrix: a run's agent, with its peer's metadata; where peer.json is absent
// or leaves a field empty, the name is the agent, the role comes from the case files
// (isServer) and the transport from their wire logs (a "TLS: ..." note).
struct MatrixColumn {
    PeerInfo peer;
    std::string key;  // "name|role|transport": what an earlier matrix's cell is found by
};
std::vector<MatrixColumn> matrix_columns(const Comparison& cmp);

// An earlier matrix's cells: column key -> case ID -> outcome ("pass", "fail" ...).
using MatrixCells = std::map<std::string, std::map<std::string, std::string>>;
// matrix.json of a matrix: its cells, to be compared with by a later one.
std::string matrix_json(const Comparison& cmp, const std::vector<MatrixColumn>& columns);
// Reads an earlier matrix: its folder or its matrix.json (throws std::runtime_error).
MatrixCells read_matrix_cells(const std::filesystem::path& path);

}  // namespace wsconform::reports
