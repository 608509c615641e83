// The Autobahn-compatible JSON: the per-case report's keys and value shapes, payload excerpts
// (asciiLogData/binLogData), file names, and index.json.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "protocol/hex.h"
#include "reports/autobahn_json.h"

namespace wsconform::reports {
namespace {

using harness::Behavior;
using harness::Event;
using harness::WireRow;
using nlohmann::json;
using protocol::hex_encode;

WireRow octets(std::string kind, std::string bytes, bool sync = false) {
    WireRow row;
    row.kind = std::move(kind);
    row.length = bytes.size();
    row.excerpt = bytes.substr(0, harness::WireLog::kExcerptBytes);
    row.sync = sync;
    return row;
}

WireRow frame(std::string kind, std::string payload, std::uint8_t opcode,
              std::optional<std::string> mask) {
    WireRow row;
    row.kind = std::move(kind);
    row.length = payload.size();
    row.excerpt = payload.substr(0, harness::WireLog::kExcerptBytes);
    row.opcode = opcode;
    row.fin = true;
    row.masked = mask.has_value();
    row.mask_hex = std::move(mask);
    return row;
}

WireRow timer(std::string kind, double delay, std::string tag = {}) {
    WireRow row;
    row.kind = std::move(kind);
    row.delay_s = delay;
    row.text = std::move(tag);
    return row;
}

const std::string kHttpRequest =
    "GET / HTTP/1.1\r\nUser-Agent: AutobahnTestSuite/25.10.1-0.10.9\r\nHost: "
    "192.168.0.101:9001\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\nPragma: "
    "no-cache\r\nCache-Control: no-cache\r\nSec-WebSocket-Key: "
    "jNcscuKrhgsyxXIs8VvRZw==\r\nSec-WebSocket-Version: 13\r\n\r\n";
const std::string kHttpResponse =
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: "
    "Upgrade\r\nSec-WebSocket-Accept: O+UY/OABXagwQgGmdrmO3Vuc3zM=\r\n\r\n";

// Designated initializers would leave Case's std::function members to -Wextra's complaints.
harness::Case make_case_2_5() {
    harness::Case c;
    c.id = "2.5";
    c.title = "Ping with a 126-byte payload";
    c.description = "Send ping with binary payload of 126 octets.";
    c.expectation =
        "Connection is failed immediately (1002/Protocol Error), since control frames are only "
        "allowed to have payload up to and including 125 octets..";
    c.rfc = {"RFC 6455 5.5"};
    c.requirement =
        "Control frames carry at most 125 payload bytes; the peer fails the connection.";
    return c;
}
const harness::Case kCase25 = make_case_2_5();

// Autobahn 25.10.1 testing node ws 8.18.3, case 2.5, as in
// reference/samples/autobahn-ws-server-case-2_5.json.
harness::CaseResult sample_2_5() {
    harness::CaseResult r;
    r.test = &kCase25;
    r.agent = "ws@8.18.3";
    r.case_number = 21;
    r.started = "2025-11-26T21:07:23.151Z";
    r.duration_ms = 2;
    r.http_request = kHttpRequest;
    r.http_response = kHttpResponse;

    auto& o = r.observation;
    o.was_open = true;
    o.expected = {{Behavior::ok, {}}};
    o.expected_close = {.closed_by_me = false, .close_codes = {1002}, .require_clean = false};
    o.was_clean = true;
    o.local_close_code = 1000;
    o.remote_close_code = 1002;

    r.verdict.behavior = Behavior::ok;
    r.verdict.behavior_close = Behavior::ok;
    r.verdict.result = "Actual events match at least one expected.";
    r.verdict.result_close = "Connection was properly closed";
    r.verdict.outcome = harness::Outcome::pass;
    r.verdict.outcome_reason = "both columns OK";

    const std::string ping(126, '\xfe');
    // FIN=1 op=ping MASK len=126, key
    std::string masked_ping = *protocol::hex_decode("89fe007ee0101669");
    for (int i = 0; i < 126 / 4 + 1; ++i) masked_ping += *protocol::hex_decode("1eeee897");
    masked_ping.resize(134);

    auto& log = r.wirelog;
    std::int64_t t = 0;
    auto add = [&](WireRow row) {
        row.t_us = t += 100;
        log.add(std::move(row));
    };
    add(octets("TO", kHttpRequest));
    add(octets("RO", kHttpResponse));
    add(frame("TF", ping, 9, "e0101669"));
    add(octets("TO", masked_ping));
    add(timer("KL", 1));
    add(octets("RO", *protocol::hex_decode("880203ea")));  // FIN=1 op=close len=2, code 1002
    add(frame("RF", *protocol::hex_decode("03ea"), 8, std::nullopt));
    add(frame("TF", *protocol::hex_decode("03e8"), 8, "c240397a"));
    // FIN=1 op=close MASK len=2, 1000 masked
    add(octets("TO", *protocol::hex_decode("8882c240397ac1a8")));
    log.rx_frames = {{8, 1}};
    log.rx_octets = {{4, 1}, {129, 1}};
    log.tx_frames = {{8, 1}, {9, 1}};
    log.tx_octets = {{8, 1}, {134, 1}, {246, 1}};
    return r;
}

const char* const kOurKeys[] = {"title",
                                "rfc",
                                "requirement",
                                "level",
                                "outcome",
                                "outcomeReason",
                                "harnessError",
                                "wirelogTimesUs",
                                "wirelogDroppedRows"};

std::filesystem::path sample_path(const std::string& name) {
    return std::filesystem::path(WSCONFORM_SHARED_DIR) / "reference" / "samples" / name;
}

std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// ---- The per-case report.

TEST(CaseResultJson, HasAutobahnKeysWithTheirTypes) {
    const json j = case_result_json(sample_2_5());
    struct Key {
        const char* name;
        json::value_t type;
    };
    using V = json::value_t;
    const Key keys[] = {
        {"agent", V::string},
        {"behavior", V::string},
        {"behaviorClose", V::string},
        {"case", V::number_integer},
        {"closedByMe", V::boolean},
        {"createStats", V::boolean},
        {"createWirelog", V::boolean},
        {"description", V::string},
        {"droppedByMe", V::boolean},
        {"duration", V::number_integer},
        {"expectation", V::string},
        {"expected", V::object},
        {"expectedClose", V::object},
        {"failedByMe", V::boolean},
        {"httpRequest", V::string},
        {"httpResponse", V::string},
        {"id", V::string},
        {"isServer", V::boolean},
        {"localCloseCode", V::number_unsigned},
        {"localCloseReason", V::null},
        {"received", V::array},
        {"remoteCloseCode", V::number_unsigned},
        {"remoteCloseReason", V::null},
        {"reportCompressionRatio", V::boolean},
        {"reportTime", V::boolean},
        {"result", V::string},
        {"resultClose", V::string},
        {"rxFrameStats", V::object},
        {"rxOctetStats", V::object},
        {"started", V::string},
        {"trafficStats", V::null},
        {"txFrameStats", V::object},
        {"txOctetStats", V::object},
        {"wasClean", V::boolean},
        {"wasCloseHandshakeTimeout", V::boolean},
        {"wasNotCleanReason", V::null},
        {"wasOpenHandshakeTimeout", V::boolean},
        {"wasServerConnectionDropTimeout", V::boolean},
        {"wirelog", V::array},
    };
    ASSERT_EQ(std::size(keys), 39u);
    for (const auto& k : keys) {
        ASSERT_TRUE(j.contains(k.name)) << k.name;
        // nlohmann keeps non-negative integers unsigned when parsed; both are JSON integers.
        const bool integer_ok = (k.type == V::number_integer || k.type == V::number_unsigned) &&
                                j[k.name].is_number_integer();
        EXPECT_TRUE(j[k.name].type() == k.type || integer_ok) << k.name << ": " << j[k.name];
    }
    EXPECT_EQ(j.size(), 39u + std::size(kOurKeys));
    for (const char* k : kOurKeys) EXPECT_TRUE(j.contains(k)) << k;
    EXPECT_EQ(j["rfc"], json::array({"RFC 6455 5.5"}));
    EXPECT_EQ(j["level"], "must");
    EXPECT_EQ(j["outcome"], "pass");
    EXPECT_TRUE(j["harnessError"].is_null());
    EXPECT_EQ(j["wirelogTimesUs"].size(), j["wirelog"].size());
    EXPECT_EQ(j["wirelogTimesUs"][0], 100);
    EXPECT_EQ(j["wirelogDroppedRows"], 0);
}

// Our JSON, less our own keys, equals Autobahn's file, and is written byte for byte like it.
TEST(CaseResultJson, MatchesAutobahnSampleByteForByte) {
    const auto path = sample_path("autobahn-ws-server-case-2_5.json");
    ASSERT_TRUE(std::filesystem::exists(path)) << "no sample at " << path << " (in-tree data)";
    const std::string text = read_text(path);

    json j = case_result_json(sample_2_5());
    for (const char* k : kOurKeys) j.erase(k);
    EXPECT_EQ(j, json::parse(text)) << j.dump(1);
    EXPECT_EQ(dump_case_json(j), text);
}

// Sorted keys, indent 3, ASCII with \u escapes, statistics in numeric key order, no final
// newline: every Autobahn sample survives a parse and dump_case_json unchanged.
TEST(CaseResultJson, DumpReproducesEverySample) {
    const auto dir = sample_path("");
    ASSERT_TRUE(std::filesystem::exists(dir)) << "no samples at " << dir << " (in-tree data)";
    int n = 0;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        if (entry.path().extension() != ".json") continue;
        const std::string text = read_text(entry.path());
        EXPECT_EQ(dump_case_json(json::parse(text)), text) << entry.path();
        ++n;
    }
    EXPECT_GE(n, 6);
}

TEST(CaseResultJson, StatsSortNumericallyInTheFile) {
    auto r = sample_2_5();
    r.wirelog.rx_octets = {{4, 1}, {10, 2}, {129, 1}, {65536, 1}};
    const std::string text = dump_case_json(case_result_json(r));
    const auto a = text.find("\"4\": 1"), b = text.find("\"10\": 2"), c = text.find("\"65536\"");
    ASSERT_NE(a, std::string::npos);
    EXPECT_LT(a, b);
    EXPECT_LT(b, c);
}

TEST(CaseResultJson, EventShapes) {
    auto r = sample_2_5();
    r.observation.expected = {
        {Behavior::ok, {harness::text_message("Hello"), harness::timeout("A")}},
        {Behavior::non_strict, {harness::binary_message("\x80\x81"), harness::pong("p")}},
    };
    r.observation.received = {harness::text_message("Hello"), harness::binary_message("\xff"),
                              harness::pong(std::string(100, 'x')), harness::timeout("B")};
    const json j = case_result_json(r);
    EXPECT_EQ(j["expected"], json::parse(R"({
        "OK": [["message", "Hello", false], ["timeout", "A"]],
        "NON-STRICT": [["message", "0x8081", true], ["pong", "p"]]})"));
    EXPECT_EQ(j["received"], json::parse(R"([
        ["message", "Hello", false], ["message", "0xff", true],
        ["pong", ")" + std::string(64, 'x') +
                                         R"( ..."], ["timeout", "B"]])"));

    r.observation.expected.clear();  // performance cases declare none: Autobahn writes {}
    EXPECT_EQ(case_result_json(r)["expected"], json::object());
}

TEST(CaseResultJson, ExpectedCloseCarriesWrongEndpointKeyOnlyWhenSet) {
    auto r = sample_2_5();
    EXPECT_FALSE(case_result_json(r)["expectedClose"].contains("closedByWrongEndpointIsFatal"));
    r.observation.expected_close.closed_by_wrong_endpoint_is_fatal = true;
    r.observation.expected_close.close_codes = {1007};
    EXPECT_EQ(case_result_json(r)["expectedClose"], json::parse(R"({"closeCode": [1007],
        "closedByMe": false, "closedByWrongEndpointIsFatal": true, "requireClean": false})"));
}

TEST(CaseResultJson, WirelogRowShapes) {
    harness::CaseResult r = sample_2_5();
    r.wirelog = {};
    WireRow tf = frame("TF", "Hello", 1, "01020304");
    tf.repeat_length = 10;
    tf.chopsize = 1;
    tf.sync = true;
    WireRow rf = frame("RF", "\xce\xba", 1, "0a0b0c0d");
    rf.rsv = 4;
    WireRow wlm;
    wlm.kind = "WLM";
    wlm.enabled = false;
    WireRow note;
    note.kind = "NOTE";
    note.text = "peer sent 3 bytes after close";
    for (auto row : {octets("TO", "ab", true), octets("RO", std::string(100, 'z')), tf, rf,
                     timer("CT", 0.5, "A"), timer("CTE", 0, "A"), timer("CT", 1), timer("KL", 1),
                     timer("KLE", 0), timer("TI", 10), timer("TIE", 0), note, wlm})
        r.wirelog.add(row);

    std::string ro_hex;
    for (int i = 0; i < 64; ++i) ro_hex += "7a";  // 'z'
    const json rows = case_result_json(r)["wirelog"];
    const json want = json::parse(R"([
        ["TO", [2, "6162"], true],
        ["RO", [100, ")" + ro_hex +
                                  R"( ..."]],
        ["TF", [5, "Hello"], 1, true, 0, "01020304", 10, 1, true],
        ["RF", [2, "κ"], 1, true, 4, true, "0a0b0c0d"],
        ["CT", 0.5, "A"], ["CTE", "A"], ["CT", 1, null], ["KL", 1], ["KLE"], ["TI", 10], ["TIE"],
        ["NOTE", "peer sent 3 bytes after close"],
        ["WLM", false]])");
    ASSERT_EQ(rows.size(), want.size());
    for (std::size_t i = 0; i < rows.size(); ++i) EXPECT_EQ(rows[i], want[i]) << i;
    EXPECT_TRUE(rows[6][1].is_number_integer());  // CT 1: an integer, as Python writes it
    EXPECT_TRUE(rows[4][1].is_number_float());    // CT 0.5
}

