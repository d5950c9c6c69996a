// SPDX-License-Identifier: MIT
// Prometheus remote write: the WriteRequest of formats/remote_write.hpp, byte for byte for one
// sample, then decoded field by field (tests/support/remote_write_decoder.hpp) for the grouping by
// series, the label order, the timestamps and the NaN rule.

#include <bit>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "support/catch.hpp"
#include "support/remote_write_decoder.hpp"
#include "support/samples.hpp"

#include <logmetrics/error.hpp>
#include <logmetrics/formats/remote_write.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::remote_write_format;
using logmetrics::remote_write_format_options;
using logmetrics::sample;
using test_support::decode_write_request;
using test_support::fixed_time;

sample metric_sample(const std::vector<std::string>& metrics, std::size_t metric, double value,
                     std::string_view stream = "train.log", logmetrics::timestamp time = fixed_time()) {
    sample s = test_support::make_sample(metrics[metric], value, 0, 1, stream, time);
    s.metric = metric;
    s.definition = metric;
    return s;
}

std::string encode(remote_write_format& format) {
    fmt::memory_buffer out;
    format.append(out);
    return fmt::to_string(out);
}

std::int64_t ms_of(logmetrics::timestamp t) { return logmetrics::unix_millis(t); }

}  // namespace

TEST_CASE("remote_write_format: one sample, byte for byte", "[remote_write]") {
    const std::vector<std::string> metrics = {"loss"};
    remote_write_format format(metrics);
    format.add(metric_sample(metrics, 0, 0.5, "a"));
    CHECK(format.pending() == 1);
    const std::string bytes = encode(format);
    CHECK(format.pending() == 0);
    // 2026-11-22T01:02:03.456Z = 1795309323456 ms: varint c0 89 99 86 a0 34.
    const std::int64_t ms = ms_of(fixed_time());
    REQUIRE(ms == 1795309323456);
    std::string expected;
    const auto label = [&](std::string_view name, std::string_view value) {
        std::string inner;
        inner += '\x0a';
        inner += static_cast<char>(name.size());
        inner += name;
        inner += '\x12';
        inner += static_cast<char>(value.size());
        inner += value;
        return std::string("\x0a") + static_cast<char>(inner.size()) + inner;
    };
    std::string sample_bytes = "\x09";
    for (int i = 0; i < 8; ++i)
        sample_bytes += static_cast<char>((std::bit_cast<std::uint64_t>(0.5) >> (8 * i)) & 0xff);
    sample_bytes += "\x10\xc0\x89\x99\x86\xa0\x34";
    const std::string series = label("__name__", "loss") + label("stream", "a") + "\x12" +
                               static_cast<char>(sample_bytes.size()) + sample_bytes;
    expected = std::string("\x0a") + static_cast<char>(series.size()) + series;
    // Check the varint against a decode rather than trusting the literal above.
    test_support::rw_reader reader(std::string_view(sample_bytes).substr(10));
    REQUIRE(static_cast<std::int64_t>(reader.varint()) == ms);
    CHECK(bytes == expected);
    CHECK(format.encoded() == 1);
    CHECK(encode(format).empty());  // nothing pending: nothing appended
}

TEST_CASE("remote_write_format groups a batch by series, in first-seen order, samples in order", "[remote_write]") {
    const std::vector<std::string> metrics = {"train:loss", "val loss", "eval/accuracy"};
    remote_write_format format(metrics);
    format.add(metric_sample(metrics, 0, 1.0, "algo-1", fixed_time(0ms)));
    format.add(metric_sample(metrics, 1, 2.0, "algo-1", fixed_time(1ms)));
    format.add(metric_sample(metrics, 0, 3.0, "algo-2", fixed_time(2ms)));
    format.add(metric_sample(metrics, 0, 4.0, "algo-1", fixed_time(3ms)));
    format.add(metric_sample(metrics, 2, 5.0, "algo-1", fixed_time(4ms)));
    format.add(metric_sample(metrics, 1, 6.0, "algo-1", fixed_time(5ms)));
    const auto series = decode_write_request(encode(format));
    REQUIRE(series.size() == 4);
    CHECK(series[0].label("__name__") == "train:loss");
    CHECK(series[0].label("stream") == "algo-1");
    REQUIRE(series[0].samples.size() == 2);
    CHECK(series[0].samples[0].value == 1.0);
    CHECK(series[0].samples[0].timestamp == ms_of(fixed_time(0ms)));
    CHECK(series[0].samples[1].value == 4.0);
    CHECK(series[0].samples[1].timestamp == ms_of(fixed_time(3ms)));
    CHECK(series[1].label("__name__") == "val_loss");
    REQUIRE(series[1].samples.size() == 2);
    CHECK(series[1].samples[0].value == 2.0);
    CHECK(series[1].samples[1].value == 6.0);
    CHECK(series[2].label("__name__") == "train:loss");
    CHECK(series[2].label("stream") == "algo-2");
    CHECK(series[3].label("__name__") == "eval_accuracy");
    CHECK(format.series_count() == 4);

    // The next batch: only the series that have samples in it.
    format.add(metric_sample(metrics, 2, 7.0, "algo-1", fixed_time(10ms)));
    const auto next = decode_write_request(encode(format));
    REQUIRE(next.size() == 1);
    CHECK(next[0].label("__name__") == "eval_accuracy");
    CHECK(next[0].samples.at(0).value == 7.0);
}

