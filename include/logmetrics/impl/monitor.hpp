// SPDX-License-Identifier: MIT
#pragma once
// monitor.hpp's cold code, which does not depend on the matcher or sink types: the checks and
// the counters a monitor starts with. Included by monitor.hpp (header-only, the default) or by
// <logmetrics/src.hpp> alone (LOGMETRICS_SEPARATE_COMPILATION: config.hpp).

#include <algorithm>
#include <cstddef>
#include <optional>
#include <vector>

#include "../config.hpp"
#include "../definition.hpp"
#include "../error.hpp"
#include "../monitor.hpp"

LOGMETRICS_BEGIN_NAMESPACE
namespace detail {

LOGMETRICS_DECL std::vector<definition_stats> make_definition_stats(std::size_t definitions) {
    std::vector<definition_stats> stats(definitions);
    for (auto& s : stats) s.rejected_example.reserve(rejected_example_limit);
    return stats;
}

LOGMETRICS_DECL std::optional<std::size_t> check_monitor_options(const monitor_options& options,
                                                                 const definition_set& definitions) {
    if (options.batch_size == 0) LOGMETRICS_THROW(error(errc::invalid_argument, "batch_size must be positive"));
    if (options.step_metric.empty()) return std::nullopt;
    const auto& names = definitions.metric_names();
    auto it = std::find(names.begin(), names.end(), options.step_metric);
    if (it == names.end()) {
        LOGMETRICS_THROW(
            error(errc::invalid_argument, "step_metric \"" + options.step_metric + "\" is not a defined metric"));
    }
    return static_cast<std::size_t>(it - names.begin());
}

}  // namespace detail
LOGMETRICS_END_NAMESPACE
