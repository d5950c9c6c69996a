// SPDX-License-Identifier: MIT
#pragma once
// Numbers as text for the text formats (formats/), appended to an fmt::memory_buffer. Locale- and
// allocation-free once the buffer has grown.
//
// - Integers go through fmt (`FMT_COMPILE("{}")`: digit pairs, no format string read at run time).
// - Doubles keep std::to_chars, written straight into the buffer. Its rule is the one we document:
//   the *shortest* text that reads back as the value, fixed or exponent form, whichever is shorter
//   (`1e+15`, `1e-04`, `123456789012345680`). fmt's shortest digits are the same, but it switches
//   to the exponent form at fixed thresholds instead (`1000000000000000`, `0.0001`,
//   `1.2345678901234568e+17`), so using it would change bytes every CSV/JSONL reader has seen.
//   fmt is a little faster (bench_sinks `number/*`: 34-36 against 42 ns per value on the shared
//   2-core machine), which is about 5% of a CSV sample's cost (80 ns): not worth those bytes.
// - Non-finite values are written by hand: fmt prints a negative NaN as `-nan`, which neither
//   Python's float() nor pandas reads, and JSON has no NaN or infinity at all.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>
#include <system_error>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "../../config.hpp"
#include "../../sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// The longest text std::to_chars writes for a double (`-2.2250738585072014e-308`).
inline constexpr std::size_t max_double_chars = 24;

/// Appends `text` as it is.
inline void append_text(fmt::memory_buffer& out, std::string_view text) {
    out.append(text.data(), text.data() + text.size());
}

/// Appends `value` in decimal.
inline void append_integer(fmt::memory_buffer& out, std::int64_t value) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), value);
}

/// Appends `value` in decimal.
inline void append_unsigned(fmt::memory_buffer& out, std::uint64_t value) {
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), value);
}

/// Appends the shortest text that reads back as exactly `value` (std::to_chars), e.g. `0.1`,
/// `1e+20`, `-0`; non-finite values are `nan` (whatever the sign), `inf` and `-inf`, which
/// Python's float() and pandas read.
inline void append_double(fmt::memory_buffer& out, double value) {
    if (std::isnan(value)) return append_text(out, "nan");
    if (std::isinf(value)) return append_text(out, value > 0 ? "inf" : "-inf");
    const std::size_t start = out.size();
    out.resize(start + max_double_chars);
    const auto result = std::to_chars(out.data() + start, out.data() + out.size(), value);
    out.resize(result.ec == std::errc{} ? static_cast<std::size_t>(result.ptr - out.data()) : start);
}

/// Appends a metric value as plain text (CSV): the exact integer for integer-typed values, else
/// `append_double`.
inline void append_value(fmt::memory_buffer& out, double value, value_type type, std::int64_t integer) {
    if (type == value_type::integer) return append_integer(out, integer);
    append_double(out, value);
}

/// Appends a sample's value as plain text (CSV); see the overload above.
inline void append_value(fmt::memory_buffer& out, const sample& s) { append_value(out, s.value, s.type, s.integer); }

/// Appends a metric value as JSON: a number when finite (integer-typed values exactly), the
/// strings `"nan"`, `"inf"` and `"-inf"` otherwise (JSON has no non-finite numbers).
inline void append_json_value(fmt::memory_buffer& out, double value, value_type type, std::int64_t integer) {
    if (type == value_type::integer) return append_integer(out, integer);
    if (std::isnan(value)) return append_text(out, "\"nan\"");
    if (std::isinf(value)) return append_text(out, value > 0 ? "\"inf\"" : "\"-inf\"");
    append_double(out, value);
}

/// Appends a sample's value as JSON; see the overload above.
inline void append_json_value(fmt::memory_buffer& out, const sample& s) {
    append_json_value(out, s.value, s.type, s.integer);
}

}  // namespace detail

LOGMETRICS_END_NAMESPACE
