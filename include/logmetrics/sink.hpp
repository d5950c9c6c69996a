// SPDX-License-Identifier: MIT
#pragma once
// The time-series sink concept: anything with `write(const sample&)` and `flush()`. A sink may
// also have, each detected by a concept and used when present:
//  - `write(std::span<const sample>)`: takes a whole batch; the monitor then prefers it;
//  - `std::string_view name() const`: how errors and drops name it (else "sink <index>");
//  - `void tick(timestamp now)`: called at least once a second while the monitor is fed, for
//    periodic work (a push, a stall rule);
//  - `void close()`: the end of its output; the owner's call (the monitor never makes it);
//  - `drops() const`: samples it lost, by reason, as `drop_count`s (a `std::span<const
//    drop_count>`, or a small array by value).
// Sinks are single-threaded: wrap one in `synchronized_sink` to share it, or in `async_sink` to
// write on a thread of its own. A sink may throw from any member: the monitor catches it, counts
// it and reports it by the sink's name, and the other sinks go on (detail/sink_set.hpp).
//
// `any_sink` holds any sink behind one type (owned, or the caller's through `std::ref`), for
// lists of sinks chosen at run time.

#include <array>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "config.hpp"
#include "sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

template <class S>
concept metric_sink = requires(S& sink, const sample& one) {
    sink.write(one);
    sink.flush();
};

template <class S>
concept batch_metric_sink = metric_sink<S> && requires(S& sink, std::span<const sample> batch) {
    sink.write(batch);
};

/// A sink that has a name for messages and summaries (e.g. "csv:out.csv").
template <class S>
concept named_sink = requires(const S& sink) {
    { sink.name() } -> std::convertible_to<std::string_view>;
};

/// A sink with periodic work; `now` comes from the monitor's clock.
template <class S>
concept ticking_sink = requires(S& sink, timestamp now) {
    sink.tick(now);
};

/// A sink whose output has an end (a file footer, a final push, a socket to close).
template <class S>
concept closable_sink = requires(S& sink) {
    sink.close();
};

/// Why samples were dropped, for deciding whether a run failed (the CLI's exit status):
///  - `delivery_failed`: they were meant for the backend and never reached it: the backend was
///    down, refused them, timed out, a queue overflowed, a write failed. Something is wrong with
///    the pipeline; a caller should treat the output as failing.
///  - `format_rule`: the backend's own rules have no place for them (NaN or infinity where the
///    backend has none, an EMF timestamp CloudWatch refuses as too old, a value beyond float
///    range in TensorBoard, an invalid name). Dropping them is the correct output; they are
///    counted and shown, not a failure.
/// The default is `delivery_failed`, the safe side: a reason nobody classified fails the run
/// instead of hiding a loss. A sink sets `format_rule` on each reason its format's rules make.
enum class drop_cause : std::uint8_t { delivery_failed, format_rule };

/// Samples a sink lost, for one reason ("queue full", "non-finite value"...). `reason` is a
/// string with static storage or owned by the sink; `cause` says whether the loss is a delivery
/// failure or a rule of the backend's format (see drop_cause).
struct drop_count {
    std::string_view reason;
    std::uint64_t count = 0;
    drop_cause cause = drop_cause::delivery_failed;
};

/// Up to `Capacity` drop counts held by value: what a sink's drops() can return when its reasons
/// are known only at run time (async_sink: its own and its inner sink's). A contiguous range, so
/// it converts to `std::span<const drop_count>`. push_back beyond the capacity is ignored.
template <std::size_t Capacity>
class drop_list {
public:
    void push_back(drop_count one) noexcept {
        if (size_ < Capacity) items_[size_++] = one;
    }
    const drop_count* data() const noexcept { return items_.data(); }
    const drop_count* begin() const noexcept { return items_.data(); }
    const drop_count* end() const noexcept { return items_.data() + size_; }
    std::size_t size() const noexcept { return size_; }
    /// The i-th count; `i` < size().
    const drop_count& operator[](std::size_t i) const noexcept { return items_[i]; }

private:
    std::array<drop_count, Capacity> items_{};
    std::size_t size_ = 0;
};

/// A sink that counts the samples it lost, by reason.
template <class S>
concept drop_counting_sink = requires(const S& sink) {
    { sink.drops() } -> std::convertible_to<std::span<const drop_count>>;
};

/// A sink failed: its position among its owner's sinks, its name, what it said, and how many
/// samples that failure lost. The views are valid during the handler's call only.
struct sink_error {
    std::size_t sink = 0;
    std::string_view name;
    std::string_view message;
    /// Samples lost: 1 for a failed single-sample write, the batch's size for a failed batch
    /// write, 0 for a failed flush, tick or close.
    std::uint64_t lost = 0;
};

/// Receives each failure of a sink (the monitor's, fanout_sink's and async_sink's handler). It
/// should not throw; if it does, the exception is swallowed.
using sink_error_handler = std::function<void(const sink_error&)>;

/// Hands a batch to a sink: in one call when it takes batches, else sample by sample.
template <metric_sink S>
void write_batch(S& sink, std::span<const sample> batch) {
    if constexpr (batch_metric_sink<S>) {
        sink.write(batch);
    } else {
        for (const auto& one : batch) sink.write(one);
    }
}

