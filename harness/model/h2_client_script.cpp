#include "harness/model/h2_client_script.h"

namespace wsconform::harness {

std::string to_string(H2SettingsProfile profile) {
    switch (profile) {
        case H2SettingsProfile::normal:
            return "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1";
        case H2SettingsProfile::delayed:
            return "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, sent " +
                   std::to_string(kH2SettingsDelay.count()) + " ms after the client's preface";
        case H2SettingsProfile::absent:
            return "SETTINGS without SETTINGS_ENABLE_CONNECT_PROTOCOL";
        case H2SettingsProfile::zero:
            return "SETTINGS_ENABLE_CONNECT_PROTOCOL = 0";
        case H2SettingsProfile::one_then_zero:
            return "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, then 0 once the WebSocket echoed";
        case H2SettingsProfile::one_then_two:
            return "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, then 2 once the WebSocket echoed";
    }
    return "?";
}

}  // namespace wsconform::harness
