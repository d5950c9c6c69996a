// SPDX-License-Identifier: MIT
// Tests for the sinks (memory_store, callback, csv, jsonl, fanout, null), the text helpers they
// share (detail/text/), and a real monitor writing to several
// sinks at once.

#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/catch.hpp"

#include <logmetrics/definitions_json.hpp>
#include <logmetrics/detail/text/json_escape.hpp>
#include <logmetrics/detail/text/number_text.hpp>
#include <logmetrics/detail/text/time_text.hpp>
#include <logmetrics/matchers/pcre2.hpp>
#include <logmetrics/monitor.hpp>
#include <logmetrics/sinks.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::sample;
using logmetrics::timestamp;
using logmetrics::value_type;

constexpr double nan_value = std::numeric_limits<double>::quiet_NaN();
constexpr double inf_value = std::numeric_limits<double>::infinity();

/// 2026-11-22T01:02:03.456Z plus `extra`.
timestamp fixed_time(std::chrono::milliseconds extra = 0ms) {
    using namespace std::chrono;
    return sys_days{year{2026} / 11 / 22} + 1h + 2min + 3s + 456ms + extra;
}

sample make_sample(std::string_view name, double value, std::uint64_t step = 0, std::uint64_t line = 1,
                   std::string_view stream = {}, timestamp time = fixed_time()) {
    sample s;
    s.name = name;
    s.value = value;
    s.step = step;
    s.line = line;
    s.stream = stream;
    s.time = time;
    return s;
}

sample make_integer_sample(std::string_view name, std::int64_t value, std::uint64_t step = 0, std::uint64_t line = 1) {
    sample s = make_sample(name, static_cast<double>(value), step, line);
    s.type = value_type::integer;
    s.integer = value;
    return s;
}

std::string json_string(std::string_view text) {
    std::string out;
    logmetrics::detail::append_json_string(out, text);
    return out;
}

std::string double_text(double value) {
    char buf[logmetrics::detail::number_buffer_size];
    return std::string(logmetrics::detail::format_double(buf, sizeof buf, value));
}

std::string iso_text(timestamp t) {
    char buf[logmetrics::detail::time_buffer_size];
    return std::string(logmetrics::detail::format_iso8601(buf, sizeof buf, t));
}

