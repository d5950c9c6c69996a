// SPDX-License-Identifier: MIT
#pragma once
// Timestamps as text, without locales or time zones: ISO 8601 UTC with milliseconds
// (`2026-11-22T01:02:03.456Z`, for the CSV and JSONL formats) and Unix epoch seconds with
// milliseconds (`1795309323.456`, as SageMaker's API returns Timestamp). Both round toward the
// past to the millisecond, so a time and its text sort the same way.
//
// The ISO digits are written by hand, as spdlog (an fmt user) writes its own: fmt 9.1 formats a
// system_clock time_point in *local* time and without sub-seconds (fmt 10 moved it to UTC), so
// the text would depend on TZ and on the fmt version; and a fixed-width digit writer is several
// times faster than `fmt::format_to` with chrono or `{:02}` fields (DESIGN-REVIEW.md §3).
// `iso8601_writer` also keeps the date and time of the last second it wrote, as spdlog's
// pattern_formatter caches its date: the samples of one block of lines share their second.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

#include <fmt/compile.h>
#include <fmt/format.h>

#include "../../config.hpp"
#include "../../sample.hpp"
#include "number_text.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// Writes `value` as exactly `width` decimal digits (the lowest ones) ending before `end`.
constexpr void put_digits(char* end, std::uint64_t value, int width) noexcept {
    for (int k = 0; k < width; ++k) {
        *--end = static_cast<char>('0' + value % 10);
        value /= 10;
    }
}

/// A buffer of this many chars always holds what `write_date_time` writes.
inline constexpr std::size_t date_time_buffer_size = 32;

/// Writes `second` as `YYYY-MM-DDTHH:MM:SS` (UTC, 19 chars) into `buf` and returns how many chars
/// it wrote. Years outside 0..9999 (out of reach of libstdc++'s nanosecond clock, in reach of
/// microsecond ones) are written with their sign, as ISO 8601's expanded form.
inline std::size_t write_date_time(char (&buf)[date_time_buffer_size], std::chrono::sys_seconds second) {
    using namespace std::chrono;
    const auto day = floor<days>(second);
    const year_month_day date{day};
    const auto in_day = static_cast<std::uint64_t>((second - day).count());  // 0 .. 86'399

    char* p = buf;
    const int year = static_cast<int>(date.year());
    if (year >= 0 && year <= 9999) {
        put_digits(p + 4, static_cast<std::uint64_t>(year), 4);
        p += 4;
    } else {
        // At most 6 chars: years are within +-32767. Compiled, as every format here: a runtime
        // format string would instantiate fmt's whole formatting engine in each user's TU.
        p = fmt::format_to(p, FMT_COMPILE("{:+05}"), year);
    }
    *p++ = '-';
    put_digits(p + 2, static_cast<unsigned>(date.month()), 2);
    p += 2;
    *p++ = '-';
    put_digits(p + 2, static_cast<unsigned>(date.day()), 2);
    p += 2;
    *p++ = 'T';
    put_digits(p + 2, in_day / 3600, 2);
    p += 2;
    *p++ = ':';
    put_digits(p + 2, in_day / 60 % 60, 2);
    p += 2;
    *p++ = ':';
    put_digits(p + 2, in_day % 60, 2);
    p += 2;
    return static_cast<std::size_t>(p - buf);
}

/// Appends timestamps as `YYYY-MM-DDTHH:MM:SS.mmmZ` (UTC, 24 chars), truncated to the
/// millisecond. Remembers the text of the last second it wrote, so consecutive samples of one
/// second cost a copy and three digits. Not thread-safe (one per format object).
class iso8601_writer {
public:
    void append(fmt::memory_buffer& out, timestamp t) {
        using namespace std::chrono;
        const auto millis = floor<milliseconds>(t);
        const auto second = floor<seconds>(millis);
        if (second != cached_second_ || cached_size_ == 0) {
            cached_size_ = write_date_time(cached_, second);
            cached_second_ = second;
        }
        out.append(cached_, cached_ + cached_size_);
        char tail[] = {'.', '0', '0', '0', 'Z'};
        put_digits(tail + 4, static_cast<std::uint64_t>((millis - second).count()), 3);  // 0 .. 999
        out.append(tail, tail + sizeof tail);
    }

private:
    std::chrono::sys_seconds cached_second_{};
    char cached_[date_time_buffer_size] = {};
    std::size_t cached_size_ = 0;  // 0 until the first call
};

/// Appends `t` as ISO 8601 UTC with milliseconds (see `iso8601_writer`), without the cache.
inline void append_iso8601(fmt::memory_buffer& out, timestamp t) { iso8601_writer{}.append(out, t); }

/// Appends `t` as Unix epoch seconds with exactly three decimals (`1795309323.456`), a valid JSON
/// number. Times before 1970 are negative (`-0.500`).
inline void append_epoch_seconds(fmt::memory_buffer& out, timestamp t) {
    using namespace std::chrono;
    const std::int64_t millis = floor<milliseconds>(t).time_since_epoch().count();
    std::uint64_t magnitude = static_cast<std::uint64_t>(millis);
    if (millis < 0) magnitude = 0 - magnitude;  // modular negation: exact even for INT64_MIN
    fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}{}.{:03}"), millis < 0 ? "-" : "", magnitude / 1000,
                   magnitude % 1000);
}

}  // namespace detail

LOGMETRICS_END_NAMESPACE
