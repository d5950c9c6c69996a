// SPDX-License-Identifier: MIT
// InfluxDB line protocol (formats/influx.hpp): the exact lines (shape, escaping per the line
// protocol reference, sorted tags, precision, lines shared by samples of one time), the options
// refused, and the drops by reason.

#include <chrono>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/error.hpp>
#include <logmetrics/formats/influx.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

using logmetrics::influx_format;
using logmetrics::influx_options;
using logmetrics::influx_precision;
using logmetrics::sample;
using test_support::fixed_time;
using test_support::make_sample;

namespace {

using namespace std::chrono_literals;

// fixed_time() in each unit.
constexpr std::string_view t_ns = "1795309323456000000";

std::string format(influx_format& f, const std::vector<sample>& batch) {
    fmt::memory_buffer out;
    f.append(out, batch);
    return fmt::to_string(out);
}

sample at(std::string_view name, double value, std::chrono::nanoseconds offset, std::string_view stream = "algo-1") {
    sample s = make_sample(name, value, 0, 1, stream);
    s.time += std::chrono::duration_cast<logmetrics::timestamp::duration>(offset);
    return s;
}

}  // namespace

TEST_CASE("influx: one measurement, a field per metric, samples of one stream and time share a line",
          "[format][influx]") {
    influx_format f;
    sample tokens = at("tokens", 0, 0ns);
    tokens.type = logmetrics::value_type::integer;
    tokens.integer = 9007199254740993;
    const std::string text =
        format(f, {at("train:loss", 0.25, 0ns), at("val loss", -0.0, 0ns), tokens, at("train:loss", 1e20, 0ns),
                   at("lr", 1e-5, 1ns), at("lr", 2, 1ns, "algo-2"), at("lr", 3, 1ns, "")});
    CHECK(text == fmt::format("logmetrics,stream=algo-1 train:loss=0.25,val\\ loss=0,tokens=9007199254740993 {}\n"
                              "logmetrics,stream=algo-1 train:loss=1e+20,lr=1e-05 1795309323456000001\n"
                              "logmetrics,stream=algo-2 lr=2 1795309323456000001\n"
                              "logmetrics lr=3 1795309323456000001\n",
                              t_ns));
}

TEST_CASE("influx: timestamps are unique per series (stream label and metric)", "[format][influx]") {
    influx_options ms;
    ms.precision = influx_precision::ms;
    influx_format f(ms);
    // A log read in one ms: each metric's samples one ms apart, the first ones at the time read.
    CHECK(format(f, {at("a", 1, 0ns), at("b", 2, 0ns), at("a", 3, 0ns), at("b", 4, 0ns), at("a", 5, 0ns),
                     at("a", 6, 0ns, "algo-2")}) ==
          "logmetrics,stream=algo-1 a=1,b=2 1795309323456\n"
          "logmetrics,stream=algo-1 a=3,b=4 1795309323457\n"
          "logmetrics,stream=algo-1 a=5 1795309323458\n"
          "logmetrics,stream=algo-2 a=6 1795309323456\n");
    // The next batch goes on from there; a later time is kept as it is.
    CHECK(format(f, {at("a", 7, 1ms), at("a", 8, 9ms)}) ==
          "logmetrics,stream=algo-1 a=7 1795309323459\nlogmetrics,stream=algo-1 a=8 1795309323465\n");
}

TEST_CASE("influx: escaping of measurement, tag keys and values, field keys, tags sorted by key", "[format][influx]") {
    influx_options options;
    options.measurement = "my run,1 =x";
    options.stream_tag = "host";
    options.tags = {{"zone", "eu west"}, {"job=1", "a,b=c"}, {"B", "upper"}};
    influx_format f(options);
    CHECK(format(f, {at("a,b=c d\"e", 1, 0ns, "pod 0,x=y")}) ==
          fmt::format("my\\ run\\,1\\ =x,B=upper,host=pod\\ 0\\,x\\=y,job\\=1=a\\,b\\=c,zone=eu\\ west "
                      "a\\,b\\=c\\ d\"e=1 {}\n",
                      t_ns));
    CHECK(format(f, {at("x", 1, 0ns, "")}) ==
          fmt::format("my\\ run\\,1\\ =x,B=upper,job\\=1=a\\,b\\=c,zone=eu\\ west x=1 {}\n", t_ns));
    influx_options none;
    none.stream_tag = "";
    influx_format g(none);
    CHECK(format(g, {at("x", 1, 0ns)}) == fmt::format("logmetrics x=1 {}\n", t_ns));
}