std::string epoch_text(timestamp t) {
    char buf[logmetrics::detail::time_buffer_size];
    return std::string(logmetrics::detail::format_epoch_seconds(buf, sizeof buf, t));
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

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// Sinks for the concept tests.
struct no_flush_sink {
    void write(const sample&) {}
};
struct wrong_write_sink {
    void write(int) {}
    void flush() {}
};
struct counting_sink {
    int* writes;
    int* flushes;
    void write(const sample&) { ++*writes; }
    void flush() { ++*flushes; }
};
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

TEST_CASE("format_double gives the shortest round-trip text", "[sink][json]") {
    CHECK(double_text(0.25) == "0.25");
    CHECK(double_text(0.1) == "0.1");
    CHECK(double_text(1.0) == "1");
    CHECK(double_text(-0.0) == "-0");
    CHECK(double_text(1e20) == "1e+20");
    CHECK(double_text(1e-7) == "1e-07");
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
    char tiny[3];
    CHECK(logmetrics::detail::format_double(tiny, sizeof tiny, 0.125).empty());  // does not fit
}

TEST_CASE("JSON metric values: numbers, non-finite strings, exact integers", "[sink][json]") {
    auto value_text = [](const sample& s) {
        std::string out;
        logmetrics::detail::append_json_value(out, s);
        return out;
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
    char small[10];
    CHECK(logmetrics::detail::format_iso8601(small, sizeof small, fixed_time()).empty());
}

TEST_CASE("Unix epoch seconds with milliseconds", "[sink][time]") {
    CHECK(epoch_text(timestamp{}) == "0.000");
    CHECK(epoch_text(fixed_time()) == "1795309323.456");
    CHECK(epoch_text(fixed_time(44ms)) == "1795309323.500");
    CHECK(epoch_text(timestamp{} - 500ms) == "-0.500");
    CHECK(epoch_text(timestamp{} - 1234500us) == "-1.235");  // toward the past, like the ISO form
}

// ---------------------------------------------------------------------------------------------
// concepts
// ---------------------------------------------------------------------------------------------

TEST_CASE("every sink models metric_sink; batch sinks model batch_metric_sink", "[sink][concept]") {
    using namespace logmetrics;
    STATIC_REQUIRE(metric_sink<memory_store>);
    STATIC_REQUIRE(metric_sink<callback_sink>);
    STATIC_REQUIRE(metric_sink<decltype(make_callback_sink([](const sample&) {}))>);
    STATIC_REQUIRE(metric_sink<csv_sink>);
    STATIC_REQUIRE(metric_sink<jsonl_sink>);
    STATIC_REQUIRE(metric_sink<fanout_sink>);
    STATIC_REQUIRE(metric_sink<null_sink>);
    STATIC_REQUIRE(metric_sink<counting_sink>);

    STATIC_REQUIRE(batch_metric_sink<memory_store>);
    STATIC_REQUIRE(batch_metric_sink<csv_sink>);
    STATIC_REQUIRE(batch_metric_sink<jsonl_sink>);
    STATIC_REQUIRE(batch_metric_sink<fanout_sink>);
    STATIC_REQUIRE(batch_metric_sink<null_sink>);
    STATIC_REQUIRE_FALSE(batch_metric_sink<callback_sink>);

    STATIC_REQUIRE_FALSE(metric_sink<no_flush_sink>);
    STATIC_REQUIRE_FALSE(metric_sink<wrong_write_sink>);
    STATIC_REQUIRE_FALSE(metric_sink<int>);
}

// ---------------------------------------------------------------------------------------------
// csv_sink
// ---------------------------------------------------------------------------------------------

TEST_CASE("csv_sink writes the header and exact rows", "[sink][csv]") {
    std::ostringstream out;
    logmetrics::csv_sink sink(out);
    CHECK(out.str() == "timestamp,metric_name,value,step,line\n");  // header at construction

    sink.write(make_sample("train:loss", 0.25, 3, 12, "train.log"));
    const sample batch[] = {make_sample("validation:error", 0.1, 0, 13, {}, fixed_time(1001ms)),
                            make_integer_sample("tokens", 9007199254740993, 7, 14)};
    sink.write(std::span<const sample>(batch));
    sink.flush();
    CHECK(sink.rows() == 3);
    CHECK(out.str() ==
          "timestamp,metric_name,value,step,line\n"
          "2026-11-22T01:02:03.456Z,train:loss,0.25,3,12\n"
          "2026-11-22T01:02:04.457Z,validation:error,0.1,0,13\n"
          "2026-11-22T01:02:03.456Z,tokens,9007199254740993,7,14\n");
}

TEST_CASE("csv_sink quotes names per RFC 4180 and writes non-finite values", "[sink][csv]") {
    std::ostringstream out;
    logmetrics::csv_sink sink(out, logmetrics::csv_options{.header = false});
    sink.write(make_sample("a,b", 1.0));
    sink.write(make_sample("say \"hi\"", nan_value));
    sink.write(make_sample("two\nlines", inf_value));
    sink.write(make_sample("cr\rhere", -inf_value));
    sink.write(make_sample("\"", -0.5));
    sink.write(make_sample("ctl\x01;semi", 1e20));  // no quoting needed: bytes go out as they are
    sink.write(make_sample("", 2.0));
    CHECK(out.str() ==
          "2026-11-22T01:02:03.456Z,\"a,b\",1,0,1\n"
          "2026-11-22T01:02:03.456Z,\"say \"\"hi\"\"\",nan,0,1\n"
          "2026-11-22T01:02:03.456Z,\"two\nlines\",inf,0,1\n"
          "2026-11-22T01:02:03.456Z,\"cr\rhere\",-inf,0,1\n"
          "2026-11-22T01:02:03.456Z,\"\"\"\",-0.5,0,1\n"
          "2026-11-22T01:02:03.456Z,ctl\x01;semi,1e+20,0,1\n"
          "2026-11-22T01:02:03.456Z,,2,0,1\n");
    CHECK(logmetrics::csv_sink::needs_quotes("x,y"));
    CHECK_FALSE(logmetrics::csv_sink::needs_quotes("train:loss"));
}

TEST_CASE("csv_sink writes to a file it opens", "[sink][csv]") {
    const auto path = std::filesystem::temp_directory_path() /
                      ("logmetrics_test_sinks_" +
                       std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()) + ".csv");
    {
        logmetrics::csv_sink sink(path);
        sink.write(make_sample("loss", 0.5, 0, 1));
        sink.flush();
    }
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    CHECK(text.str() == "timestamp,metric_name,value,step,line\n2026-11-22T01:02:03.456Z,loss,0.5,0,1\n");
    in.close();
    std::filesystem::remove(path);
}

TEST_CASE("csv_sink reports an unopenable path and a failed stream as io_error", "[sink][csv]") {
    try {
        logmetrics::csv_sink sink(std::filesystem::path("/nonexistent/dir/x.csv"));
        FAIL("no exception");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
        CHECK(e.message() == "cannot open /nonexistent/dir/x.csv for writing");
    }

    std::ostringstream out;
    logmetrics::csv_sink sink(out);
    out.setstate(std::ios::badbit);
    try {
        sink.flush();
        FAIL("no exception");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
    }
    REQUIRE_THROWS_AS(sink.write(make_sample("loss", 1.0)), logmetrics::error);

    std::ostringstream already_bad;
    already_bad.setstate(std::ios::failbit);
    REQUIRE_THROWS_AS(logmetrics::csv_sink(already_bad), logmetrics::error);
}

// ---------------------------------------------------------------------------------------------
// jsonl_sink
// ---------------------------------------------------------------------------------------------

TEST_CASE("jsonl_sink writes exact lines with keys in order", "[sink][jsonl]") {
    std::ostringstream out;
    logmetrics::jsonl_sink sink(out);
    sink.write(make_sample("train:loss", 0.25, 3, 12, "pod-0"));
    const sample batch[] = {make_sample("validation:error", 0.1, 0, 13, {}, fixed_time(1001ms)),
                            make_integer_sample("tokens", 9007199254740993, 7, 14)};
    sink.write(std::span<const sample>(batch));
    sink.flush();
    CHECK(sink.lines() == 3);
    CHECK(
        out.str() ==
        R"({"line":12,"name":"train:loss","value":0.25,"step":3,"timestamp":"2026-11-22T01:02:03.456Z","stream":"pod-0"})"
        "\n"
        R"({"line":13,"name":"validation:error","value":0.1,"step":0,"timestamp":"2026-11-22T01:02:04.457Z"})"
        "\n"
        R"({"line":14,"name":"tokens","value":9007199254740993,"step":7,"timestamp":"2026-11-22T01:02:03.456Z"})"
        "\n");
}

TEST_CASE("jsonl_sink escapes names and streams and writes non-finite values as strings", "[sink][jsonl]") {
    std::ostringstream out;
    logmetrics::jsonl_sink sink(out);
    sink.write(make_sample("q\"b\\s\n\x01", nan_value, 0, 1, "pod\t\"0\""));
    sink.write(
        make_sample("bad\xFF"
                    "utf8",
                    inf_value, 1, 2, "\xC3\xA9t\xC3\xA9"));
    sink.write(make_sample("neg", -inf_value, 2, 3));
    CHECK(
        out.str() ==
        R"({"line":1,"name":"q\"b\\s\n\u0001","value":"nan","step":0,"timestamp":"2026-11-22T01:02:03.456Z","stream":"pod\t\"0\""})"
        "\n"
        "{\"line\":2,\"name\":\"bad\xEF\xBF\xBDutf8\",\"value\":\"inf\",\"step\":1,"
        "\"timestamp\":\"2026-11-22T01:02:03.456Z\",\"stream\":\"\xC3\xA9t\xC3\xA9\"}\n"
        R"({"line":3,"name":"neg","value":"-inf","step":2,"timestamp":"2026-11-22T01:02:03.456Z"})"
        "\n");

    const auto lines = split_lines(out.str());
    REQUIRE(lines.size() == 3);
    const auto first = nlohmann::json::parse(lines[0]);
    CHECK(first["name"] == "q\"b\\s\n\x01");
    CHECK(first["stream"] == "pod\t\"0\"");
    CHECK(first["value"] == "nan");
    const auto second = nlohmann::json::parse(lines[1]);
    CHECK(second["name"] == "bad\xEF\xBF\xBDutf8");
    CHECK(second["stream"] == "\xC3\xA9t\xC3\xA9");
    CHECK_FALSE(nlohmann::json::parse(lines[2]).contains("stream"));
}

