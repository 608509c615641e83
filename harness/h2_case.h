// The session that runs one section 17 case (WebSocket over HTTP/2, testing a server): one
// HTTP/2 connection whose frames it writes itself (protocol/h2_frame.h: a request exactly as
// the case wrote it, even one nghttp2 would refuse to send) and whose answers it decodes with
// nghttp2's HPACK inflater. It keeps to the server's flow-control windows and opens ours as it
// reads. Every wait has a deadline (HttpTimeouts), and every frame in both directions goes to
// the wire log with its time.
//
// It runs on a thread of its own over a BlockingClient (a case is a short sequence of steps,
// each waiting for the server); the result goes back to the runner's io_context. Internal to
// the harness; cases see only harness/model/h2_script.h.
#pragma once

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "harness/case_session.h"
#include "harness/model/case.h"
#include "harness/model/h2_script.h"
#include "harness/running_case.h"

namespace wsconform::harness {

class H2Case final : public RunningCase, public std::enable_shared_from_this<H2Case> {
  public:
    H2Case(boost::asio::io_context& io, const Case& test, const H2ServerProbe& probe,
           SessionConfig config, Done done);
    ~H2Case() override;
    H2Case(const H2Case&) = delete;
    H2Case& operator=(const H2Case&) = delete;

    void start_as_client(const transport::ConnectTarget& server, std::string host_header,
                         std::string target) override;
    // Ends the case soon (each wait looks at this every 100 ms): judge what was seen.
    void abort(std::string why) override;

  private:
    // The whole case, blocking (on a thread of its own): its result.
    CaseResult run(const transport::ConnectTarget& server, const std::string& authority,
                   const std::string& path);

    boost::asio::io_context& io_;
    const Case& test_;
    const H2ServerProbe& probe_;
    SessionConfig config_;
    Done done_;
    std::atomic<bool> aborted_{false};
    std::mutex abort_mutex_;
    std::string abort_reason_;
};

}  // namespace wsconform::harness
