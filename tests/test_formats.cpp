// SPDX-License-Identifier: MIT
// Tests for the pure formats (formats/): sample -> bytes in a buffer, golden, no I/O.

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "support/catch.hpp"
#include "support/samples.hpp"

#include <logmetrics/formats/csv.hpp>
#include <logmetrics/formats/jsonl.hpp>
#include <logmetrics/formats/sagemaker.hpp>
#include <logmetrics/stats.hpp>

namespace {

using namespace std::chrono_literals;
using logmetrics::sample;
using test_support::fixed_time;
using test_support::inf_value;
using test_support::make_integer_sample;
using test_support::make_sample;
using test_support::nan_value;
using test_support::split_lines;

template <class Format>
std::string format_all(const std::vector<sample>& samples) {
    Format format;
    fmt::memory_buffer out;
    for (const sample& s : samples) format.append(out, s);
    return fmt::to_string(out);
}

}  // namespace

TEST_CASE("csv_format writes one row per sample", "[format][csv]") {
    const std::vector<sample> samples = {
        make_sample("train:loss", 0.25, 3, 12, "train.log"),
        make_sample("validation:error", 1e15, 0, 13, {}, fixed_time(1001ms)),  // the next second
        make_integer_sample("tokens", 9007199254740993, 7, 14),                // back to the first
        make_sample("say \"hi\", twice", -nan_value, 8, 15),
        make_sample("lr", -inf_value, 18446744073709551615u, 18446744073709551615u),
        make_sample("x", 1, 0, 1, "dir/a,b \"c\"\nd.log"),  // a file name that must be quoted
    };
    CHECK(format_all<logmetrics::csv_format>(samples) ==
          "2026-11-22T01:02:03.456Z,train:loss,0.25,3,12,train.log\n"
          "2026-11-22T01:02:04.457Z,validation:error,1e+15,0,13,\n"
          "2026-11-22T01:02:03.456Z,tokens,9007199254740993,7,14,\n"
          "2026-11-22T01:02:03.456Z,\"say \"\"hi\"\", twice\",nan,8,15,\n"
          "2026-11-22T01:02:03.456Z,lr,-inf,18446744073709551615,18446744073709551615,\n"
          "2026-11-22T01:02:03.456Z,x,1,0,1,\"dir/a,b \"\"c\"\"\nd.log\"\n");
    CHECK(logmetrics::csv_format::header_line == "timestamp,metric_name,value,step,line,stream\n");
}

TEST_CASE("csv_format quotes a field only when it must", "[format][csv]") {
    auto field = [](std::string_view text) {
        fmt::memory_buffer out;
        logmetrics::csv_format::append_field(out, text);
        return fmt::to_string(out);
    };
    CHECK(field("train:loss") == "train:loss");
    CHECK(field("") == "");
    CHECK(field("a,b") == "\"a,b\"");
    CHECK(field("\"") == "\"\"\"\"");
    CHECK(field("a\"\"b") == "\"a\"\"\"\"b\"");
    CHECK(field("cr\rlf\n") == "\"cr\rlf\n\"");
    CHECK(field("tab\tsemi;") == "tab\tsemi;");  // RFC 4180 quotes for , " CR LF only
}

TEST_CASE("jsonl_format writes one valid JSON object per line", "[format][jsonl]") {
    const std::vector<sample> samples = {
        make_sample("train:loss", 0.25, 3, 12, "pod-0"),
        make_sample("q\"\\\x01", nan_value, 0, 13, "bad\xFF", fixed_time(1001ms)),
        make_integer_sample("tokens", -9007199254740993, 7, 14),
        make_sample("up", inf_value, 1, 15),
    };
    const std::string text = format_all<logmetrics::jsonl_format>(samples);
    CHECK(
        text ==
        R"({"line":12,"name":"train:loss","value":0.25,"step":3,"timestamp":"2026-11-22T01:02:03.456Z","stream":"pod-0"})"
        "\n"
        R"({"line":13,"name":"q\"\\\u0001","value":"nan","step":0,"timestamp":"2026-11-22T01:02:04.457Z","stream":"bad)"
        "\xEF\xBF\xBD"
        R"("})"
        "\n"
        R"({"line":14,"name":"tokens","value":-9007199254740993,"step":7,"timestamp":"2026-11-22T01:02:03.456Z"})"
        "\n"
        R"({"line":15,"name":"up","value":"inf","step":1,"timestamp":"2026-11-22T01:02:03.456Z"})"
        "\n");
    for (const std::string& line : split_lines(text)) CHECK_NOTHROW(nlohmann::json::parse(line));
}

TEST_CASE("a format appends: the buffer's earlier bytes stay, and its capacity is reused", "[format]") {
    logmetrics::csv_format format;
    fmt::memory_buffer out;
    const sample s = make_sample("loss", 0.5, 1, 2);
    for (int i = 0; i < 1000; ++i) format.append(out, s);
    const std::string row = "2026-11-22T01:02:03.456Z,loss,0.5,1,2,\n";
    CHECK(out.size() == 1000 * row.size());
    CHECK(std::string_view(out.data() + 999 * row.size(), row.size()) == row);
    const std::size_t capacity = out.capacity();
    out.clear();
    for (int i = 0; i < 1000; ++i) format.append(out, s);
    CHECK(out.capacity() == capacity);  // what lets the sinks write without allocating
}

TEST_CASE("FinalMetricDataList: last finite values, the all-non-finite metrics left out", "[format][final]") {
    logmetrics::series_summary loss, diverged, up, tokens, empty;
    loss.observe(make_sample("loss", 0.5, 0, 1, {}, fixed_time(-1000ms)));
    loss.observe(make_sample("loss", 0.25, 1, 2));
    loss.observe(make_sample("loss", nan_value, 2, 3, {}, fixed_time(5000ms)));  // NaN after finite
    diverged.observe(make_sample("diverged", nan_value));
    diverged.observe(make_sample("diverged", inf_value));
    up.observe(make_sample("up", 1e15, 0, 4, {}, fixed_time(-500ms)));
    up.observe(make_sample("up", inf_value, 1, 5));  // infinity last
    tokens.observe(make_integer_sample("tokens", -9007199254740993));

    logmetrics::final_metric_list list;
    list.add("loss", loss);
    list.add("diverged", diverged);
    list.add("up", up);
    list.add("tokens", tokens);
    list.add("never seen", empty);  // no values: neither an entry nor left out
    CHECK(list.left_out == std::vector<std::string>{"diverged"});
    REQUIRE(list.metrics.size() == 3);
    CHECK(list.metrics[0].name == "loss");
    CHECK(list.metrics[0].value.step == 1);

    const std::string text = logmetrics::final_metric_data_list_json(list.metrics);
    CHECK(text == R"([{"MetricName":"loss","Value":0.25,"Timestamp":1795309323.456},)"
                  R"({"MetricName":"up","Value":1e+15,"Timestamp":1795309322.956},)"
                  R"({"MetricName":"tokens","Value":-9007199254740993,"Timestamp":1795309323.456}])");
    CHECK(nlohmann::json::parse(text).size() == 3);
    CHECK(logmetrics::final_metric_data_list_json({}) == "[]");

    // Appends, as the other formats do.
    fmt::memory_buffer out;
    out.push_back('>');
    logmetrics::append_final_metric_data_list(out, std::span<const logmetrics::final_metric>(list.metrics).first(1));
    CHECK(fmt::to_string(out) == R"(>[{"MetricName":"loss","Value":0.25,"Timestamp":1795309323.456}])");
}
