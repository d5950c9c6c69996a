// SPDX-License-Identifier: MIT
// The table the CLI prints (tools/logmetrics/table_sink.hpp): heading, rows, stream headings,
// final values, and a failing stream.

#include <sstream>
#include <string>
#include <vector>

#include <logmetrics/error.hpp>
#include <logmetrics/sinks/memory_store.hpp>

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
    table_sink table(out, 10, false);
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

TEST_CASE("table_sink names each stream only when asked to", "[cli][table]") {
    std::ostringstream labelled, plain;
    table_sink with_labels(labelled, 6, true);
    table_sink without(plain, 6, false);
    with_labels.begin_stream("a.log");
    without.begin_stream("a.log");
    CHECK(labelled.str().ends_with("==> a.log <==\n"));
    CHECK(plain.str().find("a.log") == std::string::npos);
}

TEST_CASE("table_sink's final values: last value, count, min and max per metric, '-' when none", "[cli][table]") {
    memory_store store;
    const std::vector<sample> batch = {make_sample("loss", 0.5, 1, 0), make_sample("loss", 0.25, 2, 1),
                                       make_sample("loss", 0.75, 3, 2)};
    store.write(batch);
    std::ostringstream out;
    table_sink table(out, 6, false);
    table.write(batch);
    out.str("");
    table.write_final(store, {"loss", "acc"});
    CHECK(out.str() ==
          "\nfinal values\n"
          "metric    last value  count           min           max\n"
          "------  ------------  -----  ------------  ------------\n"
          "loss            0.75      3          0.25          0.75\n"
          "acc                -      0             -             -\n");
}

TEST_CASE("table_sink says when there were no samples", "[cli][table]") {
    memory_store store;
    std::ostringstream out;
    table_sink table(out, 6, false);
    table.write_final(store, {"loss"});
    CHECK(out.str().find("(no samples)\n\nfinal values\n") != std::string::npos);
}

TEST_CASE("table_sink throws an io_error once its stream has failed", "[cli][table]") {
    std::ostringstream out;
    table_sink table(out, 6, false);
    out.setstate(std::ios::badbit);
    REQUIRE_THROWS_AS(table.write(make_sample("loss", 1, 1, 0)), logmetrics::error);
    REQUIRE_THROWS_AS(table.flush(), logmetrics::error);
}