TEST_CASE("remote_write_format sorts labels by name, constant labels, no empty stream label", "[remote_write]") {
    const std::vector<std::string> metrics = {"loss"};
    remote_write_format_options options;
    options.labels = {{"job", "train-7"}, {"Zone", "eu"}, {"a", "1"}};
    remote_write_format format(metrics, options);
    format.add(metric_sample(metrics, 0, 1.0, "x.log"));
    format.add(metric_sample(metrics, 0, 2.0, ""));  // no stream: no stream label
    const auto series = decode_write_request(encode(format));
    REQUIRE(series.size() == 2);
    using labels = std::vector<std::pair<std::string, std::string>>;
    CHECK(series[0].labels ==
          labels{{"Zone", "eu"}, {"__name__", "loss"}, {"a", "1"}, {"job", "train-7"}, {"stream", "x.log"}});
    CHECK(series[1].labels == labels{{"Zone", "eu"}, {"__name__", "loss"}, {"a", "1"}, {"job", "train-7"}});
}

TEST_CASE("remote_write_format: naming options, stream label, ill-formed UTF-8", "[remote_write]") {
    const std::vector<std::string> metrics = {"validation:error"};
    remote_write_format_options options;
    options.naming.prefix = "sm_";
    options.naming.keep_colons = false;
    options.stream_label = "pod";
    remote_write_format format(metrics, options);
    format.add(metric_sample(metrics, 0, 1.0, "bad\xff"));
    const auto series = decode_write_request(encode(format));
    REQUIRE(series.size() == 1);
    CHECK(series[0].label("__name__") == "sm_validation_error");
    CHECK(series[0].label("pod") == "bad\xEF\xBF\xBD");
    CHECK(series[0].label("stream").empty());

    options.stream_label.clear();  // no stream label: streams share a series
    remote_write_format shared(metrics, options);
    shared.add(metric_sample(metrics, 0, 1.0, "a", fixed_time(0ms)));
    shared.add(metric_sample(metrics, 0, 2.0, "b", fixed_time(1ms)));
    const auto one = decode_write_request(encode(shared));
    REQUIRE(one.size() == 1);
    CHECK(one[0].labels.size() == 1);
    CHECK(one[0].samples.size() == 2);
}

TEST_CASE("remote_write_format: samples of a series sharing a millisecond get the next ones", "[remote_write]") {
    const std::vector<std::string> metrics = {"loss", "acc"};
    remote_write_format format(metrics);
    for (int i = 0; i < 3; ++i) format.add(metric_sample(metrics, 0, i, "a", fixed_time(0ms)));
    format.add(metric_sample(metrics, 1, 9, "a", fixed_time(0ms)));  // another series: its own time
    auto series = decode_write_request(encode(format));
    REQUIRE(series.size() == 2);
    const std::int64_t t0 = ms_of(fixed_time());
    REQUIRE(series[0].samples.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(series[0].samples[i].timestamp == t0 + static_cast<std::int64_t>(i));
        CHECK(series[0].samples[i].value == static_cast<double>(i));
    }
    CHECK(series[1].samples.at(0).timestamp == t0);
    // Across batches too, and a clock that goes back is held in order.
    format.add(metric_sample(metrics, 0, 5, "a", fixed_time(-10ms)));
    format.add(metric_sample(metrics, 0, 6, "a", fixed_time(100ms)));
    series = decode_write_request(encode(format));
    REQUIRE(series.at(0).samples.size() == 2);
    CHECK(series[0].samples[0].timestamp == t0 + 3);
    CHECK(series[0].samples[1].timestamp == t0 + 100);

    remote_write_format_options options;
    options.unique_timestamps = false;
    remote_write_format as_is(metrics, options);
    for (int i = 0; i < 2; ++i) as_is.add(metric_sample(metrics, 0, i, "a", fixed_time(0ms)));
    series = decode_write_request(encode(as_is));
    CHECK(series.at(0).samples.at(1).timestamp == t0);
}

