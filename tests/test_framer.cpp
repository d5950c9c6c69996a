// SPDX-License-Identifier: MIT
// Line framing in the three modes (include/logmetrics/framer.hpp), fed at every split position,
// and the blocks it hands out (line_block.hpp): runs of whole lines, in place or copied, pieces
// of cut lines alone, with line numbers.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logmetrics/framer.hpp"
#include "support/catch.hpp"

using logmetrics::default_max_line_length;
using logmetrics::framing_mode;
using logmetrics::framing_options;
using logmetrics::largest_max_line_length;
using logmetrics::line_block;
using logmetrics::line_framer;
using logmetrics::smallest_max_line_length;

namespace {

struct framed {
    std::vector<std::string> lines;   // whole lines, pieces joined
    std::vector<std::string> pieces;  // what was handed on, as handed on
};

/// Checks what every block must be: numbered in order (the pieces of a line share its number),
/// only the last line of a block continued, each line followed by '\n' in the text but the last
/// one's, which may lie just past it.
struct block_checker {
    std::uint64_t next_line = 1;
    bool in_cut_line = false;
    void check(const line_block& block) {
        REQUIRE(block.size() > 0);
        REQUIRE(block.first_line == next_line);
        for (std::size_t i = 0; i < block.size(); ++i) {
            REQUIRE(block.number(i) == next_line);
            REQUIRE(block.line_ends[i] <= block.text.size());
            if (block.line_ends[i] < block.text.size()) REQUIRE(block.text[block.line_ends[i]] == '\n');
            if (i + 1 < block.size()) REQUIRE(block.line_ends[i] < block.text.size());
            in_cut_line = block.continued_at(i);
            if (!in_cut_line) ++next_line;
        }
        if (block.continued) REQUIRE(block.size() == 1);  // pieces come alone
    }
};

framed frame(std::string_view input, const std::vector<std::size_t>& cuts, framing_options options) {
    line_framer framer(options);
    framed out;
    std::string current;
    block_checker checker;
    auto on_line = [&](const line_block& block) {
        checker.check(block);
        for (std::size_t i = 0; i < block.size(); ++i) {
            out.pieces.emplace_back(block.line(i));
            current.append(block.line(i));
            if (!block.continued_at(i)) {
                out.lines.push_back(current);
                current.clear();
            }
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

TEST_CASE("terminal mode applies backspaces as a terminal does", "[framer][terminal][backspace]") {
    const auto terminal = framing_mode::terminal;
    // The two cases: the next bytes overwrite; a run of backspaces before \r keeps the text.
    CHECK(frame_whole("acc: 0.91\b\b\b\b0.93\n", terminal) == lines{"acc: 0.93"});
    CHECK(frame_whole("acc: 0.87\b\b\b\r", terminal) == lines{"acc: 0.87"});
    // Text after the cursor stays; writing past it appends.
    CHECK(frame_whole("abcdef\b\b\bX\n", terminal) == lines{"abcXef"});
    CHECK(frame_whole("ab\bXYZ\n", terminal) == lines{"aXYZ"});
    // At the line's start a backspace does nothing, and it never reaches the previous line.
    CHECK(frame_whole("\b\bab\n", terminal) == lines{"ab"});
    CHECK(frame_whole("ab\b\b\b\bc\n", terminal) == lines{"cb"});
    CHECK(frame_whole("one\r\b\btwo\n\b\n", terminal) == lines{"one", "two", ""});
    CHECK(frame_whole("\b", terminal) == lines{""});  // a line of one backspace is an empty line
    // Only the cursor moves: a backspace erases nothing.
    CHECK(frame_whole("loss: 0.5\b\b\b", terminal) == lines{"loss: 0.5"});
}

TEST_CASE("a backspace moves over one whole UTF-8 character", "[framer][terminal][backspace][utf8]") {
    const auto terminal = framing_mode::terminal;
    CHECK(frame_whole("caf\xc3\xa9\bx\n", terminal) == lines{"cafx"});                           // 2 bytes
    CHECK(frame_whole("\xe2\x82\xac\bab\n", terminal) == lines{"ab"});                           // 3 bytes
    CHECK(frame_whole("x\xf0\x9f\x98\x80y\b\b\bz\n", terminal) == lines{"z\xf0\x9f\x98\x80y"});  // 4 bytes
    // A character replaces one character, whatever the lengths of the two.
    CHECK(frame_whole("ab\b\b\xe2\x82\xac\n", terminal) == lines{"\xe2\x82\xac"
                                                                 "b"});
    CHECK(frame_whole("\xe2\x82\xac\xe2\x82\xac\b\bab\n", terminal) == lines{"ab"});
    CHECK(frame_whole("\xe2\x94\x81\xe2\x94\x81\xe2\x94\x81\b\b\bX\n", terminal) == lines{"X\xe2\x94\x81\xe2\x94\x81"});
    // Keras 3's bar: box-drawing characters redrawn over themselves.
    CHECK(frame_whole("\xe2\x94\x81\xe2\x94\x81 1/2\b\b\b\b\b\b\xe2\x94\x81\xe2\x94\x81 2/2\n", terminal) ==
          lines{"\xe2\x94\x81\xe2\x94\x81 2/2"});
}

TEST_CASE("bytes outside well-formed UTF-8 are one character each", "[framer][terminal][backspace][utf8]") {
    const auto terminal = framing_mode::terminal;
    CHECK(frame_whole("a\xff\bb\n", terminal) == lines{"ab"});
    CHECK(frame_whole("a\xc3\b\bZ\n", terminal) == lines{"Z\xc3"});           // a lead byte with nothing after it
    CHECK(frame_whole("\x82\xac\bZ\n", terminal) == lines{"\x82Z"});          // lone continuation bytes
    CHECK(frame_whole("\xc0\xaf\bZ\n", terminal) == lines{"\xc0Z"});          // an overlong form is two bytes
    CHECK(frame_whole("\xed\xa0\x80\bZ\n", terminal) == lines{"\xed\xa0Z"});  // a surrogate: three
    CHECK(frame_whole("\xf4\x90\x80\x80\bZ\n", terminal) == lines{"\xf4\x90\x80Z"});  // above U+10FFFF
    // A sequence arriving over text is written once whole, or byte by byte when it is cut short
    // (by a byte that cannot continue it, or by the line's end).
    CHECK(frame_whole("abc\b\b\b\xe2\x82\xacX\n", terminal) == lines{"\xe2\x82\xac"
                                                                     "Xc"});
    CHECK(frame_whole("abc\b\b\b\xe2\x82Z\n", terminal) == lines{"\xe2\x82Z"});
    CHECK(frame_whole("abc\b\b\b\xe2\x82\n", terminal) == lines{"\xe2\x82"
                                                                "c"});
    CHECK(frame_whole("abc\b\b\b\xe2\x82\b\b\bZ\n", terminal) == lines{"Z\x82"
                                                                       "c"});
    // The character under the cursor is the well-formed sequence that starts there.
    CHECK(frame_whole("\xc3\xa9\xc3\xa9\b\bxy\n", terminal) == lines{"xy"});
    CHECK(frame_whole("\xc3\xc3\xa9\b\b\bxy\n", terminal) == lines{"xy"});  // a stray lead byte, then é
    CHECK(frame_whole("\xc3\xc3\xa9\b\b\bx\n", terminal) == lines{"x\xc3\xa9"});
}

TEST_CASE("backspaces apply to the text left once escapes are removed", "[framer][terminal][backspace]") {
    const auto terminal = framing_mode::terminal;
    CHECK(frame_whole("ab\x1b[1m\b\x1b[0mX\n", terminal) == lines{"aX"});
    CHECK(frame_whole("loss: 0.5\x1b]0;title\x07\b\b\b0.4\n", terminal) == lines{"loss: 0.4"});
    // A sequence arriving over text is not cut short by an escape sequence inside it.
    CHECK(frame_whole("abc\b\b\b\xe2\x1b[1m\x82\xac\n", terminal) == lines{"\xe2\x82\xac"
                                                                           "bc"});
    // A backspace inside a CSI ends it (it cannot continue one) and then acts as a backspace.
    CHECK(frame_whole("ab\x1b[1\bX\n", terminal) == lines{"aX"});
}

TEST_CASE("backspaces stay bytes in raw and sagemaker modes", "[framer][backspace]") {
    CHECK(frame_whole("acc: 0.91\b\b0.93\n", framing_mode::raw) == lines{"acc: 0.91\b\b0.93"});
    CHECK(frame_whole("acc: 0.91\b\b0.93\n", framing_mode::sagemaker) == lines{"acc: 0.91#010#0100.93"});
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

TEST_CASE("every split position gives the same lines with backspaces", "[framer][split][backspace]") {
    const std::string keras =
        " 1/2 [=>...] - loss: 0.4415 - acc: 0.8750\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\b\r"
        " 2/2 [=====] - loss: 0.1098 - acc: 0.9766\n";
    const std::string mixed =
        "\xe2\x94\x81\xe2\x94\x81 caf\xc3\xa9\b\b\b\xf0\x9f\x98\x80\x1b[1m\b\xe2\x82\x1b[0m\xac"
        "Z\xff\b\b\xc3\xa9\r\n\b\bx\b\xc3\b\xa9y\n";
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        check_every_split(keras, mode);
        check_every_split(mixed, mode);
        check_every_split(mixed, mode, 6);
    }
    CHECK(frame_whole(keras, framing_mode::terminal) ==
          lines{" 1/2 [=>...] - loss: 0.4415 - acc: 0.8750", " 2/2 [=====] - loss: 0.1098 - acc: 0.9766"});
}

TEST_CASE("a backspace cannot reach into a piece already handed on", "[framer][long][backspace]") {
    // max 8: "01234567" is handed on when '8' arrives; the backspaces stop at the new piece's start.
    const framed out = frame("0123456789\b\b\b\bab\n", {}, {framing_mode::terminal, 8});
    CHECK(out.pieces == lines{"01234567", "ab"});
    CHECK(out.lines == lines{"01234567ab"});
    // A replacement that would make the piece too long hands it on as it stands (cursor and all)
    // and starts the next piece with the character.
    const framed wide = frame("abcd\b\b\xe2\x82\xac\n", {}, {framing_mode::terminal, 4});
    CHECK(wide.pieces == lines{"abcd", "\xe2\x82\xac"});
    line_framer framer({framing_mode::terminal, 4});
    framer.feed("abcd\b\b\xe2\x82\xac\n", [](const line_block&) {});
    CHECK(framer.stats().lines == 1);
    CHECK(framer.stats().cut_lines == 1);
    CHECK(framer.stats().pieces == 2);
    // A replacement that fits stays in the piece.
    CHECK(frame("abcd\b\b\b\xc3\xa9\n", {}, {framing_mode::terminal, 5}).pieces == lines{"a\xc3\xa9"
                                                                                         "cd"});
}

TEST_CASE("long lines are cut into pieces, and nothing is lost", "[framer][long]") {
    const std::string long_line(25, 'x');
    const std::string input = "short\n" + long_line + "\nafter\n";
    const framed out = frame(input, {}, {framing_mode::raw, 10});
    CHECK(out.lines == lines{"short", long_line, "after"});
    CHECK(out.pieces == lines{"short", std::string(10, 'x'), std::string(10, 'x'), std::string(5, 'x'), "after"});

    line_framer framer({framing_mode::raw, 10});
    framer.feed(input, [](const line_block&) {});
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
    auto on_line = logmetrics::each_line([&](std::string_view text, bool) {
        total += text.size();
        ++pieces;
        longest = std::max(longest, text.size());
    });
    for (std::size_t at = 0; at < huge.size(); at += 65536)
        framer.feed(std::string_view(huge).substr(at, 65536), on_line);
    framer.finish(on_line);
    CHECK(total == huge.size());
    CHECK(pieces == 40);
    CHECK(longest == 256 * 1024);
    CHECK(framer.stats().lines == 1);
    CHECK(framer.stats().cut_lines == 1);
}

TEST_CASE("the maximum line length takes smallest_max_line_length to largest_max_line_length", "[framer]") {
    CHECK(smallest_max_line_length == 4);
    CHECK(largest_max_line_length == 4'294'967'294u);  // 4 GiB - 2
    CHECK(framing_options{}.max_line_length == default_max_line_length);
    CHECK_NOTHROW(line_framer({framing_mode::raw, largest_max_line_length}));
    REQUIRE_THROWS_AS(line_framer({framing_mode::raw, largest_max_line_length + 1}), logmetrics::error);
    REQUIRE_THROWS_AS(line_framer({framing_mode::raw, std::size_t{1} << 32}), logmetrics::error);
    REQUIRE_THROWS_AS(line_framer({framing_mode::raw, smallest_max_line_length - 1}), logmetrics::error);

    // At the smallest, the units written whole still fit in a piece: no piece is longer.
    const framed escaped = frame("a\tb\x01\n", {}, {framing_mode::sagemaker, smallest_max_line_length});
    CHECK(escaped.pieces == lines{"a", "#011", "b", "#001"});
    const framed overwritten =
        frame("abcd\b\xf0\x9f\x98\x80\n", {}, {framing_mode::terminal, smallest_max_line_length});
    CHECK(overwritten.pieces == lines{"abcd", "\xf0\x9f\x98\x80"});
}

TEST_CASE("lines back to back in a chunk come as one block, in place", "[framer][blocks]") {
    const std::string chunk = "loss=1\nloss=2\n\nloss=3\npartial";
    line_framer framer({framing_mode::raw, 256});
    std::vector<line_block> blocks;
    std::vector<std::string> texts;
    framer.feed(chunk, [&](const line_block& block) {
        blocks.push_back(block);
        texts.emplace_back(block.text);
    });
    REQUIRE(blocks.size() == 1);
    CHECK(blocks[0].text.data() == chunk.data());  // no copy
    CHECK(texts[0] == "loss=1\nloss=2\n\nloss=3\n");
    CHECK(blocks[0].size() == 4);
    CHECK(blocks[0].first_line == 1);
    CHECK_FALSE(blocks[0].continued);
    texts.clear();
    std::vector<std::uint64_t> first_lines;
    framer.feed(" line\nnext\n", [&](const line_block& block) {
        texts.emplace_back(block.text);
        first_lines.push_back(block.first_line);
    });
    // "partial line" was assembled across chunks: copied; "next" joins the copied run.
    CHECK(texts == std::vector<std::string>{"partial line\nnext\n"});
    CHECK(first_lines == std::vector<std::uint64_t>{5});
}

TEST_CASE("rewritten lines are copied into one run, an in-place run is handed out first", "[framer][blocks]") {
    line_framer framer({framing_mode::sagemaker, 256});
    std::vector<std::string> texts;
    std::vector<std::size_t> sizes;
    framer.feed("a\nb\nc\td\ne\nf\tg\n", [&](const line_block& block) {
        texts.emplace_back(block.text);
        sizes.push_back(block.size());
    });
    // "a", "b" in place; then "c#011d" rewritten, and the lines after it join its copied run.
    CHECK(texts == std::vector<std::string>{"a\nb\n", "c#011d\ne\nf#011g\n"});
    CHECK(sizes == std::vector<std::size_t>{2, 3});
}

TEST_CASE("runs are handed out at 4096 lines, or the number asked for", "[framer][blocks]") {
    std::string chunk;
    for (int i = 0; i < 5000; ++i) chunk += "x\n";
    line_framer framer({framing_mode::raw, 256});
    std::vector<std::size_t> sizes;
    std::vector<std::uint64_t> first_lines;
    framer.feed(chunk, [&](const line_block& block) {
        sizes.push_back(block.size());
        first_lines.push_back(block.first_line);
    });
    CHECK(sizes == std::vector<std::size_t>{4096, 904});
    CHECK(first_lines == std::vector<std::uint64_t>{1, 4097});

    line_framer short_runs({framing_mode::sagemaker, 256}, 3);  // in place and copied alike
    sizes.clear();
    short_runs.feed("a\nb\nc\nd\ne\tf\ng\nh\ni\n", [&](const line_block& block) { sizes.push_back(block.size()); });
    CHECK(sizes == std::vector<std::size_t>{3, 1, 3, 1});
    REQUIRE_THROWS_AS(line_framer({framing_mode::raw, 256}, 0), logmetrics::error);
    REQUIRE_THROWS_AS(line_framer({framing_mode::raw, 256}, 65537), logmetrics::error);
}

TEST_CASE("a copied run is handed out before it passes 64 KiB, a line that size goes alone", "[framer][blocks]") {
    line_framer framer({framing_mode::terminal, 256 * 1024});  // lines end at \r: copied
    const std::string line(1000, 'y');
    std::string chunk;
    for (int i = 0; i < 100; ++i) chunk += line + "\r";
    chunk += std::string(70'000, 'z') + "\r";
    std::vector<std::size_t> text_sizes;
    framer.feed(chunk, [&](const line_block& block) { text_sizes.push_back(block.text.size()); });
    // 65 lines of 1001 bytes fit in 64 KiB (65 536); the long line comes alone, with no '\n'.
    CHECK(text_sizes == std::vector<std::size_t>{65 * 1001, 35 * 1001, 70'000});
}

TEST_CASE("each_line hands on every line and piece with its continued flag", "[framer][blocks]") {
    line_framer framer({framing_mode::raw, 4});
    std::vector<std::string> pieces;
    std::vector<bool> continued;
    auto collect = [&](std::string_view text, bool more) {
        pieces.emplace_back(text);
        continued.push_back(more);
    };
    framer.feed("ab\nabcdefg\nc", logmetrics::each_line(collect));
    framer.finish(logmetrics::each_line(collect));
    CHECK(pieces == std::vector<std::string>{"ab", "abcd", "efg", "c"});
    CHECK(continued == std::vector<bool>{false, true, false, false});
}

TEST_CASE("feed_line frames as feed(line) and feed(newline) do, without a copy when it can", "[framer][blocks]") {
    // Each case: a chunk fed first (maybe ending mid-line or at a \r), then lines through feed_line.
    struct script {
        std::string before;
        std::vector<std::string> lines;
    };
    const script scripts[] = {
        {"", {"loss=1", "", "acc=2"}},
        {"partial ", {"line", "next"}},
        {"progress\r", {"", "after"}},
        {"progress\r", {"\nx"}},
        {"", {"a\tb", "c\rd", "e\nf", "\x1b[1mbold\x1b[0m", "ab\b\bX", "123456789abc"}},
        {"abc\x1b[1", {"m tail"}},
    };
    for (auto mode : {framing_mode::raw, framing_mode::sagemaker, framing_mode::terminal}) {
        for (const script& s : scripts) {
            INFO("mode " << to_string(mode) << ", before [" << s.before << "]");
            const framing_options options{mode, 8};
            line_framer by_line(options), by_feed(options);
            std::vector<std::string> got, want;
            std::vector<std::uint64_t> got_numbers, want_numbers;
            auto record = [](std::vector<std::string>& texts, std::vector<std::uint64_t>& numbers) {
                return [&texts, &numbers](const line_block& block) {
                    for (std::size_t i = 0; i < block.size(); ++i) {
                        texts.emplace_back(block.line(i));
                        numbers.push_back(block.number(i));
                    }
                };
            };
            by_line.feed(s.before, record(got, got_numbers));
            by_feed.feed(s.before, record(want, want_numbers));
            for (const auto& line : s.lines) {
                by_line.feed_line(line, record(got, got_numbers));
                by_feed.feed(line, record(want, want_numbers));
                by_feed.feed("\n", record(want, want_numbers));
            }
            by_line.finish(record(got, got_numbers));
            by_feed.finish(record(want, want_numbers));
            CHECK(got == want);
            CHECK(got_numbers == want_numbers);
            CHECK(by_line.stats().bytes == by_feed.stats().bytes);
            CHECK(by_line.stats().lines == by_feed.stats().lines);
            CHECK(by_line.stats().cut_lines == by_feed.stats().cut_lines);
            CHECK(by_line.stats().pieces == by_feed.stats().pieces);
        }
    }
    line_framer framer({framing_mode::sagemaker, 256});
    const std::string line = "loss=0.5";
    const char* handed = nullptr;
    framer.feed_line(line, [&](const line_block& block) { handed = block.text.data(); });
    CHECK(handed == line.data());  // in place
}
