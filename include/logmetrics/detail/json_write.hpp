// SPDX-License-Identifier: MIT
#pragma once
// Text helpers shared by the sinks: JSON strings escaped per RFC 8259 (the output is always valid
// UTF-8: bytes that are not well-formed UTF-8 become U+FFFD), numbers in their shortest round-trip
// form through std::to_chars (locale-independent), metric values as JSON, and `fixed_text`, a
// stack buffer for assembling one output line without allocating.

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <string_view>
#include <system_error>

#include "../config.hpp"
#include "../definition.hpp"
#include "../sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// A buffer of this many chars always holds what `format_double`, `format_integer` and
/// `format_json_value` write (the longest double is 24 chars, the longest int64 20).
inline constexpr std::size_t number_buffer_size = 32;

/// The replacement character U+FFFD in UTF-8.
inline constexpr std::string_view replacement_character = "\xEF\xBF\xBD";

/// Reads the bytes at `text[i]`, a byte >= 0x80. Returns the length of the well-formed UTF-8
/// sequence starting there (`valid` set), or the length of its longest ill-formed prefix, which
/// is replaced by a single U+FFFD (`valid` cleared; at least 1). The rules are RFC 3629's:
/// no overlong forms, no surrogates, nothing above U+10FFFF.
constexpr std::size_t scan_utf8(std::string_view text, std::size_t i, bool& valid) noexcept {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = 0;
    unsigned low = 0x80, high = 0xBF;  // the range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        if (lead == 0xE0) low = 0xA0;   // overlong
        if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        if (lead == 0xF0) low = 0x90;   // overlong
        if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
    } else {
        valid = false;  // a continuation byte, C0, C1 or F5..FF
        return 1;
    }
    for (std::size_t k = 1; k < length; ++k) {
        if (i + k >= text.size()) {
            valid = false;
            return k;
        }
        const auto byte = static_cast<unsigned char>(text[i + k]);
        if (byte < low || byte > high) {
            valid = false;
            return k;
        }
        low = 0x80;
        high = 0xBF;
    }
    valid = true;
    return length;
}

/// Writes the JSON escaping of `text`, without the surrounding quotes, as a series of calls
/// `put(std::string_view)`: unescaped runs go out whole. `"` and `\` are escaped, control
/// characters as `\b \f \n \r \t` or `\u00XX`, and ill-formed UTF-8 is replaced by U+FFFD.
template <class Put>
void escape_json(std::string_view text, Put&& put) {
    constexpr char hex[] = "0123456789abcdef";
    std::size_t run = 0;  // start of the pending run of bytes that need no escaping
    std::size_t i = 0;
    auto flush_run = [&] {
        if (i > run) put(text.substr(run, i - run));
    };
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x80) {
            bool valid = false;
            const std::size_t length = scan_utf8(text, i, valid);
            if (!valid) {
                flush_run();
                put(replacement_character);
                run = i + length;
            }
            i += length;
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') {
            ++i;
            continue;
        }
        flush_run();
        switch (c) {
            case '"': put("\\\""); break;
            case '\\': put("\\\\"); break;
            case '\b': put("\\b"); break;
            case '\f': put("\\f"); break;
            case '\n': put("\\n"); break;
            case '\r': put("\\r"); break;
            case '\t': put("\\t"); break;
            default: {
                const char escaped[] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF]};
                put(std::string_view(escaped, sizeof escaped));
            }
        }
        run = ++i;
    }
    flush_run();
}

/// Appends `text` to `out` as a JSON string, quotes included (see `escape_json`).
inline void append_json_string(std::string& out, std::string_view text) {
    out += '"';
    escape_json(text, [&out](std::string_view chunk) { out.append(chunk); });
    out += '"';
}

