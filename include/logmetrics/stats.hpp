// SPDX-License-Identifier: MIT
#pragma once
// series_summary: the running summary of one metric's values (last, last finite, min, max, mean,
// counts), updated in O(1) per value and 150-odd bytes in size, so a sink can keep one per metric
// without keeping the series. memory_store keeps one per metric; Prometheus gauges (the last
// value), health rules (NaN counts, divergence from the running minimum), the report and
// SageMaker's FinalMetricDataList (the last finite value, formats/sagemaker.hpp) read it.
//
// NaN is skipped by min, max and mean, as pandas does by default (`skipna=True`) and numpy's
// `nanmin`, `nanmax`, `nanmean` do: one diverged step does not hide the rest of the series, and
// `last` and `nan` still show it. Infinities count: a mean over `inf` is `inf`, over `inf` and
// `-inf` it is NaN, and `min`/`max` may be infinite. `last_finite` skips both.
//
// `final_metric_list` gathers the last finite values of many series: the data of SageMaker's
// FinalMetricDataList, which formats/sagemaker.hpp writes.

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// One observed value and where it came from.
struct observation {
    double value = std::numeric_limits<double>::quiet_NaN();  ///< the value (also set for integers)
    std::int64_t integer = 0;                                 ///< the exact value when `type == value_type::integer`
    value_type type = value_type::real;                       ///< how the value was typed
    timestamp time{};                                         ///< when its line was read
    std::uint64_t step = 0;                                   ///< the sample's step
    std::uint64_t line = 0;                                   ///< 1-based line number in its stream

    /// The observation of a sample (its value, type, time, step and line).
    static observation of(const sample& s) noexcept { return {s.value, s.integer, s.type, s.time, s.step, s.line}; }
};

/// The running summary of one series of values. A plain value type: not thread-safe (guard it as
/// the owner guards the rest of its state), copyable, no allocation.
struct series_summary {
    std::uint64_t count = 0;                 ///< values observed, NaN and infinities included
    std::uint64_t non_finite = 0;            ///< of which NaN or infinite
    std::uint64_t nan = 0;                   ///< of which NaN
    observation last;                        ///< the latest value, whatever it is; `value` is NaN before any
    std::optional<observation> last_finite;  ///< the latest finite value; empty while there is none
    double min = std::numeric_limits<double>::quiet_NaN();  ///< smallest value, NaN skipped; NaN if none
    double max = std::numeric_limits<double>::quiet_NaN();  ///< largest value, NaN skipped; NaN if none
    double sum = 0;                                         ///< sum of the values, NaN skipped (infinities count)

    /// Adds one value seen at `time`.
    void observe(double value, timestamp time) noexcept {
        observation o;
        o.value = value;
        o.time = time;
        observe(o);
    }

    /// Adds a sample's value, with its type (integers stay exact), time, step and line.
    void observe(const sample& s) noexcept { observe(observation::of(s)); }

    /// Adds one observation.
    void observe(const observation& o) noexcept {
        ++count;
        last = o;
        if (std::isnan(o.value)) {
            ++non_finite;
            ++nan;
            return;
        }
        if (std::isinf(o.value)) {
            ++non_finite;
        } else {
            last_finite = o;
        }
        const bool first_number = count - nan == 1;
        if (first_number || o.value < min) min = o.value;
        if (first_number || o.value > max) max = o.value;
        sum += o.value;
    }

    /// The arithmetic mean of the values, NaN skipped; NaN when there is no other value.
    double mean() const noexcept {
        const std::uint64_t numbers = count - nan;
        return numbers == 0 ? std::numeric_limits<double>::quiet_NaN() : sum / static_cast<double>(numbers);
    }

    /// Whether no value was observed.
    bool empty() const noexcept { return count == 0; }
};

/// One entry of SageMaker's FinalMetricDataList: a metric's final value, its last finite one
/// (formats/sagemaker.hpp says why, and writes the list as JSON).
struct final_metric {
    std::string name;   ///< MetricName
    observation value;  ///< the last finite value (Value) and when it was read (Timestamp)
};

/// The entries of FinalMetricDataList, and the metrics that have none.
struct final_metric_list {
    std::vector<final_metric> metrics;  ///< in the order added
    std::vector<std::string> left_out;  ///< metrics whose every value was NaN or infinite

    /// Adds the metric `name` from its summary: an entry with its last finite value, or its name
    /// in `left_out` when it has none. A summary with no values at all is skipped.
    void add(std::string_view name, const series_summary& summary) {
        if (summary.empty()) return;
        if (summary.last_finite) {
            metrics.push_back({std::string(name), *summary.last_finite});
        } else {
            left_out.emplace_back(name);
        }
    }
};

LOGMETRICS_END_NAMESPACE