TEST_CASE("jsonl_sink reports an unopenable path and a failed stream as io_error", "[sink][jsonl]") {
    REQUIRE_THROWS_AS(logmetrics::jsonl_sink(std::filesystem::path("/nonexistent/dir/x.jsonl")), logmetrics::error);
    std::ostringstream out;
    logmetrics::jsonl_sink sink(out);
    out.setstate(std::ios::badbit);
    try {
        sink.flush();
        FAIL("no exception");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
    }
}

// ---------------------------------------------------------------------------------------------
// memory_store
// ---------------------------------------------------------------------------------------------

TEST_CASE("memory_store keeps series and statistics", "[sink][memory]") {
    logmetrics::memory_store store;
    CHECK(store.empty());
    CHECK_FALSE(store.last("loss"));
    CHECK_FALSE(store.mean("loss"));
    CHECK(store.count("loss") == 0);
    CHECK(store.series("loss").empty());

    std::string name = "loss";  // the store must copy names, not keep views
    store.write(make_sample(name, 4.0, 0, 1, "a.log"));
    name = "xxxx";
    store.write(make_sample("accuracy", 0.5, 0, 2, "a.log"));
    const sample batch[] = {make_sample("loss", 2.0, 1, 3, "a.log"), make_sample("loss", 3.0, 2, 4, "b.log")};
    store.write(std::span<const sample>(batch));

    CHECK(store.names() == std::vector<std::string>{"loss", "accuracy"});
    CHECK(store.streams() == std::vector<std::string>{"a.log", "b.log"});
    CHECK(store.count("loss") == 3);
    CHECK(store.total() == 4);
    CHECK(store.last("loss") == 3.0);
    CHECK((store.min)("loss") == 2.0);
    CHECK((store.max)("loss") == 4.0);
    CHECK(store.mean("loss") == 3.0);
    CHECK(store.mean("accuracy") == 0.5);

    const auto points = store.series("loss");
    REQUIRE(points.size() == 3);
    CHECK(points[0].value == 4.0);
    CHECK(points[0].line == 1);
    CHECK(points[2].step == 2);
    CHECK(points[2].line == 4);
    CHECK(points[0].time == fixed_time());
    const auto streams = store.streams();
    CHECK(streams[points[0].stream] == "a.log");
    CHECK(streams[points[1].stream] == "a.log");
    CHECK(streams[points[2].stream] == "b.log");

    store.clear();
    CHECK(store.empty());
    CHECK(store.names().empty());
    CHECK(store.streams().empty());
    CHECK_FALSE(store.last("loss"));
    CHECK(store.final_metrics_json() == "[]");
}

