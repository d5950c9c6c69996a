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

std::string printable_name(std::string_view name) {
    std::string quoted = quote_text(name);
    if (quoted.size() == name.size() + 2) return std::string(name);  // nothing was escaped
    return quoted;
}

std::size_t display_width(std::string_view text) {
    // fmt pads to N columns by adding N - width fill bytes; every column takes at least a byte,
    // so with N = the byte count the padding is bytes - width.
    const std::size_t bytes = text.size();
    const std::size_t padded = fmt::formatted_size("{:<{}}", text, bytes);
    return bytes - (padded - bytes);
}

std::string fit_to_width(std::string_view text, std::size_t width) {
    if (display_width(text) <= width) return std::string(text);
    std::size_t end = 0;  // the longest prefix of whole code points that fits in width - 1
    for (std::size_t i = 1; i <= text.size(); ++i) {
        const bool boundary = i == text.size() || (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        if (!boundary) continue;
        if (display_width(text.substr(0, i)) + 1 > width) break;
        end = i;
    }
    return std::string(text.substr(0, end)) + "\u2026";
}

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
