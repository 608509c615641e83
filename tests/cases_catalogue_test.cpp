// Pins every case to what Autobahn sends and expects: each case's on_open runs against a
// recording Session, and the recording is compared with the `notes` column of
// ../shared/reference/autobahn-cases.tsv (derived by executing Autobahn's cases). The cases
// that judge themselves (9, 12, 13) are also driven through whole runs against a fake echo
// peer, with perfect and with corrupted echoes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "cases/echo_difference.h"
#include "cases/payload_sets.h"
#include "cases/registry.h"
#include "harness/model/case.h"
#include "harness/model/judge.h"
#include "harness/model/session.h"
#include "protocol/hex.h"

namespace {

using namespace std::chrono_literals;
using wsconform::cases::detail::code_points;
using wsconform::cases::detail::sha1_hex;
using wsconform::harness::Behavior;
using wsconform::harness::Case;
using wsconform::harness::Duration;
using wsconform::harness::Event;
using wsconform::harness::ExpectedClose;
using wsconform::harness::FrameSpec;
using wsconform::harness::Session;
using wsconform::harness::WebSocketScript;
using wsconform::protocol::hex_encode;

std::vector<std::string> split(std::string_view s, std::string_view sep) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = s.find(sep, start);
        out.emplace_back(s.substr(start, pos - start));
        if (pos == std::string_view::npos) break;
        start = pos + sep.size();
    }
    return out;
}

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

// The case `id`, which must have a WebSocket script (sections 1-13), and that script.
const Case& websocket_case(const std::string& id) {
    const Case* c = wsconform::cases::find(id);
    if (!c || !c->websocket()) throw std::runtime_error("no WebSocket case " + id);
    return *c;
}
const WebSocketScript& script_of(const std::string& id) {
    return *websocket_case(id).websocket();
}

// ---- What a case script did, as recorded by the fake Session.

struct Tx {
    enum class Kind { frame, message, raw, begin, chunk, close, kill_after, close_after, wait };
    Kind kind;
    FrameSpec frame;                           // frame
    std::string payload;                       // message, raw, chunk
    bool binary = false;                       // message
    std::optional<std::size_t> fragment_size;  // message
    std::size_t auto_fragment_size = 0;        // message: the setting when it was sent
    std::uint8_t opcode = 0;                   // begin
    std::uint64_t length = 0;                  // begin
    std::optional<std::uint16_t> code;         // close
    std::optional<std::string> reason;         // close
    Duration delay{0};                         // timers
    std::string tag;                           // wait
};

// Records every call; continue_later runs its callback at once with the connection open,
// so the whole script unrolls in call order.
class RecordingSession final : public Session {
  public:
    std::vector<Tx> tx;
    wsconform::harness::Expectations expected;
    std::vector<ExpectedClose> closes;
    std::vector<Event> recorded;
    std::size_t auto_fragment_size = 0;
    // Verdicts the script set itself (Session::set_result), in call order.
    std::vector<std::pair<Behavior, std::string>> results;
    std::vector<bool> wirelog;                     // set_wirelog() calls
    std::map<std::uint8_t, std::uint64_t> frames;  // what frames_sent() reports
    bool deflate = false;                          // what deflate_negotiated() reports
    bool open = true;
    bool send_close_ends_open = false;  // a driven run: after our close, is_open() is false

    void send_frame(FrameSpec frame) override {
        ++frames[frame.opcode];
        tx.push_back({.kind = Tx::Kind::frame, .frame = std::move(frame)});
    }
    void send_message(std::string payload, bool binary,
                      std::optional<std::size_t> fragment_size) override {
        ++frames[binary ? 2 : 1];  // the first frame; continuations are not counted here
        tx.push_back({.kind = Tx::Kind::message,
                      .payload = std::move(payload),
                      .binary = binary,
                      .fragment_size = fragment_size,
                      .auto_fragment_size = auto_fragment_size});
    }
    void send_raw(std::string bytes, std::optional<std::size_t>, bool) override {
        tx.push_back({.kind = Tx::Kind::raw, .payload = std::move(bytes)});
    }
    void begin_frame(std::uint8_t opcode, std::uint64_t length) override {
        tx.push_back({.kind = Tx::Kind::begin, .opcode = opcode, .length = length});
    }
    void send_frame_data(std::string chunk) override {
        tx.push_back({.kind = Tx::Kind::chunk, .payload = std::move(chunk)});
    }
    void send_close(std::optional<std::uint16_t> code, std::optional<std::string> reason) override {
        tx.push_back({.kind = Tx::Kind::close, .code = code, .reason = std::move(reason)});
        if (send_close_ends_open) open = false;
    }
    void set_auto_fragment_size(std::size_t size) override { auto_fragment_size = size; }
    std::string tls;  // what tls_version() reports ("": not TLS)
    void send_close_and_end(std::uint16_t code) override { send_close(code, std::nullopt); }
    bool send_tls_key_update() override { return tls == "TLSv1.3"; }
    bool start_tls_renegotiation() override { return !tls.empty() && tls != "TLSv1.3"; }
    std::string tls_version() const override { return tls; }
    void continue_later(Duration delay, std::function<void(Session&)> then,
                        std::string tag) override {
        tx.push_back({.kind = Tx::Kind::wait, .delay = delay, .tag = std::move(tag)});
        then(*this);
    }
    void kill_after(Duration delay) override {
        tx.push_back({.kind = Tx::Kind::kill_after, .delay = delay});
    }
    void close_after(Duration delay) override {
        tx.push_back({.kind = Tx::Kind::close_after, .delay = delay});
    }
    bool is_open() const override { return open; }
    bool is_server() const override { return false; }
    bool deflate_negotiated() const override { return deflate; }
    void expect(Behavior behavior, std::vector<Event> events) override {
        expected.emplace_back(behavior, std::move(events));
    }
    void expect_close(ExpectedClose close) override { closes.push_back(std::move(close)); }
    void record(Event event) override { recorded.push_back(std::move(event)); }
    void set_result(Behavior behavior, std::string text) override {
        results.emplace_back(behavior, std::move(text));
    }
    void set_wirelog(bool enabled) override { wirelog.push_back(enabled); }
    std::uint64_t frames_sent(std::uint8_t opcode) const override {
        auto it = frames.find(opcode);
        return it == frames.end() ? 0 : it->second;
    }
};

// ---- The reference: one TSV row per case.

struct Row {
    std::string id;
    std::string section;
    std::string description;
    std::string expectation;
    std::string notes;
};

const std::map<std::string, Row>& reference() {
    static const std::map<std::string, Row> rows = [] {
        std::map<std::string, Row> out;
        std::ifstream in(std::string(WSCONFORM_SHARED_DIR) + "/reference/autobahn-cases.tsv");
        std::string line;
        std::getline(in, line);  // header
        while (std::getline(in, line)) {
            auto f = split(line, "\t");
            if (f.size() < 5) continue;
            out[f[0]] = Row{f[0], f[1], f[2], f[3], f[4]};
        }
        return out;
    }();
    return rows;
}

// The sections whose cases Autobahn judges by expected events.
const std::set<std::string> kSections{"1", "2", "3", "4", "5", "6", "7", "10"};

std::vector<std::string> reference_ids(const std::set<std::string>& sections = kSections) {
    std::vector<std::string> ids;
    for (const auto& [id, row] : reference())
        if (sections.count(id.substr(0, id.find('.')))) ids.push_back(id);
    return ids;
}

// The case a parameterized test checks (it must have a WebSocket script), with its row in
// Autobahn's catalogue.
struct Subject {
    const Row& row;
    const Case& c;
    const WebSocketScript& ws;
};
Subject subject(const std::string& id) {
    const Case& c = websocket_case(id);
    return {reference().at(id), c, *c.websocket()};
}

