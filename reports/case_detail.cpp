#include "reports/case_detail.h"

#include <algorithm>
#include <exception>
#include <string_view>

#include <nlohmann/json.hpp>

namespace wsconform::reports {

using nlohmann::json;

namespace {

const json* field(const json* doc, const char* key) {
    if (!doc || !doc->is_object()) return nullptr;
    const auto it = doc->find(key);
    return it == doc->end() ? nullptr : &*it;
}

std::string text_of(const json* v) {
    if (!v || v->is_null()) return {};
    if (v->is_string()) return v->get<std::string>();
    return v->dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<bool> flag(const json* v) {
    if (!v || !v->is_boolean()) return std::nullopt;
    return v->get<bool>();
}

bool is_true(const json* v) {
    return flag(v).value_or(false);
}

// A close code: nullopt when missing or null.
std::optional<std::string> code(const json* v) {
    if (!v || v->is_null()) return std::nullopt;
    return text_of(v);
}

EventList events_of(const json* v) {
    if (!v || !v->is_array()) return std::nullopt;
    std::vector<EventEntry> events;
    for (const auto& e : *v) {
        EventEntry entry;
        if (e.is_array() && !e.empty() && e[0].is_string()) {
            entry.kind = e[0].get<std::string>();
            entry.binary = *entry.kind == "message" && e.size() > 2 && is_true(&e[2]);
            if (e.size() > 1) entry.text = text_of(&e[1]);
        } else {
            entry.text = text_of(&e);
        }
        events.push_back(std::move(entry));
    }
    return events;
}

std::optional<std::vector<std::pair<std::string, EventList>>> expected_of(const json* expected) {
    if (!expected || !expected->is_object()) return std::nullopt;
    std::vector<std::pair<std::string, EventList>> out;
    for (const auto& [behavior, events] : expected->items())
        out.emplace_back(behavior, events_of(&events));
    // Autobahn's order: OK first, then NON-STRICT, then anything else.
    auto rank = [](const std::string& k) { return k == "OK" ? 0 : k == "NON-STRICT" ? 1 : 2; };
    std::stable_sort(out.begin(), out.end(),
                     [&](const auto& a, const auto& b) { return rank(a.first) < rank(b.first); });
    return out;
}

std::optional<ExpectedCloseEntry> expected_close_of(const json* ec) {
    if (!ec || !ec->is_object()) return std::nullopt;
    ExpectedCloseEntry out;
    out.closed_by_me = is_true(field(ec, "closedByMe"));
    if (const json* codes = field(ec, "closeCode"); codes && codes->is_array())
        for (const auto& c : *codes) out.codes.push_back(text_of(&c));
    out.require_clean = is_true(field(ec, "requireClean"));
    out.wrong_endpoint_is_fatal = is_true(field(ec, "closedByWrongEndpointIsFatal"));
    return out;
}

// [length, data] of TO, RO, TF, RF rows.
void length_and_data(const json* pair, WireEntry& e) {
    if (!pair || !pair->is_array() || pair->size() < 2) return;
    e.length = text_of(&(*pair)[0]);
    e.data = text_of(&(*pair)[1]);
}

WireEntry wire_entry_of(const json& row) {
    WireEntry e;
    if (!row.is_array() || row.empty() || !row[0].is_string()) {
        e.raw = text_of(&row);
        return e;
    }
    const std::string kind = row[0].get<std::string>();
    e.kind = kind;
    auto at = [&](std::size_t i) -> const json* { return i < row.size() ? &row[i] : nullptr; };
    if (kind == "TO" || kind == "RO") {
        length_and_data(at(1), e);
        e.sync = kind == "TO" && is_true(at(2));
    } else if (kind == "TF" || kind == "RF") {
        length_and_data(at(1), e);
        if (const json* op = at(2); op && op->is_number_integer())
            e.opcode = op->get<long long>();
        else
            e.opcode_text = text_of(op);
        e.fin = is_true(at(3));
        e.rsv = text_of(at(4));
        if (kind == "TF") {
            e.mask = text_of(at(5));
            e.repeat = text_of(at(6));
            e.chop = text_of(at(7));
            e.sync = is_true(at(8));
        } else {
            e.masked = is_true(at(5));
            e.mask = text_of(at(6));
        }
    } else if (kind == "CT") {
        e.delay = text_of(at(1));
        e.tag = text_of(at(2));
    } else if (kind == "CTE") {
        e.tag = text_of(at(1));
    } else if (kind == "KL" || kind == "TI") {
        e.delay = text_of(at(1));
    } else if (kind == "WLM") {
        e.enabled = is_true(at(1));
    } else if (kind != "KLE" && kind != "TIE") {
        e.data = text_of(at(1));
    }
    return e;
}

void read_wirelog(const json* doc, CaseDetail& d) {
    const json* rows = field(doc, "wirelog");
    if (!rows || !rows->is_array()) return;
    const json* times = field(doc, "wirelogTimesUs");
    d.wirelog_timed = times && times->is_array() && times->size() == rows->size();
    for (std::size_t i = 0; i < rows->size(); ++i) {
        WireEntry e = wire_entry_of((*rows)[i]);
        if (d.wirelog_timed && (*times)[i].is_number_integer())
            e.time_us = (*times)[i].get<std::int64_t>();
        d.wirelog.push_back(std::move(e));
    }
    const json* dropped = field(doc, "wirelogDroppedRows");
    if (dropped && dropped->is_number_integer() && dropped->get<long long>() > 0)
        d.wirelog_dropped_rows = text_of(dropped);
}

void read_stats(const json* doc, CaseDetail& d) {
    const std::pair<const char*, const char*> tables[] = {
        {"txFrameStats", "Frames sent (by opcode)"},
        {"rxFrameStats", "Frames received (by opcode)"},
        {"txOctetStats", "Socket writes (by size in octets)"},
        {"rxOctetStats", "Socket reads (by size in octets)"},
    };
    for (const auto& [key, caption] : tables) {
        const json* t = field(doc, key);
        if (!t || !t->is_object() || t->empty()) continue;
        const bool by_opcode = std::string_view(key).ends_with("FrameStats");
        StatsTable table{caption, {}};
        for (const auto& [k, v] : t->items()) {
            StatsTable::Row row{k, text_of(&v), std::nullopt};
            if (by_opcode) {
                try {
                    row.opcode = std::stoll(k);
                } catch (const std::exception&) {
                }
            }
            table.rows.push_back(std::move(row));
        }
        // Keys are decimal numbers: sort them as numbers.
        std::stable_sort(table.rows.begin(), table.rows.end(), [](const auto& a, const auto& b) {
            if (a.key.size() != b.key.size()) return a.key.size() < b.key.size();
            return a.key < b.key;
        });
        d.stats.push_back(std::move(table));
    }
    if (const json* traffic = field(doc, "trafficStats"); traffic && traffic->is_object()) {
        d.traffic.emplace();
        for (const auto& [k, v] : traffic->items()) d.traffic->emplace_back(k, text_of(&v));
    }
}

}  // namespace

std::string json_text(const json* doc, const char* key) {
    return text_of(field(doc, key));
}

std::optional<long long> close_frames_received(const json& doc) {
    const json* stats = field(&doc, "rxFrameStats");
    if (!stats || !stats->is_object()) return std::nullopt;
    const json* n = field(stats, "8");
    return n && n->is_number_integer() ? n->get<long long>() : 0;
}

std::string dropped_events_text(const json* doc) {
    const json* dropped = field(doc, "receivedDropped");
    if (!dropped || !dropped->is_object()) return {};
    return json_text(dropped, "events") + " further events (" + json_text(dropped, "octets") +
           " payload octets) not kept; SHA-256 of their payloads " + json_text(dropped, "sha256") +
           "; the last of them (payloads cut): " + json_text(dropped, "last");
}

JudgedOn judged_on(const json* doc) {
    const json* expected = field(doc, "expected");
    return {.event_script = !(expected && expected->is_object() && expected->empty()),
            .close_expectation = flag(field(doc, "expectedCloseJudged")).value_or(true)};
}

CaseDetail read_case_detail(const json* doc) {
    CaseDetail d;
    d.recorded = doc != nullptr;
    d.is_server = flag(field(doc, "isServer"));
    d.requirement = json_text(doc, "requirement");
    if (const json* rfc = field(doc, "rfc"); rfc && rfc->is_array())
        for (const auto& s : *rfc) d.rfc.push_back(text_of(&s));
    if (const json* flags = field(doc, "rerunFlags"); flags && flags->is_array()) {
        d.rerun_flags.emplace();
        for (const auto& s : *flags) d.rerun_flags->push_back(text_of(&s));
    }
    d.level = json_text(doc, "level");
    d.description = json_text(doc, "description");
    d.expectation = json_text(doc, "expectation");
    d.started = json_text(doc, "started");
    d.harness_error = json_text(doc, "harnessError");

    d.expected = expected_of(field(doc, "expected"));
    d.received = events_of(field(doc, "received"));
    d.expected_close = expected_close_of(field(doc, "expectedClose"));
    if (d.expected_close) d.expected_close->judged = judged_on(doc).close_expectation;
    d.result = json_text(doc, "result");
    d.result_close = json_text(doc, "resultClose");

    d.closed_by_me = flag(field(doc, "closedByMe"));
    d.failed_by_me = flag(field(doc, "failedByMe"));
    d.dropped_by_me = flag(field(doc, "droppedByMe"));
    d.was_clean = flag(field(doc, "wasClean"));
    d.was_open_handshake_timeout = flag(field(doc, "wasOpenHandshakeTimeout"));
    d.was_close_handshake_timeout = flag(field(doc, "wasCloseHandshakeTimeout"));
    d.was_server_connection_drop_timeout = flag(field(doc, "wasServerConnectionDropTimeout"));
    d.local_close_code = code(field(doc, "localCloseCode"));
    d.remote_close_code = code(field(doc, "remoteCloseCode"));
    d.local_close_reason = json_text(doc, "localCloseReason");
    d.remote_close_reason = json_text(doc, "remoteCloseReason");
    d.was_not_clean_reason = json_text(doc, "wasNotCleanReason");
    if (doc) d.close_frames_received = close_frames_received(*doc);

    d.http_request = json_text(doc, "httpRequest");
    d.http_response = json_text(doc, "httpResponse");
    read_wirelog(doc, d);
    d.received_dropped = dropped_events_text(doc);
    read_stats(doc, d);
    return d;
}

}  // namespace wsconform::reports
