// SPDX-License-Identifier: MIT
//
// The cost of writing samples as text, in ns per sample: each text output over the same batch of
// 256 realistic samples (the monitor's batch size), written into a stream that discards the bytes,
// so only formatting and the calls into the stream are timed, not a disk or a pipe.
//
//   csv_sink, jsonl_sink   one batch per write(span), as the monitor hands them out;
//                          also one write(sample) at a time, as a user calling the sink by hand
//   emf/batch_256          CloudWatch EMF events (sinks/emf.hpp), one batch per write(span)
//   prometheus/batch_256   the Prometheus exposition (formats/prometheus.hpp): a batch recorded as
//                          the last values, then the whole exposition written, per batch (what a
//                          textfile rewrite at every batch would cost, without the file; a
//                          Pushgateway push's body is this same exposition: no row of its own)
//   prometheus/exposition_1024_series  the exposition alone, of 1024 series (128 streams), per series
//   tensorboard/batch_256  TensorBoard event records (formats/tensorboard.hpp: protobuf and
//                          TFRecord framing with two CRC-32Cs), into a reused buffer, no file
//   remote_write/request_2048  a Prometheus remote-write WriteRequest (formats/remote_write.hpp:
//                          samples grouped by series, protobuf) of 8 batches of 256, per sample;
//                          remote_write/snappy_2048 compresses that request with libsnappy, as
//                          remote_write_sink does (built with the HTTP component only)
//   statsd/batch_256       DogStatsD gauges packed into datagrams (formats/statsd.hpp), no socket
//   influx/batch_256       InfluxDB line protocol (formats/influx.hpp), no HTTP
//   async/enqueue_256      what the monitor's thread pays to hand a batch to async_sink (the
//                          queue: stream labels interned, samples copied in; drop_oldest), with
//                          a null_sink draining on the worker thread (per sample)
//   number/*               doubles as text: std::to_chars (used) against fmt (see number_text.hpp)
//   (the CLI's table)      section at the end, for the `table` output
//
// Counters: `per_sample` is the time per sample (Google Benchmark prints it as e.g. `152n`, i.e.
// 152 ns); `writes_per_batch` is how many calls reached the stream (sputn/sputc) per batch of
// 256, which the switch to one buffered write per batch brings down. Compare runs on the same
// machine only, with `--benchmark_repetitions=5` on a quiet machine.

#include <benchmark/benchmark.h>

#include <array>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <span>
#include <streambuf>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/compile.h>
#include <fmt/format.h>

#include <logmetrics/detail/text/number_text.hpp>
#include <logmetrics/formats/influx.hpp>
#include <logmetrics/formats/prometheus.hpp>
#include <logmetrics/formats/remote_write.hpp>
#include <logmetrics/formats/statsd.hpp>
#include <logmetrics/formats/tensorboard.hpp>
#include <logmetrics/sinks/async.hpp>
#include <logmetrics/sinks/csv.hpp>
#include <logmetrics/sinks/emf.hpp>
#include <logmetrics/sinks/jsonl.hpp>
#include <logmetrics/sinks/null.hpp>

#if LOGMETRICS_BENCH_SNAPPY
#include <snappy.h>
#endif

#if LOGMETRICS_BENCH_CLI_TABLE
#include <string>

#include "table_sink.hpp"  // tools/logmetrics
#endif