// The flags of a script that judges each echo itself (sections 9, 12 and 13): it reports its
// duration, its compression ratio where `compression` says so, and overrides nothing about
// the close; its one adjustment says how the connection ended when it ended before the
// case's timer (cases/cut_short.h, tests/wording_test.cpp).
void expect_echo_judging_flags(const Case& c, bool compression, wsconform::harness::Level level) {
    const WebSocketScript& ws = *c.websocket();
    EXPECT_TRUE(ws.on_message) << "the case judges each echo itself";
    EXPECT_TRUE(ws.report_time);
    EXPECT_EQ(ws.report_compression_ratio, compression);
    EXPECT_EQ(c.level, level);
    EXPECT_FALSE(ws.suppress_close || ws.wrong_code_fails || ws.informational);
    EXPECT_TRUE(ws.adjust);
}

// ---- Comparing one `tx:` token with one recorded call.

std::uint8_t opcode_named(const std::string& name) {
    static const std::map<std::string, std::uint8_t> kNames{
        {"CONT", 0}, {"TEXT", 1}, {"BIN", 2}, {"CLOSE", 8}, {"PING", 9}, {"PONG", 10}};
    if (starts_with(name, "op=")) return static_cast<std::uint8_t>(std::stoi(name.substr(3)));
    auto it = kNames.find(name);
    if (it == kNames.end()) ADD_FAILURE() << "unknown opcode name " << name;
    return it == kNames.end() ? 0xff : it->second;
}

Duration seconds(const std::string& text) {  // "0.5s", "10s"
    return Duration(static_cast<long>(std::stod(text) * 1000 + 0.5));
}

// The payload a frame puts on the wire: `payload` repeated up to payload_len when given.
std::string frame_payload(const FrameSpec& f) {
    if (!f.payload_len) return f.payload;
    std::string out;
    if (f.payload.empty()) return std::string(*f.payload_len, '\0');
    while (out.size() < *f.payload_len) out += f.payload;
    out.resize(*f.payload_len);
    return out;
}

const char* kind_name(Tx::Kind k) {
    // The Session call that recorded each kind, in Tx::Kind order.
    static constexpr const char* kNames[] = {"frame",       "message",         "raw",
                                             "begin_frame", "send_frame_data", "send_close",
                                             "kill_after",  "close_after",     "continue_later"};
    static_assert(std::size(kNames) == static_cast<std::size_t>(Tx::Kind::wait) + 1);
    return kNames[static_cast<std::size_t>(k)];
}

// Checks "N B [0xHEX]" at words[i...]; advances i past them.
void check_sized(const std::vector<std::string>& words, std::size_t& i, const std::string& got,
                 const std::string& what) {
    ASSERT_LT(i + 1, words.size()) << what;
    ASSERT_EQ(words[i + 1], "B") << what;
    EXPECT_EQ(got.size(), std::stoul(words[i])) << what << ": length";
    i += 2;
    if (i < words.size() && starts_with(words[i], "0x")) {
        EXPECT_EQ("0x" + hex_encode(got), words[i]) << what << ": payload";
        ++i;
    }
}

void check_frame_token(const std::string& token, const Tx& got) {
    ASSERT_EQ(got.kind, Tx::Kind::frame) << token << " vs " << kind_name(got.kind);
    const auto words = split(token, " ");
    const FrameSpec& f = got.frame;
    EXPECT_EQ(f.opcode, opcode_named(words[0])) << token << ": opcode";
    bool fin = true;
    std::uint8_t rsv = 0;
    std::optional<std::size_t> chop;
    bool sync = false;
    std::size_t i = 1;
    // The words that end a token, from words[i] on: "chop=N" and "sync".
    auto read_write_words = [&] {
        for (; i < words.size(); ++i) {
            if (starts_with(words[i], "chop="))
                chop = std::stoul(words[i].substr(5));
            else if (words[i] == "sync")
                sync = true;
            else
                ADD_FAILURE() << token << ": unparsed word " << words[i];
        }
    };
    for (; i < words.size(); ++i) {
        if (words[i] == "fin=0") {
            fin = false;
        } else if (starts_with(words[i], "rsv=")) {
            rsv = static_cast<std::uint8_t>(std::stoi(words[i].substr(4)));
        } else if (starts_with(words[i], "len=")) {
            // "TEXT len=262144 (pattern 'BAsd7&jh23' repeated)", "BIN len=65536 (pattern
            // '0x00fe23faf0' repeated) chop=64"
            EXPECT_EQ(f.payload_len, std::stoul(words[i].substr(4))) << token << ": payload_len";
            const auto q1 = token.find('\'');
            const auto q2 = token.rfind('\'');
            const std::string pattern = token.substr(q1 + 1, q2 - q1 - 1);
            EXPECT_EQ(starts_with(pattern, "0x") ? "0x" + hex_encode(f.payload) : f.payload,
                      pattern)
                << token << ": pattern";
            while (i < words.size() && words[i] != "repeated)") ++i;
            ++i;
            read_write_words();
            break;
        } else {
            break;
        }
    }
    if (i < words.size()) {
        EXPECT_FALSE(f.payload_len) << token << ": payload_len not expected";
        check_sized(words, i, frame_payload(f), token);
        read_write_words();
    }
    EXPECT_EQ(f.fin, fin) << token << ": fin";
    EXPECT_EQ(f.rsv, rsv) << token << ": rsv";
    EXPECT_EQ(f.chopsize, chop) << token << ": chopsize";
    EXPECT_EQ(f.sync, sync) << token << ": sync";
    EXPECT_FALSE(f.mask) << token << ": mask";
    EXPECT_EQ(f.length_form, wsconform::protocol::LengthForm::minimal) << token;
}

void check_message_token(const std::string& token, const Tx& got) {
    // "msg TEXT 29 B 0x... frag=1", "msg TEXT 65536 B autofrag=1300"
    ASSERT_EQ(got.kind, Tx::Kind::message) << token << " vs " << kind_name(got.kind);
    const auto words = split(token, " ");
    EXPECT_EQ(got.binary, words[1] == "BIN") << token;
    std::size_t i = 2;
    check_sized(words, i, got.payload, token);
    std::optional<std::size_t> frag;
    std::size_t autofrag = 0;
    for (; i < words.size(); ++i) {
        if (starts_with(words[i], "frag="))
            frag = std::stoul(words[i].substr(5));
        else if (starts_with(words[i], "autofrag="))
            autofrag = std::stoul(words[i].substr(9));
        else
            ADD_FAILURE() << token << ": unparsed word " << words[i];
    }
    EXPECT_EQ(got.fragment_size, frag) << token << ": fragment size";
    EXPECT_EQ(got.auto_fragment_size, autofrag) << token << ": auto-fragment size";
}

void check_close_token(const std::string& token, const Tx& got) {
    // "close(code=1000)", "close(code=1000, reason 12 B)",
    // "raw CLOSE frame(code=None, reason 1 B)", "raw CLOSE frame(code=1000, reason 20 B 0x...)"
    ASSERT_EQ(got.kind, Tx::Kind::close) << token << " vs " << kind_name(got.kind);
    static const std::regex kClose(
        R"(^(?:close|raw CLOSE frame)\(code=(None|\d+)(?:, reason (\d+) B(?: 0x([0-9a-f]+))?)?\)$)");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(token, m, kClose)) << "unparsed close token " << token;
    if (m[1] == "None") {
        EXPECT_FALSE(got.code) << token;
    } else {
        EXPECT_EQ(got.code, std::optional<std::uint16_t>(std::stoi(m[1])))
            << token << ": close code";
    }
    const std::string reason = got.reason.value_or("");
    if (m[2].matched) {
        EXPECT_EQ(reason.size(), std::stoul(m[2])) << token << ": reason length";
        if (m[3].matched) {
            EXPECT_EQ(hex_encode(reason), m[3].str()) << token << ": reason";
        }
    } else {
        EXPECT_TRUE(reason.empty()) << token << ": no reason expected";
    }
}

