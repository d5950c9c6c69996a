// SPDX-License-Identifier: MIT
// Loading and validating metric definitions (definition.hpp, definitions_json.hpp), including the
// 458 definitions people really wrote (tests/data/real_metric_definitions.json).

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "support/catch.hpp"
#ifdef LOGMETRICS_HAS_HYPERSCAN
#include "logmetrics/matchers/hyperscan.hpp"
#endif

using namespace logmetrics;

namespace {

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    REQUIRE(in);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

/// The message of the definition_error that parsing `json` throws.
std::string refusal(const std::string& json, definition_limits limits = {}) {
    try {
        parse_definitions(json, limits);
    } catch (const definition_error& e) {
        return e.what();
    } catch (const error& e) {
        return e.what();
    }
    FAIL("expected the definitions to be refused: " << json);
    return {};
}

std::string many_definitions(std::size_t count) {
    nlohmann::json array = nlohmann::json::array();
    for (std::size_t i = 0; i < count; ++i) {
        array.push_back({{"Name", "m" + std::to_string(i)}, {"Regex", "m" + std::to_string(i) + "=(\\S+)"}});
    }
    return array.dump();
}

}  // namespace

TEST_CASE("the three JSON shapes SageMaker definitions come in", "[definitions]") {
    const std::string list = R"J([{"Name": "train:error", "Regex": "Train_error=(.*?);"},
                                  {"Name": "validation:error", "Regex": "Valid_error=(.*?);"}])J";
    for (const std::string& json :
         {list, R"J({"MetricDefinitions": )J" + list + "}",
          R"J({"AlgorithmSpecification": {"TrainingImage": "x", "MetricDefinitions": )J" + list + "}}"}) {
        definition_set set = parse_definitions(json);
        REQUIRE(set.size() == 2);
        CHECK(set[0].name == "train:error");
        CHECK(set[0].regex == "Train_error=(.*?);");
        CHECK(set[1].name == "validation:error");
        CHECK(set[0].type == value_type::real);
    }
}

TEST_CASE("extra keys are ignored and Type selects integers", "[definitions]") {
    definition_set set = parse_definitions(
        R"J([{"Name": "step", "Regex": "step (\\d+)", "Type": "integer", "source": "x.py"},
             {"Name": "loss", "Regex": "loss (\\S+)", "Type": "float"}])J");
    CHECK(set[0].type == value_type::integer);
    CHECK(set[1].type == value_type::real);
    CHECK_THAT(refusal(R"J([{"Name": "a", "Regex": "(a)", "Type": "complex"}])J"),
               Catch::Matchers::Contains("\"Type\" must be"));
}

TEST_CASE("duplicate names are allowed and share one metric", "[definitions]") {
    definition_set set = parse_definitions(
        R"J([{"Name": "loss", "Regex": "loss=(\\S+)"}, {"Name": "acc", "Regex": "acc=(\\S+)"},
             {"Name": "loss", "Regex": "Loss: (\\S+)"}])J");
    REQUIRE(set.size() == 3);
    CHECK(set.metric_names() == std::vector<std::string>{"loss", "acc"});
    CHECK(set.metric_of(0) == 0);
    CHECK(set.metric_of(1) == 1);
    CHECK(set.metric_of(2) == 0);
}

