// SPDX-License-Identifier: MIT
// Tests for memory_store: series, statistics, the FinalMetricDataList export, threads.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/sinks/fanout.hpp>
#include <logmetrics/formats/sagemaker.hpp>
#include <logmetrics/sinks/memory_store.hpp>
#include <logmetrics/sinks/null.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::sample;
using test_support::fixed_time;
using test_support::inf_value;
using test_support::make_integer_sample;
using test_support::make_sample;
using test_support::nan_value;

}  // namespace

// ---------------------------------------------------------------------------------------------
// memory_store
// ---------------------------------------------------------------------------------------------

TEST_CASE("memory_store keeps series and statistics", "[sink][memory]") {
    logmetrics::memory_store store;
    CHECK(store.empty());
    CHECK_FALSE(store.last("loss"));
    CHECK_FALSE(store.mean("loss"));
    CHECK(store.count("loss") == 0);
    CHECK(store.series("loss").empty());

    std::string name = "loss";  // the store must copy names, not keep views
    store.write(make_sample(name, 4.0, 0, 1, "a.log"));
    name = "xxxx";
    store.write(make_sample("accuracy", 0.5, 0, 2, "a.log"));
    const sample batch[] = {make_sample("loss", 2.0, 1, 3, "a.log"), make_sample("loss", 3.0, 2, 4, "b.log")};
    store.write(std::span<const sample>(batch));

    CHECK(store.names() == std::vector<std::string>{"loss", "accuracy"});
    CHECK(store.streams() == std::vector<std::string>{"a.log", "b.log"});
    CHECK(store.count("loss") == 3);
    CHECK(store.total() == 4);
    CHECK(store.last("loss") == 3.0);
    CHECK((store.min)("loss") == 2.0);
    CHECK((store.max)("loss") == 4.0);
    CHECK(store.mean("loss") == 3.0);
    CHECK(store.mean("accuracy") == 0.5);

    const auto points = store.series("loss");
    REQUIRE(points.size() == 3);
    CHECK(points[0].value == 4.0);
    CHECK(points[0].line == 1);
    CHECK(points[2].step == 2);
    CHECK(points[2].line == 4);
    CHECK(points[0].time == fixed_time());
    const auto streams = store.streams();
    CHECK(streams[points[0].stream] == "a.log");
    CHECK(streams[points[1].stream] == "a.log");
    CHECK(streams[points[2].stream] == "b.log");

    store.clear();
    CHECK(store.empty());
    CHECK(store.names().empty());
    CHECK(store.streams().empty());
    CHECK_FALSE(store.last("loss"));
    CHECK(logmetrics::final_metric_data_list_json(store.final_metrics().metrics) == "[]");
}

TEST_CASE("memory_store statistics skip NaN, infinities count", "[sink][memory]") {
    logmetrics::memory_store store;
    for (double v : {1.0, nan_value, 3.0}) store.write(make_sample("loss", v));
    CHECK(store.count("loss") == 3);
    CHECK(store.mean("loss") == 2.0);
    CHECK((store.min)("loss") == 1.0);
    CHECK((store.max)("loss") == 3.0);
    CHECK(std::isnan(store.series("loss")[1].value));  // kept in the series

    store.write(make_sample("diverged", nan_value));
    REQUIRE(store.mean("diverged"));  // has samples, all NaN: the statistic is NaN
    CHECK(std::isnan(*store.mean("diverged")));
    CHECK(std::isnan(*(store.min)("diverged")));
    CHECK(std::isnan(*(store.max)("diverged")));

    store.write(make_sample("grad", 1.0));
    store.write(make_sample("grad", inf_value));
    CHECK(store.mean("grad") == inf_value);
    CHECK((store.max)("grad") == inf_value);
    store.write(make_sample("grad", -inf_value));
    CHECK(std::isnan(*store.mean("grad")));  // inf + -inf
    CHECK((store.min)("grad") == -inf_value);
}

