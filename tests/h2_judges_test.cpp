// Section 17's judges are pure functions, tested here on hand-made exchanges: the client cases
// judge what a client did on the HTTP/2 connection prepared for them (harness::
// H2ClientExchange), the server cases what came back on a connection of ours (harness::
// H2Exchange).
#include <gtest/gtest.h>

#include <string>

#include "harness/model/h2_client_script.h"
#include "harness/model/h2_script.h"
#include "tests/support/case_runs.h"

namespace wsconform {
namespace {

using harness::Behavior;
using harness::H2ClientExchange;
using harness::H2SettingsProfile;

using harness::H2Exchange;

const harness::Case& the_case(const std::string& id) {
    const auto cases = test_support::select(id);
    EXPECT_EQ(cases.size(), 1u) << id;
    return *cases.front();
}

harness::Verdict judge(const std::string& id, const H2ClientExchange& x) {
    return the_case(id).h2_client_probe()->judge(x);
}

harness::Verdict judge(const std::string& id, const H2Exchange& x) {
    return the_case(id).h2_server_probe()->judge(x);
}

H2ClientExchange without_setting() {
    H2ClientExchange x;
    x.profile = H2SettingsProfile::absent;
    x.settings_sent_ms = 0;
    x.end_ms = 3000;
    return x;
}

harness::H2ClientRequest extended_connect() {
    return {.stream = 1,
            .fields = {{":method", "CONNECT"},
                       {":protocol", "websocket"},
                       {":scheme", "https"},
                       {":path", "/runCase?case=2&agent=a"},
                       {":authority", "localhost:9001"}},
            .at_ms = 5,
            .for_this_case = true,
            .answer = "RST_STREAM PROTOCOL_ERROR (our SETTINGS do not allow it)"};
}

TEST(H2ClientJudges, NoExtendedConnectWithoutTheSettingPasses) {
    auto x = without_setting();
    x.fell_back_to_http11 = true;
    const auto v = judge("17.6.2", x);
    EXPECT_EQ(v.behavior, Behavior::ok) << v.result;
    EXPECT_NE(v.result.find("over HTTP/1.1 instead"), std::string::npos) << v.result;
}

TEST(H2ClientJudges, AnExtendedConnectWithoutTheSettingFails) {
    auto x = without_setting();
    x.requests.push_back(extended_connect());
    const auto v = judge("17.6.2", x);
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
}

// A client that broke the connection (here: a header block that never ended) showed nothing
// about the setting: no pass for sending nothing.
TEST(H2ClientJudges, NothingSentOnAFailedConnectionIsNotAPass) {
    auto x = without_setting();
    x.error = "a header block over 64 KiB, CONTINUATION after CONTINUATION";
    const auto v = judge("17.6.2", x);
    EXPECT_EQ(v.behavior, Behavior::unimplemented) << v.result;
    EXPECT_NE(v.result.find("CONTINUATION"), std::string::npos) << v.result;
    x.requests.push_back(extended_connect());
    EXPECT_EQ(judge("17.6.2", x).behavior, Behavior::failed) << "a CONNECT sent still fails";
}

// A client whose SETTINGS carry a value a server must refuse (RFC 9113 §6.5.2): 17.6.1 fails
// naming it, whatever else the exchange holds; the other cases are not applicable, naming 17.6.1.
TEST(H2ClientJudges, ASettingOutOfItsRangeFailsTheFirstCaseOnly) {
    auto x = without_setting();
    x.bad_setting = "SETTINGS_MAX_FRAME_SIZE = 16383: outside 16,384 to 2^24-1 (RFC 9113 §6.5.2)";
    x.error = "the client's " + x.bad_setting;
    x.profile = H2SettingsProfile::delayed;
    const auto first = judge("17.6.1", x);
    EXPECT_EQ(first.behavior, Behavior::failed) << first.result;
    EXPECT_NE(first.result.find("SETTINGS_MAX_FRAME_SIZE = 16383"), std::string::npos)
        << first.result;
    for (const char* id : {"17.6.2", "17.7.3", "17.7.5"}) {
        const auto other = judge(id, x);
        EXPECT_EQ(other.behavior, Behavior::unimplemented) << id << ": " << other.result;
        EXPECT_NE(other.result.find("case 17.6.1 judges that"), std::string::npos)
            << id << ": " << other.result;
    }
}

// 17.7.5: a 12 KiB message on a stream whose window we hold at 4,096 octets; the client's DATA
// on it while the window was held, and the most past it.
H2ClientExchange held_window(std::uint64_t during, std::uint64_t past) {
    H2ClientExchange x;
    x.profile = H2SettingsProfile::held_window;
    x.settings_sent_ms = 0;
    auto connect = extended_connect();
    connect.answer = ":status 200";
    x.requests.push_back(connect);
    x.opened = true;
    x.sent = {std::string(harness::kH2HeldWindowMessage, 'a')};
    x.data_while_held = during;
    x.window_overrun = past;
    x.end_ms = 700;
    return x;
}

TEST(H2ClientJudges, AClientKeepingToTheHeldWindowThatEchoesPasses) {
    auto x = held_window(4096, 0);
    x.messages = x.sent;
    const auto v = judge("17.7.5", x);
    EXPECT_EQ(v.behavior, Behavior::ok) << v.result;
    EXPECT_NE(v.result.find("4096 octets of DATA came while it was held"), std::string::npos)
        << v.result;
}

TEST(H2ClientJudges, DataPastTheHeldWindowFailsEvenWithTheEcho) {
    auto x = held_window(8192, 4096);
    x.messages = x.sent;
    x.error = "DATA on stream 1 4096 octets past the window we had opened (RFC 9113 §6.9.1)";
    const auto v = judge("17.7.5", x);
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("4096 octets past our 4,096-octet stream window"), std::string::npos)
        << v.result;
}

TEST(H2ClientJudges, KeepingToTheHeldWindowWithoutTheEchoFails) {
    const auto v = judge("17.7.5", held_window(0, 0));
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("did not echo"), std::string::npos) << v.result;
}

