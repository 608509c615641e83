#include "reports/autobahn_json.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "protocol/hex.h"
#include "reports/outcomes.h"

namespace wsconform::reports {

using nlohmann::json;
using nlohmann::ordered_json;

namespace {

constexpr std::string_view kEllipsis = " ...";

bool is_alnum_lower(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

char ascii_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// True when Autobahn cuts a payload of this length (len(data) > maxlen - len(ellipses)).
bool is_cut(std::uint64_t full_length, std::size_t max) {
    return full_length + kEllipsis.size() > max;
}

json optional_json(const std::optional<std::string>& s) {
    return s ? json(detail::valid_utf8(*s)) : json(nullptr);
}
json optional_json(const std::optional<std::uint16_t>& v) {
    return v ? json(*v) : json(nullptr);
}
json optional_json(const std::optional<std::uint64_t>& v) {
    return v ? json(*v) : json(nullptr);
}
json empty_is_null(const std::string& s) {
    return s.empty() ? json(nullptr) : json(detail::valid_utf8(s));
}

// Autobahn's delays are Python ints or floats: 1, 60, 0.5.
json delay_json(double seconds) {
    if (std::isfinite(seconds) && std::abs(seconds) < 1e15 && std::round(seconds) == seconds)
        return static_cast<std::int64_t>(seconds);
    return seconds;
}

template <class Key>
json stats_json(const std::map<Key, std::uint64_t>& stats) {
    json out = json::object();
    for (const auto& [key, count] : stats) out[std::to_string(key)] = count;
    return out;
}

// AB:fuzzing.py cleanBin: ("message", text, isBinary) / ("pong", text) / ("timeout", tag).
json event_json(const harness::Event& e) {
    switch (e.kind) {
        case harness::Event::Kind::message:
            return json::array({"message", ascii_log_data(e.data), e.binary});
        case harness::Event::Kind::pong:
            return json::array({"pong", ascii_log_data(e.data)});
        case harness::Event::Kind::timeout:
            return json::array({"timeout", detail::valid_utf8(e.data)});
    }
    return json::array({"timeout", detail::valid_utf8(e.data)});
}

// A message cut short (the case kept its beginning) gets a fourth element: what was not kept.
json events_json(const std::vector<harness::Event>& events) {
    json out = json::array();
    for (const auto& e : events) {
        out.push_back(event_json(e));
        if (e.omitted > 0)
            out.back().push_back(json{{"omittedOctets", e.omitted}, {"sha256", e.sha256}});
    }
    return out;
}

json tag_json(const std::string& tag) {
    return empty_is_null(tag);
}

// One wirelog row as Autobahn's positional array (AB:fuzzing.py logRxOctets ... closeAfter).
json wire_row_json(const harness::WireRow& row) {
    const std::string& k = row.kind;
    if (k == "TO")
        return json::array(
            {k, json::array({row.length, bin_log_data(row.excerpt, row.length)}), row.sync});
    if (k == "RO")
        return json::array({k, json::array({row.length, bin_log_data(row.excerpt, row.length)})});
    if (k == "TF")
        return json::array({k, json::array({row.length, ascii_log_data(row.excerpt, row.length)}),
                            row.opcode, row.fin, row.rsv, optional_json(row.mask_hex),
                            optional_json(row.repeat_length), optional_json(row.chopsize),
                            row.sync});
    if (k == "RF")
        return json::array({k, json::array({row.length, ascii_log_data(row.excerpt, row.length)}),
                            row.opcode, row.fin, row.rsv, row.masked,
                            row.masked ? optional_json(row.mask_hex) : json(nullptr)});
    if (k == "CT") return json::array({k, delay_json(row.delay_s), tag_json(row.text)});
    if (k == "CTE") return json::array({k, tag_json(row.text)});
    if (k == "KL" || k == "TI") return json::array({k, delay_json(row.delay_s)});
    if (k == "KLE" || k == "TIE") return json::array({k});
    if (k == "WLM") return json::array({k, row.enabled});
    // "NOTE" (ours), and any kind we do not know: the kind and its text.
    json out = json::array({detail::valid_utf8(k)});
    if (k == "NOTE" || !row.text.empty()) out.push_back(detail::valid_utf8(row.text));
    return out;
}

std::string_view level_name(harness::Level level) {
    constexpr std::pair<harness::Level, std::string_view> kNames[] = {
        {harness::Level::must, "must"},
        {harness::Level::should, "should"},
        {harness::Level::informational, "informational"},
    };
    for (const auto& [l, name] : kNames)
        if (l == level) return name;
    return "must";
}

// Autobahn's trafficStats object (AB:fuzzing.py): octets per level, frames, messages, and the
// ratios derived from them.
nlohmann::json traffic_json(const harness::TrafficStats& t) {
    nlohmann::json j = nlohmann::json::object();
    auto direction = [&](const char* prefix, const harness::TrafficStats::Direction& d) {
        const std::string p = prefix;
        j[p + "OctetsAppLevel"] = d.octets_app;
        j[p + "OctetsWebSocketLevel"] = d.octets_websocket;
        j[p + "OctetsWireLevel"] = d.octets_wire;
        j[p + "WebSocketFrames"] = d.frames;
        j[p + "WebSocketMessages"] = d.messages;
        j[p + "CompressionRatio"] = d.octets_app
                                        ? nlohmann::json(static_cast<double>(d.octets_websocket) /
                                                         static_cast<double>(d.octets_app))
                                        : nlohmann::json(nullptr);
        j[p + "WebSocketOverhead"] =
            d.octets_websocket
                ? nlohmann::json(static_cast<double>(d.octets_wire -
                                                     std::min(d.octets_wire, d.octets_websocket)) /
                                 static_cast<double>(d.octets_websocket))
                : nlohmann::json(nullptr);
    };
    direction("incoming", t.incoming);
    direction("outgoing", t.outgoing);
    j["preopenIncomingOctetsWireLevel"] = t.preopen_incoming_wire;
    j["preopenOutgoingOctetsWireLevel"] = t.preopen_outgoing_wire;
    return j;
}

bool is_stats_key(std::string_view key) {
    return key == "rxFrameStats" || key == "txFrameStats" || key == "rxOctetStats" ||
           key == "txOctetStats";
}

bool all_digits(std::string_view s) {
    return !s.empty() &&
           std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Python sorts int keys numerically; our stats keys are canonical decimals.
bool numeric_less(const std::string& a, const std::string& b) {
    const bool da = all_digits(a), db = all_digits(b);
    if (da != db) return da;
    if (da && a.size() != b.size()) return a.size() < b.size();
    return a < b;
}

ordered_json to_ordered(const json& j, bool numeric_keys) {
    if (j.is_object()) {
        std::vector<const std::string*> keys;
        keys.reserve(j.size());
        for (const auto& [key, value] : j.items()) keys.push_back(&key);
        if (numeric_keys)
            std::sort(keys.begin(), keys.end(), [](const std::string* a, const std::string* b) {
                return numeric_less(*a, *b);
            });
        ordered_json out = ordered_json::object();
        auto& obj = out.get_ref<ordered_json::object_t&>();
        for (const std::string* key : keys) obj.emplace(*key, to_ordered(j.at(*key), false));
        return out;
    }
    if (j.is_array()) {
        ordered_json out = ordered_json::array();
        auto& arr = out.get_ref<ordered_json::array_t&>();
        arr.reserve(j.size());
        for (const auto& e : j) arr.push_back(to_ordered(e, false));
        return out;
    }
    return ordered_json(j);
}

[[noreturn]] void bad_index(const std::string& where, const std::string& what) {
    throw std::runtime_error("index.json: " + where + ": " + what);
}

harness::Behavior behavior_field(const json& entry, const char* key, const std::string& where) {
    const auto it = entry.find(key);
    if (it == entry.end() || !it->is_string())
        bad_index(where, std::string("no string \"") + key + '"');
    const auto b = harness::behavior_from_string(it->get_ref<const std::string&>());
    if (!b) bad_index(where, std::string("unknown ") + key + " \"" + it->get<std::string>() + '"');
    return *b;
}

}  // namespace

// ---- File names.

std::string clean_for_filename(std::string_view agent) {
    std::string out;
    std::size_t pending = 0;  // '_' owed for non-alphanumerics since the last kept character
    for (std::size_t i = 0; i < agent.size() && out.size() < kMaxCleanNameChars;) {
        const char c = ascii_lower(agent[i]);
        if (is_alnum_lower(c)) {
            // Autobahn strips the ones at the start (and, by never paying them, at the end).
            if (!out.empty()) out.append(std::min(pending, kMaxCleanNameChars - out.size()), '_');
            pending = 0;
            if (out.size() < kMaxCleanNameChars) out.push_back(c);
            ++i;
            continue;
        }
        // One '_' per character: a whole UTF-8 sequence counts as one, as in Python's unicode.
        const std::size_t n = detail::utf8_sequence_length(agent, i);
        ++pending;
        i += n ? n : 1;
    }
    out.erase(out.find_last_not_of('_') + 1);
    return out.empty() ? std::string("unknown") : out;
}

std::string case_report_file(std::string_view agent, std::string_view case_id,
                             std::string_view ext) {
    return case_file_for_stem(clean_for_filename(agent), case_id, ext);
}

std::string case_file_for_stem(std::string_view stem, std::string_view case_id,
                               std::string_view ext) {
    std::string id;
    id.reserve(std::min(case_id.size(), kMaxCleanNameChars));
    for (const char c : case_id.substr(0, kMaxCleanNameChars)) {
        const bool keep =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        id.push_back(keep ? c : '_');
    }
    std::string name(stem);
    name += "_case_";
    name += id;
    name += '.';
    for (const char c : ext.substr(0, 16)) name.push_back(is_alnum_lower(ascii_lower(c)) ? c : '_');
    return name;
}

// ---- Payload excerpts.

std::string bin_log_data(std::string_view data, std::uint64_t full_length, std::size_t max) {
    if (is_cut(full_length, max)) return protocol::hex_encode(data, max) + std::string(kEllipsis);
    return protocol::hex_encode(data);
}

std::string ascii_log_data(std::string_view data, std::uint64_t full_length, std::size_t max) {
    std::string out(data.substr(0, is_cut(full_length, max) ? max : data.size()));
    if (!detail::is_valid_utf8(out)) return "0x" + bin_log_data(data, full_length, max);
    if (is_cut(full_length, max)) out += kEllipsis;
    return out;
}

// ---- Per-case report.

json case_result_json(const harness::CaseResult& r) {
    static const harness::Case kNoCase{};
    const harness::Case& c = r.test ? *r.test : kNoCase;
    const harness::Observation& o = r.observation;
    const harness::Verdict& v = r.verdict;

    json expected = json::object();
    for (const auto& [behavior, events] : o.expected)
        expected[std::string(harness::to_string(behavior))] = events_json(events);

    json expected_close = json::object();
    expected_close["closeCode"] = o.expected_close.close_codes;
    expected_close["closedByMe"] = o.expected_close.closed_by_me;
    expected_close["requireClean"] = o.expected_close.require_clean;
    // Autobahn sets this key only in the UTF-8 cases that use it.
    if (o.expected_close.closed_by_wrong_endpoint_is_fatal)
        expected_close["closedByWrongEndpointIsFatal"] = true;

    json wirelog = json::array();
    json times = json::array();
    for (const auto& row : r.wirelog.rows()) {
        wirelog.push_back(wire_row_json(row));
        times.push_back(row.t_us);
    }

    // Frame counts: the wire log keeps them even while switched off; the Session's own counts
    // stand in when the wire log has none.
    const auto& rx_frames = r.wirelog.rx_frames.empty() ? o.rx_frames : r.wirelog.rx_frames;
    const auto& tx_frames = r.wirelog.tx_frames.empty() ? o.tx_frames : r.wirelog.tx_frames;

    auto http_text = [](const std::string& s) {
        return s.empty() ? std::string("?") : detail::valid_utf8(s);
    };

    json j = json::object();
    // Autobahn's 39 keys.
    j["agent"] = detail::valid_utf8(r.agent);
    j["behavior"] = harness::to_string(v.behavior);
    j["behaviorClose"] = harness::to_string(v.behavior_close);
    j["case"] = r.case_number;
    j["closedByMe"] = o.closed_by_me;
    j["createStats"] = true;
    j["createWirelog"] = r.wirelog.enabled();
    j["description"] = detail::valid_utf8(c.description);
    j["droppedByMe"] = o.dropped_by_me;
    j["duration"] = r.duration_ms;
    j["expectation"] = detail::valid_utf8(c.expectation);
    j["expected"] = std::move(expected);
    j["expectedClose"] = std::move(expected_close);
    j["failedByMe"] = o.failed_by_me;
    j["httpRequest"] = http_text(r.http_request);
    j["httpResponse"] = http_text(r.http_response);
    j["id"] = detail::valid_utf8(c.id);
    j["isServer"] = r.is_server;
    j["localCloseCode"] = optional_json(o.local_close_code);
    j["localCloseReason"] = optional_json(o.local_close_reason);
    j["received"] = events_json(o.received);
    j["remoteCloseCode"] = optional_json(o.remote_close_code);
    j["remoteCloseReason"] = optional_json(o.remote_close_reason);
    j["reportCompressionRatio"] = c.websocket() && c.websocket()->report_compression_ratio;
    j["reportTime"] = c.websocket() && c.websocket()->report_time;
    j["result"] = detail::valid_utf8(v.result);
    j["resultClose"] = detail::valid_utf8(v.result_close);
    j["rxFrameStats"] = stats_json(rx_frames);
    j["rxOctetStats"] = stats_json(r.wirelog.rx_octets);
    j["started"] = detail::valid_utf8(r.started);
    j["trafficStats"] = r.traffic ? traffic_json(*r.traffic) : nlohmann::json(nullptr);
    j["txFrameStats"] = stats_json(tx_frames);
    j["txOctetStats"] = stats_json(r.wirelog.tx_octets);
    j["wasClean"] = o.was_clean;
    j["wasCloseHandshakeTimeout"] = o.was_close_handshake_timeout;
    j["wasNotCleanReason"] = empty_is_null(o.was_not_clean_reason);
    j["wasOpenHandshakeTimeout"] = o.was_open_handshake_timeout;
    j["wasServerConnectionDropTimeout"] = o.was_server_connection_drop_timeout;
    j["wirelog"] = std::move(wirelog);
    // Ours.
    j["title"] = detail::valid_utf8(c.title);
    json rfc = json::array();
    for (const auto& section : c.rfc) rfc.push_back(detail::valid_utf8(section));
    j["rfc"] = std::move(rfc);
    j["requirement"] = detail::valid_utf8(c.requirement);
    j["level"] = level_name(c.level);
    j["outcome"] = harness::to_string(v.outcome);
    j["outcomeReason"] = detail::valid_utf8(v.outcome_reason);
    j["harnessError"] = empty_is_null(o.harness_error);
    j["wirelogTimesUs"] = std::move(times);
    j["wirelogDroppedRows"] = r.wirelog.dropped_rows();
    if (!o.expected_close_judged) j["expectedCloseJudged"] = false;
    if (const auto& dropped = o.received_dropped; dropped.count > 0)
        j["receivedDropped"] = json{{"events", dropped.count},
                                    {"octets", dropped.octets},
                                    {"sha256", dropped.sha256},
                                    {"last", events_json(dropped.last)}};
    return j;
}

std::string dump_case_json(const json& case_json) {
    ordered_json out;
    if (case_json.is_object()) {
        out = ordered_json::object();
        auto& obj = out.get_ref<ordered_json::object_t&>();
        for (const auto& [key, value] : case_json.items())
            obj.emplace(key, to_ordered(value, is_stats_key(key)));
    } else {
        out = to_ordered(case_json, false);
    }
    return out.dump(3, ' ', true, ordered_json::error_handler_t::replace);
}

// ---- index.json.

IndexEntry index_entry(const harness::CaseResult& r) {
    IndexEntry e;
    e.behavior = r.verdict.behavior;
    e.behavior_close = r.verdict.behavior_close;
    e.duration_ms = r.duration_ms;
    e.remote_close_code = r.observation.remote_close_code;
    e.reportfile = case_report_file(r.agent, r.test ? r.test->id : std::string(), "json");
    if (r.verdict.outcome != harness::overall_outcome(e.behavior, e.behavior_close))
        e.outcome = r.verdict.outcome;
    return e;
}

std::string dump_index_json(const Index& index) {
    json out = json::object();
    for (const auto& [agent, cases] : index) {
        json& per_agent = out[agent];
        per_agent = json::object();
        for (const auto& [id, e] : cases) {
            per_agent[id] = json{
                {"behavior", harness::to_string(e.behavior)},
                {"behaviorClose", harness::to_string(e.behavior_close)},
                {"duration", e.duration_ms},
                {"remoteCloseCode", optional_json(e.remote_close_code)},
                {"reportfile", e.reportfile},
            };
            if (e.outcome) per_agent[id]["outcome"] = harness::to_string(*e.outcome);
        }
    }
    return out.dump(3, ' ', true, json::error_handler_t::replace);
}

Index parse_index_json(std::string_view text) {
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::parse_error& e) {
        throw std::runtime_error(std::string("index.json: not JSON: ") + e.what());
    }
    if (!doc.is_object()) bad_index("top level", "not an object of agents");
    Index index;
    for (const auto& [agent, cases] : doc.items()) {
        if (!cases.is_object()) bad_index("agent \"" + agent + '"', "not an object of cases");
        auto& per_agent = index[agent];
        for (const auto& [id, entry] : cases.items()) {
            const std::string where = "agent \"" + agent + "\" case \"" + id + '"';
            if (!entry.is_object()) bad_index(where, "not an object");
            IndexEntry e;
            e.behavior = behavior_field(entry, "behavior", where);
            e.behavior_close = behavior_field(entry, "behaviorClose", where);
            if (const auto d = entry.find("duration"); d != entry.end() && !d->is_null()) {
                if (d->is_number_integer())
                    e.duration_ms = d->get<std::int64_t>();
                else if (d->is_number())
                    e.duration_ms = static_cast<std::int64_t>(std::llround(d->get<double>()));
                else
                    bad_index(where, "duration is not a number");
            }
            if (const auto c = entry.find("remoteCloseCode"); c != entry.end() && !c->is_null()) {
                if (!c->is_number_integer() || c->get<std::int64_t>() < 0 ||
                    c->get<std::int64_t>() > 65535)
                    bad_index(where, "remoteCloseCode is not a close code");
                e.remote_close_code = static_cast<std::uint16_t>(c->get<std::int64_t>());
            }
            if (const auto o = entry.find("outcome"); o != entry.end() && o->is_string())
                e.outcome = outcome_from_string(o->get_ref<const std::string&>());
            if (const auto f = entry.find("reportfile"); f != entry.end() && f->is_string())
                e.reportfile = f->get<std::string>();
            else
                e.reportfile = case_report_file(agent, id, "json");
            per_agent[id] = std::move(e);
        }
    }
    return index;
}

Index read_index_json(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::system_error(errno ? errno : ENOENT, std::generic_category(),
                                "cannot read " + path.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw std::system_error(EIO, std::generic_category(), "cannot read " + path.string());
    try {
        return parse_index_json(text.str());
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path.string() + ": " + e.what());
    }
}

}  // namespace wsconform::reports
