// Section 18, masking (RFC 6455 5.1): a client masks every frame, a server none, and each fails
// the connection on a frame masked the other way. Our reference server and a client of ours
// pass every case; a server that takes unmasked frames and a client that takes masked ones
// (tests/support/handshake_peers.h) are flagged by every section 18 case and by no other case
// of a wide selection, compared with the same peer without the flaw.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "cases/registry.h"
#include "tests/support/case_runs.h"

namespace wsconform {
namespace {

using harness::Outcome;
using test_support::ClientFlaw;
using test_support::explain;
using test_support::Results;
using test_support::ServerFlaw;

bool in_section18(const std::string& id) {
    return id.starts_with("18.");
}

// `flawed` fails exactly the section 18 cases, which `control` passes; every other case ends
// with the same outcome against both.
void expect_flagged_by_section18_only(const Results& control, const Results& flawed) {
    ASSERT_EQ(control.size(), flawed.size());
    std::size_t flagged = 0;
    for (const auto& [id, with_flaw] : flawed) {
        SCOPED_TRACE(id + ": flawed " + explain(with_flaw));
        ASSERT_TRUE(control.count(id));
        const auto& without = control.at(id);
        if (in_section18(id)) {
            EXPECT_EQ(without.verdict.outcome, Outcome::pass) << "control " << explain(without);
            EXPECT_EQ(with_flaw.verdict.outcome, Outcome::fail);
            ++flagged;
        } else {
            EXPECT_EQ(with_flaw.verdict.outcome, without.verdict.outcome)
                << "control " << explain(without);
        }
    }
    EXPECT_EQ(flagged, test_support::select("18.*").size());
}

TEST(MaskingSection, CatalogueCoversBothRulesInDataControlAndFragmentedFrames) {
    const auto cases = test_support::select("18.*");
    ASSERT_GE(cases.size(), 10u);
    for (const auto* c : cases) {
        SCOPED_TRACE(c->id);
        EXPECT_EQ(c->level, harness::Level::must);
        ASSERT_FALSE(c->rfc.empty());
        EXPECT_EQ(c->rfc.front(), "RFC 6455 5.1");
        EXPECT_NE(c->description.find("masked the wrong way"), std::string::npos);
    }
    // In the default selection: "*" and "1*" take it (unlike the opt-in section 15).
    const std::vector<std::string> everything{"*"}, ones{"1*"};
    EXPECT_EQ(cases::select(everything, {}).back()->id.substr(0, 3), "18.");
    std::size_t in_ones = 0;
    for (const auto* c : cases::select(ones, {})) in_ones += in_section18(c->id);
    EXPECT_EQ(in_ones, cases.size());
}

TEST(MaskingSection, ReferenceServerPassesEveryCase) {
    const auto results = test_support::run_reference_server_cases({"18.*"});
    EXPECT_EQ(results.size(), test_support::select("18.*").size());
    for (const auto& [id, r] : results)
        EXPECT_EQ(r.verdict.outcome, Outcome::pass) << id << ": " << explain(r);
}

TEST(MaskingSection, ServerTakingUnmaskedFramesIsFlaggedBySection18Only) {
    const std::vector<std::string> wide{"1.*", "2.*", "3.*",  "4.*", "5.*",
                                        "6.*", "7.*", "10.*", "18.*"};
    test_support::HandshakeServer control_server(ServerFlaw::none);
    const auto control = test_support::run_server_cases(control_server.port(), wide);
    test_support::HandshakeServer flawed_server(ServerFlaw::accepts_unmasked);
    const auto flawed = test_support::run_server_cases(flawed_server.port(), wide);
    expect_flagged_by_section18_only(control, flawed);
}

TEST(MaskingSection, ClientTakingMaskedFramesIsFlaggedBySection18Only) {
    // test-client plays the cases one after the other: a smaller selection.
    const std::vector<std::string> wide{"1.1.*", "2.*", "3.*", "4.*", "5.*", "7.1.*", "18.*"};
    const auto control = test_support::run_client_cases(ClientFlaw::none, wide, "good-client");
    const auto flawed =
        test_support::run_client_cases(ClientFlaw::accepts_masked, wide, "lax-client");
    expect_flagged_by_section18_only(control, flawed);
}

}  // namespace
}  // namespace wsconform
