// SPDX-License-Identifier: MIT
#pragma once
// The time-series sink concept: anything with `write(const sample&)` and `flush()`. A sink may
// also take a whole batch (`write(std::span<const sample>)`), which the monitor then prefers.
// Sinks are single-threaded; wrap one to share it. A sink may throw from write or flush: the
// monitor catches it, counts it and reports it, and the other sinks go on.
//
// `any_sink` owns any sink behind one type, for lists of sinks chosen at run time.

#include <concepts>
#include <memory>
#include <span>
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

/// Hands a batch to a sink: in one call when it takes batches, else sample by sample.
template <metric_sink S>
void write_batch(S& sink, std::span<const sample> batch) {
    if constexpr (batch_metric_sink<S>) {
        sink.write(batch);
    } else {
        for (const auto& one : batch) sink.write(one);
    }
}

/// An owning, type-erased sink. Made once while configuring; writing through it costs one
/// virtual call per batch.
class any_sink {
public:
    template <metric_sink S>
    requires(!std::same_as<std::remove_cvref_t<S>, any_sink>)
        any_sink(S&& sink)  // NOLINT: implicit on purpose, like std::function
        : model_(std::make_unique<model<std::remove_cvref_t<S>>>(std::forward<S>(sink))) {}

    void write(const sample& one) { model_->write(std::span<const sample>(&one, 1)); }
    void write(std::span<const sample> batch) { model_->write(batch); }
    void flush() { model_->flush(); }

    /// The sink inside, when it is an `S`; null otherwise.
    template <class S>
    S* target() noexcept {
        auto* typed = dynamic_cast<model<S>*>(model_.get());
        return typed ? &typed->sink : nullptr;
    }

private:
    struct concept_base {
        virtual ~concept_base() = default;
        virtual void write(std::span<const sample> batch) = 0;
        virtual void flush() = 0;
    };
    template <class S>
    struct model final : concept_base {
        template <class A>
        explicit model(A&& a) : sink(std::forward<A>(a)) {}
        void write(std::span<const sample> batch) override { write_batch(sink, batch); }
        void flush() override { sink.flush(); }
        S sink;
    };

    std::unique_ptr<concept_base> model_;
};

static_assert(batch_metric_sink<any_sink>);

LOGMETRICS_END_NAMESPACE
