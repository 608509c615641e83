// Section 17's client cases judge what a client did on the HTTP/2 connection prepared for them
// (harness::H2ClientExchange): pure functions, tested here on hand-made exchanges.
#include <gtest/gtest.h>

#include <string>

#include "harness/model/h2_client_script.h"
#include "tests/support/case_runs.h"

namespace wsconform {
namespace {

using harness::Behavior;
using harness::H2ClientExchange;
using harness::H2SettingsProfile;

harness::Verdict judge(const std::string& id, const H2ClientExchange& x) {
    const auto cases = test_support::select(id);
    EXPECT_EQ(cases.size(), 1u) << id;
    return cases.front()->h2_client_probe()->judge(x);
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

}  // namespace
}  // namespace wsconform
