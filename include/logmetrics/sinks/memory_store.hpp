// SPDX-License-Identifier: MIT
#pragma once
// memory_store: a thread-safe sink that keeps every sample in memory, one series per metric name,
// each with its running summary (stats.hpp: last, min, max, mean, counts), and the
// FinalMetricDataList export that SageMaker's DescribeTrainingJob returns (each metric's last
// finite value, formats/sagemaker.hpp).
//
// Unlike the other sinks, it locks itself: it is a query object, read by other threads (a
// dashboard, a health check, the code that started the job) while monitors write to it, so the
// lock has to cover the reads too, which a synchronized_sink wrapper around write() cannot.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../formats/sagemaker.hpp"
#include "../sample.hpp"
#include "../sink.hpp"
#include "../stats.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Keeps every sample, grouped by metric name, for querying while or after a job runs.
///
/// Statistics are `series_summary`'s (stats.hpp): they skip NaN, as pandas does by default
/// (`skipna=True`) and numpy's `nanmin`, `nanmax`, `nanmean` do: a diverged step does not hide
/// the rest of the series, and `last()` still shows it. Infinities count (a mean over `inf` is
/// `inf`). `min`, `max` and `mean` have a value exactly when the metric has samples; when all of
/// them are NaN, that value is NaN.
///
/// Stream labels are copied once into a table shared by all series; each point keeps a small
/// index into it (`point::stream`, an index into `streams()`).
///
/// @note Thread safe: any number of threads (monitors) may write and query at once; every call
/// takes one mutex.
class memory_store {
public:
    /// One stored sample.
    struct point {
        double value = 0;                    ///< the value (also set for integer samples)
        std::int64_t integer = 0;            ///< the exact value when `type == value_type::integer`
        timestamp time{};                    ///< when the line was read
        std::uint64_t step = 0;              ///< the sample's step
        std::uint64_t line = 0;              ///< 1-based line number in its stream
        std::uint32_t stream = 0;            ///< index of the stream's label in `streams()`
        value_type type = value_type::real;  ///< how the value was typed
    };

    memory_store() = default;

    /// Moving takes the other store's lock; the moved-from store is empty.
    memory_store(memory_store&& other) {
        std::lock_guard lock(other.mutex_);
        take(other);
    }

    memory_store& operator=(memory_store&& other) {
        if (this != &other) {
            std::scoped_lock lock(mutex_, other.mutex_);
            take(other);
        }
        return *this;
    }

    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;
    ~memory_store() = default;

    /// Stores one sample (its name and stream label are copied the first time they are seen).
    void write(const sample& s) {
        std::lock_guard lock(mutex_);
        append(s);
    }

    /// Stores a batch under one lock.
    void write(std::span<const sample> batch) {
        std::lock_guard lock(mutex_);
        for (const sample& s : batch) append(s);
    }

    /// Nothing to flush: samples are visible as soon as write() returns.
    void flush() noexcept {}

    /// The latest value of `name`; empty when it has no samples.
    std::optional<double> last(std::string_view name) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        if (!found) return std::nullopt;
        return found->summary.last.value;
    }

    /// The latest point of `name`; empty when it has no samples.
    std::optional<point> last_point(std::string_view name) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        if (!found) return std::nullopt;
        return found->points.back();
    }

    /// The smallest value of `name`, NaN skipped (see the class notes).
    std::optional<double>(min)(std::string_view name) const {
        return statistic(name, [](const series_summary& s) { return s.min; });
    }

    /// The largest value of `name`, NaN skipped (see the class notes).
    std::optional<double>(max)(std::string_view name) const {
        return statistic(name, [](const series_summary& s) { return s.max; });
    }

    /// The arithmetic mean of the values of `name`, NaN skipped (see the class notes).
    std::optional<double> mean(std::string_view name) const {
        return statistic(name, [](const series_summary& s) { return s.mean(); });
    }

    /// The running summary of `name` (last, last finite, min, max, mean, counts); empty when it
    /// has no samples.
    std::optional<series_summary> summary(std::string_view name) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        if (!found) return std::nullopt;
        return found->summary;
    }

    /// How many samples `name` has, NaN included.
    std::size_t count(std::string_view name) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        return found ? found->points.size() : 0;
    }

    /// How many samples the store holds, over all names.
    std::size_t total() const {
        std::lock_guard lock(mutex_);
        return total_;
    }

    /// A copy of the points of `name`, oldest first; empty when it has none.
    std::vector<point> series(std::string_view name) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        return found ? found->points : std::vector<point>{};
    }

    /// The metric names seen, in order of their first sample.
    std::vector<std::string> names() const {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        out.reserve(series_.size());
        for (const auto& s : series_) out.push_back(s.name);
        return out;
    }

    /// The stream labels seen, in order of first sample; `point::stream` indexes this list.
    std::vector<std::string> streams() const {
        std::lock_guard lock(mutex_);
        return streams_;
    }

    /// Whether the store holds no samples.
    bool empty() const {
        std::lock_guard lock(mutex_);
        return series_.empty();
    }

    /// Forgets every sample, name and stream label.
    void clear() {
        std::lock_guard lock(mutex_);
        series_.clear();
        series_index_.clear();
        streams_.clear();
        stream_index_.clear();
        last_stream_ = 0;
        total_ = 0;
    }

    /// Each metric's final value, as SageMaker's `FinalMetricDataList` holds it: its **last finite**
    /// sample (formats/sagemaker.hpp says why), in `names()` order; the metrics whose samples
    /// were all NaN or infinite are in `left_out` instead, for the caller to report.
    final_metric_list final_metrics() const {
        std::lock_guard lock(mutex_);
        final_metric_list list;
        for (const auto& s : series_) list.add(s.name, s.summary);
        return list;
    }

    /// `final_metrics()` as FinalMetricDataList JSON (formats/sagemaker.hpp), e.g.
    /// `[{"MetricName":"loss","Value":0.25,"Timestamp":1795309323.456}]` (compact, no final
    /// newline); `[]` when no metric has a finite value.
    std::string final_metrics_json() const { return final_metric_data_list_json(final_metrics().metrics); }

    /// Writes `final_metrics_json()` to `out`.
    void write_final_metrics(std::ostream& out) const {
        const std::string text = final_metrics_json();
        out.write(text.data(), static_cast<std::streamsize>(text.size()));
    }

