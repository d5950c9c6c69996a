// SPDX-License-Identifier: MIT
// The CLI's text for people (tools/logmetrics/text.hpp): values, byte counts, quoting.

#include <cmath>
#include <limits>

#include "support/catch.hpp"
#include "text.hpp"

using namespace logmetrics::cli;

TEST_CASE("human_value shows six significant digits, integers exact, and nan without a sign", "[cli][text]") {
    CHECK(human_value(0.5) == "0.5");
    CHECK(human_value(1000) == "1000");
    CHECK(human_value(1234567.0) == "1.23457e+06");
    CHECK(human_value(0.000123456789) == "0.000123457");
    CHECK(human_value(-2.5) == "-2.5");
    CHECK(human_value(std::numeric_limits<double>::quiet_NaN()) == "nan");
    CHECK(human_value(-std::numeric_limits<double>::quiet_NaN()) == "nan");
    CHECK(human_value(std::numeric_limits<double>::infinity()) == "inf");
    CHECK(human_value(-std::numeric_limits<double>::infinity()) == "-inf");
    CHECK(human_value(0, logmetrics::value_type::integer, 9007199254740993) == "9007199254740993");
}

TEST_CASE("human_bytes uses binary units with one decimal", "[cli][text]") {
    CHECK(human_bytes(0) == "0 B");
    CHECK(human_bytes(1023) == "1023 B");
    CHECK(human_bytes(1024) == "1.0 KiB");
    CHECK(human_bytes(1536) == "1.5 KiB");
    CHECK(human_bytes(5u * 1024 * 1024) == "5.0 MiB");
    CHECK(human_bytes(std::uint64_t{3} << 40) == "3.0 TiB");
    CHECK(human_bytes(std::uint64_t{2048} << 40) == "2048.0 TiB");
}

TEST_CASE("quote_text escapes quotes, backslashes and unprintable bytes as fmt's {:?} does", "[cli][text]") {
    CHECK(quote_text("n/a") == R"("n/a")");
    CHECK(quote_text("a\"b\\c") == R"("a\"b\\c")");
    CHECK(quote_text(std::string_view("x\x01\ty\x7f\0", 6)) == R"("x\x01\ty\x7f\x00")");
    CHECK(quote_text("3.14#011") == R"("3.14#011")");
    CHECK(quote_text("caf\xc3\xa9") == "\"caf\xc3\xa9\"");  // UTF-8 stays as it is
    CHECK(quote_text("\xff") == R"("\xff")");               // a byte that is not UTF-8 is escaped
    CHECK(quote_text("") == R"("")");
}

TEST_CASE("printable_name escapes control bytes as quote_text does, and leaves printable UTF-8 alone", "[cli][text]") {
    CHECK(printable_name("train:loss") == "train:loss");
    CHECK(printable_name("\xe6\x8d\x9f\xe5\xa4\xb1") == "\xe6\x8d\x9f\xe5\xa4\xb1");  // 损失
    CHECK(printable_name(std::string_view("a\x1b[31mb\0c", 9)) == R"("a\x1b[31mb\x00c")");
    CHECK(printable_name("") == "");
}

TEST_CASE("display_width counts what a terminal shows, fit_to_width cuts with an ellipsis", "[cli][text]") {
    CHECK(display_width("loss") == 4);
    CHECK(display_width("") == 0);
    CHECK(display_width("\xc3\xa9t\xc3\xa9") == 3);         // été: 5 bytes, 3 columns
    CHECK(display_width("\xe6\x8d\x9f\xe5\xa4\xb1") == 4);  // 损失: 6 bytes, 2 wide characters
    CHECK(fit_to_width("loss", 4) == "loss");
    CHECK(fit_to_width("validation:loss", 8) == "validat\xe2\x80\xa6");
    CHECK(fit_to_width("\xc3\xa9t\xc3\xa9\xc3\xa9t\xc3\xa9", 4) ==
          "\xc3\xa9t\xc3\xa9\xe2\x80\xa6");  // whole code points
    CHECK(display_width(fit_to_width(std::string(100, 'x'), 40)) == 40);
}
