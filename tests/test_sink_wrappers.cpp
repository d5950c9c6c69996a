// SPDX-License-Identifier: MIT
// The sink wrappers: synchronized_sink (one lock around a sink shared by monitors on many
// threads), async_sink (a bounded queue and a worker thread) and its ring, detail/bounded_queue.
// Every test that starts a thread is tagged [threads] (CI runs those under TSan). None waits for
// a time: a sink that blocks is held by a gate the test opens, and the test waits for flags.

#include <array>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/detail/bounded_queue.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "logmetrics/sinks/async.hpp"
#include "logmetrics/sinks/synchronized.hpp"
#include "support/catch.hpp"
#include "testing/recording_sink.hpp"

using namespace logmetrics;
using test_support::recording_sink;

namespace {

sample make(double value, std::string_view name = "loss", std::string_view stream = "train.log") {
    sample s;
    s.name = name;
    s.stream = stream;
    s.value = value;
    return s;
}

/// Holds every caller of `pass()` until `open()`; counts who arrived.
class gate {
public:
    void pass() {
        arrived_.fetch_add(1);
        std::unique_lock lock(mutex_);
        opened_.wait(lock, [this] { return open_; });
    }
    void open() {
        {
            std::lock_guard lock(mutex_);
            open_ = true;
        }
        opened_.notify_all();
    }
    /// Waits (without a timeout: the test hangs rather than guesses) until someone is held.
    void wait_for_arrival() const {
        while (arrived_.load() == 0) std::this_thread::yield();
    }

private:
    std::mutex mutex_;
    std::condition_variable opened_;
    bool open_ = false;
    std::atomic<int> arrived_{0};
};

/// Records into storage the test owns, so it outlives the async_sink; passes a gate first if given.
struct external_sink {
    std::vector<double>* values;
    int* flushes;
    gate* held = nullptr;
    void write(const sample& s) {
        if (held) held->pass();
        values->push_back(s.value);
    }
    void flush() { ++*flushes; }
};

/// Throws for the values in `fail_on`; has every optional member.
struct full_featured_sink {
    std::vector<double> fail_on;
    std::vector<double> values;
    std::vector<timestamp> ticks;
    int flushes = 0;
    int closes = 0;
    void write(const sample& s) {
        for (double v : fail_on) {
            if (s.value == v) throw std::runtime_error("refused " + std::to_string(static_cast<int>(v)));
        }
        values.push_back(s.value);
    }
    void flush() { ++flushes; }
    void tick(timestamp now) { ticks.push_back(now); }
    void close() { ++closes; }
    std::string_view name() const { return "featured"; }
    std::span<const drop_count> drops() const { return own_drops; }
    std::array<drop_count, 1> own_drops{{{"too old", 2}}};
};

full_featured_sink failing_on(std::vector<double> values) {
    full_featured_sink sink;
    sink.fail_on = std::move(values);
    return sink;
}

struct batch_sink {
    std::vector<std::size_t> sizes;
    void write(const sample&) { sizes.push_back(1); }
    void write(std::span<const sample> batch) { sizes.push_back(batch.size()); }
    void flush() {}
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// detail/bounded_queue.hpp
// ---------------------------------------------------------------------------------------------

TEST_CASE("bounded_queue refuses or overwrites when full, and keeps first-in first-out order", "[bounded_queue]") {
    detail::bounded_queue<int> queue(3);
    CHECK(queue.capacity() == 3);
    CHECK(queue.try_push(1));
    CHECK(queue.try_push(2));
    CHECK(queue.try_push(3));
    CHECK(queue.full());
    CHECK_FALSE(queue.try_push(4));
    CHECK(queue.front() == 1);
    CHECK(queue.push_overwriting(5));  // 1 goes
    CHECK(queue.front() == 2);
    std::vector<int> out;
    CHECK(queue.pop_into(out, 2) == 2);
    CHECK(out == std::vector<int>{2, 3});
    CHECK_FALSE(queue.push_overwriting(6));  // room: nothing overwritten
    CHECK(queue.try_push(7));                // wraps around the end of the ring
    CHECK(queue.pop_into(out, 10) == 3);
    CHECK(out == std::vector<int>{2, 3, 5, 6, 7});
    CHECK(queue.empty());
    REQUIRE_THROWS_AS(detail::bounded_queue<int>(0), error);
}

// ---------------------------------------------------------------------------------------------
// sinks/synchronized.hpp
// ---------------------------------------------------------------------------------------------

TEST_CASE("synchronized_sink forwards exactly the members its sink has", "[synchronized]") {
    STATIC_REQUIRE(batch_metric_sink<synchronized_sink<batch_sink>>);
    STATIC_REQUIRE(metric_sink<synchronized_sink<recording_sink>>);
    STATIC_REQUIRE_FALSE(batch_metric_sink<synchronized_sink<recording_sink>>);  // still guarded per sample
    STATIC_REQUIRE_FALSE(ticking_sink<synchronized_sink<recording_sink>>);
    STATIC_REQUIRE(ticking_sink<synchronized_sink<full_featured_sink>>);
    STATIC_REQUIRE(closable_sink<synchronized_sink<full_featured_sink>>);
    STATIC_REQUIRE(named_sink<synchronized_sink<full_featured_sink>>);
    STATIC_REQUIRE(drop_counting_sink<synchronized_sink<full_featured_sink>>);

    synchronized_sink<full_featured_sink> sink(std::in_place, failing_on({2.0}));
    sink.write(make(1));
    REQUIRE_THROWS_AS(sink.write(make(2)), std::runtime_error);
    sink.flush();
    sink.tick(timestamp{std::chrono::seconds(3)});
    sink.close();
    CHECK(sink.name() == "featured");
    const auto drops = sink.drops();
    REQUIRE(drops.size() == 1);
    CHECK(drops[0].count == 2);
    sink.with_lock([](full_featured_sink& inner) {
        CHECK(inner.values == std::vector<double>{1});
        CHECK(inner.flushes == 1);
        CHECK(inner.ticks.size() == 1);
        CHECK(inner.closes == 1);
    });

    synchronized_sink<batch_sink> batches{batch_sink{}};
    const sample batch[] = {make(1), make(2)};
    batches.write(std::span<const sample>(batch));
    CHECK(batches.with_lock([](batch_sink& inner) { return inner.sizes; }) == std::vector<std::size_t>{2});
}

TEST_CASE("synchronized_sink lets monitors on several threads share one sink", "[synchronized][threads]") {
    const auto definitions = parse_definitions(R"J([{"Name": "loss", "Regex": "loss=(\\S+)"}])J");
    const auto matcher = compile(definitions, pcre2_engine{});
    std::string log;
    for (int i = 0; i < 3000; ++i) log += "step " + std::to_string(i) + " loss=" + std::to_string(i) + "\n";
    synchronized_sink<recording_sink> shared{recording_sink{}};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            monitor_options options;
            options.stream = "worker-" + std::to_string(t);
            options.batch_size = 7 + static_cast<std::size_t>(t);
            auto m = make_monitor(matcher, options, shared);
            for (std::size_t at = 0; at < log.size(); at += 1000) m.feed(std::string_view(log).substr(at, 1000));
            m.finish();
        });
    }
    for (auto& t : threads) t.join();
    shared.with_lock([](recording_sink& sink) {
        REQUIRE(sink.samples.size() == 4 * 3000);
        CHECK(sink.flushes == 4);
        for (int t = 0; t < 4; ++t) {  // each monitor's samples arrive in order
            double last = -1;
            std::size_t count = 0;
            for (const auto& s : sink.samples) {
                if (s.stream != "worker-" + std::to_string(t)) continue;
                CHECK(s.value == last + 1);
                last = s.value;
                ++count;
            }
            CHECK(count == 3000);
        }
    });
}

