// SPDX-License-Identifier: MIT
// The same matching behaviour on every engine: PCRE2, Hyperscan (when built), and a matcher
// written outside the library over std::regex. Then a differential test of PCRE2 against
// Hyperscan with the 449 real definitions over a corpus of training-log lines and mutations.

#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "support/catch.hpp"
#include "testing/recording_sink.hpp"
#include "testing/engines.hpp"
#include "testing/std_regex_matcher.hpp"

using namespace logmetrics;
using test_support::recorded_sample;
using test_support::recording_sink;

namespace {

template <class Engine>
std::vector<recorded_sample> scan(const std::string& definitions_json, std::string_view log,
                                  framing_mode mode = framing_mode::sagemaker,
                                  definition_limits limits = definition_limits::sagemaker()) {
    recording_sink sink;
    monitor_options options;
    options.framing.mode = mode;
    auto m = make_monitor(parse_definitions(definitions_json, limits), Engine{}, std::move(options), sink);
    m.feed(log);
    m.finish();
    return sink.samples;
}

struct expected {
    std::uint64_t line;
    std::string name;
    double value;
};

void check_samples(const std::vector<recorded_sample>& got, const std::vector<expected>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("sample " << i << ": " << got[i]);
        CHECK(got[i].line == want[i].line);
        CHECK(got[i].name == want[i].name);
        CHECK(got[i].value == want[i].value);
    }
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

TEMPLATE_TEST_CASE("the first match of each definition, in definition order", "[engines]", LOGMETRICS_TEST_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "train:error", "Regex": "Train_error=(.*?);"},
        {"Name": "validation:error", "Regex": "Valid_error = (.*?);"},
        {"Name": "loss", "Regex": "loss: ([0-9.]+)"}])J";
    const std::string log =
        "Train_error=0.138318;  Valid_error = 0.324557;\n"
        "noise line\n"
        "loss: 0.5 then loss: 0.4\n"              // the first (leftmost) match wins
        "Valid_error = 0.3; Train_error=0.1;\n";  // definition order, not position order
    check_samples(scan<TestType>(definitions, log), {{1, "train:error", 0.138318},
                                                     {1, "validation:error", 0.324557},
                                                     {3, "loss", 0.5},
                                                     {4, "train:error", 0.1},
                                                     {4, "validation:error", 0.3}});
}

TEMPLATE_TEST_CASE("captures that are not numbers make no sample", "[engines]", LOGMETRICS_TEST_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "a", "Regex": "a=(\\S*)"},
        {"Name": "b", "Regex": "(x)?b=(\\d+)"}])J";
    const std::string log = "a=n/a b=1\na= \na=1e999\na=-inf b=2 xb=3\n";
    recording_sink sink;
    auto m = make_monitor(parse_definitions(definitions), TestType{}, sink);
    m.feed(log);
    m.finish();
    const double inf = std::numeric_limits<double>::infinity();
    check_samples(sink.samples, {{3, "a", inf}, {4, "a", -inf}});
    CHECK(m.stats(0).rejected == 2);
    CHECK(m.stats(0).rejected_example == "n/a");
    CHECK(m.stats(0).rejected_example_line == 1);
    CHECK(m.stats(1).rejected == 2);  // group 1 "(x)?" did not take part
    CHECK(m.stats(1).rejected_example == "(group 1 did not take part)");
    CHECK(m.stats().samples == 2);
    CHECK(m.stats().rejected == 4);
}

TEMPLATE_TEST_CASE("the digit, space and word classes are ASCII, and bytes are matched as bytes", "[engines]",
                   LOGMETRICS_TEST_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "digits", "Regex": "n=(\\d+)"},
        {"Name": "word", "Regex": "w=(\\w+)x"},
        {"Name": "after", "Regex": "\\xff\\xfe v=(\\S+)"}])J";
    // Arabic-Indic digits and an accented letter are not \d and \w; invalid UTF-8 is just bytes.
    const std::string log = "n=\xd9\xa3 n=42\nw=caf\xc3\xa9x w=1x\n\xff\xfe v=7\n";
    check_samples(scan<TestType>(definitions, log, framing_mode::raw),
                  {{1, "digits", 42}, {2, "word", 1}, {3, "after", 7}});
}

