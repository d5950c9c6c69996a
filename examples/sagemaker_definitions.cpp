// SPDX-License-Identifier: MIT
// SageMaker metric definitions from JSON, unchanged, over a training log read in chunks: the
// same samples SageMaker would stream to CloudWatch, plus the FinalMetricDataList it would
// report. Run from examples/ (ctest does): reads data/metrics.json and data/train.log.

#include <cstdio>
#include <iostream>

#include "logmetrics/definitions_json.hpp"  // load_definitions: the one header that needs nlohmann/json
#include "logmetrics/logmetrics.hpp"

int main(int argc, char** argv) {
    const char* definitions_path = argc > 1 ? argv[1] : "data/metrics.json";
    const char* log_path = argc > 2 ? argv[2] : "data/train.log";
    try {
        auto definitions = logmetrics::load_definitions(definitions_path);
        logmetrics::memory_store store;
        logmetrics::monitor_options options;  // sagemaker framing: TAB reads as #011, as on CloudWatch
        options.stream = log_path;
        auto monitor = logmetrics::make_monitor(definitions, logmetrics::pcre2_engine{}, options, store);

        std::FILE* log = std::fopen(log_path, "rb");
        if (!log) {
            std::perror(log_path);
            return 1;
        }
        char chunk[4096];  // chunks split lines anywhere; the monitor reassembles them
        while (std::size_t n = std::fread(chunk, 1, sizeof chunk, log)) monitor.feed({chunk, n});
        std::fclose(log);
        monitor.finish();

        std::printf("%llu lines, %llu samples\n", static_cast<unsigned long long>(monitor.stats().lines),
                    static_cast<unsigned long long>(monitor.stats().samples));
        // [{"MetricName", "Value", "Timestamp"}]
        std::cout << logmetrics::final_metric_data_list_json(store.final_metrics().metrics) << '\n';
        return monitor.stats().samples > 0 ? 0 : 1;
    } catch (const logmetrics::error& e) {  // bad definitions name the definition and the problem
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
    }
}
