// Pins every case of sections 1-7 and 10 to what Autobahn sends and expects: each case's
// on_open runs against a recording Session, and the recording is compared with the `notes`
// column of ../shared/reference/autobahn-cases.tsv (derived by executing Autobahn's cases).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cases/registry.h"
#include "harness/case.h"
#include "harness/judge.h"
#include "harness/session.h"

// GCC 12 (-Wextra) warns about members a designated initializer leaves out.
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

namespace {

using namespace std::chrono_literals;
using wsconform::harness::Behavior;
using wsconform::harness::Case;
using wsconform::harness::Duration;
using wsconform::harness::Event;
using wsconform::harness::ExpectedClose;
using wsconform::harness::FrameSpec;
using wsconform::harness::Session;

std::string to_hex(std::string_view bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (unsigned char b : bytes) {
        out.push_back(kDigits[b >> 4]);
        out.push_back(kDigits[b & 0xf]);
    }
    return out;
}

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

    void send_frame(FrameSpec frame) override {
        tx.push_back({.kind = Tx::Kind::frame, .frame = std::move(frame)});
    }
    void send_message(std::string payload, bool binary,
                      std::optional<std::size_t> fragment_size) override {
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
    }
    void set_auto_fragment_size(std::size_t size) override { auto_fragment_size = size; }
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
    bool is_open() const override { return true; }
    bool is_server() const override { return false; }
    bool deflate_negotiated() const override { return false; }
    void expect(Behavior behavior, std::vector<Event> events) override {
        expected.emplace_back(behavior, std::move(events));
    }
    void expect_close(ExpectedClose close) override { closes.push_back(std::move(close)); }
    void record(Event event) override { recorded.push_back(std::move(event)); }
    void set_result(Behavior, std::string) override { ADD_FAILURE() << "unexpected set_result"; }
    void set_wirelog(bool) override {}
    std::uint64_t frames_sent(std::uint8_t) const override { return 0; }
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

const std::set<std::string> kSections{"1", "2", "3", "4", "5", "6", "7", "10"};

std::vector<std::string> reference_ids() {
    std::vector<std::string> ids;
    for (const auto& [id, row] : reference())
        if (kSections.count(id.substr(0, id.find('.')))) ids.push_back(id);
    return ids;
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
    switch (k) {
        case Tx::Kind::frame:
            return "frame";
        case Tx::Kind::message:
            return "message";
        case Tx::Kind::raw:
            return "raw";
        case Tx::Kind::begin:
            return "begin_frame";
        case Tx::Kind::chunk:
            return "send_frame_data";
        case Tx::Kind::close:
            return "send_close";
        case Tx::Kind::kill_after:
            return "kill_after";
        case Tx::Kind::close_after:
            return "close_after";
        case Tx::Kind::wait:
            return "continue_later";
    }
    return "?";
}

// Checks "N B [0xHEX]" at words[i...]; advances i past them.
void check_sized(const std::vector<std::string>& words, std::size_t& i, const std::string& got,
                 const std::string& what) {
    ASSERT_LT(i + 1, words.size()) << what;
    ASSERT_EQ(words[i + 1], "B") << what;
    EXPECT_EQ(got.size(), std::stoul(words[i])) << what << ": length";
    i += 2;
    if (i < words.size() && starts_with(words[i], "0x")) {
        EXPECT_EQ("0x" + to_hex(got), words[i]) << what << ": payload";
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
    for (; i < words.size(); ++i) {
        if (words[i] == "fin=0") {
            fin = false;
        } else if (starts_with(words[i], "rsv=")) {
            rsv = static_cast<std::uint8_t>(std::stoi(words[i].substr(4)));
        } else if (starts_with(words[i], "len=")) {
            // "TEXT len=262144 (pattern 'BAsd7&jh23' repeated)"
            EXPECT_EQ(f.payload_len, std::stoul(words[i].substr(4))) << token << ": payload_len";
            const auto q1 = token.find('\'');
            const auto q2 = token.rfind('\'');
            EXPECT_EQ(f.payload, token.substr(q1 + 1, q2 - q1 - 1)) << token << ": pattern";
            i = words.size();
            break;
        } else {
            break;
        }
    }
    if (i < words.size()) {
        EXPECT_FALSE(f.payload_len) << token << ": payload_len not expected";
        check_sized(words, i, frame_payload(f), token);
        for (; i < words.size(); ++i) {
            if (starts_with(words[i], "chop="))
                chop = std::stoul(words[i].substr(5));
            else if (words[i] == "sync")
                sync = true;
            else
                ADD_FAILURE() << token << ": unparsed word " << words[i];
        }
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
            EXPECT_EQ(to_hex(reason), m[3].str()) << token << ": reason";
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
    const Row& row = reference().at(id);
    const Case* c = wsconform::cases::find(id);
    ASSERT_NE(c, nullptr) << "no case " << id;
    ASSERT_TRUE(c->on_open);
    EXPECT_FALSE(c->on_message) << "Autobahn's default message handling";

    RecordingSession s;
    c->on_open(s);

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
    EXPECT_EQ(c->wrong_code_fails, wrong_code);
    EXPECT_EQ(c->suppress_close, suppress);
    EXPECT_EQ(c->informational, informational);
    EXPECT_EQ(c->level, informational ? wsconform::harness::Level::informational
                                      : wsconform::harness::Level::must);
    EXPECT_FALSE(c->report_time);

    // 6.5 - 6.23 name their payload in the description: "Payload: 0x...".
    const auto at = row.description.find("Payload: 0x");
    if (at != std::string::npos) {
        ASSERT_EQ(s.tx.size(), 2u);
        EXPECT_EQ(to_hex(s.tx[0].payload), row.description.substr(at + 11)) << "payload";
    }
}

TEST_P(CatalogueMatchesAutobahn, DescribesItselfInItsOwnWords) {
    const std::string& id = GetParam();
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
        EXPECT_TRUE(starts_with(ref, "RFC 6455 ") || ref == "RFC 3629") << ref;
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
        const Case* c = wsconform::cases::find(p.id);
        ASSERT_NE(c, nullptr);
        RecordingSession s;
        c->on_open(s);
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
        const Case* c = wsconform::cases::find(id);
        ASSERT_NE(c, nullptr);
        RecordingSession s;
        c->on_open(s);
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
    const Case* c = wsconform::cases::find("10.1.1");
    ASSERT_NE(c, nullptr);
    ASSERT_TRUE(c->adjust);
    wsconform::harness::Observation o;
    o.was_open = true;
    o.tx_frames = {{0, 50}, {1, 1}, {8, 1}};  // 65536 = 1300 * 50 + 536: TEXT + 50 CONT
    wsconform::harness::Verdict v;
    v.behavior = Behavior::ok;
    v.result = "Actual events match at least one expected.";
    c->adjust(o, v);
    EXPECT_EQ(v.behavior, Behavior::ok);

    o.tx_frames = {{1, 1}, {8, 1}};  // not fragmented at all
    c->adjust(o, v);
    EXPECT_EQ(v.behavior, Behavior::failed);
    EXPECT_EQ(v.result,
              "Frames transmitted {0: 0, 1: 1} does not match what we expected "
              "{0: 50, 1: 1}.");

    wsconform::harness::Verdict never;
    never.behavior = Behavior::ok;
    o.was_open = false;
    c->adjust(o, never);
    EXPECT_EQ(never.behavior, Behavior::failed);
}

TEST(Catalogue, InformationalCasesStayInformational) {
    for (const char* id : {"7.1.6", "7.13.1", "7.13.2"}) {
        SCOPED_TRACE(id);
        const Case* c = wsconform::cases::find(id);
        ASSERT_NE(c, nullptr);
        EXPECT_TRUE(c->informational);
        RecordingSession s;
        c->on_open(s);
        wsconform::harness::Observation o;
        o.was_open = true;
        o.expected = s.expected;
        o.expected_close = s.closes.at(0);
        o.closed_by_me = true;
        o.was_clean = true;
        o.remote_close_code = 1002;
        const auto v = wsconform::harness::judge(*c, o);
        EXPECT_EQ(v.behavior, Behavior::informational);
        EXPECT_EQ(v.behavior_close, Behavior::informational);
        EXPECT_FALSE(v.result.empty());
    }
}

TEST(Catalogue, FailFastCasesRecordNothingOnceClosed) {
    // 6.4.x: a wait that ends after the peer failed the connection records no timeout and
    // sends nothing more.
    class ClosedAfterFirstPart final : public Session {
      public:
        RecordingSession inner;
        int waits = 0;
        void send_frame(FrameSpec f) override { inner.send_frame(std::move(f)); }
        void send_message(std::string p, bool b, std::optional<std::size_t> k) override {
            inner.send_message(std::move(p), b, k);
        }
        void send_raw(std::string b, std::optional<std::size_t> c, bool s) override {
            inner.send_raw(std::move(b), c, s);
        }
        void begin_frame(std::uint8_t o, std::uint64_t l) override { inner.begin_frame(o, l); }
        void send_frame_data(std::string c) override { inner.send_frame_data(std::move(c)); }
        void send_close(std::optional<std::uint16_t> c, std::optional<std::string> r) override {
            inner.send_close(c, std::move(r));
        }
        void set_auto_fragment_size(std::size_t n) override { inner.set_auto_fragment_size(n); }
        void continue_later(Duration, std::function<void(Session&)> then, std::string) override {
            ++waits;
            then(*this);
        }
        void kill_after(Duration d) override { inner.kill_after(d); }
        void close_after(Duration d) override { inner.close_after(d); }
        bool is_open() const override { return false; }
        bool is_server() const override { return false; }
        bool deflate_negotiated() const override { return false; }
        void expect(Behavior b, std::vector<Event> e) override { inner.expect(b, std::move(e)); }
        void expect_close(ExpectedClose c) override { inner.expect_close(std::move(c)); }
        void record(Event e) override { inner.record(std::move(e)); }
        void set_result(Behavior b, std::string t) override { inner.set_result(b, std::move(t)); }
        void set_wirelog(bool) override {}
        std::uint64_t frames_sent(std::uint8_t) const override { return 0; }
    };
    for (const char* id : {"6.4.1", "6.4.2", "6.4.3", "6.4.4"}) {
        SCOPED_TRACE(id);
        ClosedAfterFirstPart s;
        wsconform::cases::find(id)->on_open(s);
        EXPECT_EQ(s.waits, 1);
        EXPECT_TRUE(s.inner.recorded.empty());
        EXPECT_EQ(payloads_sent(s.inner.tx).size(), 1u);
    }
}

}  // namespace
