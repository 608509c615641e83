#include "harness/connect.h"

#include "harness/transport/tls_context.h"

namespace wsconform::harness {

transport::ConnectTarget connect_target(const Endpoint& endpoint, std::string& error) {
    const bool overridden = !endpoint.connect_host.empty();
    auto target = transport::resolve(
        overridden ? endpoint.connect_host : endpoint.host,
        overridden && endpoint.connect_port ? endpoint.connect_port : endpoint.port, error);
    target.host = endpoint.tls_name.empty() ? endpoint.host : endpoint.tls_name;
    target.port = endpoint.port;
    if (endpoint.secure) {
        target.tls = endpoint.tls;
        std::string tls_error;
        if (!target.tls) target.tls = transport::TlsContext::client({}, tls_error);
        if (!target.tls) {
            target.addresses.clear();
            error = tls_error;
        }
    }
    return target;
}

}  // namespace wsconform::harness