TEST_CASE("remote_write_format: NaN is never the staleness marker, infinities and integers as they are",
          "[remote_write]") {
    const std::vector<std::string> metrics = {"loss"};
    remote_write_format format(metrics);
    format.add(metric_sample(metrics, 0, test_support::nan_value, "a", fixed_time(0ms)));
    format.add(
        metric_sample(metrics, 0, std::bit_cast<double>(remote_write_format::stale_nan_bits), "a", fixed_time(1ms)));
    format.add(metric_sample(metrics, 0, -test_support::nan_value, "a", fixed_time(2ms)));
    format.add(metric_sample(metrics, 0, test_support::inf_value, "a", fixed_time(3ms)));
    format.add(metric_sample(metrics, 0, -test_support::inf_value, "a", fixed_time(4ms)));
    sample integer = metric_sample(metrics, 0, 9007199254740992.0, "a", fixed_time(5ms));
    integer.type = logmetrics::value_type::integer;
    integer.integer = 9007199254740992;
    format.add(integer);
    format.add(metric_sample(metrics, 0, 0.0, "a", fixed_time(6ms)));
    const auto series = decode_write_request(encode(format));
    REQUIRE(series.size() == 1);
    const auto& s = series[0].samples;
    REQUIRE(s.size() == 7);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(s[i].value_bits == 0x7ff8000000000001ULL);
        CHECK(s[i].value_bits != 0x7ff0000000000002ULL);
        CHECK(std::isnan(s[i].value));
    }
    CHECK(s[3].value == test_support::inf_value);
    CHECK(s[4].value == -test_support::inf_value);
    CHECK(s[5].value == 9007199254740992.0);
    CHECK(s[6].value_bits == 0);  // zero is written, not left out
}

TEST_CASE("remote_write_format: timestamps before 1970 are negative int64 varints", "[remote_write]") {
    const std::vector<std::string> metrics = {"loss"};
    remote_write_format format(metrics);
    format.add(metric_sample(metrics, 0, 1, "a", logmetrics::timestamp(-1500ms)));
    const auto series = decode_write_request(encode(format));
    CHECK(series.at(0).samples.at(0).timestamp == -1500);
}

TEST_CASE("remote_write_format counts samples of unknown metrics and refuses bad names and labels", "[remote_write]") {
    const std::vector<std::string> metrics = {"loss"};
    remote_write_format format(metrics);
    sample other = metric_sample(metrics, 0, 1.0);
    other.metric = 3;
    format.add(other);
    sample renamed = metric_sample(metrics, 0, 1.0);
    renamed.name = "acc";
    format.add(renamed);
    CHECK(format.pending() == 0);
    REQUIRE(format.drops().size() == 1);
    CHECK(format.drops()[0].reason == "unknown metric");
    CHECK(format.drops()[0].count == 2);

    const std::vector<std::string> colliding = {"val loss", "val/loss"};
    CHECK_THROWS_AS(remote_write_format(colliding), logmetrics::error);
    remote_write_format_options options;
    options.labels = {{"__name__", "x"}};
    CHECK_THROWS_AS(remote_write_format(metrics, options), logmetrics::error);
    options.labels = {{"stream", "x"}};
    CHECK_THROWS_AS(remote_write_format(metrics, options), logmetrics::error);
    options.labels = {{"job", ""}};
    CHECK_THROWS_AS(remote_write_format(metrics, options), logmetrics::error);
    options.labels = {{"job", "bad\xff"}};
    CHECK_THROWS_AS(remote_write_format(metrics, options), logmetrics::error);
    options.labels = {{"1job", "x"}};
    CHECK_THROWS_AS(remote_write_format(metrics, options), logmetrics::error);
}

TEST_CASE("remote_write_format: many series and samples round-trip exactly", "[remote_write]") {
    std::vector<std::string> metrics;
    for (int i = 0; i < 20; ++i) metrics.push_back(fmt::format("metric_{}", i));
    remote_write_format format(metrics);
    const char* streams[] = {"a", "b", "c"};
    for (std::size_t i = 0; i < 3000; ++i) {
        const double value = static_cast<double>(i) * 0.1 - 7;
        format.add(metric_sample(metrics, i % 20, value, streams[i % 3],
                                 fixed_time(std::chrono::milliseconds(static_cast<std::int64_t>(i)))));
    }
    const auto series = decode_write_request(encode(format));
    CHECK(series.size() == 60);
    std::size_t total = 0;
    for (const auto& one : series) {
        const std::string name = one.label("__name__");
        const int metric = std::stoi(name.substr(7));
        for (const auto& s : one.samples) {
            const std::int64_t i = s.timestamp - ms_of(fixed_time());
            CHECK(i % 20 == metric);
            CHECK(one.label("stream") == streams[i % 3]);
            CHECK(s.value == static_cast<double>(i) * 0.1 - 7);
            ++total;
        }
    }
    CHECK(total == 3000);
}