namespace detail {

/// The sink's own name, or an empty view when it has none.
template <class S>
std::string_view name_of(const S& sink) noexcept {
    if constexpr (named_sink<S>) {
        return std::string_view(sink.name());
    } else {
        (void)sink;
        return {};
    }
}

/// Keeps what a sink's drops() returned, so that a span of it outlives the call (drops() may
/// return a small array by value). Empty for sinks that do not count drops.
template <class S>
class drops_snapshot {
public:
    std::span<const drop_count> take(const S& sink) {
        if constexpr (drop_counting_sink<S>) {
            value_ = sink.drops();
            return value_;
        } else {
            (void)sink;
            return {};
        }
    }

private:
    struct none {};
    template <class T>
    struct result {
        using type = none;
    };
    template <drop_counting_sink T>
    struct result<T> {
        using type = std::remove_cvref_t<decltype(std::declval<const T&>().drops())>;
    };
    [[no_unique_address]] typename result<S>::type value_{};
};

}  // namespace detail

namespace detail {

/// What an any_sink made from an `S` holds: a copy (moved in) of the sink, or, for a
/// `std::reference_wrapper<T>`, a `T&`.
template <class S>
struct held_sink {
    using type = std::remove_cvref_t<S>;
};
template <class T>
struct held_sink<std::reference_wrapper<T>> {
    using type = T&;
};
template <class S>
using held_sink_t = typename held_sink<std::remove_cvref_t<S>>::type;

/// A sink, or a `std::reference_wrapper` to a (non-const) sink.
template <class S>
concept sink_or_reference = metric_sink<std::remove_reference_t<held_sink_t<S>>>;

}  // namespace detail

/// A type-erased sink, optionally named. Made once while configuring; writing through it costs one
/// virtual call per batch (per sample for a sink that takes samples one at a time). It forwards
/// `tick`, `close` and `drops` to the sink inside when it has them.
///
/// It owns the sink it is given (moved or copied in), except for a `std::ref(sink)`: a
/// `std::reference_wrapper` is held by reference, everything is forwarded to the caller's sink,
/// and that sink must outlive the any_sink (and every fanout or monitor holding it). A
/// `std::cref` is refused at compile time: a sink is written to.
class any_sink {
public:
    template <detail::sink_or_reference S>
    requires(!std::same_as<std::remove_cvref_t<S>, any_sink>)
        any_sink(S&& sink)  // NOLINT: implicit on purpose, like std::function
        : model_(std::make_unique<model<detail::held_sink_t<S>>>(std::forward<S>(sink))) {}

    /// A sink with a name for errors and summaries (e.g. "csv:out.csv"), instead of its own.
    template <detail::sink_or_reference S>
    requires(!std::same_as<std::remove_cvref_t<S>, any_sink>) any_sink(std::string name, S&& sink)
        : model_(std::make_unique<model<detail::held_sink_t<S>>>(std::forward<S>(sink))), name_(std::move(name)) {}

    /// Takes over `sink` (no second layer of virtual calls) and names it; an empty `name` keeps
    /// the name it had.
    any_sink(std::string name, any_sink&& sink) noexcept
        : model_(std::move(sink.model_)), name_(name.empty() ? std::move(sink.name_) : std::move(name)) {}

    void write(const sample& one) { model_->write(one); }
    void write(std::span<const sample> batch) { model_->write(batch); }
    void flush() { model_->flush(); }
    void tick(timestamp now) { model_->tick(now); }
    void close() { model_->close(); }

    /// The name given, else the sink's own, else empty.
    std::string_view name() const noexcept { return name_.empty() ? model_->name() : std::string_view(name_); }

    /// The sink's drops (empty when it does not count any). Valid until the next call.
    std::span<const drop_count> drops() const { return model_->drops(); }

    /// Whether the sink inside takes batches; if not, a batch written here is written sample by
    /// sample, and the first sample that throws ends it (detail/sink_set.hpp writes such a sink
    /// one guarded sample at a time instead).
    bool takes_batches() const noexcept { return model_->takes_batches(); }

    /// The sink inside, when it is an `S` (held or, from a `std::ref`, referred to); null otherwise.
    template <class S>
    S* target() noexcept {
        if (auto* owned = dynamic_cast<model<S>*>(model_.get())) return &owned->sink;
        if (auto* referred = dynamic_cast<model<S&>*>(model_.get())) return &referred->sink;
        return nullptr;
    }

private:
    struct concept_base {
        virtual ~concept_base() = default;
        virtual void write(const sample& one) = 0;
        virtual void write(std::span<const sample> batch) = 0;
        virtual void flush() = 0;
        virtual void tick(timestamp now) = 0;
        virtual void close() = 0;
        virtual std::string_view name() const noexcept = 0;
        virtual std::span<const drop_count> drops() const = 0;
        virtual bool takes_batches() const noexcept = 0;
    };
    /// `Held`: the sink type (owned) or a reference to it (from a std::reference_wrapper, which
    /// converts to the reference).
    template <class Held>
    struct model final : concept_base {
        using S = std::remove_reference_t<Held>;
        template <class A>
        explicit model(A&& a) : sink(std::forward<A>(a)) {}
        void write(const sample& one) override { sink.write(one); }
        void write(std::span<const sample> batch) override { write_batch(sink, batch); }
        void flush() override { sink.flush(); }
        void tick(timestamp now) override {
            if constexpr (ticking_sink<S>) sink.tick(now);
        }
        void close() override {
            if constexpr (closable_sink<S>) sink.close();
        }
        std::string_view name() const noexcept override { return detail::name_of<S>(sink); }
        std::span<const drop_count> drops() const override { return snapshot.take(sink); }
        bool takes_batches() const noexcept override { return batch_metric_sink<S>; }
        Held sink;
        mutable detail::drops_snapshot<S> snapshot;
    };

    std::unique_ptr<concept_base> model_;
    std::string name_;
};

static_assert(batch_metric_sink<any_sink>);
static_assert(named_sink<any_sink> && ticking_sink<any_sink> && closable_sink<any_sink>);
static_assert(drop_counting_sink<any_sink>);

LOGMETRICS_END_NAMESPACE
