// A GoogleTest fixture with a scratch folder of its own, kept (and named on stdout) when the
// test fails, so that a person can read what the run left there.
#pragma once

#include <gtest/gtest.h>

#include <iostream>

#include "tests/support/temp_dir.h"

namespace wsconform::test_support {

class ScratchTest : public ::testing::Test {
  protected:
    void TearDown() override {
        if (HasFailure()) {
            dir_.keep();
            std::cout << "  kept " << dir_.path() << "\n";
        }
    }

    TempDir dir_;
};

}  // namespace wsconform::test_support
