// From an endpoint (a URL and how to reach it) to what the connector needs: the addresses to
// try, and TLS for wss://. The one place a run resolves the server it tests.
#pragma once

#include <string>

#include "harness/endpoint.h"
#include "harness/transport/connector.h"

namespace wsconform::harness {

// Resolves the endpoint's host (or its connect override). On failure the address list is
// empty and `error` says why in one line.
transport::ConnectTarget connect_target(const Endpoint& endpoint, std::string& error);

}  // namespace wsconform::harness
