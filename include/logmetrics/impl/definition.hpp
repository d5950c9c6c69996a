// SPDX-License-Identifier: MIT
#pragma once
// definition.hpp's out-of-line functions: checking definitions compiles each regex with PCRE2 and
// formats messages with fmt. Included by definition.hpp (header-only, the default) or by
// <logmetrics/src.hpp> alone (LOGMETRICS_SEPARATE_COMPILATION: config.hpp).

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

// fmt/core.h, not fmt/format.h: the messages are formatted inside libfmt.
#include <fmt/core.h>

#include "../config.hpp"
#include "../definition.hpp"
#include "../detail/regex/pcre2_code.hpp"
#include "../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE

LOGMETRICS_DECL std::string to_string(const definition_problem& problem) {
    if (problem.name.empty()) return fmt::format("MetricDefinitions[{}]: {}", problem.index, problem.message);
    return fmt::format("MetricDefinitions[{}] {:?}: {}", problem.index, problem.name, problem.message);
}

LOGMETRICS_DECL std::string definition_error::describe(const std::vector<definition_problem>& problems) {
    std::string text;
    for (const auto& p : problems) {
        if (!text.empty()) text += "; ";
        text += to_string(p);
    }
    return text;
}

LOGMETRICS_DECL std::vector<definition_problem> find_problems(const std::vector<metric_definition>& definitions,
                                                              const definition_limits& limits) {
    std::vector<definition_problem> problems;
    if (definitions.size() > limits.max_definitions) {
        problems.push_back({limits.max_definitions, definitions[limits.max_definitions].name,
                            fmt::format("more than {} definitions ({} given): SageMaker's limit, which unlimited "
                                        "limits lift",
                                        limits.max_definitions, definitions.size())});
    }
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        const auto& d = definitions[i];
        auto refuse = [&](std::string message) { problems.push_back({i, d.name, std::move(message)}); };
        if (d.name.empty()) refuse("Name is empty");
        if (d.name.size() > limits.max_name_length) {
            refuse(fmt::format("Name is {} characters, over the limit of {}", d.name.size(), limits.max_name_length));
        }
        if (d.regex.empty()) {
            refuse("Regex is empty");
            continue;
        }
        if (d.regex.size() > limits.max_regex_length) {
            refuse(
                fmt::format("Regex is {} characters, over the limit of {}", d.regex.size(), limits.max_regex_length));
        }
        auto compiled = detail::pcre2_code::compile(d.regex);
        if (!compiled.ok()) {
            refuse(fmt::format("Regex does not compile at offset {}: {}", compiled.error_offset(),
                               compiled.error_message()));
        } else if (compiled.capture_count() < 1) {
            refuse("Regex has no capture group: the value is capture group 1, e.g. \"loss=(\\S+)\"");
        }
    }
    return problems;
}

LOGMETRICS_DECL void definition_set::validate(const definition_limits& limits) const {
    auto problems = find_problems(definitions_, limits);
    if (!problems.empty()) LOGMETRICS_THROW(definition_error(std::move(problems)));
}

LOGMETRICS_DECL void definition_set::index_metrics() {
    metric_of_.resize(definitions_.size());
    for (std::size_t i = 0; i < definitions_.size(); ++i) {
        auto it = std::find(metric_names_.begin(), metric_names_.end(), definitions_[i].name);
        metric_of_[i] = static_cast<std::size_t>(it - metric_names_.begin());
        if (it == metric_names_.end()) metric_names_.push_back(definitions_[i].name);
    }
}

LOGMETRICS_END_NAMESPACE
