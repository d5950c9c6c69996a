// SPDX-License-Identifier: MIT
// The cases rebuilt from public reports (tests/data/cases/, see its README.md): each case's
// definitions over its log, in its framing mode, on every engine, must give exactly the samples
// of its expected.jsonl (line, name, value; NaN equals NaN), whether the log is fed whole, in two
// chunks split at every position, or in small chunks.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include <nlohmann/json.hpp>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/monitor.hpp"
#include "support/catch.hpp"
#include "testing/engines.hpp"
#include "testing/recording_sink.hpp"

using namespace logmetrics;

namespace {

struct expected_sample {
    std::uint64_t line;
    std::string name;
    double value;
};

struct report_case {
    std::string name;
    definition_set definitions;
    std::string log;
    framing_mode mode;
    std::vector<expected_sample> expected;
};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

framing_mode mode_named(std::string text) {
    text.erase(text.find_last_not_of(" \t\r\n") + 1);
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        if (text == to_string(mode)) return mode;
    }
    FAIL("unknown mode '" << text << "'");
    return framing_mode::raw;
}

/// A value of expected.jsonl: a JSON number, or "nan", "inf", "-inf".
double value_of(const nlohmann::json& value) {
    if (value.is_number()) return value.get<double>();
    const std::string text = value.get<std::string>();
    if (text == "nan") return std::numeric_limits<double>::quiet_NaN();
    if (text == "inf") return std::numeric_limits<double>::infinity();
    if (text == "-inf") return -std::numeric_limits<double>::infinity();
    FAIL("not a value: " << value.dump());
    return 0;
}

std::vector<report_case> load_cases() {
    const std::filesystem::path root = std::filesystem::path(LOGMETRICS_TEST_DATA_DIR) / "cases";
    std::vector<std::filesystem::path> folders;
    for (const auto& entry : std::filesystem::directory_iterator(root)) {
        if (entry.is_directory()) folders.push_back(entry.path());
    }
    std::sort(folders.begin(), folders.end());
    std::vector<report_case> cases;
    for (const auto& folder : folders) {
        report_case c{folder.filename().string(),
                      load_definitions((folder / "definitions.json").string()),
                      read_file(folder / "log.txt"),
                      mode_named(read_file(folder / "mode.txt")),
                      {}};
        std::istringstream lines(read_file(folder / "expected.jsonl"));
        for (std::string line; std::getline(lines, line);) {
            if (line.empty()) continue;
            const auto sample = nlohmann::json::parse(line);
            c.expected.push_back({sample.at("line").get<std::uint64_t>(), sample.at("name").get<std::string>(),
                                  value_of(sample.at("value"))});
        }
        cases.push_back(std::move(c));
    }
    return cases;
}

const std::vector<report_case>& all_cases() {
    static const std::vector<report_case> cases = load_cases();
    return cases;
}

/// The samples a monitor over `matcher` makes of `log` fed in chunks ending at `cuts`.
template <class Matcher>
std::vector<test_support::recorded_sample> scan(std::shared_ptr<const Matcher> matcher, framing_mode mode,
                                                std::string_view log, const std::vector<std::size_t>& cuts) {
    test_support::recording_sink sink;
    monitor_options options;
    options.framing.mode = mode;
    options.clock = [] { return timestamp{}; };
    auto m = make_monitor(std::move(matcher), std::move(options), sink);
    std::size_t start = 0;
    for (std::size_t cut : cuts) {
        m.feed(log.substr(start, cut - start));
        start = cut;
    }
    m.feed(log.substr(start));
    m.finish();
    return sink.samples;
}

bool same_value(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

void check_samples(const std::vector<test_support::recorded_sample>& got, const std::vector<expected_sample>& want) {
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("sample " << i << ": " << got[i] << ", expected line " << want[i].line << ", " << want[i].name << " = "
                       << want[i].value);
        CHECK(got[i].line == want[i].line);
        CHECK(got[i].name == want[i].name);
        CHECK(same_value(got[i].value, want[i].value));
    }
}

}  // namespace

TEST_CASE("the cases from public reports are all there", "[cases]") {
    const auto& cases = all_cases();
    REQUIRE(cases.size() == 6);
    for (const auto& c : cases) {
        INFO("case " << c.name);
        CHECK_FALSE(c.definitions.empty());
        CHECK_FALSE(c.log.empty());
        CHECK_FALSE(c.expected.empty());
    }
}

TEMPLATE_TEST_CASE("each case from public reports gives its expected samples", "[cases][engines]",
                   LOGMETRICS_TEST_ENGINES) {
    std::size_t compiled = 0;
    for (const auto& c : all_cases()) {
        INFO("case " << c.name << ", mode " << to_string(c.mode));
        std::shared_ptr<const matcher_of<TestType>> matcher;
        if constexpr (std::is_same_v<TestType, test_support::std_regex_engine>) {
            // ECMAScript lacks some PCRE syntax (lookbehind, \K): such cases are for the others.
            try {
                matcher = compile(c.definitions, TestType{});
            } catch (const error& e) {
                WARN("case " << c.name << " does not compile on std::regex: " << e.what());
                continue;
            }
        } else {
            matcher = compile(c.definitions, TestType{});
        }
        ++compiled;

        const std::string_view log = c.log;
        check_samples(scan(matcher, c.mode, log, {}), c.expected);
        for (std::size_t at = 0; at <= log.size(); ++at) {  // two chunks, split at every position
            INFO("split at " << at);
            check_samples(scan(matcher, c.mode, log, {at}), c.expected);
        }
        static constexpr std::size_t chunk_sizes[] = {1, 2, 3, 5, 8, 13, 64};
        for (std::size_t size : chunk_sizes) {  // small chunks
            INFO("chunks of " << size << " bytes");
            std::vector<std::size_t> cuts;
            for (std::size_t at = size; at < log.size(); at += size) cuts.push_back(at);
            check_samples(scan(matcher, c.mode, log, cuts), c.expected);
        }
    }
    CHECK(compiled >= 1);
}
