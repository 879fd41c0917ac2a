// Helpers shared by the cyn.lib GoogleTests (runtime/tests/lib_*_test.cpp).
#pragma once

#include <gtest/gtest.h>

#include "cyn/lib/errors.hpp"

// Expects `body` to throw cyn::TypeError with exactly `message` (Python's wording).
#define EXPECT_TYPE_ERROR(body, message)                 \
  do {                                                   \
    try {                                                \
      body;                                              \
      ADD_FAILURE() << "no TypeError from " #body;       \
    } catch (const cyn::TypeError& e) {                  \
      EXPECT_STREQ(e.what(), message) << #body;          \
    }                                                    \
  } while (0)