TEST(CaseResultJson, StringsFromThePeerAreValidUtf8) {
    auto r = sample_2_5();
    r.agent = "bad\xff agent";
    r.observation.remote_close_reason = std::string("\xc3\x28", 2);
    r.observation.was_not_clean_reason = "peer dropped TCP";
    r.observation.harness_error = "case deadline";
    const json j = case_result_json(r);
    EXPECT_EQ(j["agent"], "bad\xef\xbf\xbd agent");
    EXPECT_EQ(j["remoteCloseReason"], "\xef\xbf\xbd(");
    EXPECT_EQ(j["wasNotCleanReason"], "peer dropped TCP");
    EXPECT_EQ(j["harnessError"], "case deadline");
    EXPECT_NO_THROW(j.dump());
}

TEST(CaseResultJson, DeflateCasesReportCompressionRatio) {
    harness::Case deflate;
    deflate.id = "12.2.1";
    deflate.script =
        harness::WebSocketScript{.report_time = true, .report_compression_ratio = true};
    auto r = sample_2_5();
    r.test = &deflate;
    harness::TrafficStats traffic;
    traffic.incoming = {.octets_wire = 19648,
                        .octets_websocket = 17648,
                        .octets_app = 16000,
                        .frames = 1000,
                        .messages = 1000};
    traffic.outgoing = {.octets_wire = 24791,
                        .octets_websocket = 18791,
                        .octets_app = 16000,
                        .frames = 1000,
                        .messages = 1000};
    traffic.preopen_incoming_wire = 203;
    traffic.preopen_outgoing_wire = 344;
    r.traffic = traffic;
    const json j = case_result_json(r);
    EXPECT_EQ(j["reportCompressionRatio"], true);
    EXPECT_EQ(j["reportTime"], true);
    EXPECT_EQ(j["id"], "12.2.1");
    // The figures of Autobahn's own 12.2.1 sample (reference/samples).
    const auto& t = j["trafficStats"];
    EXPECT_DOUBLE_EQ(t["incomingCompressionRatio"].get<double>(), 1.103);
    EXPECT_NEAR(t["incomingWebSocketOverhead"].get<double>(), 0.11332728921124206, 1e-12);
    EXPECT_EQ(t["outgoingOctetsWireLevel"], 24791);
    EXPECT_EQ(t["preopenOutgoingOctetsWireLevel"], 344);
}

