// SPDX-License-Identifier: MIT
// Bad input, each case a test: a clear error (its code, and a message naming the definition and
// the problem), or nothing lost (every sample still made, and the counts say what happened).
//
// Already covered elsewhere, and not repeated here:
//  - truncated JSON, an empty string, the wrong top-level shape, a regex missing its ')', a
//    regex without a group, missing and empty fields, SageMaker's three limits and lifting them:
//    test_definitions.cpp ("refusals name the definition and what is wrong", "SageMaker's limits").
//  - framing a 10 MB line without a newline, in bounded pieces: test_framer.cpp.
//  - 1e999 and -inf through a monitor, "n/a" and an unset group 1 rejected: test_engines.cpp.
//  - the number grammar itself (overflow to inf, underflow to 0): test_number.cpp.
//  - invalid UTF-8 written by the JSON Lines sink (U+FFFD), NaN skipped by memory_store's
//    statistics, non-finite values in csv/jsonl: test_sinks.cpp.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/matchers/pcre2.hpp"
#include "logmetrics/monitor.hpp"
#include "support/catch.hpp"
#include "testing/recording_sink.hpp"
#include "testing/engines.hpp"

using namespace logmetrics;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using test_support::recorded_sample;
using test_support::recording_sink;

namespace {

/// The error parsing `json` throws (FAILs when it does not throw).
error refusal(const std::string& json, definition_limits limits = definition_limits::sagemaker()) {
    try {
        parse_definitions(json, limits);
    } catch (const error& e) {
        return e;
    }
    FAIL("expected the definitions to be refused: " << json);
    return error(errc::invalid_argument, "unreachable");
}

/// Writes `text` to a new file in the temporary directory and returns its path (unique, since
/// ctest runs test cases in parallel processes).
std::string temporary_file(const std::string& name, const std::string& text) {
    static const std::string run = std::to_string(std::random_device{}());
    const std::string path =
        (std::filesystem::temp_directory_path() / ("logmetrics-bad-input-" + run + "-" + name)).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
}

struct scan_result {
    std::vector<recorded_sample> samples;
    monitor_stats totals;
    std::vector<definition_stats> per_definition;
};

template <class Engine>
auto compiled(const std::string& definitions) {
    return compile(parse_definitions(definitions), Engine{});
}

/// Feeds `chunks` in order to a monitor over `matcher`, then finishes.
template <class Matcher>
scan_result scan_with(std::shared_ptr<const Matcher> matcher, const std::vector<std::string_view>& chunks,
                      monitor_options options = {}) {
    recording_sink sink;
    options.clock = [] { return timestamp{}; };
    auto m = make_monitor(std::move(matcher), std::move(options), sink);
    for (auto chunk : chunks) m.feed(chunk);
    m.finish();
    scan_result out{sink.samples, m.stats(), {}};
    for (std::size_t i = 0; i < m.definitions().size(); ++i) out.per_definition.push_back(m.stats(i));
    return out;
}

template <class Engine>
scan_result scan(const std::string& definitions, const std::vector<std::string_view>& chunks,
                 monitor_options options = {}) {
    return scan_with(compiled<Engine>(definitions), chunks, std::move(options));
}

template <class Engine>
scan_result scan(const std::string& definitions, std::string_view log, monitor_options options = {}) {
    return scan<Engine>(definitions, std::vector<std::string_view>{log}, std::move(options));
}

monitor_options in_mode(framing_mode mode) {
    monitor_options options;
    options.framing.mode = mode;
    return options;
}

const char* const loss_acc = R"J([
    {"Name": "loss", "Regex": "loss=([0-9.]+)"},
    {"Name": "acc", "Regex": "acc=(\\S+)"}])J";

}  // namespace

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

