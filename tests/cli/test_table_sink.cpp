// SPDX-License-Identifier: MIT
// The table the CLI prints (tools/logmetrics/table_sink.hpp): heading, rows, stream headings,
// final values, and a failing stream.

#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include <logmetrics/error.hpp>

#include "support/catch.hpp"
#include "table_sink.hpp"

using namespace logmetrics;
using logmetrics::cli::table_sink;

namespace {

sample make_sample(std::string_view name, double value, std::uint64_t line, std::uint64_t step) {
    sample s;
    s.name = name;
    s.value = value;
    s.line = line;
    s.step = step;
    s.stream = "train.log";
    return s;
}

}  // namespace

TEST_CASE("table_sink writes a heading, then one aligned row per sample", "[cli][table]") {
    std::ostringstream out;
    table_sink table(out, {"train:loss", "acc"}, false);
    const std::vector<sample> batch = {make_sample("train:loss", 0.25, 3, 1), make_sample("acc", 1000, 12345, 42)};
    table.write(batch);
    table.write(make_sample("x", -1.5e-7, 1234567, 123456));
    CHECK(out.str() ==
          "  line  metric             value   step\n"
          "------  ----------  ------------  -----\n"
          "     3  train:loss          0.25      1\n"
          " 12345  acc                 1000     42\n"
          "1234567  x               -1.5e-07  123456\n");  // wide cells push, never cut
}

TEST_CASE("table_sink rows: %.6g values, exact integers, nan whatever its sign, a name it was not given",
          "[cli][table]") {
    std::ostringstream out;
    table_sink table(out, {"loss", "steps"}, false);
    std::vector<sample> batch = {make_sample("loss", -std::numeric_limits<double>::quiet_NaN(), 1, 0),
                                 make_sample("loss", -std::numeric_limits<double>::infinity(), 2, 1),
                                 make_sample("loss", 1234567.0, 3, 2), make_sample("steps", 0, 4, 0),
                                 make_sample("other", 0.000123456789, 5, 0)};
    batch[3].metric = 1;
    batch[3].type = value_type::integer;
    batch[3].integer = -9007199254740993;
    batch[3].value = -9007199254740993.0;
    batch[4].metric = 7;  // not one of the table's metrics: shown, not summed
    table.write(batch);
    table.close();
    CHECK(out.str() ==
          "  line  metric         value   step\n"
          "------  ------  ------------  -----\n"
          "     1  loss             nan      0\n"
          "     2  loss            -inf      1\n"
          "     3  loss     1.23457e+06      2\n"
          "     4  steps   -9007199254740993      0\n"
          "     5  other    0.000123457      0\n"
          "\nfinal values\n"
          "metric   last finite  count           min           max\n"
          "------  ------------  -----  ------------  ------------\n"
          "loss     1.23457e+06      3          -inf   1.23457e+06\n"
          "steps   -9007199254740993      1   -9.0072e+15   -9.0072e+15\n");
}

TEST_CASE("table_sink names the stream whenever the label changes, when asked to", "[cli][table]") {
    std::ostringstream labelled, plain;
    table_sink with_labels(labelled, {"loss"}, true);
    table_sink without(plain, {"loss"}, false);
    sample a = make_sample("loss", 1, 1, 0), b = make_sample("loss", 2, 1, 0);
    a.stream = "a.log";
    b.stream = "b.log";
    const std::vector<sample> batch = {a, a, b, a};
    for (table_sink* table : {&with_labels, &without}) table->write(batch);
    CHECK(labelled.str().substr(labelled.str().find("-\n") + 2) ==
          "==> a.log <==\n"
          "     1  loss               1      0\n"
          "     1  loss               1      0\n"
          "==> b.log <==\n"
          "     1  loss               2      0\n"
          "==> a.log <==\n"
          "     1  loss               1      0\n");
    CHECK(plain.str().find("==>") == std::string::npos);
}

TEST_CASE("table_sink escapes control bytes in a stream label, as in metric names", "[cli][table]") {
    std::ostringstream out;
    table_sink table(out, {"loss"}, true);
    sample a = make_sample("loss", 1, 1, 0);
    a.stream = "ctl\x1b[31m.log";
    table.write(a);
    CHECK(out.str().find("==> \"ctl\\x1b[31m.log\" <==\n") != std::string::npos);
    CHECK(out.str().find('\x1b') == std::string::npos);
}

TEST_CASE("table_sink's final values: last finite value, count, min and max per metric (NaN skipped), '-' when none",
          "[cli][table]") {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<sample> batch = {make_sample("loss", 0.5, 1, 0), make_sample("loss", 0.25, 2, 1),
                                 make_sample("loss", nan, 3, 2), make_sample("loss", 0.75, 4, 3),
                                 make_sample("lr", nan, 4, 0),   make_sample("steps", 0, 5, 0),
                                 make_sample("grad", 2.5, 6, 0), make_sample("grad", inf, 7, 1)};
    batch[4].metric = 2;
    batch[5].metric = 3;
    batch[5].type = value_type::integer;
    batch[5].integer = 9007199254740993;
    batch[5].value = 9007199254740993.0;
    batch[6].metric = batch[7].metric = 4;
    std::ostringstream out;
    table_sink table(out, {"loss", "acc", "lr", "steps", "grad"}, false);
    table.write(batch);
    out.str("");
    table.close();
    CHECK(out.str() ==
          "\nfinal values\n"
          "metric   last finite  count           min           max\n"
          "------  ------------  -----  ------------  ------------\n"
          "loss            0.75      4          0.25          0.75\n"
          "acc                -      0             -             -\n"
          "lr                 -*     1           nan           nan\n"
          "steps   9007199254740993      1    9.0072e+15    9.0072e+15\n"
          "grad             2.5*     2           2.5           inf\n"
          "* the last value was NaN or infinite\n");
}

TEST_CASE("table_sink says when there were no samples", "[cli][table]") {
    std::ostringstream out;
    table_sink table(out, {"loss"}, false);
    table.close();
    CHECK(out.str().find("(no samples)\n\nfinal values\n") != std::string::npos);
}

TEST_CASE("table_sink throws an io_error once its stream has failed", "[cli][table]") {
    std::ostringstream out;
    table_sink table(out, {"loss"}, false);
    out.setstate(std::ios::badbit);
    REQUIRE_THROWS_AS(table.write(make_sample("loss", 1, 1, 0)), logmetrics::error);
    REQUIRE_THROWS_AS(table.flush(), logmetrics::error);
}
