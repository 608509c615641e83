// What `--profile` runs. `echo` (the default) runs every case as Autobahn does. `protocol` is
// for endpoints that do not echo (a chat service, an API): it runs the cases whose verdict
// rests on how the peer fails or closes (malformed frames, RSV bits, reserved opcodes,
// control-frame rules, UTF-8 fail-fast, close codes and reasons, ping/pong) and judges them
// on that alone; the cases that need an echo are reported not applicable (UNIMPLEMENTED), with
// the reason. Which case is which is the table protocol_rules(), keyed by case ID.
#pragma once

#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "harness/model/case.h"

namespace wsconform::cases {

enum class Profile { echo, protocol };

// "echo" or "protocol"; nothing for another name.
std::optional<Profile> parse_profile(std::string_view name);

// One row of the protocol profile: the cases `pattern` selects (anchored at both ends) run, or
// need an echo, or (section 6) run when the peer must fail the connection on them (invalid
// UTF-8) and need an echo otherwise (valid text). The first row that matches decides.
struct ProtocolRule {
    enum class Kind { runs, needs_echo, runs_when_peer_must_fail };
    std::string_view pattern;
    Kind kind;
    std::string_view why;  // what the case is judged on, or what it needs
};
std::span<const ProtocolRule> protocol_rules();

// What a WebSocket case's script declares when the connection opens: its expected
// alternatives and close, found by running on_open against a Session that sends nothing and
// fires no timer. Empty for a section 14 probe.
struct DeclaredExpectations {
    harness::Expectations expected;
    harness::ExpectedClose close;
};
DeclaredExpectations declared_expectations(const harness::Case& c);

// Whether the protocol profile runs `c`, and why (the row's sentence).
struct ProtocolDecision {
    bool runs = false;
    std::string why;
};
ProtocolDecision protocol_decision(const harness::Case& c);

// What the report says of a case the protocol profile does not run.
std::string not_run_under_protocol_profile(const ProtocolDecision& decision);

// `c` as the protocol profile runs it. A WebSocket case ignores the messages the peer sends
// and leaves them out of every alternative its on_open expects (pongs, timeouts and the close
// are judged as before); its expectation says so. A section 14 probe runs unchanged.
harness::Case protocol_variant(const harness::Case& c);

// The cases of one run under a profile: the echo profile takes them as they are; the protocol
// profile swaps in the variants of the cases it runs (owned here, so keep this alive while
// results point at them) and names the others with their reasons.
class ProfiledCases {
  public:
    ProfiledCases(std::span<const harness::Case* const> selected, Profile profile);
    ProfiledCases(const ProfiledCases&) = delete;
    ProfiledCases& operator=(const ProfiledCases&) = delete;

    // Every selected case, in order (those not run included: the runner reports them).
    const std::vector<const harness::Case*>& cases() const noexcept { return cases_; }
    // Case ID -> why it is not run (reported UNIMPLEMENTED without a connection).
    const std::map<std::string, std::string>& not_run() const noexcept { return not_run_; }

  private:
    std::deque<harness::Case> variants_;
    std::vector<const harness::Case*> cases_;
    std::map<std::string, std::string> not_run_;
};

}  // namespace wsconform::cases