TEST(H2ClientJudges, TheHeldWindowAskedForElsewhereIsNotApplicable) {
    auto x = held_window(0, 0);
    x.requests.clear();
    x.opened = false;
    EXPECT_EQ(judge("17.7.5", x).behavior, Behavior::unimplemented);
}

// 17.5.4, testing a server: the same window, held, on our stream.
H2Exchange held_stream(std::uint64_t during, std::uint64_t past, bool echoed) {
    const auto plan = the_case("17.5.4").h2_server_probe()->plan(
        {.scheme = "http", .authority = "localhost:9001", .path = "/"});
    EXPECT_EQ(plan.initial_window, 4096u);
    EXPECT_GT(plan.hold_stream_windows.count(), 0);
    H2Exchange x;
    x.connected = x.settings_received = true;
    x.connect_protocol = 1;
    harness::H2StreamSeen s;
    s.id = 1;
    s.plan = plan.streams.at(0);
    s.status = 200;
    s.response = protocol::H2Fields{{":status", "200"}};
    s.data_while_held = during;
    s.window_overrun = past;
    if (echoed) s.messages = s.plan.texts;
    x.streams.push_back(s);
    return x;
}

TEST(H2ServerJudges, AServerKeepingToTheHeldWindowThatEchoesPasses) {
    const auto v = judge("17.5.4", held_stream(4096, 0, true));
    EXPECT_EQ(v.behavior, Behavior::ok) << v.result;
}

TEST(H2ServerJudges, DataPastTheHeldWindowFails) {
    const auto v = judge("17.5.4", held_stream(16384, 12288, false));
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("12288 octets past our 4,096-octet stream window"), std::string::npos)
        << v.result;
}

TEST(H2ServerJudges, KeepingToTheHeldWindowWithoutTheEchoFails) {
    const auto v = judge("17.5.4", held_stream(4096, 0, false));
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("did not come back"), std::string::npos) << v.result;
}

// A server whose SETTINGS carry a value a client must refuse: 17.1.1 fails naming it, even with
// SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 among them.
TEST(H2ServerJudges, ASettingOutOfItsRangeFails17_1_1) {
    H2Exchange x;
    x.connected = x.settings_received = true;
    x.connect_protocol = 1;
    x.bad_setting = "SETTINGS_INITIAL_WINDOW_SIZE = 2147483648: above the largest window";
    x.error = x.bad_setting;
    const auto v = judge("17.1.1", x);
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("SETTINGS_INITIAL_WINDOW_SIZE = 2147483648"), std::string::npos)
        << v.result;
    x.bad_setting.clear();
    x.error.clear();
    EXPECT_EQ(judge("17.1.1", x).behavior, Behavior::ok);
}

// 17.5.1, testing a server: two WebSockets echoed on one connection, each stream ending as
// `close` says: "answered" (our Close out, the server's back), "unanswered" (ours out, none
// back) or "ended first" (END_STREAM with no Close, before ours could go out).
H2Exchange two_streams_echoed(const std::string& second_stream_close) {
    const auto plan = the_case("17.5.1").h2_server_probe()->plan(
        {.scheme = "http", .authority = "localhost:9001", .path = "/"});
    H2Exchange x;
    x.connected = x.settings_received = true;
    x.connect_protocol = 1;
    for (std::size_t i = 0; i < plan.streams.size(); ++i) {
        harness::H2StreamSeen s;
        s.id = static_cast<std::uint32_t>(1 + 2 * i);
        s.plan = plan.streams[i];
        s.status = 200;
        s.response = protocol::H2Fields{{":status", "200"}};
        s.messages = s.plan.texts;
        s.peer_ended = true;
        const auto close = i == 0 ? std::string("answered") : second_stream_close;
        s.we_sent_close = close != "ended first";
        s.peer_sent_close = close == "answered";
        x.streams.push_back(s);
    }
    return x;
}

TEST(H2ServerJudges, TwoWebSocketsThatAnswerOurClosesPass) {
    const auto v = judge("17.5.1", two_streams_echoed("answered"));
    EXPECT_EQ(v.behavior, Behavior::ok) << v.result;
}

TEST(H2ServerJudges, AStreamThatDoesNotAnswerOurCloseFails) {
    const auto v = judge("17.5.1", two_streams_echoed("unanswered"));
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("stream 3 did not answer our Close"), std::string::npos) << v.result;
}

// Its END_STREAM came before our Close went out: no Close of ours to blame it for not answering,
// and still no closing handshake.
TEST(H2ServerJudges, AStreamEndedWithoutAnyCloseFailsWithoutClaimingOursWentOut) {
    const auto v = judge("17.5.1", two_streams_echoed("ended first"));
    EXPECT_EQ(v.behavior, Behavior::failed) << v.result;
    EXPECT_NE(v.result.find("stream 3 ended with no Close from the server, before ours went out"),
              std::string::npos)
        << v.result;
    EXPECT_EQ(v.result.find("answer our Close"), std::string::npos) << v.result;
}

}  // namespace
}  // namespace wsconform
