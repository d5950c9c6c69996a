// SPDX-License-Identifier: MIT
// Writes InfluxDB line protocol through influx_sink to a real server (tests/integration/influx/
// run.sh reads it back from InfluxDB 1.6.7 and VictoriaMetrics 1.79): names and a stream label
// that need escaping, a constant tag, samples of one time sharing a line, an exact integer, a
// negative and a huge value, NaN and infinities (dropped), 2000 samples of one metric in 4
// requests, all with timestamps an hour and more in the past (history, not "now").
// Prints the sink's stats and drops.
// Usage: influx_write_points URL PRECISION(ns|us|ms|s) BASE_MS
//   e.g. influx_write_points 'http://127.0.0.1:8086/write?db=lm' ms 1795309323456

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/http/influx.hpp>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: influx_write_points URL ns|us|ms|s BASE_MS\n", stderr);
        return 2;
    }
    logmetrics::influx_sink_options options;
    const std::string_view precision = argv[2];
    using p = logmetrics::influx_precision;
    options.format.precision = precision == "s" ? p::s : precision == "ms" ? p::ms : precision == "us" ? p::us : p::ns;
    options.format.tags = {{"job", "it 1"}};
    options.max_samples_per_request = 500;
    logmetrics::influx_sink sink(argv[1], options);
    const logmetrics::timestamp base{std::chrono::milliseconds(std::atoll(argv[3]))};
    std::vector<logmetrics::sample> batch;
    auto add = [&](std::string_view name, double value, std::chrono::milliseconds offset,
                   std::string_view stream = "algo-1") -> logmetrics::sample& {
        logmetrics::sample s;
        s.name = name;
        s.value = value;
        s.stream = stream;
        s.time = base + offset;
        batch.push_back(s);
        return batch.back();
    };
    using std::chrono::milliseconds;
    add("train:loss", 0.25, milliseconds(0));
    add("val loss", -1.5, milliseconds(0));  // shares the line above
    add("a,b=c", 1e20, milliseconds(1000), "pod 0,x=y");
    auto& tokens = add("tokens", 0, milliseconds(2000));
    tokens.type = logmetrics::value_type::integer;
    tokens.integer = 123456789012;
    tokens.value = 123456789012.0;
    add("train:loss", std::numeric_limits<double>::quiet_NaN(), milliseconds(3000));
    add("train:loss", std::numeric_limits<double>::infinity(), milliseconds(3000));
    add("train:loss", 0.125, milliseconds(4000));
    for (int i = 0; i < 2000; ++i) add("step", i, milliseconds(10000 + i * 1000));
    sink.write(std::span<const logmetrics::sample>(batch));
    sink.close();
    const auto& stats = sink.stats();
    fmt::print("requests {} samples {} failed {} last_error {:?}\n", stats.requests_sent, stats.samples_sent,
               stats.failed_attempts, stats.last_error);
    for (const auto& drop : sink.drops()) fmt::print("drop {}: {}\n", drop.reason, drop.count);
    return 0;
}
