// SPDX-License-Identifier: MIT
#pragma once
// How the Hyperscan engine runs one definition, chosen from the regex alone (no database, no
// scratch): `choose_plan` is what the matcher uses, and what a linter can ask without building a
// matcher. Needs <hs.h> and libhs (it asks Hyperscan whether it takes a pattern).

#include <cstdint>
#include <string>
#include <string_view>

#include "../../config.hpp"
#include "handles.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How the Hyperscan engine runs one definition (see matchers/hyperscan.hpp).
enum class hyperscan_plan : std::uint8_t {
    filter,     ///< Hyperscan scans for a looser pattern (a required literal, or the part before group 1)
    exact,      ///< Hyperscan scans for the regex as written
    prefilter,  ///< Hyperscan scans for its own looser form of the regex (HS_FLAG_PREFILTER)
    pcre2_only  ///< Hyperscan cannot select lines for it: PCRE2 searches every line
};

/// The plan's name as reports print it: `filter`, `exact`, `prefilter`, `pcre2-only`.
constexpr std::string_view to_string(hyperscan_plan plan) noexcept {
    switch (plan) {
        case hyperscan_plan::filter: return "filter";
        case hyperscan_plan::exact: return "exact";
        case hyperscan_plan::prefilter: return "prefilter";
        case hyperscan_plan::pcre2_only: return "pcre2-only";
    }
    return "unknown";
}

namespace detail {

/// The flags of every pattern in the database: every report, not one per scan, since a scan
/// covers many lines; ^ and $ at line ends.
inline constexpr unsigned hs_scan_flags = HS_FLAG_MULTILINE;

/// A definition's plan: what Hyperscan scans for on its behalf, and why.
struct scan_plan {
    hyperscan_plan plan = hyperscan_plan::pcre2_only;
    std::string pattern;  ///< the Hyperscan pattern; empty for pcre2_only
    std::string reason;   ///< one line a person can read (Hyperscan's message where it refused)
};

/// A Hyperscan pattern that matches `literal` byte for byte (every byte written as \xHH, so no
/// byte is taken for regex syntax).
LOGMETRICS_DECL std::string hs_literal_pattern(std::string_view literal);

/// Chooses the plan for `regex` (a valid PCRE2 pattern); `matches_empty` is PCRE2's answer to
/// whether it can match an empty string. Costs one or two Hyperscan compiles of one pattern.
LOGMETRICS_DECL scan_plan choose_plan(const std::string& regex, bool matches_empty);

}  // namespace detail
LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "../../impl/detail/hyperscan/plan.hpp"
#endif
