// SPDX-License-Identifier: MIT
// Tests for the text helpers the formats share (detail/text/): JSON strings, numbers, timestamps.

#include <charconv>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/detail/text/json_escape.hpp>
#include <logmetrics/detail/text/number_text.hpp>
#include <logmetrics/detail/text/time_text.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::sample;
using logmetrics::timestamp;
using test_support::fixed_time;
using test_support::inf_value;
using test_support::make_integer_sample;
using test_support::make_sample;
using test_support::nan_value;

std::string json_string(std::string_view text) {
    std::string out;
    logmetrics::detail::append_json_string(out, text);
    return out;
}

std::string double_text(double value) {
    fmt::memory_buffer out;
    logmetrics::detail::append_double(out, value);
    return fmt::to_string(out);
}

std::string iso_text(timestamp t) {
    fmt::memory_buffer out;
    logmetrics::detail::append_iso8601(out, t);
    return fmt::to_string(out);
}

std::string epoch_text(timestamp t) {
    fmt::memory_buffer out;
    logmetrics::detail::append_epoch_seconds(out, t);
    return fmt::to_string(out);
}

std::string hex_bytes(std::string_view text) {
    constexpr char hex[] = "0123456789abcdef";
    std::string out;
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        out += hex[byte >> 4];
        out += hex[byte & 0xF];
        out += ' ';
    }
    return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// detail/text/json_escape.hpp, detail/text/number_text.hpp
// ---------------------------------------------------------------------------------------------

