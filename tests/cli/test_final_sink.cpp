// SPDX-License-Identifier: MIT
// The final:PATH output (tools/logmetrics/final_sink.hpp): each metric's last finite value as
// FinalMetricDataList, in definition order; metrics with none are left out and named.

#include <chrono>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <logmetrics/error.hpp>

#include "final_sink.hpp"
#include "support/catch.hpp"

using namespace logmetrics;
using logmetrics::cli::final_sink;

namespace {

sample make_sample(std::string_view name, std::size_t metric, double value, std::int64_t millis) {
    sample s;
    s.name = name;
    s.metric = metric;
    s.value = value;
    s.time = timestamp(std::chrono::milliseconds(millis));
    return s;
}

}  // namespace

TEST_CASE("final_sink: each metric's last finite value, in definition order", "[cli][final]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    std::ostringstream out;
    final_sink final(out, {"loss", "acc", "lr", "unseen"});
    const std::vector<sample> batch = {make_sample("acc", 1, 0.5, 1000),   make_sample("loss", 0, 2.5, 2000),
                                       make_sample("loss", 0, 0.25, 3000), make_sample("loss", 0, nan, 4000),
                                       make_sample("lr", 2, nan, 4000),    make_sample("lr", 2, inf, 5000),
                                       make_sample("acc", 1, -inf, 6000),  make_sample("other", 9, 1, 7000)};
    final.write(batch);
    CHECK(out.str().empty());  // written at close()
    final.close();
    CHECK(out.str() ==
          R"([{"MetricName":"loss","Value":0.25,"Timestamp":3.000},{"MetricName":"acc","Value":0.5,"Timestamp":1.000}])"
          "\n");
    CHECK(final.left_out() == std::vector<std::string>{"lr"});
}

TEST_CASE("final_sink: no samples, an empty list", "[cli][final]") {
    std::ostringstream out;
    final_sink final(out, {"loss"});
    final.close();
    CHECK(out.str() == "[]\n");
    CHECK(final.left_out().empty());
}

TEST_CASE("final_sink: a failed stream is an io_error at close()", "[cli][final]") {
    std::ostringstream out;
    final_sink final(out, {"loss"});
    final.write(make_sample("loss", 0, 1, 0));
    out.setstate(std::ios::badbit);
    REQUIRE_THROWS_AS(final.close(), logmetrics::error);
}
