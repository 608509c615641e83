#include "cli/limit_options.h"

#include "cli/options.h"

namespace wsconform::cli {

namespace {

constexpr NumberRange kPrompt{0.1, 600, "s"};
constexpr NumberRange kMissingSize{1024, 68719476736.0, "bytes"};  // 1 KiB to 64 GiB

}  // namespace

void add_limit_threshold_options(CLI::App& sub, LimitOptions& limits) {
    add_number_option(sub, "--limit-prompt", limits.prompt_s, kPrompt,
                      "section 15: how long 'promptly' is, in seconds: a peer that must fail "
                      "the connection and has not by then hangs")
        ->capture_default_str();
    add_whole_option(sub, "--limit-missing-size", limits.missing_bytes, kMissingSize,
                     "section 15: a message, inflated message or unfinished message this large "
                     "accepted without a close means a missing limit (a warning); also the "
                     "most a probe sends in one message")
        ->capture_default_str();
}

harness::LimitThresholds limit_thresholds(const LimitOptions& limits) {
    harness::LimitThresholds t;
    t.prompt = seconds_to_ms(limits.prompt_s);
    t.missing_limit_bytes = limits.missing_bytes;
    return t;
}

}  // namespace wsconform::cli