TEST_CASE("invalid JSON is invalid_json, with where the parser stopped", "[bad_input][definitions]") {
    const error trailing_comma = refusal(R"J([{"Name": "a", "Regex": "(a)"},])J");
    CHECK(trailing_comma.code() == errc::invalid_json);
    CHECK_THAT(trailing_comma.what(), StartsWith("[logmetrics.invalid_json] not valid JSON: "));
    CHECK_THAT(trailing_comma.what(), Contains("line 1, column 32"));

    const error third_line = refusal("[\n  {\"Name\": \"a\", \"Regex\": \"(a)\"},\n  {'Name': 'b'}\n]");
    CHECK(third_line.code() == errc::invalid_json);
    CHECK_THAT(third_line.what(), Contains("line 3"));

    CHECK(refusal(R"J([{"Name": "a", "Regex": "(a)", "Scale": NaN}])J").code() == errc::invalid_json);
    CHECK(refusal("[{\"Name\": \"a\", \"Regex\": \"(a)\"}] trailing").code() == errc::invalid_json);

    // A file: the message starts with its path.
    const std::string path = temporary_file("invalid.json", "[{\"Name\": ");
    try {
        load_definitions(path);
        FAIL("expected an error");
    } catch (const error& e) {
        CHECK(e.code() == errc::invalid_json);
        CHECK_THAT(e.what(), StartsWith("[logmetrics.invalid_json] " + path + ": not valid JSON"));
    }
    std::remove(path.c_str());
}

TEST_CASE("invalid UTF-8 in the definitions file is invalid_json", "[bad_input][definitions][utf8]") {
    // JSON text must be UTF-8 (RFC 8259); nlohmann/json refuses ill-formed bytes in strings.
    const error e = refusal("[{\"Name\": \"caf\xe9\", \"Regex\": \"(a)\"}]");
    CHECK(e.code() == errc::invalid_json);
    CHECK_THAT(e.what(), Contains("UTF-8"));
    // Escaped, non-ASCII is fine: JSON's \u00e9 is the UTF-8 bytes C3 A9, matched as two bytes.
    auto set = parse_definitions(R"J([{"Name": "caf\u00e9", "Regex": "\u00e9=(\\d)"}])J");
    CHECK(set[0].name == "caf\xc3\xa9");
    CHECK(set[0].regex == "\xc3\xa9=(\\d)");
}

TEST_CASE("a wrong type in a field names the definition, the field and the type", "[bad_input][definitions]") {
    try {
        parse_definitions(R"J([
            {"Name": "a", "Regex": null},
            {"Name": {"first": "b"}, "Regex": "(b)"},
            {"Name": "c", "Regex": ["(c)"]},
            {"Name": "d", "Regex": "(d)", "Type": 1},
            {"Name": true, "Regex": 5},
            {"Name": "ok", "Regex": "(ok)"}])J");
        FAIL("expected a definition_error");
    } catch (const definition_error& e) {
        CHECK(e.code() == errc::invalid_definition);
        const auto& p = e.problems();
        REQUIRE(p.size() == 6);  // every problem, in list order; the valid definition has none
        CHECK(p[0].index == 0);
        CHECK(p[0].message == "\"Regex\" is a JSON null, not a string");
        CHECK(p[1].index == 1);
        CHECK(p[1].message == "\"Name\" is a JSON object, not a string");
        CHECK(p[2].message == "\"Regex\" is a JSON array, not a string");
        CHECK(p[3].message == "\"Type\" must be \"float\" or \"integer\"");
        CHECK(p[4].message == "\"Name\" is a JSON boolean, not a string");
        CHECK(p[5].message == "\"Regex\" is a JSON number, not a string");
        CHECK(p[5].index == 4);
        CHECK_THAT(e.what(), Contains("MetricDefinitions[0] \"a\": \"Regex\" is a JSON null, not a string"));
        CHECK_THAT(e.what(), Contains("MetricDefinitions[1]: \"Name\" is a JSON object"));  // no name to give
        CHECK_THAT(e.what(), Contains("MetricDefinitions[3] \"d\": \"Type\" must be"));
    }
    // The list itself of the wrong type.
    const error not_a_list = refusal(R"J({"MetricDefinitions": {"Name": "a", "Regex": "(a)"}})J");
    CHECK(not_a_list.code() == errc::invalid_json);
    CHECK_THAT(not_a_list.what(), Contains("\"MetricDefinitions\" is not an array"));
}

