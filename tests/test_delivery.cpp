// SPDX-License-Identifier: MIT
// Delivery to many sinks (detail/sink_set.hpp) and the optional sink members (sink.hpp): the one
// error policy shared by the monitor's tuple and fanout_sink, sink names, drops, tick and close,
// and any_sink forwarding them.

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

#include "logmetrics/detail/sink_set.hpp"
#include "logmetrics/sink.hpp"
#include "logmetrics/sinks/fanout.hpp"
#include "logmetrics/sinks/null.hpp"
#include "support/catch.hpp"

using namespace logmetrics;

namespace {

sample make(double value) {
    sample s;
    s.name = "loss";
    s.value = value;
    return s;
}

/// Takes samples one by one; throws on the values listed in `fail_on` and on flush when asked.
struct flaky_sink {
    std::vector<double> fail_on;
    bool fail_flush = false;
    std::vector<double> written;
    int flushes = 0;
    void write(const sample& s) {
        for (double v : fail_on) {
            if (s.value == v) throw std::runtime_error("cannot write " + std::to_string(static_cast<int>(v)));
        }
        written.push_back(s.value);
    }
    void flush() {
        ++flushes;
        if (fail_flush) throw 42;  // not a std::exception
    }
};

/// Takes batches; throws on every batch when `failing`. Has a name.
struct named_batch_sink {
    std::string label = "batches";
    bool failing = false;
    std::vector<std::size_t> batches;
    void write(const sample&) { batches.push_back(1); }
    void write(std::span<const sample> batch) {
        if (failing) throw std::runtime_error("batch refused");
        batches.push_back(batch.size());
    }
    void flush() {}
    std::string_view name() const { return label; }
};

/// Has every optional member: tick, close, and drops as a span over its own counts.
struct periodic_sink {
    std::vector<timestamp> ticks;
    int closes = 0;
    std::array<drop_count, 2> counts{{{"too old", 3}, {"non-finite", 1}}};
    void write(const sample&) {}
    void flush() {}
    void tick(timestamp now) { ticks.push_back(now); }
    void close() { ++closes; }
    std::span<const drop_count> drops() const { return counts; }
};

/// Reports drops as a small array by value, as async_sink does.
struct array_drops_sink {
    std::uint64_t full = 0;
    void write(const sample&) { ++full; }
    void flush() {}
    std::array<drop_count, 1> drops() const { return {{{"queue full", full}}}; }
};

struct recorded_error {
    std::size_t sink;
    std::string name;
    std::string message;
    std::uint64_t lost = 0;
    bool operator==(const recorded_error&) const = default;
};

}  // namespace

TEST_CASE("the optional sink members are detected", "[delivery][concept]") {
    STATIC_REQUIRE(named_sink<named_batch_sink>);
    STATIC_REQUIRE_FALSE(named_sink<flaky_sink>);
    STATIC_REQUIRE(ticking_sink<periodic_sink>);
    STATIC_REQUIRE_FALSE(ticking_sink<flaky_sink>);
    STATIC_REQUIRE(closable_sink<periodic_sink>);
    STATIC_REQUIRE_FALSE(closable_sink<named_batch_sink>);
    STATIC_REQUIRE(drop_counting_sink<periodic_sink>);
    STATIC_REQUIRE(drop_counting_sink<array_drops_sink>);
    STATIC_REQUIRE_FALSE(drop_counting_sink<flaky_sink>);
    STATIC_REQUIRE(detail::sink_set<detail::sink_tuple<periodic_sink, flaky_sink>>::any_ticking());
    STATIC_REQUIRE_FALSE(detail::sink_set<detail::sink_tuple<flaky_sink, named_batch_sink&>>::any_ticking());
}

TEST_CASE("a sink set calls every sink, guards each call, and counts and names each failure", "[delivery]") {
    flaky_sink first{{2.0}, false, {}, 0};
    named_batch_sink second;
    second.failing = true;
    flaky_sink third{{}, true, {}, 0};
    std::vector<recorded_error> errors;
    detail::sink_set<detail::sink_tuple<flaky_sink&, named_batch_sink&, flaky_sink&>> set(
        [&](const sink_error& e) {
            errors.push_back({e.sink, std::string(e.name), std::string(e.message), e.lost});
        },
        detail::unhandled_policy::print_first, first, second, third);

    const sample batch[] = {make(1), make(2), make(3)};
    // The single-sample sink loses sample 2 only; the batch sink its whole batch.
    CHECK(set.write(batch) == 1 + 3);
    CHECK(first.written == std::vector<double>{1, 3});
    CHECK(third.written == std::vector<double>{1, 2, 3});
    set.flush();
    CHECK(first.flushes == 1);
    CHECK(third.flushes == 1);

    CHECK(set.errors(0) == 1);
    CHECK(set.errors(1) == 1);
    CHECK(set.errors(2) == 1);
    CHECK(set.errors() == 3);
    CHECK(set.name(0) == "sink 0");
    CHECK(set.name(1) == "batches");
    CHECK(errors == std::vector<recorded_error>{{0, "sink 0", "cannot write 2", 1},
                                                {1, "batches", "batch refused", 3},
                                                {2, "sink 2", "unknown exception", 0}});
    second.label.clear();  // an empty name falls back to the position
    CHECK(set.name(1) == "sink 1");
}

