// SPDX-License-Identifier: MIT
#include "text.hpp"

#include <cmath>
#include <iterator>

#include <fmt/compile.h>
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

std::string_view write_human(const human_number& number, char (&text)[human_number::max_size]) noexcept {
    char* end = text;
    if (number.type == value_type::integer) {
        end = fmt::format_to(text, FMT_COMPILE("{}"), number.integer);
    } else if (std::isnan(number.value)) {
        end = fmt::format_to(text, FMT_COMPILE("nan"));  // fmt would print a negative NaN as "-nan"
    } else {
        end = fmt::format_to(text, FMT_COMPILE("{:.6g}"), number.value);
    }
    return std::string_view(text, static_cast<std::size_t>(end - text));
}

}  // namespace logmetrics::cli
