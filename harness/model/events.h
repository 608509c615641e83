// What a case expects and what the peer did, as plain data: the judge's input and the
// report's content. No I/O here.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wsconform::harness {

// One thing the peer sent that Autobahn records (AB:case/case.py): a complete message, a pong,
// or a `timeout` tag a script records when one of its waits elapsed with the connection open.
// Incoming pings are answered and never recorded.
struct Event {
    enum class Kind { message, pong, timeout };
    Kind kind = Kind::message;
    bool binary = false;  // messages only
    std::string data;     // message or pong payload; the tag for a timeout
    // A message larger than the case keeps: the payload bytes past `data` that were counted
    // and hashed, not kept, and the SHA-256 (lower-case hex) of the whole payload. Such an
    // event never equals an expected one.
    std::uint64_t omitted = 0;
    std::string sha256{};

    friend bool operator==(const Event&, const Event&) = default;
};

inline Event text_message(std::string payload) {
    return {Event::Kind::message, false, std::move(payload)};
}
inline Event binary_message(std::string payload) {
    return {Event::Kind::message, true, std::move(payload)};
}
inline Event pong(std::string payload) {
    return {Event::Kind::pong, false, std::move(payload)};
}
inline Event timeout(std::string tag) {
    return {Event::Kind::timeout, false, std::move(tag)};
}

// Autobahn's verdict values, in both columns (`behavior`, `behaviorClose`).
enum class Behavior {
    ok,
    non_strict,
    failed,
    wrong_code,
    unclean,
    failed_by_client,
    informational,
    unimplemented,
};
// Autobahn's spelling: "OK", "NON-STRICT", "FAILED", "WRONG CODE", "UNCLEAN",
// "FAILED BY CLIENT", "INFORMATIONAL", "UNIMPLEMENTED".
std::string_view to_string(Behavior b) noexcept;
std::optional<Behavior> behavior_from_string(std::string_view s) noexcept;

// Autobahn's expectedClose.
struct ExpectedClose {
    bool closed_by_me = true;
    std::vector<std::uint16_t> close_codes{1000};
    bool require_clean = true;
    // UTF-8 cases: the wrong endpoint closing also fails `behavior` (Autobahn #20).
    bool closed_by_wrong_endpoint_is_fatal = false;
};

// The alternatives a case accepts, in Autobahn's order (OK first, then NON-STRICT).
using Expectations = std::vector<std::pair<Behavior, std::vector<Event>>>;

// Our one-word summary over both columns, and the states Autobahn's columns cannot say: a
// warning (the peer passed, with something a person should look at) and a case the run did
// not make (interrupted, the run timeout, the target unreachable). New values go at the end.
enum class Outcome { pass, non_strict, informational, unimplemented, fail, warning, not_run };
inline constexpr std::size_t kOutcomeCount = static_cast<std::size_t>(Outcome::not_run) + 1;
std::string_view to_string(Outcome o) noexcept;  // "pass", "non-strict", ..., "not-run"

}  // namespace wsconform::harness