TEST_CASE("memory_store statistics skip NaN; infinities count", "[sink][memory]") {
    logmetrics::memory_store store;
    for (double v : {1.0, nan_value, 3.0}) store.write(make_sample("loss", v));
    CHECK(store.count("loss") == 3);
    CHECK(store.mean("loss") == 2.0);
    CHECK((store.min)("loss") == 1.0);
    CHECK((store.max)("loss") == 3.0);
    CHECK(std::isnan(store.series("loss")[1].value));  // kept in the series

    store.write(make_sample("diverged", nan_value));
    REQUIRE(store.mean("diverged"));  // has samples, all NaN: the statistic is NaN
    CHECK(std::isnan(*store.mean("diverged")));
    CHECK(std::isnan(*(store.min)("diverged")));
    CHECK(std::isnan(*(store.max)("diverged")));

    store.write(make_sample("grad", 1.0));
    store.write(make_sample("grad", inf_value));
    CHECK(store.mean("grad") == inf_value);
    CHECK((store.max)("grad") == inf_value);
    store.write(make_sample("grad", -inf_value));
    CHECK(std::isnan(*store.mean("grad")));  // inf + -inf
    CHECK((store.min)("grad") == -inf_value);
}

TEST_CASE("memory_store exports FinalMetricDataList JSON", "[sink][memory]") {
    logmetrics::memory_store store;
    store.write(make_sample("train:loss", 0.5, 0, 1, {}, fixed_time(-1000ms)));
    store.write(make_sample("train:loss", 0.25, 1, 2));
    store.write(make_sample("odd \"name\"\n", nan_value));
    store.write(make_sample("up", inf_value));
    store.write(make_integer_sample("tokens", 9007199254740993));

    const std::string text = store.final_metrics_json();
    CHECK(text.substr(0, 73) == R"([{"MetricName":"train:loss","Value":0.25,"Timestamp":1795309323.456},{"Me)");

    const auto list = nlohmann::json::parse(text);
    REQUIRE(list.is_array());
    REQUIRE(list.size() == 4);
    for (const auto& entry : list) {
        REQUIRE(entry.is_object());
        CHECK(entry.size() == 3);
        CHECK(entry["MetricName"].is_string());
        CHECK(entry["Timestamp"].is_number_float());
        CHECK(entry["Timestamp"].get<double>() == Approx(1795309323.456));
    }
    CHECK(list[0]["MetricName"] == "train:loss");
    CHECK(list[0]["Value"].get<double>() == 0.25);
    CHECK(list[1]["MetricName"] == "odd \"name\"\n");
    CHECK(list[1]["Value"] == "nan");
    CHECK(list[2]["MetricName"] == "up");
    CHECK(list[2]["Value"] == "inf");
    CHECK(list[3]["MetricName"] == "tokens");
    CHECK(list[3]["Value"].is_number_integer());
    CHECK(list[3]["Value"].get<std::int64_t>() == 9007199254740993);

    std::ostringstream out;
    store.write_final_metrics(out);
    CHECK(out.str() == text);
}

