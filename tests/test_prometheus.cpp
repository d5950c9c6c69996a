// SPDX-License-Identifier: MIT
// Prometheus: the naming rule and its collisions (formats/prometheus_names.hpp), the exposition
// byte for byte (formats/prometheus.hpp), and node_exporter's textfile (sinks/prometheus_textfile.hpp):
// atomic rewrites, the interval, the end write and the failures.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/error.hpp>
#include <logmetrics/formats/prometheus.hpp>
#include <logmetrics/sinks/prometheus_textfile.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::exposition_format;
using logmetrics::prometheus_format;
using logmetrics::prometheus_metric_name;
using logmetrics::prometheus_naming;
using logmetrics::prometheus_options;
using logmetrics::sample;
using test_support::fixed_time;
using test_support::inf_value;
using test_support::nan_value;

/// A sample of metric `metric` of `metrics` (its name and index), as a monitor makes it.
sample metric_sample(const std::vector<std::string>& metrics, std::size_t metric, double value,
                     std::string_view stream = "train.log", logmetrics::timestamp time = fixed_time()) {
    sample s = test_support::make_sample(metrics[metric], value, 0, 1, stream, time);
    s.metric = metric;
    s.definition = metric;
    return s;
}

std::string exposition(const prometheus_format& format, logmetrics::exposition_options how = {}) {
    fmt::memory_buffer out;
    format.append(out, how);
    return fmt::to_string(out);
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A fresh temporary directory, removed at the end of the test.
struct temporary_directory {
    std::filesystem::path path;
    temporary_directory() {
        path = std::filesystem::temp_directory_path() /
               fmt::format("logmetrics-prom-{}-{}", ::getpid(),
                           std::chrono::steady_clock::now().time_since_epoch().count());
        std::filesystem::create_directories(path);
    }
    ~temporary_directory() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    std::vector<std::string> files() const {
        std::vector<std::string> names;
        for (const auto& entry : std::filesystem::directory_iterator(path)) names.push_back(entry.path().filename());
        return names;
    }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

TEST_CASE("prometheus_metric_name: the documented rule", "[format][prometheus]") {
    CHECK(prometheus_metric_name("validation:error") == "validation:error");
    CHECK(prometheus_metric_name("val loss") == "val_loss");
    CHECK(prometheus_metric_name("eval/accuracy") == "eval_accuracy");
    CHECK(prometheus_metric_name("top-1 acc.") == "top_1_acc_");
    CHECK(prometheus_metric_name("1cycle_lr") == "_1cycle_lr");
    CHECK(prometheus_metric_name("") == "_");
    CHECK(prometheus_metric_name("loss_\xC3\xA9t\xC3\xA9") == "loss__t_");  // one _ per UTF-8 character
    CHECK(prometheus_metric_name("a\xFF\xFE"
                                 "b") == "a__b");     // one per ill-formed byte
    CHECK(prometheus_metric_name("a  b") == "a__b");  // runs are not merged
    prometheus_naming no_colons;
    no_colons.keep_colons = false;
    CHECK(prometheus_metric_name("validation:error", no_colons) == "validation_error");
    prometheus_naming prefixed;
    prefixed.prefix = "sm.";
    CHECK(prometheus_metric_name("train:loss", prefixed) == "sm_train:loss");
    prefixed.prefix = "9";
    CHECK(prometheus_metric_name("x", prefixed) == "_9x");
    for (const std::string_view name : {"val loss", "1x", "", "\xFF", "a:b/c", "__x"}) {
        CHECK(logmetrics::is_prometheus_metric_name(prometheus_metric_name(name)));
        CHECK(logmetrics::is_prometheus_metric_name(prometheus_metric_name(name, no_colons)));
    }
    CHECK_FALSE(logmetrics::is_prometheus_metric_name("1x"));
    CHECK_FALSE(logmetrics::is_prometheus_metric_name("a-b"));
    CHECK(logmetrics::is_prometheus_label_name("job_2"));
    CHECK_FALSE(logmetrics::is_prometheus_label_name("a:b"));
    CHECK_FALSE(logmetrics::is_prometheus_label_name("2a"));
}

TEST_CASE("prometheus_metric_names refuses two metrics that get one name, naming both", "[format][prometheus]") {
    const std::vector<std::string> clash = {"train:loss", "val loss", "epoch", "val/loss"};
    try {
        logmetrics::prometheus_metric_names names(clash);
        FAIL("no error");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::invalid_argument);
        CHECK_THAT(e.message(), Catch::Contains("\"val loss\" and \"val/loss\"") && Catch::Contains("val_loss"));
    }
    // Colons kept: `a:b` and `a_b` are two names; replaced, they meet.
    const std::vector<std::string> colons = {"a:b", "a_b"};
    CHECK(logmetrics::prometheus_metric_names(colons).names() == std::vector<std::string>{"a:b", "a_b"});
    prometheus_naming no_colons;
    no_colons.keep_colons = false;
    CHECK_THROWS_WITH(logmetrics::prometheus_metric_names(colons, no_colons),
                      Catch::Contains("\"a:b\" and \"a_b\" would both be named a_b"));
    // Through the format, too.
    CHECK_THROWS_AS(prometheus_format(clash), logmetrics::error);
}

TEST_CASE("prometheus_format refuses labels Prometheus would refuse", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"loss"};
    const auto refused = [&metrics](prometheus_options options, std::string_view why) {
        CAPTURE(why);
        CHECK_THROWS_WITH(prometheus_format(metrics, std::move(options)), Catch::Contains(std::string(why)));
    };
    prometheus_options options;
    options.labels = {{"2job", "x"}};
    refused(options, "\"2job\" is not a valid label name");
    options.labels = {{"__name", "x"}};
    refused(options, "starts with '__'");
    options.labels = {{"job", "a"}, {"job", "b"}};
    refused(options, "label \"job\" given twice");
    options.labels = {{"stream", "a"}};
    refused(options, "(it is the stream label)");
    options.labels = {{"job", ""}};
    refused(options, "empty value");
    options.labels = {{"job", "a\xFF"}};
    refused(options, "not valid UTF-8");
    options.labels = {};
    options.stream_label = "str-eam";
    refused(options, "stream label name \"str-eam\"");
    // Accepted: UTF-8 and characters that are escaped.
    options.stream_label = "pod";
    options.labels = {{"job", "caf\xC3\xA9 \"7\"\\"}};
    CHECK_NOTHROW(prometheus_format(metrics, options));
}

