#include "reports/views.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <utility>

#include <nlohmann/json.hpp>

#include "harness/model/case_id.h"
#include "harness/model/judge.h"
#include "reports/autobahn_json.h"
#include "reports/case_detail.h"
#include "reports/html.h"
#include "reports/junit.h"
#include "reports/terminal.h"
#include "util/atomic_file.h"

namespace wsconform::reports {

using nlohmann::json;

namespace {

std::string read_file(const std::filesystem::path& p, std::string& error) {
    std::ifstream in(p, std::ios::binary);
    if (!in) {
        error = "cannot read " + p.filename().string();
        return {};
    }
    std::ostringstream s;
    s << in.rdbuf();
    if (in.bad()) error = "cannot read " + p.filename().string();
    return s.str();
}

bool empty_or_missing_object(const json& doc, const char* key) {
    const auto it = doc.find(key);
    return it == doc.end() || it->is_null() || (it->is_object() && it->empty());
}

// Autobahn's descriptions carry HTML fragments: a one-line stand-in for a title.
std::string title_from_description(std::string_view text) {
    std::string out;
    bool in_tag = false, space = false;
    for (const char c : text) {
        if (c == '<') {
            in_tag = true;
            continue;
        }
        if (in_tag) {
            if (c == '>') in_tag = false;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
            space = !out.empty();
            continue;
        }
        if (space) out.push_back(' ');
        space = false;
        out.push_back(c);
    }
    constexpr std::size_t kMax = 90;
    if (out.size() > kMax) {
        std::size_t cut = kMax;
        while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xc0) == 0x80) --cut;
        out.resize(cut);
        out += "…";
    }
    return out;
}

void fill_from_detail(CaseRecord& r, const json& doc) {
    if (const auto t = doc.find("title"); t != doc.end() && t->is_string() && !t->empty()) {
        r.title = detail::valid_utf8(t->get<std::string>());
    } else if (const auto d = doc.find("description"); d != doc.end() && d->is_string()) {
        r.title = title_from_description(detail::valid_utf8(d->get<std::string>()));
    }
    if (const auto o = doc.find("outcome"); o != doc.end() && o->is_string()) {
        if (const auto parsed = outcome_from_string(o->get<std::string>())) {
            r.outcome = *parsed;
            r.outcome_reason.clear();
            if (const auto why = doc.find("outcomeReason"); why != doc.end() && why->is_string())
                r.outcome_reason = detail::valid_utf8(why->get<std::string>());
        }
    }
    r.started = json_text(&doc, "started");
    if (const auto t = doc.find("reportTime"); t != doc.end() && t->is_boolean())
        r.report_time = t->get<bool>();
    r.close_frames_received = close_frames_received(doc);
    const auto err = doc.find("harnessError");
    const bool harness_error = err != doc.end() && err->is_string() && !err->empty();
    r.harness_fault = harness_error && empty_or_missing_object(doc, "txFrameStats") &&
                      empty_or_missing_object(doc, "rxFrameStats");
}

}  // namespace

// ---- File names.

bool is_plain_file_name(std::string_view name) {
    return !name.empty() && name.size() <= 255 && name.front() != '.' &&
           name.find('/') == std::string_view::npos && name.find('\\') == std::string_view::npos &&
           name.find('\0') == std::string_view::npos;
}

std::string page_for_case_file(std::string_view json_file) {
    constexpr std::string_view kJson = ".json";
    if (!json_file.ends_with(kJson) || json_file.find("_case_") == std::string_view::npos)
        return {};
    return std::string(json_file.substr(0, json_file.size() - kJson.size())) + ".html";
}

// ---- Sections.

std::string section_of(std::string_view id) {
    return std::string(id.substr(0, id.find('.')));
}

std::string subsection_of(std::string_view id) {
    const auto first = id.find('.');
    if (first == std::string_view::npos) return {};
    const auto second = id.find('.', first + 1);
    if (second == std::string_view::npos) return {};
    return std::string(id.substr(0, second));
}

// ---- The model.

const CaseRecord* ReportModel::find(std::string_view agent, std::string_view id) const {
    const auto a = cases.find(std::string(agent));
    if (a == cases.end()) return nullptr;
    const auto c = a->second.find(std::string(id));
    return c == a->second.end() ? nullptr : &c->second;
}

ReportModel load_report(const std::filesystem::path& path, bool details) {
    ReportModel model;
    std::filesystem::path index_path = path;
    if (std::filesystem::is_directory(path)) {
        model.dir = path;
        index_path = path / "index.json";
    } else {
        model.dir = path.parent_path().empty() ? std::filesystem::path(".") : path.parent_path();
    }
    const Index index = read_index_json(index_path);

    std::vector<std::string> ids;
    for (const auto& [agent, entries] : index) {
        model.agents.push_back(agent);
        auto& per_agent = model.cases[agent];
        for (const auto& [id, entry] : entries) {
            ids.push_back(id);
            CaseRecord r;
            r.agent = agent;
            r.id = id;
            r.behavior = entry.behavior;
            r.behavior_close = entry.behavior_close;
            r.outcome =
                harness::overall_outcome(entry.behavior, entry.behavior_close, &r.outcome_reason);
            if (entry.outcome) {
                r.outcome = *entry.outcome;
                r.outcome_reason.clear();  // the case file's outcomeReason says why
            }
            r.duration_ms = entry.duration_ms;
            r.remote_close_code = entry.remote_close_code;
            if (is_plain_file_name(entry.reportfile)) r.json_file = entry.reportfile;
            // The page beside its case file, so agents whose names clean to the same stem
            // keep their own pages.
            r.html_file = page_for_case_file(r.json_file);
            if (r.html_file.empty()) r.html_file = case_report_file(agent, id, "html");
            if (details) {
                if (r.json_file.empty()) {
                    r.detail_error = "index.json names no case file in this folder";
                } else {
                    std::string error;
                    const std::string text = read_file(model.dir / r.json_file, error);
                    if (error.empty()) {
                        try {
                            auto doc = std::make_shared<json>(json::parse(text));
                            if (doc->is_object()) {
                                fill_from_detail(r, *doc);
                                r.detail = std::move(doc);
                            } else {
                                r.detail_error = r.json_file + " is not a JSON object";
                            }
                        } catch (const json::exception& e) {
                            r.detail_error = r.json_file + " is not JSON: " + e.what();
                        }
                    } else {
                        r.detail_error = std::move(error);
                    }
                }
            }
            per_agent.emplace(id, std::move(r));
        }
    }
    std::sort(ids.begin(), ids.end(), [](const std::string& a, const std::string& b) {
        if (harness::case_id_less(a, b)) return true;
        if (harness::case_id_less(b, a)) return false;
        return a < b;
    });
    ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
    model.case_ids = std::move(ids);
    return model;
}

void write_views(const std::filesystem::path& dir, const harness::SectionTitles& titles) {
    // A run in which no case finished has no index.json yet: its views say so.
    ReportModel model;
    model.dir = dir;
    if (std::filesystem::exists(dir / "index.json")) model = load_report(dir, true);
    for (const auto& [agent, entries] : model.cases)
        for (const auto& [id, record] : entries)
            util::atomic_write(model.dir / record.html_file, render_case_page(record, titles));
    util::atomic_write(model.dir / "junit.xml", render_junit(model, titles));
    // The index last: once it is there, every page it links to is too.
    util::atomic_write(model.dir / "index.html", render_index_page(model, titles));
}

}  // namespace wsconform::reports