TEST_CASE("memory_store is safe to write and read from two threads", "[sink][memory][thread][threads]") {
    logmetrics::memory_store store;
    constexpr int per_thread = 20000;
    auto worker = [&store](int id) {
        const std::string own = "own" + std::to_string(id);
        const std::string stream = "thread-" + std::to_string(id);
        std::vector<sample> batch;
        for (int i = 0; i < per_thread; ++i) {
            const auto step = static_cast<std::uint64_t>(i);
            sample shared = make_sample("shared", 1.0 + id, step, step + 1, stream);
            sample mine = make_sample(own, static_cast<double>(i), step, step + 1, stream);
            if (id == 0) {
                store.write(shared);
                store.write(mine);
            } else {
                batch.push_back(shared);
                batch.push_back(mine);
                if (batch.size() == 64) {
                    store.write(std::span<const sample>(batch));
                    batch.clear();
                }
            }
            if (i % 1000 == 0) {
                (void)store.mean("shared");  // readers interleave with writers
                (void)store.names();
            }
        }
        store.write(std::span<const sample>(batch));
    };
    std::thread first(worker, 0);
    std::thread second(worker, 1);
    first.join();
    second.join();

    CHECK(store.total() == 4 * per_thread);
    CHECK(store.count("shared") == 2 * per_thread);
    CHECK(store.count("own0") == per_thread);
    CHECK(store.count("own1") == per_thread);
    CHECK(store.mean("shared") == 1.5);  // half 1.0, half 2.0
    CHECK(store.mean("own1") == Approx((per_thread - 1) / 2.0));
    CHECK(store.last("own0") == per_thread - 1);
    CHECK(store.streams().size() == 2);

    const auto streams = store.streams();
    for (int id = 0; id < 2; ++id) {
        const auto points = store.series("own" + std::to_string(id));
        bool in_order = true, right_stream = true;
        for (std::size_t i = 0; i < points.size(); ++i) {
            in_order = in_order && points[i].step == i;
            right_stream = right_stream && streams[points[i].stream] == "thread-" + std::to_string(id);
        }
        CHECK(in_order);
        CHECK(right_stream);
    }
}