private:
    struct series_data {
        std::string name;
        std::vector<point> points;
        series_summary summary;
    };

    // Lets unordered_map find a std::string key from a string_view without building a string.
    struct string_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const noexcept { return std::hash<std::string_view>{}(text); }
    };
    template <class V>
    using string_map = std::unordered_map<std::string, V, string_hash, std::equal_to<>>;

    void take(memory_store& other) {
        series_ = std::move(other.series_);
        series_index_ = std::move(other.series_index_);
        streams_ = std::move(other.streams_);
        stream_index_ = std::move(other.stream_index_);
        last_stream_ = std::exchange(other.last_stream_, 0);
        total_ = std::exchange(other.total_, 0);
        other.series_.clear();
        other.series_index_.clear();
        other.streams_.clear();
        other.stream_index_.clear();
    }

    const series_data* find(std::string_view name) const {
        auto it = series_index_.find(name);
        if (it == series_index_.end()) return nullptr;
        return &series_[it->second];
    }

    template <class F>
    std::optional<double> statistic(std::string_view name, F&& get) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        if (!found) return std::nullopt;
        return get(found->summary);
    }

    std::uint32_t stream_of(std::string_view label) {
        if (last_stream_ < streams_.size() && streams_[last_stream_] == label) return last_stream_;
        auto it = stream_index_.find(label);
        if (it == stream_index_.end()) {
            const auto index = static_cast<std::uint32_t>(streams_.size());
            streams_.emplace_back(label);
            try {
                it = stream_index_.emplace(streams_.back(), index).first;
            } catch (...) {
                streams_.pop_back();
                throw;
            }
        }
        last_stream_ = it->second;
        return last_stream_;
    }

    void append(const sample& s) {
        auto it = series_index_.find(s.name);
        if (it == series_index_.end()) {
            series_data fresh;
            fresh.name.assign(s.name);
            series_.push_back(std::move(fresh));
            try {
                it = series_index_.emplace(series_.back().name, series_.size() - 1).first;
            } catch (...) {
                series_.pop_back();
                throw;
            }
        }
        series_data& target = series_[it->second];
        point p;
        p.value = s.value;
        p.integer = s.integer;
        p.time = s.time;
        p.step = s.step;
        p.line = s.line;
        p.stream = stream_of(s.stream);
        p.type = s.type;
        target.points.push_back(p);
        target.summary.observe(s);
        ++total_;
    }

    mutable std::mutex mutex_;
    std::vector<series_data> series_;       // in order of first sample
    string_map<std::size_t> series_index_;  // name -> position in series_
    std::vector<std::string> streams_;      // labels, in order of first sample
    string_map<std::uint32_t> stream_index_;
    std::uint32_t last_stream_ = 0;  // the label looked up last, tried first
    std::size_t total_ = 0;
};

static_assert(metric_sink<memory_store>);
static_assert(batch_metric_sink<memory_store>);

LOGMETRICS_END_NAMESPACE