// ---------------------------------------------------------------------------------------------
// The exposition
// ---------------------------------------------------------------------------------------------

TEST_CASE("prometheus_format writes each series' last value, grouped by family", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"train:loss", "val loss", "epoch"};
    prometheus_options options;
    options.labels = {{"job", "train-7"}, {"host", "gpu-1"}};
    prometheus_format format(metrics, options);
    CHECK(exposition(format).empty());
    // Interleaved across metrics and streams; the last of each series wins.
    format.observe(std::vector<sample>{
        metric_sample(metrics, 0, 0.5, "algo-1"),
        metric_sample(metrics, 1, 0.75, "algo-1"),
        metric_sample(metrics, 0, 0.25, "algo-2"),
        metric_sample(metrics, 0, 0.125, "algo-1"),
        metric_sample(metrics, 1, 0.5, "algo-2"),
        metric_sample(metrics, 0, 0.0625, "algo-2"),
    });
    CHECK(format.series_count() == 4);
    CHECK(format.observed() == 6);
    CHECK(exposition(format) ==
          "# HELP train:loss Last value of a metric logmetrics read from a training log\n"
          "# TYPE train:loss gauge\n"
          "train:loss{stream=\"algo-1\",job=\"train-7\",host=\"gpu-1\"} 0.125\n"
          "train:loss{stream=\"algo-2\",job=\"train-7\",host=\"gpu-1\"} 0.0625\n"
          "# HELP val_loss Last value of a metric logmetrics read from a training log\n"
          "# TYPE val_loss gauge\n"
          "val_loss{stream=\"algo-1\",job=\"train-7\",host=\"gpu-1\"} 0.75\n"
          "val_loss{stream=\"algo-2\",job=\"train-7\",host=\"gpu-1\"} 0.5\n");
    // A later batch updates the values in place; the families keep their order.
    format.observe(metric_sample(metrics, 2, 3, "algo-1"));
    format.observe(metric_sample(metrics, 1, 0.375, "algo-2"));
    const std::string text = exposition(format);
    CHECK(text.find("val_loss{stream=\"algo-2\",job=\"train-7\",host=\"gpu-1\"} 0.375\n") != std::string::npos);
    CHECK(text.ends_with("# TYPE epoch gauge\nepoch{stream=\"algo-1\",job=\"train-7\",host=\"gpu-1\"} 3\n"));
}

