// SPDX-License-Identifier: MIT
// The pipeline (monitor.hpp): sample fields, steps, clocks, batching, failing sinks, statistics,
// and one compiled matcher shared by monitors on two threads.

#include <chrono>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "support/catch.hpp"
#include "testing/recording_sink.hpp"
#ifdef LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
using default_test_engine = logmetrics::hyperscan_engine;
#else
using default_test_engine = logmetrics::pcre2_engine;
#endif

using namespace logmetrics;
using test_support::recording_sink;

namespace {

const char* const loss_and_acc = R"J([
    {"Name": "loss", "Regex": "loss=(\\S+)"},
    {"Name": "acc", "Regex": "acc=(\\S+)"},
    {"Name": "loss", "Regex": "Loss: (\\S+)"}])J";

struct throwing_sink {
    int writes = 0;
    void write(const sample&) {
        ++writes;
        throw std::runtime_error("disk full");
    }
    void flush() { throw std::runtime_error("flush failed"); }
};

struct batch_counting_sink {
    std::vector<std::size_t> batch_sizes;
    void write(const sample&) { batch_sizes.push_back(1); }
    void write(std::span<const sample> batch) { batch_sizes.push_back(batch.size()); }
    void flush() {}
};
static_assert(batch_metric_sink<batch_counting_sink>);

struct not_a_sink {
    void write(const sample&) {}
};
static_assert(!metric_sink<not_a_sink>);

}  // namespace

TEST_CASE("samples carry definition, metric, line, step, stream and time", "[monitor]") {
    recording_sink sink;
    monitor_options options;
    options.stream = "worker-0";
    const auto fixed = timestamp(std::chrono::milliseconds(1'700'000'000'123));
    options.clock = [fixed] { return fixed; };
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, sink);
    m.feed("loss=0.9 acc=0.1\nnoise\nLoss: 0.8\nloss=0.7 acc=0.3\n");
    m.finish();
    const auto& s = sink.samples;
    REQUIRE(s.size() == 5);
    CHECK(s[0].name == "loss");
    CHECK(s[0].definition == 0);
    CHECK(s[0].line == 1);
    CHECK(s[0].step == 0);
    CHECK(s[1].name == "acc");
    CHECK(s[1].step == 0);
    CHECK(s[2].definition == 2);  // the second "loss" definition feeds the same metric...
    CHECK(s[2].line == 3);
    CHECK(s[2].step == 1);  // ...so it continues the same step count
    CHECK(s[3].step == 2);
    CHECK(s[4].step == 1);
    for (const auto& one : s) {
        CHECK(one.stream == "worker-0");
        CHECK(one.time == fixed);
    }
    CHECK(sink.flushes == 1);
}

TEST_CASE("the step can come from a metric, or from the host", "[monitor][step]") {
    const char* const definitions = R"J([
        {"Name": "loss", "Regex": "loss=(\\S+)"},
        {"Name": "epoch", "Regex": "epoch (\\d+)"}])J";
    SECTION("step_metric: the latest value of that metric, also on its own line") {
        recording_sink sink;
        monitor_options options;
        options.step_metric = "epoch";
        auto m = make_monitor(parse_definitions(definitions), default_test_engine{}, options, sink);
        m.feed("loss=3\nloss=2.5 epoch 1\nloss=2\nepoch 2\nloss=1\n");
        m.finish();
        std::vector<std::uint64_t> steps;
        for (const auto& s : sink.samples) steps.push_back(s.step);
        CHECK(steps == std::vector<std::uint64_t>{0, 1, 1, 1, 2, 2});
    }
    SECTION("set_step: the host's step") {
        recording_sink sink;
        auto m = make_monitor(parse_definitions(definitions), default_test_engine{}, sink);
        m.set_step(100);
        m.feed_line("loss=1");
        m.set_step(200);
        m.feed_line("loss=0.5");
        REQUIRE(sink.samples.size() == 2);
        CHECK(sink.samples[0].step == 100);
        CHECK(sink.samples[1].step == 200);
        CHECK(sink.samples[1].line == 2);
    }
    SECTION("an unknown step metric is a configuration error") {
        recording_sink sink;
        monitor_options options;
        options.step_metric = "epochs";
        REQUIRE_THROWS_AS(make_monitor(parse_definitions(definitions), default_test_engine{}, options, sink), error);
    }
}

