// SPDX-License-Identifier: MIT
#pragma once
// influx_format: samples as InfluxDB line protocol, for InfluxDB 1.x's `/write` (and 2.x's
// `/api/v2/write`, and VictoriaMetrics' `/write`, which take the same lines). Pure: it appends
// text to an fmt::memory_buffer and does no I/O (http/influx.hpp sends it).
//
// Source: "Line protocol reference" (influxdata/docs-v2
// content/influxdb/v1/write_protocols/line_protocol_reference.md@0009b28), checked against
// influxd 1.6.7 and VictoriaMetrics 1.79 (../shared/BACKENDS.md section 5):
//     <measurement>[,<tag_key>=<tag_value>...] <field_key>=<field_value>[,...] [<timestamp>]
//
// The shape: one measurement (`measurement`, default "logmetrics") with one float field per
// metric, named as the metric is, and the tags `stream` (the sample's stream label) and the
// constant tags; e.g.
//
//     logmetrics,job=train-7,stream=algo-1 train:loss=0.25,val\ loss=0.5 1795309323456000000
//
// Why this shape rather than a measurement per metric with a field `value`:
// - a run's metrics are one measurement: `SELECT * FROM logmetrics WHERE job='train-7'` (or
//   Grafana's query builder: FROM logmetrics, SELECT field(train:loss), GROUP BY tag(stream)) gives
//   every curve of a run, and the metric's name is the field's, unchanged (no naming rule, no
//   collisions: escaping keeps every name distinct);
// - samples of one stream read at one time (one log line with loss and accuracy) share a line, so
//   fewer bytes and points;
// - VictoriaMetrics names a field `<measurement>_<field>`: `logmetrics_train:loss{stream=...}`,
//   the metric's own name behind a common prefix, where a field `value` would give
//   `train:loss_value`.
//
// What it writes:
// - Timestamps are unique per series (stream label and metric): a sample whose time, in
//   `precision` units, is not after the last one of its series is put one unit after it. InfluxDB
//   keeps one value per series, field and time, and the monitor stamps samples with the time
//   their line was read, so a log replayed from a file (read in a few ms) would otherwise keep
//   one sample per metric. The shift is one unit per sample of a burst (a nanosecond by default;
//   with `s` precision, 100 samples of one metric in one second end 100 s later).
// - Consecutive samples of one stream label and one timestamp share a line (their metrics
//   differ, by the rule above).
// - Tags sorted by key (bytes, as Go's bytes.Compare: the order InfluxDB asks for, for speed); the
//   stream tag is left out for an empty stream label (InfluxDB refuses an empty tag value).
// - Fields: floats only, as the shortest text that reads back as the double (`0.25`, `1e+20`;
//   `-0` is `0`); integer-typed values as their exact digits without the `i` suffix (InfluxDB
//   reads them as floats: a field's type must not change, and other definitions of the metric
//   give floats; beyond 2^53 they are rounded there).
// - The timestamp: the sample's time since the Unix epoch in `precision` units, truncated; the
//   request must carry the same precision (`influx_precision_parameter`).
// - Escaping (the reference's rules): measurement `,` and space; tag keys, tag values and field
//   keys `,` `=` and space, each with a backslash. Newlines are not supported in any of them, nor
//   (since a backslash escapes the character after it) a trailing backslash.
//
// What it drops, counted by reason (`drops()`, every reason a `drop_cause::format_rule`):
//   "non-finite value"      NaN or an infinity: InfluxDB has no float text for them (1.6.7
//                           answers 400 "invalid number" for NaN, "invalid boolean" for +Inf);
//   "invalid metric name"   a metric name that is empty, `time`, or holds a newline or ends in a
//                           backslash;
//   "invalid stream label"  a stream label that holds a newline or ends in a backslash.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/number_text.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// The timestamp units of line protocol.
enum class influx_precision : std::uint8_t { ns, us, ms, s };

/// The `precision` parameter of a write request for `p`: `u`, `ms`, `s`, which InfluxDB 1.x and
/// VictoriaMetrics both read; empty for ns, both servers' default (so no parameter is sent).
constexpr std::string_view influx_precision_parameter(influx_precision p) noexcept {
    switch (p) {
        case influx_precision::ns: return "";
        case influx_precision::us: return "u";
        case influx_precision::ms: return "ms";
        case influx_precision::s: return "s";
    }
    return "";
}

/// How influx_format names and tags its points. Checked when the format is made.
struct influx_options {
    /// The measurement of every point: not empty, not starting with `#` (a comment line).
    std::string measurement = "logmetrics";
    /// The tag key whose value is the sample's stream label; empty: no such tag.
    std::string stream_tag = "stream";
    /// Constant tags (key, value), e.g. {"job", "train-7"}: keys and values not empty, keys each
    /// once, not the stream tag and not `time`.
    std::vector<std::pair<std::string, std::string>> tags{};
    /// The timestamps' unit.
    influx_precision precision = influx_precision::ns;
};