TEST_CASE("an invalid regex names the definition, the offset and PCRE2's reason", "[bad_input][definitions][regex]") {
    // A missing ')' is in test_definitions.cpp; these are other ways a regex fails.
    try {
        parse_definitions(R"J([
            {"Name": "range", "Regex": "[z-a](x)"},
            {"Name": "code point", "Regex": "\\x{100}(a)"},
            {"Name": "quantifier", "Regex": "loss=*+?(x)"},
            {"Name": "fine", "Regex": "fine=(\\d+)"},
            {"Name": "escape", "Regex": "(a)\\"}])J");
        FAIL("expected a definition_error");
    } catch (const definition_error& e) {
        CHECK(e.code() == errc::invalid_definition);
        const auto& p = e.problems();
        REQUIRE(p.size() == 4);
        CHECK(p[0].index == 0);
        CHECK(p[0].message == "Regex does not compile at offset 3: range out of order in character class");
        CHECK(p[1].index == 1);  // byte mode: no code points above 0xFF
        CHECK_THAT(p[1].message, StartsWith("Regex does not compile at offset 6: "));
        CHECK(p[2].index == 2);
        CHECK_THAT(p[2].message, StartsWith("Regex does not compile at offset "));
        CHECK(p[3].index == 4);
        CHECK_THAT(p[3].message, Contains("\\ at end of pattern"));
        CHECK_THAT(e.what(), Contains("MetricDefinitions[0] \"range\": Regex does not compile at offset 3"));
        CHECK_THAT(e.what(), Contains("MetricDefinitions[4] \"escape\""));
    }
}

TEST_CASE("a regex without capture group 1 is refused, a named group is group 1", "[bad_input][definitions][regex]") {
    for (const char* regex : {"(?:loss)=\\\\S+", "a|b", "(?=x)x", "\\\\(1\\\\)"}) {
        INFO("regex " << regex);
        const error e = refusal(std::string(R"J([{"Name": "g", "Regex": ")J") + regex + "\"}]");
        CHECK(e.code() == errc::invalid_definition);
        CHECK_THAT(e.what(), Contains("MetricDefinitions[0] \"g\": Regex has no capture group"));
    }
    CHECK(parse_definitions(R"J([{"Name": "named", "Regex": "loss=(?<value>\\S+)"}])J").size() == 1);
    CHECK(parse_definitions(R"J([{"Name": "optional", "Regex": "loss=(\\S+)?"}])J").size() == 1);
}

TEST_CASE("a definition over two limits lists both, the 41st is named", "[bad_input][definitions][limits]") {
    // One limit at a time is in test_definitions.cpp.
    const std::string name(300, 'n');
    const std::string regex = "(x)" + std::string(600, 'a');
    try {
        parse_definitions(R"J([{"Name": ")J" + name + R"J(", "Regex": ")J" + regex + "\"}]");
        FAIL("expected a definition_error");
    } catch (const definition_error& e) {
        REQUIRE(e.problems().size() == 2);
        CHECK(e.problems()[0].message == "Name is 300 characters, over the limit of 255");
        CHECK(e.problems()[1].message == "Regex is 603 characters, over the limit of 500");
    }
    std::string many = "[";
    for (int i = 0; i < 41; ++i) many += R"J({"Name": "m)J" + std::to_string(i) + R"J(", "Regex": "(x)"},)J";
    many.back() = ']';
    try {
        parse_definitions(many);
        FAIL("expected a definition_error");
    } catch (const definition_error& e) {
        REQUIRE(e.problems().size() == 1);
        CHECK(e.problems()[0].index == 40);
        CHECK(e.problems()[0].name == "m40");
        CHECK_THAT(e.what(), Contains("MetricDefinitions[40] \"m40\": more than 40 definitions (41 given)"));
    }
}

TEST_CASE("an empty definitions file is invalid_json, an empty list is accepted", "[bad_input][definitions][empty]") {
    for (const std::string text : {"", "   \n\t\n"}) {
        const std::string path = temporary_file("empty.json", text);
        try {
            load_definitions(path);
            FAIL("expected an error");
        } catch (const definition_error&) {
            FAIL("an empty file is not a definition problem");
        } catch (const error& e) {
            CHECK(e.code() == errc::invalid_json);
            CHECK_THAT(e.what(), StartsWith("[logmetrics.invalid_json] " + path + ": not valid JSON"));
        }
        std::remove(path.c_str());
    }
    // No definitions is a valid (if useless) configuration, as on SageMaker: lines are counted.
    for (const char* json : {"[]", R"J({"MetricDefinitions": []})J"}) {
        CHECK(parse_definitions(json).empty());
    }
}

