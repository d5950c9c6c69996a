// SPDX-License-Identifier: MIT
#include "table_sink.hpp"

#include <optional>

#include <logmetrics/error.hpp>

#include "text.hpp"

namespace logmetrics::cli {

namespace {

void put_padded(std::ostream& out, std::string_view text, std::size_t width, bool right) {
    const std::size_t pad = text.size() < width ? width - text.size() : 0;
    if (right) out << std::string(pad, ' ');
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!right) out << std::string(pad, ' ');
}

std::string rule(std::size_t width) { return std::string(width, '-'); }

}  // namespace

table_sink::table_sink(std::ostream& out, std::size_t metric_width, bool label_streams)
    : out_(&out), metric_width_(metric_width), label_streams_(label_streams) {
    put_padded(*out_, "line", line_width, true);
    *out_ << "  ";
    put_padded(*out_, "metric", metric_width_, false);
    *out_ << "  ";
    put_padded(*out_, "value", value_width, true);
    *out_ << "  ";
    put_padded(*out_, "step", step_width, true);
    *out_ << '\n'
          << rule(line_width) << "  " << rule(metric_width_) << "  " << rule(value_width) << "  " << rule(step_width)
          << '\n';
}

void table_sink::write(const sample& s) { write(std::span<const sample>(&s, 1)); }

void table_sink::write(std::span<const sample> batch) {
    for (const sample& s : batch) {
        put_padded(*out_, std::to_string(s.line), line_width, true);
        *out_ << "  ";
        put_padded(*out_, s.name, metric_width_, false);
        *out_ << "  ";
        put_padded(*out_, human_value(s.value, s.type, s.integer), value_width, true);
        *out_ << "  ";
        put_padded(*out_, std::to_string(s.step), step_width, true);
        *out_ << '\n';
        ++rows_;
    }
    check();
}

void table_sink::flush() {
    out_->flush();
    check();
}

void table_sink::begin_stream(std::string_view label) {
    if (!label_streams_) return;
    *out_ << "==> " << label << " <==\n";
    check();
}

void table_sink::write_final(const memory_store& store, const std::vector<std::string>& metrics) {
    if (rows_ == 0) *out_ << "(no samples)\n";
    *out_ << "\nfinal values\n";
    put_padded(*out_, "metric", metric_width_, false);
    *out_ << "  ";
    put_padded(*out_, "last value", value_width, true);
    *out_ << "  ";
    put_padded(*out_, "count", count_width, true);
    *out_ << "  ";
    put_padded(*out_, "min", value_width, true);
    *out_ << "  ";
    put_padded(*out_, "max", value_width, true);
    *out_ << '\n'
          << rule(metric_width_) << "  " << rule(value_width) << "  " << rule(count_width) << "  " << rule(value_width)
          << "  " << rule(value_width) << '\n';
    for (const std::string& name : metrics) {
        const auto last = store.last_point(name);
        auto shown = [](std::optional<double> v) { return v ? human_value(*v) : std::string("-"); };
        put_padded(*out_, name, metric_width_, false);
        *out_ << "  ";
        put_padded(*out_, last ? human_value(last->value, last->type, last->integer) : "-", value_width, true);
        *out_ << "  ";
        put_padded(*out_, std::to_string(store.count(name)), count_width, true);
        *out_ << "  ";
        put_padded(*out_, shown((store.min)(name)), value_width, true);
        *out_ << "  ";
        put_padded(*out_, shown((store.max)(name)), value_width, true);
        *out_ << '\n';
    }
    flush();
}

void table_sink::check() const {
    if (!*out_) throw error(errc::io_error, "cannot write the table to stdout");
}

}  // namespace logmetrics::cli
