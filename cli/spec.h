// Autobahn's fuzzingclient spec file, read as it is (AB:spectemplate.py, autobahn.md §4).
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace wsconform::cli {

struct SpecServer {
    std::string url;
    std::string agent;  // empty: take the Server header
    std::string origin;
    std::vector<std::string> protocols;
    std::string hostname;  // wss://: SNI and the name the certificate must carry
};

// Unknown keys are not errors, as in Autobahn, which ignores them (spec files written for it
// must run unchanged), but each gets a warning in `warnings` ("FILE: unknown key \"x\"
// ignored"), so a typo does not go unnoticed. Autobahn's own keys that change nothing here
// ("options", "webport") are taken silently.
struct FuzzingClientSpec {
    std::string outdir = "./reports/servers";
    std::vector<SpecServer> servers;
    std::vector<std::string> cases{"*"};
    std::vector<std::string> exclude_cases;
    std::map<std::string, std::vector<std::string>> exclude_agent_cases;
    std::vector<std::string> warnings;
};

// Throws std::runtime_error with one line naming the file and what is wrong.
FuzzingClientSpec read_fuzzingclient_spec(const std::filesystem::path& path);

struct FuzzingServerSpec {
    std::string url = "ws://127.0.0.1:9001";  // listen address, and the port Host must name
    std::string key, cert;                    // wss://: PEM files, as Autobahn's -k/-c
    std::string outdir = "./reports/clients";
    std::vector<std::string> cases{"*"};
    std::vector<std::string> exclude_cases;
    std::map<std::string, std::vector<std::string>> exclude_agent_cases;
    std::vector<std::string> warnings;
};

FuzzingServerSpec read_fuzzingserver_spec(const std::filesystem::path& path);

}  // namespace wsconform::cli
