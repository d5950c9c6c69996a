// SPDX-License-Identifier: MIT
// Proves that the per-line path does not allocate once warmed up. This executable replaces
// glibc's malloc family with counting wrappers (glibc supports interposing them; the originals
// stay reachable as __libc_malloc & co.), so every allocation counts: operator new, PCRE2's and
// Hyperscan's own. Counting is switched on only around the code under test.

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <cstddef>
#include <cstdlib>
#include <filesystem>
#include <chrono>
#include <limits>
#include <ostream>
#include <span>
#include <streambuf>
#include <string>
#include <vector>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/detail/string_table.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "logmetrics/sinks/csv.hpp"
#include "logmetrics/sinks/emf.hpp"
#include "logmetrics/sinks/tensorboard.hpp"
#include "logmetrics/sinks/jsonl.hpp"
#include "logmetrics/sinks/prometheus_textfile.hpp"
#include "logmetrics/sinks/async.hpp"
#include "support/catch.hpp"
#ifdef LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
#endif

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
}

namespace {
std::atomic<bool> counting{false};
std::atomic<long> allocations{0};
void count() noexcept {
    if (counting.load(std::memory_order_relaxed)) allocations.fetch_add(1, std::memory_order_relaxed);
}
}  // namespace

extern "C" {
void* malloc(std::size_t size) {
    count();
    return __libc_malloc(size);
}
void* calloc(std::size_t n, std::size_t size) {
    count();
    return __libc_calloc(n, size);
}
void* realloc(void* p, std::size_t size) {
    count();
    return __libc_realloc(p, size);
}
void* aligned_alloc(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}
void* memalign(std::size_t alignment, std::size_t size) {
    count();
    return __libc_memalign(alignment, size);
}
int posix_memalign(void** out, std::size_t alignment, std::size_t size) {
    count();
    *out = __libc_memalign(alignment, size);
    return *out ? 0 : 12;  // ENOMEM
}
}

namespace {

struct counting_sink {
    std::size_t samples = 0;
    double sum = 0;
    std::size_t ticks = 0;
    void write(const logmetrics::sample& s) {
        ++samples;
        sum += s.value;
    }
    void flush() {}
    void tick(logmetrics::timestamp) { ++ticks; }  // so the tick path is measured too
};

/// A log with matching, rejected, non-matching, escaped, cut, CR-glued and backspaced lines.
std::string training_log(int lines) {
    std::string log;
    for (int i = 0; i < lines; ++i) {
        log += "[" + std::to_string(i) + "]\ttrain-rmse:" + std::to_string(i % 7) + ".5\tvalidation-rmse:1." +
               std::to_string(i % 10) + "\n";
        log += "12/50 [===>....] - loss: 0.71\r13/50 [====>...] - loss: 0.70 - acc=n/a\r\n";
        log += "14/50 \xe2\x94\x81 - loss: 0.69" + std::string(20, '\b') + "\xe2\x94\x81\xe2\x94\x81 - loss: 0.68\r\n";
        log += "\x1b[32mINFO\x1b[0m step " + std::to_string(i) + " nothing to see here\n";
        if (i % 50 == 0) log += std::string(300, 'y') + " loss: 9.5\n";
    }
    return log;
}

template <class Engine>
void check_no_allocation(logmetrics::framing_mode mode) {
    auto definitions = logmetrics::parse_definitions(R"J([
        {"Name": "validation:rmse", "Regex": ".*\\[[0-9]+\\].*#011validation-rmse:(\\S+)"},
        {"Name": "train:rmse", "Regex": "train-rmse:([-+]?[0-9]*\\.?[0-9]+)"},
        {"Name": "loss", "Regex": "loss: ([0-9.]+)"},
        {"Name": "acc", "Regex": "acc=(\\S+)"},
        {"Name": "lookbehind", "Regex": "(?<=step )(\\d+)"},
        {"Name": "empty", "Regex": "nothing=(\\d*)"}])J");
    counting_sink sink;
    logmetrics::monitor_options options;
    options.framing = {mode, 256};  // small, so that some lines are cut
    options.stream = "a stream label longer than any small-string buffer";
    auto clock_now = std::make_shared<logmetrics::timestamp>();
    options.clock = [clock_now] { return *clock_now += std::chrono::milliseconds(300); };
    auto m = logmetrics::make_monitor(definitions, Engine{}, options, sink);
    const std::string log = training_log(400);
    m.feed(log);  // warm up: buffers reach their working size

