// SPDX-License-Identifier: MIT
#pragma once
// matchers/hyperscan.hpp's cold code: choosing the plans and building the database. Included by
// matchers/hyperscan.hpp (header-only, the default) or by <logmetrics/src.hpp> alone
// (LOGMETRICS_SEPARATE_COMPILATION: config.hpp).

#include <algorithm>
#include <cstddef>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "../../config.hpp"
#include "../../detail/hyperscan/handles.hpp"
#include "../../detail/hyperscan/plan.hpp"
#include "../../error.hpp"
#include "../../matchers/hyperscan.hpp"

LOGMETRICS_BEGIN_NAMESPACE

LOGMETRICS_DECL hyperscan_matcher::hyperscan_matcher(const definition_set& definitions)
    : exact_(definitions), plans_(definitions.size()) {
    if (hs_valid_platform() != HS_SUCCESS) {
        LOGMETRICS_THROW(
            error(errc::engine_unavailable, "Hyperscan needs a CPU with SSSE3; use the pcre2 engine on this machine"));
    }
    choose_plans();
    build_database();
    some_pcre2_only_ =
        std::any_of(plans_.begin(), plans_.end(), [](const auto& p) { return p.plan == hyperscan_plan::pcre2_only; });
}

LOGMETRICS_DECL hyperscan_matcher::scratch_type hyperscan_matcher::make_scratch() const {
    const std::size_t n = plans_.size();
    scratch_type scratch{
        exact_.make_scratch(), nullptr, std::vector<std::uint8_t>(n, 0), {}, std::vector<std::uint32_t>(n, 0)};
    if (prototype_scratch_) {
        hs_scratch_t* clone = nullptr;
        if (hs_clone_scratch(prototype_scratch_.get(), &clone) != HS_SUCCESS) {
            LOGMETRICS_THROW(error(errc::engine_failed, "Hyperscan could not allocate scratch space"));
        }
        scratch.hs.reset(clone);
    }
    return scratch;
}

LOGMETRICS_DECL void hyperscan_matcher::choose_plans() {
    for (std::size_t i = 0; i < plans_.size(); ++i) {
        plans_[i] = detail::choose_plan(definitions()[i].regex, exact_.matches_empty(i));
    }
}

LOGMETRICS_DECL void hyperscan_matcher::build_database() {
    for (;;) {
        std::vector<const char*> expressions;
        std::vector<unsigned> flags, ids;
        for (std::size_t i = 0; i < plans_.size(); ++i) {
            if (plans_[i].plan == hyperscan_plan::pcre2_only) continue;
            expressions.push_back(plans_[i].pattern.c_str());
            flags.push_back(detail::hs_scan_flags |
                            (plans_[i].plan == hyperscan_plan::prefilter ? HS_FLAG_PREFILTER : 0u));
            ids.push_back(static_cast<unsigned>(i));
        }
        if (expressions.empty()) return;  // every definition runs on PCRE2
        hs_database_t* db = nullptr;
        hs_compile_error_t* raw_error = nullptr;
        if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(expressions.size()),
                             HS_MODE_BLOCK, nullptr, &db, &raw_error) == HS_SUCCESS) {
            database_.reset(db);
            break;
        }
        detail::hs_compile_error_ptr compile_error(raw_error);
        std::string message = compile_error && compile_error->message ? compile_error->message : "unknown";
        int culprit = compile_error ? compile_error->expression : -1;
        if (culprit < 0) {  // not one definition's fault (e.g. the whole set is too large)
            LOGMETRICS_THROW(error(
                errc::engine_failed,
                fmt::format("Hyperscan could not build its database of {} patterns: {}", expressions.size(), message)));
        }
        std::size_t i = ids[static_cast<std::size_t>(culprit)];
        plans_[i] = {hyperscan_plan::pcre2_only, {}, message};  // run it on PCRE2, build the rest again
    }
    hs_scratch_t* scratch = nullptr;
    if (hs_alloc_scratch(database_.get(), &scratch) != HS_SUCCESS) {
        LOGMETRICS_THROW(error(errc::engine_failed, "Hyperscan could not allocate scratch space"));
    }
    prototype_scratch_.reset(scratch);
}

LOGMETRICS_END_NAMESPACE