TEST_CASE("a sink set counts the samples each sink lost by throwing, and keeps its last message", "[delivery]") {
    flaky_sink single{{2.0, 4.0}, true, {}, 0};
    named_batch_sink batches;
    flaky_sink healthy;
    detail::sink_set<detail::sink_tuple<flaky_sink&, named_batch_sink&, flaky_sink&>> set(
        {}, detail::unhandled_policy::collect, single, batches, healthy);
    CHECK(set.lost() == 0);
    CHECK(set.last_error(0).empty());

    const sample first[] = {make(1), make(2), make(3)};
    set.write(first);
    CHECK(set.lost(0) == 1);  // sample 2 only
    CHECK(set.last_error(0) == "cannot write 2");
    CHECK(set.lost(1) == 0);

    batches.failing = true;
    const sample second[] = {make(4), make(5)};
    set.write(second);
    CHECK(set.lost(0) == 2);                       // and sample 4
    CHECK(set.last_error(0) == "cannot write 4");  // the last message, not the first
    CHECK(set.lost(1) == 2);                       // the whole batch
    CHECK(set.last_error(1) == "batch refused");

    set.flush();  // a failed flush is an error that loses no sample
    CHECK(set.errors(0) == 3);
    CHECK(set.lost(0) == 2);
    CHECK(set.last_error(0) == "unknown exception");

    CHECK(set.lost(2) == 0);
    CHECK(set.errors(2) == 0);
    CHECK(set.last_error(2).empty());
    CHECK(healthy.written == std::vector<double>{1, 2, 3, 4, 5});
    CHECK(set.lost() == 4);
    CHECK(set.take_unhandled().count == 4);
}

TEST_CASE("a sink set swallows what its error handler throws", "[delivery]") {
    flaky_sink failing{{1.0}, false, {}, 0};
    flaky_sink after;
    detail::sink_set<detail::sink_tuple<flaky_sink&, flaky_sink&>> set(
        [](const sink_error&) { throw std::logic_error("handler broke"); }, detail::unhandled_policy::print_first,
        failing, after);
    const sample one = make(1);
    CHECK(set.write(std::span<const sample>(&one, 1)) == 1);
    CHECK(after.written.size() == 1);
    CHECK(set.errors(0) == 1);
}

