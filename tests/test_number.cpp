// SPDX-License-Identifier: MIT
// The number grammar for captured values (include/logmetrics/number.hpp).

#include <cctype>
#include <cfloat>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "logmetrics/definitions_json.hpp"
#include "logmetrics/monitor.hpp"
#include "logmetrics/number.hpp"
#include "support/catch.hpp"
#include "testing/engines.hpp"
#include "testing/recording_sink.hpp"

using logmetrics::parse_integer;
using logmetrics::parse_number;

TEST_CASE("numbers the grammar accepts", "[number]") {
    CHECK(parse_number("3.14") == 3.14);
    CHECK(parse_number("-2") == -2.0);
    CHECK(parse_number("+2") == 2.0);
    CHECK(parse_number(".5") == 0.5);
    CHECK(parse_number("-.5e-3") == -0.0005);
    CHECK(parse_number("1e5") == 100000.0);
    CHECK(parse_number("1E+5") == 100000.0);
    CHECK(parse_number("00012") == 12.0);
    CHECK(parse_number("0.138318") == 0.138318);
    CHECK(parse_number(" \t0.25\r\n") == 0.25);  // ASCII whitespace is trimmed
    CHECK(parse_number("4.9e-05") == 4.9e-05);
}

TEST_CASE("a trailing dot is a number, as for Python, Java and strtod", "[number]") {
    CHECK(parse_number("5.") == 5.0);
    CHECK(parse_number("1000.") == 1000.0);
    CHECK(parse_number("1.E-3") == 0.001);
    CHECK(parse_number("-7.e+2") == -700.0);
    // Neighbours: signs, zeros, exponents, whitespace, range.
    CHECK(parse_number("+5.") == 5.0);
    CHECK(parse_number("0.") == 0.0);
    CHECK(parse_number("00.") == 0.0);
    CHECK(parse_number("1.e5") == 100000.0);
    CHECK(parse_number("1.E+5") == 100000.0);
    CHECK(parse_number("12.e-1") == 1.2);
    CHECK(parse_number(" 3.\t") == 3.0);
    CHECK(parse_number("1.e999") == std::numeric_limits<double>::infinity());
    CHECK(parse_number("12345678901234567890.") == 12345678901234567890.0);  // past the fast path
    auto negative_zero = parse_number("-0.");
    REQUIRE(negative_zero);
    CHECK(*negative_zero == 0.0);
    CHECK(std::signbit(*negative_zero));
    auto tiny = parse_number("-1.e-999");
    REQUIRE(tiny);
    CHECK(*tiny == 0.0);
    CHECK(std::signbit(*tiny));
    // A dot needs a digit on one side, and an exponent needs digits.
    for (const char* text : {".", "+.", "-.", ".e5", "+.e5", "5.e", "5.e+", "5.-", "5..", "..5", "5.5.", "5.,", "5. 0",
                             ".5.", "e.5", "5.x", "nan.", "inf."}) {
        INFO("text: " << text);
        CHECK_FALSE(parse_number(text).has_value());
    }
    // Integers stay decimal digits only.
    CHECK_FALSE(parse_integer("5.").has_value());
}

TEST_CASE("non-finite spellings in any case", "[number]") {
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(parse_number("inf") == inf);
    CHECK(parse_number("+Inf") == inf);
    CHECK(parse_number("-INFINITY") == -inf);
    CHECK(parse_number("Infinity") == inf);
    auto nan = parse_number("NaN");
    REQUIRE(nan);
    CHECK(std::isnan(*nan));
    auto negative_nan = parse_number("-nan");
    REQUIRE(negative_nan);
    CHECK(std::isnan(*negative_nan));
}

