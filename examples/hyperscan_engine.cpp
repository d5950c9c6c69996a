// SPDX-License-Identifier: MIT
// The Hyperscan engine: one compiled matcher shared by two streams on two threads, each monitor
// with its own scratch; and the per-definition plan (Hyperscan exact, prefilter, or PCRE2 only).
// Built only with logmetrics::hyperscan.

#include <cstdio>
#include <string>
#include <thread>

#include "logmetrics/logmetrics.hpp"
#include "logmetrics/matchers/hyperscan.hpp"

int main() {
    logmetrics::definition_set definitions({
        {"loss", "loss=(\\S+)"},
        {"tagged", "<(\\w+)>(\\d+)</\\1>"},  // a back-reference: Hyperscan prefilters, PCRE2 confirms
        {"lookbehind", "(?<=lr=)(\\S+)"},
    });
    auto matcher = logmetrics::compile(definitions, logmetrics::hyperscan_engine{});
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        std::printf("%-10s %-20s %s\n", definitions[i].name.c_str(), std::string(to_string(matcher->plan(i))).c_str(),
                    matcher->plan_reason(i).c_str());
    }

    logmetrics::memory_store store;  // thread-safe: both monitors write to it
    auto run = [&](std::string stream) {
        logmetrics::monitor_options options;
        options.stream = stream;
        auto monitor = logmetrics::make_monitor(matcher, options, store);
        for (int step = 0; step < 1000; ++step) {
            monitor.feed_line("step " + std::to_string(step) + " loss=" + std::to_string(1.0 / (step + 1)) +
                              " lr=0.001");
        }
        monitor.finish();
    };
    std::thread a(run, "worker-0"), b(run, "worker-1");
    a.join();
    b.join();
    std::printf("loss: %zu samples from 2 streams, last %.6f\n", store.count("loss"), *store.last("loss"));
    return store.count("loss") == 2000 ? 0 : 1;
}
