// SPDX-License-Identifier: MIT
#pragma once
// prometheus_format: the last value of each series as a Prometheus exposition, in the text format
// 0.0.4 or in OpenMetrics 1.0. Pure: it keeps each series' running summary (stats.hpp) and
// appends text to an fmt::memory_buffer; it does no I/O. One writer for every Prometheus output
// that shows current values: node_exporter's textfile collector (sinks/prometheus_textfile.hpp),
// and later Pushgateway and a /metrics endpoint.
//
// Sources: "Exposition formats" (prometheus/docs content/docs/instrumenting/exposition_formats.md)
// for the text format 0.0.4; the OpenMetrics 1.0 specification (OpenObservability/OpenMetrics
// specification/OpenMetrics.md). Hand-written (escaping and std::to_chars): no library writes
// these formats without a registry of its own (prometheus-cpp's model of current values does not
// fit a stream of samples).
//
// What it writes, e.g. (text format 0.0.4):
//
//     # HELP val_loss Last value of a metric logmetrics read from a training log
//     # TYPE val_loss gauge
//     val_loss{stream="algo-1",job="train-7"} 0.25
//     val_loss{stream="algo-2",job="train-7"} NaN
//
// - A series is one metric (by its index `sample::metric`) and one stream label. Its metric name
//   is the metric's by the naming rule of formats/prometheus_names.hpp (collisions are refused
//   when the format is made); its labels are the stream label (`stream="..."`, unless
//   `stream_label` is empty: then the streams of a metric share one series, and the last sample
//   of any of them wins) followed by the constant labels, in the order given.
// - Every metric with a series is one family: `# HELP` (one text for every family, so that the
//   files of several runs agree) and `# TYPE ... gauge`, then its series, with no other line
//   between (families in the order of the metrics, series in the order they first appeared).
// - Values: the last value of the series, NaN and infinities included (`NaN`, `+Inf`, `-Inf`: the
//   formats have them); integer-typed values exactly, other values as the shortest text that
//   reads back as the same double (`0.1`, `1e+20`), which Go's ParseFloat reads.
// - Timestamps only when asked (`exposition_options::timestamps`): the time of the series' last
//   sample, in ms since the Unix epoch (0.0.4) or in seconds with three decimals (OpenMetrics).
//   Prometheus' guide says not to expose them, and node_exporter and Pushgateway refuse them.
// - Escaping: label values escape `\`, `"` and line feed (`\\`, `\"`, `\n`); HELP escapes `\` and
//   line feed, and in OpenMetrics `"` too (the 0.0.4 parser refuses `\"` there). Bytes that are
//   not well-formed UTF-8 become U+FFFD, since the parsers refuse the whole exposition for one.
//   Two stream labels that differ only in such bytes are two series with one label set.
// - OpenMetrics: the same lines, the timestamps in seconds, and `# EOF` at the end.
//
// What it drops, counted by reason (`drops()`, every reason a `drop_cause::format_rule`):
//   "unknown metric"   a sample whose `metric` is not one of the metrics the format was made with
//                      (or whose name is not that metric's): it belongs to another definition set.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../detail/text/number_text.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"
#include "../stats.hpp"
#include "prometheus_names.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// The exposition formats.
enum class exposition_format : std::uint8_t {
    text,         ///< Prometheus text format 0.0.4
    openmetrics,  ///< OpenMetrics 1.0 text
};

/// The HTTP Content-Type of each format.
inline constexpr std::string_view prometheus_text_content_type = "text/plain; version=0.0.4; charset=utf-8";
inline constexpr std::string_view openmetrics_content_type =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// How prometheus_format names and labels its series. Checked when the format is made.
struct prometheus_options {
    /// How metric names become Prometheus names (formats/prometheus_names.hpp).
    prometheus_naming naming = prometheus_naming();
    /// The label whose value is the sample's stream label; empty: no such label (the streams of a
    /// metric share its series).
    std::string stream_label = "stream";
    /// Constant labels (name, value), e.g. {"job", "train-7"}: valid label names, not reserved
    /// (`__...`), each once and not the stream label; values not empty (an empty value is no label
    /// to Prometheus) and well-formed UTF-8.
    std::vector<std::pair<std::string, std::string>> labels{};
    /// Every family's HELP text. One text for all, not the metric's name as defined: node_exporter
    /// (client_golang) refuses a family whose HELP differs between the files it reads, and
    /// `val loss` and `val_loss` are one family.
    std::string help = "Last value of a metric logmetrics read from a training log";
};

