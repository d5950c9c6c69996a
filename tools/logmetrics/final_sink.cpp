// SPDX-License-Identifier: MIT
#include "final_sink.hpp"

#include <utility>

#include <logmetrics/error.hpp>
#include <logmetrics/formats/sagemaker.hpp>

namespace logmetrics::cli {

final_sink::final_sink(std::ostream& out, std::vector<std::string> metrics)
    : out_(&out), metrics_(std::move(metrics)), summaries_(metrics_.size()) {}

void final_sink::write(const sample& s) noexcept {
    // Samples of a name the definitions do not have at their index cannot come from the monitor.
    if (s.metric < summaries_.size() && s.name == metrics_[s.metric]) summaries_[s.metric].observe(s);
}

void final_sink::write(std::span<const sample> batch) noexcept {
    for (const sample& s : batch) write(s);
}

void final_sink::close() {
    final_metric_list list;
    for (std::size_t i = 0; i < metrics_.size(); ++i) list.add(metrics_[i], summaries_[i]);
    left_out_ = std::move(list.left_out);
    fmt::memory_buffer text;
    append_final_metric_data_list(text, list.metrics);
    text.push_back('\n');
    out_->write(text.data(), static_cast<std::streamsize>(text.size()));
    out_->flush();
    if (!*out_) throw error(errc::io_error, "cannot write the FinalMetricDataList");
}

}  // namespace logmetrics::cli