namespace {

// ---------------------------------------------------------------------------------------------
// The workload
// ---------------------------------------------------------------------------------------------

constexpr std::size_t batch_size = 256;

/// A stream buffer that drops what it is given and counts the calls and the bytes.
class discarding_buffer : public std::streambuf {
public:
    std::uint64_t calls = 0;
    std::uint64_t bytes = 0;

protected:
    std::streamsize xsputn(const char*, std::streamsize count) override {
        ++calls;
        bytes += static_cast<std::uint64_t>(count);
        return count;
    }
    int_type overflow(int_type c) override {
        ++calls;
        ++bytes;
        return traits_type::not_eof(c);
    }
};

/// 256 samples of the shapes real training logs give: SageMaker-style names, a stream label,
/// losses and accuracies with many digits, small learning rates (exponent form), integer
/// counters, a large token count, an occasional NaN (a diverged step) and an infinity. Times
/// advance 7 ms per sample from a fixed instant, so a batch spans two seconds of wall clock.
std::vector<logmetrics::sample> realistic_batch() {
    using namespace std::chrono;
    static constexpr std::array<std::string_view, 8> names = {
        "train:loss",          "validation:loss", "train:accuracy", "validation:accuracy",
        "train:learning_rate", "epoch",           "global_step",    "train:tokens_seen"};
    const logmetrics::timestamp start = sys_days{year{2026} / 11 / 22} + 1h + 2min + 3s + 456ms;
    std::vector<logmetrics::sample> batch(batch_size);
    for (std::size_t i = 0; i < batch_size; ++i) {
        logmetrics::sample& s = batch[i];
        const std::size_t metric = i % names.size();
        s.definition = metric;
        s.metric = metric;
        s.name = names[metric];
        s.stream = "algo-1-train.log";
        s.time = start + milliseconds(7 * i);
        s.step = i / names.size();
        s.line = 1000 + i;
        const double x = static_cast<double>(i);
        switch (metric) {
            case 0: s.value = 2.3025850929940455 / (1.0 + x / 64); break;
            case 1: s.value = i % 64 == 9 ? std::numeric_limits<double>::quiet_NaN() : 2.41 / (1.0 + x / 80); break;
            case 2: s.value = 0.1 + x / 300.0; break;
            case 3: s.value = i == 251 ? std::numeric_limits<double>::infinity() : 0.5 + x / 1024.0; break;
            case 4: s.value = 3e-05 * (1.0 - x / 512.0); break;
            default: {
                const std::int64_t counter = metric == 5   ? static_cast<std::int64_t>(i / 32)
                                             : metric == 6 ? static_cast<std::int64_t>(100 * i)
                                                           : 9'007'199'254'740'993 + static_cast<std::int64_t>(i);
                s.type = logmetrics::value_type::integer;
                s.integer = counter;
                s.value = static_cast<double>(counter);
            }
        }
    }
    return batch;
}

const std::vector<logmetrics::sample>& workload() {
    static const std::vector<logmetrics::sample> batch = realistic_batch();
    return batch;
}

void report(benchmark::State& state, const discarding_buffer& out, std::uint64_t batches) {
    const auto samples = static_cast<double>(state.iterations()) * batch_size;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.SetBytesProcessed(static_cast<std::int64_t>(out.bytes));
    state.counters["per_sample"] =
        benchmark::Counter(samples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["writes_per_batch"] =
        benchmark::Counter(batches ? static_cast<double>(out.calls) / static_cast<double>(batches) : 0.0);
}

// ---------------------------------------------------------------------------------------------
// csv_sink and jsonl_sink
// ---------------------------------------------------------------------------------------------

template <class Sink, class... Options>
void sink_batches(benchmark::State& state, Options... options) {
    const std::span<const logmetrics::sample> batch(workload());
    discarding_buffer buffer;
    std::ostream out(&buffer);
    Sink sink(out, options...);
    buffer.calls = buffer.bytes = 0;  // the CSV header does not count
    std::uint64_t batches = 0;
    for (auto _ : state) {
        sink.write(batch);
        ++batches;
    }
    sink.flush();
    report(state, buffer, batches);
}

template <class Sink, class... Options>
void sink_one_at_a_time(benchmark::State& state, Options... options) {
    const std::span<const logmetrics::sample> batch(workload());
    discarding_buffer buffer;
    std::ostream out(&buffer);
    Sink sink(out, options...);
    buffer.calls = buffer.bytes = 0;
    std::uint64_t batches = 0;
    for (auto _ : state) {
        for (const logmetrics::sample& s : batch) sink.write(s);
        ++batches;
    }
    sink.flush();
    report(state, buffer, batches);
}

void csv_batch(benchmark::State& state) { sink_batches<logmetrics::csv_sink>(state, logmetrics::csv_options{}); }
void csv_one_at_a_time(benchmark::State& state) {
    sink_one_at_a_time<logmetrics::csv_sink>(state, logmetrics::csv_options{});
}
void jsonl_batch(benchmark::State& state) { sink_batches<logmetrics::jsonl_sink>(state); }
void jsonl_one_at_a_time(benchmark::State& state) { sink_one_at_a_time<logmetrics::jsonl_sink>(state); }

// EMF: the workload's samples are 7 ms apart, so each is an event of its own (about 330 bytes):
// the format's worst case. The sink's clock is the workload's, so that no sample is too old.
void emf_batch(benchmark::State& state) {
    sink_batches<logmetrics::emf_sink>(state, logmetrics::emf_options{},
                                       logmetrics::emf_sink::clock_function([] { return workload().front().time; }));
}

// The workload's metric names, in metric order (a sample's `metric` indexes them).
std::vector<std::string> workload_metric_names() {
    std::vector<std::string> names;
    for (const logmetrics::sample& s : workload()) {
        if (s.metric >= names.size()) names.resize(s.metric + 1);
        names[s.metric] = s.name;
    }
    return names;
}

void prometheus_batch(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::prometheus_options options;
    options.labels = {{"job", "train-7"}};
    logmetrics::prometheus_format format(workload_metric_names(), options);
    fmt::memory_buffer out;
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        format.observe(batch);
        out.clear();
        format.append(out);
        bytes += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    const auto samples = static_cast<double>(state.iterations()) * batch_size;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["per_sample"] =
        benchmark::Counter(samples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void prometheus_exposition(benchmark::State& state) {
    std::vector<logmetrics::sample> batch(workload());
    std::vector<std::string> streams;
    for (int i = 0; i < 128; ++i) streams.push_back(fmt::format("algo-{}-train.log", i));
    logmetrics::prometheus_options options;
    options.labels = {{"job", "train-7"}};
    logmetrics::prometheus_format format(workload_metric_names(), options);
    for (const std::string& stream : streams) {
        for (logmetrics::sample& s : batch) s.stream = stream;
        format.observe(batch);
    }
    fmt::memory_buffer out;
    for (auto _ : state) {
        out.clear();
        format.append(out);
        benchmark::DoNotOptimize(out.data());
    }
    const auto series = static_cast<double>(state.iterations()) * static_cast<double>(format.series_count());
    state.SetItemsProcessed(static_cast<std::int64_t>(series));
    state.SetBytesProcessed(
        static_cast<std::int64_t>(static_cast<double>(state.iterations()) * static_cast<double>(out.size())));
    state.counters["per_series"] =
        benchmark::Counter(series, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// The producer's side of async_sink: write(batch) into the queue while the worker drains it.
void async_enqueue(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::async_options options;
    options.overflow = logmetrics::overflow_policy::drop_oldest;
    options.capacity = 65536;
    logmetrics::async_sink<logmetrics::null_sink> sink(logmetrics::null_sink{}, options);
    for (auto _ : state) sink.write(batch);
    sink.flush();
    const auto samples = static_cast<double>(state.iterations()) * static_cast<double>(batch.size());
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.counters["per_sample"] =
        benchmark::Counter(samples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK(csv_batch)->Name("csv_sink/batch_256");
BENCHMARK(csv_one_at_a_time)->Name("csv_sink/one_at_a_time");
BENCHMARK(jsonl_batch)->Name("jsonl_sink/batch_256");
BENCHMARK(jsonl_one_at_a_time)->Name("jsonl_sink/one_at_a_time");
BENCHMARK(emf_batch)->Name("emf/batch_256");
BENCHMARK(prometheus_batch)->Name("prometheus/batch_256");
BENCHMARK(prometheus_exposition)->Name("prometheus/exposition_1024_series");

// TensorBoard: the format alone (tensorboard_sink adds a write(2) per 64 KiB), each batch's
// records appended to one reused buffer, as the sink's per-file buffer takes them.
void tensorboard_batch(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::tensorboard_format format;
    fmt::memory_buffer out;
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        out.clear();
        for (const logmetrics::sample& s : batch) format.append(out, s);
        bytes += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    discarding_buffer counted;
    counted.bytes = bytes;
    report(state, counted, 0);
}
BENCHMARK(tensorboard_batch)->Name("tensorboard/batch_256");

// Prometheus remote write: a request of 2048 samples (8 batches of the workload, 8 series), the
// format alone: added (series lookup, timestamps), then grouped by series and encoded.
constexpr std::size_t request_batches = 8;

void remote_write_request(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::remote_write_format_options options;
    options.labels = {{"job", "train-7"}};
    logmetrics::remote_write_format format(workload_metric_names(), options);
    fmt::memory_buffer out;
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < request_batches; ++i) format.add(batch);
        out.clear();
        format.append(out);
        bytes += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    const auto samples = static_cast<double>(state.iterations()) * batch_size * request_batches;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
    state.counters["per_sample"] =
        benchmark::Counter(samples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}
BENCHMARK(remote_write_request)->Name("remote_write/request_2048");

#if LOGMETRICS_BENCH_SNAPPY
// The same request compressed (snappy::RawCompress into a reused buffer), per sample.
void remote_write_snappy(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::remote_write_format_options options;
    options.labels = {{"job", "train-7"}};
    logmetrics::remote_write_format format(workload_metric_names(), options);
    fmt::memory_buffer request;
    for (std::size_t i = 0; i < request_batches; ++i) format.add(batch);
    format.append(request);
    std::string body(snappy::MaxCompressedLength(request.size()), '\0');
    std::size_t length = 0;
    for (auto _ : state) {
        snappy::RawCompress(request.data(), request.size(), body.data(), &length);
        benchmark::DoNotOptimize(body.data());
    }
    const auto samples = static_cast<double>(state.iterations()) * batch_size * request_batches;
    state.SetItemsProcessed(static_cast<std::int64_t>(samples));
    state.SetBytesProcessed(
        static_cast<std::int64_t>(static_cast<double>(state.iterations()) * static_cast<double>(request.size())));
    state.counters["per_sample"] =
        benchmark::Counter(samples, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
    state.counters["ratio"] = static_cast<double>(request.size()) / static_cast<double>(length);
}
BENCHMARK(remote_write_snappy)->Name("remote_write/snappy_2048");
#endif

// StatsD: the format alone (statsd_sink adds one send(2) per datagram), DogStatsD with the
// stream tag and a constant tag, packed into 1432-byte datagrams; NaN/Inf dropped.
void statsd_batch(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::statsd_options options;
    options.dialect = logmetrics::statsd_dialect::dogstatsd;
    options.tags = {{"job", "train-7"}};
    logmetrics::statsd_format format(workload_metric_names(), options);
    logmetrics::statsd_packets packets;
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        packets.clear();
        format.append(packets, batch);
        for (std::size_t i = 0; i < packets.size(); ++i) bytes += packets[i].size();
        benchmark::DoNotOptimize(packets.size());
    }
    discarding_buffer counted;
    counted.bytes = bytes;
    report(state, counted, 0);
}
BENCHMARK(statsd_batch)->Name("statsd/batch_256");

// InfluxDB line protocol: the format alone (influx_sink adds the HTTP request per 5000
// samples), ns timestamps, the stream tag and a constant tag; the workload's samples are 7 ms
// apart, so each is a line of its own (the format's worst case).
void influx_batch(benchmark::State& state) {
    const std::span<const logmetrics::sample> batch(workload());
    logmetrics::influx_options options;
    options.tags = {{"job", "train-7"}};
    logmetrics::influx_format format(options);
    fmt::memory_buffer out;
    std::uint64_t bytes = 0;
    for (auto _ : state) {
        out.clear();
        format.append(out, batch);
        bytes += out.size();
        benchmark::DoNotOptimize(out.data());
    }
    discarding_buffer counted;
    counted.bytes = bytes;
    report(state, counted, 0);
}
BENCHMARK(influx_batch)->Name("influx/batch_256");
BENCHMARK(async_enqueue)->Name("async/enqueue_256")->UseRealTime();

// ---------------------------------------------------------------------------------------------
// Doubles: std::to_chars (what number_text.hpp uses) against fmt's FMT_COMPILE("{}"), over the
// finite real values of the workload, into a reused fmt::memory_buffer.
// ---------------------------------------------------------------------------------------------

std::vector<double> workload_doubles() {
    std::vector<double> values;
    for (const logmetrics::sample& s : workload()) {
        if (s.type == logmetrics::value_type::real && std::isfinite(s.value)) values.push_back(s.value);
    }
    return values;
}

template <class Append>
void doubles(benchmark::State& state, Append append) {
    const std::vector<double> values = workload_doubles();
    fmt::memory_buffer out;
    for (auto _ : state) {
        out.clear();
        for (double v : values) append(out, v);
        benchmark::DoNotOptimize(out.data());
    }
    const auto count = static_cast<double>(state.iterations()) * static_cast<double>(values.size());
    state.SetItemsProcessed(static_cast<std::int64_t>(count));
    state.counters["per_value"] = benchmark::Counter(count, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void double_to_chars(benchmark::State& state) { doubles(state, logmetrics::detail::append_double); }
void double_fmt(benchmark::State& state) {
    doubles(state,
            [](fmt::memory_buffer& out, double v) { fmt::format_to(std::back_inserter(out), FMT_COMPILE("{}"), v); });
}

BENCHMARK(double_to_chars)->Name("number/to_chars");
BENCHMARK(double_fmt)->Name("number/fmt_compile");

// ---------------------------------------------------------------------------------------------
// The CLI's table (`--output table`), from the tool's own library (logmetrics_cli_lib), when the
// tool is built: aligned rows and each metric's running summary for its final values.
// ---------------------------------------------------------------------------------------------

#if LOGMETRICS_BENCH_CLI_TABLE
void table_batch(benchmark::State& state) {
    sink_batches<logmetrics::cli::table_sink>(state, workload_metric_names(), false);
}

BENCHMARK(table_batch)->Name("table/batch_256");
#endif

}  // namespace

BENCHMARK_MAIN();
