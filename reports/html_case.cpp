// One page per case and agent: the case (section, requirement, RFC), expected vs observed,
// the close handshake, the opening handshake, the wire log with times and hex dumps, and the
// statistics; rendered from the case file read once (case_detail.h).
#include <cstdio>
#include <string>
#include <string_view>

#include "protocol/hex.h"
#include "protocol/http.h"
#include "reports/autobahn_json.h"
#include "reports/case_detail.h"
#include "reports/html.h"
#include "reports/html_parts.h"

namespace wsconform::reports {

using namespace detail;

namespace {

constexpr std::string_view kNotRecorded = "<span class=\"muted\">not recorded</span>";

std::string yes_no(const std::optional<bool>& v) {
    if (!v) return "?";
    return *v ? "yes" : "no";
}

// Milliseconds from microseconds: "1.500".
std::string ms_text(std::int64_t us) {
    char buf[48];
    const bool neg = us < 0;
    const auto a = static_cast<unsigned long long>(neg ? -us : us);
    std::snprintf(buf, sizeof buf, "%s%llu.%03llu", neg ? "-" : "", a / 1000, a % 1000);
    return buf;
}

std::string opcode_name(long long opcode) {
    switch (opcode) {
        case 0:
            return "continuation";
        case 1:
            return "text";
        case 2:
            return "binary";
        case 8:
            return "close";
        case 9:
            return "ping";
        case 10:
            return "pong";
        default:
            return "reserved opcode " + std::to_string(opcode);
    }
}

// ---- Expected vs observed.

std::string events_html(const EventList& events) {
    if (!events) return "<span class=\"muted\">?</span>";
    if (events->empty()) return "<span class=\"muted\">nothing</span>";
    std::string out = "<ol>";
    for (const auto& e : *events) {
        out += "<li>";
        if (e.kind == "message")
            out += e.binary ? "binary message " : "text message ";
        else if (e.kind)
            out += html_escape(*e.kind) + " ";
        if (e.text) out += "<code>" + html_escape(*e.text) + "</code>";
        out += "</li>";
    }
    out += "</ol>";
    return out;
}

std::string expected_html(const CaseDetail& d) {
    if (!d.expected) return std::string(kNotRecorded);
    if (d.expected->empty())
        return "<span class=\"muted\">no event script: the case's own rule judges it, as its "
               "Expectation above says</span>";
    std::string out;
    for (const auto& [behavior, events] : *d.expected)
        out += "<div><strong>" + html_escape(behavior) + "</strong>: " + events_html(events) +
               "</div>";
    return out;
}

std::string expected_close_html(const CaseDetail& d) {
    if (!d.expected_close) return std::string(kNotRecorded);
    const ExpectedCloseEntry& ec = *d.expected_close;
    if (!ec.judged)
        return "<span class=\"muted\">no close expectation: the case's own rule judges how it "
               "ended (behaviorClose below)</span>";
    std::string out = ec.closed_by_me
                          ? "wsconform starts the closing handshake; the peer replies with "
                          : "the peer closes (or fails the connection) with ";
    if (ec.codes.empty()) {
        out += "any code";
    } else {
        out += "code ";
        for (std::size_t i = 0; i < ec.codes.size(); ++i) {
            if (i) out += i + 1 == ec.codes.size() ? " or " : ", ";
            out += html_escape(ec.codes[i]);
        }
    }
    out += ec.require_clean ? "; the close must be clean" : "; clean or not";
    if (ec.wrong_endpoint_is_fatal) out += "; the wrong endpoint closing fails the case";
    return out;
}

std::string observed_close_html(const CaseDetail& d) {
    if (!d.recorded) return std::string(kNotRecorded);
    std::string out;
    if (d.closed_by_me.value_or(false))
        out = "wsconform started the closing handshake; ";
    else if (d.failed_by_me.value_or(false))
        out = "wsconform failed the connection; ";
    if (d.remote_close_code)
        out += "the peer sent close code " + html_escape(*d.remote_close_code);
    else if (d.close_frames_received.value_or(0) > 0)
        out += "the peer sent a close frame without a status code";
    else
        out += "no close frame from the peer";
    if (!d.remote_close_reason.empty())
        out += " with reason <code>" + html_escape(d.remote_close_reason) + "</code>";
    if (d.was_clean) {
        out += *d.was_clean ? "; clean" : "; not clean";
        if (!*d.was_clean && !d.was_not_clean_reason.empty())
            out += " (" + html_escape(d.was_not_clean_reason) + ")";
    }
    if (d.dropped_by_me.value_or(false)) out += "; wsconform dropped the TCP connection";
    return out;
}

// ---- The close handshake.

std::string row_of(std::string_view name, const std::string& value_html) {
    return "<tr><th>" + html_escape(name) + "</th><td>" + value_html + "</td></tr>\n";
}

std::string close_table_html(const CaseDetail& d) {
    std::string who;
    if (d.closed_by_me.value_or(false))
        who = "wsconform (it sent the first close frame)";
    else if (d.remote_close_code || d.close_frames_received.value_or(0) > 0)
        who =
            "the peer (it sent the first close frame, or answered wsconform's failing of the "
            "connection)";
    else
        who = "nobody sent a close frame first: the TCP connection ended";
    std::string peer_code = d.remote_close_code.value_or("none");
    if (d.close_frames_received && peer_code == "none")
        peer_code = *d.close_frames_received > 0 ? "none (a close frame without a status code)"
                                                 : "none (no close frame)";
    std::string out = "<table class=\"close\"><tbody>\n";
    out += row_of("Who closed", html_escape(who));
    out += row_of("Failed by wsconform", yes_no(d.failed_by_me));
    out += row_of("TCP dropped by wsconform", yes_no(d.dropped_by_me));
    out += row_of("wsconform's close code", html_escape(d.local_close_code.value_or("none")));
    out += row_of("wsconform's close reason",
                  "<code>" + html_escape(d.local_close_reason) + "</code>");
    out += row_of("Peer's close code", html_escape(peer_code));
    out += row_of("Peer's close reason", "<code>" + html_escape(d.remote_close_reason) + "</code>");
    out += row_of("Clean", yes_no(d.was_clean));
    if (!d.was_not_clean_reason.empty())
        out += row_of("Why not clean", html_escape(d.was_not_clean_reason));
    out += row_of("Opening handshake timed out", yes_no(d.was_open_handshake_timeout));
    out += row_of("Closing handshake timed out", yes_no(d.was_close_handshake_timeout));
    out += row_of("Server's TCP drop timed out", yes_no(d.was_server_connection_drop_timeout));
    out += "</tbody></table>\n";
    return out;
}

// ---- The wire log.

// Octets from Autobahn's excerpts ("4745..." or "0x4745...", maybe cut: + " ..."); nullopt
// when they are not hex.
std::optional<std::string> excerpt_bytes(std::string_view hex, bool& cut) {
    cut = hex.ends_with(" ...");
    if (cut) hex.remove_suffix(4);
    return protocol::hex_decode(hex);
}

// A classic dump: offset, 16 bytes in hex, the same as ASCII.
std::string hexdump_html(std::string_view hex) {
    bool cut = false;
    const auto bytes = excerpt_bytes(hex, cut);
    if (!bytes) return html_escape(hex);
    std::string out;
    char buf[24];
    for (std::size_t at = 0; at < bytes->size(); at += 16) {
        std::snprintf(buf, sizeof buf, "%04zx  ", at);
        out += buf;
        std::string ascii;
        for (std::size_t i = 0; i < 16; ++i) {
            if (at + i < bytes->size()) {
                const auto b = static_cast<unsigned char>((*bytes)[at + i]);
                std::snprintf(buf, sizeof buf, "%02x ", b);
                out += buf;
                ascii.push_back(b >= 0x20 && b < 0x7f ? static_cast<char>(b) : '.');
            } else {
                out += "   ";
            }
            if (i == 7) out.push_back(' ');
        }
        out += " " + html_escape(ascii) + "\n";
    }
    if (cut) out += "…\n";
    return out;
}

// A close frame's payload ("0x03e8..." or text) as "code 1000, reason «...»".
std::string close_payload_html(const std::string& payload) {
    std::string bytes;
    bool cut = false;
    if (payload.starts_with("0x")) {
        auto decoded = excerpt_bytes(std::string_view(payload).substr(2), cut);
        if (!decoded) return {};
        bytes = std::move(*decoded);
    } else {
        bytes = payload;
        if (bytes.ends_with(" ...")) bytes.resize(bytes.size() - 4), cut = true;
    }
    if (bytes.size() < 2) return bytes.empty() ? "no status code" : "";
    const unsigned code =
        static_cast<unsigned char>(bytes[0]) * 256u + static_cast<unsigned char>(bytes[1]);
    std::string out = "code " + std::to_string(code);
    if (bytes.size() > 2) {
        const std::string reason = bytes.substr(2);
        out += detail::is_valid_utf8(reason) || cut
                   ? ", reason «" + html_escape(reason) + (cut ? "…" : "") + "»"
                   : ", reason not UTF-8: 0x" + html_escape(protocol::hex_encode(reason));
    }
    return out;
}

// What a frame row says: "frame sent: text FIN, 5 B, mask 0a1b2c3d".
std::string frame_html(const WireEntry& e, bool tx) {
    // An opcode that is not a number is escaped twice, as it always was.
    const std::string opcode = e.opcode ? opcode_name(*e.opcode) : html_escape(e.opcode_text);
    std::string what = std::string(tx ? "frame sent: " : "frame received: ") + html_escape(opcode);
    what += e.fin ? " FIN" : " no FIN";
    if (!e.rsv.empty() && e.rsv != "0") what += " RSV=" + html_escape(e.rsv);
    what += ", " + html_escape(e.length) + " B";
    if (tx) {
        what += e.mask.empty() ? ", unmasked" : ", mask " + html_escape(e.mask);
        if (!e.repeat.empty()) what += ", payload repeated to " + html_escape(e.repeat) + " B";
        if (!e.chop.empty()) what += ", sent in chops of " + html_escape(e.chop) + " B";
        if (e.sync) what += ", sync";
    } else {
        what += e.masked ? ", masked" + (e.mask.empty() ? "" : " " + html_escape(e.mask))
                         : std::string(", unmasked");
    }
    if (e.opcode == 8) {
        const std::string decoded = close_payload_html(e.data);
        if (!decoded.empty()) what += "; " + decoded;
    }
    return what;
}

std::string tag_html(const std::string& tag) {
    return tag.empty() ? std::string() : " (" + html_escape(tag) + ")";
}

std::string wire_row_html(const WireEntry& e, std::size_t n) {
    if (!e.kind)
        return "<tr class=\"note\"><td>" + std::to_string(n) +
               "</td><td class=\"t\"></td>"
               "<td class=\"k\">?</td><td></td><td>" +
               html_escape(e.raw) + "</td></tr>\n";
    const std::string& kind = *e.kind;
    const bool tx = kind == "TO" || kind == "TF";
    std::string dir, what, data, cls = "note";
    if (kind == "TO" || kind == "RO" || kind == "TF" || kind == "RF") {
        cls = tx ? "tx" : "rx";
        dir = tx ? "→" : "←";
    }
    if (kind == "TO" || kind == "RO") {
        what = std::string(tx ? "octets sent" : "octets received") + ", " + html_escape(e.length) +
               " B";
        if (e.sync) what += ", sync";
        data = hexdump_html(e.data);
    } else if (kind == "TF" || kind == "RF") {
        what = frame_html(e, tx);
        data = html_escape(e.data);
    } else if (kind == "CT") {
        what = "wait " + html_escape(e.delay) + " s, then continue" + tag_html(e.tag);
    } else if (kind == "CTE") {
        what = "wait over, continue" + tag_html(e.tag);
    } else if (kind == "KL") {
        what = "kill timer set: drop the connection in " + html_escape(e.delay) + " s";
    } else if (kind == "KLE") {
        what = "kill timer fired";
    } else if (kind == "TI") {
        what = "close timer set: start closing in " + html_escape(e.delay) + " s";
    } else if (kind == "TIE") {
        what = "close timer fired";
    } else if (kind == "WLM") {
        what = e.enabled ? "wire log switched on" : "wire log switched off (bulk traffic)";
    } else {
        what = html_escape(kind);
        data = html_escape(e.data);
    }
    const std::string t = e.time_us ? ms_text(*e.time_us) : std::string();
    return "<tr class=\"" + cls + "\"><td>" + std::to_string(n) + "</td><td class=\"t\">" + t +
           "</td><td class=\"k\">" + html_escape(kind) + " " + dir + "</td><td>" + what +
           "</td><td>" + data + "</td></tr>\n";
}

std::string wirelog_html(const CaseDetail& d) {
    if (d.wirelog.empty()) return "<p class=\"muted\">No wire log in this report.</p>\n";
    std::string out;
    if (!d.wirelog_timed)
        out += "<p class=\"muted\">No timestamps (wirelogTimesUs) in this report.</p>\n";
    out +=
        "<table class=\"wire\" id=\"wirelog\"><thead><tr><th>#</th><th>ms</th><th>Row</th>"
        "<th>What</th><th>Data (hex dump, or payload as text / 0x hex)</th></tr></thead>"
        "<tbody>\n";
    for (std::size_t i = 0; i < d.wirelog.size(); ++i) out += wire_row_html(d.wirelog[i], i + 1);
    out += "</tbody></table>\n";
    if (!d.wirelog_dropped_rows.empty())
        out += "<p class=\"muted\">" + html_escape(d.wirelog_dropped_rows) +
               " more rows were dropped (the wire log is capped).</p>\n";
    return out;
}

// ---- Statistics.

std::string stats_table_html(std::string_view caption, const std::string& rows) {
    return "<table class=\"stats\"><caption>" + html_escape(caption) + "</caption><tbody>\n" +
           rows + "</tbody></table>\n";
}

std::string stats_html(const CaseDetail& d) {
    std::string out;
    for (const auto& table : d.stats) {
        std::string rows;
        for (const auto& row : table.rows) {
            std::string label = html_escape(row.key);
            if (row.opcode) label += " (" + html_escape(opcode_name(*row.opcode)) + ")";
            rows += "<tr><th>" + label + "</th><td>" + html_escape(row.count) + "</td></tr>\n";
        }
        out += stats_table_html(table.caption, rows);
    }
    if (d.traffic) {
        std::string rows;
        for (const auto& [key, value] : *d.traffic)
            rows +=
                "<tr><th>" + html_escape(key) + "</th><td>" + html_escape(value) + "</td></tr>\n";
        out += stats_table_html("Traffic (trafficStats)", rows);
    }
    return out.empty() ? "<p class=\"muted\">No statistics in this report.</p>\n" : out;
}

// ---- The case.

// A word for a POSIX shell: single-quoted unless it is plain.
std::string shell_word(std::string_view word) {
    if (!word.empty() &&
        word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789._-/:@%+=,") == std::string_view::npos)
        return std::string(word);
    std::string out = "'";
    for (const char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

// The one command that runs this case again against the same peer: the URL from the opening
// request (Host and request target; wss:// when the wire log opens with a TLS note), or, for
// a client, test-client with a stand-in for the client's own command; and the flags of the
// run that matter to the case, as its file records them (a file of an older run has none:
// then --http2 and --tls as the request and the wire log show them).
std::string reproduce_command(const CaseRecord& r, const CaseDetail& d) {
    bool tls = false;
    for (const auto& e : d.wirelog)
        if (e.kind == "NOTE" && e.data.starts_with("TLS: ")) tls = true;
    const bool client = d.is_server && *d.is_server;
    // Over HTTP/2 the request is header fields (":path: /x"), over HTTP/1.1 a request line.
    std::string_view request = d.http_request;
    const bool http2 = request.starts_with(":");
    std::string flags;
    if (d.rerun_flags) {
        for (const auto& word : *d.rerun_flags) flags += " " + shell_word(word);
    } else if (client ? tls : http2) {
        flags = client ? " --tls" : " --http2";
    }
    const std::string cases = " --cases " + shell_word(r.id);
    if (client)
        return "wsconform test-client" + cases + flags +
               " --run 'YOUR-CLIENT {url} {agent}' --agent " + shell_word(r.agent);
    std::string host, target = "/";
    if (!http2) {
        if (const auto sp = request.find(' '); sp != std::string_view::npos) {
            const auto end = request.find_first_of(" \r\n", sp + 1);
            target = std::string(request.substr(sp + 1, end - sp - 1));
        }
    }
    for (std::size_t at = 0; at < request.size();) {
        const auto eol = request.find('\n', at);
        auto line = request.substr(at, eol == std::string_view::npos ? eol : eol - at);
        const auto colon = line.find(':', http2 ? 1 : 0);
        if (colon != std::string_view::npos) {
            const auto name = line.substr(0, colon);
            auto value = line.substr(colon + 1);
            while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
                value.remove_prefix(1);
            while (!value.empty() && (value.back() == '\r' || value.back() == ' '))
                value.remove_suffix(1);
            if (name == "Host" || name == "host" || name == ":authority") host = std::string(value);
            if (name == ":path") target = std::string(value);
        }
        if (eol == std::string_view::npos) break;
        at = eol + 1;
    }
    const std::string url =
        host.empty() ? "URL"
                     : (tls ? "wss://" : "ws://") + host + (target.starts_with('/') ? target : "/");
    return "wsconform test-server " + shell_word(url) + cases + flags + " --agent " +
           shell_word(r.agent);
}

std::string facts_html(const CaseRecord& r, const CaseDetail& d,
                       const harness::SectionTitles& titles) {
    std::string out = "<dl class=\"facts\">\n";
    auto fact = [&](std::string_view name, const std::string& value_html) {
        if (value_html.empty()) return;
        out += "<dt>" + html_escape(name) + "</dt><dd>" + value_html + "</dd>\n";
    };
    std::string section = titles.section(section_of(r.id));
    if (const std::string sub = subsection_of(r.id); !sub.empty())
        section += " / " + titles.subsection(sub);
    fact("Section", html_escape(section));
    fact("Requirement", html_escape(d.requirement));
    std::string rfc;
    for (const auto& s : d.rfc) rfc += (rfc.empty() ? "" : ", ") + html_escape(s);
    fact("RFC", rfc);
    fact("Level", html_escape(d.level));
    fact("Description", html_escape(d.description));
    fact("Expectation", html_escape(d.expectation));
    fact("Started", html_escape(d.started));
    fact("Duration", std::to_string(r.duration_ms) + " ms");
    fact("Case file", r.json_file.empty() ? std::string()
                                          : "<a href=\"" + html_escape(r.json_file) + "\">" +
                                                html_escape(r.json_file) + "</a>");
    if (!d.harness_error.empty())
        fact("Harness error", html_escape(d.harness_error) +
                                  (r.harness_fault ? " (before the WebSocket opened)" : ""));
    out += "</dl>\n";
    return out;
}

}  // namespace

std::string render_case_page(const CaseRecord& r, const harness::SectionTitles& titles) {
    const CaseDetail d = read_case_detail(r.detail.get());
    std::string out = page_start(html_escape(r.id) + " " + html_escape(r.title) + " — " +
                                 html_escape(r.agent) + " — wsconform");
    out += "<body>\n<header>\n<p><a href=\"index.html#c-" + html_escape(r.id) +
           "\">← All results</a></p>\n";
    out += "<h1>" + html_escape(r.id) + " " + html_escape(r.title) + "</h1>\n";
    out += "<p class=\"verdict " + outcome_class(r.outcome) + "\" id=\"outcome\">" +
           std::string(outcome_glyph(r.outcome)) + " " + std::string(outcome_label(r.outcome)) +
           "</p> <span>" + html_escape(r.outcome_reason) + "</span>\n";
    out += "<p>Agent <strong>" + html_escape(r.agent) + "</strong>";
    if (d.is_server)
        out += *d.is_server ? " — a client, tested by wsconform as the server"
                            : " — a server, tested by wsconform as the client";
    const std::string again = reproduce_command(r, d);
    out += "</p>\n<p>Run it again: <code id=\"reproduce\">" + html_escape(again) + "</code>" +
           (again.find(protocol::kRedacted) != std::string::npos
                ? " <span class=\"muted\">(with the credentials shown as " +
                      html_escape(protocol::kRedacted) + " put back)</span>"
                : std::string()) +
           "</p>\n</header>\n<main>\n";
    if (!r.detail_error.empty())
        out += "<p class=\"verdict o-missing\">The case file could not be read (" +
               html_escape(r.detail_error) + "): this page shows what index.json holds.</p>\n";

    out += "<h2>The case</h2>\n" + facts_html(r, d, titles);

    out +=
        "<h2>Expected vs observed</h2>\n<table class=\"evo\" id=\"evo\"><thead><tr><th></th>"
        "<th>Expected</th><th>Observed</th></tr></thead><tbody>\n";
    out += "<tr><th>Messages and pongs</th><td>" + expected_html(d) + "</td><td>" +
           events_html(d.received) +
           (d.received_dropped.empty()
                ? std::string()
                : "<p class=\"muted\">" + html_escape(d.received_dropped) + "</p>") +
           "</td></tr>\n";
    out += "<tr><th>Close</th><td>" + expected_close_html(d) + "</td><td>" +
           observed_close_html(d) + "</td></tr>\n";
    out += "<tr><th>Verdict</th><td colspan=\"2\"><strong>behavior " +
           html_escape(harness::to_string(r.behavior)) + "</strong>: " + html_escape(d.result) +
           "<br><strong>behaviorClose " + html_escape(harness::to_string(r.behavior_close)) +
           "</strong>: " + html_escape(d.result_close) + "</td></tr>\n";
    out += "</tbody></table>\n";

    out += "<h2>Close handshake</h2>\n" + close_table_html(d);
    out += "<h2>Opening handshake</h2>\n";
    out += "<pre id=\"http-request\">" + html_escape(d.http_request) + "</pre>\n";
    out += "<pre id=\"http-response\">" + html_escape(d.http_response) + "</pre>\n";
    out += "<h2>Wire log</h2>\n" + wirelog_html(d);
    out += "<h2>Statistics</h2>\n" + stats_html(d);
    out += "</main>\n";
    out += page_end(kReportFooter, false);
    return out;
}

}  // namespace wsconform::reports
