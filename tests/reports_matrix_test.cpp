// The matrix's columns (reports/compare_matrix.h): a peer's name, version and origin from
// peer.json beside index.json; without it the agent's name, the role from the case files'
// isServer and the transport from a "TLS: ..." note in their wire logs; and an earlier
// matrix's cells read back from matrix.json.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "reports/compare_matrix.h"
#include "tests/support/temp_dir.h"

namespace wsconform::reports {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

// A report folder of one case (2.1) of `agent`, as a client (isServer) or a server, over
// wss:// or not, its outcome `outcome`.
fs::path report_folder(const fs::path& dir, const std::string& agent, bool client, bool tls,
                       const std::string& outcome) {
    fs::create_directories(dir);
    const std::string file = "x_case_2_1.json";
    std::ofstream(dir / "index.json") << json{
        {agent,
         {{"2.1",
           {{"behavior", outcome == "pass" ? "OK" : "FAILED"},
            {"behaviorClose", "OK"},
            {"duration", 1},
            {"remoteCloseCode", 1000},
            {"reportfile", file}}}}}}.dump();
    json wirelog = json::array({json::array({"TO", "01", false})});
    if (tls) wirelog.push_back(json::array({"NOTE", "TLS: TLSv1.3, TLS_AES_128_GCM_SHA256"}));
    std::ofstream(dir / file) << json{{"agent", agent},        {"id", "2.1"},
                                      {"isServer", client},    {"behavior", "OK"},
                                      {"behaviorClose", "OK"}, {"outcome", outcome},
                                      {"wirelog", wirelog}}
                                     .dump();
    return dir;
}

TEST(MatrixColumns, FromTheCaseFilesWithoutPeerJson) {
    test_support::TempDir tmp;
    const auto cmp = compare_runs({report_folder(tmp.path() / "a", "lib", true, true, "pass"),
                                   report_folder(tmp.path() / "b", "srv", false, false, "fail")});
    const auto columns = matrix_columns(cmp);
    ASSERT_EQ(columns.size(), 2u);
    EXPECT_EQ(columns[0].key, "lib|client|wss");
    EXPECT_EQ(columns[1].key, "srv|server|ws");
    EXPECT_EQ(columns[1].peer.version, "");
}

TEST(MatrixColumns, PeerJsonNamesThePeer) {
    test_support::TempDir tmp;
    const auto dir = report_folder(tmp.path() / "a", "lib/1.2 (linux)", false, false, "pass");
    write_peer_info(dir, {.name = "lib", .version = "1.2", .origin = "npm lib@1.2"});
    ASSERT_TRUE(read_peer_info(dir));
    EXPECT_EQ(read_peer_info(dir)->origin, "npm lib@1.2");
    EXPECT_FALSE(read_peer_info(tmp.path()));
    const auto columns = matrix_columns(compare_runs({dir}));
    ASSERT_EQ(columns.size(), 1u);
    EXPECT_EQ(columns[0].key, "lib|server|ws") << "role and transport from the case files";
    EXPECT_EQ(columns[0].peer.version, "1.2");
    EXPECT_EQ(json::parse(std::ifstream(dir / "index.json")).begin().key(), "lib/1.2 (linux)")
        << "index.json keeps the agent";
}

TEST(MatrixCells, MatrixJsonReadsBack) {
    test_support::TempDir tmp;
    const auto cmp = compare_runs({report_folder(tmp.path() / "a", "lib", false, false, "fail")});
    const auto out = tmp.path() / "m";
    fs::create_directories(out);
    std::ofstream(out / "matrix.json") << matrix_json(cmp, matrix_columns(cmp));
    const auto cells = read_matrix_cells(out);
    ASSERT_TRUE(cells.contains("lib|server|ws"));
    EXPECT_EQ(cells.at("lib|server|ws").at("2.1"), "fail");
    EXPECT_THROW(read_matrix_cells(tmp.path() / "a" / "index.json"), std::runtime_error)
        << "an index.json is not a matrix";
}

}  // namespace
}  // namespace wsconform::reports
