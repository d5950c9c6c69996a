// SPDX-License-Identifier: MIT
#pragma once
// The summary a scan prints on stderr: per definition its samples and rejected captures (with the
// first rejected text and where it was), then the totals and the time taken.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <logmetrics/definition.hpp>
#include <logmetrics/monitor.hpp>

namespace logmetrics::cli {

/// The counts of every stream read so far.
struct run_totals {
    explicit run_totals(std::size_t definitions) : per_definition(definitions), example_stream(definitions) {}

    /// Adds one stream's counts (`definitions` in definition order). Each definition keeps the
    /// example of the first stream that rejected a capture of it, even an empty one.
    void add(const monitor_stats& stream, std::span<const definition_stats> definitions, std::string_view label);

    monitor_stats all;
    std::vector<definition_stats> per_definition;
    std::vector<std::string> example_stream;  ///< the label of the stream of each example
    std::size_t streams = 0;
};

/// What an output lost: the samples of its failed writes and why they failed, the samples it
/// dropped by reason (e.g. "queue full"), and the metrics it left out (FinalMetricDataList: no
/// finite value).
struct output_losses {
    std::string name;          ///< the output's name: "csv:out.csv"
    std::uint64_t errors = 0;  ///< failed writes (each of one sample or a batch)
    /// A drop reason: how many, and whether delivery failed (drop_cause::delivery_failed) rather
    /// than a format's rule refusing them.
    struct drop {
        std::string reason;
        std::uint64_t count = 0;
        bool undelivered = false;
    };
    std::vector<drop> drops{};
    std::vector<std::string> left_out{};
    std::uint64_t lost = 0;  ///< samples in the failed writes
    std::string reason{};    ///< why they failed ("Broken pipe")
};

/// What the summary says besides the counts.
struct summary_facts {
    const definition_set& definitions;
    const std::vector<std::string>& plans;  ///< per definition, a note on how the engine runs it
    std::string_view engine;
    std::string_view mode;
    double compile_seconds = 0;
    double scan_seconds = 0;
    std::vector<output_losses> outputs{};  ///< outputs that failed or dropped samples
    std::string stopped{};                 ///< why reading stopped early (a signal...); empty: it did not
};

/// The summary's text, lines ended by '\n'.
std::string format_summary(const summary_facts& facts, const run_totals& totals);

}  // namespace logmetrics::cli
