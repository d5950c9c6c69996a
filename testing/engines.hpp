// SPDX-License-Identifier: MIT
#pragma once
// The engine lists the behaviour tests run over (TEMPLATE_TEST_CASE), defined once: every engine
// this build has, and those plus test_support::std_regex_engine (an engine written outside the
// library). Also `line_block_of`, which indexes whole lines of text for a block matcher.

#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "logmetrics/matcher.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "testing/std_regex_matcher.hpp"
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
#define LOGMETRICS_LIBRARY_ENGINES logmetrics::pcre2_engine, logmetrics::hyperscan_engine
#else
#define LOGMETRICS_LIBRARY_ENGINES logmetrics::pcre2_engine
#endif
#define LOGMETRICS_TEST_ENGINES LOGMETRICS_LIBRARY_ENGINES, test_support::std_regex_engine

namespace test_support {

/// A line_block over `text` (whole lines, each ending in '\n'); `ends` receives the line ends
/// and must outlive the block.
inline logmetrics::line_block line_block_of(std::string_view text, std::vector<std::uint32_t>& ends) {
    ends.clear();
    for (std::size_t at = 0; at < text.size(); ++at) {
        if (text[at] == '\n') ends.push_back(static_cast<std::uint32_t>(at));
    }
    return {text, ends};
}

}  // namespace test_support