TEMPLATE_TEST_CASE("a monitor without definitions counts lines and makes no samples", "[bad_input][empty]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    const scan_result r = scan<TestType>("[]", "loss=1\nacc=2\nlast");
    CHECK(r.samples.empty());
    CHECK(r.totals.lines == 3);
    CHECK(r.totals.bytes == 17);
}

TEST_CASE("definitions nested deep in AlgorithmSpecification do not overflow the stack", "[bad_input][definitions]") {
    // find_definition_array follows "AlgorithmSpecification" by recursion, one frame per level:
    // 100k levels (2.6 MB) overflowed the stack in unoptimized and ASan (-O1) builds.
    constexpr std::size_t depth = 100000;
    std::string json;
    json.reserve(depth * 28 + 64);
    for (std::size_t i = 0; i < depth; ++i) json += R"J({"AlgorithmSpecification":)J";
    json += R"J({"MetricDefinitions": [{"Name": "a", "Regex": "(a)"}]})J";
    json.append(depth, '}');
    std::size_t loaded = 0;
    try {
        loaded = parse_definitions(json).size();
    } catch (const error& e) {  // refusing such a file is fine too, as long as it is an error
        CHECK(e.code() == errc::invalid_json);
        loaded = 1;
    }
    CHECK(loaded == 1);
    // Deeply nested arrays are refused as not being objects, without trouble.
    const error arrays = refusal(std::string(depth, '[') + std::string(depth, ']'));
    CHECK_THAT(arrays.what(), Contains("MetricDefinitions[0]: is a JSON array, not an object"));
}

TEST_CASE("options out of range are invalid_argument", "[bad_input][options]") {
    // max_line_length under 4 and an unknown step_metric are in test_framer.cpp / test_monitor.cpp.
    recording_sink sink;
    monitor_options options;
    options.batch_size = 0;
    try {
        auto m = make_monitor(parse_definitions(loss_acc), pcre2_engine{}, options, sink);
        FAIL("expected an error");
    } catch (const error& e) {
        CHECK(e.code() == errc::invalid_argument);
        CHECK_THAT(e.what(), Contains("batch_size"));
    }
}

// ---------------------------------------------------------------------------------------------
// Logs
// ---------------------------------------------------------------------------------------------

TEMPLATE_TEST_CASE("an empty log makes no lines and no samples, and still flushes", "[bad_input][empty]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    for (const std::vector<std::string_view>& chunks :
         {std::vector<std::string_view>{}, std::vector<std::string_view>{"", "", ""}}) {
        recording_sink sink;
        auto m = make_monitor(parse_definitions(loss_acc), TestType{}, sink);
        for (auto chunk : chunks) m.feed(chunk);
        m.finish();
        m.finish();  // a second finish adds nothing
        CHECK(sink.samples.empty());
        CHECK(m.stats().lines == 0);
        CHECK(m.stats().bytes == 0);
        CHECK(sink.flushes == 2);
    }
}

TEMPLATE_TEST_CASE("a 10 MB single line is cut into pieces and its metrics still come out", "[bad_input][long]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    // The line is 9 + 10 MiB + 8 bytes: 40 full pieces of 256 KiB and a last one of 17 bytes that
    // holds " acc=0.7" whole. A metric inside a piece is found; the counts show one cut line.
    std::string log = "loss=0.5 ";
    log.append(10 * 1024 * 1024, 'x');
    log += " acc=0.7\nloss=0.25\n";
    const std::string_view all(log);
    std::vector<std::string_view> chunks;
    for (std::size_t at = 0; at < all.size(); at += 65536) chunks.push_back(all.substr(at, 65536));
    for (const auto& fed : {std::vector<std::string_view>{all}, chunks}) {
        INFO(fed.size() << " chunks");
        const scan_result r = scan<TestType>(loss_acc, fed);
        REQUIRE(r.samples.size() == 3);
        CHECK(r.samples[0].name == "loss");
        CHECK(r.samples[0].value == 0.5);
        CHECK(r.samples[0].line == 1);
        CHECK(r.samples[1].name == "acc");
        CHECK(r.samples[1].value == 0.7);
        CHECK(r.samples[1].line == 1);  // the last piece: still line 1
        CHECK(r.samples[2].value == 0.25);
        CHECK(r.samples[2].line == 2);
        CHECK(r.totals.bytes == log.size());
        CHECK(r.totals.lines == 2);
        CHECK(r.totals.cut_lines == 1);
        CHECK(r.totals.rejected == 0);
    }
}