TEST_CASE("prometheus_format: values as Prometheus reads them", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"a", "b", "c", "d", "e", "f", "g", "h"};
    prometheus_options options;
    options.stream_label = "";
    prometheus_format format(metrics, options);
    std::vector<sample> batch = {
        metric_sample(metrics, 0, nan_value),  metric_sample(metrics, 1, inf_value),
        metric_sample(metrics, 2, -inf_value), metric_sample(metrics, 3, 0.1),
        metric_sample(metrics, 4, 1e20),       metric_sample(metrics, 5, -0.0),
        metric_sample(metrics, 6, 3e-05),      metric_sample(metrics, 7, 0),
    };
    batch[7].type = logmetrics::value_type::integer;  // beyond 2^53: the exact digits
    batch[7].integer = 9007199254740993;
    batch[7].value = 9007199254740992.0;
    format.observe(batch);
    std::vector<std::string> samples;
    std::istringstream in(exposition(format));
    for (std::string line; std::getline(in, line);) {
        if (!line.starts_with('#')) samples.push_back(line);
    }
    // No labels at all: no braces.
    CHECK(samples == std::vector<std::string>{"a NaN", "b +Inf", "c -Inf", "d 0.1", "e 1e+20", "f -0", "g 3e-05",
                                              "h 9007199254740993"});
}

TEST_CASE("prometheus_format escapes label values and HELP as each format says", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"a \"b\"\\c\nd", "val/loss"};
    prometheus_options options;
    options.help = "help \"q\" back\\slash\nline \xFF";
    prometheus_format format(metrics, options);
    format.observe(metric_sample(metrics, 0, 1, "x\\y\"z\nw\xFFv"));
    format.observe(metric_sample(metrics, 1, 2));
    // 0.0.4: HELP escapes \ and line feed only (its parser refuses \"); labels also ".
    CHECK(exposition(format) ==
          "# HELP a__b__c_d help \"q\" back\\\\slash\\nline \xEF\xBF\xBD\n"
          "# TYPE a__b__c_d gauge\n"
          "a__b__c_d{stream=\"x\\\\y\\\"z\\nw\xEF\xBF\xBDv\"} 1\n"
          "# HELP val_loss help \"q\" back\\\\slash\\nline \xEF\xBF\xBD\n"
          "# TYPE val_loss gauge\n"
          "val_loss{stream=\"train.log\"} 2\n");
    // OpenMetrics: HELP escapes " too; # EOF at the end.
    CHECK(exposition(format, {exposition_format::openmetrics, false}) ==
          "# HELP a__b__c_d help \\\"q\\\" back\\\\slash\\nline \xEF\xBF\xBD\n"
          "# TYPE a__b__c_d gauge\n"
          "a__b__c_d{stream=\"x\\\\y\\\"z\\nw\xEF\xBF\xBDv\"} 1\n"
          "# HELP val_loss help \\\"q\\\" back\\\\slash\\nline \xEF\xBF\xBD\n"
          "# TYPE val_loss gauge\n"
          "val_loss{stream=\"train.log\"} 2\n"
          "# EOF\n");
}