/// What one exposition holds beyond names, labels and values.
struct exposition_options {
    exposition_format format = exposition_format::text;
    /// Each series' last sample time (see the top of this file); off for node_exporter and
    /// Pushgateway, which refuse timestamps.
    bool timestamps = false;
};

namespace detail {

/// Appends `text` escaped as an exposition needs: `\` and line feed always, `"` when `quote`;
/// ill-formed UTF-8 as U+FFFD.
inline void append_prometheus_escaped(fmt::memory_buffer& out, std::string_view text, bool quote) {
    std::size_t run = 0;  // start of the pending run that needs no escaping
    std::size_t i = 0;
    const auto flush_run = [&] { out.append(text.data() + run, text.data() + i); };
    while (i < text.size()) {
        const char c = text[i];
        if (static_cast<unsigned char>(c) >= 0x80) {
            bool valid = false;
            const std::size_t length = scan_utf8(text, i, valid);
            if (!valid) {
                flush_run();
                append_text(out, replacement_character);
                run = i + length;
            }
            i += length;
            continue;
        }
        if (c != '\\' && c != '\n' && (c != '"' || !quote)) {
            ++i;
            continue;
        }
        flush_run();
        append_text(out, c == '\\' ? "\\\\" : c == '\n' ? "\\n" : "\\\"");
        run = ++i;
    }
    flush_run();
}

/// Appends a label value (escaped, without the quotes).
inline void append_prometheus_label_value(fmt::memory_buffer& out, std::string_view value) {
    append_prometheus_escaped(out, value, true);
}

/// Appends a sample value: integers exactly, `NaN`, `+Inf`, `-Inf`, else the shortest round-trip
/// text.
inline void append_prometheus_value(fmt::memory_buffer& out, double value, value_type type, std::int64_t integer) {
    if (type == value_type::integer) return append_integer(out, integer);
    if (std::isnan(value)) return append_text(out, "NaN");
    if (std::isinf(value)) return append_text(out, value > 0 ? "+Inf" : "-Inf");
    append_double(out, value);
}

/// Appends a timestamp: ms since the Unix epoch (text 0.0.4), or seconds with three decimals
/// (OpenMetrics).
inline void append_prometheus_timestamp(fmt::memory_buffer& out, timestamp time, exposition_format format) {
    const std::int64_t ms = unix_millis(time);
    if (format == exposition_format::text) return append_integer(out, ms);
    std::int64_t seconds = ms / 1000, fraction = ms % 1000;
    if (fraction < 0) seconds -= 1, fraction += 1000;  // floor, for times before 1970
    append_integer(out, seconds);
    out.push_back('.');
    const char digits[] = {static_cast<char>('0' + fraction / 100), static_cast<char>('0' + fraction / 10 % 10),
                           static_cast<char>('0' + fraction % 10)};
    out.append(digits, digits + 3);
}

}  // namespace detail

/// Keeps the last value of each series and writes them as an exposition (see the top of this
/// file). Not thread-safe. Observing allocates only for a series' first sample; appending does
/// not allocate once `out` has grown to an exposition.
class prometheus_format {
public:
    /// The drop reasons, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t { unknown_metric };
    static constexpr std::size_t drop_reasons = 1;

    /// A series: its stream label, its labels as written (`{stream="...",job="..."}`, or empty),
    /// and the running summary of its values (`summary.last` is what is written).
    struct series {
        std::string stream;
        std::string labels;
        series_summary summary;
    };

    /// For `metrics`, the metric names that samples' `metric` indexes (a definition set's
    /// `metric_names()`). Throws `error(errc::invalid_argument)` when two metrics get one
    /// Prometheus name or a label breaks the rules of `prometheus_options`.
    explicit prometheus_format(std::span<const std::string> metrics, prometheus_options options = {})
        : options_(std::move(options)), names_(metrics, options_.naming), families_(names_.size()) {
        check_labels();
        for (std::size_t i = 0; i < names_.size(); ++i) {
            families_[i].text_header = header(i, exposition_format::text);
            families_[i].openmetrics_header = header(i, exposition_format::openmetrics);
        }
    }

    const prometheus_options& options() const noexcept { return options_; }
    /// The metrics' Prometheus names.
    const prometheus_metric_names& names() const noexcept { return names_; }

    /// Records a sample as the last value of its series.
    void observe(const sample& s) {
        if (s.metric >= families_.size() || s.name != names_.metrics()[s.metric]) {
            ++drops_[0].count;
            return;
        }
        family& f = families_[s.metric];
        const std::string_view stream = options_.stream_label.empty() ? std::string_view() : s.stream;
        if (f.recent >= f.members.size() || f.members[f.recent].stream != stream) f.recent = find_or_add(f, stream);
        f.members[f.recent].summary.observe(s);
        ++observed_;
    }

