// SPDX-License-Identifier: MIT
#pragma once
// emf_format: samples as CloudWatch Embedded Metric Format (EMF) log events, one JSON object per
// line, for CloudWatch Logs to turn into CloudWatch metrics. Pure: it appends bytes to an
// fmt::memory_buffer and does no I/O (emf_sink writes them, to a file, stdout or the CloudWatch
// agent's EMF listener).
//
// Source: "Specification: Embedded metric format" (Amazon CloudWatch User Guide; awsdocs
// amazon-cloudwatch-user-guide doc_source/CloudWatch_Embedded_Metric_Format_Specification.md) and
// the rules AWS's reference client checks before it sends (npm aws-embedded-metrics 4.2.1,
// src/utils/Validator.ts, src/serializers/LogSerializer.ts). An event, keys in this order:
//
//     {"_aws":{"Timestamp":1795309323456,"CloudWatchMetrics":[{"Namespace":"logmetrics",
//      "Dimensions":[["stream","job"]],"Metrics":[{"Name":"train:loss","Unit":"None"},...]}]},
//      "stream":"pod-0","job":"train-7","train:loss":0.25,"epoch":[1,2]}
//
// (one line; broken here to fit). What it writes:
// - One event per stream label and distinct millisecond: CloudWatch aggregates the values of one
//   event into one datapoint, so samples of different times never share an event and a curve
//   keeps its resolution. `Timestamp` is the samples' time in ms since the Unix epoch.
// - Each metric is a root member named as the definition names it; its value is a number, or an
//   array of numbers when the metric has several values at that time. EMF puts no rule on a
//   metric's name but the schema's: a JSON string of 1 to 255 characters (reference client: not
//   blank). SageMaker names such as `train:loss` or `val loss` go as they are; a name that is
//   blank, longer than 255 bytes, `_aws` or one of the dimension keys is dropped (below).
// - The spec's limits: at most 100 metrics per event and 100 values per metric (more make more
//   events with the same Timestamp), and at most `max_event_bytes` per event (the JSON object,
//   newline excluded): an event that would grow past it is closed and the rest goes to the next.
// - One dimension set: the stream dimension (the sample's stream label under the key
//   `stream_dimension`, unless that is empty) followed by the constant dimensions, in the order
//   given. With none, the set is empty (`[[]]`), which the spec allows. CloudWatch takes only
//   ASCII dimension values of 1 to 1024 characters, not blank (API_Dimension), so the label is
//   written with each non-ASCII character (a UTF-8 sequence, or a stray byte) as `_` and cut at
//   1024 bytes; an empty or blank label (a library user's monitor without `stream`) leaves the
//   stream dimension out of that event's set rather than losing its samples.
// - Values: finite doubles as the shortest round-trip text, integer-typed values exactly.
//
// What it drops, counted by reason (`drops()`, every reason a `drop_cause::format_rule`), since
// CloudWatch would refuse the whole event:
//   "non-finite value"       NaN or an infinity: JSON has no number for them;
//   "value out of range"     |value| > 2^53 - 1 (the reference client's limit);
//   "timestamp too old"      more than 14 days before `now`;
//   "timestamp too far ahead" more than 2 hours after `now`;
//   "invalid metric name"    see above (`check_metric_names` finds these before any sample);
//   "event too large"        one value does not fit an event of `max_event_bytes`.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../detail/text/number_text.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How emf_format writes its events. Checked when the format is made.
struct emf_options {
    /// The CloudWatch namespace: 1 to 255 characters (the spec's schema) of
    /// `a-z A-Z 0-9 space . _ # : / -`, not all spaces (the reference client's rule).
    std::string metric_namespace = "logmetrics";
    /// The dimension key whose value is the sample's stream label; empty: the stream label is no
    /// dimension.
    std::string stream_dimension = "stream";
    /// Constant dimensions (key, value), e.g. {"job", "train-7"}, {"host", "gpu-1"}. Keys: ASCII,
    /// 1 to 250 characters, not starting with ':'; values: ASCII, 1 to 1024 characters. At most 30
    /// dimensions in all, each key once.
    std::vector<std::pair<std::string, std::string>> dimensions{};
    /// Every metric's CloudWatch unit (one of `emf_units`); "None" for plain numbers.
    std::string unit = "None";
    /// 60 (standard, one datapoint per minute) or 1 (high resolution, per second).
    int storage_resolution = 60;
    /// The largest event, in bytes of its JSON object: 256 KiB, less the 26 bytes PutLogEvents
    /// counts per event.
    std::size_t max_event_bytes = 256 * 1024 - 26;
};

