// SPDX-License-Identifier: MIT
// Fuzz target: the definitions loader (include/logmetrics/definitions_json.hpp), bytes as JSON.
//
// parse_definitions must return or throw logmetrics::error: invalid_json with that prefix, or a
// definition_error listing at least one problem, each naming its definition by index. What it
// returns keeps SageMaker's limits and compiles on the PCRE2 engine (or it throws
// logmetrics::error). Then a differential check on regexes nobody wrote by hand
// (engine_oracle.hpp): every line of the input itself (so the fuzzer controls subjects too, e.g.
// in an ignored key) is matched by every engine and by PCRE2's interpreter, which must agree.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine_oracle.hpp"
#include "fuzz_support.hpp"
#include "logmetrics/definitions_json.hpp"
#include "logmetrics/matchers/pcre2.hpp"

using namespace logmetrics;

namespace {

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

void check_refusal(const definition_error& e) {
    // The whole message (message(), not what(): a NUL in a name cuts what() short, a known
    // issue checked by test_bad_input.cpp, regressions/definitions/nul-in-name).
    const std::string& message = e.message();
    FUZZ_CHECK(e.code() == errc::invalid_definition, "definition_error with code " << to_string(e.code()));
    FUZZ_CHECK(!e.problems().empty(), "a definition_error without problems: " << fuzz::printable(message));
    FUZZ_CHECK(starts_with(e.what(), "[logmetrics.invalid_definition] MetricDefinitions["), e.what());
    for (const auto& p : e.problems()) {
        FUZZ_CHECK(!p.message.empty(), "a problem without a message at index " << p.index);
        const std::string named = "MetricDefinitions[" + std::to_string(p.index) + "]";
        FUZZ_CHECK(message.find(named) != std::string::npos, fuzz::printable(message));
        FUZZ_CHECK(message.find(p.message) != std::string::npos, fuzz::printable(message));
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::optional<definition_set> set;
    try {
        set.emplace(parse_definitions(text));
    } catch (const definition_error& e) {
        check_refusal(e);
        return 0;
    } catch (const error& e) {
        FUZZ_CHECK(e.code() == errc::invalid_json, "not a definition_error, code " << to_string(e.code()));
        FUZZ_CHECK(starts_with(e.what(), "[logmetrics.invalid_json] "), e.what());
        return 0;
    }  // anything else escapes, and the fuzzer reports it

    const auto limits = definition_limits::sagemaker();
    FUZZ_CHECK(set->size() <= limits.max_definitions, set->size() << " definitions");
    FUZZ_CHECK(set->metric_names().size() <= set->size(), "more metrics than definitions");
    for (std::size_t i = 0; i < set->size(); ++i) {
        const auto& d = (*set)[i];
        FUZZ_CHECK(!d.name.empty() && d.name.size() <= limits.max_name_length, "name [" << d.name << "]");
        FUZZ_CHECK(!d.regex.empty() && d.regex.size() <= limits.max_regex_length, "regex [" << d.regex << "]");
        FUZZ_CHECK(set->metric_names()[set->metric_of(i)] == d.name, "definition " << i << " feeds the wrong metric");
    }

    try {
        pcre2_matcher compiled(*set);
    } catch (const error& e) {
        FUZZ_CHECK(e.code() == errc::engine_failed, e.what());
        return 0;
    }
    // Subjects: a few typical lines, and the input's own lines (never with a '\n').
    std::vector<std::string_view> lines = {"", "loss=0.5 acc=0.9", "[3]#011train-rmse:2.31#011validation-rmse:2.57"};
    const std::string_view head = text.substr(0, 4096);
    for (std::size_t start = 0; start <= head.size();) {
        const std::size_t end = std::min(head.find('\n', start), head.size());
        lines.push_back(head.substr(start, end - start));
        start = end + 1;
    }
    fuzz::check_engines(*set, lines);
    return 0;
}
