// A case under way over one connection, whatever its kind of script: a CaseSession runs a
// WebSocket script (sections 1-13), an HttpCase a raw-HTTP probe (section 14). The runner and
// the client-testing server hold and stop running cases through this one interface.
#pragma once

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

#include "harness/model/case.h"
#include "harness/model/result.h"
#include "harness/transport/connector.h"

namespace wsconform::harness {

struct SessionConfig;

// At most what one running case keeps of the peer's traffic, whatever the peer sends: its
// events, wire log, read and handshake buffers and the part of a message it keeps beyond what
// it sent or expects (CaseSession and WireLog keep to it; memory_hint covers the rest).
inline constexpr std::size_t kRunningCaseKeptBytes = 1u << 20;

class RunningCase {
  public:
    using Done = std::function<void(CaseResult&&)>;

    virtual ~RunningCase() = default;

    // Testing a server: connect to `server`, then run the case.
    virtual void start_as_client(const transport::ConnectTarget& server, std::string host_header,
                                 std::string target) = 0;
    // Ends the case now (the run or the server stopped): drop the connection, judge what was seen.
    virtual void abort(std::string why) = 0;
};

// The running case for `test`'s kind of script, reporting to `done` when it ends.
std::shared_ptr<RunningCase> make_running_case(boost::asio::io_context& io, const Case& test,
                                               SessionConfig config, RunningCase::Done done);

}  // namespace wsconform::harness
