// SPDX-License-Identifier: MIT
#pragma once
// The number grammar for captured text. After trimming ASCII whitespace the whole text must be
//     [+-]? ( digits [ . [digits] ] | . digits ) ( [eE] [+-]? digits )?
// or  [+-]? ( nan | inf | infinity )      in any case.
// So a trailing dot is allowed ("5.", "1000.", "1.E-3", "-7.e+2"): Python's float(), Java's
// Double.parseDouble and C's strtod all read those, and definitions such as `Step: ([0-9]*.)`
// capture them. A dot needs a digit on one side: ".", "+.", ".e5" are rejected, as is anything
// else ("3.14#011", "1,000", "0x1p3", ""). Parsing is locale-independent (std::from_chars). A
// finite literal too large for a double becomes +-inf and one too small becomes +-0, as Python's
// float() and Java's Double.parseDouble do.

#include <cfloat>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>

#include "config.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

constexpr bool is_ascii_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

constexpr std::string_view trim_ascii_space(std::string_view text) noexcept {
    while (!text.empty() && is_ascii_space(text.front())) text.remove_prefix(1);
    while (!text.empty() && is_ascii_space(text.back())) text.remove_suffix(1);
    return text;
}

constexpr bool equals_ignoring_case(std::string_view text, std::string_view lower) noexcept {
    if (text.size() != lower.size()) return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        if (c != lower[i]) return false;
    }
    return true;
}

/// Where the number's parts are, once the grammar has accepted it.
struct number_shape {
    bool negative = false;
    std::string_view unsigned_text;  ///< the text without its sign
    long long decimal_exponent = 0;  ///< position of the first nonzero digit, scientific style
    bool all_zero = true;
};

/// Checks the finite-number grammar; fills `shape` on success.
constexpr bool scan_finite(std::string_view text, number_shape& shape) noexcept {
    std::size_t i = 0;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) shape.negative = text[i++] == '-';
    shape.unsigned_text = text.substr(i);
    std::size_t integer_digits = 0, fraction_digits = 0;
    long long first_nonzero = 0;  // exponent of the first nonzero digit (10^k place)
    bool seen_nonzero = false;
    for (; i < text.size() && is_digit(text[i]); ++i, ++integer_digits) {
        if (!seen_nonzero && text[i] != '0') seen_nonzero = true, first_nonzero = 0;
        if (seen_nonzero) ++first_nonzero;
    }
    if (i < text.size() && text[i] == '.') {
        ++i;
        for (; i < text.size() && is_digit(text[i]); ++i, ++fraction_digits) {
            if (!seen_nonzero && text[i] != '0') {
                seen_nonzero = true;
                first_nonzero = -static_cast<long long>(fraction_digits);
            }
        }
    }
    if (integer_digits == 0 && fraction_digits == 0) return false;  // ".", "+.", "": no digit at all
    long long exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exponent_negative = false;
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) exponent_negative = text[i++] == '-';
        std::size_t exponent_digits = 0;
        for (; i < text.size() && is_digit(text[i]); ++i, ++exponent_digits) {
            if (exponent < 100000000) exponent = exponent * 10 + (text[i] - '0');
        }
        if (exponent_digits == 0) return false;
        if (exponent_negative) exponent = -exponent;
    }
    if (i != text.size()) return false;
    shape.all_zero = !seen_nonzero;
    shape.decimal_exponent = first_nonzero + exponent;
    return true;
}

/// Clinger's fast path, for unsigned text: when it is in the grammar, its digits fit in 53 bits
/// and the power of ten is at most 22, both are exact doubles and one IEEE multiplication or
/// division rounds correctly, giving from_chars' value. Most logged numbers qualify; for the
/// rest (and for text outside the grammar) it returns false and the full path decides.
inline bool parse_exact_decimal(std::string_view text, double& out) noexcept {
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    static constexpr double powers_of_ten[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                               1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    std::uint64_t mantissa = 0;
    int digits = 0, fraction_digits = 0;
    std::size_t i = 0;
    for (; i < text.size() && is_digit(text[i]); ++i) {
        if (++digits > 19) return false;
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    if (i < text.size() && text[i] == '.') {
        for (++i; i < text.size() && is_digit(text[i]); ++i, ++fraction_digits) {
            if (++digits > 19) return false;
            mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
        }
    }
    if (digits == 0) return false;  // a dot needs a digit on one side: "5." and ".5", not "."
    int exponent = 0;
    if (i < text.size()) {
        if (text[i] != 'e' && text[i] != 'E') return false;
        ++i;
        const bool negative = i < text.size() && text[i] == '-';
        if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
        const std::size_t exponent_start = i;
        for (; i < text.size() && is_digit(text[i]); ++i) {
            exponent = exponent * 10 + (text[i] - '0');
            if (exponent > 1000) return false;
        }
        if (i == exponent_start || i != text.size()) return false;
        if (negative) exponent = -exponent;
    }
    if (mantissa > (std::uint64_t{1} << 53)) return false;
    const int power = exponent - fraction_digits;
    if (power < -22 || power > 22) return false;
    const auto m = static_cast<double>(mantissa);
    out = power < 0 ? m / powers_of_ten[-power] : m * powers_of_ten[power];
    return true;
#else
    (void)text;
    (void)out;
    return false;  // extended-precision arithmetic could round twice: leave it to from_chars
#endif
}

}  // namespace detail

/// Parses captured text as a double by the grammar above; empty when it is not a number.
inline std::optional<double> parse_number(std::string_view text) noexcept {
    text = detail::trim_ascii_space(text);
    std::string_view body = text;
    bool negative = false;
    if (!body.empty() && (body.front() == '+' || body.front() == '-')) {
        negative = body.front() == '-';
        body.remove_prefix(1);
    }
    double value = 0;
    if (detail::parse_exact_decimal(body, value)) return negative ? -value : value;
    constexpr double infinity = std::numeric_limits<double>::infinity();
    if (detail::equals_ignoring_case(body, "inf") || detail::equals_ignoring_case(body, "infinity")) {
        return negative ? -infinity : infinity;
    }
    if (detail::equals_ignoring_case(body, "nan")) {
        double nan = std::numeric_limits<double>::quiet_NaN();
        return negative ? -nan : nan;
    }
    detail::number_shape shape;
    if (!detail::scan_finite(text, shape)) return std::nullopt;
    const char* first = shape.unsigned_text.data();
    const char* last = first + shape.unsigned_text.size();
    auto [end, ec] = std::from_chars(first, last, value, std::chars_format::general);
    if (ec == std::errc::result_out_of_range) {
        // from_chars leaves the value alone on range errors: decide overflow or underflow ourselves.
        value = (!shape.all_zero && shape.decimal_exponent > 0) ? infinity : 0.0;
    } else if (ec != std::errc() || end != last) {
        return std::nullopt;
    }
    return negative ? -value : value;
}

/// Parses captured text as a signed 64-bit integer: optional sign and decimal digits only
/// (after trimming ASCII whitespace); empty when it is not one or does not fit.
inline std::optional<std::int64_t> parse_integer(std::string_view text) noexcept {
    text = detail::trim_ascii_space(text);
    const bool plus = !text.empty() && text.front() == '+';
    if (plus) text.remove_prefix(1);
    if (text.empty() || text.front() == '+' || (plus && text.front() == '-')) return std::nullopt;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value, 10);
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

LOGMETRICS_END_NAMESPACE
