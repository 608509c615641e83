#include "harness/model/h2_client_script.h"

#include <array>

namespace wsconform::harness {

std::string to_string(H2SettingsProfile profile) {
    // In the order of H2SettingsProfile's values.
    static const std::array<std::string, 7> kNames{
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1",
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, sent " + std::to_string(kH2SettingsDelay.count()) +
            " ms after the client's preface",
        "SETTINGS without SETTINGS_ENABLE_CONNECT_PROTOCOL",
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 0",
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, then 0 once the WebSocket echoed",
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1, then 2 once the WebSocket echoed",
        "SETTINGS_ENABLE_CONNECT_PROTOCOL = 1 and SETTINGS_INITIAL_WINDOW_SIZE = " +
            std::to_string(kH2HeldWindow) + ", the WebSocket's window then held " +
            std::to_string(kH2WindowHold.count()) + " ms",
    };
    const auto i = static_cast<std::size_t>(profile);
    return i < kNames.size() ? kNames[i] : "?";
}

}  // namespace wsconform::harness
