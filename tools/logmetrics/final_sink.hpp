// SPDX-License-Identifier: MIT
#pragma once
// final_sink: the `final:PATH` output. Keeps each metric's samples and, at close(), writes
// SageMaker's FinalMetricDataList (`[{"MetricName", "Value", "Timestamp"}]`, each metric's last
// value) and a line end.

#include <ostream>
#include <span>

#include <logmetrics/sample.hpp>
#include <logmetrics/sinks/memory_store.hpp>

namespace logmetrics::cli {

class final_sink {
public:
    /// Writes to `out` at close(); `out` must outlive the sink.
    explicit final_sink(std::ostream& out) : out_(&out) {}

    void write(const sample& s) { store_.write(s); }
    void write(std::span<const sample> batch) { store_.write(batch); }
    void flush() noexcept {}

    /// Writes the list; throws logmetrics::error (io_error) when the stream has failed.
    void close();

private:
    std::ostream* out_;
    memory_store store_;
};

}  // namespace logmetrics::cli
