#include "harness/running_case.h"

#include "harness/case_session.h"
#include "harness/http_case.h"

namespace wsconform::harness {

std::shared_ptr<RunningCase> make_running_case(boost::asio::io_context& io, const Case& test,
                                               SessionConfig config, RunningCase::Done done) {
    if (test.is_handshake_case())
        return std::make_shared<HttpCase>(io, test, std::move(config), std::move(done));
    return std::make_shared<CaseSession>(io, test, std::move(config), std::move(done));
}

}  // namespace wsconform::harness
