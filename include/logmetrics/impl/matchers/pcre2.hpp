// SPDX-License-Identifier: MIT
#pragma once
// matchers/pcre2.hpp's cold code: compiling the definitions (PCRE2 and its JIT, the literal filter,
// the direct captures). Included by matchers/pcre2.hpp (header-only, the default) or by
// <logmetrics/src.hpp> alone (LOGMETRICS_SEPARATE_COMPILATION: config.hpp).

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "../../config.hpp"
#include "../../detail/regex/regex_outline.hpp"
#include "../../error.hpp"
#include "../../matchers/pcre2.hpp"

LOGMETRICS_BEGIN_NAMESPACE

LOGMETRICS_DECL pcre2_matcher::pcre2_matcher(definition_set definitions) : definitions_(std::move(definitions)) {
    codes_.reserve(definitions_.size());
    std::vector<std::string> literals;
    for (std::size_t i = 0; i < definitions_.size(); ++i) {
        literals.push_back(detail::required_literal(definitions_[i].regex));
        min_lengths_.push_back(0);
        codes_.push_back(detail::pcre2_code::compile(definitions_[i].regex));
        if (!codes_.back().ok()) {  // definition_set validated it already; only memory can fail
            LOGMETRICS_THROW(
                error(errc::engine_failed, fmt::format("PCRE2 could not compile definition {} {:?}: {}", i,
                                                       definitions_[i].name, codes_.back().error_message())));
        }
        min_lengths_.back() = codes_.back().min_length();
        direct_.push_back(detail::direct_capture::from(definitions_[i].regex));
    }
    filter_ = detail::literal_filter(literals);
}

LOGMETRICS_DECL pcre2_matcher::scratch_type pcre2_matcher::make_scratch() const {
    scratch_type scratch{detail::pcre2_scratch{}, std::vector<std::uint8_t>(codes_.size(), 0)};
    if (!scratch.pcre2.ok()) LOGMETRICS_THROW(error(errc::engine_failed, "PCRE2 could not allocate match data"));
    return scratch;
}

LOGMETRICS_END_NAMESPACE
