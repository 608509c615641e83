// probe() over HTTP/2 (RFC 8441): one extended CONNECT on a connection of its own, to see that
// the server answers and which `server` field it gives. Internal to the runner.
#pragma once

#include "harness/endpoint.h"
#include "harness/runner.h"
#include "harness/transport/connector.h"

namespace wsconform::harness {

ProbeResult probe_h2(const Endpoint& target, const transport::ConnectTarget& server,
                     const RunOptions& options);

}  // namespace wsconform::harness