// ---- Payload excerpts (asciiLogData / binLogData).

struct ExcerptRow {
    std::string data;
    std::string want;
    const char* why;
};

class AsciiLogData : public testing::TestWithParam<ExcerptRow> {};

TEST_P(AsciiLogData, AsAutobahn) {
    EXPECT_EQ(ascii_log_data(GetParam().data), GetParam().want) << GetParam().why;
}

INSTANTIATE_TEST_SUITE_P(
    Rows, AsciiLogData,
    testing::Values(
        ExcerptRow{"", "", "empty"}, ExcerptRow{"Hello", "Hello", "valid text"},
        ExcerptRow{"\xce\xba\xe1\xbd\xb9", "\xce\xba\xe1\xbd\xb9", "valid multibyte text"},
        ExcerptRow{"\xff", "0xff", "invalid UTF-8 becomes 0x hex"},
        ExcerptRow{"\x03\xea", "0x03ea", "close payload 1002 is not UTF-8"},
        ExcerptRow{std::string(2, '\0'), std::string(2, '\0'), "NUL is valid UTF-8"},
        ExcerptRow{"\xed\xa0\x80", "0xeda080", "encoded surrogate"},
        ExcerptRow{"\xc0\xaf", "0xc0af", "overlong"},
        ExcerptRow{std::string(60, 'a'), std::string(60, 'a'), "60 bytes: not cut"},
        ExcerptRow{std::string(61, 'a'), std::string(61, 'a') + " ...",
                   "61 bytes: Autobahn appends the ellipsis past maxlen - 4"},
        ExcerptRow{std::string(100, 'a'), std::string(64, 'a') + " ...", "cut at 64"},
        ExcerptRow{std::string(100, '\xfe'), "0x" + hex_encode(std::string(64, '\xfe')) + " ...",
                   "binary cut at 64"},
        ExcerptRow{std::string(63, 'a') + "\xc3\xa9",
                   "0x" + hex_encode(std::string(63, 'a') + "\xc3") + " ...",
                   "the cut splits a sequence: Python's decode fails, so hex"}));

