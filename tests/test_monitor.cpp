// SPDX-License-Identifier: MIT
// The pipeline (monitor.hpp): sample fields, steps, clocks, batching, failing sinks, statistics,
// and one compiled matcher shared by monitors on two threads.

#include <array>
#include <chrono>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "logmetrics/sinks/fanout.hpp"
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

/// Counts its own drops (as async_sink does), and has a name.
struct lossy_sink {
    std::uint64_t dropped = 0;
    void write(const sample&) { ++dropped; }
    void flush() {}
    std::string_view name() const { return "lossy"; }
    std::array<drop_count, 2> drops() const { return {{{"queue full", dropped}, {"sink failed", 0}}}; }
};

/// Records its ticks and closes.
struct periodic_sink {
    std::vector<timestamp> ticks;
    int closes = 0;
    int samples = 0;
    void write(const sample&) { ++samples; }
    void flush() {}
    void tick(timestamp now) { ticks.push_back(now); }
    void close() { ++closes; }
};

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
    SECTION("step_metric: values that are no count leave the step as it was") {
        recording_sink sink;
        monitor_options options;
        options.step_metric = "epoch";
        auto m = make_monitor(parse_definitions(R"J([
            {"Name": "loss", "Regex": "loss=(\\S+)"},
            {"Name": "epoch", "Regex": "epoch=(\\S+)"}])J"),
                              default_test_engine{}, options, sink);
        m.feed("loss=1 epoch=3\nepoch=inf loss=2\nloss=3 epoch=-1\nepoch=nan\nepoch=1e30 loss=4\nloss=5 epoch=2.7\n");
        m.finish();
        std::vector<std::uint64_t> steps;
        for (const auto& s : sink.samples) steps.push_back(s.step);
        CHECK(steps == std::vector<std::uint64_t>{3, 3, 3, 3, 3, 3, 3, 3, 3, 2, 2});
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
        reported.push_back(std::to_string(e.sink) + " " + std::string(e.name) + ": " + std::string(e.message));
    };
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, before, failing, after);
    CHECK(m.sink_count() == 3);
    CHECK(m.sink_name(1) == "sink 1");
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
    CHECK(m.sink_lost(1) == 2);  // the two samples; the flush lost none
    CHECK(m.sink_lost(0) == 0);
    CHECK(m.sink_lost(2) == 0);
    CHECK(m.stats().sink_lost == 2);
    CHECK(m.sink_last_error(1) == "flush failed");
    CHECK(m.sink_last_error(0).empty());
    CHECK(reported == std::vector<std::string>{"1 sink 1: disk full", "1 sink 1: disk full", "1 sink 1: flush failed"});
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

TEST_CASE("a batch sink that throws loses its whole batch, counted per sink and in the stats",
          "[monitor][errors][batch]") {
    struct refusing_batch_sink {
        void write(const sample&) {}
        void write(std::span<const sample>) { throw std::runtime_error("queue closed"); }
        void flush() {}
    };
    refusing_batch_sink refusing;
    recording_sink healthy;
    std::vector<std::uint64_t> lost_per_failure;
    monitor_options options;
    options.batch_size = 4;
    options.on_sink_error = [&](const sink_error& e) { lost_per_failure.push_back(e.lost); };
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, healthy, refusing);
    std::string log;
    for (int i = 0; i < 5; ++i) log += "loss=1 acc=2\n";  // 10 samples: batches of 4, 4, 2
    m.feed(log);
    m.finish();
    CHECK(healthy.samples.size() == 10);
    CHECK(lost_per_failure == std::vector<std::uint64_t>{4, 4, 2});
    CHECK(m.sink_errors(1) == 3);
    CHECK(m.sink_lost(1) == 10);
    CHECK(m.sink_last_error(1) == "queue closed");
    CHECK(m.sink_lost(0) == 0);
    const monitor_stats stats = m.stats();
    CHECK(stats.sink_lost == 10);
    monitor_stats sum = stats;
    sum += stats;  // the totals of several streams
    CHECK(sum.sink_lost == 20);
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

TEST_CASE("sinks are named, and the drops they count show in the stats", "[monitor][drops]") {
    recording_sink plain;
    lossy_sink lossy;
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, plain, lossy);
    CHECK(m.sink_name(0) == "sink 0");
    CHECK(m.sink_name(1) == "lossy");
    m.feed("loss=1 acc=2\nloss=3\n");
    m.finish();
    CHECK(m.sink_drops(0).empty());
    const auto drops = m.sink_drops(1);
    REQUIRE(drops.size() == 2);
    CHECK(drops[0].reason == "queue full");
    CHECK(drops[0].count == 3);
    CHECK(m.stats().sink_drops == 3);
    CHECK(m.stats().sink_errors == 0);
}

