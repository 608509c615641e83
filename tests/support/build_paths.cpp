#include "tests/support/build_paths.h"

#include <filesystem>

namespace wsconform::test_support {

namespace {

// <build>/tests: where every test executable is.
const std::filesystem::path& tests_folder() {
    static const std::filesystem::path folder =
        std::filesystem::read_symlink("/proc/self/exe").parent_path();
    return folder;
}

}  // namespace

const std::string& wsconform_binary() {
    static const std::string path = (tests_folder().parent_path() / "wsconform").string();
    return path;
}

const std::string& test_driver_binary() {
    static const std::string path = (tests_folder() / "wsconform_test_driver").string();
    return path;
}

}  // namespace wsconform::test_support
