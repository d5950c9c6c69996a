// SPDX-License-Identifier: MIT
#pragma once
// output_sink: any sink behind one type, with its end. Like logmetrics::any_sink, and it also
// forwards `close()` (the output's end: the table's final values, the FinalMetricDataList) to
// sinks that have it. The tool's stand-in until any_sink forwards close() itself.

#include <concepts>
#include <memory>
#include <span>
#include <type_traits>
#include <utility>

#include <logmetrics/sample.hpp>
#include <logmetrics/sink.hpp>

namespace logmetrics::cli {

class output_sink {
public:
    template <metric_sink S>
    requires(!std::same_as<std::remove_cvref_t<S>, output_sink>) explicit output_sink(S&& sink)
        : model_(std::make_unique<model<std::remove_cvref_t<S>>>(std::forward<S>(sink))) {}

    void write(std::span<const sample> batch) { model_->write(batch); }
    void flush() { model_->flush(); }
    /// The end of the output; nothing for sinks without `close()`.
    void close() { model_->close(); }

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
        virtual void close() = 0;
    };
    template <class S>
    struct model final : concept_base {
        template <class A>
        explicit model(A&& a) : sink(std::forward<A>(a)) {}
        void write(std::span<const sample> batch) override { write_batch(sink, batch); }
        void flush() override { sink.flush(); }
        void close() override {
            if constexpr (requires { sink.close(); }) sink.close();
        }
        S sink;
    };

    std::unique_ptr<concept_base> model_;
};

}  // namespace logmetrics::cli