TEST_CASE("prometheus_format: timestamps when asked, ms in 0.0.4, seconds in OpenMetrics", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"loss"};
    prometheus_options options;
    options.stream_label = "";
    options.labels = {{"job", "j"}};
    prometheus_format format(metrics, options);
    CHECK(exposition(format, {exposition_format::openmetrics, true}) == "# EOF\n");
    format.observe(metric_sample(metrics, 0, 0.5, "", fixed_time()));
    format.observe(metric_sample(metrics, 0, 0.25, "", fixed_time(7ms)));
    const std::string text = exposition(format, {exposition_format::text, true});
    CHECK(text.ends_with("\nloss{job=\"j\"} 0.25 1795309323463\n"));
    CHECK(exposition(format, {exposition_format::openmetrics, true})
              .ends_with("\nloss{job=\"j\"} 0.25 1795309323.463\n# EOF\n"));
    CHECK(exposition(format).ends_with("\nloss{job=\"j\"} 0.25\n"));
    // Before 1970: the seconds are floored, the fraction positive.
    format.observe(metric_sample(metrics, 0, 1, "", logmetrics::timestamp(-1500ms)));
    CHECK(exposition(format, {exposition_format::text, true}).ends_with(" 1 -1500\n"));
    CHECK(exposition(format, {exposition_format::openmetrics, true}).ends_with(" 1 -2.500\n# EOF\n"));
}

TEST_CASE("prometheus_format: without a stream label the streams share a series", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"loss"};
    prometheus_options options;
    options.stream_label = "";
    prometheus_format format(metrics, options);
    format.observe(metric_sample(metrics, 0, 1, "a"));
    format.observe(metric_sample(metrics, 0, 2, "b"));
    CHECK(format.series_count() == 1);
    CHECK(exposition(format).ends_with("\nloss 2\n"));
}

TEST_CASE("prometheus_format drops samples of unknown metrics, by reason", "[format][prometheus]") {
    const std::vector<std::string> metrics = {"loss"};
    prometheus_format format(metrics);
    sample stranger = metric_sample(metrics, 0, 1);
    stranger.metric = 1;  // out of range
    format.observe(stranger);
    sample renamed = metric_sample(metrics, 0, 1);
    renamed.name = "accuracy";  // not the metric's name
    format.observe(renamed);
    REQUIRE(format.drops().size() == 1);
    CHECK(format.drops()[0].reason == "unknown metric");
    CHECK(format.drops()[0].count == 2);
    CHECK(format.observed() == 0);
    CHECK(exposition(format).empty());
}

TEST_CASE("prometheus_format: appending again reuses the buffer", "[format][prometheus]") {
    std::vector<std::string> metrics;
    for (int i = 0; i < 50; ++i) metrics.push_back(fmt::format("layer_{}/grad norm", i));
    prometheus_format format(metrics);
    for (std::size_t i = 0; i < metrics.size(); ++i) format.observe(metric_sample(metrics, i, 1.0 / 3));
    fmt::memory_buffer out;
    format.append(out);
    const std::size_t capacity = out.capacity();
    const std::string first = fmt::to_string(out);
    out.clear();
    format.append(out);
    CHECK(out.capacity() == capacity);
    CHECK(fmt::to_string(out) == first);
}

// ---------------------------------------------------------------------------------------------
// The textfile sink
// ---------------------------------------------------------------------------------------------

