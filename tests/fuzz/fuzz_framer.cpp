// SPDX-License-Identifier: MIT
// Fuzz target: line_framer (include/logmetrics/framer.hpp) in every mode, fed in chunks split at
// fuzzer-chosen points, against a reference written here from the documented rules: it frames
// the whole input at once, line by line, in the plainest way, so any dependence on chunking or
// any slip in the incremental state machine shows up as a difference.
//
// The reference reads the whole line before editing it and decides UTF-8 by decoding code
// points; the framer edits byte by byte and checks byte ranges.
//
// Input: [mode] [max_line_length choice] [chunk count] [chunk sizes...] [payload...]
// Checked: every piece (text and `continued` flag) equals the reference's; the blocks are well
// formed (numbered in order, pieces alone, each line followed by '\n'); the stats count bytes,
// lines, cut lines and pieces; in raw mode the lines joined with \n are the input.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.hpp"
#include "logmetrics/framer.hpp"

using logmetrics::framing_mode;

namespace {

struct piece {
    std::string text;
    bool continued;
    bool operator==(const piece&) const = default;
};

constexpr unsigned char esc = 0x1B;

bool in_range(unsigned char c, unsigned char low, unsigned char high) { return c >= low && c <= high; }

/// The input's lines, unmodified, by the mode's line ends: \n; in terminal mode also \r, with a
/// \r\n ending one line. A last line exists when any byte follows the last line end.
std::vector<std::string_view> reference_lines(std::string_view input, framing_mode mode) {
    std::vector<std::string_view> lines;
    std::size_t start = 0, i = 0;
    while (i < input.size()) {
        const char c = input[i];
        const bool ends = c == '\n' || (mode == framing_mode::terminal && c == '\r');
        if (!ends) {
            ++i;
            continue;
        }
        lines.push_back(input.substr(start, i - start));
        i += (c == '\r' && i + 1 < input.size() && input[i + 1] == '\n') ? 2u : 1u;
        start = i;
    }
    if (start < input.size()) lines.push_back(input.substr(start));
    return lines;
}

/// One line with its ANSI escape sequences removed (ECMA-48, as framer.hpp documents): CSI is
/// ESC [ params (0x20-0x3F) final (0x40-0x7E); strings (ESC ] P X ^ _) run to BEL or ESC \;
/// ESC intermediates (0x20-0x2F) final (0x30-0x7E); ESC final (0x30-0x7E). A byte that cannot
/// continue a sequence ends it and is text; an ESC never is text; the line end ends everything.
std::vector<std::string> strip_escapes(std::string_view line) {
    std::vector<std::string> tokens;
    std::size_t i = 0;
    const std::size_t n = line.size();
    auto at = [&](std::size_t k) { return static_cast<unsigned char>(line[k]); };
    while (i < n) {
        if (at(i) != esc) {
            tokens.emplace_back(1, line[i++]);
            continue;
        }
        while (i < n && at(i) == esc) ++i;  // ESC ESC: the first one was an empty sequence
        if (i == n) break;
        const unsigned char c = at(i);
        if (c == '[') {
            ++i;
            while (i < n && in_range(at(i), 0x20, 0x3F)) ++i;
            if (i < n && in_range(at(i), 0x40, 0x7E)) ++i;
        } else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') {
            ++i;
            while (i < n && at(i) != 0x07 && at(i) != esc) ++i;
            if (i == n) break;
            if (at(i) == 0x07) {
                ++i;
            } else if (i + 1 < n && line[i + 1] == '\\') {
                i += 2;
            } else if (i + 1 == n) {
                break;
            }
            // else: that ESC starts a new sequence, read from it by the loop
        } else if (in_range(c, 0x20, 0x2F)) {
            ++i;
            while (i < n && in_range(at(i), 0x20, 0x2F)) ++i;
            if (i < n && in_range(at(i), 0x30, 0x7E)) ++i;
        } else if (in_range(c, 0x30, 0x7E)) {
            ++i;
        }
        // else: not a sequence; the ESC is dropped and the byte read again as text
    }
    return tokens;
}

