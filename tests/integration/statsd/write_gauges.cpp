// SPDX-License-Identifier: MIT
// Sends StatsD gauges that exercise the format's edges to a StatsD server (tests/integration/
// statsd/run.sh reads them back from Etsy statsd 0.9.0's management port): names with the
// characters StatsD reserves, a gauge set positive then negative (the 0|g pair), an exact large
// integer, a tiny and a huge value, NaN and infinities (dropped), and 300 samples of one metric
// packed into several datagrams (the last value wins). Prints the sink's datagram count and drops.
// Usage: statsd_write_gauges udp://HOST:PORT vanilla|dogstatsd

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/sinks/statsd.hpp>

int main(int argc, char** argv) {
    if (argc != 3 || (std::string_view(argv[2]) != "vanilla" && std::string_view(argv[2]) != "dogstatsd")) {
        std::fputs("usage: statsd_write_gauges udp://HOST:PORT vanilla|dogstatsd\n", stderr);
        return 2;
    }
    const std::vector<std::string> metrics = {"train:loss", "val loss", "lr", "tokens", "bad|value", "step"};
    logmetrics::statsd_options options;
    if (std::string_view(argv[2]) == "dogstatsd") {
        options.dialect = logmetrics::statsd_dialect::dogstatsd;
        options.prefix = "dog.";
        options.tags = {{"job", "j1"}};
    }
    logmetrics::statsd_sink sink(argv[1], metrics, options);
    std::vector<logmetrics::sample> batch;
    auto add = [&](std::size_t metric, double value) {
        logmetrics::sample s;
        s.metric = metric;
        s.name = metrics[metric];
        s.value = value;
        s.stream = "algo-1";
        batch.push_back(s);
        return &batch.back();
    };
    add(0, 0.25);
    add(0, 0.125);
    add(1, 5);
    add(2, 1e-5);
    add(4, std::numeric_limits<double>::quiet_NaN());
    add(4, std::numeric_limits<double>::infinity());
    add(4, -std::numeric_limits<double>::infinity());
    auto* tokens = add(3, 0);
    tokens->type = logmetrics::value_type::integer;
    tokens->integer = 123456789012;
    tokens->value = 123456789012.0;
    for (int i = 0; i < 300; ++i) add(5, i * 0.5);
    sink.write(std::span<const logmetrics::sample>(batch));
    batch.clear();
    add(1, -3.5);  // after 5: a lone -3.5 would make it 1.5
    add(2, 2.5e20);
    sink.write(std::span<const logmetrics::sample>(batch));
    sink.close();
    fmt::print("datagrams {}\n", sink.datagrams());
    for (const auto& drop : sink.drops()) fmt::print("drop {}: {}\n", drop.reason, drop.count);
    return 0;
}
