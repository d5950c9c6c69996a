// SPDX-License-Identifier: MIT
#pragma once
// Text for people: messages on stderr, the version, values and byte counts in human units, and
// quoting of arbitrary bytes inside messages. All of it is fmt.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/core.h>

#include <logmetrics/sample.hpp>

namespace logmetrics::cli {

/// "MAJOR.MINOR.PATCH" of this logmetrics.
std::string version_string();

/// Prints `logmetrics: <text>` and a line end on stderr, in one write.
void complain(std::string_view text);

/// `complain(fmt::format(format, args...))`.
template <class... Args>
void complain(fmt::format_string<Args...> format, Args&&... args) {
    complain(std::string_view(fmt::format(format, std::forward<Args>(args)...)));
}

/// `text` in double quotes with quotes, backslashes and unprintable bytes escaped, as fmt's
/// `{:?}` does (`"a\"b\x01\tc"`), for bytes from a log inside a message.
std::string quote_text(std::string_view text);

/// A name from the definitions as a terminal should show it: as it is when it is printable text
/// (UTF-8 included), else quoted and escaped as quote_text does (`"loss\x00"`), so that control
/// bytes (ESC, NUL) never reach the terminal raw.
std::string printable_name(std::string_view name);

/// The columns fmt pads `text` to (`{:<N}`): its code points, East Asian wide ones counting 2,
/// which is what a terminal shows. Measured through fmt itself so that widths computed here and
/// fmt's padding agree.
std::size_t display_width(std::string_view text);

/// `text` if it fits in `width` columns, else its longest prefix of whole code points that fits
/// in `width - 1`, followed by "…".
std::string fit_to_width(std::string_view text, std::size_t width);

/// A value as people read it: six significant digits (`%.6g`), integers exact, "nan" whatever
/// its sign. Formattable with a width and alignment, like a string: `{:>12}`.
struct human_number {
    double value = 0;
    value_type type = value_type::real;
    std::int64_t integer = 0;  ///< the value when `type` is integer

    /// The longest text: an int64 (20 bytes) or "%.6g" of a double ("-1.23457e+308": 13 bytes).
    static constexpr std::size_t max_size = 24;
};

/// Writes `number` into `text` and returns the part written.
std::string_view write_human(const human_number& number, char (&text)[human_number::max_size]) noexcept;

/// `human_number` as a string.
std::string human_value(double value, value_type type = value_type::real, std::int64_t integer = 0);

/// A count in SI units, for rates: "950", "12.3k", "1.9M", "2.1G".
std::string human_count(double count);

/// A byte count in binary units: "512 B", "1.5 KiB", "3.2 GiB".
std::string human_bytes(std::uint64_t bytes);

}  // namespace logmetrics::cli

template <>
struct fmt::formatter<logmetrics::cli::human_number> : fmt::formatter<fmt::string_view> {
    template <class FormatContext>
    auto format(const logmetrics::cli::human_number& number, FormatContext& context) const {
        char text[logmetrics::cli::human_number::max_size];
        return fmt::formatter<fmt::string_view>::format(logmetrics::cli::write_human(number, text), context);
    }
};
