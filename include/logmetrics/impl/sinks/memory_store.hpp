// SPDX-License-Identifier: MIT
#pragma once
// sinks/memory_store.hpp's member functions. Included by memory_store.hpp (header-only, the
// default) or by <logmetrics/src.hpp> alone (LOGMETRICS_SEPARATE_COMPILATION: config.hpp).

#include <cstddef>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../config.hpp"
#include "../../sinks/memory_store.hpp"

LOGMETRICS_BEGIN_NAMESPACE

LOGMETRICS_DECL memory_store::memory_store(memory_store&& other) {
    std::lock_guard lock(other.mutex_);
    take(other);
}

LOGMETRICS_DECL memory_store& memory_store::operator=(memory_store&& other) {
    if (this != &other) {
        std::scoped_lock lock(mutex_, other.mutex_);
        take(other);
    }
    return *this;
}

LOGMETRICS_DECL void memory_store::write(const sample& s) {
    std::lock_guard lock(mutex_);
    append(s);
}

LOGMETRICS_DECL void memory_store::write(std::span<const sample> batch) {
    std::lock_guard lock(mutex_);
    for (const sample& s : batch) append(s);
}

LOGMETRICS_DECL std::optional<double> memory_store::last(std::string_view name) const {
    std::lock_guard lock(mutex_);
    const series_data* found = find(name);
    if (!found) return std::nullopt;
    return found->summary.last.value;
}

LOGMETRICS_DECL std::optional<memory_store::point> memory_store::last_point(std::string_view name) const {
    std::lock_guard lock(mutex_);
    const series_data* found = find(name);
    if (!found) return std::nullopt;
    return found->points.back();
}

LOGMETRICS_DECL std::optional<double>(memory_store::min)(std::string_view name) const {
    return statistic(name, [](const series_summary& s) { return s.min; });
}

LOGMETRICS_DECL std::optional<double>(memory_store::max)(std::string_view name) const {
    return statistic(name, [](const series_summary& s) { return s.max; });
}

LOGMETRICS_DECL std::optional<double> memory_store::mean(std::string_view name) const {
    return statistic(name, [](const series_summary& s) { return s.mean(); });
}

LOGMETRICS_DECL std::optional<series_summary> memory_store::summary(std::string_view name) const {
    std::lock_guard lock(mutex_);
    const series_data* found = find(name);
    if (!found) return std::nullopt;
    return found->summary;
}

LOGMETRICS_DECL std::size_t memory_store::count(std::string_view name) const {
    std::lock_guard lock(mutex_);
    const series_data* found = find(name);
    return found ? found->points.size() : 0;
}

LOGMETRICS_DECL std::size_t memory_store::total() const {
    std::lock_guard lock(mutex_);
    return total_;
}

LOGMETRICS_DECL std::vector<memory_store::point> memory_store::series(std::string_view name) const {
    std::lock_guard lock(mutex_);
    const series_data* found = find(name);
    return found ? found->points : std::vector<point>{};
}

LOGMETRICS_DECL std::vector<std::string> memory_store::names() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    out.reserve(series_.size());
    for (std::size_t id = 0; id < series_.size(); ++id) {
        if (!series_[id].points.empty()) out.emplace_back(name_of(id));
    }
    return out;
}

LOGMETRICS_DECL std::vector<std::string> memory_store::streams() const {
    std::lock_guard lock(mutex_);
    const auto labels = streams_.strings();
    return std::vector<std::string>(labels.begin(), labels.end());
}

LOGMETRICS_DECL bool memory_store::empty() const {
    std::lock_guard lock(mutex_);
    return total_ == 0;
}

LOGMETRICS_DECL void memory_store::clear() {
    std::lock_guard lock(mutex_);
    series_.clear();
    names_ = detail::string_table{};
    streams_ = detail::string_table{};
    total_ = 0;
}

LOGMETRICS_DECL final_metric_list memory_store::final_metrics() const {
    std::lock_guard lock(mutex_);
    final_metric_list list;
    for (std::size_t id = 0; id < series_.size(); ++id) list.add(name_of(id), series_[id].summary);  // empty: skipped
    return list;
}

LOGMETRICS_DECL void memory_store::take(memory_store& other) {
    series_ = std::exchange(other.series_, {});
    names_ = std::move(other.names_);  // leaves other's tables empty
    streams_ = std::move(other.streams_);
    total_ = std::exchange(other.total_, 0);
}

LOGMETRICS_DECL std::string_view memory_store::name_of(std::size_t id) const noexcept {
    return names_[static_cast<detail::string_table::id_type>(id)];
}

LOGMETRICS_DECL const memory_store::series_data* memory_store::find(std::string_view name) const {
    const auto id = names_.find(name);
    if (!id || series_[*id].points.empty()) return nullptr;  // empty: its first append failed
    return &series_[*id];
}

LOGMETRICS_DECL void memory_store::append(const sample& s) {
    point p;
    p.value = s.value;
    p.integer = s.integer;
    p.time = s.time;
    p.step = s.step;
    p.line = s.line;
    p.stream = streams_.intern(s.stream);
    p.type = s.type;
    // Names get ids 0, 1, 2... in order of first sight, and series_ follows: the id is the
    // series' position. The room for a new series is made first, so that every id has its
    // series; if storing the point then throws, a new series stays empty, which the queries
    // take for absent, and the name's next sample fills it.
    if (series_.size() == series_.capacity()) series_.reserve(series_.empty() ? 8 : 2 * series_.size());
    const auto id = names_.intern(s.name);
    if (id == series_.size()) series_.emplace_back();  // no throw: the capacity is there
    series_data& target = series_[id];
    target.points.push_back(p);
    target.summary.observe(s);
    ++total_;
}

LOGMETRICS_END_NAMESPACE