    const std::size_t ticks_before = sink.ticks;
    allocations = 0;
    counting = true;
    for (std::size_t at = 0; at < log.size(); at += 1000) m.feed(std::string_view(log).substr(at, 1000));
    for (int i = 0; i < 100; ++i) m.feed_line("loss: 0.25 acc=0.5");
    counting = false;

    CHECK(allocations.load() == 0);
    CHECK(sink.samples > 1000);  // the path under test did real work
    CHECK(sink.ticks - ticks_before > 10);
    CHECK(m.stats().rejected > 0);
    CHECK(m.stats().cut_lines > 0);
}

}  // namespace

TEST_CASE("the counting allocator sees allocations", "[alloc]") {
    allocations = 0;
    counting = true;
    std::string* s = new std::string(100, 'x');
    counting = false;
    delete s;
    CHECK(allocations.load() >= 1);  // so a zero below means something
}

TEST_CASE("feeding lines does not allocate (pcre2 engine)", "[alloc]") {
    for (auto mode :
         {logmetrics::framing_mode::raw, logmetrics::framing_mode::sagemaker, logmetrics::framing_mode::terminal}) {
        INFO("mode " << to_string(mode));
        check_no_allocation<logmetrics::pcre2_engine>(mode);
    }
}

#ifdef LOGMETRICS_HAS_HYPERSCAN
TEST_CASE("feeding lines does not allocate (hyperscan engine)", "[alloc]") {
    for (auto mode :
         {logmetrics::framing_mode::raw, logmetrics::framing_mode::sagemaker, logmetrics::framing_mode::terminal}) {
        INFO("mode " << to_string(mode));
        check_no_allocation<logmetrics::hyperscan_engine>(mode);
    }
}
#endif

TEST_CASE("interning a string the table holds does not allocate", "[alloc][string_table]") {
    logmetrics::detail::string_table table;
    const std::string long_label(100, 'l');  // beyond any small-string buffer
    for (const char* name : {"loss", "acc", "validation:error"}) table.intern(name);
    table.intern(long_label);

    allocations = 0;
    counting = true;
    std::size_t sum = 0;
    for (int i = 0; i < 100; ++i) {
        sum += table.intern("acc") + table.intern("loss") + table.intern(long_label);
        sum += table.view_of("validation:error").size();
    }
    counting = false;

    CHECK(allocations.load() == 0);
    CHECK(sum == 100 * (1 + 0 + 3 + 16));
}

namespace {

/// A stream buffer that drops what it is given, so only the sinks' own work is counted.
struct discarding_buffer : std::streambuf {
    std::streamsize xsputn(const char*, std::streamsize count) override { return count; }
    int_type overflow(int_type c) override { return traits_type::not_eof(c); }
};

}  // namespace

TEST_CASE("csv and jsonl sinks write without allocating once their buffer has grown", "[alloc]") {
    discarding_buffer discard;
    std::ostream out(&discard);
    logmetrics::csv_sink csv(out);
    logmetrics::jsonl_sink jsonl(out);

    std::vector<logmetrics::sample> batch(256);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].name = i % 3 == 0 ? "validation:accuracy" : "needs \"quoting\", and escaping\n";
        batch[i].stream = "a stream label longer than any small-string buffer";
        batch[i].value = i % 7 == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / static_cast<double>(i + 1);
        batch[i].time = logmetrics::timestamp{} + std::chrono::milliseconds(1'795'309'323'456 + 9 * i);
        batch[i].line = i + 1;
    }
    const std::span<const logmetrics::sample> samples(batch);
    csv.write(samples);  // warm up: the buffers reach a batch's size
    jsonl.write(samples);

    allocations = 0;
    counting = true;
    for (int i = 0; i < 20; ++i) {
        csv.write(samples);
        jsonl.write(samples);
        csv.write(samples[static_cast<std::size_t>(i)]);
        jsonl.write(samples[static_cast<std::size_t>(i)]);
    }
    csv.flush();
    jsonl.flush();
    counting = false;

    CHECK(allocations.load() == 0);
    CHECK(csv.rows() == 21 * 256 + 20);  // the path under test did real work
    CHECK(jsonl.lines() == 21 * 256 + 20);
}

