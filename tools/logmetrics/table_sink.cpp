// SPDX-License-Identifier: MIT
#include "table_sink.hpp"

#include <iterator>
#include <optional>

#include <logmetrics/error.hpp>

#include "text.hpp"

namespace logmetrics::cli {

namespace {

/// A statistic's cell: the value, or "-" when there is none.
std::string or_dash(std::optional<double> value) { return value ? human_value(*value) : "-"; }

}  // namespace

table_sink::table_sink(std::ostream& out, std::size_t metric_width, bool label_streams)
    : out_(&out), metric_width_(metric_width), label_streams_(label_streams) {
    fmt::format_to(std::back_inserter(buffer_), "{:>{}}  {:<{}}  {:>{}}  {:>{}}\n{:-<{}}  {:-<{}}  {:-<{}}  {:-<{}}\n",
                   "line", line_width, "metric", metric_width_, "value", value_width, "step", step_width, "",
                   line_width, "", metric_width_, "", value_width, "", step_width);
    write_buffer();
}

void table_sink::write(const sample& s) { write(std::span<const sample>(&s, 1)); }

void table_sink::write(std::span<const sample> batch) {
    auto out = std::back_inserter(buffer_);
    for (const sample& s : batch) {
        out = fmt::format_to(out, "{:>{}}  {:<{}}  {:>{}}  {:>{}}\n", s.line, line_width, s.name, metric_width_,
                             human_number{s.value, s.type, s.integer}, value_width, s.step, step_width);
    }
    rows_ += batch.size();
    write_buffer();
}

void table_sink::flush() {
    out_->flush();
    if (!*out_) throw error(errc::io_error, "cannot write the table to stdout");
}

void table_sink::begin_stream(std::string_view label) {
    if (!label_streams_) return;
    fmt::format_to(std::back_inserter(buffer_), "==> {} <==\n", label);
    write_buffer();
}

void table_sink::write_final(const memory_store& store, const std::vector<std::string>& metrics) {
    auto out = std::back_inserter(buffer_);
    if (rows_ == 0) out = fmt::format_to(out, "(no samples)\n");
    out = fmt::format_to(out, "\nfinal values\n{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", "metric", metric_width_,
                         "last value", value_width, "count", count_width, "min", value_width, "max", value_width);
    out = fmt::format_to(out, "{:-<{}}  {:-<{}}  {:-<{}}  {:-<{}}  {:-<{}}\n", "", metric_width_, "", value_width, "",
                         count_width, "", value_width, "", value_width);
    for (const std::string& name : metrics) {
        const auto last = store.last_point(name);
        if (!last) {
            out = fmt::format_to(out, "{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", name, metric_width_, "-", value_width,
                                 0, count_width, "-", value_width, "-", value_width);
            continue;
        }
        out = fmt::format_to(out, "{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", name, metric_width_,
                             human_number{last->value, last->type, last->integer}, value_width, store.count(name),
                             count_width, or_dash((store.min)(name)), value_width, or_dash((store.max)(name)),
                             value_width);
    }
    write_buffer();
    flush();
}

void table_sink::write_buffer() {
    out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!*out_) throw error(errc::io_error, "cannot write the table to stdout");
}

}  // namespace logmetrics::cli