/// Whether `bytes` is exactly one UTF-8 character (RFC 3629), decided by decoding the code point
/// and checking its range: the shortest form, not a surrogate, at most U+10FFFF.
bool is_one_utf8_character(std::string_view bytes) {
    if (bytes.empty() || bytes.size() > 4) return false;
    const std::uint32_t lead = static_cast<unsigned char>(bytes[0]);
    if (bytes.size() == 1) return lead < 0x80;
    // The lead's prefix of ones says the length: 110xxxxx, 1110xxxx, 11110xxx.
    const auto ones = static_cast<unsigned>(bytes.size());
    if ((lead >> (7 - ones)) != ((1u << (ones + 1)) - 2)) return false;
    std::uint32_t code_point = lead & ((1u << (7 - ones)) - 1);
    for (std::size_t i = 1; i < bytes.size(); ++i) {
        const std::uint32_t c = static_cast<unsigned char>(bytes[i]);
        if ((c & 0xC0u) != 0x80u) return false;
        code_point = (code_point << 6) | (c & 0x3Fu);
    }
    static constexpr std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code_point < smallest[bytes.size()]) return false;
    if (code_point >= 0xD800 && code_point <= 0xDFFF) return false;
    return code_point <= 0x10FFFF;
}

/// The length of the character at `at` (reading forward) or before `at` (reading backward): a
/// well-formed UTF-8 sequence, else one byte.
std::size_t character_after(std::string_view text, std::size_t at) {
    for (std::size_t length = 4; length >= 2; --length) {
        if (at + length <= text.size() && is_one_utf8_character(text.substr(at, length))) return length;
    }
    return 1;
}
std::size_t character_before(std::string_view text, std::size_t at) {
    for (std::size_t length = 4; length >= 2; --length) {
        if (length <= at && is_one_utf8_character(text.substr(at - length, length))) return length;
    }
    return 1;
}

/// A terminal-mode line as framer.hpp documents it: escapes removed, the rest read as UTF-8
/// characters (a well-formed sequence, else one byte), a backspace moving the cursor back one
/// character within the current piece, other characters appended at the end (byte by byte,
/// cut at `max`) or replacing the character under the cursor (the piece handed on as it stands
/// when the replacement would not fit).
void reference_terminal_line(std::string_view line, std::size_t max, std::vector<piece>& out, std::size_t& pieces) {
    std::string text;
    for (const std::string& token : strip_escapes(line)) text += token;
    std::string current;
    std::size_t cursor = 0;
    auto hand_on = [&] {
        out.push_back({current, true});
        ++pieces;
        current.clear();
        cursor = 0;
    };
    for (std::size_t i = 0; i < text.size();) {
        if (text[i] == '\b') {
            if (cursor > 0) cursor -= character_before(current, cursor);
            ++i;
            continue;
        }
        const std::string character(text.substr(i, character_after(text, i)));
        i += character.size();
        if (cursor == current.size()) {
            for (char byte : character) {
                if (!current.empty() && current.size() + 1 > max) hand_on();
                current += byte;
            }
            cursor = current.size();
            continue;
        }
        const std::size_t under = character_after(current, cursor);
        if (current.size() - under + character.size() > max) {
            hand_on();
            current = character;
            cursor = current.size();
            continue;
        }
        current.replace(cursor, under, character);
        cursor += character.size();
    }
    out.push_back({current, false});
    ++pieces;
}

/// One line as the matcher must see it, in indivisible tokens (an #ooo escape is one token).
std::vector<std::string> rewrite(std::string_view line, framing_mode mode) {
    std::vector<std::string> tokens;
    for (char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (mode == framing_mode::sagemaker && (c < 0x20 || c == 0x7F)) {
            tokens.push_back({'#', static_cast<char>('0' + (c >> 6)), static_cast<char>('0' + ((c >> 3) & 7)),
                              static_cast<char>('0' + (c & 7))});
        } else {
            tokens.emplace_back(1, ch);
        }
    }
    return tokens;
}

struct reference_result {
    std::vector<piece> pieces;
    std::uint64_t lines = 0;
    std::uint64_t cut_lines = 0;
};