TEST_CASE("memory_store interns many names and labels, keeping their order", "[sink][memory]") {
    logmetrics::memory_store store;
    std::vector<std::string> names, labels;
    for (int i = 0; i < 300; ++i) names.push_back("metric/" + std::to_string(i) + std::string(40, 'x'));
    for (int i = 0; i < 5; ++i) labels.push_back("pod-" + std::to_string(i));
    for (std::size_t round = 0; round < 3; ++round) {
        for (std::size_t i = 0; i < names.size(); ++i) {
            store.write(
                make_sample(names[i], static_cast<double>(round), 0, i + 1, labels[(i + round) % labels.size()]));
        }
    }
    CHECK(store.names() == names);
    CHECK(store.streams() == labels);
    CHECK(store.total() == 900);
    for (std::size_t i : {std::size_t{0}, std::size_t{137}, std::size_t{299}}) {
        const auto points = store.series(names[i]);
        REQUIRE(points.size() == 3);
        CHECK(store.streams()[points[2].stream] == labels[(i + 2) % labels.size()]);
        CHECK(store.last(names[i]) == 2.0);
    }
    CHECK_FALSE(store.last("metric/300"));

    logmetrics::memory_store moved = std::move(store);
    CHECK(moved.names() == names);
    CHECK(store.names().empty());  // NOLINT(bugprone-use-after-move): moved-from is empty, as documented
    CHECK(store.streams().empty());
    store.write(make_sample("fresh", 1.0, 0, 1, "new.log"));
    CHECK(store.names() == std::vector<std::string>{"fresh"});
    CHECK(store.streams() == std::vector<std::string>{"new.log"});
}

TEST_CASE("memory_store gives each metric's running summary", "[sink][memory][stats]") {
    logmetrics::memory_store store;
    CHECK_FALSE(store.summary("loss"));
    store.write(make_sample("loss", 2.0, 0, 1, {}, fixed_time()));
    store.write(make_sample("loss", 1.0, 1, 2, {}, fixed_time(1s)));
    store.write(make_sample("loss", nan_value, 2, 3, {}, fixed_time(2s)));
    store.write(make_sample("other", 9.0));
    const auto s = store.summary("loss");
    REQUIRE(s);
    CHECK(s->count == 3);
    CHECK(s->nan == 1);
    CHECK(s->min == 1.0);
    CHECK(s->mean() == 1.5);
    CHECK(std::isnan(s->last.value));
    REQUIRE(s->last_finite);
    CHECK(s->last_finite->line == 2);
    CHECK(s->last_finite->time == fixed_time(1s));
    CHECK(store.summary("other")->count == 1);
}

TEST_CASE("memory_store exports FinalMetricDataList JSON: each metric's last finite value", "[sink][memory][final]") {
    logmetrics::memory_store store;
    store.write(make_sample("train:loss", 0.5, 0, 1, {}, fixed_time(-1000ms)));
    store.write(make_sample("train:loss", 0.25, 1, 2));
    store.write(make_sample("odd \"name\"\n", 2.0, 0, 3, {}, fixed_time(-2000ms)));
    store.write(make_sample("odd \"name\"\n", nan_value, 1, 4));  // NaN after a finite value
    store.write(make_sample("diverged", nan_value));              // all NaN: left out
    store.write(make_sample("diverged", -nan_value));
    store.write(make_sample("up", 7.5, 0, 5, {}, fixed_time(-3000ms)));
    store.write(make_sample("up", inf_value, 1, 6));   // infinity last
    store.write(make_sample("overflow", -inf_value));  // only infinite: left out
    store.write(make_integer_sample("tokens", 9007199254740993));
    store.write(make_sample("tokens", nan_value));

    const logmetrics::final_metric_list final = store.final_metrics();
    CHECK(final.left_out == std::vector<std::string>{"diverged", "overflow"});
    REQUIRE(final.metrics.size() == 4);
    CHECK(final.metrics[1].value.line == 3);

    const std::string text = logmetrics::final_metric_data_list_json(store.final_metrics().metrics);
    CHECK(text == R"([{"MetricName":"train:loss","Value":0.25,"Timestamp":1795309323.456},)"
                  R"({"MetricName":"odd \"name\"\n","Value":2,"Timestamp":1795309321.456},)"
                  R"({"MetricName":"up","Value":7.5,"Timestamp":1795309320.456},)"
                  R"({"MetricName":"tokens","Value":9007199254740993,"Timestamp":1795309323.456}])");

    const auto list = nlohmann::json::parse(text);
    REQUIRE(list.size() == 4);
    for (const auto& entry : list) {
        CHECK(entry.size() == 3);
        CHECK(entry["Value"].is_number());  // never "nan" or "inf": CloudWatch would refuse them
        CHECK(entry["Timestamp"].is_number_float());
    }
    CHECK(list[1]["MetricName"] == "odd \"name\"\n");
    CHECK(list[3]["Value"].is_number_integer());
    CHECK(list[3]["Value"].get<std::int64_t>() == 9007199254740993);  // exact beyond 2^53

    logmetrics::memory_store only_nan;
    only_nan.write(make_sample("loss", nan_value));
    CHECK(logmetrics::final_metric_data_list_json(only_nan.final_metrics().metrics) == "[]");
    CHECK(only_nan.final_metrics().left_out == std::vector<std::string>{"loss"});
}

