// The six parts of section 14, one file each (cases/s14_handshake/s14_N_*.cpp), and what
// they all use. Internal to cases/s14_handshake/.
#pragma once

#include <vector>

#include "harness/model/case.h"
#include "harness/model/http_script.h"

namespace wsconform::cases::handshake {

using harness::Case;
using harness::HttpClientProbe;
using harness::HttpServerProbe;
using harness::Level;

std::vector<Case> server_accepts();   // 14.1  a server accepts valid requests in unusual shapes
std::vector<Case> server_refuses();   // 14.2  a server refuses invalid requests
std::vector<Case> server_response();  // 14.3  the server's 101 response, rule by rule
std::vector<Case> client_fails_on();  // 14.4  a client fails the connection on an invalid response
std::vector<Case> client_request();   // 14.5  the client's request and masking keys, rule by rule
std::vector<Case> client_accepts();   // 14.6  a client accepts valid responses in unusual shapes

}  // namespace wsconform::cases::handshake
