// SPDX-License-Identifier: MIT
#pragma once
// sink_set: delivery to many sinks, with one error policy, shared by the monitor (a tuple of sinks
// fixed at compile time: `sink_tuple`) and fanout_sink (a list of `any_sink`s chosen at run time:
// `sink_list`). The policy:
//  - every sink is called, in order; each call is guarded, so a sink that throws stops neither the
//    others nor the caller;
//  - a sink that takes samples one at a time gets each in its own guarded call: a failed write
//    costs that sample only;
//  - each failure is counted per sink, with the samples it lost (the sample of a failed
//    single-sample write, the whole batch of a failed batch write, none for flush, tick or close)
//    and its message (the last one is kept), and handed to one `sink_error_handler`, with the
//    sink's position and name (its `name()` if it has a non-empty one, else "sink <position>");
//  - with no handler, the owner's fallback: the monitor prints each sink's first failure to stderr
//    (feed() must not throw), fanout_sink keeps the first failure and rethrows it once every sink
//    was called (its caller, often a monitor, catches it and counts it as the fanout's).
// Writing, flushing and ticking never allocate or throw (the error path aside: a handler may do
// what it likes, the `collect` fallback copies the first message, and keeping the last message
// grows its string to the longest one seen).

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// Sinks fixed at compile time, each held by value or (for an lvalue reference type) by reference.
template <class... Sinks>
class sink_tuple {
public:
    template <class... Args>
    explicit sink_tuple(Args&&... sinks) : sinks_(std::forward<Args>(sinks)...) {}

    static constexpr std::size_t size() noexcept { return sizeof...(Sinks); }

    /// Calls `f(position, sink&)` for every sink, in order.
    template <class F>
    void for_each(F&& f) {
        [&]<std::size_t... I>(std::index_sequence<I...>) { (f(I, std::get<I>(sinks_)), ...); }
        (std::index_sequence_for<Sinks...>{});
    }

    /// Calls `f(const sink&)` for the sink at `position`.
    template <class F>
    void visit(std::size_t position, F&& f) const {
        [&]<std::size_t... I>(std::index_sequence<I...>) { ((I == position ? f(std::get<I>(sinks_)) : void()), ...); }
        (std::index_sequence_for<Sinks...>{});
    }

    std::span<const drop_count> drops(std::size_t position) const {
        std::span<const drop_count> result;
        [&]<std::size_t... I>(std::index_sequence<I...>) {
            ((I == position ? void(result = std::get<I>(drops_).take(std::get<I>(sinks_))) : void()), ...);
        }
        (std::index_sequence_for<Sinks...>{});
        return result;
    }

    template <std::size_t I>
    auto& get() noexcept {
        return std::get<I>(sinks_);
    }

private:
    std::tuple<Sinks...> sinks_;
    mutable std::tuple<drops_snapshot<std::remove_cvref_t<Sinks>>...> drops_;
};

/// Sinks chosen at run time.
class sink_list {
public:
    sink_list() = default;
    explicit sink_list(std::vector<any_sink> sinks) noexcept : sinks_(std::move(sinks)) {}

    std::size_t size() const noexcept { return sinks_.size(); }

    template <class F>
    void for_each(F&& f) {
        for (std::size_t i = 0; i < sinks_.size(); ++i) f(i, sinks_[i]);
    }

    template <class F>
    void visit(std::size_t position, F&& f) const {
        f(sinks_[position]);
    }

    std::span<const drop_count> drops(std::size_t position) const { return sinks_[position].drops(); }

    void add(any_sink sink) { sinks_.push_back(std::move(sink)); }
    any_sink& operator[](std::size_t position) noexcept { return sinks_[position]; }
    const any_sink& operator[](std::size_t position) const noexcept { return sinks_[position]; }

private:
    std::vector<any_sink> sinks_;
};