TEMPLATE_TEST_CASE("a capture that reaches where a long line was cut is rejected, not cut short", "[bad_input][long]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    // Pieces of 20 bytes. "acc=0.12345678" straddles the first cut: the first piece ends in
    // "acc=0.1", which \S+ would take as 0.1, a value the log never had; the second piece starts
    // with "2345678", which "^([0-9]+)" would take. Both are rejected. A capture inside a piece,
    // clear of the cuts, is a sample as before.
    const char* const definitions = R"J([
        {"Name": "acc", "Regex": "acc=(\\S+)"},
        {"Name": "head", "Regex": "^([0-9]+)"},
        {"Name": "loss", "Regex": "loss=([0-9.]+) "}])J";
    const std::string log = "xxxxxxxxxxxxxacc=0.12345678 loss=0.25 yyyy\n42\n";
    //                       |----- piece 1 ----||----- piece 2 ----||3|
    monitor_options options;
    options.framing.max_line_length = 20;
    const std::string_view all(log);
    for (std::size_t split = 0; split <= log.size(); ++split) {  // chunks split anywhere
        INFO("split at " << split);
        const scan_result r = scan<TestType>(definitions, {all.substr(0, split), all.substr(split)}, options);
        REQUIRE(r.samples.size() == 2);
        CHECK(r.samples[0].name == "loss");
        CHECK(r.samples[0].value == 0.25);
        CHECK(r.samples[0].line == 1);
        CHECK(r.samples[1].name == "head");
        CHECK(r.samples[1].value == 42);
        CHECK(r.samples[1].line == 2);
        CHECK(r.per_definition[0].rejected == 1);
        CHECK(r.per_definition[0].rejected_example == "0.1");
        CHECK(r.per_definition[1].rejected == 1);
        CHECK(r.per_definition[1].rejected_example == "2345678");
        CHECK(r.totals.cut_lines == 1);
    }
}

TEMPLATE_TEST_CASE("a long line of control bytes is escaped and cut within the maximum", "[bad_input][long]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    // 1 MiB of TABs becomes 4 MiB of "#011" in sagemaker mode: 16 pieces, none with a split escape.
    std::string log = "loss=0.5";
    log.append(1024 * 1024, '\t');
    log += "acc=0.7\n";
    const scan_result r = scan<TestType>(loss_acc, log, in_mode(framing_mode::sagemaker));
    REQUIRE(r.samples.size() == 2);
    CHECK(r.samples[0].value == 0.5);
    CHECK(r.samples[1].value == 0.7);
    CHECK(r.totals.cut_lines == 1);
}

TEMPLATE_TEST_CASE("lines with NUL bytes still match", "[bad_input][nul]", LOGMETRICS_LIBRARY_ENGINES) {
    using namespace std::string_literals;
    const std::string log = "\0\0loss=0.5\0 acc=0.7\0\nacc=n\0a\n"s;
    SECTION("raw: NUL is a byte like any other") {
        const scan_result r = scan<TestType>(loss_acc, log, in_mode(framing_mode::raw));
        REQUIRE(r.samples.size() == 1);
        CHECK(r.samples[0].value == 0.5);
        REQUIRE(r.per_definition[1].rejected == 2);  // \S+ takes the NUL: "0.7\0" is not a number
        CHECK(r.per_definition[1].rejected_example == "0.7\0"s);
        CHECK(r.totals.lines == 2);
    }
    SECTION("sagemaker: NUL is written #000, as CloudWatch shows it") {
        const scan_result r = scan<TestType>(loss_acc, log, in_mode(framing_mode::sagemaker));
        REQUIRE(r.samples.size() == 1);
        CHECK(r.samples[0].value == 0.5);
        CHECK(r.per_definition[1].rejected_example == "0.7#000");
    }
    SECTION("a regex can look for NUL itself") {
        const scan_result r =
            scan<TestType>(R"J([{"Name": "after", "Regex": "\\x00 acc=([0-9.]+)"}])J", log, in_mode(framing_mode::raw));
        REQUIRE(r.samples.size() == 1);
        CHECK(r.samples[0].value == 0.7);
    }
}

