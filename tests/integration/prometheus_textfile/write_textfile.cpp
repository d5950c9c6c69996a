// SPDX-License-Identifier: MIT
// Writes node_exporter textfiles through prometheus_textfile_sink that exercise the format's
// edges (tests/integration/prometheus_textfile/run.sh checks them with promtool and a real
// node_exporter): names the rule rewrites, NaN and infinities, an integer beyond 2^53, label
// values that need escaping (quote, backslash, line feed) or are not UTF-8, constant labels.
// The first file replaces colons (promtool finds nothing to lint); the second keeps them. The
// third file is the same series as OpenMetrics with timestamps (formats/prometheus.hpp), for
// promtool's OpenMetrics reader (`promtool tsdb create-blocks-from openmetrics`).
// Usage: prometheus_write_textfile CLEAN_FILE.prom COLONS_FILE.prom OPENMETRICS_FILE

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/formats/prometheus.hpp>
#include <logmetrics/sinks/prometheus_textfile.hpp>

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fputs("usage: prometheus_write_textfile CLEAN_FILE.prom COLONS_FILE.prom OPENMETRICS_FILE\n", stderr);
        return 2;
    }
    const std::vector<std::string> metrics = {"train:loss", "val loss", "eval/accuracy", "1cycle_lr", "tokens_seen"};
    const std::vector<std::string_view> streams = {"algo-1", "we\"ird\\path\nx", "caf\xE9"};
    const logmetrics::timestamp now = std::chrono::system_clock::now();
    std::vector<logmetrics::sample> batch;
    auto add = [&](std::size_t metric, std::string_view stream, double value) {
        logmetrics::sample s;
        s.metric = metric;
        s.definition = metric;
        s.name = metrics[metric];
        s.stream = stream;
        s.value = value;
        s.time = now;
        batch.push_back(s);
    };
    for (int step = 0; step < 10; ++step) add(0, streams[0], 2.0 / (step + 1));  // the last is 0.2
    add(0, streams[1], NAN);
    add(0, streams[2], 0.1);
    add(1, streams[0], HUGE_VAL);
    add(1, streams[1], -HUGE_VAL);
    add(2, streams[0], 1e-300);
    add(3, streams[0], 3e-05);
    logmetrics::sample tokens;
    tokens.metric = 4;
    tokens.name = metrics[4];
    tokens.stream = streams[0];
    tokens.type = logmetrics::value_type::integer;
    tokens.integer = 9007199254740993;
    tokens.value = 9007199254740992.0;
    tokens.time = now;
    batch.push_back(tokens);

    for (const bool keep_colons : {false, true}) {
        logmetrics::prometheus_options options;
        options.naming.keep_colons = keep_colons;
        options.naming.prefix = keep_colons ? "colons_" : "";
        options.labels = {{"job", "integration"}, {"host", "h \"1\""}};
        logmetrics::prometheus_textfile_sink sink(std::filesystem::path(argv[keep_colons ? 2 : 1]), metrics, options);
        sink.write(batch);
        sink.close();
        std::printf("%s: %zu series, %llu rewrite(s)\n", argv[keep_colons ? 2 : 1], sink.format().series_count(),
                    static_cast<unsigned long long>(sink.rewrites()));
    }

    logmetrics::prometheus_options options;
    options.labels = {{"job", "integration"}};
    options.help = "help with \"quotes\", a \\ and a\nline feed";  // escaped as OpenMetrics says
    logmetrics::prometheus_format format(metrics, options);
    format.observe(batch);
    fmt::memory_buffer text;
    format.append(text, {logmetrics::exposition_format::openmetrics, true});
    std::FILE* out = std::fopen(argv[3], "wb");
    if (out == nullptr || std::fwrite(text.data(), 1, text.size(), out) != text.size() || std::fclose(out) != 0) {
        std::perror(argv[3]);
        return 1;
    }
    std::printf("%s: %zu series (OpenMetrics)\n", argv[3], format.series_count());
    return 0;
}