TEST_CASE("refusals name the definition and what is wrong", "[definitions][errors]") {
    using Catch::Matchers::Contains;
    CHECK_THAT(refusal("[{\"Name\": \"a\", \"Regex\": \"x("), Contains("invalid_json"));
    CHECK_THAT(refusal(""), Contains("[logmetrics.invalid_json]"));
    CHECK_THAT(refusal("{\"Name\": \"a\"}"), Contains("expected an array"));
    CHECK_THAT(refusal("{\"MetricDefinitions\": 3}"), Contains("\"MetricDefinitions\" is not an array"));
    CHECK_THAT(
        refusal(R"J([{"Name": "ok", "Regex": "a=(\\d)"}, {"Name": "bad", "Regex": "loss=(\\S+"}])J"),
        Contains("MetricDefinitions[1] \"bad\": Regex does not compile at offset 9: missing closing parenthesis"));
    CHECK_THAT(refusal(R"J([{"Name": "nogroup", "Regex": "loss=\\S+"}])J"),
               Contains("MetricDefinitions[0] \"nogroup\": Regex has no capture group"));
    CHECK_THAT(refusal(R"J([{"Regex": "(a)"}])J"), Contains("MetricDefinitions[0]: has no \"Name\""));
    CHECK_THAT(refusal(R"J([{"Name": "a"}])J"), Contains("MetricDefinitions[0] \"a\": has no \"Regex\""));
    // Another case of a key: the message says keys are case-sensitive.
    CHECK_THAT(refusal(R"J([{"name": "a", "regex": "(a)"}])J"),
               Contains("MetricDefinitions[0]: has no \"Name\" (it has \"name\": keys are case-sensitive: Name, "
                        "Regex, Type)") &&
                   Contains("has no \"Regex\" (it has \"regex\""));
    CHECK_THAT(refusal(R"J([{"Name": "a", "REGEX": "(a)"}])J"), Contains("has no \"Regex\" (it has \"REGEX\""));
    CHECK_THAT(refusal(R"J([{"Name": "a", "Regexp": "(a)"}])J"), !Contains("case-sensitive"));
    CHECK_THAT(refusal(R"J([{"Name": "", "Regex": "(a)"}])J"), Contains("Name is empty"));
    CHECK_THAT(refusal(R"J([{"Name": "a", "Regex": ""}])J"), Contains("Regex is empty"));
    CHECK_THAT(refusal(R"J([{"Name": 7, "Regex": "(a)"}])J"), Contains("\"Name\" is a JSON number, not a string"));
    CHECK_THAT(refusal(R"J(["loss=(\\S+)"])J"), Contains("MetricDefinitions[0]: is a JSON string, not an object"));
    // Every problem is listed, not only the first.
    const std::string both =
        refusal(R"J([{"Name": "a", "Regex": "("}, {"Name": 1, "Regex": "(b)"}, {"Name": "c", "Regex": "c"}])J");
    CHECK_THAT(both, Contains("MetricDefinitions[0] \"a\""));
    CHECK_THAT(both, Contains("MetricDefinitions[1]"));
    CHECK_THAT(both, Contains("MetricDefinitions[2] \"c\": Regex has no capture group"));
}

TEST_CASE("definition_error lists problems with index and name", "[definitions][errors]") {
    try {
        parse_definitions(R"J([{"Name": "ok", "Regex": "(a)"}, {"Name": "bad", "Regex": "b"}])J");
        FAIL("expected a definition_error");
    } catch (const definition_error& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].index == 1);
        CHECK(e.problems()[0].name == "bad");
        CHECK(e.code() == errc::invalid_definition);
    }
}

TEST_CASE("to_string(definition_problem): one form, names quoted and escaped", "[definitions][errors]") {
    CHECK(to_string(definition_problem{3, "train:loss", "Regex is empty"}) ==
          "MetricDefinitions[3] \"train:loss\": Regex is empty");
    CHECK(to_string(definition_problem{0, "", "Name is empty"}) == "MetricDefinitions[0]: Name is empty");
    // Control bytes (a NUL, a tab, an escape) cannot cut a C string short or move a cursor, and
    // a quote or a backslash in the name cannot be mistaken for the end of the quotes.
    CHECK(to_string(definition_problem{1, std::string("a\0b\t\x1b[2J", 8), "m"}) ==
          R"(MetricDefinitions[1] "a\x00b\t\x1b[2J": m)");
    CHECK(to_string(definition_problem{2, R"(say "hi" \o/)", "m"}) == R"(MetricDefinitions[2] "say \"hi\" \\o/": m)");
    CHECK(to_string(definition_problem{4, "caf\xC3\xA9", "m"}) == "MetricDefinitions[4] \"caf\xC3\xA9\": m");

    // what() is every problem in that form, joined by "; ".
    const definition_error e({{0, "a", "x"}, {2, "", "y"}});
    CHECK(e.message() == "MetricDefinitions[0] \"a\": x; MetricDefinitions[2]: y");
}

TEST_CASE("SageMaker's limits, and the option that lifts them", "[definitions][limits]") {
    using Catch::Matchers::Contains;
    CHECK(parse_definitions(many_definitions(40)).size() == 40);
    CHECK_THAT(refusal(many_definitions(41)), Contains("more than 40 definitions (41 given)"));
    CHECK(parse_definitions(many_definitions(41), definition_limits::unlimited()).size() == 41);

    const std::string long_regex = "(x)" + std::string(498, 'a');
    const std::string json = R"J([{"Name": "long", "Regex": ")J" + long_regex + "\"}]";
    CHECK_THAT(refusal(json), Contains("Regex is 501 characters, over the limit of 500"));
    CHECK(parse_definitions(json, definition_limits::unlimited()).size() == 1);

    const std::string long_name(256, 'n');
    const std::string named = R"J([{"Name": ")J" + long_name + R"J(", "Regex": "(x)"}])J";
    CHECK_THAT(refusal(named), Contains("Name is 256 characters, over the limit of 255"));
    CHECK(parse_definitions(named, definition_limits::unlimited()).size() == 1);
    CHECK(parse_definitions(R"J([{"Name": ")J" + std::string(255, 'n') + R"J(", "Regex": "(x)"}])J").size() == 1);
}

