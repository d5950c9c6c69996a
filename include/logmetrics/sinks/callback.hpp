// SPDX-License-Identifier: MIT
#pragma once
// Sinks that call user code for each sample: `callback_sink` holds std::functions (one type for
// any callable, chosen at run time); `basic_callback_sink<F, Flush>`, made by
// `make_callback_sink(f)`, stores the callables themselves, so the call can be inlined.

#include <concepts>
#include <functional>
#include <type_traits>
#include <utility>

#include "../config.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Calls a function for every sample, and optionally another on flush().
/// The sample's strings are valid only during the call: copy what you keep.
class callback_sink {
public:
    using write_function = std::function<void(const sample&)>;
    using flush_function = std::function<void()>;

    /// `on_sample` is called for each sample, `on_flush` on each flush(); empty functions are
    /// skipped. Exceptions they throw propagate (the monitor catches and counts them).
    explicit callback_sink(write_function on_sample, flush_function on_flush = {})
        : on_sample_(std::move(on_sample)), on_flush_(std::move(on_flush)) {}

    void write(const sample& s) {
        if (on_sample_) on_sample_(s);
    }

    void flush() {
        if (on_flush_) on_flush_();
    }

private:
    write_function on_sample_;
    flush_function on_flush_;
};

/// A callable taking each sample (`f(const sample&)`), stored decayed.
template <class F>
concept sample_callback = std::invocable < std::decay_t<F>
&, const sample& > ;

/// A callable run on flush (`f()`), stored decayed.
template <class F>
concept flush_callback = std::invocable < std::decay_t<F>
& > ;

/// The flush action of a callback sink that has none.
struct no_flush {
    constexpr void operator()() const noexcept {}
};

/// Calls `F` for every sample and `Flush` on flush(), both stored by value (no std::function).
/// The sample's strings are valid only during the call: copy what you keep.
template <sample_callback F, flush_callback Flush = no_flush>
class basic_callback_sink {
public:
    explicit basic_callback_sink(F on_sample, Flush on_flush = Flush{})
        : on_sample_(std::move(on_sample)), on_flush_(std::move(on_flush)) {}

    void write(const sample& s) { std::invoke(on_sample_, s); }
    void flush() { std::invoke(on_flush_); }

    /// The sample callable (e.g. to read state a functor gathered).
    F& function() noexcept { return on_sample_; }
    const F& function() const noexcept { return on_sample_; }

private:
    F on_sample_;
    Flush on_flush_;
};

/// A sink calling `on_sample(const sample&)` for each sample, storing a decayed copy of it.
template <sample_callback F>
basic_callback_sink<std::decay_t<F>> make_callback_sink(F&& on_sample) {
    return basic_callback_sink<std::decay_t<F>>(std::forward<F>(on_sample));
}

/// A sink calling `on_sample(const sample&)` for each sample and `on_flush()` on each flush().
template <sample_callback F, flush_callback Flush>
basic_callback_sink<std::decay_t<F>, std::decay_t<Flush>> make_callback_sink(F&& on_sample, Flush&& on_flush) {
    return basic_callback_sink<std::decay_t<F>, std::decay_t<Flush>>(std::forward<F>(on_sample),
                                                                     std::forward<Flush>(on_flush));
}

static_assert(metric_sink<callback_sink>);
static_assert(metric_sink<basic_callback_sink<void (*)(const sample&)>>);

LOGMETRICS_END_NAMESPACE