void check_timer_token(const std::string& token, const Tx& got) {
    // "[killAfter 1s]", "[closeAfter 0.5s]", "[wait 1s]", "[wait 1s tag A]"
    const auto words = split(token.substr(1, token.size() - 2), " ");
    if (words[0] == "killAfter")
        ASSERT_EQ(got.kind, Tx::Kind::kill_after) << token << " vs " << kind_name(got.kind);
    else if (words[0] == "closeAfter")
        ASSERT_EQ(got.kind, Tx::Kind::close_after) << token << " vs " << kind_name(got.kind);
    else if (words[0] == "wait")
        ASSERT_EQ(got.kind, Tx::Kind::wait) << token << " vs " << kind_name(got.kind);
    else
        FAIL() << "unknown timer " << token;
    EXPECT_EQ(got.delay, seconds(words[1])) << token << ": delay";
    if (words[0] == "wait") {
        EXPECT_EQ(got.tag, words.size() == 4 ? words[3] : std::string()) << token << ": tag";
    }
}

// The tx part of the notes against the whole recording; returns the wait tags, in order.
std::vector<std::string> check_tx(const std::string& tx_notes, const std::vector<Tx>& tx) {
    std::vector<std::string> tags;
    std::size_t k = 0;
    std::uint64_t announced = 0, chunked = 0;
    for (const std::string& token : split(tx_notes, "; ")) {
        SCOPED_TRACE(token);
        if (token == "end") {  // Autobahn's endMessage(): nothing to send for a sized frame
            EXPECT_EQ(chunked, announced) << "chunks must fill the announced frame length";
            continue;
        }
        if (k >= tx.size()) {
            ADD_FAILURE() << "the case sent nothing for " << token;
            continue;
        }
        const Tx& got = tx[k++];
        if (starts_with(token, "[")) {
            check_timer_token(token, got);
            const auto words = split(token.substr(1, token.size() - 2), " ");
            if (words[0] == "wait" && words.size() == 4) tags.push_back(words[3]);
        } else if (starts_with(token, "msg ")) {
            check_message_token(token, got);
        } else if (starts_with(token, "begin ")) {
            // "begin TEXT frame (header len=21)"
            if (got.kind != Tx::Kind::begin) {
                ADD_FAILURE() << "got " << kind_name(got.kind);
                continue;
            }
            const auto words = split(token, " ");
            EXPECT_EQ(got.opcode, opcode_named(words[1]));
            const auto eq = token.find("len=");
            announced = std::stoull(token.substr(eq + 4));
            EXPECT_EQ(got.length, announced);
        } else if (starts_with(token, "chunk ")) {
            if (got.kind != Tx::Kind::chunk) {
                ADD_FAILURE() << "got " << kind_name(got.kind);
                continue;
            }
            std::size_t i = 1;
            check_sized(split(token, " "), i, got.payload, token);
            chunked += got.payload.size();
        } else if (starts_with(token, "close(") || starts_with(token, "raw CLOSE frame(")) {
            check_close_token(token, got);
        } else {
            check_frame_token(token, got);
        }
    }
    for (; k < tx.size(); ++k) ADD_FAILURE() << "extra call " << kind_name(tx[k].kind);
    return tags;
}

// "[text 13 B, pong 9 B 0x..., timeout A]" against recorded events.
void check_events(const std::string& list, const std::vector<Event>& got, const std::string& what) {
    ASSERT_TRUE(list.size() >= 2 && list.front() == '[' && list.back() == ']') << list;
    const std::string inner = list.substr(1, list.size() - 2);
    const auto items = inner.empty() ? std::vector<std::string>{} : split(inner, ", ");
    ASSERT_EQ(got.size(), items.size()) << what << " " << list;
    for (std::size_t n = 0; n < items.size(); ++n) {
        const auto words = split(items[n], " ");
        const Event& e = got[n];
        if (words[0] == "timeout") {
            EXPECT_EQ(e.kind, Event::Kind::timeout) << items[n];
            EXPECT_EQ(e.data, words[1]) << items[n];
            continue;
        }
        if (words[0] == "pong") {
            EXPECT_EQ(e.kind, Event::Kind::pong) << items[n];
        } else {
            EXPECT_EQ(e.kind, Event::Kind::message) << items[n];
            EXPECT_EQ(e.binary, words[0] == "bin") << items[n];
            EXPECT_TRUE(words[0] == "bin" || words[0] == "text") << items[n];
        }
        std::size_t i = 1;
        check_sized(words, i, e.data, what + " " + items[n]);
        EXPECT_EQ(i, words.size()) << "unparsed: " << items[n];
    }
}

void check_expect(const std::string& notes, const wsconform::harness::Expectations& got) {
    // "expect: OK=[...]" or "expect: OK=[...] NON-STRICT=[...]"
    ASSERT_TRUE(starts_with(notes, "expect: OK=")) << notes;
    std::string rest = notes.substr(std::string("expect: OK=").size());
    const auto ns = rest.find(" NON-STRICT=");
    const std::string ok = rest.substr(0, ns);
    ASSERT_GE(got.size(), 1u);
    EXPECT_EQ(got[0].first, Behavior::ok);
    check_events(ok, got[0].second, "OK");
    if (ns == std::string::npos) {
        EXPECT_EQ(got.size(), 1u) << "only OK expected";
    } else {
        ASSERT_EQ(got.size(), 2u);
        EXPECT_EQ(got[1].first, Behavior::non_strict);
        check_events(rest.substr(ns + std::string(" NON-STRICT=").size()), got[1].second,
                     "NON-STRICT");
    }
}

void check_close(const std::string& notes, const std::vector<ExpectedClose>& got) {
    // "close: closedByMe=True codes=[1000, 1007] requireClean=False wrongEndpointFatal=True"
    static const std::regex kClose(
        R"(^close: closedByMe=(True|False) codes=\[([0-9, ]*)\] requireClean=(True|False)( wrongEndpointFatal=True)?$)");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(notes, m, kClose)) << notes;
    ASSERT_EQ(got.size(), 1u) << "expect_close() calls";
    const ExpectedClose& c = got[0];
    EXPECT_EQ(c.closed_by_me, m[1] == "True") << notes;
    std::vector<std::uint16_t> codes;
    for (const auto& code : split(m[2].str(), ", "))
        codes.push_back(static_cast<std::uint16_t>(std::stoi(code)));
    EXPECT_EQ(c.close_codes, codes) << notes;
    EXPECT_EQ(c.require_clean, m[3] == "True") << notes;
    EXPECT_EQ(c.closed_by_wrong_endpoint_is_fatal, m[4].matched) << notes;
}

// ---- The test: one row per Autobahn case.

class CatalogueMatchesAutobahn : public testing::TestWithParam<std::string> {};

