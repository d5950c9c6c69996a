// SPDX-License-Identifier: MIT
// remote_write_history URL1 URL2 JOB JSONL: what integration_remote_write (run.sh) sends through
// the library rather than the CLI: the samples of an old log (two days back, one a minute),
// among them a NaN and values that need all 17 significant digits (all within a few orders of
// magnitude: VictoriaMetrics stores a block's values with one decimal exponent, so a 1e8 next to
// a 1e-5 loses the small one's digits there), to two remote-write receivers
// (labels job=JOB, stream=old.log), and the same samples as JSON Lines for verify.py.
// Exits 1 unless every sample was delivered to both (none dropped).

#include <chrono>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include <logmetrics/http/remote_write.hpp>
#include <logmetrics/sinks/jsonl.hpp>

int main(int argc, char** argv) {
    if (argc != 5) {
        std::fprintf(stderr, "usage: remote_write_history URL1 URL2 JOB JSONL\n");
        return 2;
    }
    using namespace std::chrono;
    const std::vector<std::string> metrics = {"history:loss"};
    logmetrics::remote_write_options options;
    options.format.labels = {{"job", argv[3]}};
    options.max_samples_per_request = 4;
    logmetrics::remote_write_sink first(argv[1], metrics, options);
    logmetrics::remote_write_sink second(argv[2], metrics, options);
    logmetrics::jsonl_sink jsonl{std::string(argv[4])};

    const auto start = time_point_cast<milliseconds>(system_clock::now() - hours(48));
    const double values[] = {2.5,
                             1.25,
                             0.1,
                             4.666666666666667e-05,
                             std::numeric_limits<double>::quiet_NaN(),
                             -0.0078125,
                             0.30000000000000004,
                             0};
    std::vector<logmetrics::sample> samples;
    for (std::size_t i = 0; i < std::size(values); ++i) {
        logmetrics::sample s;
        s.metric = 0;
        s.name = metrics[0];
        s.value = values[i];
        s.step = i;
        s.line = i + 1;
        s.stream = "old.log";
        s.time = start + minutes(i);
        samples.push_back(s);
    }
    first.write(samples);
    second.write(samples);
    jsonl.write(samples);
    first.close();
    second.close();
    jsonl.flush();
    int status = 0;
    for (const auto* sink : {&first, &second}) {
        for (const auto& d : sink->drops()) {
            if (d.count != 0) {
                std::fprintf(stderr, "%s: %llu samples dropped: %.*s (%s)\n", sink->url().c_str(),
                             static_cast<unsigned long long>(d.count), static_cast<int>(d.reason.size()),
                             d.reason.data(), sink->stats().last_error.c_str());
                status = 1;
            }
        }
        if (sink->stats().samples_sent != samples.size()) status = 1;
    }
    return status;
}
