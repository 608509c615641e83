// The programs the tests start, found from the test executable's own path (<build>/tests/NAME):
// no build folder is compiled into a test file, so the same test object serves build/ and
// build-asan/ (scripts/test compiles the test files once; the second build takes them from the
// compiler cache).
#pragma once

#include <string>

namespace wsconform::test_support {

// <build>/wsconform: the binary of the build folder this test belongs to.
const std::string& wsconform_binary();
// <build>/tests/wsconform_test_driver: the client `test-client --run` starts in
// client_mode_test.
const std::string& test_driver_binary();

}  // namespace wsconform::test_support