/// The units CloudWatch accepts (API_MetricDatum; the spec's JSON Schema).
inline constexpr std::array<std::string_view, 27> emf_units = {
    "Seconds",          "Microseconds",     "Milliseconds", "Bytes",           "Kilobytes",        "Megabytes",
    "Gigabytes",        "Terabytes",        "Bits",         "Kilobits",        "Megabits",         "Gigabits",
    "Terabits",         "Percent",          "Count",        "Bytes/Second",    "Kilobytes/Second", "Megabytes/Second",
    "Gigabytes/Second", "Terabytes/Second", "Bits/Second",  "Kilobits/Second", "Megabits/Second",  "Gigabits/Second",
    "Terabits/Second",  "Count/Second",     "None"};

/// Formats batches of samples as EMF events (see the top of this file). One object per output;
/// not thread-safe. Appending does not allocate once its buffers have grown to a batch.
class emf_format {
public:
    static constexpr std::size_t max_metrics_per_event = 100;
    static constexpr std::size_t max_values_per_metric = 100;
    static constexpr std::size_t max_dimensions = 30;
    static constexpr std::size_t max_metric_name_bytes = 255;
    static constexpr std::size_t max_dimension_value_bytes = 1024;
    static constexpr double max_magnitude = 9007199254740991.0;  // 2^53 - 1
    static constexpr std::chrono::hours max_past_age{24 * 14};
    static constexpr std::chrono::hours max_future_age{2};

    /// The drop reasons, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t {
        non_finite,
        out_of_range,
        too_old,
        too_far_ahead,
        invalid_name,
        too_large,
    };
    static constexpr std::size_t drop_reasons = 6;

    /// Throws `error(errc::invalid_argument)` naming the option that breaks a rule above.
    explicit emf_format(emf_options options = {}) : options_(std::move(options)) {
        check_options();
        drops_ = {{{"non-finite value", 0, drop_cause::format_rule},
                   {"value out of range", 0, drop_cause::format_rule},
                   {"timestamp too old", 0, drop_cause::format_rule},
                   {"timestamp too far ahead", 0, drop_cause::format_rule},
                   {"invalid metric name", 0, drop_cause::format_rule},
                   {"event too large", 0, drop_cause::format_rule}}};
    }

    const emf_options& options() const noexcept { return options_; }

    /// Throws `error(errc::invalid_argument)` naming the first of `names` that no event can carry
    /// (blank, longer than 255 bytes, `_aws`, or a dimension key), so that a program can refuse
    /// its definitions at start instead of dropping the metric's every sample.
    void check_metric_names(std::span<const std::string> names) const {
        for (const std::string& name : names) {
            if (!valid_name(name)) {
                refuse(
                    fmt::format("the metric {:?} cannot be an EMF metric: a name is 1 to 255 bytes, not blank, "
                                "not _aws and not a dimension key ({}); rename it",
                                name, fmt::join(keys_, ", ")));
            }
        }
    }

    /// Appends the events of `batch`, each a line ending in `\n`, and returns how many.
    /// `now` is the time the age limits are measured from (the sink passes the system clock's).
    /// Events are ordered by stream label, then time; metrics in an event by name.
    std::size_t append(fmt::memory_buffer& out, std::span<const sample> batch, timestamp now) {
        select(batch, now);
        std::size_t events = 0;
        for (std::size_t begin = 0; begin < order_.size();) {
            const sample& first = batch[order_[begin]];
            const std::int64_t ms = unix_millis(first.time);
            std::size_t end = begin + 1;
            while (end < order_.size() && same_event(batch[order_[end]], first.stream, ms)) ++end;
            events += append_group(out, batch, std::span<const std::uint32_t>(order_).subspan(begin, end - begin));
            begin = end;
        }
        return events;
    }

    /// Samples dropped so far, by reason (see the top of this file), always in the order of
    /// `drop_reason`; the reasons are static strings.
    std::span<const drop_count> drops() const noexcept { return drops_; }

    std::uint64_t dropped(drop_reason reason) const noexcept { return drops_[static_cast<std::size_t>(reason)].count; }

