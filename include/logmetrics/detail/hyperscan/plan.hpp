// SPDX-License-Identifier: MIT
#pragma once
// How the Hyperscan engine runs one definition, chosen from the regex alone (no database, no
// scratch): `choose_plan` is what the matcher uses, and what a linter can ask without building a
// matcher. Needs <hs.h> and libhs (it asks Hyperscan whether it takes a pattern).

#include <cstdint>
#include <string>
#include <string_view>

// fmt/core.h only: fmt::format runs inside libfmt. format_to an iterator would instantiate fmt's
// whole formatting engine in every translation unit that makes a Hyperscan matcher (with
// fmt/format.h: ~70 KB of code and seconds of compile time), and fails to link under clang with
// Debian's fmt 9 (with fmt/core.h alone).
#include <fmt/core.h>

#include "../../config.hpp"
#include "../regex/pcre2_code.hpp"
#include "../regex/regex_outline.hpp"
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
inline std::string hs_literal_pattern(std::string_view literal) {
    std::string pattern;
    pattern.reserve(literal.size() * 4);
    for (char c : literal) pattern += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    return pattern;
}

/// Chooses the plan for `regex` (a valid PCRE2 pattern); `matches_empty` is PCRE2's answer to
/// whether it can match an empty string. Costs one or two Hyperscan compiles of one pattern.
inline scan_plan choose_plan(const std::string& regex, bool matches_empty) {
    if (matches_empty) return {hyperscan_plan::pcre2_only, {}, "can match an empty string, so it matches every line"};
    if (anchors_on_whole_text(regex)) {
        return {hyperscan_plan::pcre2_only,
                {},
                "anchors on the whole text (\\A, \\z, \\Z, \\G or multi-line mode off), which a scan of many "
                "lines at once would change"};
    }
    // A looser pattern finds every line the regex matches, with fewer reports and a simpler
    // automaton (literals are what Hyperscan scans for fastest); PCRE2 confirms each line
    // reported anyway. Four bytes keep the false candidates rare.
    if (std::string literal = required_literal(regex); literal.size() >= 4) {
        std::string reason = fmt::format("scans for a literal every match contains: {:?}", literal);
        return {hyperscan_plan::filter, hs_literal_pattern(literal), std::move(reason)};
    }
    std::string prefix = scan_prefix(regex);
    if (!prefix.empty() && pcre2_code::compile(prefix).min_length() > 0 &&
        hs_try_compile(prefix, hs_scan_flags).empty()) {
        std::string reason = fmt::format("scans for the part before group 1: {}", prefix);
        return {hyperscan_plan::filter, std::move(prefix), std::move(reason)};
    }
    std::string exact_error = hs_try_compile(regex, hs_scan_flags);
    if (exact_error.empty()) return {hyperscan_plan::exact, regex, "Hyperscan takes the regex as written"};
    if (hs_try_compile(regex, hs_scan_flags | HS_FLAG_PREFILTER).empty()) {
        return {hyperscan_plan::prefilter, regex, std::move(exact_error)};
    }
    return {hyperscan_plan::pcre2_only, {}, std::move(exact_error)};
}

}  // namespace detail
LOGMETRICS_END_NAMESPACE
