// The TLS context by name only, for headers that carry one without using it (no OpenSSL, no
// Asio).
#pragma once

#include <memory>

namespace wsconform::harness::transport {

class TlsContext;
using TlsContextPtr = std::shared_ptr<const TlsContext>;

}  // namespace wsconform::harness::transport