TEST_CASE("the emf sink writes without allocating once its buffers have grown", "[alloc][emf]") {
    discarding_buffer discard;
    std::ostream out(&discard);
    const auto now = logmetrics::timestamp{} + std::chrono::milliseconds(1'795'309'323'456);
    logmetrics::emf_options options;
    options.dimensions = {{"job", "train-7"}};
    logmetrics::emf_sink emf(out, options, [now] { return now; });

    // 8 metrics a line, 32 lines of one ms each; some NaN (dropped); one metric with many values.
    std::vector<logmetrics::sample> batch(256);
    for (std::size_t i = 0; i < batch.size(); ++i) {
        batch[i].name = i % 8 == 0 ? "validation:accuracy" : i % 8 == 1 ? "needs \"escaping\"" : "train:loss";
        batch[i].stream = "a stream label longer than any small-string buffer";
        batch[i].value = i % 7 == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / static_cast<double>(i + 1);
        batch[i].time = now - std::chrono::milliseconds(i / 8);
        batch[i].line = i / 8 + 1;
    }
    const std::span<const logmetrics::sample> samples(batch);
    emf.write(samples);  // warm up
    const std::uint64_t events = emf.events();

    allocations = 0;
    counting = true;
    for (int i = 0; i < 20; ++i) {
        emf.write(samples);
        emf.write(samples[static_cast<std::size_t>(i)]);
    }
    emf.flush();
    counting = false;

    CHECK(allocations.load() == 0);
    CHECK(events == 32);
    CHECK(emf.events() == 21 * 32 + 20 - 3);  // samples 0, 7 and 14 of the 20 are NaN
}

TEST_CASE("the prometheus textfile sink records and rewrites its file without allocating once its series exist",
          "[alloc][prometheus]") {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("logmetrics-alloc-prom-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::vector<std::string> metrics = {"train:loss", "val loss", "epoch"};
    logmetrics::prometheus_options format;
    format.labels = {{"job", "train-7"}};
    logmetrics::prometheus_textfile_options options;
    options.interval = std::chrono::seconds(0);
    {
        logmetrics::prometheus_textfile_sink sink(dir / "train.prom", metrics, format, options);
        std::vector<logmetrics::sample> batch(256);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i].metric = i % 3;
            batch[i].name = metrics[i % 3];
            batch[i].stream =
                i % 2 ? "a stream label longer than any small-string buffer" : "another long stream label";
            batch[i].value = i % 7 == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / static_cast<double>(i + 1);
        }
        const std::span<const logmetrics::sample> samples(batch);
        auto now = logmetrics::timestamp{} + std::chrono::milliseconds(1'795'309'323'456);
        sink.write(samples);  // warm up: the series and the text buffer
        sink.tick(now);

        allocations = 0;
        counting = true;
        for (int i = 0; i < 20; ++i) {
            sink.write(samples);
            sink.write(samples[static_cast<std::size_t>(i)]);
            now += std::chrono::seconds(1);
            sink.tick(now);  // a rewrite each time (interval 0)
        }
        sink.flush();
        counting = false;

        CHECK(allocations.load() == 0);
        CHECK(sink.rewrites() == 21);
        CHECK(sink.format().series_count() == 6);
    }
    std::filesystem::remove_all(dir);
}

