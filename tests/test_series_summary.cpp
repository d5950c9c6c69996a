// SPDX-License-Identifier: MIT
// Tests for series_summary (stats.hpp), the running summary memory_store and later sinks share.

#include <chrono>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/stats.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::series_summary;
using test_support::fixed_time;
using test_support::inf_value;
using test_support::make_integer_sample;
using test_support::make_sample;
using test_support::nan_value;

}  // namespace

TEST_CASE("series_summary starts empty", "[stats]") {
    STATIC_REQUIRE(std::is_nothrow_copy_constructible_v<series_summary>);
    const series_summary s;
    CHECK(s.empty());
    CHECK(s.count == 0);
    CHECK(s.non_finite == 0);
    CHECK(std::isnan(s.last.value));
    CHECK_FALSE(s.last_finite);
    CHECK(std::isnan(s.min));
    CHECK(std::isnan(s.max));
    CHECK(std::isnan(s.mean()));
}

TEST_CASE("series_summary keeps last, min, max, mean and counts", "[stats]") {
    series_summary s;
    s.observe(4.0, fixed_time());
    s.observe(2.0, fixed_time(1s));
    s.observe(3.0, fixed_time(2s));
    CHECK_FALSE(s.empty());
    CHECK(s.count == 3);
    CHECK(s.non_finite == 0);
    CHECK(s.last.value == 3.0);
    CHECK(s.last.time == fixed_time(2s));
    REQUIRE(s.last_finite);
    CHECK(s.last_finite->value == 3.0);
    CHECK(s.min == 2.0);
    CHECK(s.max == 4.0);
    CHECK(s.mean() == 3.0);
    CHECK(s.sum == 9.0);

    s.observe(-0.5, fixed_time(3s));  // a new minimum after the first
    CHECK(s.min == -0.5);
    CHECK(s.max == 4.0);
}

TEST_CASE("series_summary skips NaN for min, max, mean and last_finite, last shows it", "[stats]") {
    series_summary s;
    s.observe(nan_value, fixed_time());  // NaN first: the first number still sets min and max
    CHECK(s.count == 1);
    CHECK(s.nan == 1);
    CHECK(s.non_finite == 1);
    CHECK(std::isnan(s.min));
    CHECK(std::isnan(s.mean()));
    CHECK_FALSE(s.last_finite);

    s.observe(5.0, fixed_time(1s));
    s.observe(1.0, fixed_time(2s));
    s.observe(nan_value, fixed_time(3s));
    CHECK(s.count == 4);
    CHECK(s.nan == 2);
    CHECK(s.min == 1.0);
    CHECK(s.max == 5.0);
    CHECK(s.mean() == 3.0);
    CHECK(std::isnan(s.last.value));
    CHECK(s.last.time == fixed_time(3s));
    REQUIRE(s.last_finite);
    CHECK(s.last_finite->value == 1.0);
    CHECK(s.last_finite->time == fixed_time(2s));
}

TEST_CASE("series_summary counts infinities in min, max and mean, not in last_finite", "[stats]") {
    series_summary s;
    s.observe(1.0, fixed_time());
    s.observe(inf_value, fixed_time(1s));
    CHECK(s.non_finite == 1);
    CHECK(s.nan == 0);
    CHECK(s.max == inf_value);
    CHECK(s.mean() == inf_value);
    CHECK(s.last.value == inf_value);
    CHECK(s.last_finite->value == 1.0);
    s.observe(-inf_value, fixed_time(2s));
    CHECK(s.min == -inf_value);
    CHECK(std::isnan(s.mean()));  // inf + -inf
    CHECK(s.non_finite == 2);

    series_summary only_infinite;
    only_infinite.observe(-inf_value, fixed_time());
    CHECK(only_infinite.min == -inf_value);
    CHECK(only_infinite.max == -inf_value);
    CHECK_FALSE(only_infinite.last_finite);
}

TEST_CASE("series_summary keeps a sample's exact integer, step and line", "[stats]") {
    series_summary s;
    s.observe(make_integer_sample("tokens", 9007199254740993, 7, 14));
    s.observe(make_sample("tokens", nan_value, 8, 15));
    REQUIRE(s.last_finite);
    CHECK(s.last_finite->type == logmetrics::value_type::integer);
    CHECK(s.last_finite->integer == 9007199254740993);
    CHECK(s.last_finite->step == 7);
    CHECK(s.last_finite->line == 14);
    CHECK(s.last.step == 8);
    CHECK(s.last.type == logmetrics::value_type::real);
}
