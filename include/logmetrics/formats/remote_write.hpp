// SPDX-License-Identifier: MIT
#pragma once
// remote_write_format: samples as the body of a Prometheus remote-write 1.0 request, a protobuf
// `prometheus.WriteRequest`, before compression. Pure: it batches samples and appends the
// encoded message to an fmt::memory_buffer; no I/O, no snappy (the sink, http/remote_write.hpp,
// compresses and sends).
//
// Source: the remote write 1.0 specification (prometheus/docs
// content/docs/concepts/remote_write_spec.md@14d4a02) and its protobuf (prometheus/prometheus
// prompb/remote.proto, types.proto). The messages, written by hand (detail/protobuf.hpp):
//
//     WriteRequest: repeated TimeSeries timeseries = 1   tag 0x0a (2 and 3 reserved)
//     TimeSeries:   repeated Label labels = 1            tag 0x0a
//                   repeated Sample samples = 2          tag 0x12
//     Label:        string name = 1                      tag 0x0a
//                   string value = 2                     tag 0x12
//     Sample:       double value = 1                     tag 0x09, fixed64 (IEEE 754, little-endian)
//                   int64 timestamp = 2                  tag 0x10, varint: ms since the Unix epoch
//
// Every field is written, zeros included (a value of 0 and a timestamp of 0 are sent, which a
// decoder reads as the defaults they are).
//
// What it writes, per batch (what was added since the last `append`):
// - One TimeSeries per series, in the order each series first appeared in the batch; a series is
//   one metric (by `sample::metric`) and one stream label, and holds every sample of the batch
//   that belongs to it, in the order they were added (which is timestamp order, below).
// - Labels: `__name__` (the metric's Prometheus name, by the naming rule and collision check of
//   formats/prometheus_names.hpp), the stream label (`stream` by default, the sample's stream;
//   left out for a series whose stream is empty, since Prometheus takes an empty value as no
//   label), and the constant labels; sorted by name, byte-wise, as the spec requires (so
//   `__name__` comes first unless a label name starts with an upper-case letter). Label values
//   that are not well-formed UTF-8 get U+FFFD for each ill-formed run (protobuf strings are UTF-8).
// - Timestamps: the sample's time in ms since the Unix epoch. Prometheus keeps one sample per
//   series and millisecond (a second one is refused, "duplicate sample for timestamp", or
//   dropped), and a monitor stamps every line of one read with one time, so that a log read from
//   a file would keep one point per metric. With `unique_timestamps` (the default), a sample
//   whose ms is not after its series' previous one is moved to the ms after it: every sample
//   lands, in order, at most a few ms late (one per sample of that series read at once). Off,
//   timestamps are sent as they are. Either way, samples of a series are in timestamp order
//   within a request and across requests (the spec asks for it; out-of-order samples are refused
//   unless the receiver has an out-of-order window).
// - Values: the sample's `value` (an integer-typed value as the double it also is, exact up to
//   2^53); infinities as they are. NaN: the spec reserves the NaN bit pattern 0x7ff0000000000002
//   for the staleness marker ("a real NaN must be a different NaN"), so every NaN is sent as the
//   quiet NaN 0x7ff8000000000001, Prometheus' own "normal NaN" (prometheus/prometheus
//   model/value/value.go, NormalNaN). VictoriaMetrics does not store NaN samples.
//
// What it drops, counted by reason (`drops()`, every reason a `drop_cause::format_rule`):
//   "unknown metric"   a sample whose `metric` is not one of the metrics the format was made with
//                      (or whose name is not that metric's): it belongs to another definition set.

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/protobuf.hpp"
#include "../detail/text/json_escape.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"
#include "prometheus_names.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How remote_write_format names, labels and stamps its series. Checked when the format is made.
struct remote_write_format_options {
    /// How metric names become Prometheus names (formats/prometheus_names.hpp).
    prometheus_naming naming = prometheus_naming();
    /// The label whose value is the sample's stream label; empty: no such label (the streams of a
    /// metric share one series).
    std::string stream_label = "stream";
    /// Constant labels (name, value), e.g. {"job", "train-7"}: valid label names, not reserved
    /// (`__...`), each once and not the stream label; values not empty and well-formed UTF-8.
    std::vector<std::pair<std::string, std::string>> labels{};
    /// Moves a sample whose ms is not after its series' previous sample's to the next ms (see the
    /// top of this file), so that no sample of a series is lost to a shared timestamp.
    bool unique_timestamps = true;
};