namespace detail {

/// Whether line protocol can carry `text` as a key or value: no newline, no trailing backslash.
constexpr bool influx_representable(std::string_view text) noexcept {
    return text.find_first_of("\n\r") == std::string_view::npos && !text.ends_with('\\');
}

/// Which characters line protocol escapes where: bit 1 in a measurement (`,` and space), bit 2 in
/// tag keys, tag values and field keys (`,`, `=` and space).
inline constexpr std::array<std::uint8_t, 256> influx_escapes = [] {
    std::array<std::uint8_t, 256> table{};
    table[','] = 3;
    table[' '] = 3;
    table['='] = 2;
    return table;
}();
inline constexpr std::uint8_t influx_measurement_special = 1;
inline constexpr std::uint8_t influx_key_special = 2;

/// Appends `text` with a backslash before each character of the class `special`.
inline void append_influx_escaped(fmt::memory_buffer& out, std::string_view text, std::uint8_t special) {
    std::size_t run = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((influx_escapes[static_cast<unsigned char>(text[i])] & special) == 0) continue;
        out.append(text.data() + run, text.data() + i);
        out.push_back('\\');
        run = i;
    }
    out.append(text.data() + run, text.data() + text.size());
}

}  // namespace detail

/// Formats batches of samples as line protocol (see the top of this file). One object per output;
/// not thread-safe. Appending does not allocate once its buffers have grown and every series
/// (stream label and metric) has been seen once.
class influx_format {
public:
    /// The drop reasons, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t { non_finite, invalid_name, invalid_stream };
    static constexpr std::size_t drop_reasons = 3;
    /// At most this many fields in one line (then a new line starts).
    static constexpr std::size_t max_fields_per_line = 64;

    /// Throws `error(errc::invalid_argument)` naming the option that breaks a rule above.
    explicit influx_format(influx_options options = {}) : options_(std::move(options)) { check_options(); }

    const influx_options& options() const noexcept { return options_; }

    /// Appends the lines of `batch`, each ending in `\n`; returns how many samples they carry (the
    /// others are counted in drops()).
    std::size_t append(fmt::memory_buffer& out, std::span<const sample> batch) {
        std::size_t written = 0;
        bool open = false;  // a line is open: its fields are in fields_
        std::string_view stream;
        std::int64_t time = 0;
        for (const sample& s : batch) {
            if (s.type == value_type::real && !std::isfinite(s.value)) {
                count(drop_reason::non_finite);
                continue;
            }
            if (s.name.empty() || s.name == "time" || !detail::influx_representable(s.name)) {
                count(drop_reason::invalid_name);
                continue;
            }
            const bool known_stream = cached_valid_ && s.stream == std::string_view(cached_stream_);
            if (!known_stream && !detail::influx_representable(s.stream)) {
                count(drop_reason::invalid_stream);
                continue;
            }
            const std::int64_t t = unique_time(s, units(s.time));
            const bool joins = open && t == time && s.stream == stream && fields_.size() < max_fields_per_line &&
                               std::find(fields_.begin(), fields_.end(), s.name) == fields_.end();
            if (joins) {
                out.push_back(',');
            } else {
                if (open) end_line(out, time);
                start_line(out, s.stream);
                fields_.clear();
                stream = s.stream;
                time = t;
                open = true;
            }
            fields_.push_back(s.name);
            detail::append_influx_escaped(out, s.name, detail::influx_key_special);
            out.push_back('=');
            if (s.type == value_type::integer) {
                detail::append_integer(out, s.integer);
            } else {
                detail::append_double(out, s.value == 0 ? 0.0 : s.value);
            }
            ++written;
        }
        if (open) end_line(out, time);
        fields_.clear();  // views of this batch's names
        return written;
    }

    /// Samples dropped so far, by reason, in the order of `drop_reason`; static strings.
    std::span<const drop_count> drops() const noexcept { return drops_; }
    std::uint64_t dropped(drop_reason reason) const noexcept { return drops_[static_cast<std::size_t>(reason)].count; }

private:
    [[noreturn]] static void refuse(const std::string& message) {
        LOGMETRICS_THROW(error(errc::invalid_argument, "influx: " + message));
    }