TEMPLATE_TEST_CASE("lines with invalid UTF-8 still match, as bytes", "[bad_input][utf8]", LOGMETRICS_LIBRARY_ENGINES) {
    // Lone continuation bytes, a truncated sequence, an overlong encoding, a surrogate, 0xFF.
    const std::string log =
        "\x80\xbf loss=0.5 \xc3\n"
        "\xe2\x82 acc=0.7\n"
        "\xc0\xaf loss=0.25 \xed\xa0\x80\n"
        "acc=\xff\xfe\n"
        "\xff loss=1\xff\n";
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        INFO("mode " << to_string(mode));
        const scan_result r = scan<TestType>(loss_acc, log, in_mode(mode));
        REQUIRE(r.samples.size() == 4);
        CHECK(r.samples[0].value == 0.5);
        CHECK(r.samples[1].value == 0.7);
        CHECK(r.samples[2].value == 0.25);
        CHECK(r.samples[3].value == 1);  // [0-9.]+ stops at 0xFF
        CHECK(r.samples[3].line == 5);
        CHECK(r.per_definition[1].rejected == 1);  // the bytes are kept in the example as they were
        CHECK(r.per_definition[1].rejected_example == "\xff\xfe");
    }
    // A regex can name such bytes.
    const scan_result r = scan<TestType>(R"J([{"Name": "b", "Regex": "\\xff\\xfe|\\xff loss=(\\d)"}])J", log);
    REQUIRE(r.samples.size() == 1);
    CHECK(r.samples[0].line == 5);
    CHECK(r.per_definition[0].rejected == 1);  // line 4: the first alternative, group 1 unset
}

TEMPLATE_TEST_CASE("CRLF split across chunks gives the samples of the unsplit log", "[bad_input][crlf]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    const std::string log = "loss=0.5\r\nacc=0.7\r\n\r\nloss=0.25 acc=n/a\r\nloss=1\r";
    const auto matcher = compiled<TestType>(loss_acc);
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        const scan_result whole = scan_with(matcher, {log}, in_mode(mode));
        for (std::size_t a = 0; a <= log.size(); ++a) {
            for (std::size_t b = a; b <= log.size(); b += 3) {
                INFO("mode " << to_string(mode) << ", cut at " << a << " and " << b);
                const std::string_view v(log);
                const scan_result split =
                    scan_with(matcher, {v.substr(0, a), v.substr(a, b - a), v.substr(b)}, in_mode(mode));
                REQUIRE(split.samples == whole.samples);
                REQUIRE(split.totals.lines == whole.totals.lines);
                REQUIRE(split.totals.rejected == whole.totals.rejected);
            }
        }
        // Five lines in every mode (in terminal mode the CR of a CRLF ends the line, the LF is
        // swallowed). What the CR becomes: kept, and \S+ stops before it (raw); #015, which \S+
        // takes, so "0.7#015" is rejected as on SageMaker (sagemaker); a line end (terminal).
        CHECK(whole.totals.lines == 5);
        const auto m = static_cast<std::size_t>(mode);
        CHECK(whole.samples.size() == std::vector<std::size_t>{4, 3, 4}[m]);
        CHECK(whole.per_definition[1].rejected_example == std::vector<std::string>{"n/a", "0.7#015", "n/a"}[m]);
    }
}

