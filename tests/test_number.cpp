// SPDX-License-Identifier: MIT
// The number grammar for captured values (include/logmetrics/number.hpp).

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "logmetrics/number.hpp"
#include "support/catch.hpp"

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
                             "5.",
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
    std::mt19937_64 random(12345);
    auto digits = [&](int count) {
        std::string text;
        for (int i = 0; i < count; ++i) text += static_cast<char>('0' + random() % 10);
        return text;
    };
    for (int i = 0; i < 200000; ++i) {
        std::string text = digits(1 + static_cast<int>(random() % 12));
        if (random() % 2) text += "." + digits(1 + static_cast<int>(random() % 12));
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
    }
}