TEST_P(CatalogueMatchesAutobahn, SendsAndExpectsWhatAutobahnDoes) {
    const std::string& id = GetParam();
    const auto [row, c, ws] = subject(id);
    ASSERT_TRUE(ws.on_open);
    EXPECT_FALSE(ws.on_message) << "Autobahn's default message handling";

    RecordingSession s;
    ws.on_open(s);

    const auto parts = split(row.notes, " | ");
    ASSERT_GE(parts.size(), 3u) << row.notes;
    ASSERT_TRUE(starts_with(parts[0], "tx: ")) << parts[0];
    std::vector<std::string> tags;
    {
        SCOPED_TRACE("tx");
        tags = check_tx(parts[0].substr(4), s.tx);
    }
    {
        SCOPED_TRACE("expect");
        check_expect(parts[1], s.expected);
    }
    {
        SCOPED_TRACE("close");
        check_close(parts[2], s.closes);
    }

    // The script records a timeout tag each time a wait ends with the connection open.
    std::vector<Event> want_recorded;
    for (const auto& tag : tags) want_recorded.push_back(wsconform::harness::timeout(tag));
    EXPECT_EQ(s.recorded, want_recorded);

    // Flags Autobahn's classes set in init() or onConnectionLost().
    bool wrong_code = false, suppress = false, informational = false;
    for (std::size_t i = 3; i < parts.size(); ++i) {
        if (parts[i] == "WRONG CODE close => behavior FAILED") wrong_code = true;
        if (parts[i] == "suppressClose") suppress = true;
        if (starts_with(parts[i], "INFORMATIONAL")) informational = true;
    }
    EXPECT_EQ(ws.wrong_code_fails, wrong_code);
    EXPECT_EQ(ws.suppress_close, suppress);
    EXPECT_EQ(ws.informational, informational);
    EXPECT_EQ(c.level, informational ? wsconform::harness::Level::informational
                                     : wsconform::harness::Level::must);
    EXPECT_FALSE(ws.report_time);
    EXPECT_FALSE(ws.report_compression_ratio);
    EXPECT_TRUE(ws.deflate_offers.empty());
    EXPECT_TRUE(s.results.empty()) << "judged by the expectations, not by the script";
    EXPECT_TRUE(s.wirelog.empty());

    // 6.5 - 6.23 name their payload in the description: "Payload: 0x...".
    const auto at = row.description.find("Payload: 0x");
    if (at != std::string::npos) {
        ASSERT_EQ(s.tx.size(), 2u);
        EXPECT_EQ(hex_encode(s.tx[0].payload), row.description.substr(at + 11)) << "payload";
    }
}

// Title, description, expectation and requirement are ours: plain one-line text, not
// Autobahn's sentences.
void check_own_words(const std::string& id) {
    const Row& row = reference().at(id);
    const Case* c = wsconform::cases::find(id);
    ASSERT_NE(c, nullptr);
    for (const std::string* text : {&c->title, &c->description, &c->expectation, &c->requirement}) {
        EXPECT_FALSE(text->empty());
        EXPECT_EQ(text->find('<'), std::string::npos) << "no HTML: " << *text;
        EXPECT_EQ(text->find('\n'), std::string::npos) << *text;
    }
    EXPECT_NE(c->description, row.description);
    EXPECT_NE(c->expectation, row.expectation);
    ASSERT_FALSE(c->rfc.empty());
    for (const auto& ref : c->rfc)
        EXPECT_TRUE(starts_with(ref, "RFC 6455 ") || starts_with(ref, "RFC 7692 ") ||
                    ref == "RFC 3629")
            << ref;
}

TEST_P(CatalogueMatchesAutobahn, DescribesItselfInItsOwnWords) {
    check_own_words(GetParam());
}

std::string param_name(const testing::TestParamInfo<std::string>& info) {
    std::string name = "case_" + info.param;
    std::replace(name.begin(), name.end(), '.', '_');
    return name;
}

INSTANTIATE_TEST_SUITE_P(Autobahn, CatalogueMatchesAutobahn, testing::ValuesIn(reference_ids()),
                         param_name);

TEST(Catalogue, ReferenceHasAllCasesOfTheImplementedSections) {
    EXPECT_EQ(reference_ids().size(), 247u)
        << "reading " WSCONFORM_SHARED_DIR "/reference/autobahn-cases.tsv";
}

// ---- Content the TSV gives only as a length: ASCII payloads from Autobahn's case sources.

struct Pinned {
    const char* id;
    std::vector<std::string> payloads;  // of each frame, message, chunk or close reason, in order
};

std::vector<std::string> payloads_sent(const std::vector<Tx>& tx) {
    std::vector<std::string> out;
    for (const Tx& t : tx) {
        if (t.kind == Tx::Kind::frame) out.push_back(frame_payload(t.frame));
        if (t.kind == Tx::Kind::message || t.kind == Tx::Kind::chunk) out.push_back(t.payload);
        if (t.kind == Tx::Kind::close) out.push_back(t.reason.value_or(""));
    }
    return out;
}

std::vector<std::string> ten_pings() {
    std::vector<std::string> out;
    for (int i = 0; i < 10; ++i) out.push_back("payload-" + std::to_string(i));
    return out;
}

