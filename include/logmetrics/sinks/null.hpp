// SPDX-License-Identifier: MIT
#pragma once
// null_sink: drops every sample and only counts them, for benchmarks (the cost of matching
// without the cost of output) and for `--format none`.

#include <cstdint>
#include <span>

#include "../config.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Counts samples and flushes, and does nothing else.
class null_sink {
public:
    void write(const sample&) noexcept { ++count_; }
    void write(std::span<const sample> batch) noexcept { count_ += batch.size(); }
    void flush() noexcept { ++flushes_; }

    /// How many samples were written.
    std::uint64_t count() const noexcept { return count_; }
    /// How many times flush() was called.
    std::uint64_t flushes() const noexcept { return flushes_; }
    /// Sets both counts back to zero.
    void reset() noexcept { count_ = flushes_ = 0; }

private:
    std::uint64_t count_ = 0;
    std::uint64_t flushes_ = 0;
};

static_assert(metric_sink<null_sink>);
static_assert(batch_metric_sink<null_sink>);

LOGMETRICS_END_NAMESPACE
