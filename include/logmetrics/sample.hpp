// SPDX-License-Identifier: MIT
#pragma once
// A sample: one value of one metric, read from one line. Samples are small values; the strings
// they point to (metric name, stream label) belong to the monitor and outlive every write().
// A sink that keeps a sample beyond write() must copy those strings. This header needs nothing of
// the regex layer: sinks, formats and their users include it without PCRE2.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "config.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// How a captured value is typed. SageMaker values are all doubles; `integer` is for counters
/// (steps, epochs, tokens) that must survive beyond 2^53 and print without a fraction.
enum class value_type : std::uint8_t { real, integer };

/// Wall-clock time with the resolution CloudWatch and TensorBoard keep (they take ms and us).
using timestamp = std::chrono::system_clock::time_point;

struct sample {
    std::size_t definition = 0;  ///< index of the definition that produced it
    std::size_t metric = 0;      ///< index of its metric name (definitions may share a name)
    std::string_view name;       ///< the metric's name
    double value = 0;            ///< always set, also for integer definitions
    std::int64_t integer = 0;    ///< the exact value when `type == value_type::integer`
    value_type type = value_type::real;
    timestamp time{};         ///< when the line was read (from the monitor's clock)
    std::uint64_t step = 0;   ///< this metric's sample count before this one, or the configured step
    std::uint64_t line = 0;   ///< 1-based number of the line in its stream
    std::string_view stream;  ///< the stream's label (e.g. a file name, "stdin", a pod name)
};

/// Milliseconds since the Unix epoch, the unit of CloudWatch timestamps.
inline std::int64_t unix_millis(timestamp t) noexcept {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

LOGMETRICS_END_NAMESPACE
