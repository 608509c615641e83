#include "cli/rerun_flags.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <string_view>

#include "protocol/http.h"

namespace wsconform::cli {

namespace {

// A case run again alone behaves the same without these.
constexpr std::array<std::string_view, 19> kRunShaping{
    "--help",        "--cases",  "--exclude",           "--agent",     "--jobs",
    "--outdir",      "--merge",  "--timeout",           "--strict",    "--quiet",
    "--baseline",    "--color",  "--rerun-failed",      "--peer-name", "--peer-version",
    "--peer-origin", "--listen", "--exit-after-agents", "--run",
};

// "Name: value" with a secret header's value redacted.
std::string without_secret(const std::string& header_line) {
    const auto colon = header_line.find(':');
    if (colon == std::string::npos) return header_line;
    std::string_view name(header_line.data(), colon);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (!protocol::is_secret_header(name)) return header_line;
    return header_line.substr(0, colon) + ": " + std::string(protocol::kRedacted);
}

// scheme://USER:PASSWORD@HOST:PORT with the user and password redacted.
std::string without_userinfo(const std::string& url) {
    const auto scheme = url.find("://");
    const auto from = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = url.find('@', from);
    if (at == std::string::npos || url.find('/', from) < at) return url;
    return url.substr(0, from) + std::string(protocol::kRedacted) + url.substr(at);
}

}  // namespace

std::vector<std::string> rerun_flags(const CLI::App& sub) {
    std::vector<std::string> words;
    for (const CLI::Option* option : sub.get_options()) {
        if (!option->nonpositional() || option->count() == 0) continue;
        const std::string name = option->get_name();
        if (std::find(kRunShaping.begin(), kRunShaping.end(), name) != kRunShaping.end()) continue;
        if (option->get_expected_max() == 0) {  // a flag
            words.push_back(name);
            continue;
        }
        for (const auto& value : option->results()) {
            words.push_back(name);
            words.push_back(name == "--header"  ? without_secret(value)
                            : name == "--proxy" ? without_userinfo(value)
                                                : value);
        }
    }
    return words;
}

}  // namespace wsconform::cli