TEST_CASE("sinks with tick are ticked once a second of the monitor's clock, and at finish", "[monitor][tick]") {
    periodic_sink periodic;
    recording_sink plain;
    timestamp now{std::chrono::seconds(1000)};
    monitor_options options;
    options.clock = [&now] { return now; };
    auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, periodic, plain);
    const auto at = [](double seconds) {
        return timestamp{std::chrono::duration_cast<timestamp::duration>(std::chrono::duration<double>(seconds))};
    };

    m.feed("loss=1\n");  // the first feed ticks
    REQUIRE(periodic.ticks.size() == 1);
    CHECK(periodic.ticks[0] == at(1000));
    now = at(1000.5);
    m.feed("no metric here\n");
    m.feed_line("loss=2");
    CHECK(periodic.ticks.size() == 1);  // not yet a second
    now = at(1001);
    m.feed("los");  // ticked even though no line ended
    REQUIRE(periodic.ticks.size() == 2);
    CHECK(periodic.ticks[1] == at(1001));
    now = at(999);  // the clock went back: tick, and count from there
    m.feed("s=3\n");
    REQUIRE(periodic.ticks.size() == 3);
    CHECK(periodic.ticks[2] == at(999));
    now = at(999.25);
    m.finish();  // always ticks
    REQUIRE(periodic.ticks.size() == 4);
    CHECK(periodic.ticks[3] == at(999.25));
    CHECK(periodic.samples == 3);
    CHECK(periodic.closes == 0);  // closing is the owner's call
    m.close();
    CHECK(periodic.closes == 1);
}

TEST_CASE("per-definition counts as a span, stats add up across streams", "[monitor][stats]") {
    auto definitions = parse_definitions(loss_and_acc);
    recording_sink sink;
    auto first = make_monitor(definitions, default_test_engine{}, sink);
    auto second = make_monitor(definitions, default_test_engine{}, sink);
    first.feed("loss=1 acc=x\nLoss: 2\n");
    first.finish();
    second.feed("loss=y\nloss=3 acc=4\n");
    second.finish();

    const auto per = first.per_definition();
    REQUIRE(per.size() == 3);
    CHECK(per[0].samples == 1);
    CHECK(per[1].rejected == 1);
    CHECK(per[2].samples == 1);
    CHECK(&per[1] == &first.stats(1));

    monitor_stats total = first.stats();
    total += second.stats();
    CHECK(total.bytes == first.stats().bytes + second.stats().bytes);
    CHECK(total.lines == 4);
    CHECK(total.samples == 4);
    CHECK(total.rejected == 2);

    std::vector<definition_stats> sums(3);
    for (const auto* m : {&first, &second}) {
        for (std::size_t i = 0; i < 3; ++i) sums[i] += m->per_definition()[i];
    }
    CHECK(sums[0].samples == 2);
    CHECK(sums[0].rejected == 1);
    CHECK(sums[0].rejected_example == "y");  // the first stream had no example for it
    CHECK(sums[0].rejected_example_line == 1);
    CHECK(sums[1].rejected_example == "x");  // the first example stays
    CHECK(sums[1].samples == 1);
}

TEST_CASE("a fanout inside a monitor: one counted failure of the fanout, or each child's by name",
          "[monitor][fanout]") {
    std::vector<std::string> reported;
    auto record = [&reported](const sink_error& e) {
        reported.push_back(std::string(e.name) + ": " + std::string(e.message));
    };
    monitor_options options;
    options.on_sink_error = record;
    SECTION("without a handler, the fanout rethrows to the monitor") {
        fanout_sink fanout;
        fanout.add(any_sink("disk", throwing_sink{})).add(recording_sink{});
        auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, fanout);
        m.feed("loss=1\n");
        CHECK(fanout[1].target<recording_sink>()->samples.size() == 1);
        CHECK(m.sink_errors(0) == 1);
        CHECK(m.sink_lost(0) == 1);  // the monitor counts the batch the fanout threw on
        CHECK(fanout.child_lost(0) == 1);
        CHECK(reported == std::vector<std::string>{"sink 0: [logmetrics.io_error] fanout: disk failed: disk full"});
    }
    SECTION("with a handler, the fanout reports its children and the monitor sees no failure") {
        fanout_sink fanout;
        fanout.set_error_handler(record);
        fanout.add(any_sink("disk", throwing_sink{})).add(recording_sink{});
        auto m = make_monitor(parse_definitions(loss_and_acc), default_test_engine{}, options, fanout);
        m.feed("loss=1\n");
        CHECK(fanout[1].target<recording_sink>()->samples.size() == 1);
        CHECK(m.sink_errors(0) == 0);
        CHECK(m.sink_lost(0) == 0);
        CHECK(fanout.child_errors(0) == 1);
        CHECK(fanout.child_lost(0) == 1);
        CHECK(fanout.child_last_error(0) == "disk full");
        CHECK(reported == std::vector<std::string>{"disk: disk full"});
    }
}