TEST_CASE("influx: timestamps in the precision's units, truncated", "[format][influx]") {
    const std::vector<std::pair<influx_precision, std::string>> cases = {{influx_precision::ns, "1795309323456789123"},
                                                                         {influx_precision::us, "1795309323456789"},
                                                                         {influx_precision::ms, "1795309323456"},
                                                                         {influx_precision::s, "1795309323"}};
    for (const auto& [precision, expected] : cases) {
        influx_options options;
        options.precision = precision;
        influx_format f(options);
        CHECK(format(f, {at("x", 1, 789123ns, "")}) == fmt::format("logmetrics x=1 {}\n", expected));
    }
    CHECK(logmetrics::influx_precision_parameter(influx_precision::ns).empty());
    CHECK(logmetrics::influx_precision_parameter(influx_precision::us) == "u");
    CHECK(logmetrics::influx_precision_parameter(influx_precision::ms) == "ms");
    // With ms precision, samples within one ms share a line (one metric twice: the next ms).
    influx_options ms;
    ms.precision = influx_precision::ms;
    influx_format f(ms);
    CHECK(format(f, {at("a", 1, 1us, ""), at("b", 2, 2us, ""), at("a", 3, 3us, "")}) ==
          "logmetrics a=1,b=2 1795309323456\nlogmetrics a=3 1795309323457\n");
}

TEST_CASE("influx drops non-finite values, invalid names and stream labels, by reason", "[format][influx]") {
    influx_format f;
    fmt::memory_buffer out;
    const std::vector<sample> batch = {at("a", test_support::nan_value, 0ns),
                                       at("a", test_support::inf_value, 0ns),
                                       at("a", -test_support::inf_value, 0ns),
                                       at("", 1, 0ns),
                                       at("time", 1, 0ns),
                                       at("a\nb", 1, 0ns),
                                       at("a\\", 1, 0ns),
                                       at("a", 1, 0ns, "pod\n0"),
                                       at("a", 1, 0ns, "pod\\"),
                                       at("a\\b", 2, 0ns)};
    CHECK(f.append(out, batch) == 1);
    CHECK(fmt::to_string(out) == fmt::format("logmetrics,stream=algo-1 a\\b=2 {}\n", t_ns));
    const auto drops = f.drops();
    REQUIRE(drops.size() == 3);
    CHECK(drops[0].reason == "non-finite value");
    CHECK(drops[0].count == 3);
    CHECK(drops[1].reason == "invalid metric name");
    CHECK(drops[1].count == 4);
    CHECK(drops[2].reason == "invalid stream label");
    CHECK(drops[2].count == 2);
}

TEST_CASE("influx options are checked", "[format][influx]") {
    const auto refused = [](influx_options options, std::string_view why) {
        try {
            influx_format f(std::move(options));
            FAIL("accepted");
        } catch (const logmetrics::error& e) {
            CHECK_THAT(e.message(), Catch::Contains(std::string(why)));
        }
    };
    influx_options o;
    o.measurement = "";
    refused(o, "measurement");
    o.measurement = "#comment";
    refused(o, "measurement");
    o = {};
    o.tags = {{"job", ""}};
    refused(o, "empty value");
    o.tags = {{"stream", "x"}};
    refused(o, "twice");
    o.tags = {{"time", "x"}};
    refused(o, "not time");
    o.tags = {{"job", "a\nb"}};
    refused(o, "newline");
}

TEST_CASE("influx format does not grow its buffers once they hold a batch", "[format][influx]") {
    influx_format f;
    fmt::memory_buffer out;
    std::vector<sample> batch;
    for (int i = 0; i < 200; ++i) batch.push_back(at(i % 2 ? "a" : "b", i, std::chrono::nanoseconds(i / 2)));
    f.append(out, batch);
    const std::string first = fmt::to_string(out);
    const std::size_t capacity = out.capacity();
    for (int i = 0; i < 3; ++i) {
        out.clear();
        f.append(out, batch);
    }
    CHECK(out.capacity() == capacity);
    CHECK(test_support::split_lines(first).size() == 100);
}