TEMPLATE_TEST_CASE("NaN, infinities and out-of-range numbers follow the documented grammar", "[bad_input][numbers]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "v", "Regex": "v=(\\S+)"},
        {"Name": "n", "Regex": "n=(\\S+)", "Type": "integer"}])J";
    const std::string log =
        "v=NaN\nv=-nan\nv=Infinity\nv=-inf\nv=1e999\nv=-1e999\nv=1e-999\nv=-1e-999\nv=0x10\nv=nan%\nv=infinit\n"
        "n=9223372036854775807\nn=-9223372036854775808\nn=9223372036854775808\nn=1e999\nn=NaN\nn=inf\n"
        "v=5.\nv=-7.e+2\nv=.\nv=+.\nn=5.\n";
    const scan_result r = scan<TestType>(definitions, log);
    REQUIRE(r.samples.size() == 12);
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(std::isnan(r.samples[0].value));
    CHECK(std::isnan(r.samples[1].value));
    CHECK(r.samples[2].value == inf);
    CHECK(r.samples[3].value == -inf);
    CHECK(r.samples[4].value == inf);  // beyond a double's range: +-inf, as Python's float() does
    CHECK(r.samples[5].value == -inf);
    CHECK(r.samples[6].value == 0.0);  // below it: +-0
    CHECK_FALSE(std::signbit(r.samples[6].value));
    CHECK(r.samples[7].value == 0.0);
    CHECK(std::signbit(r.samples[7].value));
    CHECK(r.samples[8].integer == std::numeric_limits<std::int64_t>::max());
    CHECK(r.samples[9].integer == std::numeric_limits<std::int64_t>::min());
    CHECK(r.samples[9].line == 13);
    CHECK(r.samples[10].value == 5.0);  // a trailing dot is a number, as for strtod
    CHECK(r.samples[11].value == -700.0);
    CHECK(r.samples[11].line == 19);
    // Rejected: not in the grammar (hex, a suffix, a misspelling, a dot without a digit), and for
    // integers anything that is not a decimal integer that fits in 64 bits (an integer never
    // becomes inf, and "5." is not an integer).
    CHECK(r.per_definition[0].rejected == 5);
    CHECK(r.per_definition[0].rejected_example == "0x10");
    CHECK(r.per_definition[1].rejected == 5);
    CHECK(r.per_definition[1].rejected_example == "9223372036854775808");
    CHECK(r.totals.samples + r.totals.rejected == 22);  // every capture is one or the other
}

TEMPLATE_TEST_CASE("a regex that backtracks without end is a counted match error, not a hang", "[bad_input][regex]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    const std::string definitions = R"J([
        {"Name": "nested", "Regex": "(?:a+)+b=(\\d)"},
        {"Name": "loss", "Regex": "loss=([0-9.]+)"}])J";
    // Line 1 has "b=" (so no literal filter skips the regex) but no match: 2^40 ways to fail.
    const std::string log = std::string(40, 'a') + " b=x loss=0.5\n" + std::string(40, 'a') + "b=1\n";
    const scan_result r = scan<TestType>(definitions, log);
    // PCRE2's match limit stops the search; the other definition on that line is unaffected.
    REQUIRE(r.samples.size() == 2);
    CHECK(r.samples[0].name == "loss");
    CHECK(r.samples[1].name == "nested");
    CHECK(r.samples[1].line == 2);
    if constexpr (std::is_same_v<TestType, pcre2_engine>) {
        CHECK(r.per_definition[0].match_errors == 1);
    } else {
        CHECK(r.per_definition[0].match_errors <= 1);  // Hyperscan may rule line 1 out first
    }
}

namespace {

/// Throws on every write and flush; counts its calls.
struct always_throwing_sink {
    std::uint64_t calls = 0;
    void write(const sample&) {
        ++calls;
        throw std::runtime_error("disk full");
    }
    void flush() {
        ++calls;
        throw std::runtime_error("flush failed");
    }
};

/// Takes batches, throws on every one, with something that is not a std::exception.
struct always_throwing_batch_sink {
    std::uint64_t calls = 0;
    void write(const sample&) {
        ++calls;
        throw 42;
    }
    void write(std::span<const sample>) {
        ++calls;
        throw 42;
    }
    void flush() { ++calls; }
};
static_assert(batch_metric_sink<always_throwing_batch_sink>);

}  // namespace