TEST_CASE("prometheus_textfile_sink: written at the first tick, then at most once per interval, and at the end",
          "[sink][prometheus]") {
    temporary_directory dir;
    const std::filesystem::path path = dir.path / "train.prom";
    const std::vector<std::string> metrics = {"train:loss"};
    logmetrics::prometheus_textfile_options options;
    options.interval = 15s;
    logmetrics::prometheus_textfile_sink sink(path, metrics, {}, options);
    const auto t0 = fixed_time();
    sink.tick(t0);  // nothing came yet: no file
    CHECK_FALSE(std::filesystem::exists(path));

    sink.write(metric_sample(metrics, 0, 0.5));
    CHECK_FALSE(std::filesystem::exists(path));  // only ticks and the end write
    sink.tick(t0 + 1s);
    CHECK(read_file(path).ends_with("train:loss{stream=\"train.log\"} 0.5\n"));
    CHECK(sink.rewrites() == 1);

    sink.write(metric_sample(metrics, 0, 0.25));
    sink.tick(t0 + 2s);
    sink.tick(t0 + 15s);  // 14 s after the last write: not yet
    CHECK(read_file(path).ends_with(" 0.5\n"));
    sink.tick(t0 + 16s);
    CHECK(read_file(path).ends_with(" 0.25\n"));
    CHECK(sink.rewrites() == 2);
    sink.tick(t0 + 20s);  // nothing new: not rewritten
    CHECK(sink.rewrites() == 2);

    sink.write(metric_sample(metrics, 0, nan_value));
    sink.tick(t0 + 25s);  // 9 s after the last rewrite
    CHECK(read_file(path).ends_with(" 0.25\n"));
    sink.close();  // the end: written regardless
    CHECK(read_file(path).ends_with(" NaN\n"));
    CHECK(sink.rewrites() == 3);
    sink.close();  // nothing new
    CHECK(sink.rewrites() == 3);
    // Only the file: no temporary file left behind; no timestamps in it.
    CHECK(dir.files() == std::vector<std::string>{"train.prom"});
    CHECK(read_file(path) ==
          "# HELP train:loss Last value of a metric logmetrics read from a training log\n# TYPE train:loss gauge\n"
          "train:loss{stream=\"train.log\"} NaN\n");
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("prometheus_textfile_sink: a clock set back rewrites at once", "[sink][prometheus]") {
    temporary_directory dir;
    const std::vector<std::string> metrics = {"loss"};
    logmetrics::prometheus_textfile_sink sink(dir.path / "a.prom", metrics);
    sink.write(metric_sample(metrics, 0, 1));
    sink.tick(fixed_time());
    sink.write(metric_sample(metrics, 0, 2));
    sink.tick(fixed_time() - 1h);
    CHECK(sink.rewrites() == 2);
}

TEST_CASE("prometheus_textfile_sink refuses a path node_exporter would not read", "[sink][prometheus]") {
    temporary_directory dir;
    const std::vector<std::string> metrics = {"loss"};
    CHECK_THROWS_WITH(logmetrics::prometheus_textfile_sink(dir.path / "metrics.txt", metrics),
                      Catch::Contains("must end in .prom"));
    try {
        logmetrics::prometheus_textfile_sink sink(dir.path / "missing" / "a.prom", metrics);
        FAIL("no error");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
        CHECK_THAT(e.message(), Catch::Contains("no directory"));
    }
    std::filesystem::create_directory(dir.path / "d.prom");
    CHECK_THROWS_WITH(logmetrics::prometheus_textfile_sink(dir.path / "d.prom", metrics),
                      Catch::Contains("is a directory"));
    const std::vector<std::string> clash = {"a b", "a/b"};
    CHECK_THROWS_WITH(logmetrics::prometheus_textfile_sink(dir.path / "a.prom", clash),
                      Catch::Contains("would both be named a_b"));
}

TEST_CASE("prometheus_textfile_sink counts failed rewrites, keeps the old file, and recovers", "[sink][prometheus]") {
    temporary_directory dir;
    const std::filesystem::path sub = dir.path / "textfiles";
    std::filesystem::create_directory(sub);
    const std::vector<std::string> metrics = {"loss"};
    logmetrics::prometheus_textfile_options options;
    options.interval = 0s;
    logmetrics::prometheus_textfile_sink sink(sub / "a.prom", metrics, {}, options);
    const auto t0 = fixed_time();

    // The temporary file cannot be made: its directory is gone.
    std::filesystem::remove(sub);
    sink.write(metric_sample(metrics, 0, 1));
    sink.write(metric_sample(metrics, 0, 2));
    CHECK_NOTHROW(sink.tick(t0));
    CHECK(sink.drops()[1].reason == "textfile not written");
    CHECK(sink.drops()[1].count == 2);
    CHECK_THAT(sink.last_error(), Catch::Contains("cannot write") && Catch::Contains("No such file or directory"));
    try {
        sink.flush();  // the end write reports it
        FAIL("no error");
    } catch (const logmetrics::error& e) {
        CHECK(e.code() == logmetrics::errc::io_error);
        CHECK_THAT(e.message(), Catch::Contains("a.prom."));
    }
    CHECK(sink.drops()[1].count == 2);  // no new samples were lost by that one

    // Back: the next tick writes the values the file lacks, though no sample came.
    std::filesystem::create_directory(sub);
    sink.tick(t0 + 1s);
    CHECK(read_file(sub / "a.prom").ends_with("loss{stream=\"train.log\"} 2\n"));

    // The rename fails (a directory took the file's place): the temporary file is removed.
    std::filesystem::remove(sub / "a.prom");
    std::filesystem::create_directory(sub / "a.prom");
    std::filesystem::create_directory(sub / "a.prom" / "x");  // not empty: rename(2) refuses
    sink.write(metric_sample(metrics, 0, 3));
    sink.tick(t0 + 2s);
    CHECK(sink.drops()[1].count == 3);
    CHECK_THAT(sink.last_error(), Catch::Contains("cannot rename"));
    CHECK(std::filesystem::is_directory(sub / "a.prom"));
    std::vector<std::string> left;
    for (const auto& entry : std::filesystem::directory_iterator(sub)) left.push_back(entry.path().filename());
    CHECK(left == std::vector<std::string>{"a.prom"});
}

TEST_CASE("prometheus_textfile_sink: a reader never sees part of a file", "[sink][prometheus][threads]") {
    temporary_directory dir;
    const std::filesystem::path path = dir.path / "big.prom";
    std::vector<std::string> metrics;
    for (int i = 0; i < 400; ++i) metrics.push_back(fmt::format("metric_{}", i));
    logmetrics::prometheus_textfile_options options;
    options.interval = 0s;
    logmetrics::prometheus_textfile_sink sink(path, metrics, {}, options);
    std::vector<sample> batch;
    for (std::size_t i = 0; i < metrics.size(); ++i)
        batch.push_back(metric_sample(metrics, i, 0.5, "a-long-stream-label"));
    sink.write(batch);
    sink.tick(fixed_time());
    const std::string last_line = "metric_399{stream=\"a-long-stream-label\"} ";

    std::atomic<bool> done{false};
    std::size_t reads = 0, partial = 0;
    std::thread reader([&] {
        while (!done.load()) {
            const std::string text = read_file(path);
            ++reads;
            const std::size_t at = text.rfind(last_line);
            if (text.size() < 20000 || at == std::string::npos || !text.ends_with("\n") ||
                text.find('\n', at) != text.size() - 1) {
                ++partial;
            }
        }
    });
    for (int round = 0; round < 300; ++round) {
        for (sample& s : batch) s.value = round;
        sink.write(batch);
        sink.tick(fixed_time(std::chrono::milliseconds(round)));
    }
    done = true;
    reader.join();
    CHECK(sink.rewrites() == 301);
    CHECK(reads > 0);
    CHECK(partial == 0);
}