    void check_options() {
        const std::string& m = options_.measurement;
        if (m.empty() || m.front() == '#' || !detail::influx_representable(m)) {
            refuse(fmt::format("measurement {:?}: not empty, not starting with '#', no newline, no trailing '\\'", m));
        }
        std::vector<std::pair<std::string_view, std::string_view>> tags;  // value empty: the stream's
        if (!options_.stream_tag.empty()) tags.emplace_back(options_.stream_tag, std::string_view());
        for (const auto& [key, value] : options_.tags) {
            if (value.empty()) refuse(fmt::format("tag {:?}: an empty value (InfluxDB refuses it)", key));
            if (!detail::influx_representable(value)) {
                refuse(fmt::format("tag {:?}: the value {:?} has a newline or a trailing '\\'", key, value));
            }
            tags.emplace_back(key, value);
        }
        for (std::size_t i = 0; i < tags.size(); ++i) {
            const std::string_view key = tags[i].first;
            if (key.empty() || key == "time" || !detail::influx_representable(key)) {
                refuse(fmt::format("tag key {:?}: not empty, not time, no newline, no trailing '\\'", key));
            }
            for (std::size_t j = 0; j < i; ++j) {
                if (tags[j].first == key) refuse(fmt::format("tag key {:?} given twice (or the stream tag's)", key));
            }
        }
        std::sort(tags.begin(), tags.end());
        // The text before the stream label's value, and after it; and the whole without it.
        head_.clear();
        tail_.clear();
        without_stream_.clear();
        detail::append_influx_escaped(head_, m, detail::influx_measurement_special);
        detail::append_influx_escaped(without_stream_, m, detail::influx_measurement_special);
        bool after = false;
        for (const auto& [key, value] : tags) {
            const bool is_stream = value.empty();
            fmt::memory_buffer& part = after ? tail_ : head_;
            part.push_back(',');
            detail::append_influx_escaped(part, key, detail::influx_key_special);
            part.push_back('=');
            if (is_stream) {
                after = true;
                continue;
            }
            detail::append_influx_escaped(part, value, detail::influx_key_special);
            without_stream_.push_back(',');
            detail::append_influx_escaped(without_stream_, key, detail::influx_key_special);
            without_stream_.push_back('=');
            detail::append_influx_escaped(without_stream_, value, detail::influx_key_special);
        }
        has_stream_tag_ = after;
    }

    void count(drop_reason reason) noexcept { ++drops_[static_cast<std::size_t>(reason)].count; }

    /// `t`, or one unit after the last time of `s`'s series (its stream label and metric) when `t`
    /// is not after it; remembers it.
    std::int64_t unique_time(const sample& s, std::int64_t t) {
        key_.assign(s.stream);
        key_.push_back('\0');
        key_.append(s.name);
        const auto [it, added] = last_times_.try_emplace(key_, t);
        if (!added) {
            if (t <= it->second) t = it->second + 1;
            it->second = t;
        }
        return t;
    }

    std::int64_t units(timestamp t) const noexcept {
        using namespace std::chrono;
        const auto since = t.time_since_epoch();
        switch (options_.precision) {
            case influx_precision::ns: return duration_cast<nanoseconds>(since).count();
            case influx_precision::us: return duration_cast<microseconds>(since).count();
            case influx_precision::ms: return duration_cast<milliseconds>(since).count();
            case influx_precision::s: return duration_cast<seconds>(since).count();
        }
        return 0;
    }

    /// Appends the measurement and tags of `stream`'s lines, and the space before the fields. The
    /// text of the last stream label is kept, so that a run of one stream's lines escapes it once.
    void start_line(fmt::memory_buffer& out, std::string_view stream) {
        if (!has_stream_tag_ || stream.empty()) {
            out.append(without_stream_.data(), without_stream_.data() + without_stream_.size());
        } else {
            if (!cached_valid_ || stream != std::string_view(cached_stream_)) {
                cached_stream_.assign(stream);
                cached_head_.clear();
                cached_head_.append(head_.data(), head_.data() + head_.size());
                detail::append_influx_escaped(cached_head_, stream, detail::influx_key_special);
                cached_head_.append(tail_.data(), tail_.data() + tail_.size());
                cached_valid_ = true;
            }
            out.append(cached_head_.data(), cached_head_.data() + cached_head_.size());
        }
        out.push_back(' ');
    }

    static void end_line(fmt::memory_buffer& out, std::int64_t time) {
        out.push_back(' ');
        detail::append_integer(out, time);
        out.push_back('\n');
    }

    influx_options options_;
    fmt::memory_buffer head_;            // measurement and the tags up to "stream="
    fmt::memory_buffer tail_;            // the tags after the stream's
    fmt::memory_buffer without_stream_;  // measurement and the constant tags
    bool has_stream_tag_ = false;
    std::string cached_stream_;       // the last stream label a line was started for
    fmt::memory_buffer cached_head_;  // its measurement and tags
    bool cached_valid_ = false;
    std::vector<std::string_view> fields_;                      // the metrics of the open line
    std::unordered_map<std::string, std::int64_t> last_times_;  // by stream label '\0' metric
    std::string key_;
    std::array<drop_count, drop_reasons> drops_ = {{{"non-finite value", 0, drop_cause::format_rule},
                                                    {"invalid metric name", 0, drop_cause::format_rule},
                                                    {"invalid stream label", 0, drop_cause::format_rule}}};
};

LOGMETRICS_END_NAMESPACE