// ---------------------------------------------------------------------------------------------
// sinks/async.hpp
// ---------------------------------------------------------------------------------------------

TEST_CASE("async_sink owns queued samples: their strings may change after write", "[async][threads]") {
    async_sink<recording_sink> sink(recording_sink{});
    STATIC_REQUIRE(batch_metric_sink<async_sink<recording_sink>>);
    STATIC_REQUIRE(drop_counting_sink<async_sink<recording_sink>>);
    STATIC_REQUIRE_FALSE(ticking_sink<async_sink<recording_sink>>);
    std::string name = "validation:loss";
    std::string stream = "a stream label longer than any small-string buffer";
    for (int i = 0; i < 100; ++i) {
        sink.write(make(i, name, stream));
        name[0] = static_cast<char>('a' + i % 26);  // the caller's buffers change at once
        stream[0] = static_cast<char>('a' + i % 26);
    }
    sink.flush();
    sink.with_inner([](recording_sink& inner) {
        REQUIRE(inner.samples.size() == 100);
        CHECK(inner.samples[0].name == "validation:loss");
        CHECK(inner.samples[0].stream == "a stream label longer than any small-string buffer");
        CHECK(inner.samples[1].name == "aalidation:loss");
        CHECK(inner.samples[99].value == 99);
        CHECK(inner.flushes == 1);
    });
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("async_sink takes samples from several producer threads, losing none when it blocks", "[async][threads]") {
    async_options options;
    options.capacity = 64;  // small, so that producers wait for room
    options.batch_size = 16;
    async_sink<recording_sink> sink(recording_sink{}, options);
    constexpr int producers = 4;
    constexpr int per_producer = 5000;
    const std::string streams[producers] = {"p0", "p1", "p2", "p3"};
    std::vector<std::thread> threads;
    for (int p = 0; p < producers; ++p) {
        threads.emplace_back([&sink, &streams, p] {
            std::vector<sample> batch;
            for (int i = 0; i < per_producer; ++i) {
                batch.push_back(make(i, i % 2 ? "loss" : "acc", streams[p]));
                if (batch.size() == 1 + static_cast<std::size_t>(p) * 3 || i == per_producer - 1) {
                    if (batch.size() == 1) {
                        sink.write(batch.front());
                    } else {
                        sink.write(std::span<const sample>(batch));
                    }
                    batch.clear();
                }
                if (i == per_producer / 2) sink.flush();  // flushes interleave with writes
            }
        });
    }
    for (auto& t : threads) t.join();
    sink.flush();
    sink.with_inner([&](recording_sink& inner) {
        REQUIRE(inner.samples.size() == producers * per_producer);
        for (int p = 0; p < producers; ++p) {  // each producer's samples in its order
            double next = 0;
            for (const auto& s : inner.samples) {
                if (s.stream != streams[p]) continue;
                CHECK(s.value == next);
                CHECK(s.name == (static_cast<int>(next) % 2 ? "loss" : "acc"));
                next += 1;
            }
            CHECK(next == per_producer);
        }
    });
    for (const auto& d : sink.drops()) CHECK(d.count == 0);
}

TEST_CASE("async_sink with drop_new or drop_oldest never waits for a sink that does not return", "[async][threads]") {
    gate held;
    std::vector<double> values;
    int flushes = 0;
    async_options options;
    options.capacity = 4;
    const bool drop_new = GENERATE(true, false);
    options.overflow = drop_new ? overflow_policy::drop_new : overflow_policy::drop_oldest;
    INFO(to_string(options.overflow));
    {
        async_sink<external_sink> sink(external_sink{&values, &flushes, &held}, options);
        sink.write(make(1));
        held.wait_for_arrival();                            // the worker took sample 1 and is stuck in the sink
        for (int i = 2; i <= 11; ++i) sink.write(make(i));  // 4 fit; 6 do not, and write() returns
        const auto drops = sink.drops();
        CHECK(drops[0].reason == "queue full");
        CHECK(drops[0].count == (drop_new ? 6u : 0u));
        CHECK(drops[1].reason == "oldest overwritten");
        CHECK(drops[1].count == (drop_new ? 0u : 6u));
        CHECK(drops[2].count == 0);
        held.open();  // so that the sink can end
        sink.flush();
    }
    if (drop_new) {
        CHECK(values == std::vector<double>{1, 2, 3, 4, 5});
    } else {
        CHECK(values == std::vector<double>{1, 8, 9, 10, 11});
    }
}

TEST_CASE("async_sink flush waits for what was queued, and the destructor drains", "[async][threads]") {
    gate held;
    std::vector<double> values;
    int flushes = 0;
    std::atomic<bool> flushed{false};
    std::thread flusher;
    {
        async_options options;
        options.capacity = 16;
        options.batch_size = 4;
        async_sink<external_sink> sink(external_sink{&values, &flushes, &held}, options);
        for (int i = 0; i < 10; ++i) sink.write(make(i));
        held.wait_for_arrival();
        flusher = std::thread([&] {
            sink.flush();
            flushed = true;
        });
        CHECK_FALSE(flushed.load());  // the sink is still held
        held.open();
        flusher.join();
        CHECK(flushed.load());
        CHECK(values.size() == 10);  // flush returned after every queued sample was written
        CHECK(flushes == 1);
        for (int i = 10; i < 1000; ++i) sink.write(make(i));  // queued, some blocking for room
    }                                                         // the destructor writes the rest and flushes
    REQUIRE(values.size() == 1000);
    CHECK(values.back() == 999);
    CHECK(flushes == 2);
}

TEST_CASE("async_sink reports what its sink throws, counts the lost samples, and goes on", "[async][threads]") {
    std::mutex reported_mutex;
    std::vector<std::string> reported;
    async_options options;
    options.on_error = [&](const sink_error& e) {
        std::lock_guard lock(reported_mutex);  // called on the worker
        reported.push_back(std::string(e.name) + ": " + std::string(e.message));
    };
    async_sink<full_featured_sink> sink(failing_on({2.0, 4.0}), options);
    CHECK(sink.name() == "featured");
    for (int i = 1; i <= 5; ++i) sink.write(make(i));
    sink.flush();
    CHECK(sink.drops()[2].reason == "sink failed");
    CHECK(sink.drops()[2].count == 2);
    sink.with_inner([](full_featured_sink& inner) { CHECK(inner.values == std::vector<double>{1, 3, 5}); });
    std::lock_guard lock(reported_mutex);
    CHECK(reported == std::vector<std::string>{"featured: refused 2", "featured: refused 4"});
}

TEST_CASE("async_sink forwards tick and close to its sink on the worker, and is named", "[async][threads]") {
    STATIC_REQUIRE(ticking_sink<async_sink<full_featured_sink>>);
    async_options options;
    options.name = "push";
    async_sink<full_featured_sink> sink(full_featured_sink{}, options);
    CHECK(sink.name() == "push");
    sink.write(make(1));
    sink.tick(timestamp{std::chrono::seconds(9)});
    sink.close();  // waits for the write before it; the tick may come before or after the close
    sink.with_inner([](full_featured_sink& inner) {
        CHECK(inner.values == std::vector<double>{1});
        CHECK(inner.closes == 1);
        CHECK(inner.flushes == 1);
    });
    sink.flush();  // the worker goes on after close
    sink.with_inner([](full_featured_sink& inner) {
        CHECK(inner.flushes == 2);
        CHECK(inner.ticks.size() == 1);  // by now: the worker ticks in the pass that closed, or before
    });
    CHECK(async_sink<recording_sink>(recording_sink{}).name() == "async sink");
}

/// Counts the NaNs it refuses under a reason it owns; passes a gate first if given.
struct nan_refusing_sink {
    gate* held = nullptr;
    std::string reason = std::string("non-finite value (a reason the sink owns, longer than SSO)");
    std::array<drop_count, 1> counts{};
    void write(const sample& s) {
        if (held) held->pass();
        if (std::isnan(s.value)) ++counts[0].count;
    }
    void flush() {}
    std::span<const drop_count> drops() const {
        counts_view = counts;
        counts_view[0].reason = reason;
        return counts_view;
    }
    mutable std::array<drop_count, 1> counts_view{};
};

TEST_CASE("async_sink reports its inner sink's own drops after its queue's, without waiting for the worker",
          "[async][threads]") {
    gate held;
    async_sink<nan_refusing_sink> sink(nan_refusing_sink{&held});
    REQUIRE(sink.drops().size() == 4);
    CHECK(sink.drops()[3].reason == "non-finite value (a reason the sink owns, longer than SSO)");
    CHECK(sink.drops()[3].count == 0);
    sink.write(make(std::nan("")));
    held.wait_for_arrival();            // the worker is inside the inner write, held...
    CHECK(sink.drops()[3].count == 0);  // ...and drops() answers: the count as last copied
    held.open();
    sink.write(make(1.0));
    sink.write(make(std::nan("")));
    sink.flush();
    const auto list = sink.drops();
    const std::span<const drop_count> all = list;  // converts, as drop_counting_sink needs
    REQUIRE(all.size() == 4);
    CHECK(all[0].reason == "queue full");
    CHECK(all[3].count == 2);
    STATIC_REQUIRE(drop_counting_sink<async_sink<nan_refusing_sink>>);
}

TEST_CASE("async_sink keeps each inner reason's drop_cause, and its queue's reasons are delivery failures",
          "[async][threads]") {
    nan_refusing_sink inner;
    inner.counts[0].cause = drop_cause::format_rule;
    inner.counts_view[0].cause = drop_cause::format_rule;
    async_sink<nan_refusing_sink> sink(std::move(inner));
    const auto list = sink.drops();
    REQUIRE(list.size() == 4);
    for (std::size_t i = 0; i < 3; ++i) CHECK(list[i].cause == drop_cause::delivery_failed);
    CHECK(list[3].cause == drop_cause::format_rule);
    CHECK(drop_count{"unclassified", 1}.cause == drop_cause::delivery_failed);  // the safe default
}

/// Its close() fails (a last push that does not get through) the first `failures` times.
struct failing_close_sink {
    int failures = 1;
    void write(const sample&) {}
    void flush() {}
    void close() {
        if (failures > 0) {
            --failures;
            throw error(errc::io_error, "last push failed: Connection refused");
        }
    }
};

TEST_CASE("async_sink close throws when its inner sink's close failed, with the inner message", "[async][threads]") {
    async_options options;
    options.on_error = [](const sink_error&) {};  // quiet
    async_sink<failing_close_sink> sink(failing_close_sink{}, options);
    sink.write(make(1.0));
    try {
        sink.close();
        FAIL("close() did not throw");
    } catch (const error& e) {
        CHECK(e.code() == errc::io_error);
        CHECK(e.message() == "last push failed: Connection refused");
    }
    CHECK_NOTHROW(sink.close());  // the next close succeeds
    CHECK_NOTHROW(sink.flush());
}

TEST_CASE("async_sink inside a monitor: owned by it, flushed by finish, drops in the stats", "[async][threads]") {
    const auto definitions = parse_definitions(R"J([{"Name": "loss", "Regex": "loss=(\\S+)"}])J");
    gate held;
    std::vector<double> values;
    int flushes = 0;
    async_options options;
    options.capacity = 2;
    options.overflow = overflow_policy::drop_new;
    auto m = make_monitor(definitions, pcre2_engine{}, monitor_options{},
                          async_sink<external_sink>(external_sink{&values, &flushes, &held}, options));
    m.feed("loss=1\n");
    held.wait_for_arrival();
    m.feed("loss=2\nloss=3\nloss=4\nloss=5\n");  // 2 fit, 2 are dropped
    CHECK(m.stats().sink_drops == 2);
    CHECK(m.sink_name(0) == "async sink");
    REQUIRE(m.sink_drops(0).size() == 3);
    CHECK(m.sink_drops(0)[0].count == 2);
    held.open();
    m.finish();
    CHECK(values == std::vector<double>{1, 2, 3});
    CHECK(flushes == 1);
}

TEST_CASE("async_sink refuses a capacity or batch size of 0", "[async][threads]") {
    async_options options;
    options.capacity = 0;
    REQUIRE_THROWS_AS(async_sink<recording_sink>(recording_sink{}, options), error);
    options.capacity = 1;
    options.batch_size = 0;
    REQUIRE_THROWS_AS(async_sink<recording_sink>(recording_sink{}, options), error);
}