/// Batches samples by series and encodes them as a remote-write WriteRequest (see the top of this
/// file). Not thread-safe. Adding allocates only for a series' first sample and while the batch
/// grows past its largest size so far; appending does not allocate once `out` has grown.
class remote_write_format {
public:
    /// The drop reasons, in the order `drops()` lists them.
    enum class drop_reason : std::uint8_t { unknown_metric };
    static constexpr std::size_t drop_reasons = 1;

    /// The NaN written for every NaN value: Prometheus' value.NormalNaN (not the staleness marker).
    static constexpr std::uint64_t normal_nan_bits = 0x7ff8000000000001ULL;
    /// The staleness marker's bits (value.StaleNaN), which no sample is sent with.
    static constexpr std::uint64_t stale_nan_bits = 0x7ff0000000000002ULL;

    /// For `metrics`, the metric names that samples' `metric` indexes (a definition set's
    /// `metric_names()`). Throws `error(errc::invalid_argument)` when two metrics get one
    /// Prometheus name or a label breaks the rules of `remote_write_format_options`.
    explicit remote_write_format(std::span<const std::string> metrics, remote_write_format_options options = {})
        : options_(std::move(options)), names_(metrics, options_.naming), metrics_(names_.size()) {
        check_prometheus_labels(options_.stream_label, options_.labels);
    }

    const remote_write_format_options& options() const noexcept { return options_; }
    /// The metrics' Prometheus names.
    const prometheus_metric_names& names() const noexcept { return names_; }

    /// The bits a value is sent with: its own, or normal_nan_bits for any NaN.
    static std::uint64_t value_bits(double value) noexcept {
        return std::isnan(value) ? normal_nan_bits : std::bit_cast<std::uint64_t>(value);
    }

    /// Adds a sample to the batch (or counts it as dropped).
    void add(const sample& s) {
        if (s.metric >= metrics_.size() || s.name != names_.metrics()[s.metric]) {
            ++drops_[0].count;
            return;
        }
        metric_series& m = metrics_[s.metric];
        const std::string_view stream = options_.stream_label.empty() ? std::string_view() : s.stream;
        if (m.recent >= m.members.size() || series_[m.members[m.recent]].stream != stream) {
            m.recent = find_or_add(m, s.metric, stream);
        }
        const std::uint32_t id = m.members[m.recent];
        series& one = series_[id];
        std::int64_t ms = unix_millis(s.time);
        if (options_.unique_timestamps && one.sent && ms <= one.last_ms &&
            one.last_ms < std::numeric_limits<std::int64_t>::max()) {
            ms = one.last_ms + 1;
        }
        one.sent = true;
        one.last_ms = ms;
        batch_.push_back({id, ms, value_bits(s.value)});
    }

    /// Adds every sample of `batch`, in order.
    void add(std::span<const sample> batch) {
        for (const sample& s : batch) add(s);
    }

    /// Samples in the batch.
    std::size_t pending() const noexcept { return batch_.size(); }

    /// Appends the batch as one WriteRequest, empties the batch, and returns how many samples it
    /// held (0: nothing appended).
    std::size_t append(fmt::memory_buffer& out) {
        namespace pb = detail::protobuf;
        const std::size_t count = batch_.size();
        if (count == 0) return 0;
        // Group the batch by series, keeping each series' order: count, place, write.
        ++stamp_;
        used_.clear();
        for (const entry& e : batch_) {
            series& one = series_[e.series];
            if (one.stamp != stamp_) {
                one.stamp = stamp_;
                one.count = 0;
                one.bytes = one.labels.size();
                used_.push_back(e.series);
            }
            ++one.count;
            const std::size_t sample_bytes = sample_size(e.ms);
            one.bytes += 1 + pb::varint_size(sample_bytes) + sample_bytes;
        }
        std::size_t next = 0;
        for (const std::uint32_t id : used_) {
            series_[id].place = next;
            next += series_[id].count;
        }
        order_.resize(count);
        for (std::size_t i = 0; i < count; ++i)
            order_[series_[batch_[i].series].place++] = static_cast<std::uint32_t>(i);
        std::size_t at = 0;
        for (const std::uint32_t id : used_) {
            const series& one = series_[id];
            out.push_back(pb::tag(1, pb::length_delimited_type));
            pb::append_varint(out, one.bytes);
            pb::append_bytes(out, one.labels);
            for (std::size_t k = 0; k < one.count; ++k, ++at) {
                const entry& e = batch_[order_[at]];
                const std::size_t sample_bytes = sample_size(e.ms);
                out.push_back(pb::tag(2, pb::length_delimited_type));
                pb::append_varint(out, sample_bytes);
                out.push_back(pb::tag(1, pb::fixed64_type));
                pb::append_little_endian(out, e.bits, 8);
                out.push_back(pb::tag(2, pb::varint_type));
                pb::append_varint(out, static_cast<std::uint64_t>(e.ms));
            }
        }
        batch_.clear();
        encoded_ += count;
        return count;
    }

