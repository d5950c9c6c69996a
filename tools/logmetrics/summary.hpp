// SPDX-License-Identifier: MIT
#pragma once
// The summary a scan prints on stderr: per definition its samples and rejected captures (with the
// first rejected text and where it was), then the totals and the time taken.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/definition.hpp>
#include <logmetrics/monitor.hpp>

namespace logmetrics::cli {

/// What the summary reports of one definition, summed over the streams.
struct definition_totals {
    std::uint64_t samples = 0;
    std::uint64_t rejected = 0;
    std::uint64_t match_errors = 0;
    bool has_example = false;
    std::string example;         ///< the first rejected capture
    std::string example_stream;  ///< the label of its stream
    std::uint64_t example_line = 0;
};

/// The counts of every stream read so far.
struct run_totals {
    explicit run_totals(std::size_t definitions) : per_definition(definitions) {}

    /// Adds one stream's counts (`per_definition` in definition order).
    void add(const monitor_stats& stream, std::span<const definition_stats> definitions, std::string_view label);

    monitor_stats all;
    std::vector<definition_totals> per_definition;
    std::size_t streams = 0;
};

/// What the summary says besides the counts.
struct summary_facts {
    const definition_set& definitions;
    const std::vector<std::string>& plans;  ///< per definition, a note on how the engine runs it
    std::string_view engine;
    std::string_view mode;
    double compile_seconds = 0;
    double scan_seconds = 0;
};

/// The summary's text, lines ended by '\n'.
std::string format_summary(const summary_facts& facts, const run_totals& totals);

}  // namespace logmetrics::cli
