// SPDX-License-Identifier: MIT
#pragma once
// final_sink: the `final:PATH` output. Keeps a running summary per metric (stats.hpp, not the
// samples) and, at close(), writes SageMaker's FinalMetricDataList (formats/sagemaker.hpp):
// `[{"MetricName", "Value", "Timestamp"}]` in definition order, each metric's **last finite**
// value, and a line end. A metric whose values were all NaN or infinite has no final value: it is
// left out of the list and named by left_out(), for the summary.

#include <ostream>
#include <span>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/sample.hpp>
#include <logmetrics/stats.hpp>

namespace logmetrics::cli {

class final_sink {
public:
    /// `metrics`: the definitions' metric names, in order (a sample's `metric` indexes them).
    /// Writes to `out` at close(); `out` must outlive the sink.
    final_sink(std::ostream& out, std::vector<std::string> metrics);

    void write(const sample& s) noexcept;
    void write(std::span<const sample> batch) noexcept;
    void flush() noexcept {}

    /// Writes the list; throws logmetrics::error (io_error) when the stream has failed.
    void close();

    /// After close(): the metrics left out because none of their values was finite.
    const std::vector<std::string>& left_out() const noexcept { return left_out_; }

private:
    std::ostream* out_;
    std::vector<std::string> metrics_;
    std::vector<series_summary> summaries_;
    std::vector<std::string> left_out_;
};

}  // namespace logmetrics::cli