private:
    static bool is_ascii(std::string_view text) noexcept {
        return std::all_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
    }
    static bool is_blank(std::string_view text) noexcept {
        return text.find_first_not_of(" \t\n\r\f\v") == std::string_view::npos;
    }

    [[noreturn]] static void refuse(const std::string& message) {
        LOGMETRICS_THROW(error(errc::invalid_argument, "emf: " + message));
    }

    void check_options() {
        const std::string& ns = options_.metric_namespace;
        const bool ns_chars = std::all_of(ns.begin(), ns.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                   std::string_view(" ._#:/-").find(c) != std::string_view::npos;
        });
        if (ns.empty() || ns.size() > 255 || !ns_chars || is_blank(ns)) {
            refuse(fmt::format("namespace {:?}: 1 to 255 characters of a-z A-Z 0-9 space . _ # : / -, not all spaces",
                               ns));
        }
        std::vector<std::string_view> keys;
        if (!options_.stream_dimension.empty()) keys.push_back(options_.stream_dimension);
        for (const auto& [key, value] : options_.dimensions) {
            keys.push_back(key);
            if (value.empty() || value.size() > 1024 || !is_ascii(value) || is_blank(value)) {
                refuse(fmt::format("dimension {:?}: the value {:?} must be 1 to 1024 ASCII characters, not blank", key,
                                   value));
            }
        }
        if (keys.size() > max_dimensions) refuse(fmt::format("{} dimensions: at most 30", keys.size()));
        for (std::size_t i = 0; i < keys.size(); ++i) {
            const std::string_view key = keys[i];
            if (key.size() > 250 || !is_ascii(key) || is_blank(key) || key.front() == ':' || key == "_aws") {
                refuse(
                    fmt::format("dimension key {:?}: 1 to 250 ASCII characters, not blank, not starting with ':', "
                                "not _aws",
                                key));
            }
            if (std::find(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(i), key) !=
                keys.begin() + static_cast<std::ptrdiff_t>(i)) {
                refuse(fmt::format("dimension key {:?} given twice", key));
            }
        }
        if (std::find(emf_units.begin(), emf_units.end(), options_.unit) == emf_units.end()) {
            refuse(fmt::format("unit {:?} is not a CloudWatch unit", options_.unit));
        }
        if (options_.storage_resolution != 1 && options_.storage_resolution != 60) {
            refuse(fmt::format("storage resolution {}: 1 or 60", options_.storage_resolution));
        }
        // The fixed text of every event: the directive up to its metrics (with the stream key,
        // and without it for an event of no stream label), and the unit's tail.
        const auto directive = [&](fmt::memory_buffer& head, std::size_t first_key) {
            head.clear();
            detail::append_text(head, ",\"CloudWatchMetrics\":[{\"Namespace\":");
            detail::append_json_string(head, ns);
            detail::append_text(head, ",\"Dimensions\":[[");
            for (std::size_t i = first_key; i < keys.size(); ++i) {
                if (i != first_key) head.push_back(',');
                detail::append_json_string(head, keys[i]);
            }
            detail::append_text(head, "]],\"Metrics\":[");
        };
        directive(directive_head_, 0);
        directive(directive_head_no_stream_, options_.stream_dimension.empty() ? 0 : 1);
        unit_tail_.clear();
        detail::append_text(unit_tail_, ",\"Unit\":");
        detail::append_json_string(unit_tail_, options_.unit);
        if (options_.storage_resolution == 1) detail::append_text(unit_tail_, ",\"StorageResolution\":1");
        unit_tail_.push_back('}');
        constant_dimensions_.clear();
        for (const auto& [key, value] : options_.dimensions) {
            constant_dimensions_.push_back(',');
            detail::append_json_string(constant_dimensions_, key);
            constant_dimensions_.push_back(':');
            detail::append_json_string(constant_dimensions_, value);
        }
        keys_.assign(keys.begin(), keys.end());
        // The smallest event: head, one metric of a one-character name and one digit, tail.
        if (options_.max_event_bytes < 512)
            refuse(fmt::format("max_event_bytes {}: at least 512", options_.max_event_bytes));
    }

    void count(drop_reason reason) noexcept { ++drops_[static_cast<std::size_t>(reason)].count; }

    /// Why CloudWatch would refuse `s`, if it would.
    bool acceptable(const sample& s, timestamp now) noexcept {
        if (s.type == value_type::real) {
            if (!std::isfinite(s.value)) return count(drop_reason::non_finite), false;
            if (std::fabs(s.value) > max_magnitude) return count(drop_reason::out_of_range), false;
        } else if (s.integer > 9007199254740991 || s.integer < -9007199254740991) {
            return count(drop_reason::out_of_range), false;
        }
        if (s.time < now - max_past_age) return count(drop_reason::too_old), false;
        if (s.time > now + max_future_age) return count(drop_reason::too_far_ahead), false;
        if (!valid_name(s.name)) return count(drop_reason::invalid_name), false;
        return true;
    }

    bool valid_name(std::string_view name) const noexcept {
        return !name.empty() && name.size() <= max_metric_name_bytes && !is_blank(name) && name != "_aws" &&
               std::find(keys_.begin(), keys_.end(), name) == keys_.end();
    }

    /// `label` as a dimension value (see the top of this file) in stream_value_; empty when it
    /// is empty or blank.
    std::string_view stream_value(std::string_view label) {
        stream_value_.clear();
        bool in_sequence = false;  // after a UTF-8 lead byte, its continuation bytes
        for (const char c : label) {
            const auto byte = static_cast<unsigned char>(c);
            if (byte < 0x80) {
                stream_value_.push_back(c);
                in_sequence = false;
            } else if (byte >= 0xC0 || !in_sequence) {
                stream_value_.push_back('_');
                in_sequence = byte >= 0xC0;
            }
            if (stream_value_.size() == max_dimension_value_bytes) break;
        }
        if (is_blank(stream_value_)) stream_value_.clear();
        return stream_value_;
    }

    static bool same_event(const sample& s, std::string_view stream, std::int64_t ms) noexcept {
        return s.stream == stream && unix_millis(s.time) == ms;
    }

    /// Fills order_ with the positions of the acceptable samples of `batch`, sorted by stream
    /// label, time, name and position (so a metric's values keep their order).
    void select(std::span<const sample> batch, timestamp now) {
        order_.clear();
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (acceptable(batch[i], now)) order_.push_back(static_cast<std::uint32_t>(i));
        }
        std::sort(order_.begin(), order_.end(), [batch](std::uint32_t a, std::uint32_t b) {
            const sample& x = batch[a];
            const sample& y = batch[b];
            // The samples of a batch mostly share their label's bytes: equal without a compare.
            const bool same_stream = x.stream.data() == y.stream.data() && x.stream.size() == y.stream.size();
            if (!same_stream && x.stream != y.stream) return x.stream < y.stream;
            const std::int64_t x_ms = unix_millis(x.time), y_ms = unix_millis(y.time);
            if (x_ms != y_ms) return x_ms < y_ms;  // one event per millisecond, as Timestamp has it
            const bool same_name = x.name.data() == y.name.data() && x.name.size() == y.name.size();
            if (!same_name && x.name != y.name) return x.name < y.name;
            return a < b;
        });
    }

    /// Starts an event for the group: the parts before the metric definitions, and the
    /// dimension members that follow them.
    void begin_group(const sample& first) {
        head_.clear();
        detail::append_text(head_, "{\"_aws\":{\"Timestamp\":");
        detail::append_integer(head_, unix_millis(first.time));
        // The dimension members, made again only when the stream label changes.
        if (!dimensions_made_ || first.stream != dimensions_stream_) {
            dimensions_made_ = true;
            dimensions_stream_.assign(first.stream);
            const std::string_view stream =
                options_.stream_dimension.empty() ? std::string_view() : stream_value(first.stream);
            with_stream_ = !stream.empty();
            dimensions_.clear();
            detail::append_text(dimensions_, "]}]}");
            if (with_stream_) {
                dimensions_.push_back(',');
                detail::append_json_string(dimensions_, options_.stream_dimension);
                dimensions_.push_back(':');
                detail::append_json_string(dimensions_, stream);
            }
            dimensions_.append(constant_dimensions_.data(), constant_dimensions_.data() + constant_dimensions_.size());
        }
        const fmt::memory_buffer& directive = with_stream_ ? directive_head_ : directive_head_no_stream_;
        head_.append(directive.data(), directive.data() + directive.size());
    }

    /// The bytes of the event so far, with the open metric closed as it stands.
    std::size_t event_size() const noexcept {
        std::size_t size = head_.size() + definitions_.size() + dimensions_.size() + members_.size() + 1;
        if (open_values_ > 0) {
            size += (definitions_.size() == 0 ? 0 : 1) + open_definition_.size() + open_key_.size() +
                    open_text_.size() + (open_values_ > 1 ? 2 : 0);
        }
        return size;
    }

    /// Moves the open metric (if it has values) into the event.
    void close_metric() {
        if (open_values_ == 0) return;
        if (definitions_.size() != 0) definitions_.push_back(',');
        definitions_.append(open_definition_.data(), open_definition_.data() + open_definition_.size());
        members_.append(open_key_.data(), open_key_.data() + open_key_.size());
        if (open_values_ > 1) members_.push_back('[');
        members_.append(open_text_.data(), open_text_.data() + open_text_.size());
        if (open_values_ > 1) members_.push_back(']');
        ++metrics_;
        open_values_ = 0;
        open_text_.clear();
    }

    /// Writes the event (closing the open metric) if it has any metric, and starts an empty one.
    std::size_t emit(fmt::memory_buffer& out) {
        close_metric();
        std::size_t written = 0;
        if (metrics_ > 0) {
            out.append(head_.data(), head_.data() + head_.size());
            out.append(definitions_.data(), definitions_.data() + definitions_.size());
            out.append(dimensions_.data(), dimensions_.data() + dimensions_.size());
            out.append(members_.data(), members_.data() + members_.size());
            detail::append_text(out, "}\n");
            written = 1;
        }
        definitions_.clear();
        members_.clear();
        metrics_ = 0;
        return written;
    }

    /// Opens the metric of `s` in the event (its definition and member key), with no value yet.
    /// Both texts are made once per metric (escaping a name is most of their cost) and kept,
    /// by the sample's metric index, for the next events.
    void open_metric(const sample& s) {
        if (s.metric >= names_.size() && s.metric < max_cached_metrics) names_.resize(s.metric + 1);
        escaped_name* cached = s.metric < names_.size() ? &names_[s.metric] : &uncached_;
        if (!cached->made || cached->name != s.name) {
            cached->made = true;
            cached->name.assign(s.name);
            cached->definition.clear();
            detail::append_text(cached->definition, "{\"Name\":");
            detail::append_json_string(cached->definition, s.name);
            cached->definition.append(unit_tail_.data(), unit_tail_.data() + unit_tail_.size());
            cached->key.clear();
            cached->key.push_back(',');
            detail::append_json_string(cached->key, s.name);
            cached->key.push_back(':');
        }
        open_definition_.clear();
        open_definition_.append(cached->definition.data(), cached->definition.data() + cached->definition.size());
        open_key_.clear();
        open_key_.append(cached->key.data(), cached->key.data() + cached->key.size());
        open_values_ = 0;
        open_text_.clear();
    }

    /// The events of one stream label and millisecond: `group` is sorted by name.
    std::size_t append_group(fmt::memory_buffer& out, std::span<const sample> batch,
                             std::span<const std::uint32_t> group) {
        begin_group(batch[group.front()]);
        std::size_t events = 0;
        std::string_view open_name;
        bool has_open = false;
        for (const std::uint32_t index : group) {
            const sample& s = batch[index];
            if (!has_open || s.name != open_name) {
                close_metric();
                if (metrics_ == max_metrics_per_event) events += emit(out);
                open_metric(s);
                open_name = s.name;
                has_open = true;
            } else if (open_values_ == max_values_per_metric) {
                // The metric goes on in the next event (a member appears once per event).
                events += emit(out);
            }
            const std::size_t mark = open_text_.size();
            if (open_values_ > 0) open_text_.push_back(',');
            detail::append_value(open_text_, s);
            ++open_values_;
            if (event_size() <= options_.max_event_bytes) continue;
            // Too large: this value goes to the next event, on its own if need be.
            open_text_.resize(mark);
            --open_values_;
            events += emit(out);
            detail::append_value(open_text_, s);
            open_values_ = 1;
            if (event_size() > options_.max_event_bytes) {
                count(drop_reason::too_large);
                open_text_.clear();
                open_values_ = 0;
            }
        }
        return events + emit(out);
    }

    emf_options options_;
    std::array<drop_count, drop_reasons> drops_{};
    std::vector<std::string> keys_;  // the dimension keys, stream first
    fmt::memory_buffer directive_head_, directive_head_no_stream_, unit_tail_, constant_dimensions_;
    std::string stream_value_;  // the stream label of the event being built, as a dimension value
    // dimensions_ holds the members of the label dimensions_stream_ (with_stream_: a stream
    // dimension among them), kept from one group to the next of the same label.
    bool dimensions_made_ = false, with_stream_ = false;
    std::string dimensions_stream_;
    // The event being built: head (Timestamp and directive), definitions, dimension members, metric
    // members; and the open metric: its definition, its member key, its values as text.
    fmt::memory_buffer head_, definitions_, dimensions_, members_;
    fmt::memory_buffer open_definition_, open_key_, open_text_;
    std::size_t metrics_ = 0;      // closed metrics in the event
    std::size_t open_values_ = 0;  // values of the open metric in this event
    std::vector<std::uint32_t> order_;
    // A metric's definition text and member key, escaped once (open_metric).
    struct escaped_name {
        bool made = false;
        std::string name;
        fmt::memory_buffer definition, key;
    };
    static constexpr std::size_t max_cached_metrics = 4096;  // beyond: escaped each time
    std::vector<escaped_name> names_;
    escaped_name uncached_;
};

LOGMETRICS_END_NAMESPACE