TEST(Catalogue, AsciiPayloadsAreAutobahns) {
    const std::string hello = "Hello, world!";
    const std::string fe125(125, '\xfe');
    const std::vector<Pinned> pinned{
        {"1.1.2", {std::string(125, '*')}},
        {"1.1.8", {std::string(65536, '*')}},
        {"1.2.3", {std::string(126, '\xfe')}},
        {"1.2.8", {std::string(65536, '\xfe')}},
        {"2.2", {hello}},
        {"2.4", {fe125}},
        {"2.5", {std::string(126, '\xfe')}},
        {"2.6", {fe125}},
        {"2.7", {"", ""}},
        {"2.8", {"unsolicited pong payload", ""}},
        {"2.9", {"unsolicited pong payload", "ping payload"}},
        {"2.10", ten_pings()},
        {"2.11", ten_pings()},
        {"3.1", {hello}},
        {"3.2", {hello, hello, ""}},
        {"3.4", {hello, hello, ""}},
        {"3.6", {hello}},
        {"3.7", {""}},
        {"4.1.2", {"reserved opcode payload"}},
        {"4.1.4", {hello, hello, ""}},
        {"4.2.2", {"reserved opcode payload"}},
        {"4.2.5", {hello, hello, ""}},
        {"5.1", {"fragment1", "fragment2"}},
        {"5.6", {"fragment1", "ping payload", "fragment2"}},
        {"5.9", {"non-continuation payload", hello}},
        {"5.14", {"non-continuation payload", hello}},
        {"5.15", {"fragment1", "fragment2", "fragment3", "fragment4"}},
        {"5.16", {"fragment1", "fragment2", "fragment3", "fragment1", "fragment2", "fragment3"}},
        {"5.17", {"fragment1", "fragment2", "fragment3", "fragment1", "fragment2", "fragment3"}},
        {"5.18", {"fragment1", "fragment2"}},
        {"5.20",
         {"fragment1", "fragment2", "pongme 1!", "fragment3", "fragment4", "pongme 2!",
          "fragment5"}},
        {"6.1.3", {"", "middle frame payload", ""}},
        {"6.4.1", {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5", "\xf4\x90\x80\x80", "edited"}},
        {"6.4.4",
         {"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4", "\x90",
          "\x80\x80"
          "edited"}},
        {"7.1.1", {"Hello World!"}},
        {"7.1.4", {"", "Hello World!"}},
        {"7.1.5", {"fragment1", "", "fragment2"}},
        {"7.1.6", {std::string(), "Hello World!", "", ""}},  // the first is checked below
        {"7.3.2", {"a"}},
        {"7.3.4", {"Hello World!"}},
        {"7.3.5", {std::string(123, '*')}},
        {"7.3.6", {std::string(124, '*')}},
        {"10.1.1", {std::string(65536, '*')}},
    };
    for (const Pinned& p : pinned) {
        SCOPED_TRACE(p.id);
        const WebSocketScript& ws = script_of(p.id);
        RecordingSession s;
        ws.on_open(s);
        auto got = payloads_sent(s.tx);
        if (std::string(p.id) == "7.1.6") {
            ASSERT_FALSE(got.empty());
            std::string want;
            while (want.size() < 262144) want += "BAsd7&jh23";
            want.resize(262144);
            EXPECT_EQ(got[0], want);
            got[0].clear();
        }
        EXPECT_EQ(got, p.payloads);
    }
}

TEST(Catalogue, EchoCasesExpectWhatTheySend) {
    // Wherever a single frame or message is sent and one message is expected back, the
    // expected echo is the payload sent, byte for byte (the TSV pins only its length).
    int checked = 0;
    for (const auto& id : reference_ids()) {
        const WebSocketScript& ws = script_of(id);
        RecordingSession s;
        ws.on_open(s);
        const auto sent = payloads_sent(s.tx);
        if (sent.size() != 1 || s.expected.empty() || s.expected[0].second.size() != 1) continue;
        const Event& e = s.expected[0].second[0];
        if (e.kind != Event::Kind::message) continue;
        EXPECT_EQ(e.data, sent[0]) << id;
        ++checked;
    }
    EXPECT_GT(checked, 80);
}

// ---- Cases that adjust the judge's verdict.

TEST(Catalogue, AutoFragmentationCaseCountsTheFramesWeSent) {
    const WebSocketScript& ws = script_of("10.1.1");
    ASSERT_TRUE(ws.adjust);
    wsconform::harness::Observation o;
    o.was_open = true;
    o.tx_frames = {{0, 50}, {1, 1}, {8, 1}};  // 65536 = 1300 * 50 + 536: TEXT + 50 CONT
    wsconform::harness::Verdict v;
    v.behavior = Behavior::ok;
    v.result = "Actual events match at least one expected.";
    ws.adjust(o, v);
    EXPECT_EQ(v.behavior, Behavior::ok);

    o.tx_frames = {{1, 1}, {8, 1}};  // not fragmented at all
    ws.adjust(o, v);
    EXPECT_EQ(v.behavior, Behavior::failed);
    EXPECT_EQ(v.result,
              "Frames transmitted {0: 0, 1: 1} does not match what we expected "
              "{0: 50, 1: 1}.");

    wsconform::harness::Verdict never;
    never.behavior = Behavior::ok;
    o.was_open = false;
    ws.adjust(o, never);
    EXPECT_EQ(never.behavior, Behavior::failed);
}

TEST(Catalogue, InformationalCasesStayInformational) {
    for (const char* id : {"7.1.6", "7.13.1", "7.13.2"}) {
        SCOPED_TRACE(id);
        const Case& c = websocket_case(id);
        const WebSocketScript& ws = *c.websocket();
        EXPECT_TRUE(ws.informational);
        RecordingSession s;
        ws.on_open(s);
        wsconform::harness::Observation o;
        o.was_open = true;
        o.expected = s.expected;
        o.expected_close = s.closes.at(0);
        o.closed_by_me = true;
        o.was_clean = true;
        o.remote_close_code = 1002;
        const auto v = wsconform::harness::judge(c, o);
        EXPECT_EQ(v.behavior, Behavior::informational);
        EXPECT_EQ(v.behavior_close, Behavior::informational);
        EXPECT_FALSE(v.result.empty());
    }
}

TEST(Catalogue, FailFastCasesRecordNothingOnceClosed) {
    // 6.4.x: a wait that ends after the peer failed the connection records no timeout and
    // sends nothing more.
    for (const char* id : {"6.4.1", "6.4.2", "6.4.3", "6.4.4"}) {
        SCOPED_TRACE(id);
        RecordingSession s;
        s.open = false;  // the peer failed the connection during the first wait
        wsconform::cases::find(id)->websocket()->on_open(s);
        EXPECT_EQ(std::count_if(s.tx.begin(), s.tx.end(),
                                [](const Tx& t) { return t.kind == Tx::Kind::wait; }),
                  1);
        EXPECT_TRUE(s.recorded.empty());
        EXPECT_EQ(payloads_sent(s.tx).size(), 1u);
    }
}

// ================================================================ sections 9, 12, 13
//
// These cases judge themselves (Session::set_result) from their own on_message, as Autobahn's
// do. The TSV's notes say what they send, their timer and, for 12/13, the deflate offers.

const std::set<std::string> kLimitSections{"9"};
const std::set<std::string> kCompressionSections{"12", "13"};

// The part of `parts` that starts with `prefix`, or "" when none does.
std::string part_starting(const std::vector<std::string>& parts, std::string_view prefix) {
    for (const auto& p : parts)
        if (starts_with(p, prefix)) return p;
    return {};
}

// "timeout 10s" somewhere in the notes, in seconds.
int timeout_seconds(const std::string& notes) {
    static const std::regex kTimeout(R"((?:^| )timeout (\d+)s)");
    std::smatch m;
    if (!std::regex_search(notes, m, kTimeout)) {
        ADD_FAILURE() << "no timeout in " << notes;
        return -1;
    }
    return std::stoi(m[1]);
}

// Plays a perfect echo peer: every data message or frame the case sends goes straight back
// into its on_message, in order, until the case closes (or after `limit` echoes). `inspect`
// sees echo n (1-based) as sent, `alter` may change it on its way back. Returns how many
// echoes were delivered.
std::size_t drive(const Case& c, RecordingSession& s,
                  const std::function<void(std::size_t, Event&)>& alter = {},
                  const std::function<void(std::size_t, const Event&)>& inspect = {},
                  std::size_t limit = 5000) {
    s.send_close_ends_open = true;
    std::size_t seen = 0, echoes = 0;
    std::vector<Event> pending;
    while (s.open && echoes < limit) {
        for (; seen < s.tx.size(); ++seen) {
            Tx& t = s.tx[seen];
            if (t.kind == Tx::Kind::message) {
                pending.push_back({Event::Kind::message, t.binary, std::move(t.payload)});
                t.payload.clear();  // 1000 x 128 KiB would add up
            } else if (t.kind == Tx::Kind::frame && (t.frame.opcode == 1 || t.frame.opcode == 2)) {
                pending.push_back(
                    {Event::Kind::message, t.frame.opcode == 2, frame_payload(t.frame)});
            }
        }
        if (pending.empty()) break;
        Event echo = std::move(pending.front());
        pending.erase(pending.begin());
        ++echoes;
        if (inspect) inspect(echoes, echo);
        if (alter) alter(echoes, echo);
        c.websocket()->on_message(s, echo);
    }
    EXPECT_TRUE(pending.empty()) << "a case sends its next message only after an echo";
    return echoes;
}

std::size_t data_messages_sent(const RecordingSession& s) {
    return s.frames_sent(1) + s.frames_sent(2);
}

// After a driven run: the verdict, the wire log back on, and our close 1000 last.
void expect_finished(const RecordingSession& s, Behavior behavior, const std::string& text) {
    ASSERT_FALSE(s.results.empty());
    EXPECT_EQ(s.results.back().first, behavior);
    EXPECT_EQ(s.results.back().second, text);
    EXPECT_EQ(s.wirelog, (std::vector<bool>{false, true}));
    ASSERT_FALSE(s.tx.empty());
    EXPECT_EQ(s.tx.back().kind, Tx::Kind::close);
    EXPECT_EQ(s.tx.back().code, std::optional<std::uint16_t>(1000));
    EXPECT_FALSE(s.tx.back().reason);
}

// Flips one bit of an octet near the middle of `data` (an ASCII one in text, so it stays
// valid UTF-8); returns its offset.
std::size_t corrupt_middle(std::string& data, bool binary) {
    std::size_t at = data.size() / 2;
    while (!binary && static_cast<unsigned char>(data[at]) >= 0x80) ++at;
    data[at] = static_cast<char>(data[at] ^ 0x01);
    return at;
}

// ---- Section 9

class LimitsMatchAutobahn : public testing::TestWithParam<std::string> {};

TEST_P(LimitsMatchAutobahn, SendsWhatAutobahnDoes) {
    const std::string& id = GetParam();
    const auto [row, c, ws] = subject(id);
    ASSERT_TRUE(ws.on_open);
    expect_echo_judging_flags(c, false, wsconform::harness::Level::should);
    EXPECT_TRUE(ws.deflate_offers.empty());

    RecordingSession s;
    ws.on_open(s);
    const auto parts = split(row.notes, " | ");
    const int seconds = timeout_seconds(row.notes);
    const std::string close_after = "[closeAfter " + std::to_string(seconds) + "s]";

    // Autobahn sets behavior FAILED with a timeout sentence and turns the wire log off.
    EXPECT_EQ(s.wirelog, std::vector<bool>{false});
    ASSERT_EQ(s.results.size(), 1u);
    EXPECT_EQ(s.results[0].first, Behavior::failed);
    EXPECT_NE(s.results[0].second.find("within " + std::to_string(seconds) + " seconds"),
              std::string::npos)
        << s.results[0].second;
    EXPECT_TRUE(s.expected.empty()) << "no expected events: the script decides";
    EXPECT_TRUE(s.recorded.empty());
    {
        SCOPED_TRACE("close");
        check_close(part_starting(parts, "close: "), s.closes);
    }

    ASSERT_EQ(s.tx.size(), 2u);
    static const std::regex kRoundTrips(
        R"(^performance \(RTT\): (\d+) sequential (TEXT|BIN) msgs of (\d+) B, each sent after previous echo$)");
    std::smatch m;
    if (starts_with(parts[0], "limits/performance: tx ")) {
        // 9.1-9.6: the message, then the close timer (AB: sendFrame/sendMessage; closeAfter).
        const std::string token = parts[0].substr(std::string("limits/performance: tx ").size());
        if (starts_with(token, "msg "))
            check_message_token(token, s.tx[0]);
        else
            check_frame_token(token, s.tx[0]);
        check_timer_token(close_after, s.tx[1]);
        const std::size_t size = s.tx[0].kind == Tx::Kind::message
                                     ? s.tx[0].payload.size()
                                     : frame_payload(s.tx[0].frame).size();
        EXPECT_EQ(ws.memory_hint, size);
    } else if (std::regex_match(parts[0], m, kRoundTrips)) {
        // 9.7/9.8: the close timer, then the first message (AB: closeAfter; sendOne).
        EXPECT_EQ(m[1], "1000");
        check_timer_token(close_after, s.tx[0]);
        ASSERT_EQ(s.tx[1].kind, Tx::Kind::frame);
        const FrameSpec& f = s.tx[1].frame;
        EXPECT_EQ(f.opcode, opcode_named(m[2]));
        EXPECT_EQ(f.payload_len, std::optional<std::size_t>(std::stoul(m[3])));
        EXPECT_EQ(f.payload, m[2] == "BIN" ? "\xfe" : "*");  // AB:case9_7_X.py sendOne
        EXPECT_TRUE(f.fin);
        EXPECT_FALSE(f.chopsize);
        EXPECT_EQ(ws.memory_hint, std::stoul(m[3]));
    } else {
        FAIL() << "unparsed notes " << parts[0];
    }
}

TEST_P(LimitsMatchAutobahn, PassesAPerfectEchoAndFailsABadOne) {
    const std::string& id = GetParam();
    const Case& c = websocket_case(id);
    const WebSocketScript& ws = *c.websocket();
    const bool round_trips = starts_with(id, "9.7.") || starts_with(id, "9.8.");
    const std::size_t count = round_trips ? 1000 : 1;

    // A perfect echo: OK once every message came back.
    RecordingSession good;
    ws.on_open(good);
    ASSERT_FALSE(good.tx.empty());
    const Tx first = round_trips ? good.tx[1] : good.tx[0];
    const bool binary = first.kind == Tx::Kind::message ? first.binary : first.frame.opcode == 2;
    const std::string sent =
        first.kind == Tx::Kind::message ? first.payload : frame_payload(first.frame);
    EXPECT_EQ(drive(c, good), count);
    EXPECT_EQ(data_messages_sent(good), count);
    expect_finished(good, Behavior::ok,
                    round_trips
                        ? "All 1000 messages came back unchanged in time."
                        : "The " + std::to_string(sent.size()) + "-octet " +
                              (binary ? "binary" : "text") + " message came back unchanged.");

    // One bad echo (the 500th of 9.7/9.8): FAILED at once, saying what differs, and closed.
    const std::size_t bad = round_trips ? 500 : 1;
    const std::string who = round_trips ? "Echo 500 of 1000" : "The echo";
    {
        SCOPED_TRACE("content");
        RecordingSession s;
        ws.on_open(s);
        std::size_t at = 0;
        std::string before, after;
        const auto alter = [&](std::size_t n, Event& e) {
            if (n != bad) return;
            if (e.data.empty()) {
                e.data = "x";
                return;
            }
            before = e.data;
            at = corrupt_middle(e.data, binary);
            after = e.data;
        };
        EXPECT_EQ(drive(c, s, alter), bad);
        EXPECT_EQ(data_messages_sent(s), bad) << "nothing is sent after a bad echo";
        if (sent.empty()) {
            expect_finished(s, Behavior::failed, who + " is 1 octet long; we sent 0 octets.");
        } else {
            expect_finished(
                s, Behavior::failed,
                who + " has the right length but differs from what we sent from octet " +
                    std::to_string(at) + " on (0x" + hex_encode(after.substr(at, 1)) +
                    " where we sent 0x" + hex_encode(before.substr(at, 1)) + "; SHA-1 " +
                    sha1_hex(after) + ", we sent " + sha1_hex(before) + ").");
        }
    }
    {
        SCOPED_TRACE("length");
        RecordingSession s;
        ws.on_open(s);
        EXPECT_EQ(drive(c, s,
                        [&](std::size_t n, Event& e) {
                            if (n == bad) e.data += "**";
                        }),
                  bad);
        expect_finished(s, Behavior::failed,
                        who + " is " + std::to_string(sent.size() + 2) + " octets long; we sent " +
                            std::to_string(sent.size()) +
                            (sent.size() == 1 ? " octet." : " octets."));
    }
    {
        SCOPED_TRACE("type");
        RecordingSession s;
        ws.on_open(s);
        EXPECT_EQ(drive(c, s,
                        [&](std::size_t n, Event& e) {
                            if (n == bad) e.binary = !e.binary;
                        }),
                  bad);
        expect_finished(s, Behavior::failed,
                        who + " came back as a " + (binary ? "text" : "binary") +
                            " message; we sent a " + (binary ? "binary" : "text") + " message.");
    }
    {
        SCOPED_TRACE("timeout");  // nothing comes back: the sentence set in on_open stands
        RecordingSession s;
        ws.on_open(s);
        EXPECT_EQ(s.results.back().first, Behavior::failed);
        // Once we close (the timer fired), a late echo changes nothing.
        s.open = false;
        ws.on_message(s, {Event::Kind::message, binary, sent});
        EXPECT_EQ(s.results.size(), 1u);
    }
}

TEST_P(LimitsMatchAutobahn, DescribesItselfInItsOwnWords) {
    check_own_words(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Autobahn, LimitsMatchAutobahn,
                         testing::ValuesIn(reference_ids(kLimitSections)), param_name);

TEST(Catalogue, LimitsPayloadsAreAutobahns) {
    // The TSV gives 9.3/9.4 payloads only as lengths. Autobahn's sources: 9.3.x send '*';
    // 9.4.1 sends 0xfe and 9.4.2-9.4.9 '*' (the TSV's note on 9.4.9, "other 9.4.x use 0xfe",
    // holds only for 9.4.1).
    for (int i = 1; i <= 9; ++i) {
        for (const char* section : {"9.3.", "9.4."}) {
            const std::string id = section + std::to_string(i);
            SCOPED_TRACE(id);
            RecordingSession s;
            wsconform::cases::find(id)->websocket()->on_open(s);
            ASSERT_EQ(s.tx[0].kind, Tx::Kind::message);
            const char fill = id == "9.4.1" ? '\xfe' : '*';
            EXPECT_EQ(s.tx[0].payload, std::string(4u << 20, fill));
        }
    }
}

// ---- Sections 12 and 13

std::vector<wsconform::protocol::DeflateParams> parse_offer_header(const std::string& header) {
    std::vector<wsconform::protocol::DeflateParams> out;
    for (const auto& alternative : split(header, ", ")) {
        const auto params = split(alternative, "; ");
        EXPECT_EQ(params[0], "permessage-deflate");
        wsconform::protocol::DeflateParams p;
        for (std::size_t i = 1; i < params.size(); ++i) {
            const std::string& q = params[i];
            if (q == "client_no_context_takeover")
                p.client_no_context_takeover = true;
            else if (q == "server_no_context_takeover")
                p.server_no_context_takeover = true;
            else if (q == "client_max_window_bits")
                p.client_max_window_bits = -1;
            else if (starts_with(q, "client_max_window_bits="))
                p.client_max_window_bits = std::stoi(q.substr(q.find('=') + 1));
            else if (starts_with(q, "server_max_window_bits="))
                p.server_max_window_bits = std::stoi(q.substr(q.find('=') + 1));
            else
                ADD_FAILURE() << "unknown parameter " << q;
        }
        out.push_back(p);
    }
    return out;
}

std::string describe(const std::vector<wsconform::protocol::DeflateParams>& offers) {
    std::string s;
    for (const auto& p : offers)
        s += "{snct=" + std::to_string(p.server_no_context_takeover) +
             " cnct=" + std::to_string(p.client_no_context_takeover) +
             " smwb=" + std::to_string(p.server_max_window_bits) +
             " cmwb=" + std::to_string(p.client_max_window_bits) + "} ";
    return s;
}

// Autobahn's server-side accept functions, as our one-answer policy, with the phrase the
// TSV uses for each. accept7 tries accept5, then accept2, then accept1.
struct Accept {
    const char* name;
    wsconform::protocol::DeflateServerPolicy policy;
    const char* phrase;
    std::vector<wsconform::protocol::DeflateServerPolicy> fallbacks = {};
};
const std::vector<Accept>& accepts() {
    static const std::vector<Accept> table{
        {"accept_deflate", {}, "request nothing"},
        {"accept1", {}, "request nothing"},
        {"accept2",
         {.request_client_no_context_takeover = true},
         "client_no_context_takeover and request it"},
        {"accept3", {.request_client_max_window_bits = 9}, "request client_max_window_bits=9"},
        {"accept4", {.request_client_max_window_bits = 15}, "request client_max_window_bits=15"},
        {"accept5",
         {.request_client_no_context_takeover = true, .request_client_max_window_bits = 9},
         "request client_no_context_takeover + client_max_window_bits=9"},
        {"accept6",
         {.request_client_no_context_takeover = true, .request_client_max_window_bits = 15},
         "request client_no_context_takeover + client_max_window_bits=15"},
        {"accept7",
         {.request_client_no_context_takeover = true, .request_client_max_window_bits = 9},
         "try rule of 13.5, else 13.2, else 13.1",
         {{.request_client_no_context_takeover = true}, {}}},
    };
    return table;
}

wsconform::cases::PayloadSet set_for_file(const std::string& file) {
    for (auto set : wsconform::cases::kPayloadSets)
        if (wsconform::cases::payload_set_info(set).autobahn_file == file) return set;
    ADD_FAILURE() << "no payload set stands in for " << file;
    return wsconform::cases::PayloadSet::json;
}

struct CompressionRowNotes {
    std::size_t count = 0, length = 0, auto_fragment = 0;
    bool text = false;
    int seconds = 0;
    wsconform::cases::PayloadSet set{};
};

CompressionRowNotes compression_notes(const Row& row) {
    const auto parts = split(row.notes, " | ");
    CompressionRowNotes n;
    EXPECT_EQ(parts.at(0), "permessage-deflate REQUIRED (UNIMPLEMENTED if not negotiated)");
    static const std::regex kMessages(
        R"(^(\d+) msgs x (\d+) (chars|B) of (\S+) \((text|binary)\), each echo checked by type, length and SHA-1, sent one at a time$)");
    std::smatch m;
    if (!std::regex_match(parts.at(1), m, kMessages)) {
        ADD_FAILURE() << "unparsed " << parts.at(1);
        return n;
    }
    n.count = std::stoul(m[1]);
    n.length = std::stoul(m[2]);
    n.text = m[5] == "text";
    EXPECT_EQ(m[3] == "chars", n.text) << "text sets count characters";
    n.set = set_for_file(m[4]);
    const std::string autofrag = part_starting(parts, "autoFragmentSize=");
    EXPECT_FALSE(autofrag.empty());
    n.auto_fragment = autofrag.empty() ? 0 : std::stoul(autofrag.substr(17));
    n.seconds = timeout_seconds(row.notes);
    return n;
}

class CompressionMatchesAutobahn : public testing::TestWithParam<std::string> {};

TEST_P(CompressionMatchesAutobahn, OffersAndSendsWhatAutobahnDoes) {
    using wsconform::cases::payload_message;
    using wsconform::cases::payload_set_info;
    const std::string& id = GetParam();
    const auto [row, c, ws] = subject(id);
    ASSERT_TRUE(ws.on_open);
    expect_echo_judging_flags(c, true, wsconform::harness::Level::must);

    const auto parts = split(row.notes, " | ");
    const CompressionRowNotes n = compression_notes(row);
    ASSERT_EQ(n.count, 1000u);
    EXPECT_EQ(payload_set_info(n.set).text, n.text);
    EXPECT_GE(ws.memory_hint, n.length);

    // The offers the fuzzingclient sends, and the fuzzingserver's accept function.
    const std::string kOffer = "fuzzingclient sends Sec-WebSocket-Extensions: ";
    const std::string offer = part_starting(parts, kOffer);
    ASSERT_FALSE(offer.empty());
    const auto offers = parse_offer_header(offer.substr(kOffer.size()));
    EXPECT_EQ(ws.deflate_offers, offers)
        << "ours: " << describe(ws.deflate_offers) << " Autobahn's: " << describe(offers);
    static const std::regex kAccept(R"(^fuzzingserver \((\w+)\): (.*)$)");
    std::smatch m;
    const std::string server = part_starting(parts, "fuzzingserver (");
    ASSERT_TRUE(std::regex_match(server, m, kAccept)) << server;
    const auto accept = std::find_if(accepts().begin(), accepts().end(),
                                     [&](const Accept& a) { return m[1] == a.name; });
    ASSERT_NE(accept, accepts().end()) << m[1];
    EXPECT_NE(m[2].str().find(accept->phrase), std::string::npos) << server;
    const auto& policy = ws.deflate_server_policy;
    EXPECT_EQ(policy.request_server_no_context_takeover,
              accept->policy.request_server_no_context_takeover);
    EXPECT_EQ(policy.request_client_no_context_takeover,
              accept->policy.request_client_no_context_takeover);
    EXPECT_EQ(policy.request_client_max_window_bits, accept->policy.request_client_max_window_bits);
    EXPECT_TRUE(ws.deflate_server_fallbacks == accept->fallbacks);

    // Not negotiated: UNIMPLEMENTED, and we close at once.
    {
        SCOPED_TRACE("permessage-deflate not agreed");
        RecordingSession s;
        ws.on_open(s);
        EXPECT_EQ(s.auto_fragment_size, n.auto_fragment);
        EXPECT_EQ(s.wirelog, std::vector<bool>{false});
        ASSERT_EQ(s.results.size(), 1u);
        EXPECT_EQ(s.results[0].first, Behavior::unimplemented);
        EXPECT_FALSE(s.results[0].second.empty());
        ASSERT_EQ(s.tx.size(), 1u);
        check_close_token("close(code=1000)", s.tx[0]);
        check_close(part_starting(parts, "close: "), s.closes);
        EXPECT_TRUE(s.expected.empty());
    }
    // Agreed: FAILED until done, the close timer, then the first message.
    {
        SCOPED_TRACE("permessage-deflate agreed");
        RecordingSession s;
        s.deflate = true;
        ws.on_open(s);
        EXPECT_EQ(s.wirelog, std::vector<bool>{false});
        ASSERT_EQ(s.results.size(), 1u);
        EXPECT_EQ(s.results[0].first, Behavior::failed);
        EXPECT_EQ(s.results[0].second, "The 1000 round trips did not finish within " +
                                           std::to_string(n.seconds) + " seconds.");
        check_close(part_starting(parts, "close: "), s.closes);
        EXPECT_TRUE(s.expected.empty());
        ASSERT_EQ(s.tx.size(), 2u);
        check_timer_token("[closeAfter " + std::to_string(n.seconds) + "s]", s.tx[0]);
        const Tx& first = s.tx[1];
        ASSERT_EQ(first.kind, Tx::Kind::message);
        EXPECT_EQ(first.binary, !n.text);
        EXPECT_FALSE(first.fragment_size);
        EXPECT_EQ(first.auto_fragment_size, n.auto_fragment);
        EXPECT_EQ(first.payload, payload_message(n.set, n.length, 0));
        EXPECT_EQ(n.text ? code_points(first.payload) : first.payload.size(), n.length);
    }
}

TEST_P(CompressionMatchesAutobahn, DescribesItselfInItsOwnWords) {
    check_own_words(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Autobahn, CompressionMatchesAutobahn,
                         testing::ValuesIn(reference_ids(kCompressionSections)), param_name);

class CompressionRuns : public testing::TestWithParam<std::string> {};

TEST_P(CompressionRuns, PassesAPerfectEcho) {
    const std::string& id = GetParam();
    const Case& c = websocket_case(id);
    const WebSocketScript& ws = *c.websocket();
    const CompressionRowNotes n = compression_notes(reference().at(id));
    RecordingSession s;
    s.deflate = true;
    ws.on_open(s);
    std::size_t wrong = 0;
    const auto inspect = [&](std::size_t k, const Event& e) {
        // Message k is the k-th consecutive slice of the set.
        if (e.data != wsconform::cases::payload_message(n.set, n.length, k - 1)) ++wrong;
    };
    EXPECT_EQ(drive(c, s, {}, inspect), n.count);
    EXPECT_EQ(wrong, 0u);
    EXPECT_EQ(data_messages_sent(s), n.count);
    EXPECT_EQ(s.auto_fragment_size, n.auto_fragment);
    expect_finished(s, Behavior::ok, "All 1000 messages came back unchanged in time.");
}

INSTANTIATE_TEST_SUITE_P(Autobahn, CompressionRuns,
                         testing::ValuesIn(reference_ids(kCompressionSections)), param_name);

TEST(Catalogue, CompressionCasesFailOnABadEcho) {
    struct Bad {
        const char* id;
        std::size_t echo;  // 1-based
        enum { content, shorter, type } how;
    };
    const Bad bad[] = {
        {"12.1.3", 3, Bad::content},  {"12.2.4", 3, Bad::content}, {"12.3.1", 1000, Bad::content},
        {"12.4.5", 3, Bad::content},  {"12.5.2", 7, Bad::content}, {"13.7.1", 3, Bad::content},
        {"13.3.10", 2, Bad::content}, {"12.4.3", 3, Bad::shorter}, {"12.1.1", 2, Bad::shorter},
        {"12.5.1", 3, Bad::shorter},  {"12.2.1", 1, Bad::type},    {"13.1.2", 4, Bad::type},
    };
    for (const Bad& b : bad) {
        SCOPED_TRACE(b.id);
        const Case& c = websocket_case(b.id);
        const WebSocketScript& ws = *c.websocket();
        const CompressionRowNotes n = compression_notes(reference().at(b.id));
        RecordingSession s;
        s.deflate = true;
        ws.on_open(s);
        std::string before, after;
        std::size_t at = 0;
        const auto alter = [&](std::size_t k, Event& e) {
            if (k != b.echo) return;
            before = e.data;
            if (b.how == Bad::content) at = corrupt_middle(e.data, !n.text);
            if (b.how == Bad::shorter) {  // drop the last character (octet, for binary sets)
                while (n.text && (static_cast<unsigned char>(e.data.back()) & 0xc0) == 0x80)
                    e.data.pop_back();
                e.data.pop_back();
            }
            if (b.how == Bad::type) e.binary = !e.binary;
            after = e.data;
        };
        EXPECT_EQ(drive(c, s, alter), b.echo);
        EXPECT_EQ(data_messages_sent(s), b.echo) << "nothing is sent after a bad echo";
        const std::string who = "Echo " + std::to_string(b.echo) + " of 1000";
        std::string why;
        switch (b.how) {
            case Bad::content:
                why = who + " has the right length but differs from what we sent from octet " +
                      std::to_string(at) + " on (0x" + hex_encode(after.substr(at, 1)) +
                      " where we sent 0x" + hex_encode(before.substr(at, 1)) + "; SHA-1 " +
                      sha1_hex(after) + ", we sent " + sha1_hex(before) + ").";
                break;
            case Bad::shorter:
                why = n.text ? who + " has " + std::to_string(n.length - 1) + " characters (" +
                                   std::to_string(after.size()) + " octets); we sent " +
                                   std::to_string(n.length) + " characters (" +
                                   std::to_string(before.size()) + " octets)."
                             : who + " is " + std::to_string(n.length - 1) +
                                   " octets long; we sent " + std::to_string(n.length) + " octets.";
                break;
            case Bad::type:
                why = who + " came back as a " + (n.text ? "binary" : "text") +
                      " message; we sent a " + (n.text ? "text" : "binary") + " message.";
                break;
        }
        expect_finished(s, Behavior::failed, why);
    }
}

TEST(Catalogue, CompressionCasesIgnoreEchoesOnceClosing) {
    // The close timer fired (or a verdict was given): a late echo changes nothing.
    const WebSocketScript& ws = script_of("12.1.1");
    RecordingSession s;
    s.deflate = true;
    ws.on_open(s);
    s.open = false;
    ws.on_message(s, {Event::Kind::message, false, "late"});
    EXPECT_EQ(s.results.size(), 1u);
    EXPECT_EQ(s.tx.size(), 2u);
}

TEST(Catalogue, ReferenceHasAllCasesOfThePerformanceSections) {
    EXPECT_EQ(reference_ids(kLimitSections).size(), 54u);
    EXPECT_EQ(reference_ids(kCompressionSections).size(), 216u);
}

}  // namespace
