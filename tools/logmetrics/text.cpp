// SPDX-License-Identifier: MIT
#include "text.hpp"

#include <cmath>
#include <cstdio>
#include <iterator>

#include <logmetrics/version.hpp>

namespace logmetrics::cli {

std::string version_string() {
    return std::to_string(LOGMETRICS_VERSION_MAJOR) + "." + std::to_string(LOGMETRICS_VERSION_MINOR) + "." +
           std::to_string(LOGMETRICS_VERSION_PATCH);
}

void complain(std::string_view text) {
    std::fprintf(stderr, "logmetrics: %.*s\n", static_cast<int>(text.size()), text.data());
}

std::string quote_text(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7F) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += ch;
        }
    }
    out += '"';
    return out;
}

std::string human_value(double value, value_type type, std::int64_t integer) {
    if (type == value_type::integer) return std::to_string(integer);
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char text[48];
    if (unit == 0)
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

}  // namespace logmetrics::cli
