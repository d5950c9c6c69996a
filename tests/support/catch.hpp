// SPDX-License-Identifier: MIT
// Include this ("support/catch.hpp") in test files instead of a Catch2 header:
// it picks the right header for Catch2 v3 (LOGMETRICS_CATCH2_V3, set by
// tests/CMakeLists.txt) or Catch2 v2.
//
// Spellings that build with both: TEST_CASE, SECTION, REQUIRE, CHECK,
// REQUIRE_THROWS_AS, REQUIRE_THAT, unqualified Approx(...) (v2 puts it in the
// global namespace; for v3 it is brought there below), and the matchers
// Catch::Matchers::WithinAbs / WithinRel / WithinULP.
#pragma once

#if defined(LOGMETRICS_CATCH2_V3)
#include <catch2/catch_all.hpp>
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