TEST_CASE("integer definitions keep exact values", "[monitor]") {
    recording_sink sink;
    auto m = make_monitor(parse_definitions(R"J([{"Name": "tokens", "Regex": "tokens=(\\S+)", "Type": "integer"}])J"),
                          default_test_engine{}, sink);
    m.feed("tokens=9007199254740993\ntokens=1.5\n");
    m.finish();
    REQUIRE(sink.samples.size() == 1);
    CHECK(sink.samples[0].integer == 9007199254740993LL);
    CHECK(m.stats(0).rejected == 1);
    CHECK(m.stats(0).rejected_example == "1.5");
}

TEST_CASE("a failing sink is counted and reported, and the others go on", "[monitor][errors]") {
    recording_sink before, after;
    throwing_sink failing;
    std::vector<std::string> reported;
    monitor_options options;
    options.on_sink_error = [&](const sink_error& e) {
        reported.push_back(std::to_string(e.sink) + ": " + std::string(e.message));
    };
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, before, failing, after);
    m.feed("loss=1\n");
    m.feed("loss=2\n");
    m.finish();
    CHECK(before.samples.size() == 2);
    CHECK(after.samples.size() == 2);
    CHECK(failing.writes == 2);
    CHECK(m.sink_errors(0) == 0);
    CHECK(m.sink_errors(1) == 3);  // two writes and one flush
    CHECK(m.sink_errors(2) == 0);
    CHECK(m.stats().sink_errors == 3);
    CHECK(reported == std::vector<std::string>{"1: disk full", "1: disk full", "1: flush failed"});
}

TEST_CASE("an error handler that throws does not escape feed", "[monitor][errors]") {
    throwing_sink failing;
    monitor_options options;
    options.on_sink_error = [](const sink_error&) { throw std::logic_error("handler broke"); };
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, failing);
    m.feed("loss=1\n");
    m.finish();
    CHECK(m.sink_errors(0) == 2);
}

TEST_CASE("batch sinks get batches of at most batch_size, and each feed delivers", "[monitor][batch]") {
    batch_counting_sink sink;
    monitor_options options;
    options.batch_size = 4;
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, sink);
    std::string log;
    for (int i = 0; i < 5; ++i) log += "loss=1 acc=2\n";  // 10 samples
    m.feed(log);
    CHECK(sink.batch_sizes == std::vector<std::size_t>{4, 4, 2});
    m.feed("loss=1\n");
    CHECK(sink.batch_sizes.back() == 1);
}

TEST_CASE("statistics reconcile, and pieces of a cut line share its number", "[monitor][stats]") {
    recording_sink sink;
    monitor_options options;
    options.framing.max_line_length = 16;
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, sink);
    const std::string log = "loss=1\n" + std::string(40, 'x') + " loss=2\nacc=n/a\nloss=3";
    m.feed(log);
    m.finish();
    const monitor_stats stats = m.stats();
    CHECK(stats.bytes == log.size());
    CHECK(stats.lines == 4);
    CHECK(stats.cut_lines == 1);
    CHECK(stats.samples == 3);
    CHECK(stats.rejected == 1);
    REQUIRE(sink.samples.size() == 3);
    CHECK(sink.samples[1].line == 2);  // "loss=2" sits in the last piece of line 2
    CHECK(sink.samples[2].line == 4);
}

TEST_CASE("sinks passed as rvalues are owned by the monitor", "[monitor]") {
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, recording_sink{});
    m.feed("loss=1\n");
    CHECK(m.sink<0>().samples.size() == 1);
}

TEST_CASE("one compiled matcher serves monitors on several threads", "[monitor][threads]") {
    auto matcher = compile(parse_definitions(loss_and_acc), default_test_engine{});
    std::string log;
    for (int i = 0; i < 2000; ++i) log += "step " + std::to_string(i) + " loss=" + std::to_string(i) + " acc=0.5\n";
    recording_sink sinks[2];
    std::vector<std::thread> threads;
    for (auto& sink : sinks) {
        threads.emplace_back([&matcher, &log, &sink] {
            auto m = make_monitor(matcher, monitor_options{}, sink);
            for (std::size_t at = 0; at < log.size(); at += 777) m.feed(std::string_view(log).substr(at, 777));
            m.finish();
        });
    }
    for (auto& t : threads) t.join();
    REQUIRE(sinks[0].samples.size() == 4000);
    CHECK(sinks[0].samples == sinks[1].samples);
    CHECK(sinks[0].samples[3998].value == 1999.0);
}
