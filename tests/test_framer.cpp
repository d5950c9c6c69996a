// SPDX-License-Identifier: MIT
// Line framing in the three modes (include/logmetrics/framer.hpp), fed at every split position.

#include <string>
#include <string_view>
#include <vector>

#include "logmetrics/framer.hpp"
#include "support/catch.hpp"

using logmetrics::framing_mode;
using logmetrics::framing_options;
using logmetrics::line_framer;

namespace {

struct framed {
    std::vector<std::string> lines;   // whole lines, pieces joined
    std::vector<std::string> pieces;  // what was handed on, as handed on
};

framed frame(std::string_view input, const std::vector<std::size_t>& cuts, framing_options options) {
    line_framer framer(options);
    framed out;
    std::string current;
    auto on_line = [&](std::string_view text, bool continued) {
        out.pieces.emplace_back(text);
        current.append(text);
        if (!continued) {
            out.lines.push_back(current);
            current.clear();
        }
    };
    std::size_t start = 0;
    for (std::size_t cut : cuts) {
        framer.feed(input.substr(start, cut - start), on_line);
        start = cut;
    }
    framer.feed(input.substr(start), on_line);
    framer.finish(on_line);
    REQUIRE(current.empty());
    return out;
}

std::vector<std::string> frame_whole(std::string_view input, framing_mode mode) {
    return frame(input, {}, {mode, 256 * 1024}).lines;
}

/// Every single split point and every pair of split points give the same lines as one chunk.
void check_every_split(std::string_view input, framing_mode mode, std::size_t max_line_length = 256 * 1024) {
    const framing_options options{mode, max_line_length};
    const framed whole = frame(input, {}, options);
    for (std::size_t a = 0; a <= input.size(); ++a) {
        for (std::size_t b = a; b <= input.size(); ++b) {
            framed split = frame(input, {a, b}, options);
            INFO("mode " << to_string(mode) << ", cuts at " << a << " and " << b);
            REQUIRE(split.lines == whole.lines);
            REQUIRE(split.pieces == whole.pieces);
        }
    }
}

using lines = std::vector<std::string>;

}  // namespace

TEST_CASE("raw mode keeps every byte but the newline", "[framer][raw]") {
    CHECK(frame_whole("a\nb\r\n\nc", framing_mode::raw) == lines{"a", "b\r", "", "c"});
    CHECK(frame_whole("a\n", framing_mode::raw) == lines{"a"});
    CHECK(frame_whole("", framing_mode::raw).empty());
    CHECK(frame_whole("\n", framing_mode::raw) == lines{""});
    CHECK(frame_whole(std::string("x\0y\x1b[0m\t\xff\xfe\n", 11), framing_mode::raw) ==
          lines{std::string("x\0y\x1b[0m\t\xff\xfe", 10)});
}

TEST_CASE("sagemaker mode writes control bytes as #ooo", "[framer][sagemaker]") {
    CHECK(frame_whole("[3]\ttrain-rmse:2.31\tvalidation-rmse:2.57\n", framing_mode::sagemaker) ==
          lines{"[3]#011train-rmse:2.31#011validation-rmse:2.57"});
    CHECK(frame_whole("loss 0.5\r\n", framing_mode::sagemaker) == lines{"loss 0.5#015"});
    CHECK(frame_whole("a\rb\x1b[1m\x7f\b\n", framing_mode::sagemaker) == lines{"a#015b#033[1m#177#010"});
    CHECK(frame_whole(std::string("\0\n", 2), framing_mode::sagemaker) == lines{"#000"});
    // Bytes from 0x80 up (UTF-8, or not) are left alone.
    CHECK(frame_whole("é\xff\n", framing_mode::sagemaker) == lines{"é\xff"});
}

