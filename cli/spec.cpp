#include "cli/spec.h"

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string_view>

namespace wsconform::cli {

namespace {

std::vector<std::string> string_list(const nlohmann::json& j, const std::string& key,
                                     const std::string& where) {
    if (!j.is_array())
        throw std::runtime_error(where + ": \"" + key + "\" must be a list of strings");
    std::vector<std::string> out;
    for (const auto& item : j) {
        if (!item.is_string())
            throw std::runtime_error(where + ": \"" + key + "\" must be a list of strings");
        out.push_back(item.get<std::string>());
    }
    return out;
}

nlohmann::json read_spec_object(const std::filesystem::path& path) {
    const std::string where = path.string();
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot read spec file " + where);
    std::stringstream text;
    text << in.rdbuf();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text.str());
    } catch (const nlohmann::json::parse_error& e) {
        std::string what = e.what();
        if (auto pos = what.find("] "); pos != std::string::npos) what = what.substr(pos + 2);
        throw std::runtime_error(where + ": not valid JSON: " + what);
    }
    if (!j.is_object()) throw std::runtime_error(where + ": the spec must be a JSON object");
    return j;
}

// A warning for every key of `j` that is not in `known`.
void warn_unknown_keys(const nlohmann::json& j, std::initializer_list<std::string_view> known,
                       const std::string& where, std::vector<std::string>& warnings) {
    for (const auto& item : j.items()) {
        std::string key = item.key().substr(0, 100);
        if (std::find(known.begin(), known.end(), key) != known.end()) continue;
        for (auto& c : key)  // one line, whatever the file holds
            if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
        warnings.push_back(where + ": unknown key \"" + key + "\" ignored");
    }
}

template <typename Spec>
void read_case_selection(const nlohmann::json& j, const std::string& where, Spec& spec) {
    if (j.contains("outdir")) {
        if (!j["outdir"].is_string())
            throw std::runtime_error(where + ": \"outdir\" must be a string");
        spec.outdir = j["outdir"].get<std::string>();
    }
    if (j.contains("cases")) spec.cases = string_list(j["cases"], "cases", where);
    if (j.contains("exclude-cases"))
        spec.exclude_cases = string_list(j["exclude-cases"], "exclude-cases", where);
    if (j.contains("exclude-agent-cases")) {
        const auto& e = j["exclude-agent-cases"];
        if (!e.is_object())
            throw std::runtime_error(where +
                                     ": \"exclude-agent-cases\" must map agent patterns to lists");
        for (const auto& [agent, patterns] : e.items())
            spec.exclude_agent_cases[agent] = string_list(patterns, "exclude-agent-cases", where);
    }
}

}  // namespace

FuzzingServerSpec read_fuzzingserver_spec(const std::filesystem::path& path) {
    const std::string where = path.string();
    const auto j = read_spec_object(path);
    FuzzingServerSpec spec;
    if (j.contains("url")) {
        if (!j["url"].is_string()) throw std::runtime_error(where + ": \"url\" must be a string");
        spec.url = j["url"].get<std::string>();
    }
    for (const char* name : {"key", "cert"}) {
        if (!j.contains(name)) continue;
        if (!j[name].is_string())
            throw std::runtime_error(where + ": \"" + name + "\" must be a file name");
        (std::string(name) == "key" ? spec.key : spec.cert) = j[name].get<std::string>();
    }
    read_case_selection(j, where, spec);
    warn_unknown_keys(j,
                      {"url", "key", "cert", "outdir", "cases", "exclude-cases",
                       "exclude-agent-cases", "options", "webport"},
                      where, spec.warnings);
    return spec;
}

FuzzingClientSpec read_fuzzingclient_spec(const std::filesystem::path& path) {
    const std::string where = path.string();
    const auto j = read_spec_object(path);
    FuzzingClientSpec spec;
    read_case_selection(j, where, spec);
    warn_unknown_keys(
        j, {"outdir", "servers", "cases", "exclude-cases", "exclude-agent-cases", "options"}, where,
        spec.warnings);
    if (j.contains("servers")) {
        if (!j["servers"].is_array())
            throw std::runtime_error(where + ": \"servers\" must be a list of objects");
        for (const auto& s : j["servers"]) {
            if (!s.is_object() || !s.contains("url") || !s["url"].is_string())
                throw std::runtime_error(where +
                                         ": every entry of \"servers\" needs a \"url\" string");
            warn_unknown_keys(s, {"url", "agent", "origin", "protocols", "hostname", "options"},
                              where + ": \"servers\"", spec.warnings);
            SpecServer server;
            server.url = s["url"].get<std::string>();
            if (s.contains("agent")) {
                if (!s["agent"].is_string())
                    throw std::runtime_error(where + ": \"agent\" must be a string");
                server.agent = s["agent"].get<std::string>();
            }
            if (s.contains("origin") && s["origin"].is_string())
                server.origin = s["origin"].get<std::string>();
            if (s.contains("protocols"))
                server.protocols = string_list(s["protocols"], "protocols", where);
            if (s.contains("hostname")) {
                if (!s["hostname"].is_string())
                    throw std::runtime_error(where + ": \"hostname\" must be a string");
                server.hostname = s["hostname"].get<std::string>();
            }
            spec.servers.push_back(std::move(server));
        }
    }
    return spec;
}

}  // namespace wsconform::cli