TEST_CASE("a user's own definition struct converts", "[definitions]") {
    struct my_definition {
        const char* name;
        std::string regex;
    };
    static_assert(definition_like<my_definition>);
    definition_set set(std::vector<my_definition>{{"loss", "loss=(\\S+)"}});
    CHECK(set[0].name == "loss");
}

TEST_CASE("a missing or unreadable file is an I/O error", "[definitions][errors]") {
    try {
        load_definitions("/nonexistent/metrics.json");
        FAIL("expected an error");
    } catch (const error& e) {
        CHECK(e.code() == errc::io_error);
        CHECK_THAT(e.what(), Catch::Matchers::Contains("/nonexistent/metrics.json"));
    }
}

TEST_CASE("every real-world definition loads or is refused for a stated reason", "[definitions][real]") {
    const auto document = nlohmann::json::parse(read_file(LOGMETRICS_TEST_DATA_DIR "/real_metric_definitions.json"));
    REQUIRE(document.size() == 458);
    std::vector<metric_definition> accepted;
    std::map<std::string, int> refusals;
    for (std::size_t i = 0; i < document.size(); ++i) {
        const auto& item = document[i];
        INFO("definition " << i << ": " << item.dump());
        nlohmann::json one = nlohmann::json::array({item});
        try {
            definition_set set = parse_definitions(one.dump());
            accepted.push_back(set[0]);
        } catch (const definition_error& e) {
            REQUIRE(e.problems().size() == 1);
            const std::string& message = e.problems()[0].message;
            // The only reasons real definitions are refused: no group, or a regex PCRE rejects.
            const bool known = message.rfind("Regex has no capture group", 0) == 0 ||
                               message.rfind("Regex does not compile at offset", 0) == 0;
            CHECK(known);
            refusals[message.substr(0, message.find(':'))]++;
        }
    }
    for (const auto& [reason, count] : refusals) INFO(count << " refused: " << reason);
    CHECK(refusals["Regex has no capture group"] == 9);
    CHECK(accepted.size() == 449);

    // Everything accepted compiles on every engine, all at once (limits lifted: 458 > 40).
    definition_set all(accepted, definition_limits::unlimited());
    pcre2_matcher pcre2(all);
    CHECK(pcre2.definitions().size() == accepted.size());
#ifdef LOGMETRICS_HAS_HYPERSCAN
    hyperscan_matcher hyperscan(all);
    std::map<hyperscan_plan, int> plans;
    for (std::size_t i = 0; i < all.size(); ++i) plans[hyperscan.plan(i)]++;
    // Most real definitions run on Hyperscan, as written or by the part before their group.
    CHECK(plans[hyperscan_plan::exact] + plans[hyperscan_plan::filter] > 300);
    CHECK(plans[hyperscan_plan::filter] > 200);
    // And in SageMaker-sized groups of 40, as a training job would have them.
    for (std::size_t start = 0; start < accepted.size(); start += 40) {
        std::vector<metric_definition> group(
            accepted.begin() + static_cast<std::ptrdiff_t>(start),
            accepted.begin() + static_cast<std::ptrdiff_t>(std::min(start + 40, accepted.size())));
        hyperscan_matcher grouped{definition_set(group)};
        CHECK(grouped.definitions().size() == group.size());
    }
#endif
}

#ifdef LOGMETRICS_HAS_HYPERSCAN
TEST_CASE("a literal becomes a Hyperscan pattern of hex escapes (xHH), byte for byte", "[definitions][hyperscan]") {
    CHECK(detail::hs_literal_pattern("") == "");
    CHECK(detail::hs_literal_pattern("a.(") == "\\x61\\x2e\\x28");
    CHECK(detail::hs_literal_pattern(std::string("\0\xff\n", 3)) == "\\x00\\xff\\x0a");
    const detail::scan_plan plan = detail::choose_plan("loss\"=([0-9.]+)", false);
    CHECK(plan.plan == hyperscan_plan::filter);
    CHECK(plan.reason == R"(scans for a literal every match contains: "loss\"=")");
}
#endif