/// Whether a list may hold a sink with `tick`: known for a tuple; any_sink always forwards it.
template <class List>
struct has_ticking_sink : std::true_type {};
template <class... Sinks>
struct has_ticking_sink<sink_tuple<Sinks...>> : std::bool_constant<(ticking_sink<std::remove_cvref_t<Sinks>> || ...)> {
};

/// What a sink_set does with a failure when no handler is set.
enum class unhandled_policy : std::uint8_t {
    print_first,  ///< print each sink's first failure to stderr; count the rest silently
    collect,      ///< keep the first failure since the last `take_unhandled()`, for the owner to rethrow
};

/// Failures that reached no handler (policy `collect`).
struct unhandled_failures {
    std::size_t count = 0;  ///< how many
    std::size_t first = 0;  ///< the position of the sink that failed first
    std::string name;       ///< its name
    std::string message;    ///< what it said
};

/// Delivery to every sink of `List` (`sink_tuple<...>` or `sink_list`) under the policy above.
template <class List>
class sink_set {
public:
    template <class... Args>
    explicit sink_set(sink_error_handler on_error, unhandled_policy fallback, Args&&... sinks)
        : list_(std::forward<Args>(sinks)...), on_error_(std::move(on_error)), fallback_(fallback) {
        resize();
    }

    /// Hands `batch` to every sink. Returns the number of samples lost by sinks that threw,
    /// summed over the sinks (a batch sink that throws loses the whole batch).
    std::size_t write(std::span<const sample> batch) noexcept {
        std::size_t lost = 0;
        list_.for_each([&](std::size_t i, auto& sink) { lost += write_to(i, sink, batch); });
        return lost;
    }

    void flush() noexcept {
        list_.for_each([&](std::size_t i, auto& sink) { guarded(i, 0, [&] { sink.flush(); }); });
    }

    /// Ticks every sink that has `tick`.
    void tick(timestamp now) noexcept {
        list_.for_each([&](std::size_t i, auto& sink) {
            if constexpr (ticking_sink<std::remove_reference_t<decltype(sink)>>) {
                guarded(i, 0, [&] { sink.tick(now); });
            }
        });
    }

    /// Closes every sink that has `close`.
    void close() noexcept {
        list_.for_each([&](std::size_t i, auto& sink) {
            if constexpr (closable_sink<std::remove_reference_t<decltype(sink)>>) {
                guarded(i, 0, [&] { sink.close(); });
            }
        });
    }

    /// Whether some sink has `tick` (known at compile time for a tuple).
    static constexpr bool any_ticking() noexcept { return has_ticking_sink<List>::value; }

    std::size_t size() const noexcept { return list_.size(); }

    /// The name of sink `i`: the one given by `set_name`, else its own, else "sink <i>".
    std::string_view name(std::size_t i) const noexcept {
        if (!given_names_[i].empty()) return given_names_[i];
        std::string_view own;
        list_.visit(i, [&own](const auto& sink) { own = name_of(sink); });
        return own.empty() ? std::string_view(fallback_names_[i]) : own;
    }

    /// Failures of sink `i` so far, and of all sinks.
    std::uint64_t errors(std::size_t i) const noexcept { return errors_[i]; }
    std::uint64_t errors() const noexcept { return sum(errors_); }

    /// Samples sink `i` lost because it threw (see the policy above), and all sinks did.
    std::uint64_t lost(std::size_t i) const noexcept { return lost_[i]; }
    std::uint64_t lost() const noexcept { return sum(lost_); }

    /// What sink `i`'s last failure said; empty when it has not failed (or that message could not
    /// be kept for lack of memory). Valid until its next failure.
    std::string_view last_error(std::size_t i) const noexcept { return last_errors_[i]; }

    /// The drops sink `i` reports (empty if it counts none); valid until the next call.
    std::span<const drop_count> drops(std::size_t i) const { return list_.drops(i); }
    /// Every sink's drops, summed.
    std::uint64_t drops() const {
        std::uint64_t total = 0;
        for (std::size_t i = 0; i < size(); ++i) {
            for (const drop_count& d : drops(i)) total += d.count;
        }
        return total;
    }

