// SPDX-License-Identifier: MIT
#pragma once
// memory_store: a thread-safe sink that keeps every sample in memory, one series per metric name,
// each with its running summary (stats.hpp: last, min, max, mean, counts), and each metric's final
// value as SageMaker's FinalMetricDataList holds it (its last finite value: `final_metrics()`;
// formats/sagemaker.hpp writes the JSON, so that only the files that write it compile the writer).
//
// Unlike the other sinks, it locks itself: it is a query object, read by other threads (a
// dashboard, a health check, the code that started the job) while monitors write to it, so the
// lock has to cover the reads too, which a synchronized_sink wrapper around write() cannot.

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../detail/string_table.hpp"
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
/// Names and stream labels are interned (detail/string_table.hpp): each is copied once, and each
/// point keeps a small id of its label (`point::stream`, an index into `streams()`).
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
    memory_store(memory_store&& other);
    memory_store& operator=(memory_store&& other);

    memory_store(const memory_store&) = delete;
    memory_store& operator=(const memory_store&) = delete;
    ~memory_store() = default;

    /// Stores one sample (its name and stream label are copied the first time they are seen).
    void write(const sample& s);

    /// Stores a batch under one lock.
    void write(std::span<const sample> batch);

    /// Nothing to flush: samples are visible as soon as write() returns.
    void flush() noexcept {}

    /// The latest value of `name`; empty when it has no samples.
    std::optional<double> last(std::string_view name) const;

    /// The latest point of `name`; empty when it has no samples.
    std::optional<point> last_point(std::string_view name) const;

    /// The smallest value of `name`, NaN skipped (see the class notes).
    std::optional<double>(min)(std::string_view name) const;

    /// The largest value of `name`, NaN skipped (see the class notes).
    std::optional<double>(max)(std::string_view name) const;

    /// The arithmetic mean of the values of `name`, NaN skipped (see the class notes).
    std::optional<double> mean(std::string_view name) const;

    /// The running summary of `name` (last, last finite, min, max, mean, counts); empty when it
    /// has no samples.
    std::optional<series_summary> summary(std::string_view name) const;

    /// How many samples `name` has, NaN included.
    std::size_t count(std::string_view name) const;

    /// How many samples the store holds, over all names.
    std::size_t total() const;

    /// A copy of the points of `name`, oldest first; empty when it has none.
    std::vector<point> series(std::string_view name) const;

    /// The metric names seen, in order of their first sample.
    std::vector<std::string> names() const;

    /// The stream labels seen, in order of first sample; `point::stream` indexes this list.
    std::vector<std::string> streams() const;

    /// Whether the store holds no samples.
    bool empty() const;

    /// Forgets every sample, name and stream label.
    void clear();

    /// Each metric's final value, as SageMaker's `FinalMetricDataList` holds it: its **last finite**
    /// sample (formats/sagemaker.hpp says why), in `names()` order; the metrics whose samples
    /// were all NaN or infinite are in `left_out` instead, for the caller to report. As JSON:
    /// `final_metric_data_list_json(store.final_metrics().metrics)` (formats/sagemaker.hpp).
    final_metric_list final_metrics() const;

private:
    struct series_data {
        std::vector<point> points;
        series_summary summary;
    };

    void take(memory_store& other);
    std::string_view name_of(std::size_t id) const noexcept;
    const series_data* find(std::string_view name) const;

    template <class F>
    std::optional<double> statistic(std::string_view name, F&& get) const {
        std::lock_guard lock(mutex_);
        const series_data* found = find(name);
        if (!found) return std::nullopt;
        return get(found->summary);
    }

    void append(const sample& s);

    mutable std::mutex mutex_;
    std::vector<series_data> series_;  // position = the name's id in names_
    detail::string_table names_;       // metric names, in order of first sample
    detail::string_table streams_;     // stream labels, in order of first sample
    std::size_t total_ = 0;
};

static_assert(metric_sink<memory_store>);
static_assert(batch_metric_sink<memory_store>);

LOGMETRICS_END_NAMESPACE

#if !defined(LOGMETRICS_SEPARATE_COMPILATION)
#include "../impl/sinks/memory_store.hpp"
#endif
