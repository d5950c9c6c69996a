// SPDX-License-Identifier: MIT
#include "text.hpp"

#include <cmath>
#include <iterator>

#include <fmt/format.h>

#include <logmetrics/version.hpp>

namespace logmetrics::cli {

std::string version_string() {
    return fmt::format("{}.{}.{}", LOGMETRICS_VERSION_MAJOR, LOGMETRICS_VERSION_MINOR, LOGMETRICS_VERSION_PATCH);
}

void complain(std::string_view text) { fmt::print(stderr, "logmetrics: {}\n", text); }

std::string quote_text(std::string_view text) { return fmt::format("{:?}", text); }

std::string human_value(double value, value_type type, std::int64_t integer) {
    return fmt::format("{}", human_number{value, type, integer});
}

std::string human_count(double count) {
    if (count < 1e3) return fmt::format("{:.0f}", count);
    if (count < 1e6) return fmt::format("{:.1f}k", count / 1e3);
    if (count < 1e9) return fmt::format("{:.1f}M", count / 1e6);
    return fmt::format("{:.1f}G", count / 1e9);
}

std::string human_bytes(std::uint64_t bytes) {
    static constexpr std::string_view units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    if (bytes < 1024) return fmt::format("{} B", bytes);
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    return fmt::format("{:.1f} {}", value, units[unit]);
}

}  // namespace logmetrics::cli

fmt::format_context::iterator fmt::formatter<logmetrics::cli::human_number>::format(
    const logmetrics::cli::human_number& number, fmt::format_context& context) const {
    // Formatted first, then padded as a string, so a width applies to the whole number.
    char text[32];  // an int64 (20 bytes) or "%.6g" of a double ("-1.23457e+308": 13 bytes)
    fmt::format_to_n_result<char*> done{text, 0};
    if (number.type == logmetrics::value_type::integer) {
        done = fmt::format_to_n(text, sizeof text, "{}", number.integer);
    } else if (std::isnan(number.value)) {
        done = fmt::format_to_n(text, sizeof text, "nan");  // fmt would print a negative NaN as "-nan"
    } else {
        done = fmt::format_to_n(text, sizeof text, "{:.6g}", number.value);
    }
    return fmt::formatter<fmt::string_view>::format(fmt::string_view(text, done.size), context);
}