TEST_CASE("terminal mode ends lines at CR too and drops ANSI escapes", "[framer][terminal]") {
    CHECK(frame_whole("1/3 loss: 0.9\r2/3 loss: 0.7\r3/3 loss: 0.5\n", framing_mode::terminal) ==
          lines{"1/3 loss: 0.9", "2/3 loss: 0.7", "3/3 loss: 0.5"});
    CHECK(frame_whole("a\r\nb\n", framing_mode::terminal) == lines{"a", "b"});  // CRLF ends one line
    CHECK(frame_whole("a\r\rb", framing_mode::terminal) == lines{"a", "", "b"});
    CHECK(frame_whole("\x1b[32mok\x1b[0m loss=\x1b[1m0.5\x1b[22m\n", framing_mode::terminal) == lines{"ok loss=0.5"});
    CHECK(frame_whole("\x1b]0;title\x07text\x1b]8;;http://x\x1b\\link\n", framing_mode::terminal) == lines{"textlink"});
    CHECK(frame_whole("\x1b(Bplain\x1b"
                      "7saved\n",
                      framing_mode::terminal) == lines{"plainsaved"});
    CHECK(frame_whole("tab\tstays\n", framing_mode::terminal) == lines{"tab\tstays"});
    // A line end also ends an unfinished escape sequence: nothing after it is swallowed.
    CHECK(frame_whole("a\x1b[12\nloss=1\n", framing_mode::terminal) == lines{"a", "loss=1"});
}

TEST_CASE("the last line needs no line end", "[framer]") {
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        CHECK(frame_whole("a\nlast", mode) == lines{"a", "last"});
    }
}

TEST_CASE("every split position gives the same lines", "[framer][split]") {
    const std::string log =
        "[1]\ttrain-rmse:3.1\r\n\x1b[2K\r12/50 [=>...] - loss: 0.71\r13/50 - loss: 0.70\n"
        "caf\xc3\xa9 \xe2\x82\xac \xff\n\n\x1b]0;t\x07x\x1b[1;31mred\x1b[0m\rend";
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        check_every_split(log, mode);
    }
}

TEST_CASE("long lines are cut into pieces, and nothing is lost", "[framer][long]") {
    const std::string long_line(25, 'x');
    const std::string input = "short\n" + long_line + "\nafter\n";
    const framed out = frame(input, {}, {framing_mode::raw, 10});
    CHECK(out.lines == lines{"short", long_line, "after"});
    CHECK(out.pieces == lines{"short", std::string(10, 'x'), std::string(10, 'x'), std::string(5, 'x'), "after"});

    line_framer framer({framing_mode::raw, 10});
    framer.feed(input, [](std::string_view, bool) {});
    CHECK(framer.stats().lines == 3);
    CHECK(framer.stats().cut_lines == 1);
    CHECK(framer.stats().pieces == 5);
    CHECK(framer.stats().bytes == input.size());

    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        check_every_split("0123456789abcdef\tghij\x1b[0mklmnop\nq", mode, 8);
    }
}

TEST_CASE("sagemaker pieces never split an #ooo escape", "[framer][long]") {
    const framed out = frame("abcdefg\t\n", {}, {framing_mode::sagemaker, 8});
    CHECK(out.pieces == lines{"abcdefg", "#011"});
    CHECK(out.lines == lines{"abcdefg#011"});
}

TEST_CASE("a 10 MB line with no newline is framed within the maximum", "[framer][long]") {
    const std::string huge(10 * 1024 * 1024, 'z');
    line_framer framer({framing_mode::sagemaker, 256 * 1024});
    std::size_t total = 0, pieces = 0, longest = 0;
    auto on_line = [&](std::string_view text, bool) {
        total += text.size();
        ++pieces;
        longest = std::max(longest, text.size());
    };
    for (std::size_t at = 0; at < huge.size(); at += 65536)
        framer.feed(std::string_view(huge).substr(at, 65536), on_line);
    framer.finish(on_line);
    CHECK(total == huge.size());
    CHECK(pieces == 40);
    CHECK(longest == 256 * 1024);
    CHECK(framer.stats().lines == 1);
    CHECK(framer.stats().cut_lines == 1);
}

TEST_CASE("a maximum line length under 4 bytes is refused", "[framer]") {
    REQUIRE_THROWS_AS(line_framer({framing_mode::raw, 3}), logmetrics::error);
}
