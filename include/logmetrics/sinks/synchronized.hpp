// SPDX-License-Identifier: MIT
#pragma once
// synchronized_sink: one lock around any sink, so that monitors on many threads can share it
// (each holds it by reference: pass it to make_monitor as an lvalue). Every member the sink has
// (write, write of a batch, flush, name, tick, close, drops) is forwarded under the lock, and only
// those: a sink that takes samples one by one stays one, so the monitor still guards each sample.
//
// Writers wait for one another while the sink writes. When a slow sink must not hold up the
// monitors, use async_sink (sinks/async.hpp), which is safe to share the same way.

#include <mutex>
#include <span>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// `S`, with every call made under one `Mutex` (anything with lock/unlock).
///
/// @note Thread safe. Neither copyable nor movable (the lock is not): make it where it will live.
template <metric_sink S, class Mutex = std::mutex>
class synchronized_sink {
public:
    /// Wraps `sink` (moved in).
    explicit synchronized_sink(S sink) : sink_(std::move(sink)) {}

    /// Makes the sink in place from `args`.
    template <class... Args>
    explicit synchronized_sink(std::in_place_t, Args&&... args) : sink_(std::forward<Args>(args)...) {}

    synchronized_sink(const synchronized_sink&) = delete;
    synchronized_sink& operator=(const synchronized_sink&) = delete;

    void write(const sample& one) {
        std::lock_guard lock(mutex_);
        sink_.write(one);
    }

    void write(std::span<const sample> batch) requires batch_metric_sink<S> {
        std::lock_guard lock(mutex_);
        sink_.write(batch);
    }

    void flush() {
        std::lock_guard lock(mutex_);
        sink_.flush();
    }

    void tick(timestamp now) requires ticking_sink<S> {
        std::lock_guard lock(mutex_);
        sink_.tick(now);
    }

    void close() requires closable_sink<S> {
        std::lock_guard lock(mutex_);
        sink_.close();
    }

    /// The sink's name (read under the lock; a name is not expected to change).
    std::string_view name() const requires named_sink<S> {
        std::lock_guard lock(mutex_);
        return std::string_view(sink_.name());
    }

    /// The sink's drops, copied under the lock (the sink may change them as soon as it is released).
    auto drops() const requires drop_counting_sink<S> {
        std::lock_guard lock(mutex_);
        using result = std::remove_cvref_t<decltype(sink_.drops())>;
        if constexpr (std::is_same_v<result, std::span<const drop_count>>) {
            const std::span<const drop_count> view = sink_.drops();
            return std::vector<drop_count>(view.begin(), view.end());
        } else {
            return result(sink_.drops());
        }
    }

    /// Calls `f(sink)` under the lock and returns what it returns: to read a sink's state while
    /// others write to it.
    template <class F>
    decltype(auto) with_lock(F&& f) {
        std::lock_guard lock(mutex_);
        return std::forward<F>(f)(sink_);
    }

private:
    S sink_;
    mutable Mutex mutex_;
};

LOGMETRICS_END_NAMESPACE
