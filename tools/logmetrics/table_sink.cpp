// SPDX-License-Identifier: MIT
#include "table_sink.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

#include <fmt/compile.h>

#include <logmetrics/error.hpp>

#include "text.hpp"

namespace logmetrics::cli {

namespace {

constexpr std::size_t max_metric_width = 48;

/// A metric's cell: escaped (control bytes never reach the terminal), cut with "…" past the
/// widest column.
std::string metric_cell(std::string_view name) { return fit_to_width(printable_name(name), max_metric_width); }

std::size_t metric_column_width(const std::vector<std::string>& metrics) {
    std::size_t width = 6;  // "metric"
    for (const auto& name : metrics) width = std::max(width, display_width(metric_cell(name)));
    return width;
}

}  // namespace

table_sink::table_sink(std::ostream& out, std::vector<std::string> metrics, bool label_streams)
    : out_(&out),
      metrics_(std::move(metrics)),
      summaries_(metrics_.size()),
      metric_width_(metric_column_width(metrics_)),
      label_streams_(label_streams) {
    static_assert(line_width == 6 && value_width == 12 && step_width == 5, "the row's format string says so");
    for (const std::string& name : metrics_) {
        padded_names_.push_back(fmt::format("{:<{}}", metric_cell(name), metric_width_));
    }
    fmt::format_to(std::back_inserter(buffer_), "{:>{}}  {:<{}}  {:>{}}  {:>{}}\n{:-<{}}  {:-<{}}  {:-<{}}  {:-<{}}\n",
                   "line", line_width, "metric", metric_width_, "value", value_width, "step", step_width, "",
                   line_width, "", metric_width_, "", value_width, "", step_width);
    write_buffer();
}

void table_sink::write(const sample& s) { write(std::span<const sample>(&s, 1)); }

void table_sink::write(std::span<const sample> batch) {
    auto out = fmt::appender(buffer_);
    for (const sample& s : batch) {
        if (label_streams_ && (rows_ == 0 || s.stream != stream_)) {
            stream_ = s.stream;
            out = fmt::format_to(out, "==> {} <==\n", printable_name(s.stream));  // control bytes escaped
        }
        // The metric's cell is padded once per metric (fmt pads text by its display width, a UTF-8
        // decode per cell); numbers are padded as they are written. Widths match the constants.
        const bool known = s.metric < padded_names_.size() && s.name == metrics_[s.metric];
        if (!known) other_name_ = metric_cell(s.name);  // rare: a sink fed by hand
        const std::string_view name = known ? std::string_view(padded_names_[s.metric]) : other_name_;
        const std::size_t name_width = known ? 0 : metric_width_;
        if (s.type == value_type::integer) {
            out = fmt::format_to(out, FMT_COMPILE("{:>6}  {:<{}}  {:>12}  {:>5}\n"), s.line, name, name_width,
                                 s.integer, s.step);
        } else {
            // %.6g as printf writes it; a NaN shows as "nan" whatever its sign (fmt writes "-nan").
            const double value = std::isnan(s.value) ? std::numeric_limits<double>::quiet_NaN() : s.value;
            out = fmt::format_to(out, FMT_COMPILE("{:>6}  {:<{}}  {:>12.6g}  {:>5}\n"), s.line, name, name_width, value,
                                 s.step);
        }
        if (known) summaries_[s.metric].observe(s);
        ++rows_;
    }
    write_buffer();
}

void table_sink::flush() {
    out_->flush();
    if (!*out_) throw error(errc::io_error, "cannot write the table");
}

void table_sink::close() {
    auto out = std::back_inserter(buffer_);
    if (rows_ == 0) out = fmt::format_to(out, "(no samples)\n");
    out = fmt::format_to(out, "\nfinal values\n{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", "metric", metric_width_,
                         "last finite", value_width, "count", count_width, "min", value_width, "max", value_width);
    out = fmt::format_to(out, "{:-<{}}  {:-<{}}  {:-<{}}  {:-<{}}  {:-<{}}\n", "", metric_width_, "", value_width, "",
                         count_width, "", value_width, "", value_width);
    bool marked = false;  // some metric's last value was NaN or infinite
    for (std::size_t i = 0; i < metrics_.size(); ++i) {
        const series_summary& m = summaries_[i];
        if (m.count == 0) {
            out = fmt::format_to(out, "{:<{}}  {:>{}}  {:>{}}  {:>{}}  {:>{}}\n", padded_names_[i], 0, "-", value_width,
                                 0, count_width, "-", value_width, "-", value_width);
            continue;
        }
        // The last finite value, as final: writes it; '*' in the gap after it when the last
        // value was not finite (or '-' when no value was).
        const bool last_finite = std::isfinite(m.last.value);
        marked = marked || !last_finite;
        const std::string cell = m.last_finite
                                     ? human_value(m.last_finite->value, m.last_finite->type, m.last_finite->integer)
                                     : std::string("-");
        out = fmt::format_to(out, "{:<{}}  {:>{}}{} {:>{}}  {:>{}}  {:>{}}\n", padded_names_[i], 0, cell, value_width,
                             last_finite ? ' ' : '*', m.count, count_width, human_number{m.min}, value_width,
                             human_number{m.max}, value_width);
    }
    if (marked) out = fmt::format_to(out, "* the last value was NaN or infinite\n");
    write_buffer();
    flush();
}

void table_sink::write_buffer() {
    out_->write(buffer_.data(), static_cast<std::streamsize>(buffer_.size()));
    buffer_.clear();
    if (!*out_) throw error(errc::io_error, "cannot write the table");
}

}  // namespace logmetrics::cli