TEMPLATE_TEST_CASE("SageMaker's built-in XGBoost definitions work in sagemaker mode only", "[engines][modes]",
                   LOGMETRICS_TEST_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "validation:rmse", "Regex": ".*\\[[0-9]+\\].*#011validation-rmse:(\\S+)"},
        {"Name": "train:rmse", "Regex": ".*\\[[0-9]+\\]#011train-rmse:([-+]?[0-9]*\\.?[0-9]+(?:[eE][-+]?[0-9]+)?).*"}])J";
    const std::string log = "[0]\ttrain-rmse:8.1\tvalidation-rmse:8.4\n[1]\ttrain-rmse:6.2\tvalidation-rmse:6.9\n";
    check_samples(
        scan<TestType>(definitions, log, framing_mode::sagemaker),
        {{1, "validation:rmse", 8.4}, {1, "train:rmse", 8.1}, {2, "validation:rmse", 6.9}, {2, "train:rmse", 6.2}});
    CHECK(scan<TestType>(definitions, log, framing_mode::raw).empty());  // no #011 in raw bytes
}

TEMPLATE_TEST_CASE("terminal mode turns each progress update into samples", "[engines][modes]",
                   LOGMETRICS_TEST_ENGINES) {
    const std::string definitions = R"J([{"Name": "loss", "Regex": "loss: ([0-9.]+)"}])J";
    const std::string log =
        "1/3 [==>...] - loss: 0.9\r2/3 [====>.] - loss: 0.7\r3/3 [======] - \x1b[1mloss: 0.5\x1b[0m\n";
    check_samples(scan<TestType>(definitions, log, framing_mode::terminal),
                  {{1, "loss", 0.9}, {2, "loss", 0.7}, {3, "loss", 0.5}});
    // In sagemaker mode the updates are one line: only the first match counts, as on SageMaker.
    check_samples(scan<TestType>(definitions, log, framing_mode::sagemaker), {{1, "loss", 0.9}});
}

TEMPLATE_TEST_CASE("patterns Hyperscan cannot take exactly still match", "[engines][fallback]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "lookbehind", "Regex": "(?<=loss=)(\\S+)"},
        {"Name": "backref", "Regex": "<(\\w+)>(\\d+)</\\1>"},
        {"Name": "keep", "Regex": "acc=\\K(\\d+)"},
        {"Name": "empty", "Regex": "e=(\\d*)"},
        {"Name": "lookahead", "Regex": "(\\d+)(?=%)"},
        {"Name": "plain", "Regex": "lr=(\\S+)"}])J";
    const std::string log = "loss=0.5 <a>3</a> acc=9 lr=0.1\nnothing\n50% <b>4</b>\ne=\n";
    const auto samples = scan<TestType>(definitions, log);
    // backref: the value is group 1, the tag name: not a number, so rejected.
    check_samples(samples, {{1, "lookbehind", 0.5}, {1, "keep", 9}, {1, "plain", 0.1}, {3, "lookahead", 50}});
}

TEMPLATE_TEST_CASE("an empty line, and a line with only noise, make no samples", "[engines]", LOGMETRICS_TEST_ENGINES) {
    const std::string definitions = R"J([{"Name": "loss", "Regex": "loss=(\\S+)"}])J";
    CHECK(scan<TestType>(definitions, "\n\n\n").empty());
    CHECK(scan<TestType>(definitions, "").empty());
    CHECK(scan<TestType>(definitions, std::string(1000, 'x') + "\n").empty());
}

