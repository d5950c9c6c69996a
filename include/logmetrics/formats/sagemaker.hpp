// SPDX-License-Identifier: MIT
#pragma once
// SageMaker's FinalMetricDataList, as DescribeTrainingJob returns it: each metric's final value,
//     [{"MetricName":"train:loss","Value":0.25,"Timestamp":1795309323.456}]
// (compact, names() order, no final newline).
//
// The final value of a metric is its **last finite** value. SageMaker's API holds Value as a
// float (a JSON number) and CloudWatch refuses NaN and infinities, so a non-finite value cannot be
// a final value; a NaN after the last good step (a diverged run) does not erase what the metric
// reached. A metric whose values were all NaN or infinite has no final value: it is not in the
// list, and `final_metric_list::left_out` names it, for the caller to report. `final_metric_list`
// (stats.hpp) holds the values; `memory_store::final_metrics()` gives them for what it stored.
//
// - MetricName: a JSON string (detail/text/json_escape.hpp: escaped by hand, ill-formed UTF-8
//   replaced; fmt's `{:?}` is not JSON).
// - Value: the shortest round-trip number; an integer-typed metric's exact integer.
// - Timestamp: when the line of that value was read, in Unix epoch seconds with milliseconds,
//   the form DescribeTrainingJob's JSON carries (boto3 turns it into a datetime).

#include <span>
#include <string>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../detail/text/number_text.hpp"
#include "../detail/text/time_text.hpp"
#include "../stats.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Appends the FinalMetricDataList JSON of `metrics` to `out` (see the file's notes). Values that
/// are not finite (only a caller's own entries can hold one) are written as the strings "nan",
/// "inf", "-inf", as the JSONL format does, so that the JSON stays valid.
inline void append_final_metric_data_list(fmt::memory_buffer& out, std::span<const final_metric> metrics) {
    out.push_back('[');
    for (const final_metric& m : metrics) {
        if (&m != metrics.data()) out.push_back(',');
        detail::append_text(out, "{\"MetricName\":");
        detail::append_json_string(out, m.name);
        detail::append_text(out, ",\"Value\":");
        detail::append_json_value(out, m.value.value, m.value.type, m.value.integer);
        detail::append_text(out, ",\"Timestamp\":");
        detail::append_epoch_seconds(out, m.value.time);
        out.push_back('}');
    }
    out.push_back(']');
}

/// The FinalMetricDataList JSON of `metrics`, as a string.
inline std::string final_metric_data_list_json(std::span<const final_metric> metrics) {
    fmt::memory_buffer out;
    append_final_metric_data_list(out, metrics);
    return fmt::to_string(out);
}

LOGMETRICS_END_NAMESPACE