    /// Names sink `i` (an empty name gives it back its own).
    void set_name(std::size_t i, std::string name) { given_names_[i] = std::move(name); }

    void set_error_handler(sink_error_handler on_error) noexcept { on_error_ = std::move(on_error); }
    bool has_error_handler() const noexcept { return static_cast<bool>(on_error_); }

    /// The failures that reached no handler since the last call (policy `collect`), and forgets them.
    unhandled_failures take_unhandled() noexcept { return std::exchange(unhandled_, unhandled_failures{}); }

    List& list() noexcept { return list_; }
    const List& list() const noexcept { return list_; }

    /// Adds a sink (a `sink_list` only).
    void add(any_sink sink) {
        list_.add(std::move(sink));
        resize();
    }

private:
    static std::uint64_t sum(const std::vector<std::uint64_t>& counts) noexcept {
        std::uint64_t total = 0;
        for (auto count : counts) total += count;
        return total;
    }

    void resize() {
        errors_.resize(list_.size(), 0);
        lost_.resize(list_.size(), 0);
        last_errors_.resize(list_.size());
        given_names_.resize(list_.size());
        while (fallback_names_.size() < list_.size()) {
            fallback_names_.push_back("sink " + std::to_string(fallback_names_.size()));
        }
    }

    template <class Sink>
    std::size_t write_to(std::size_t i, Sink& sink, std::span<const sample> batch) noexcept {
        bool batches = batch_metric_sink<Sink>;
        if constexpr (std::same_as<Sink, any_sink>) batches = sink.takes_batches();
        if (batches) return guarded(i, batch.size(), [&] { write_batch(sink, batch); }) ? 0 : batch.size();
        std::size_t lost = 0;
        for (const sample& one : batch) lost += guarded(i, 1, [&] { sink.write(one); }) ? 0u : 1u;
        return lost;
    }

    /// Runs `call`; whatever it throws is counted and reported for sink `i`, as a failure that
    /// lost `at_stake` samples (0 when `call` writes none).
    template <class Call>
    bool guarded(std::size_t i, std::size_t at_stake, Call&& call) noexcept {
        try {
            call();
            return true;
        } catch (const std::exception& e) {
            report(i, at_stake, e.what());
        } catch (...) {
            report(i, at_stake, "unknown exception");
        }
        return false;
    }

    void report(std::size_t i, std::size_t lost, std::string_view message) noexcept {
        const bool first = errors_[i]++ == 0;
        lost_[i] += lost;
        try {
            last_errors_[i].assign(message);  // allocates only for a message longer than any before
        } catch (...) {                       // out of memory: the count stays, the message does not
            last_errors_[i].clear();
        }
        const sink_error e{i, name(i), message, lost};
        try {
            if (on_error_) {
                on_error_(e);
            } else if (fallback_ == unhandled_policy::collect) {
                if (unhandled_.count++ == 0) {
                    unhandled_.first = i;
                    unhandled_.name.assign(e.name);
                    unhandled_.message.assign(message);
                }
            } else if (first) {
                std::fprintf(stderr, "logmetrics: %.*s failed: %.*s (further errors of it are only counted)\n",
                             static_cast<int>(e.name.size()), e.name.data(), static_cast<int>(message.size()),
                             message.data());
            }
        } catch (...) {  // a handler that throws must not take the stream down either
        }
    }

    List list_;
    sink_error_handler on_error_;
    unhandled_policy fallback_;
    std::vector<std::uint64_t> errors_;        // per sink
    std::vector<std::uint64_t> lost_;          // per sink: samples in its failed writes
    std::vector<std::string> last_errors_;     // per sink: its last failure's message
    std::vector<std::string> given_names_;     // set_name(); empty when none
    std::vector<std::string> fallback_names_;  // "sink <i>", made once so reporting never allocates
    unhandled_failures unhandled_;
};

}  // namespace detail

LOGMETRICS_END_NAMESPACE