    /// Records every sample of `batch`, in order.
    void observe(std::span<const sample> batch) {
        for (const sample& s : batch) observe(s);
    }

    /// Appends the exposition of every series' last value (nothing when there is none, but
    /// `# EOF` in OpenMetrics).
    void append(fmt::memory_buffer& out, exposition_options how = {}) const {
        for (std::size_t i = 0; i < families_.size(); ++i) {
            const family& f = families_[i];
            if (f.members.empty()) continue;
            const std::string& head = how.format == exposition_format::text ? f.text_header : f.openmetrics_header;
            detail::append_text(out, head);
            for (const series& one : f.members) {
                detail::append_text(out, names_[i]);
                detail::append_text(out, one.labels);
                out.push_back(' ');
                const observation& last = one.summary.last;
                detail::append_prometheus_value(out, last.value, last.type, last.integer);
                if (how.timestamps) {
                    out.push_back(' ');
                    detail::append_prometheus_timestamp(out, last.time, how.format);
                }
                out.push_back('\n');
            }
        }
        if (how.format == exposition_format::openmetrics) detail::append_text(out, "# EOF\n");
    }

    /// Calls `visit(std::size_t metric, const series&)` for every series, in the order `append`
    /// writes them.
    template <class Visit>
    void for_each_series(Visit&& visit) const {
        for (std::size_t i = 0; i < families_.size(); ++i) {
            for (const series& one : families_[i].members) visit(i, one);
        }
    }

    /// How many series there are.
    std::size_t series_count() const noexcept {
        std::size_t count = 0;
        for (const family& f : families_) count += f.members.size();
        return count;
    }

    /// Samples recorded (not dropped) so far.
    std::uint64_t observed() const noexcept { return observed_; }

    /// Samples dropped so far, by reason (see the top of this file); the reasons are static strings.
    std::span<const drop_count> drops() const noexcept { return drops_; }

private:
    struct family {
        std::vector<prometheus_format::series> members;
        std::size_t recent = 0;  // the series of the last sample: the next one's likely series
        std::string text_header, openmetrics_header;
    };

    void check_labels() {
        check_prometheus_labels(options_.stream_label, options_.labels);
        fmt::memory_buffer text;
        for (const auto& [name, value] : options_.labels) {
            text.push_back(',');
            detail::append_text(text, name);
            detail::append_text(text, "=\"");
            detail::append_prometheus_label_value(text, value);
            text.push_back('"');
        }
        constant_labels_ = fmt::to_string(text);
    }

    /// `# HELP` and `# TYPE` of metric `metric`'s family.
    std::string header(std::size_t metric, exposition_format format) const {
        fmt::memory_buffer text;
        detail::append_text(text, "# HELP ");
        detail::append_text(text, names_[metric]);
        detail::append_text(text, " ");
        detail::append_prometheus_escaped(text, options_.help, format == exposition_format::openmetrics);
        text.push_back('\n');
        detail::append_text(text, "# TYPE ");
        detail::append_text(text, names_[metric]);
        detail::append_text(text, " gauge\n");
        return fmt::to_string(text);
    }

    /// The series of `stream` in `f`, made if it is new.
    std::size_t find_or_add(family& f, std::string_view stream) {
        for (std::size_t i = 0; i < f.members.size(); ++i) {
            if (f.members[i].stream == stream) return i;
        }
        fmt::memory_buffer text;
        if (!options_.stream_label.empty() || !constant_labels_.empty()) {
            text.push_back('{');
            if (!options_.stream_label.empty()) {
                detail::append_text(text, options_.stream_label);
                detail::append_text(text, "=\"");
                detail::append_prometheus_label_value(text, stream);
                text.push_back('"');
                detail::append_text(text, constant_labels_);
            } else {
                detail::append_text(text, std::string_view(constant_labels_).substr(1));  // no leading comma
            }
            text.push_back('}');
        }
        f.members.push_back({std::string(stream), fmt::to_string(text), {}});
        return f.members.size() - 1;
    }

    prometheus_options options_;
    prometheus_metric_names names_;
    std::vector<family> families_;
    std::string constant_labels_;  // ",job=\"train-7\"..." (with a leading comma), or empty
    std::array<drop_count, drop_reasons> drops_ = {{{"unknown metric", 0, drop_cause::format_rule}}};
    std::uint64_t observed_ = 0;
};

LOGMETRICS_END_NAMESPACE