TEST_CASE("a sink set ticks and closes the sinks that can, and sums their drops", "[delivery]") {
    periodic_sink periodic;
    array_drops_sink by_value;
    flaky_sink plain;
    detail::sink_set<detail::sink_tuple<periodic_sink&, array_drops_sink&, flaky_sink&>> set(
        {}, detail::unhandled_policy::print_first, periodic, by_value, plain);
    const timestamp now{std::chrono::seconds(1'700'000'000)};
    set.tick(now);
    set.close();
    CHECK(periodic.ticks == std::vector<timestamp>{now});
    CHECK(periodic.closes == 1);

    const sample batch[] = {make(1), make(2)};
    set.write(batch);
    auto drops = set.drops(1);
    REQUIRE(drops.size() == 1);
    CHECK(drops[0].reason == "queue full");
    CHECK(drops[0].count == 2);
    CHECK(set.drops(0).size() == 2);
    CHECK(set.drops(2).empty());
    CHECK(set.drops() == 3 + 1 + 2);
}

TEST_CASE("any_sink carries a name and forwards tick, close and drops", "[delivery][any_sink]") {
    any_sink unnamed{flaky_sink{}};
    CHECK(unnamed.name().empty());
    CHECK_FALSE(unnamed.takes_batches());
    CHECK(unnamed.drops().empty());
    unnamed.tick(timestamp{});  // no tick inside: nothing happens
    unnamed.close();

    any_sink own_name{named_batch_sink{}};
    CHECK(own_name.name() == "batches");
    CHECK(own_name.takes_batches());
    any_sink given("csv:out.csv", named_batch_sink{});
    CHECK(given.name() == "csv:out.csv");

    any_sink periodic("metrics push", periodic_sink{});
    const timestamp now{std::chrono::seconds(5)};
    periodic.tick(now);
    periodic.close();
    CHECK(periodic.target<periodic_sink>()->ticks == std::vector<timestamp>{now});
    CHECK(periodic.target<periodic_sink>()->closes == 1);
    REQUIRE(periodic.drops().size() == 2);
    CHECK(periodic.drops()[1].reason == "non-finite");

    any_sink by_value{array_drops_sink{}};
    by_value.write(make(1));
    REQUIRE(by_value.drops().size() == 1);
    CHECK(by_value.drops()[0].count == 1);

    // Naming an any_sink takes its sink over (no any_sink inside an any_sink); "" keeps the name.
    any_sink renamed("table:-", std::move(given));
    CHECK(renamed.name() == "table:-");
    REQUIRE(renamed.target<named_batch_sink>() != nullptr);
    CHECK(renamed.target<any_sink>() == nullptr);
    any_sink kept("", std::move(renamed));
    CHECK(kept.name() == "table:-");
    any_sink own("", any_sink{named_batch_sink{}});
    CHECK(own.name() == "batches");
}

TEST_CASE("any_sink holds a std::ref by reference: the caller's sink gets everything", "[delivery][any_sink]") {
    STATIC_REQUIRE(std::is_constructible_v<any_sink, std::reference_wrapper<periodic_sink>>);
    STATIC_REQUIRE(std::is_constructible_v<any_sink, std::string, std::reference_wrapper<periodic_sink>>);
    STATIC_REQUIRE_FALSE(std::is_constructible_v<any_sink, std::reference_wrapper<const periodic_sink>>);

    periodic_sink periodic;
    {
        any_sink held(std::ref(periodic));
        CHECK(held.target<periodic_sink>() == &periodic);  // not a copy
        held.write(make(1));
        const timestamp now{std::chrono::seconds(9)};
        held.tick(now);
        held.close();
        CHECK(periodic.ticks == std::vector<timestamp>{now});
        CHECK(periodic.closes == 1);
        REQUIRE(held.drops().size() == 2);
        periodic.counts[0].count = 30;  // read from the caller's sink at each call
        CHECK(held.drops()[0].count == 30);
        CHECK(held.name().empty());
        CHECK_FALSE(held.takes_batches());
    }
    CHECK(periodic.closes == 1);  // destroying the any_sink leaves the caller's sink alone

    named_batch_sink batches;
    any_sink own_name(std::ref(batches));
    CHECK(own_name.name() == "batches");
    batches.label = "renamed";
    CHECK(own_name.name() == "renamed");
    CHECK(own_name.takes_batches());
    const sample batch[] = {make(1), make(2), make(3)};
    own_name.write(std::span<const sample>(batch));
    CHECK(batches.batches == std::vector<std::size_t>{3});
    any_sink given("jsonl:-", std::ref(batches));
    CHECK(given.name() == "jsonl:-");

    // In a fanout (as std::ref converts to any_sink): samples, flushes and failures are the caller's.
    flaky_sink flaky{{2.0}, false, {}, 0};
    fanout_sink fanout;
    fanout.set_error_handler([](const sink_error&) {});
    fanout.add(std::ref(flaky)).add(any_sink("mine", std::ref(batches)));
    fanout.write(std::span<const sample>(batch));
    fanout.flush();
    CHECK(flaky.written == std::vector<double>{1, 3});
    CHECK(flaky.flushes == 1);
    CHECK(fanout.child_lost(0) == 1);
    CHECK(fanout.child_name(1) == "mine");
    CHECK(batches.batches == std::vector<std::size_t>{3, 3});
}

TEST_CASE("a single-sample sink inside any_sink still loses only the samples that failed", "[delivery][any_sink]") {
    detail::sink_set<detail::sink_list> set({}, detail::unhandled_policy::collect);
    set.add(flaky_sink{{1.0, 3.0}, false, {}, 0});
    const sample batch[] = {make(1), make(2), make(3), make(4)};
    CHECK(set.write(batch) == 2);
    CHECK(set.list()[0].target<flaky_sink>()->written == std::vector<double>{2, 4});
    const auto unhandled = set.take_unhandled();
    CHECK(unhandled.count == 2);
    CHECK(unhandled.name == "sink 0");
    CHECK(unhandled.message == "cannot write 1");
    CHECK(set.take_unhandled().count == 0);  // taken
}

TEST_CASE("fanout_sink without a handler calls every child, then rethrows naming the first failure",
          "[delivery][fanout]") {
    fanout_sink fanout;
    fanout.add(flaky_sink{})
        .add(any_sink("disk", flaky_sink{{1.0}, true, {}, 0}))
        .add(flaky_sink{{}, true, {}, 0})
        .add(null_sink{});
    CHECK(fanout.size() == 4);
    CHECK(fanout.child_name(1) == "disk");
    CHECK(fanout.child_name(2) == "sink 2");

    try {
        fanout.write(make(1));
        FAIL("no exception");
    } catch (const error& e) {
        CHECK(e.code() == errc::io_error);
        CHECK(e.message() == "fanout: disk failed: cannot write 1");
    }
    CHECK(fanout[0].target<flaky_sink>()->written.size() == 1);
    CHECK(fanout[2].target<flaky_sink>()->written.size() == 1);  // after the failing child
    CHECK(fanout[3].target<null_sink>()->count() == 1);

    const sample batch[] = {make(2), make(3)};
    fanout.write(std::span<const sample>(batch));  // nothing fails: nothing thrown
    CHECK(fanout[1].target<flaky_sink>()->written == std::vector<double>{2, 3});

    try {
        fanout.flush();
        FAIL("no exception");
    } catch (const error& e) {
        CHECK(e.message() == "fanout: disk failed: unknown exception (and 1 more failures)");
    }
    CHECK(fanout[0].target<flaky_sink>()->flushes == 1);
    CHECK(fanout[3].target<null_sink>()->flushes() == 1);
    CHECK(fanout.child_errors(1) == 2);
    CHECK(fanout.child_errors(2) == 1);
    // Rethrown or not, each child's losses are counted: "disk" lost sample 1, the flushes none.
    CHECK(fanout.child_lost(0) == 0);
    CHECK(fanout.child_lost(1) == 1);
    CHECK(fanout.child_lost(2) == 0);
    CHECK(fanout.child_last_error(1) == "unknown exception");
    CHECK(fanout.child_last_error(0).empty());
}

TEST_CASE("fanout_sink with a handler reports every failure by the child's name and throws nothing",
          "[delivery][fanout]") {
    std::vector<recorded_error> errors;
    std::vector<any_sink> children;
    children.emplace_back("csv", flaky_sink{{2.0}, false, {}, 0});
    children.emplace_back(named_batch_sink{"jsonl", true, {}});
    fanout_sink fanout(std::move(children), [&](const sink_error& e) {
        errors.push_back({e.sink, std::string(e.name), std::string(e.message), e.lost});
    });
    const sample batch[] = {make(1), make(2), make(3)};
    CHECK_NOTHROW(fanout.write(std::span<const sample>(batch)));
    CHECK(fanout[0].target<flaky_sink>()->written == std::vector<double>{1, 3});
    CHECK(errors == std::vector<recorded_error>{{0, "csv", "cannot write 2", 1}, {1, "jsonl", "batch refused", 3}});
    CHECK(fanout.child_errors(0) == 1);
    CHECK(fanout.child_lost(0) == 1);
    CHECK(fanout.child_lost(1) == 3);
    CHECK(fanout.child_last_error(1) == "batch refused");

    CHECK_NOTHROW(fanout.write(make(2)));  // one more lost by "csv", written one by one
    CHECK(fanout.child_lost(0) == 2);
    CHECK(fanout.child_lost(1) == 4);
    CHECK(fanout.child_errors(1) == 2);
}

TEST_CASE("fanout_sink forwards tick and close, and lists its children's drops", "[delivery][fanout]") {
    fanout_sink fanout;
    fanout.add(periodic_sink{}).add(flaky_sink{}).add(array_drops_sink{});
    const timestamp now{std::chrono::seconds(7)};
    fanout.tick(now);
    fanout.close();
    CHECK(fanout[0].target<periodic_sink>()->ticks == std::vector<timestamp>{now});
    CHECK(fanout[0].target<periodic_sink>()->closes == 1);
    fanout.write(make(1));
    auto drops = fanout.drops();
    REQUIRE(drops.size() == 3);
    CHECK(drops[0].reason == "too old");
    CHECK(drops[2].reason == "queue full");
    CHECK(drops[2].count == 1);
    CHECK(fanout.child_drops(1).empty());

    // Nested: the outer fanout ticks the inner one, which ticks its child.
    fanout_sink outer;
    outer.add(std::move(fanout));
    outer.tick(now);
    CHECK(outer[0].target<fanout_sink>()->operator[](0).target<periodic_sink>()->ticks.size() == 2);
    CHECK(outer.drops().size() == 3);
}
