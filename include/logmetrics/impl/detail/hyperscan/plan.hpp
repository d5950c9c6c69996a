// SPDX-License-Identifier: MIT
#pragma once
// detail/hyperscan/plan.hpp's functions. Included by plan.hpp (header-only, the default) or by
// <logmetrics/src.hpp> alone (LOGMETRICS_SEPARATE_COMPILATION: config.hpp).

#include <string>
#include <string_view>
#include <utility>

// fmt/core.h only: fmt::format runs inside libfmt. format_to an iterator would instantiate fmt's
// whole formatting engine in every translation unit that compiles plans (with fmt/format.h: ~70 KB
// of code and seconds of compile time), and fails to link under clang with Debian's fmt 9 (with
// fmt/core.h alone).
#include <fmt/core.h>

#include "../../../config.hpp"
#include "../../../detail/hyperscan/handles.hpp"
#include "../../../detail/hyperscan/plan.hpp"
#include "../../../detail/regex/pcre2_code.hpp"
#include "../../../detail/regex/regex_outline.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

LOGMETRICS_DECL std::string hs_literal_pattern(std::string_view literal) {
    std::string pattern;
    pattern.reserve(literal.size() * 4);
    for (char c : literal) pattern += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
    return pattern;
}

LOGMETRICS_DECL scan_plan choose_plan(const std::string& regex, bool matches_empty) {
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