/// Writes `text` to `out` unformatted (no padding, no locale).
inline void write_text(std::ostream& out, std::string_view text) {
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

/// Writes `text` to `out` as a JSON string, quotes included (see `escape_json`).
inline void write_json_string(std::ostream& out, std::string_view text) {
    out.put('"');
    escape_json(text, [&out](std::string_view chunk) { write_text(out, chunk); });
    out.put('"');
}

/// The shortest text that reads back as exactly `value` (std::to_chars), e.g. `0.1`, `1e+20`,
/// `-0`; non-finite values are `nan` (whatever the sign), `inf` and `-inf`, which Python's
/// float() and pandas read. Non-finite results point to static storage, others into `buf`.
/// Returns an empty view when `n` is too small (`number_buffer_size` always suffices).
inline std::string_view format_double(char* buf, std::size_t n, double value) noexcept {
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    const auto [end, ec] = std::to_chars(buf, buf + n, value);
    if (ec != std::errc{}) return {};
    return {buf, static_cast<std::size_t>(end - buf)};
}

/// `value` in decimal, into `buf`; empty when `n` is too small.
inline std::string_view format_integer(char* buf, std::size_t n, std::int64_t value) noexcept {
    const auto [end, ec] = std::to_chars(buf, buf + n, value);
    if (ec != std::errc{}) return {};
    return {buf, static_cast<std::size_t>(end - buf)};
}

/// `value` in decimal, into `buf`; empty when `n` is too small.
inline std::string_view format_unsigned(char* buf, std::size_t n, std::uint64_t value) noexcept {
    const auto [end, ec] = std::to_chars(buf, buf + n, value);
    if (ec != std::errc{}) return {};
    return {buf, static_cast<std::size_t>(end - buf)};
}

/// A metric value as plain text (CSV): the exact integer for integer-typed values, else
/// `format_double`.
inline std::string_view format_value(char* buf, std::size_t n, double value, value_type type,
                                     std::int64_t integer) noexcept {
    return type == value_type::integer ? format_integer(buf, n, integer) : format_double(buf, n, value);
}

/// A sample's value as plain text (CSV); see the overload above.
inline std::string_view format_value(char* buf, std::size_t n, const sample& s) noexcept {
    return format_value(buf, n, s.value, s.type, s.integer);
}

/// A metric value as JSON: a number when finite (integer-typed values exactly), the strings
/// `"nan"`, `"inf"` and `"-inf"` otherwise (JSON has no non-finite numbers).
inline std::string_view format_json_value(char* buf, std::size_t n, double value, value_type type,
                                          std::int64_t integer) noexcept {
    if (type == value_type::integer) return format_integer(buf, n, integer);
    if (std::isnan(value)) return "\"nan\"";
    if (std::isinf(value)) return value > 0 ? "\"inf\"" : "\"-inf\"";
    return format_double(buf, n, value);
}

/// A sample's value as JSON; see the overload above.
inline std::string_view format_json_value(char* buf, std::size_t n, const sample& s) noexcept {
    return format_json_value(buf, n, s.value, s.type, s.integer);
}

/// Appends a sample's value to `out` as JSON (see `format_json_value`).
inline void append_json_value(std::string& out, const sample& s) {
    char buf[number_buffer_size];
    out.append(format_json_value(buf, sizeof buf, s));
}

/// A fixed-capacity text buffer on the stack, for assembling one output line without
/// allocating. Text beyond the capacity is dropped (callers size it for their worst case).
template <std::size_t N>
class fixed_text {
public:
    void append(std::string_view text) noexcept {
        const std::size_t room = N - size_;
        const std::size_t count = text.size() < room ? text.size() : room;
        if (count != 0) std::memcpy(data_ + size_, text.data(), count);
        size_ += count;
    }
    void append(char c) noexcept {
        if (size_ < N) data_[size_++] = c;
    }
    void append_unsigned(std::uint64_t value) noexcept {
        char buf[number_buffer_size];
        append(format_unsigned(buf, sizeof buf, value));
    }

    std::string_view view() const noexcept { return {data_, size_}; }
    std::size_t size() const noexcept { return size_; }
    void clear() noexcept { size_ = 0; }

private:
    char data_[N];
    std::size_t size_ = 0;
};

}  // namespace detail

LOGMETRICS_END_NAMESPACE
