#include "harness/live_fuzz/liveness.h"

#include <string>
#include <thread>

#include "harness/connect.h"
#include "harness/live_fuzz.h"
#include "harness/transport/blocking_client.h"

namespace wsconform::harness {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace live_fuzz {

transport::ConnectTarget connect_target(const Endpoint& endpoint) {
    std::string error;  // an empty address list says it all: connect() fails
    return harness::connect_target(endpoint, error);
}

bool server_alive(const transport::ConnectTarget& target) {
    transport::BlockingClient c;
    return !c.connect(target, kConnectTimeout);
}

// True only when the server refuses (or fails) three connections in a row, 20, 100 and 400 ms
// apart. One refusal proves little: a crashing process may still hold its listening socket
// for a moment, and on a busy loopback a new connection can collide with one of thousands in
// TIME-WAIT and be refused although the server is fine.
bool server_down(const transport::ConnectTarget& target) {
    for (const auto pause : {milliseconds(20), milliseconds(100), milliseconds(400)}) {
        if (server_alive(target)) return false;
        std::this_thread::sleep_for(pause);
    }
    return !server_alive(target);
}

bool server_down_within(const transport::ConnectTarget& target, milliseconds grace) {
    const auto until = Clock::now() + grace;
    int refusals = 0;
    while (true) {
        refusals = server_alive(target) ? 0 : refusals + 1;
        if (refusals >= 3) return true;
        if (Clock::now() >= until) return false;
        std::this_thread::sleep_for(milliseconds(50));
    }
}

}  // namespace live_fuzz

bool server_alive(const Endpoint& endpoint) {
    return live_fuzz::server_alive(live_fuzz::connect_target(endpoint));
}

bool server_down(const Endpoint& endpoint) {
    return live_fuzz::server_down(live_fuzz::connect_target(endpoint));
}

bool server_down_within(const Endpoint& endpoint, milliseconds grace) {
    return live_fuzz::server_down_within(live_fuzz::connect_target(endpoint), grace);
}

}  // namespace wsconform::harness
