// SPDX-License-Identifier: MIT
#pragma once
// Text for people: messages on stderr, the version, values and byte counts in human units, and
// quoting of arbitrary bytes inside messages.

#include <cstdint>
#include <string>
#include <string_view>

#include <logmetrics/sample.hpp>

namespace logmetrics::cli {

/// "MAJOR.MINOR.PATCH" of this logmetrics.
std::string version_string();

/// Prints `logmetrics: <text>` and a line end on stderr.
void complain(std::string_view text);

/// `text` in double quotes, with quotes, backslashes and control bytes escaped (`\x01`).
std::string quote_text(std::string_view text);

/// A value as people read it: six significant digits, integers exact, "nan" whatever its sign.
std::string human_value(double value, value_type type = value_type::real, std::int64_t integer = 0);

/// A byte count in binary units: "512 B", "1.5 KiB", "3.2 GiB".
std::string human_bytes(std::uint64_t bytes);

}  // namespace logmetrics::cli
