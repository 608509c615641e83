#include "reports/terminal.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <map>
#include <ostream>
#include <string>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "protocol/hex.h"
#include "reports/autobahn_json.h"
#include "reports/text.h"

namespace wsconform::reports {

namespace {

constexpr std::size_t kMaxEventsShown = 4;
constexpr std::size_t kMaxPayloadShown = 32;  // bytes of a payload shown in the terminal
constexpr std::size_t kMaxRecapRows = 50;

constexpr std::string_view kReset = "\x1b[0m";
constexpr std::string_view kDim = "\x1b[2m";
constexpr std::string_view kBold = "\x1b[1m";

// Text for a terminal: valid UTF-8 is kept except control characters (C0, DEL, C1) and the
// bidirectional overrides, which are escaped, as are bytes that are not UTF-8; so a peer
// cannot move the cursor, recolour or reorder what we print.
std::string printable(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    char buf[16];
    for (std::size_t i = 0; i < s.size();) {
        const auto b = static_cast<unsigned char>(s[i]);
        const std::size_t n = detail::utf8_sequence_length(s, i);
        if (n == 0) {
            std::snprintf(buf, sizeof buf, "\\x%02x", b);
            out += buf;
            ++i;
            continue;
        }
        const std::uint32_t cp = detail::code_point(s, i, n);
        const bool control = cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f);
        const bool bidi = detail::is_bidi_format(cp);
        if (cp == '\n') {
            out += "\\n";
        } else if (cp == '\r') {
            out += "\\r";
        } else if (cp == '\t') {
            out += "\\t";
        } else if (control || bidi) {
            std::snprintf(buf, sizeof buf, cp < 0x100 ? "\\x%02x" : "\\u%04x",
                          static_cast<unsigned>(cp));
            out += buf;
        } else {
            out.append(s.substr(i, n));
        }
        i += n;
    }
    return out;
}

// A payload, briefly: "Hello" as text when it is UTF-8, else 0x hex; cut with "…".
std::string payload_brief(std::string_view data) {
    const bool cut = data.size() > kMaxPayloadShown;
    std::string_view head = data.substr(0, kMaxPayloadShown);
    // Do not cut a UTF-8 sequence in half (at most 3 bytes to drop).
    if (cut && !detail::is_valid_utf8(head) && detail::is_valid_utf8(data)) {
        while (!head.empty() && !detail::is_valid_utf8(head)) head.remove_suffix(1);
    }
    std::string out;
    if (detail::is_valid_utf8(head))
        out = '"' + printable(head) + (cut ? "…\"" : "\"");
    else
        out = "0x" + protocol::hex_encode(head) + (cut ? "…" : "");
    return out;
}

std::string event_brief(const harness::Event& e) {
    switch (e.kind) {
        case harness::Event::Kind::message:
            return std::string(e.binary ? "binary " : "text ") + payload_brief(e.data) + " (" +
                   std::to_string(e.data.size()) + " B)";
        case harness::Event::Kind::pong:
            return "pong " + payload_brief(e.data) + " (" + std::to_string(e.data.size()) + " B)";
        case harness::Event::Kind::timeout:
            return "timeout " + printable(e.data);
    }
    return {};
}

std::string events_brief(const std::vector<harness::Event>& events) {
    if (events.empty()) return "no message";
    std::string out;
    for (std::size_t i = 0; i < events.size() && i < kMaxEventsShown; ++i) {
        if (i) out += ", ";
        out += event_brief(events[i]);
    }
    if (events.size() > kMaxEventsShown)
        out += ", +" + std::to_string(events.size() - kMaxEventsShown) + " more";
    return out;
}

std::string codes_brief(const std::vector<std::uint16_t>& codes) {
    if (codes.empty()) return "any code";
    std::string out = "code ";
    for (std::size_t i = 0; i < codes.size(); ++i) {
        if (i) out += i + 1 == codes.size() ? " or " : ", ";
        out += std::to_string(codes[i]);
    }
    return out;
}

// A case without an event script (Autobahn's 9.x and 12.x, our 17.x) is judged by a rule of its
// own, which its expectation states in words; a close expectation is shown where it was judged
// (9.x and 12.x, not 17.x).
std::string expected_brief(const harness::Observation& o, const harness::Case* test) {
    std::string out;
    if (o.expected.empty() && test && !test->expectation.empty())
        out = printable(test->expectation);
    for (const auto& [behavior, events] : o.expected) {
        if (!out.empty()) out += " | ";
        out += std::string(harness::to_string(behavior)) + ": " + events_brief(events);
    }
    if (!o.expected_close_judged) return out;
    if (!out.empty()) out += "; ";
    const auto& c = o.expected_close;
    out += c.closed_by_me ? "we close, the peer replies with " : "the peer closes with ";
    out += codes_brief(c.close_codes);
    out += c.require_clean ? ", cleanly" : ", clean or not";
    return out;
}

std::string actual_brief(const harness::Observation& o) {
    std::string out = events_brief(o.received);
    out += "; ";
    if (!o.was_open) {
        out += "the connection never opened";
    } else {
        const bool peer_sent_close = o.remote_close_code || o.remote_close_reason;
        const std::string code =
            o.remote_close_code ? "code " + std::to_string(*o.remote_close_code) : "no code";
        if (o.failed_by_me || o.closed_by_me) {
            out += o.failed_by_me ? "we failed the connection; " : "we closed; ";
            out += peer_sent_close ? "the peer sent " + code : "no close frame from the peer";
        } else {
            out +=
                peer_sent_close ? "the peer closed with " + code : "no close frame from the peer";
        }
        if (o.remote_close_reason && !o.remote_close_reason->empty())
            out += " \"" + printable(*o.remote_close_reason) + '"';
        if (o.was_clean)
            out += ", clean";
        else
            out += ", unclean" + (o.was_not_clean_reason.empty()
                                      ? std::string()
                                      : " (" + printable(o.was_not_clean_reason) + ")");
        if (o.dropped_by_me) out += ", we dropped TCP";
    }
    if (!o.harness_error.empty()) out += "; harness: " + printable(o.harness_error);
    return out;
}

using OutcomeCounts = std::array<std::size_t, harness::kOutcomeCount>;

std::string counts_line(const OutcomeCounts& counts) {
    using harness::Outcome;
    auto n = [&](Outcome o) { return counts[static_cast<std::size_t>(o)]; };
    std::string out = std::to_string(n(Outcome::pass)) + " passed";
    auto some = [&](Outcome o, std::string_view what) {
        if (n(o)) out += ", " + std::to_string(n(o)) + " " + std::string(what);
    };
    some(Outcome::non_strict, "non-strict");
    some(Outcome::informational, "informational");
    some(Outcome::warning, n(Outcome::warning) == 1 ? "warning" : "warnings");
    some(Outcome::unimplemented, "unimplemented");
    out += ", " + std::to_string(n(Outcome::fail)) + " failed";
    some(Outcome::not_run, "not run");
    return out;
}

OutcomeCounts count(const std::vector<const SummaryRow*>& rows) {
    OutcomeCounts counts{};
    for (const auto* r : rows) {
        const auto i = static_cast<std::size_t>(r->outcome);
        if (i < counts.size()) ++counts[i];
    }
    return counts;
}

std::string cases_word(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " case" : " cases");
}

}  // namespace

