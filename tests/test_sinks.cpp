// SPDX-License-Identifier: MIT
// Tests for the sinks (callback, csv, jsonl, fanout, null) and a real monitor writing to several
// sinks at once. The text they write: test_text.cpp, test_formats.cpp; memory_store:
// test_memory_store.cpp.

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

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/definitions_json.hpp>
#include <logmetrics/matchers/pcre2.hpp>
#include <logmetrics/monitor.hpp>
#include <logmetrics/sinks.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::sample;
using logmetrics::timestamp;
using logmetrics::value_type;

using test_support::fixed_time;
using test_support::inf_value;
using test_support::make_integer_sample;
using test_support::make_sample;
using test_support::nan_value;
using test_support::split_lines;

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
// concepts
// ---------------------------------------------------------------------------------------------

TEST_CASE("every sink models metric_sink, batch sinks model batch_metric_sink", "[sink][concept]") {
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
    CHECK(out.str() == "timestamp,metric_name,value,step,line,stream\n");  // header at construction

    sink.write(make_sample("train:loss", 0.25, 3, 12, "train.log"));
    const sample batch[] = {make_sample("validation:error", 0.1, 0, 13, {}, fixed_time(1001ms)),
                            make_integer_sample("tokens", 9007199254740993, 7, 14)};
    sink.write(std::span<const sample>(batch));
    sink.flush();
    CHECK(sink.rows() == 3);
    CHECK(out.str() ==
          "timestamp,metric_name,value,step,line,stream\n"
          "2026-11-22T01:02:03.456Z,train:loss,0.25,3,12,train.log\n"
          "2026-11-22T01:02:04.457Z,validation:error,0.1,0,13,\n"
          "2026-11-22T01:02:03.456Z,tokens,9007199254740993,7,14,\n");
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
          "2026-11-22T01:02:03.456Z,\"a,b\",1,0,1,\n"
          "2026-11-22T01:02:03.456Z,\"say \"\"hi\"\"\",nan,0,1,\n"
          "2026-11-22T01:02:03.456Z,\"two\nlines\",inf,0,1,\n"
          "2026-11-22T01:02:03.456Z,\"cr\rhere\",-inf,0,1,\n"
          "2026-11-22T01:02:03.456Z,\"\"\"\",-0.5,0,1,\n"
          "2026-11-22T01:02:03.456Z,ctl\x01;semi,1e+20,0,1,\n"
          "2026-11-22T01:02:03.456Z,,2,0,1,\n");
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
    CHECK(text.str() == "timestamp,metric_name,value,step,line,stream\n2026-11-22T01:02:03.456Z,loss,0.5,0,1,\n");
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
    CHECK(csv_out.str() == "2026-11-22T01:02:03.456Z,loss,0.5,1,2,\n");
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
          "timestamp,metric_name,value,step,line,stream\n"
          "2026-11-22T01:02:03.456Z,loss,0.5,0,2,train.log\n"
          "2026-11-22T01:02:03.456Z,loss,0.25,1,3,train.log\n"
          "2026-11-22T01:02:03.456Z,loss,nan,2,4,train.log\n");
    CHECK(
        jsonl_out.str() ==
        R"({"line":2,"name":"loss","value":0.5,"step":0,"timestamp":"2026-11-22T01:02:03.456Z","stream":"train.log"})"
        "\n"
        R"({"line":3,"name":"loss","value":0.25,"step":1,"timestamp":"2026-11-22T01:02:03.456Z","stream":"train.log"})"
        "\n"
        R"({"line":4,"name":"loss","value":"nan","step":2,"timestamp":"2026-11-22T01:02:03.456Z","stream":"train.log"})"
        "\n");
    // The final value is the last finite one (line 3), not the NaN of line 4.
    CHECK(logmetrics::final_metric_data_list_json(store.final_metrics().metrics) ==
          R"([{"MetricName":"loss","Value":0.25,"Timestamp":1795309323.456}])");
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