TEMPLATE_TEST_CASE("a sink that throws on every call does not cost the other sinks a sample", "[bad_input][sinks]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    std::string log;
    for (int i = 0; i < 1000; ++i) log += "step " + std::to_string(i) + " loss=" + std::to_string(i) + " acc=0.5\n";
    recording_sink first, last;
    always_throwing_sink failing;
    always_throwing_batch_sink failing_batches;
    std::uint64_t reported = 0, unknown = 0;
    monitor_options options;
    options.batch_size = 7;
    options.on_sink_error = [&](const sink_error& e) {
        ++reported;
        if (e.message == "unknown exception") ++unknown;
    };
    auto m = make_monitor(parse_definitions(loss_acc), TestType{}, options, failing, first, failing_batches, last);
    const std::string_view all(log);
    for (std::size_t at = 0; at < all.size(); at += 1000) m.feed(all.substr(at, 1000));
    m.finish();

    CHECK(first.samples.size() == 2000);
    CHECK(first.samples == last.samples);
    CHECK(last.flushes == 1);
    CHECK(m.stats().samples == 2000);
    CHECK(m.sink_errors(0) == failing.calls);  // every call threw and was counted
    CHECK(m.sink_errors(1) == 0);
    CHECK(m.sink_errors(2) == failing_batches.calls - 1);  // every batch; its flush does not throw
    CHECK(failing_batches.calls > 2000 / 8);               // batches of 7 or 8 (two samples a line), and one per feed
    CHECK(m.sink_errors(3) == 0);
    CHECK(m.stats().sink_errors == m.sink_errors(0) + m.sink_errors(2));
    CHECK(reported == m.stats().sink_errors);
    CHECK(unknown == m.sink_errors(2));
}

namespace {

/// A single-sample sink whose every third write fails (a flaky disk, a full pipe now and then).
struct every_third_write_fails {
    std::uint64_t writes = 0, failures = 0;
    std::vector<double> values;
    void write(const sample& s) {
        if (++writes % 3 == 0) {
            ++failures;
            throw std::runtime_error("write failed");
        }
        values.push_back(s.value);
    }
    void flush() {}
};

}  // namespace

TEMPLATE_TEST_CASE("a sink whose writes fail now and then loses only the samples that failed", "[bad_input][sinks]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    // The monitor hands a batch to a single-sample sink one write() at a time; one failed write
    // must not cost that sink the rest of the batch. Every sample is either written or counted.
    std::string log;
    for (int i = 0; i < 100; ++i) log += "loss=" + std::to_string(i) + "\n";
    every_third_write_fails flaky;
    monitor_options options;
    options.batch_size = 10;
    options.on_sink_error = [](const sink_error&) {};
    auto m = make_monitor(parse_definitions(loss_acc), TestType{}, options, flaky);
    m.feed(log);
    m.finish();
    CHECK(m.stats().samples == 100);
    CHECK(flaky.writes == 100);
    CHECK(flaky.values.size() + m.sink_errors(0) == 100);
    CHECK(m.sink_errors(0) == flaky.failures);
}

TEST_CASE("a NUL in a definition's name does not cut the error message short", "[bad_input][definitions]") {
    // The message copies names as they are; what() is a C string, so a NUL ("\u0000" in JSON)
    // ended it there, hiding that problem and every one after it from whoever prints what().
    try {
        parse_definitions(R"J([{"Name": "a\u0000b", "Regex": "x"}, {"Name": "c", "Regex": "("}])J");
        FAIL("expected a definition_error");
    } catch (const definition_error& e) {
        REQUIRE(e.problems().size() == 2);
        CHECK(e.problems()[0].name == std::string("a\0b", 3));  // problems() keeps the name exactly
        const std::string what = e.what();                      // as catch (std::exception&) sees it
        CHECK_THAT(what, Contains("Regex has no capture group"));
        CHECK_THAT(what, Contains("MetricDefinitions[1] \"c\": Regex does not compile"));
    }
}

TEST_CASE("bytes after a NUL in the definitions file are not silently ignored", "[bad_input][definitions]") {
    // nlohmann/json's lexer takes a NUL byte for the end of input, so whatever follows one was
    // dropped without a word; any other trailing text is refused (see the first test above).
    using namespace std::string_literals;
    const error e = refusal("[{\"Name\": \"a\", \"Regex\": \"(a)\"}]\0, {\"Name\": \"b\", \"Regex\": \"(b)\"}"s);
    CHECK(e.code() == errc::invalid_json);
}