SummaryRow summary_row(const harness::CaseResult& r) {
    SummaryRow row;
    if (r.test) {
        row.id = r.test->id;
        row.title = r.test->title;
    }
    row.agent = r.agent;
    row.outcome = r.verdict.outcome;
    row.reason = r.verdict.outcome_reason;
    row.duration_ms = r.duration_ms;
    return row;
}

std::string paint(std::string_view style, std::string_view text, bool color) {
    if (!color || style.empty()) return std::string(text);
    std::string out(style);
    out += text;
    out += kReset;
    return out;
}

void print_case_line(std::ostream& out, const harness::CaseResult& r, bool color) {
    const auto outcome = r.verdict.outcome;
    const auto style = outcome_color(outcome);
    const std::string id = r.test ? printable(r.test->id) : std::string("?");
    std::string line = paint(style, outcome_symbol(outcome), color) + ' ' + paint(kBold, id, color);
    if (r.test && !r.test->title.empty()) line += "  " + printable(r.test->title);
    if (!r.verdict.outcome_reason.empty())
        line += " — " + paint(style, printable(r.verdict.outcome_reason), color);
    line += ' ' + paint(kDim, "[" + printable(r.agent) + "]", color);
    out << line << '\n';

    if (outcome != harness::Outcome::fail) return;
    if (r.test && !r.test->requirement.empty())
        out << "    Requirement: " << printable(r.test->requirement) << '\n';
    out << "    Expected: " << expected_brief(r.observation, r.test) << '\n';
    out << "    Actual:   " << actual_brief(r.observation) << '\n';
}

void print_summary(std::ostream& out, const std::vector<SummaryRow>& rows, double elapsed_s,
                   bool color) {
    std::vector<const SummaryRow*> all;
    all.reserve(rows.size());
    for (const auto& r : rows) all.push_back(&r);

    std::vector<const SummaryRow*> failed;
    for (const auto* r : all)
        if (r->outcome == harness::Outcome::fail) failed.push_back(r);
    std::sort(failed.begin(), failed.end(), [](const SummaryRow* a, const SummaryRow* b) {
        if (a->agent != b->agent) return a->agent < b->agent;
        return harness::case_id_less(a->id, b->id);
    });
    if (!failed.empty()) {
        out << '\n' << paint(kBold, "Failed:", color) << '\n';
        for (std::size_t i = 0; i < failed.size() && i < kMaxRecapRows; ++i) {
            const auto& r = *failed[i];
            out << "  " << paint(outcome_color(r.outcome), outcome_symbol(r.outcome), color) << ' '
                << printable(r.id);
            if (!r.title.empty()) out << "  " << printable(r.title);
            if (!r.reason.empty()) out << " — " << printable(r.reason);
            out << ' ' << paint(kDim, "[" + printable(r.agent) + "]", color) << '\n';
        }
        if (failed.size() > kMaxRecapRows)
            out << "  … and " << failed.size() - kMaxRecapRows << " more\n";
    }

    std::map<std::string, std::vector<const SummaryRow*>> by_agent;
    for (const auto* r : all) by_agent[r->agent].push_back(r);
    out << '\n';
    if (by_agent.size() > 1) {
        for (const auto& [agent, agent_rows] : by_agent)
            out << "  " << printable(agent) << ": " << cases_word(agent_rows.size()) << ": "
                << counts_line(count(agent_rows)) << '\n';
    }

    const auto counts = count(all);
    const bool any_failed = counts[static_cast<std::size_t>(harness::Outcome::fail)] > 0 ||
                            counts[static_cast<std::size_t>(harness::Outcome::not_run)] > 0;
    char elapsed[32];
    std::snprintf(elapsed, sizeof elapsed, "%.2f s", elapsed_s);
    const std::string line =
        cases_word(all.size()) + ": " + counts_line(counts) + " (" + elapsed + ")";
    out << paint(any_failed ? outcome_color(harness::Outcome::fail)
                            : outcome_color(harness::Outcome::pass),
                 line, color)
        << '\n';
}

}  // namespace wsconform::reports