TEST_CASE("out-of-range literals become infinity or zero", "[number]") {
    const double inf = std::numeric_limits<double>::infinity();
    CHECK(parse_number("1e999") == inf);
    CHECK(parse_number("-1e999") == -inf);
    CHECK(parse_number("123456789e400") == inf);
    auto tiny = parse_number("1e-999");
    REQUIRE(tiny);
    CHECK(*tiny == 0.0);
    auto negative_tiny = parse_number("-1e-999");
    REQUIRE(negative_tiny);
    CHECK(*negative_tiny == 0.0);
    CHECK(std::signbit(*negative_tiny));
    CHECK(parse_number("0e999") == 0.0);
    CHECK(parse_number("0.000001e310") == 1e304);  // in range once the fraction is counted
}

TEST_CASE("text that is not a number is rejected", "[number]") {
    for (const char* text : {"",
                             " ",
                             "-",
                             "+",
                             ".",
                             "+.",
                             "1e",
                             "1e+",
                             "e5",
                             "0x10",
                             "1,000",
                             "3.14#011",
                             "2.31#011validation-rmse:2.57",
                             "n/a",
                             "nan%",
                             "infinit",
                             "--1",
                             "+-1",
                             "1.2.3",
                             "1 2",
                             "١٢",
                             "0.5;",
                             "\xff"}) {
        INFO("text: " << text);
        CHECK_FALSE(parse_number(text).has_value());
    }
}

TEST_CASE("parsing does not depend on the C locale's decimal point", "[number]") {
    // from_chars is locale-independent by specification; "0,5" must stay rejected.
    CHECK_FALSE(parse_number("0,5").has_value());
    CHECK(parse_number("0.5") == 0.5);
}

TEST_CASE("integers are exact beyond 2^53", "[number]") {
    CHECK(parse_integer("9007199254740993") == 9007199254740993LL);
    CHECK(parse_integer("-42") == -42);
    CHECK(parse_integer(" +7 ") == 7);
    CHECK_FALSE(parse_integer("3.0").has_value());
    CHECK_FALSE(parse_integer("1e3").has_value());
    CHECK_FALSE(parse_integer("99999999999999999999").has_value());  // does not fit
    CHECK_FALSE(parse_integer("+-1").has_value());
    CHECK_FALSE(parse_integer("").has_value());
}

TEST_CASE("the fast path gives from_chars' value, bit for bit", "[number]") {
    // parse_number computes short decimals as mantissa * 10^k in one rounding; from_chars is the
    // reference for every shape the fast path takes or declines.
    // Shapes: digits, digits.digits, digits. (trailing dot) and .digits, each with or without an
    // exponent.
    std::mt19937_64 random(12345);
    auto digits = [&](int count) {
        std::string text;
        for (int i = 0; i < count; ++i) text += static_cast<char>('0' + random() % 10);
        return text;
    };
    int fast = 0, fast_trailing_dot = 0, fast_leading_dot = 0;
    for (int i = 0; i < 200000; ++i) {
        std::string text;
        switch (random() % 4) {
            case 0: text = digits(1 + static_cast<int>(random() % 12)); break;
            case 1:
                text = digits(1 + static_cast<int>(random() % 12)) + "." + digits(1 + static_cast<int>(random() % 12));
                break;
            case 2: text = digits(1 + static_cast<int>(random() % 12)) + "."; break;
            default: text = "." + digits(1 + static_cast<int>(random() % 12)); break;
        }
        if (random() % 3 == 0) {
            text += random() % 2 ? "e" : "E";
            if (random() % 2) text += random() % 2 ? "-" : "+";
            text += std::to_string(random() % 40);
        }
        double expected = 0;
        auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), expected);
        REQUIRE(ec == std::errc());
        REQUIRE(end == text.data() + text.size());
        auto parsed = parse_number(text);
        INFO(text);
        REQUIRE(parsed);
        REQUIRE(std::memcmp(&*parsed, &expected, sizeof expected) == 0);
        auto negative = parse_number("-" + text);
        REQUIRE(negative);
        REQUIRE(*negative == -expected);
        // The fast path on its own: when it answers, it answers from_chars' value.
        double exact = 0;
        if (logmetrics::detail::parse_exact_decimal(text, exact)) {
            REQUIRE(std::memcmp(&exact, &expected, sizeof expected) == 0);
            ++fast;
            if (text.find('.') != std::string::npos) {
                const std::size_t dot = text.find('.');
                if (dot == 0) ++fast_leading_dot;
                if (dot + 1 == text.size() || !std::isdigit(static_cast<unsigned char>(text[dot + 1])))
                    ++fast_trailing_dot;
            }
        }
    }
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    // Most of these shapes take the fast path, trailing and leading dots included.
    CHECK(fast > 100000);
    CHECK(fast_trailing_dot > 10000);
    CHECK(fast_leading_dot > 10000);
