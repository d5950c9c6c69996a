// SPDX-License-Identifier: MIT
#pragma once
// Numbers as text for the sinks: shortest round-trip form through std::to_chars
// (locale-independent), metric values as plain text and as JSON, and `fixed_text`, a stack buffer
// for assembling one output line without allocating.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <system_error>

#include "../../config.hpp"
#include "../../sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// A buffer of this many chars always holds what `format_double`, `format_integer` and
/// `format_json_value` write (the longest double is 24 chars, the longest int64 20).
inline constexpr std::size_t number_buffer_size = 32;

/// The shortest text that reads back as exactly `value` (std::to_chars), e.g. `0.1`, `1e+20`,
/// `-0`; non-finite values are `nan` (whatever the sign), `inf` and `-inf`, which Python's
/// float() and pandas read. Non-finite results point to static storage, others into `buf`.
/// Returns an empty view when `n` is too small (`number_buffer_size` always suffices).
inline std::string_view format_double(char* buf, std::size_t n, double value) noexcept {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    const auto [end, ec] = std::to_chars(buf, buf + n, value);
    if (ec != std::errc{}) return {};
    return {buf, static_cast<std::size_t>(end - buf)};
}

/// `value` in decimal, into `buf`; empty when `n` is too small.
inline std::string_view format_integer(char* buf, std::size_t n, std::int64_t value) noexcept {
    const auto [end, ec] = std::to_chars(buf, buf + n, value);
    if (ec != std::errc{}) return {};
    return {buf, static_cast<std::size_t>(end - buf)};
}

/// `value` in decimal, into `buf`; empty when `n` is too small.
inline std::string_view format_unsigned(char* buf, std::size_t n, std::uint64_t value) noexcept {
    const auto [end, ec] = std::to_chars(buf, buf + n, value);
    if (ec != std::errc{}) return {};
    return {buf, static_cast<std::size_t>(end - buf)};
}

/// A metric value as plain text (CSV): the exact integer for integer-typed values, else
/// `format_double`.
inline std::string_view format_value(char* buf, std::size_t n, double value, value_type type,
                                     std::int64_t integer) noexcept {
    return type == value_type::integer ? format_integer(buf, n, integer) : format_double(buf, n, value);
}

/// A sample's value as plain text (CSV); see the overload above.
inline std::string_view format_value(char* buf, std::size_t n, const sample& s) noexcept {
    return format_value(buf, n, s.value, s.type, s.integer);
}

/// A metric value as JSON: a number when finite (integer-typed values exactly), the strings
/// `"nan"`, `"inf"` and `"-inf"` otherwise (JSON has no non-finite numbers).
inline std::string_view format_json_value(char* buf, std::size_t n, double value, value_type type,
                                          std::int64_t integer) noexcept {
    if (type == value_type::integer) return format_integer(buf, n, integer);
    if (std::isnan(value)) return "\"nan\"";
    if (std::isinf(value)) return value > 0 ? "\"inf\"" : "\"-inf\"";
    return format_double(buf, n, value);
}

/// A sample's value as JSON; see the overload above.
inline std::string_view format_json_value(char* buf, std::size_t n, const sample& s) noexcept {
    return format_json_value(buf, n, s.value, s.type, s.integer);
}

/// Appends a sample's value to `out` as JSON (see `format_json_value`).
inline void append_json_value(std::string& out, const sample& s) {
    char buf[number_buffer_size];
    out.append(format_json_value(buf, sizeof buf, s));
}

/// A fixed-capacity text buffer on the stack, for assembling one output line without
/// allocating. Text beyond the capacity is dropped (callers size it for their worst case).
template <std::size_t N>
class fixed_text {
public:
    void append(std::string_view text) noexcept {
        const std::size_t room = N - size_;
        const std::size_t count = text.size() < room ? text.size() : room;
        if (count != 0) std::memcpy(data_ + size_, text.data(), count);
        size_ += count;
    }
    void append(char c) noexcept {
        if (size_ < N) data_[size_++] = c;
    }
    void append_unsigned(std::uint64_t value) noexcept {
        char buf[number_buffer_size];
        append(format_unsigned(buf, sizeof buf, value));
    }

    std::string_view view() const noexcept { return {data_, size_}; }
    std::size_t size() const noexcept { return size_; }
    void clear() noexcept { size_ = 0; }

private:
    char data_[N];
    std::size_t size_ = 0;
};

}  // namespace detail

LOGMETRICS_END_NAMESPACE
