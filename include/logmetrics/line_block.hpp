// SPDX-License-Identifier: MIT
#pragma once
// line_block: what the framer hands out and a block matcher takes: a run of lines, with their
// numbers in the stream. Lines lying back to back in the bytes fed are handed out in place; lines
// the framer rewrote or assembled are copied into its buffer first; a piece of a line longer than
// the maximum comes as a one-line block flagged `continued` (more follows) and `resumed` (its start
// came before).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>

#include "config.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Lines: `text` holds them, each followed by '\n', and `line_ends[i]` is the offset in `text` of
/// the '\n' that ends line i; the last line's '\n' may lie just past the end of `text`
/// (`line_ends.back() == text.size()`), e.g. for a block of one piece. Line i is line
/// `first_line + i` of its stream (1-based); the pieces of a cut line share its number. The views
/// are valid during the call that hands the block over only.
struct line_block {
    std::string_view text;
    std::span<const std::uint32_t> line_ends;
    std::uint64_t first_line = 1;
    /// The last line is a piece of a line longer than the maximum: more of it follows.
    bool continued = false;
    /// The first line is a later piece of a line longer than the maximum: its start came before.
    bool resumed = false;

    line_block() = default;
    line_block(std::string_view text_, std::span<const std::uint32_t> line_ends_, std::uint64_t first_line_ = 1,
               bool continued_ = false, bool resumed_ = false) noexcept
        : text(text_), line_ends(line_ends_), first_line(first_line_), continued(continued_), resumed(resumed_) {}

    /// How many lines (or pieces).
    std::size_t size() const noexcept { return line_ends.size(); }

    /// Line i's text, without its '\n'.
    std::string_view line(std::size_t i) const noexcept {
        const std::size_t begin = i == 0 ? 0 : std::size_t{line_ends[i - 1]} + 1;
        return text.substr(begin, line_ends[i] - begin);
    }

    /// Line i's number in its stream (1-based).
    std::uint64_t number(std::size_t i) const noexcept { return first_line + i; }

    /// Whether line i is a piece that more of the same line follows.
    bool continued_at(std::size_t i) const noexcept { return continued && i + 1 == size(); }

    /// Whether line i is a piece that continues a line whose start came in an earlier piece.
    bool resumed_at(std::size_t i) const noexcept { return resumed && i == 0; }
};

/// A block callback that calls `f(std::string_view text, bool continued)` for each line (or
/// piece) of each block, for code that takes one line at a time: `framer.feed(bytes, each_line(f))`.
template <class F>
struct each_line {
    F f;  ///< the callable, or a reference to it when made from an lvalue

    void operator()(const line_block& block) {
        for (std::size_t i = 0; i < block.size(); ++i) f(block.line(i), block.continued_at(i));
    }
};
template <class F>
each_line(F&&) -> each_line<F>;

LOGMETRICS_END_NAMESPACE