#ifdef LOGMETRICS_HAS_HYPERSCAN
TEST_CASE("Hyperscan reports how it runs each definition", "[engines][hyperscan]") {
    auto set = parse_definitions(R"J([
        {"Name": "plain", "Regex": "loss=(\\S+)"},
        {"Name": "backref", "Regex": "(\\w+)>(\\d+)</\\1>"},
        {"Name": "empty", "Regex": "(\\d*)"},
        {"Name": "keep", "Regex": "acc=\\K(\\d+)"},
        {"Name": "group first", "Regex": "(\\d+)/s"},
        {"Name": "dot stars", "Regex": "^.*\\[[0-9]+\\].*#011rmse:(\\S+).*$"},
        {"Name": "whole text", "Regex": "\\Aloss=(\\S+)"},
        {"Name": "short literals", "Regex": "^ep \\d+ (\\S+)"}])J");
    hyperscan_matcher matcher(set);
    CHECK(matcher.plan(0) == hyperscan_plan::filter);
    CHECK(matcher.scan_pattern(0) == "\\x6c\\x6f\\x73\\x73\\x3d");  // the literal "loss="
    CHECK(matcher.plan(1) == hyperscan_plan::prefilter);
    CHECK_FALSE(matcher.plan_reason(1).empty());
    CHECK(matcher.plan(2) == hyperscan_plan::pcre2_only);
    CHECK_THAT(matcher.plan_reason(2), Catch::Matchers::Contains("empty string"));
    CHECK(matcher.plan(3) != hyperscan_plan::exact);  // Hyperscan has no \K
    CHECK(matcher.plan(4) == hyperscan_plan::exact);
    CHECK(matcher.scan_pattern(4) == "(\\d+)/s");  // no 4-byte literal, nothing before the group
    CHECK(matcher.plan(5) == hyperscan_plan::filter);
    CHECK(matcher.scan_pattern(5) == "\\x23\\x30\\x31\\x31\\x72\\x6d\\x73\\x65\\x3a");  // "#011rmse:"
    CHECK(matcher.plan(7) == hyperscan_plan::filter);  // no 4-byte literal: the part before the group
    CHECK(matcher.scan_pattern(7) == "^ep \\d+ ");
    CHECK(matcher.plan(6) == hyperscan_plan::pcre2_only);
    CHECK_THAT(matcher.plan_reason(6), Catch::Matchers::Contains("whole text"));
}

TEST_CASE("PCRE2 and Hyperscan agree on the real definitions over a log corpus", "[engines][differential]") {
    // Every real definition that loads, over lines shaped like what they were written for, plus
    // random mutations of those lines. Hyperscan only preselects, so any disagreement is a bug.
    const auto document = nlohmann::json::parse(read_file(LOGMETRICS_TEST_DATA_DIR "/real_metric_definitions.json"));
    std::vector<metric_definition> accepted;
    for (const auto& item : document) {
        try {
            auto one = parse_definitions(nlohmann::json::array({item}).dump());
            accepted.push_back(one[0]);
        } catch (const definition_error&) {}
    }
    std::string corpus = read_file(LOGMETRICS_TEST_DATA_DIR "/engine_corpus.log");
    REQUIRE(corpus.size() > 1000);
    std::mt19937 random(20261122);
    std::string mutated;
    std::istringstream lines(corpus);
    for (std::string line; std::getline(lines, line);) {
        for (int copy = 0; copy < 3; ++copy) {
            std::string changed = line;
            for (int edits = 0; edits < 3 && !changed.empty(); ++edits) {
                const std::size_t at = random() % changed.size();
                const char pool[] = " \t0123456789.:=-e[]#;,'\"xX\x1b\xff";
                changed[at] = pool[random() % (sizeof pool - 1)];
            }
            mutated += changed + "\n";
        }
    }
    const std::string log = corpus + mutated;
    for (auto mode : {framing_mode::sagemaker, framing_mode::raw, framing_mode::terminal}) {
        INFO("mode " << to_string(mode));
        recording_sink with_pcre2, with_hyperscan;
        definition_set all(accepted, definition_limits::unlimited());
        monitor_options options;
        options.framing.mode = mode;
        auto a = make_monitor(all, pcre2_engine{}, options, with_pcre2);
        auto b = make_monitor(all, hyperscan_engine{}, options, with_hyperscan);
        a.feed(log);
        a.finish();
        b.feed(log);
        b.finish();
        CHECK(with_pcre2.samples.size() > 1000);
        REQUIRE(with_pcre2.samples.size() == with_hyperscan.samples.size());
        for (std::size_t i = 0; i < with_pcre2.samples.size(); ++i) {
            REQUIRE(with_pcre2.samples[i] == with_hyperscan.samples[i]);
        }
        CHECK(a.stats().rejected == b.stats().rejected);
    }
}
#endif