TEST_CASE("a monitor feeding csv and jsonl sinks does not allocate", "[alloc]") {
    auto definitions = logmetrics::parse_definitions(R"J([
        {"Name": "train:rmse", "Regex": "train-rmse:([-+]?[0-9]*\\.?[0-9]+)"},
        {"Name": "loss", "Regex": "loss: ([0-9.]+)"}])J");
    discarding_buffer discard;
    std::ostream out(&discard);
    logmetrics::csv_sink csv(out);
    logmetrics::jsonl_sink jsonl(out);
    logmetrics::monitor_options options;
    options.stream = "a stream label longer than any small-string buffer";
    auto m = logmetrics::make_monitor(definitions, logmetrics::pcre2_engine{}, options, csv, jsonl);
    const std::string log = training_log(400);
    auto feed_in_chunks = [&] {
        for (std::size_t at = 0; at < log.size(); at += 1000) m.feed(std::string_view(log).substr(at, 1000));
    };
    feed_in_chunks();  // warm up as the counted part feeds: lines cut by chunks grow the carry-over

    allocations = 0;
    counting = true;
    feed_in_chunks();
    counting = false;

    CHECK(allocations.load() == 0);
    CHECK(csv.rows() > 1000);
    CHECK(m.stats().sink_errors == 0);
}

TEST_CASE("async_sink writes without allocating once every name and label was seen", "[alloc][async]") {
    logmetrics::async_options options;
    options.capacity = 512;  // small enough that writers wait for room now and then
    logmetrics::async_sink<counting_sink> sink(counting_sink{}, options);
    const std::string stream(100, 's');  // beyond any small-string buffer
    logmetrics::sample batch[3];
    batch[0].name = "loss";
    batch[1].name = "validation:accuracy";
    batch[2].name = "loss";
    for (auto& s : batch) {
        s.stream = stream;
        s.value = 1;
    }
    for (int i = 0; i < 1000; ++i) sink.write(std::span<const logmetrics::sample>(batch));  // warm up
    sink.flush();

    allocations = 0;
    counting = true;
    for (int i = 0; i < 10'000; ++i) {
        sink.write(std::span<const logmetrics::sample>(batch));
        sink.write(batch[1]);
    }
    counting = false;
    sink.flush();

    CHECK(allocations.load() == 0);  // counted on every thread: the writer's and the worker's
    sink.with_inner([](const counting_sink& inner) { CHECK(inner.samples == 3000 + 40'000); });
}

TEST_CASE("the tensorboard sink writes its event files without allocating once its runs exist",
          "[alloc][tensorboard]") {
    std::string pattern = (std::filesystem::temp_directory_path() / "logmetrics-alloc-tb-XXXXXX").string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    const std::filesystem::path dir(pattern);
    const auto start = logmetrics::timestamp{} + std::chrono::milliseconds(1'795'309'323'456);
    {
        logmetrics::tensorboard_options options;
        options.run_per_stream = true;
        options.buffer_bytes = 4096;  // written out several times per batch
        logmetrics::tensorboard_sink sink(dir, options);
        // Two streams, 8 metrics; a NaN now and then (written), a value beyond float range (dropped).
        std::vector<logmetrics::sample> batch(256);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            batch[i].name = i % 8 == 0 ? "validation/accuracy" : "train/loss";
            batch[i].stream = i % 2 == 0 ? "a stream label longer than any small-string buffer" : "pod-1";
            batch[i].value = i % 7 == 0 ? std::numeric_limits<double>::quiet_NaN() : 1.0 / static_cast<double>(i + 1);
            if (i == 100) batch[i].value = 1e300;
            batch[i].time = start + std::chrono::milliseconds(i);
            batch[i].step = i;
        }
        const std::span<const logmetrics::sample> samples(batch);
        sink.write(samples);  // warm up: makes both runs and grows their buffers
        sink.tick(start);

        allocations = 0;
        counting = true;
        for (int i = 0; i < 20; ++i) {
            sink.write(samples);
            sink.write(samples[static_cast<std::size_t>(i)]);
            sink.tick(start + std::chrono::seconds(10 * (i + 1)));
        }
        sink.flush();
        counting = false;

        CHECK(allocations.load() == 0);
        CHECK(sink.files().size() == 2);
        const auto drops = sink.drops();
        CHECK(drops[0].reason == "value beyond float range");
        CHECK(drops[0].count == 21);  // one per batch, the warm-up included
        sink.close();
        // Every sample but the dropped ones is in the files: 16 bytes of framing and at least 30 of
        // event each.
        std::uintmax_t bytes = 0;
        for (const auto& file : sink.files()) bytes += std::filesystem::file_size(file);
        CHECK(bytes >= (21 * 256 + 20 - 21) * 46);
    }
    std::filesystem::remove_all(dir);
}
