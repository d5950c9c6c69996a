// SPDX-License-Identifier: MIT
// The scan summary (tools/logmetrics/summary.hpp): totals over streams and the text on stderr.

#include <string>
#include <vector>

#include <logmetrics/definition.hpp>

#include "summary.hpp"
#include "support/catch.hpp"

using namespace logmetrics;
using namespace logmetrics::cli;

namespace {

definition_stats stats_of(std::uint64_t samples, std::uint64_t rejected, std::string example = {},
                          std::uint64_t example_line = 0) {
    definition_stats d;
    d.samples = samples;
    d.rejected = rejected;
    d.rejected_example = std::move(example);
    d.rejected_example_line = example_line;
    return d;
}

}  // namespace

TEST_CASE("run_totals sums streams and keeps the first rejected example with its stream", "[cli][summary]") {
    run_totals totals(2);
    monitor_stats first;
    first.bytes = 100;
    first.lines = 10;
    first.samples = 3;
    first.rejected = 1;
    const std::vector<definition_stats> a = {stats_of(2, 0), stats_of(1, 1, "n/a", 7)};
    totals.add(first, a, "a.log");
    monitor_stats second = first;
    second.sink_errors = 2;
    const std::vector<definition_stats> b = {stats_of(5, 2, "x", 1), stats_of(0, 1, "later", 9)};
    totals.add(second, b, "b.log");

    CHECK(totals.streams == 2);
    CHECK(totals.all.bytes == 200);
    CHECK(totals.all.lines == 20);
    CHECK(totals.all.sink_errors == 2);
    CHECK(totals.per_definition[0].samples == 7);
    CHECK(totals.per_definition[0].rejected_example == "x");
    CHECK(totals.example_stream[0] == "b.log");
    CHECK(totals.per_definition[1].rejected == 2);
    CHECK(totals.per_definition[1].rejected_example == "n/a");
    CHECK(totals.example_stream[1] == "a.log");
    CHECK(totals.per_definition[1].rejected_example_line == 7);
}

TEST_CASE("run_totals keeps the first stream's example even when the rejected capture was empty", "[cli][summary]") {
    run_totals totals(1);
    const std::vector<definition_stats> empty_capture = {stats_of(0, 1, "", 4)};
    const std::vector<definition_stats> later = {stats_of(0, 1, "oops", 9)};
    totals.add(monitor_stats{}, empty_capture, "a.log");
    totals.add(monitor_stats{}, later, "b.log");
    CHECK(totals.per_definition[0].rejected == 2);
    CHECK(totals.per_definition[0].rejected_example.empty());
    CHECK(totals.per_definition[0].rejected_example_line == 4);
    CHECK(totals.example_stream[0] == "a.log");
}

TEST_CASE("format_summary: per definition counts and notes, then totals and time", "[cli][summary]") {
    const definition_set definitions({{"train:loss", "loss=(\\S+)"}, {"train:acc", "acc=(\\S+)"}});
    run_totals totals(2);
    monitor_stats s;
    s.bytes = 2048;
    s.lines = 7;
    s.samples = 5;
    s.rejected = 1;
    s.match_errors = 1;
    const std::vector<definition_stats> per = {stats_of(4, 0), stats_of(1, 1, "n/\x01", 3)};
    totals.add(s, per, "stdin");
    totals.per_definition[0].match_errors = 1;
    const std::vector<std::string> plans = {"", "runs as pcre2-only: can match an empty string"};
    summary_facts facts{definitions, plans, "pcre2", "sagemaker", 0.0125, 2.0};
    facts.outputs = {{"jsonl:-", 0, {}, {}},
                     {"csv:/dev/full", 3, {}, {}, 1500, "No space left on device"},
                     {"async:x", 1, {{"queue full", 12, true}, {"oldest overwritten", 1, true}}, {}},
                     {"emf:-", 0, {{"non-finite value", 2, false}}, {}},
                     {"jsonl:/dev/full", 0, {}, {}, 1, "No space left on device"},
                     {"final:f.json", 0, {}, {"lr", "grad_norm"}}};
    facts.stopped = "interrupted by SIGTERM: reading stopped early; the outputs were closed";
    totals.all.sink_errors = 4;
    totals.all.sink_lost = 1501;
    totals.all.sink_drops = 15;
    CHECK(format_summary(facts, totals) ==
          "logmetrics: scanned 1 stream with the pcre2 engine in sagemaker mode\n"
          "   #  definition    samples   rejected\n"
          "   0  train:loss          4          0  1 match error (the regex engine gave up on the line)\n"
          "   1  train:acc           1          1  first rejected: \"n/\\x01\" on line 3\n"
          "                                        runs as pcre2-only: can match an empty string\n"
          "output csv:/dev/full: 1500 samples lost (3 failed writes: No space left on device)\n"
          "output async:x: 1 error, 12 undelivered (queue full), 1 undelivered (oldest overwritten)\n"
          "output emf:-: 2 dropped (non-finite value)\n"
          "output jsonl:/dev/full: 1 sample lost (No space left on device)\n"
          "output final:f.json: left out lr, grad_norm (no finite value)\n"
          "interrupted by SIGTERM: reading stopped early; the outputs were closed\n"
          "total: 2048 bytes (2.0 KiB), 7 lines, 0 cut lines, 5 samples, 1 rejected, 1 match errors, 4 sink errors "
          "(1501 samples lost), 15 dropped\n"
          "time: 0.013 s to compile, 2.000 s to scan (1.0 KiB/s)\n");
}

TEST_CASE("format_summary names the stream of an example when there are several", "[cli][summary]") {
    const definition_set definitions({{"loss", "loss=(\\S+)"}});
    run_totals totals(1);
    const std::vector<definition_stats> none = {stats_of(0, 0)};
    const std::vector<definition_stats> bad = {stats_of(0, 1, "oops", 2)};
    totals.add(monitor_stats{}, none, "a.log");
    totals.add(monitor_stats{}, bad, "b.log");
    const std::vector<std::string> plans(1);
    const summary_facts facts{definitions, plans, "hyperscan", "raw", 0, 0};
    const std::string text = format_summary(facts, totals);
    CHECK(text.starts_with("logmetrics: scanned 2 streams with the hyperscan engine in raw mode\n"));
    CHECK(text.find("first rejected: \"oops\" on line 2 of b.log\n") != std::string::npos);
    CHECK(text.ends_with("time: 0.000 s to compile, 0.000 s to scan\n"));
}

TEST_CASE("format_summary escapes control bytes in names and aligns by display width", "[cli][summary]") {
    const definition_set definitions({{"\xe6\x8d\x9f\xe5\xa4\xb1", "loss=(\\S+)"}, {"a\x1b[31mred", "red=(\\S+)"}});
    run_totals totals(2);
    const std::vector<definition_stats> per = {stats_of(3, 0), stats_of(1, 0)};
    totals.add(monitor_stats{}, per, "stdin");
    const std::vector<std::string> plans(2);
    const summary_facts facts{definitions, plans, "pcre2", "raw", 0, 0};
    const std::string text = format_summary(facts, totals);
    CHECK(text.find("   #  definition        samples   rejected\n"
                    "   0  \xe6\x8d\x9f\xe5\xa4\xb1                    3          0\n"
                    "   1  \"a\\x1b[31mred\"          1          0\n") != std::string::npos);
    CHECK(text.find('\x1b') == std::string::npos);
}
