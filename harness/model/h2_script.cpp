#include "harness/model/h2_script.h"

#include "harness/model/case.h"

namespace wsconform::harness {

HttpServerProbe as_http_server_probe(H2ServerProbe probe) {
    HttpServerProbe p;
    p.request = H2ProbeHolder{std::make_shared<const H2ServerProbe>(std::move(probe))};
    // Never reached by the runner (it sends section 17 to h2_case or reports it not
    // applicable without --http2); a verdict saying so if anything else runs it over HTTP/1.1.
    p.judge = [](const ServerExchange&) {
        return make_verdict(Behavior::unimplemented, "Not applicable: this case needs --http2.",
                            Behavior::unimplemented, "Not applicable: this case needs --http2.");
    };
    return p;
}

const H2ServerProbe* h2_server_probe(const Case& test) {
    const auto* http = test.http_server_probe();
    if (!http) return nullptr;
    const auto* holder = http->request.target<H2ProbeHolder>();
    return holder ? holder->probe.get() : nullptr;
}

}  // namespace wsconform::harness