TEST_CASE("memory_store moves, e.g. into a fanout", "[sink][memory][fanout]") {
    logmetrics::memory_store store;
    store.write(make_sample("loss", 1.0));
    logmetrics::memory_store moved(std::move(store));
    CHECK(moved.last("loss") == 1.0);

    logmetrics::fanout_sink fanout;
    fanout.add(std::move(moved));
    fanout.write(make_sample("loss", 2.0));
    auto* inside = fanout[0].target<logmetrics::memory_store>();
    REQUIRE(inside);
    CHECK(inside->count("loss") == 2);
    CHECK(fanout[0].target<logmetrics::null_sink>() == nullptr);
}

// ---------------------------------------------------------------------------------------------
// callback sinks
// ---------------------------------------------------------------------------------------------

TEST_CASE("callback_sink calls its functions", "[sink][callback]") {
    std::vector<std::string> names;
    int flushes = 0;
    logmetrics::callback_sink sink([&](const sample& s) { names.emplace_back(s.name); }, [&] { ++flushes; });
    sink.write(make_sample("a", 1));
    logmetrics::write_batch(sink, std::vector<sample>{make_sample("b", 2), make_sample("c", 3)});
    sink.flush();
    CHECK(names == std::vector<std::string>{"a", "b", "c"});
    CHECK(flushes == 1);

    logmetrics::callback_sink no_flush_given([](const sample&) {});
    no_flush_given.flush();  // nothing to call, no throw
    logmetrics::callback_sink empty(nullptr);
    empty.write(make_sample("a", 1));  // empty functions are skipped
}

TEST_CASE("make_callback_sink stores the callable itself", "[sink][callback]") {
    double sum = 0;
    auto sink = logmetrics::make_callback_sink([&sum](const sample& s) { sum += s.value; });
    STATIC_REQUIRE(
        std::is_same_v<decltype(sink), logmetrics::basic_callback_sink<std::decay_t<decltype(sink.function())>>>);
    sink.write(make_sample("a", 1.5));
    sink.write(make_sample("a", 2.0));
    sink.flush();
    CHECK(sum == 3.5);

    struct counter {
        int calls = 0;
        void operator()(const sample&) { ++calls; }
    };
    int flushed = 0;
    auto counted = logmetrics::make_callback_sink(counter{}, [&flushed] { ++flushed; });
    counted.write(make_sample("a", 1));
    counted.write(make_sample("a", 1));
    counted.flush();
    CHECK(counted.function().calls == 2);
    CHECK(flushed == 1);

    // Also from a function pointer, and into any_sink.
    static int pointer_calls = 0;
    void (*fn)(const sample&) = [](const sample&) { ++pointer_calls; };
    logmetrics::any_sink erased = logmetrics::make_callback_sink(fn);
    erased.write(make_sample("a", 1));
    CHECK(pointer_calls == 1);
}

// ---------------------------------------------------------------------------------------------
// fanout_sink (its error policy: test_delivery.cpp) and null_sink
// ---------------------------------------------------------------------------------------------

TEST_CASE("fanout_sink without failures and nested", "[sink][fanout]") {
    std::ostringstream csv_out, jsonl_out;
    logmetrics::fanout_sink inner;
    inner.add(logmetrics::jsonl_sink(jsonl_out));
    std::vector<logmetrics::any_sink> children;
    children.emplace_back(logmetrics::csv_sink(csv_out, {.header = false}));
    children.emplace_back(std::move(inner));
    logmetrics::fanout_sink outer(std::move(children));
    outer.write(make_sample("loss", 0.5, 1, 2));
    outer.flush();
    CHECK(csv_out.str() == "2026-11-22T01:02:03.456Z,loss,0.5,1,2\n");
    CHECK(jsonl_out.str() == R"({"line":2,"name":"loss","value":0.5,"step":1,"timestamp":"2026-11-22T01:02:03.456Z"})"
                             "\n");

    logmetrics::fanout_sink empty;
    CHECK(empty.empty());
    empty.write(make_sample("loss", 1));
    empty.flush();
}

