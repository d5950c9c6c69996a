// SPDX-License-Identifier: MIT
// Provides main() for the tests when building against Catch2 v2. With Catch2 v3
// the build links Catch2::Catch2WithMain instead, and this file compiles to nothing.
#if !defined(LOGMETRICS_CATCH2_V3)
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
#endif