    /// How many series there are (ever seen, not only in the batch).
    std::size_t series_count() const noexcept { return series_.size(); }

    /// The encoded labels of series `i` (the TimeSeries' `labels` fields), for tests.
    std::string_view series_labels(std::size_t i) const noexcept { return series_[i].labels; }

    /// Samples encoded (appended) so far.
    std::uint64_t encoded() const noexcept { return encoded_; }

    /// Samples dropped so far, by reason (see the top of this file); the reasons are static strings.
    std::span<const drop_count> drops() const noexcept { return drops_; }

private:
    struct entry {
        std::uint32_t series;
        std::int64_t ms;
        std::uint64_t bits;
    };
    struct series {
        std::size_t metric = 0;
        std::string stream;
        std::string labels;  // the encoded `labels` fields of its TimeSeries
        std::int64_t last_ms = 0;
        bool sent = false;
        // Grouping one batch (append): whether in it (stamp), its samples, where they go, its size.
        std::uint64_t stamp = 0;
        std::size_t count = 0;
        std::size_t place = 0;
        std::size_t bytes = 0;
    };
    struct metric_series {
        std::vector<std::uint32_t> members;  // ids in series_
        std::size_t recent = 0;              // the member of the last sample: the next one's likely
    };

    /// The size of a Sample message: value (tag + 8 bytes) and timestamp (tag + varint).
    static std::size_t sample_size(std::int64_t ms) noexcept {
        return 1 + 8 + 1 + detail::protobuf::varint_size(static_cast<std::uint64_t>(ms));
    }

    /// `text` with each ill-formed UTF-8 run replaced by U+FFFD.
    static std::string utf8_or_replaced(std::string_view text) {
        std::string result;
        result.reserve(text.size());
        for (std::size_t i = 0; i < text.size();) {
            if (static_cast<unsigned char>(text[i]) < 0x80) {
                result.push_back(text[i++]);
                continue;
            }
            bool valid = false;
            const std::size_t length = detail::scan_utf8(text, i, valid);
            if (valid) {
                result.append(text.substr(i, length));
            } else {
                result.append(detail::replacement_character);
            }
            i += length;
        }
        return result;
    }

    /// The position in `m.members` of the series of `stream`, made if it is new.
    std::size_t find_or_add(metric_series& m, std::size_t metric, std::string_view stream) {
        for (std::size_t i = 0; i < m.members.size(); ++i) {
            if (series_[m.members[i]].stream == stream) return i;
        }
        std::vector<std::pair<std::string_view, std::string>> labels;
        labels.reserve(options_.labels.size() + 2);
        labels.emplace_back("__name__", names_[metric]);
        if (!options_.stream_label.empty() && !stream.empty()) {
            labels.emplace_back(options_.stream_label, utf8_or_replaced(stream));
        }
        for (const auto& [name, value] : options_.labels) labels.emplace_back(name, value);
        std::sort(labels.begin(), labels.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        namespace pb = detail::protobuf;
        fmt::memory_buffer text;
        for (const auto& [name, value] : labels) {
            const std::size_t size =
                1 + pb::varint_size(name.size()) + name.size() + 1 + pb::varint_size(value.size()) + value.size();
            text.push_back(pb::tag(1, pb::length_delimited_type));
            pb::append_varint(text, size);
            text.push_back(pb::tag(1, pb::length_delimited_type));
            pb::append_varint(text, name.size());
            pb::append_bytes(text, name);
            text.push_back(pb::tag(2, pb::length_delimited_type));
            pb::append_varint(text, value.size());
            pb::append_bytes(text, value);
        }
        series one;
        one.metric = metric;
        one.stream = std::string(stream);
        one.labels = fmt::to_string(text);
        series_.push_back(std::move(one));
        m.members.push_back(static_cast<std::uint32_t>(series_.size() - 1));
        return m.members.size() - 1;
    }

    remote_write_format_options options_;
    prometheus_metric_names names_;
    std::vector<metric_series> metrics_;
    std::vector<series> series_;
    std::vector<entry> batch_;
    std::vector<std::uint32_t> used_;   // the series of the batch being appended, in first-seen order
    std::vector<std::uint32_t> order_;  // the batch's entries, grouped by series
    std::uint64_t stamp_ = 0;
    std::uint64_t encoded_ = 0;
    std::array<drop_count, drop_reasons> drops_ = {{{"unknown metric", 0, drop_cause::format_rule}}};
};

LOGMETRICS_END_NAMESPACE