TEST_CASE("null_sink counts samples and flushes", "[sink][null]") {
    logmetrics::null_sink sink;
    sink.write(make_sample("a", 1));
    const sample batch[] = {make_sample("a", 1), make_sample("b", 2), make_sample("c", 3)};
    sink.write(std::span<const sample>(batch));
    sink.flush();
    CHECK(sink.count() == 4);
    CHECK(sink.flushes() == 1);
    sink.reset();
    CHECK(sink.count() == 0);
}

// ---------------------------------------------------------------------------------------------
// A real monitor
// ---------------------------------------------------------------------------------------------

TEST_CASE("a monitor writes to memory_store, csv and jsonl at once", "[sink][monitor]") {
    auto defs = logmetrics::parse_definitions(R"J([{"Name":"loss","Regex":"loss=(\\S+)"}])J");
    logmetrics::memory_store store;
    std::ostringstream csv_out, jsonl_out;
    logmetrics::csv_sink csv(csv_out);
    logmetrics::jsonl_sink jsonl(jsonl_out);

    logmetrics::monitor_options options;
    options.stream = "train.log";
    options.clock = [] { return fixed_time(); };
    auto m = logmetrics::make_monitor(defs, logmetrics::pcre2_engine{}, options, store, csv, jsonl);
    m.feed("epoch 1\nloss=0.5\nlos");
    m.feed("s=0.25\nloss=nan\n");
    m.finish();

    CHECK(m.stats().samples == 3);
    CHECK(m.stats().sink_errors == 0);
    CHECK(store.count("loss") == 3);
    CHECK(store.last_point("loss")->line == 4);
    CHECK(store.mean("loss") == 0.375);
    CHECK(store.streams() == std::vector<std::string>{"train.log"});
    CHECK(csv_out.str() ==
          "timestamp,metric_name,value,step,line\n"
          "2026-11-22T01:02:03.456Z,loss,0.5,0,2\n"
          "2026-11-22T01:02:03.456Z,loss,0.25,1,3\n"
          "2026-11-22T01:02:03.456Z,loss,nan,2,4\n");
    CHECK(
        jsonl_out.str() ==
        R"({"line":2,"name":"loss","value":0.5,"step":0,"timestamp":"2026-11-22T01:02:03.456Z","stream":"train.log"})"
        "\n"
        R"({"line":3,"name":"loss","value":0.25,"step":1,"timestamp":"2026-11-22T01:02:03.456Z","stream":"train.log"})"
        "\n"
        R"({"line":4,"name":"loss","value":"nan","step":2,"timestamp":"2026-11-22T01:02:03.456Z","stream":"train.log"})"
        "\n");
    CHECK(store.final_metrics_json() == R"([{"MetricName":"loss","Value":"nan","Timestamp":1795309323.456}])");
}

TEST_CASE("the example from the brief: a monitor into a memory_store", "[sink][monitor]") {
    auto defs = logmetrics::parse_definitions(R"J([{"Name":"loss","Regex":"loss=(\\S+)"}])J");
    logmetrics::memory_store store;
    auto m = logmetrics::make_monitor(defs, logmetrics::pcre2_engine{}, store);
    m.feed("loss=0.5\nloss=0.25\n");
    m.finish();
    CHECK(store.last("loss") == 0.25);
    CHECK(store.count("loss") == 2);
}

TEST_CASE("a monitor counts a failing sink and feeds the others", "[sink][monitor][fanout]") {
    auto defs = logmetrics::parse_definitions(R"J([{"Name":"loss","Regex":"loss=(\\S+)"}])J");
    std::ostringstream broken_out;
    logmetrics::csv_sink broken(broken_out);
    broken_out.setstate(std::ios::badbit);
    logmetrics::memory_store store;
    std::vector<std::string> errors;

    logmetrics::monitor_options options;
    options.on_sink_error = [&errors](const logmetrics::sink_error& e) {
        errors.push_back(std::to_string(e.sink) + ": " + std::string(e.message));
    };
    auto m = logmetrics::make_monitor(defs, logmetrics::pcre2_engine{}, options, broken, store);
    m.feed("loss=0.5\n");
    m.finish();
    CHECK(store.count("loss") == 1);
    CHECK(m.stats().sink_errors == 2);  // the write and the flush
    REQUIRE(errors.size() == 2);
    CHECK(errors[0] == "0: [logmetrics.io_error] cannot write to the CSV stream");
}
