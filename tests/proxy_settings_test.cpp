// Which proxy a run uses: the --proxy URL's parts, and when the environment's proxy is skipped
// (loopback, no_proxy). The CONNECT itself runs against tinyproxy in
// tests/integration/proxy_tinyproxy.sh.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "harness/endpoint.h"

namespace wsconform::harness {
namespace {

TEST(ProxyUrl, TakesHostPortAndPercentDecodedCredentials) {
    std::string error;
    const auto p = parse_proxy_url("http://us%3Aer:p%40ss@proxy.example:3128", error);
    ASSERT_TRUE(p) << error;
    EXPECT_EQ(p->host, "proxy.example");
    EXPECT_EQ(p->port, 3128);
    EXPECT_EQ(p->user, "us:er");
    EXPECT_EQ(p->password, "p@ss");
    EXPECT_EQ(p->name(), "proxy.example:3128");

    const auto bare = parse_proxy_url("[::1]", error);
    ASSERT_TRUE(bare) << error;
    EXPECT_EQ(bare->port, 1080) << "curl's default";
    EXPECT_EQ(bare->name(), "[::1]:1080");
}

TEST(ProxyUrl, RefusesWhatItCannotSpeakWithoutRepeatingThePassword) {
    for (const char* bad : {"socks5://h:1", "https://h:1", "http://h:99999", "http://h:1/path",
                            "http://user:secret@:1"}) {
        std::string error;
        EXPECT_FALSE(parse_proxy_url(bad, error)) << bad;
        EXPECT_FALSE(error.empty()) << bad;
        EXPECT_EQ(error.find("secret"), std::string::npos) << error;
    }
}

TEST(ProxyBypass, LoopbackAndNoProxyGoDirect) {
    for (const char* host : {"localhost", "a.localhost", "127.0.0.1", "127.1.2.3", "::1"})
        EXPECT_TRUE(bypasses_proxy(host, "")) << host;
    EXPECT_FALSE(bypasses_proxy("example.com", ""));
    EXPECT_FALSE(bypasses_proxy("127.example.com", ""));
    EXPECT_TRUE(bypasses_proxy("example.com", "*"));
    EXPECT_TRUE(bypasses_proxy("api.example.com", "other.org, example.com"));
    EXPECT_TRUE(bypasses_proxy("api.example.com", ".example.com"));
    EXPECT_TRUE(bypasses_proxy("example.com", ".example.com"));
    EXPECT_FALSE(bypasses_proxy("badexample.com", "example.com"));
    EXPECT_TRUE(bypasses_proxy("10.0.0.7", "10.0.0.7"));
}

TEST(ProxyFromEnvironment, FollowsCurlsVariables) {
    std::string error;
    auto wss = *parse_ws_url("wss://service.example/", error);
    auto ws = *parse_ws_url("ws://service.example/", error);
    ::setenv("https_proxy", "http://tls-proxy:1", 1);
    ::setenv("http_proxy", "http://plain-proxy:2", 1);
    ::unsetenv("no_proxy");
    ::unsetenv("NO_PROXY");
    EXPECT_EQ(proxy_from_environment(wss), "http://tls-proxy:1");
    EXPECT_EQ(proxy_from_environment(ws), "http://plain-proxy:2");
    ::setenv("NO_PROXY", "ample", 1);
    EXPECT_EQ(proxy_from_environment(wss), "http://tls-proxy:1") << "a domain, not any tail";
    ::setenv("no_proxy", "service.example", 1);
    EXPECT_EQ(proxy_from_environment(wss), "");
    ::unsetenv("no_proxy");
    ::unsetenv("NO_PROXY");
    ::unsetenv("https_proxy");
    ::unsetenv("http_proxy");
    ::setenv("ALL_PROXY", "http://any:3", 1);
    EXPECT_EQ(proxy_from_environment(wss), "http://any:3");
    ::unsetenv("ALL_PROXY");
    EXPECT_EQ(proxy_from_environment(wss), "");
}

}  // namespace
}  // namespace wsconform::harness
