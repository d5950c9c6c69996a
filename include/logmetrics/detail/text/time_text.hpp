// SPDX-License-Identifier: MIT
#pragma once
// Timestamps as text, without locales or time zones: ISO 8601 UTC with milliseconds
// (`2026-11-22T01:02:03.456Z`, for the CSV and JSONL sinks) and Unix epoch seconds with
// milliseconds (`1795309323.456`, as SageMaker's API returns Timestamp). Both round toward the
// past to the millisecond, so a time and its text sort the same way.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "../../config.hpp"
#include "../../sample.hpp"
#include "number_text.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// A buffer of this many chars always holds what the functions below write.
inline constexpr std::size_t time_buffer_size = 40;

/// Writes `value` as exactly `width` decimal digits (the lowest ones) ending before `end`.
constexpr void put_digits(char* end, std::uint64_t value, int width) noexcept {
    for (int k = 0; k < width; ++k) {
        *--end = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

/// `t` as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, 24 chars), into `buf`. Years outside 0..9999 (not
/// reachable with the usual clocks) are written with their sign, as ISO 8601's expanded form.
/// Returns an empty view when `n` is too small (`time_buffer_size` always suffices).
inline std::string_view format_iso8601(char* buf, std::size_t n, timestamp t) noexcept {
    using namespace std::chrono;
    if (n < time_buffer_size) return {};
    const auto millis = floor<milliseconds>(t);
    const auto day = floor<days>(millis);
    const year_month_day date{day};
    const auto in_day = static_cast<std::uint64_t>((millis - day).count());  // 0 .. 86'399'999

    char* p = buf;
    const int year = static_cast<int>(date.year());
    if (year >= 0 && year <= 9999) {
        put_digits(p + 4, static_cast<std::uint64_t>(year), 4);
        p += 4;
    } else {
        *p++ = year < 0 ? '-' : '+';
        const auto magnitude = static_cast<std::uint64_t>(year < 0 ? -static_cast<std::int64_t>(year) : year);
        p += format_unsigned(p, 12, magnitude).size();
    }
    *p++ = '-';
    put_digits(p + 2, static_cast<unsigned>(date.month()), 2);
    p += 2;
    *p++ = '-';
    put_digits(p + 2, static_cast<unsigned>(date.day()), 2);
    p += 2;
    *p++ = 'T';
    put_digits(p + 2, in_day / 3'600'000, 2);
    p += 2;
    *p++ = ':';
    put_digits(p + 2, in_day / 60'000 % 60, 2);
    p += 2;
    *p++ = ':';
    put_digits(p + 2, in_day / 1000 % 60, 2);
    p += 2;
    *p++ = '.';
    put_digits(p + 3, in_day % 1000, 3);
    p += 3;
    *p++ = 'Z';
    return {buf, static_cast<std::size_t>(p - buf)};
}

/// `t` as Unix epoch seconds with exactly three decimals (`1795309323.456`), a valid JSON
/// number, into `buf`. Times before 1970 are negative (`-0.500`). Empty when `n` is too small.
inline std::string_view format_epoch_seconds(char* buf, std::size_t n, timestamp t) noexcept {
    using namespace std::chrono;
    if (n < time_buffer_size) return {};
    const std::int64_t millis = floor<milliseconds>(t).time_since_epoch().count();
    char* p = buf;
    std::uint64_t magnitude = static_cast<std::uint64_t>(millis);
    if (millis < 0) {
        *p++ = '-';
        magnitude = 0 - magnitude;  // modular negation: exact even for INT64_MIN
    }
    p += format_unsigned(p, 24, magnitude / 1000).size();
    *p++ = '.';
    put_digits(p + 3, magnitude % 1000, 3);
    p += 3;
    return {buf, static_cast<std::size_t>(p - buf)};
}

}  // namespace detail

LOGMETRICS_END_NAMESPACE