TEST_CASE("memory_store is safe to write and read from two threads", "[sink][memory][thread][threads]") {
    logmetrics::memory_store store;
    constexpr int per_thread = 20000;
    auto worker = [&store](int id) {
        const std::string own = "own" + std::to_string(id);
        const std::string stream = "thread-" + std::to_string(id);
        std::vector<sample> batch;
        for (int i = 0; i < per_thread; ++i) {
            const auto step = static_cast<std::uint64_t>(i);
            sample shared = make_sample("shared", 1.0 + id, step, step + 1, stream);
            sample mine = make_sample(own, static_cast<double>(i), step, step + 1, stream);
            if (id == 0) {
                store.write(shared);
                store.write(mine);
            } else {
                batch.push_back(shared);
                batch.push_back(mine);
                if (batch.size() == 64) {
                    store.write(std::span<const sample>(batch));
                    batch.clear();
                }
            }
            if (i % 1000 == 0) {
                (void)store.mean("shared");  // readers interleave with writers
                (void)store.names();
            }
        }
        store.write(std::span<const sample>(batch));
    };
    std::thread first(worker, 0);
    std::thread second(worker, 1);
    first.join();
    second.join();

    CHECK(store.total() == 4 * per_thread);
    CHECK(store.count("shared") == 2 * per_thread);
    CHECK(store.count("own0") == per_thread);
    CHECK(store.count("own1") == per_thread);
    CHECK(store.mean("shared") == 1.5);  // half 1.0, half 2.0
    CHECK(store.mean("own1") == Approx((per_thread - 1) / 2.0));
    CHECK(store.last("own0") == per_thread - 1);
    CHECK(store.streams().size() == 2);

    const auto streams = store.streams();
    for (int id = 0; id < 2; ++id) {
        const auto points = store.series("own" + std::to_string(id));
        bool in_order = true, right_stream = true;
        for (std::size_t i = 0; i < points.size(); ++i) {
            in_order = in_order && points[i].step == i;
            right_stream = right_stream && streams[points[i].stream] == "thread-" + std::to_string(id);
        }
        CHECK(in_order);
        CHECK(right_stream);
    }
}

TEST_CASE("memory_store moves, e.g. into a fanout", "[sink][memory][fanout]") {
    logmetrics::memory_store store;
    store.write(make_sample("loss", 1.0));
    logmetrics::memory_store moved(std::move(store));
    CHECK(moved.last("loss") == 1.0);

    logmetrics::fanout_sink fanout;
    fanout.add(std::move(moved));
    fanout.write(make_sample("loss", 2.0));
    auto* inside = fanout[0].target<logmetrics::memory_store>();
    REQUIRE(inside);
    CHECK(inside->count("loss") == 2);
    CHECK(fanout[0].target<logmetrics::null_sink>() == nullptr);
}