/// Frames the whole input at once: lines, rewritten, packed greedily into pieces of at most
/// `max` bytes (tokens are never split), every piece but a line's last one continued; in
/// terminal mode, edited by the backspace rules as they are packed.
reference_result reference_frame(std::string_view input, framing_mode mode, std::size_t max) {
    reference_result out;
    for (std::string_view line : reference_lines(input, mode)) {
        std::string current;
        std::size_t pieces = 0;
        if (mode == framing_mode::terminal) {
            reference_terminal_line(line, max, out.pieces, pieces);
            ++out.lines;
            if (pieces > 1) ++out.cut_lines;
            continue;
        }
        for (const std::string& token : rewrite(line, mode)) {
            if (!current.empty() && current.size() + token.size() > max) {
                out.pieces.push_back({current, true});
                ++pieces;
                current.clear();
            }
            current += token;
        }
        out.pieces.push_back({current, false});
        ++out.lines;
        if (++pieces > 1) ++out.cut_lines;
    }
    return out;
}

std::string describe(const std::vector<piece>& pieces) {
    std::string text;
    for (const auto& p : pieces) text += "  [" + fuzz::printable(p.text, 120) + (p.continued ? "] +\n" : "]\n");
    return text;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz::input in(data, size);
    const auto mode = static_cast<framing_mode>(in.byte() % 3);
    const std::size_t max = fuzz::choose_max_line_length(in.byte());
    const auto sizes = fuzz::read_chunk_sizes(in);
    const std::string_view payload = in.rest();

    logmetrics::line_framer framer({mode, max});
    std::vector<piece> got;
    std::uint64_t next_line = 1;  // the number the next line (or piece) must carry
    auto on_block = [&](const logmetrics::line_block& block) {
        FUZZ_CHECK(block.size() > 0, "an empty block");
        FUZZ_CHECK(!block.continued || block.size() == 1, "a piece in a block of " << block.size() << " lines");
        FUZZ_CHECK(block.first_line == next_line, "block of line " << block.first_line << ", expected " << next_line);
        for (std::size_t i = 0; i < block.size(); ++i) {
            const std::string_view text = block.line(i);
            FUZZ_CHECK(text.size() <= max, "a piece of " << text.size() << " bytes, over the maximum " << max);
            const std::size_t end = block.line_ends[i];
            FUZZ_CHECK(
                end < block.text.size() ? block.text[end] == '\n' : i + 1 == block.size() && end == block.text.size(),
                "line " << i << " of a block of " << block.size() << " is not followed by '\\n'");
            got.push_back({std::string(text), block.continued_at(i)});
            if (!block.continued_at(i)) ++next_line;
        }
    };
    fuzz::feed_in_chunks(payload, sizes, [&](std::string_view chunk) { framer.feed(chunk, on_block); });
    framer.finish(on_block);
    framer.finish(on_block);  // a second finish hands on nothing more

    const reference_result want = reference_frame(payload, mode, max);
    FUZZ_CHECK(got == want.pieces, "mode " << to_string(mode) << ", max " << max << ", " << sizes.size()
                                           << " chunk sizes, input [" << fuzz::printable(payload) << "]\nframer:\n"
                                           << describe(got) << "reference:\n"
                                           << describe(want.pieces));

    const auto& stats = framer.stats();
    FUZZ_CHECK(stats.bytes == payload.size(), stats.bytes << " bytes counted of " << payload.size());
    FUZZ_CHECK(stats.lines == want.lines, stats.lines << " lines counted, " << want.lines << " framed");
    FUZZ_CHECK(stats.cut_lines == want.cut_lines, stats.cut_lines << " cut lines counted, " << want.cut_lines);
    FUZZ_CHECK(stats.pieces == got.size(), stats.pieces << " pieces counted, " << got.size() << " handed on");

    if (mode == framing_mode::raw) {  // nothing lost, nothing added: the lines rebuild the input
        std::string rebuilt;
        for (const auto& p : got) rebuilt += p.text + (p.continued ? "" : "\n");
        if (!payload.empty() && payload.back() != '\n' && !rebuilt.empty()) rebuilt.pop_back();
        FUZZ_CHECK(rebuilt == payload, "raw lines do not rebuild the input");
    }
    return 0;
}