TEST(BinLogData, CutsAt64BytesWhenLongerThan60) {
    EXPECT_EQ(bin_log_data("\x88\x02\x03\xea", 4), "880203ea");
    EXPECT_EQ(bin_log_data(std::string(60, '\x01'), 60), hex_encode(std::string(60, '\x01')));
    EXPECT_EQ(bin_log_data(std::string(246, 'G'), 246), hex_encode(std::string(64, 'G')) + " ...");
}

TEST(AsciiLogDataExcerpt, UsesTheFullLengthForTheCut) {
    // A WireRow keeps only the first 256 bytes of a 65536-byte payload.
    EXPECT_EQ(ascii_log_data(std::string(256, '*'), 65536), std::string(64, '*') + " ...");
    EXPECT_EQ(ascii_log_data(std::string(61, '*'), 61), std::string(61, '*') + " ...");
}

// ---- File names.

struct NameRow {
    std::string agent;
    std::string want;
};

class CleanForFilename : public testing::TestWithParam<NameRow> {};

TEST_P(CleanForFilename, AsAutobahn) {
    EXPECT_EQ(clean_for_filename(GetParam().agent), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Rows, CleanForFilename,
    testing::Values(NameRow{"ws@8.18.3", "ws_8_18_3"},
                    NameRow{"AutobahnPython/0.6.0", "autobahnpython_0_6_0"},
                    NameRow{"  Foo!  ", "foo"}, NameRow{"a  b", "a__b"}, NameRow{"a_b", "a_b"},
                    NameRow{"../../etc", "etc"}, NameRow{"/abs", "abs"},
                    NameRow{std::string("a\0b", 3), "a_b"}, NameRow{"", "unknown"},
                    NameRow{"@@@", "unknown"}, NameRow{"..", "unknown"},
                    NameRow{"Caf\xc3\xa9 1", "caf__1"},  // é is one character, the space another
                    NameRow{"x\xff\xfey", "x__y"},       // two bytes that are not UTF-8
                    NameRow{std::string(10000, 'A'), std::string(kMaxCleanNameChars, 'a')}));

TEST(CleanForFilename, HostileNamesGiveShortSafeNames) {
    std::string junk;
    for (int i = 0; i < 5000; ++i) junk += "a/";
    const std::string names[] = {
        "../../etc/passwd",
        "/abs/path",
        std::string("a\0b\0", 4),
        junk,
        std::string(10240, '.'),
        std::string(10240, '/') + "x",
        "a" + std::string(10240, '.') + "b",
        "\x1b[31mred",
    };
    for (const auto& name : names) {
        const std::string clean = clean_for_filename(name);
        EXPECT_FALSE(clean.empty());
        EXPECT_LE(clean.size(), kMaxCleanNameChars);
        EXPECT_EQ(clean.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_"),
                  std::string::npos)
            << clean;
        EXPECT_EQ(clean.find(".."), std::string::npos);
        EXPECT_NE(clean.front(), '_');
        EXPECT_NE(clean.back(), '_');
    }
    // Inner runs are kept, but the name stays within the cap and never ends in '_'.
    EXPECT_EQ(clean_for_filename("a" + std::string(10240, '.') + "b"), "a");
}

TEST(CaseReportFile, AutobahnNames) {
    EXPECT_EQ(case_report_file("ws@8.18.3", "1.1.1", "json"), "ws_8_18_3_case_1_1_1.json");
    EXPECT_EQ(case_report_file("ws@8.18.3", "12.2.10", "html"), "ws_8_18_3_case_12_2_10.html");
    const std::string hostile = case_report_file("../x", "../../etc/passwd", "json");
    EXPECT_EQ(hostile, "x_case_______etc_passwd.json");
    EXPECT_EQ(hostile.find('/'), std::string::npos);
    EXPECT_LE(case_report_file(std::string(10000, 'a'), std::string(10000, '1'), "json").size(),
              2 * kMaxCleanNameChars + 16);
}

// ---- index.json.

TEST(IndexJson, DumpsInPythonOrderAndReadsBack) {
    Index index;
    index["ws@8.18.3"]["2.1"] = {Behavior::ok, Behavior::ok, 3, 1000, "ws_8_18_3_case_2_1.json"};
    index["ws@8.18.3"]["10.1.1"] = {Behavior::ok, Behavior::unclean, 5, std::nullopt,
                                    "ws_8_18_3_case_10_1_1.json"};
    index["ws@8.18.3"]["1.1.1"] = {Behavior::non_strict, Behavior::wrong_code, 1, 1002,
                                   "ws_8_18_3_case_1_1_1.json"};
    index["AutobahnPython"]["1.1.1"] = {Behavior::informational, Behavior::informational, 2, 1000,
                                        "autobahnpython_case_1_1_1.json"};
    const std::string text = dump_index_json(index);
    EXPECT_LT(text.find("\"AutobahnPython\""), text.find("\"ws@8.18.3\""));
    EXPECT_LT(text.find("\"1.1.1\"", text.find("ws@")), text.find("\"10.1.1\""));
    EXPECT_LT(text.find("\"10.1.1\""), text.find("\"2.1\""));  // string order, as Python's
    EXPECT_NE(text.find(R"("remoteCloseCode": null)"), std::string::npos);
    EXPECT_NE(text.find("\n         \"behavior\": \"NON-STRICT\","),
              std::string::npos);  // indent 3
    EXPECT_NE(text.back(), '\n');
    EXPECT_EQ(parse_index_json(text), index);
}

TEST(IndexJson, EntryFromAResult) {
    const auto e = index_entry(sample_2_5());
    EXPECT_EQ(e, (IndexEntry{Behavior::ok, Behavior::ok, 2, 1002, "ws_8_18_3_case_2_5.json"}));
}

TEST(IndexJson, RejectsWhatIsNotAutobahnsSchema) {
    EXPECT_THROW(parse_index_json("not json"), std::runtime_error);
    EXPECT_THROW(parse_index_json("[]"), std::runtime_error);
    EXPECT_THROW(
        parse_index_json(R"({"a": {"1.1.1": {"behavior": "GREAT", "behaviorClose": "OK"}}})"),
        std::runtime_error);
    EXPECT_THROW(parse_index_json(R"({"a": {"1.1.1": {"behavior": "OK", "behaviorClose": "OK",
        "remoteCloseCode": 70000}}})"),
                 std::runtime_error);
    // Missing optional fields are filled in.
    const auto index =
        parse_index_json(R"({"a b": {"1.1.1": {"behavior": "OK", "behaviorClose": "OK"}}})");
    EXPECT_EQ(index.at("a b").at("1.1.1").reportfile, "a_b_case_1_1_1.json");
    EXPECT_FALSE(index.at("a b").at("1.1.1").remote_close_code);
}

}  // namespace
}  // namespace wsconform::reports
