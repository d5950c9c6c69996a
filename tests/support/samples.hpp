// SPDX-License-Identifier: MIT
#pragma once
// Samples for the sink, format and statistics tests: a fixed instant, and samples built field by
// field (the strings they point to must outlive them, as with the monitor's).

#include <chrono>
#include <cstdint>
#include <limits>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/sample.hpp>

namespace test_support {

inline constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
inline constexpr double inf_value = std::numeric_limits<double>::infinity();

/// 2026-11-22T01:02:03.456Z (Unix 1795309323.456) plus `extra`.
inline logmetrics::timestamp fixed_time(std::chrono::milliseconds extra = std::chrono::milliseconds(0)) {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 22} + hours(1) + minutes(2) + seconds(3) + milliseconds(456) + extra;
}

inline logmetrics::sample make_sample(std::string_view name, double value, std::uint64_t step = 0,
                                      std::uint64_t line = 1, std::string_view stream = {},
                                      logmetrics::timestamp time = fixed_time()) {
    logmetrics::sample s;
    s.name = name;
    s.value = value;
    s.step = step;
    s.line = line;
    s.stream = stream;
    s.time = time;
    return s;
}

inline logmetrics::sample make_integer_sample(std::string_view name, std::int64_t value, std::uint64_t step = 0,
                                              std::uint64_t line = 1) {
    logmetrics::sample s = make_sample(name, static_cast<double>(value), step, line);
    s.type = logmetrics::value_type::integer;
    s.integer = value;
    return s;
}

inline std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace test_support
