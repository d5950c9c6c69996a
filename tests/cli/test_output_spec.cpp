// SPDX-License-Identifier: MIT
// The --output grammar (tools/logmetrics/output_spec.hpp): KIND[:TARGET][?KEY=VALUE&...].

#include <string>
#include <vector>

#include "command.hpp"
#include "output_spec.hpp"
#include "support/catch.hpp"

using namespace logmetrics::cli;

TEST_CASE("a kind alone has no target and no options", "[cli][output_spec]") {
    const output_spec spec = parse_output_spec("jsonl");
    CHECK(spec.text == "jsonl");
    CHECK(spec.kind == "jsonl");
    CHECK_FALSE(spec.target);
    CHECK(spec.options.empty());
    CHECK(output_name(spec) == "jsonl:-");
}

TEST_CASE("the target is everything after the first ':' up to '?'", "[cli][output_spec]") {
    CHECK(parse_output_spec("csv:out.csv").target == "out.csv");
    CHECK(parse_output_spec("csv:-").target == "-");
    CHECK(parse_output_spec("table:/tmp/a:b/c.txt").target == "/tmp/a:b/c.txt");
    CHECK(output_name(parse_output_spec("csv:out.csv?header=false")) == "csv:out.csv");
}

TEST_CASE("a URL target keeps its colons, the options start at '?'", "[cli][output_spec]") {
    const output_spec spec = parse_output_spec("pushgateway:http://h:9091/x?job=a");
    CHECK(spec.kind == "pushgateway");
    CHECK(spec.target == "http://h:9091/x");
    REQUIRE(spec.options.size() == 1);
    CHECK(spec.options[0] == output_option{"job", "a"});
    CHECK(spec.option("job") == "a");
    CHECK_FALSE(spec.option("instance"));
}

TEST_CASE("options are KEY=VALUE pairs joined by '&', in order, values may be empty or hold '='",
          "[cli][output_spec]") {
    const output_spec spec = parse_output_spec("statsd:localhost:8125?prefix=train.&tags=a=b&empty=");
    CHECK(spec.target == "localhost:8125");
    const std::vector<output_option> expected = {{"prefix", "train."}, {"tags", "a=b"}, {"empty", ""}};
    CHECK(spec.options == expected);
    const output_spec no_target = parse_output_spec("csv?header=false");
    CHECK_FALSE(no_target.target);
    CHECK(no_target.option("header") == "false");
}

TEST_CASE("malformed specs are refused with what is wrong", "[cli][output_spec]") {
    auto message = [](const char* text) {
        try {
            parse_output_spec(text);
        } catch (const usage_error& e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    CHECK(message("") == "an empty output");
    CHECK(message(":out.csv") == "no output kind before ':' or '?'");
    CHECK(message("?header=false") == "no output kind before ':' or '?'");
    CHECK(message("csv:") == "nothing after ':'");
    CHECK(message("csv:?header=false") == "nothing between ':' and '?'");
    CHECK(message("table:?x") == "nothing between ':' and '?'");
    CHECK(message("csv?") == "no options after '?'");
    CHECK(message("csv?header") == R"(option "header" is not KEY=VALUE)");
    CHECK(message("csv?=false") == R"(option "=false" is not KEY=VALUE)");
    CHECK(message("csv?header=true&") == R"(option "" is not KEY=VALUE)");
    CHECK(message("csv?header=true&header=false") == R"(option "header" is given twice)");
}
