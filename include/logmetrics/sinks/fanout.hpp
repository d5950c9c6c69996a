// SPDX-License-Identifier: MIT
#pragma once
// fanout_sink: one sink that forwards every write and flush to a list of sinks chosen at run
// time (`any_sink`). A child that throws does not stop the others: every child is called, then
// the first failure is rethrown as `error(errc::io_error)` naming the child.

#include <cstddef>
#include <exception>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../config.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Forwards to every child sink, in the order they were added.
class fanout_sink {
public:
    fanout_sink() = default;

    /// Starts with `children`.
    explicit fanout_sink(std::vector<any_sink> children) noexcept : children_(std::move(children)) {}

    /// Adds a child (any metric_sink converts to any_sink); returns *this for chaining.
    fanout_sink& add(any_sink child) {
        children_.push_back(std::move(child));
        return *this;
    }

    /// Hands `s` to every child. If some throw, the others are still called, and then
    /// `error(errc::io_error, "fanout child N: <what>")` is thrown for the first one to fail.
    void write(const sample& s) {
        for_each_child([&s](any_sink& child) { child.write(s); });
    }

    /// Hands the batch to every child; failures as for the single-sample write.
    void write(std::span<const sample> batch) {
        for_each_child([batch](any_sink& child) { child.write(batch); });
    }

    /// Flushes every child; failures as for write.
    void flush() {
        for_each_child([](any_sink& child) { child.flush(); });
    }

    /// How many children there are.
    std::size_t size() const noexcept { return children_.size(); }
    bool empty() const noexcept { return children_.empty(); }

    /// Child `i`, in order of addition (use `any_sink::target<S>()` to reach the sink inside).
    any_sink& operator[](std::size_t i) noexcept { return children_[i]; }

private:
    template <class Action>
    void for_each_child(Action&& action) {
        std::size_t failures = 0;
        std::size_t first = 0;
        std::string message;
        for (std::size_t i = 0; i < children_.size(); ++i) {
            try {
                action(children_[i]);
            } catch (const std::exception& e) {
                if (failures++ == 0) {
                    first = i;
                    message = e.what();
                }
            } catch (...) {
                if (failures++ == 0) {
                    first = i;
                    message = "unknown exception";
                }
            }
        }
        if (failures == 0) return;
        std::string text = "fanout child " + std::to_string(first) + ": " + message;
        if (failures > 1) text += " (" + std::to_string(failures - 1) + " more children failed)";
        LOGMETRICS_THROW(error(errc::io_error, text));
    }

    std::vector<any_sink> children_;
};

static_assert(metric_sink<fanout_sink>);
static_assert(batch_metric_sink<fanout_sink>);

LOGMETRICS_END_NAMESPACE
