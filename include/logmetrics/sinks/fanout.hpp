// SPDX-License-Identifier: MIT
#pragma once
// fanout_sink: one sink that forwards every write, flush, tick and close to a list of sinks chosen
// at run time (`any_sink`, optionally named). Delivery and its error policy are the monitor's
// (detail/sink_set.hpp): every child is called, a child that throws stops none of the others, each
// failure is counted per child, with the samples it lost and its message, and reported by the
// child's name to the error handler.
//
// Without a handler, a fanout rethrows once every child was called: `error(errc::io_error)` naming
// the first child that failed. Inside a monitor that is one counted failure of the fanout, reported
// by the monitor's handler; a fanout with a handler reports every failure of every child itself,
// by the child's name, and throws nothing.
//
// Use a monitor's own list of sinks (`make_monitor(..., a, b, c)`) when the sinks are known at
// compile time: no virtual calls, and each sink counted and named by the monitor. Use a fanout
// when the list is made at run time (e.g. from command-line options).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../detail/sink_set.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Forwards to every child sink, in the order they were added.
///
/// @note Not thread-safe, as any sink; wrap it in `synchronized_sink` to share it.
class fanout_sink {
public:
    fanout_sink() : children_({}, detail::unhandled_policy::collect) {}

    /// Starts with `children`; `on_error` receives each failure of each child (see above).
    explicit fanout_sink(std::vector<any_sink> children, sink_error_handler on_error = {})
        : children_(std::move(on_error), detail::unhandled_policy::collect, std::move(children)) {}

    /// Adds a child (any metric_sink converts to any_sink; `any_sink(name, sink)` names it);
    /// returns *this for chaining.
    fanout_sink& add(any_sink child) {
        children_.add(std::move(child));
        return *this;
    }

    /// Sets the handler that receives each failure of each child; with none, failures are rethrown.
    void set_error_handler(sink_error_handler on_error) noexcept { children_.set_error_handler(std::move(on_error)); }

    /// Hands `s` to every child. Throws `error(errc::io_error)` when a child failed and no handler
    /// is set, after every child was called.
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Hands the batch to every child (a child that takes samples one by one gets each in its own
    /// guarded call); failures as for the single-sample write.
    void write(std::span<const sample> batch) {
        children_.write(batch);
        rethrow_unhandled();
    }

    /// Flushes every child; failures as for write.
    void flush() {
        children_.flush();
        rethrow_unhandled();
    }

    /// Ticks every child that has `tick`; failures as for write.
    void tick(timestamp now) {
        children_.tick(now);
        rethrow_unhandled();
    }

    /// Closes every child that has `close`; failures as for write.
    void close() {
        children_.close();
        rethrow_unhandled();
    }

    /// Every child's drops, in child order (see `child_drops` for each child's own).
    std::span<const drop_count> drops() const {
        drops_.clear();
        for (std::size_t i = 0; i < size(); ++i) {
            for (const drop_count& d : children_.drops(i)) drops_.push_back(d);
        }
        return drops_;
    }

    /// How many children there are.
    std::size_t size() const noexcept { return children_.size(); }
    bool empty() const noexcept { return children_.size() == 0; }

    /// Child `i`, in order of addition (use `any_sink::target<S>()` to reach the sink inside).
    any_sink& operator[](std::size_t i) noexcept { return children_.list()[i]; }

    /// Child `i`'s name (its own, or "sink <i>"), failures so far and drops.
    std::string_view child_name(std::size_t i) const noexcept { return children_.name(i); }
    std::uint64_t child_errors(std::size_t i) const noexcept { return children_.errors(i); }
    /// Samples child `i` lost because it threw: the sample of each failed single-sample write,
    /// the batch of each failed batch write. Counted with or without a handler.
    std::uint64_t child_lost(std::size_t i) const noexcept { return children_.lost(i); }
    /// What child `i`'s last failure said (empty when none); valid until its next failure.
    std::string_view child_last_error(std::size_t i) const noexcept { return children_.last_error(i); }
    std::span<const drop_count> child_drops(std::size_t i) const { return children_.drops(i); }

private:
    void rethrow_unhandled() {
        const detail::unhandled_failures failures = children_.take_unhandled();
        if (failures.count == 0) return;
        std::string text = "fanout: " + failures.name + " failed: " + failures.message;
        if (failures.count > 1) text += " (and " + std::to_string(failures.count - 1) + " more failures)";
        LOGMETRICS_THROW(error(errc::io_error, text));
    }

    detail::sink_set<detail::sink_list> children_;
    mutable std::vector<drop_count> drops_;
};

static_assert(batch_metric_sink<fanout_sink>);
static_assert(ticking_sink<fanout_sink> && closable_sink<fanout_sink> && drop_counting_sink<fanout_sink>);

LOGMETRICS_END_NAMESPACE