#endif
}

TEST_CASE("the fast path declines what it cannot round exactly, and text outside the grammar", "[number]") {
    double value = 0;
    for (const char* text : {".", "", "e5", ".e5", "5.e", "1.2.3", "x", "12345678901234567890", "9007199254740993",
                             "1e23", "1e-23", "5.5e"}) {
        INFO("text: " << text);
        CHECK_FALSE(logmetrics::detail::parse_exact_decimal(text, value));
    }
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
    const std::pair<const char*, double> taken[] = {{"5.", 5.0},      {"1000.", 1000.0}, {"1.E-3", 0.001},
                                                    {"7.e+2", 700.0}, {".5", 0.5},       {"0.", 0.0}};
    for (const auto& [text, expected] : taken) {
        INFO("text: " << text);
        CHECK(logmetrics::detail::parse_exact_decimal(text, value));
        CHECK(value == expected);
    }
#endif
}

TEMPLATE_TEST_CASE("captured numbers with a trailing dot make samples on every engine", "[number][engines]",
                   LOGMETRICS_LIBRARY_ENGINES) {
    // SageMaker users' definitions capture the dot (`Step: ([0-9]*.)` on "Step: 1000. Time").
    const std::string definitions = R"J([
        {"Name": "step", "Regex": "Step: ([0-9]*.)"},
        {"Name": "v", "Regex": "v=(\\S+)"},
        {"Name": "lr", "Regex": "lr ([0-9.eE+-]+),"}])J";
    const std::string log =
        "Step: 1000. Time Elapsed: 12.5s\n"
        "Step: 12 Time Elapsed\n"  // `.` takes the space, which is trimmed
        "Step: . Time Elapsed\n"   // "." is rejected
        "v=5.\nv=1000.\nv=1.E-3\nv=-7.e+2\nv=+.\nv=5.e\nv=0.\nv=-0.\n"
        "lr 1.e-4, lr 2.,\n";
    test_support::recording_sink sink;
    auto m = logmetrics::make_monitor(logmetrics::parse_definitions(definitions), TestType{}, sink);
    m.feed(log);
    m.finish();
    const std::vector<std::pair<std::uint64_t, double>> want = {
        {1, 1000.0}, {2, 12.0}, {4, 5.0}, {5, 1000.0}, {6, 0.001}, {7, -700.0}, {10, 0.0}, {11, -0.0}, {12, 1e-4}};
    const std::vector<std::string> names = {"step", "step", "v", "v", "v", "v", "v", "v", "lr"};
    REQUIRE(sink.samples.size() == want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
        INFO("sample " << i << ": " << sink.samples[i]);
        CHECK(sink.samples[i].line == want[i].first);
        CHECK(sink.samples[i].name == names[i]);
        CHECK(sink.samples[i].value == want[i].second);
    }
    CHECK(std::signbit(sink.samples[7].value));  // "-0." is negative zero
    CHECK(m.stats(0).rejected == 1);             // "."
    CHECK(m.stats(0).rejected_example == ".");
    CHECK(m.stats(1).rejected == 2);  // "+." and "5.e"
    CHECK(m.stats(1).rejected_example == "+.");
    CHECK(m.stats(2).rejected == 0);
}