TEST_CASE("JSON strings escape quotes, backslashes and control characters", "[sink][json]") {
    CHECK(json_string("train:loss") == R"("train:loss")");
    CHECK(json_string("") == R"("")");
    CHECK(json_string("a\"b\\c") == R"("a\"b\\c")");
    CHECK(json_string("\n\r\t\b\f") == R"("\n\r\t\b\f")");
    CHECK(json_string(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
    CHECK(json_string("del\x7f/slash") == "\"del\x7f/slash\"");  // DEL and '/' need no escape
    CHECK(json_string("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80") == "\"caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80\"");
    CHECK(json_string("\xF4\x8F\xBF\xBF\xED\x9F\xBF") == "\"\xF4\x8F\xBF\xBF\xED\x9F\xBF\"");  // U+10FFFF, U+D7FF
}

TEST_CASE("JSON strings replace ill-formed UTF-8 with U+FFFD", "[sink][json]") {
    const std::string r = "\xEF\xBF\xBD";
    struct example {
        std::string_view in;
        std::string out;
    };
    const example examples[] = {
        {"\x80", r},          // lone continuation byte
        {"\xC0\x80", r + r},  // overlong NUL
        {"a\xC2", "a" + r},   // truncated at the end
        {"\xE2\x82", r},      // truncated 3-byte sequence: one replacement
        {"\xE2\x82"
         "A",
         r + "A"},                            // cut by an ASCII byte
        {"\xED\xA0\x80", r + r + r},          // surrogate U+D800
        {"\xF0\x9F\x98", r},                  // truncated 4-byte sequence
        {"\xF4\x90\x80\x80", r + r + r + r},  // above U+10FFFF
        {"\xF5", r},                          // never a lead byte
        {"\xE0\x80\x80", r + r + r},          // overlong 3-byte
        {"\xFF\"x", r + "\\\"x"},             // escape right after a replacement
    };
    for (const auto& e : examples) {
        INFO("input bytes: " << hex_bytes(e.in));
        const std::string text = json_string(e.in);
        CHECK(text == "\"" + e.out + "\"");
        CHECK_NOTHROW(nlohmann::json::parse(text));  // nlohmann rejects invalid UTF-8
    }
}

TEST_CASE("append_double gives the shortest round-trip text", "[sink][json]") {
    CHECK(double_text(0.25) == "0.25");
    CHECK(double_text(0.1) == "0.1");
    CHECK(double_text(1.0) == "1");
    CHECK(double_text(-0.0) == "-0");
    CHECK(double_text(1e20) == "1e+20");
    CHECK(double_text(1e-7) == "1e-07");
    // std::to_chars's rule, the shorter of the fixed and exponent forms (fmt's thresholds would
    // give 1000000000000000, 0.0001 and 1.2345678901234568e+17): number_text.hpp says why.
    CHECK(double_text(1e15) == "1e+15");
    CHECK(double_text(1e-4) == "1e-04");
    CHECK(double_text(123456789012345680.0) == "123456789012345680");
    CHECK(double_text(3e-05) == "3e-05");
    CHECK(double_text(nan_value) == "nan");
    CHECK(double_text(-nan_value) == "nan");
    CHECK(double_text(inf_value) == "inf");
    CHECK(double_text(-inf_value) == "-inf");
    for (double v : {std::numeric_limits<double>::max(), std::numeric_limits<double>::lowest(),
                     std::numeric_limits<double>::denorm_min(), std::numeric_limits<double>::min(), 1.0 / 3.0,
                     123456789012345680.0}) {
        const std::string text = double_text(v);
        CHECK(text.size() <= 24);
        double back = 0;
        std::from_chars(text.data(), text.data() + text.size(), back);
        CHECK(back == v);
    }
}

TEST_CASE("JSON metric values: numbers, non-finite strings, exact integers", "[sink][json]") {
    auto value_text = [](const sample& s) {
        fmt::memory_buffer out;
        logmetrics::detail::append_json_value(out, s);
        return fmt::to_string(out);
    };
    CHECK(value_text(make_sample("m", 0.25)) == "0.25");
    CHECK(value_text(make_sample("m", nan_value)) == R"("nan")");
    CHECK(value_text(make_sample("m", inf_value)) == R"("inf")");
    CHECK(value_text(make_sample("m", -inf_value)) == R"("-inf")");
    CHECK(value_text(make_integer_sample("m", 9007199254740993)) == "9007199254740993");  // 2^53 + 1
    CHECK(value_text(make_integer_sample("m", std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
}

// ---------------------------------------------------------------------------------------------
// detail/text/time_text.hpp
// ---------------------------------------------------------------------------------------------

TEST_CASE("ISO 8601 UTC timestamps with milliseconds", "[sink][time]") {
    using namespace std::chrono;
    CHECK(iso_text(timestamp{}) == "1970-01-01T00:00:00.000Z");
    CHECK(iso_text(fixed_time()) == "2026-11-22T01:02:03.456Z");
    CHECK(iso_text(sys_days{year{2024} / 2 / 29} + 23h + 59min + 59s + 999ms) == "2024-02-29T23:59:59.999Z");
    CHECK(iso_text(sys_days{year{2000} / 12 / 31} + 12h) == "2000-12-31T12:00:00.000Z");
    CHECK(iso_text(timestamp{} - 1ms) == "1969-12-31T23:59:59.999Z");
    CHECK(iso_text(fixed_time() + 999us) == "2026-11-22T01:02:03.456Z");  // truncated, not rounded
}

TEST_CASE("Unix epoch seconds with milliseconds", "[sink][time]") {
    CHECK(epoch_text(timestamp{}) == "0.000");
    CHECK(epoch_text(fixed_time()) == "1795309323.456");
    CHECK(epoch_text(fixed_time(44ms)) == "1795309323.500");
    CHECK(epoch_text(timestamp{} - 500ms) == "-0.500");
    CHECK(epoch_text(timestamp{} - 1234500us) == "-1.235");  // toward the past, like the ISO form
}

TEST_CASE("iso8601_writer reuses the text of a second, and only of that second", "[sink][time]") {
    using namespace std::chrono;
    logmetrics::detail::iso8601_writer writer;
    fmt::memory_buffer out;
    auto text = [&](timestamp t) {
        out.clear();
        writer.append(out, t);
        return fmt::to_string(out);
    };
    // Within one second, across it, back in time, and the millisecond before a second.
    CHECK(text(fixed_time()) == "2026-11-22T01:02:03.456Z");
    CHECK(text(fixed_time(543ms)) == "2026-11-22T01:02:03.999Z");
    CHECK(text(fixed_time(544ms)) == "2026-11-22T01:02:04.000Z");
    CHECK(text(fixed_time(-456ms)) == "2026-11-22T01:02:03.000Z");
    CHECK(text(fixed_time(-457ms)) == "2026-11-22T01:02:02.999Z");
    CHECK(text(fixed_time(24h)) == "2026-11-23T01:02:03.456Z");
    CHECK(text(timestamp{}) == "1970-01-01T00:00:00.000Z");  // the epoch, also the cache's start
    CHECK(text(timestamp{} - 1ms) == "1969-12-31T23:59:59.999Z");
    CHECK(text(timestamp{} + 1ms) == "1970-01-01T00:00:00.001Z");

    // Appends: what the buffer held stays.
    out.clear();
    logmetrics::detail::append_text(out, "t=");
    writer.append(out, fixed_time());
    CHECK(fmt::to_string(out) == "t=2026-11-22T01:02:03.456Z");
}

TEST_CASE("dates beyond year 9999 are written in ISO 8601's expanded form", "[sink][time]") {
    using namespace std::chrono;
    auto date_time = [](sys_seconds s) {
        char buf[logmetrics::detail::date_time_buffer_size];
        return std::string(buf, logmetrics::detail::write_date_time(buf, s));
    };
    CHECK(date_time(sys_days{year{9999} / 12 / 31} + 86399s) == "9999-12-31T23:59:59");
    CHECK(date_time(sys_days{year{10000} / 1 / 1}) == "+10000-01-01T00:00:00");
    CHECK(date_time(sys_days{year{-1} / 3 / 1} + 1s) == "-0001-03-01T00:00:01");
    CHECK(date_time(sys_days{year{0} / 1 / 1}) == "0000-01-01T00:00:00");
}

TEST_CASE("JSON strings append to an fmt buffer the same bytes as to a string", "[sink][json]") {
    for (std::string_view text : {std::string_view("train:loss"), std::string_view("q\"\\\n\x01 \xFF\xC3\xA9")}) {
        fmt::memory_buffer out;
        logmetrics::detail::append_json_string(out, text);
        CHECK(fmt::to_string(out) == json_string(text));
    }
}

TEST_CASE("CSV values: exact integers and non-finite words", "[sink][csv]") {
    auto value_text = [](const sample& s) {
        fmt::memory_buffer out;
        logmetrics::detail::append_value(out, s);
        return fmt::to_string(out);
    };
    CHECK(value_text(make_sample("m", 0.25)) == "0.25");
    CHECK(value_text(make_sample("m", -nan_value)) == "nan");
    CHECK(value_text(make_sample("m", -inf_value)) == "-inf");
    CHECK(value_text(make_integer_sample("m", 9007199254740993)) == "9007199254740993");
    CHECK(value_text(make_integer_sample("m", -42)) == "-42");
}
