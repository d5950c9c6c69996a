// SPDX-License-Identifier: MIT
// Writes CloudWatch EMF events that exercise the format's edges (tests/integration/emf/run.sh
// checks them with validate.js): a metric with 101 values and 101 metrics at one time (split at
// the spec's limits), dimensions, a unit and high resolution, dropped NaN/Inf and old values, and,
// to a second file, events split at a 1000-byte size cap. Timestamps are now, as CloudWatch (and
// the reference client's validator) takes them only within 14 days before and 2 h after.
// Usage: emf_write_events EVENTS_FILE CAPPED_EVENTS_FILE

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/sinks/emf.hpp>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fputs("usage: emf_write_events EVENTS_FILE CAPPED_EVENTS_FILE\n", stderr);
        return 2;
    }
    using namespace std::chrono_literals;
    const logmetrics::timestamp now = std::chrono::system_clock::now();
    std::vector<std::string> names;
    for (int i = 0; i < 101; ++i) names.push_back(fmt::format("layer_{:03}:grad_norm", i));
    std::vector<logmetrics::sample> batch;
    auto add = [&batch](std::string_view name, double value, logmetrics::timestamp time) {
        logmetrics::sample s;
        s.name = name;
        s.value = value;
        s.time = time;
        s.stream = "algo-1";
        batch.push_back(s);
    };
    for (int i = 0; i < 101; ++i) add("train:loss", 1.0 / (i + 1), now - 1s);   // 101 values
    for (const std::string& name : names) add(name, std::sqrt(2.0), now - 2s);  // 101 metrics
    for (int i = 0; i < 50; ++i) add("val loss", 0.5 + i, now - 3s + 1ms * i);  // 50 events
    add("train:loss", std::nan(""), now);                                       // dropped
    add("train:loss", -HUGE_VAL, now);                                          // dropped
    add("train:loss", 1, now - 24h * 15);                                       // dropped
    logmetrics::sample tokens;
    tokens.name = "tokens";
    tokens.type = logmetrics::value_type::integer;
    tokens.integer = 9007199254740991;
    tokens.value = 9007199254740991.0;
    tokens.time = now;
    tokens.stream = "algo-1";
    batch.push_back(tokens);

    logmetrics::emf_options options;
    options.metric_namespace = "logmetrics/integration";
    options.dimensions = {{"job", "emf-check"}, {"host", "127.0.0.1"}};
    options.unit = "Count";
    options.storage_resolution = 1;
    {
        logmetrics::emf_sink sink(std::filesystem::path(argv[1]), options);
        sink.write(batch);
        sink.close();
        std::printf("%s: %llu events; dropped:", argv[1], static_cast<unsigned long long>(sink.events()));
        for (const auto& d : sink.drops())
            std::printf(" %s %llu;", std::string(d.reason).c_str(), static_cast<unsigned long long>(d.count));
        std::printf("\n");
    }
    options.max_event_bytes = 1000;
    logmetrics::emf_sink capped(std::filesystem::path(argv[2]), options);
    capped.write(batch);
    capped.close();
    std::printf("%s: %llu events\n", argv[2], static_cast<unsigned long long>(capped.events()));
    return 0;
}
