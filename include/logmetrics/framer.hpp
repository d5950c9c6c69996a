// SPDX-License-Identifier: MIT
#pragma once
// line_framer: turns chunks of bytes, split anywhere (inside a CRLF, inside a UTF-8 sequence,
// inside an ANSI escape), into lines, in one of three modes:
//
//  - raw:       lines end at \n; every other byte, \r included, stays in the line.
//  - sagemaker: lines end at \n; every other control byte (0x00-0x1F and 0x7F) is written as '#'
//               and three octal digits (TAB -> #011, CR -> #015, ESC -> #033), as SageMaker's log
//               pipeline does before its regexes run, so definitions tuned on CloudWatch text work.
//  - terminal:  for people's own logs: \n, \r and \r\n each end one line (every tqdm/Keras update
//               becomes a line), ANSI escape sequences (CSI, OSC, two-byte) are removed, and a
//               backspace (0x08) moves the cursor back one character, as a terminal does (Keras'
//               progress bar redraws with a run of them before its \r). See "Backspace" below.
//
// Lines are handed out in runs (line_block.hpp), so that a block matcher scans many at once:
// lines lying back to back in the chunk, each followed by its '\n', in place; others (rewritten,
// assembled across chunks, or ended by '\r') copied into one buffer first. A run is handed out
// when it reaches 4096 lines or 1 MiB in place (64 KiB copied), when the next line cannot join it,
// and before feed() returns. A line of 64 KiB or more that is not in place goes alone.
//
// No byte is lost: a line longer than `max_line_length` (after the mode's rewriting) is handed on
// in pieces of at most that length, each a block of its own flagged as continued but the last;
// the pieces share the line's number. Memory is bounded by that maximum and the run bounds.
//
// Backspace (terminal mode), applied to the text left once escape sequences are removed:
//  - A character is a well-formed UTF-8 sequence (RFC 3629: no overlong forms, surrogates or
//    values above U+10FFFF), or else a single byte: each byte that is not part of a well-formed
//    sequence is one character. Incoming bytes are read as characters this way.
//  - A backspace moves the cursor back over the character before it: the well-formed sequence
//    that ends at the cursor, else one byte. At the start of the line (or of the current piece,
//    below) it does nothing.
//  - A character written where the cursor is not at the end replaces the character under the
//    cursor (the well-formed sequence that starts there, else one byte), whatever the lengths of
//    the two; text after the cursor stays. The line handed on at its end is the whole text, so
//    "acc: 0.87\b\b\b\r" reads "acc: 0.87" and "acc: 0.91\b\b\b\b0.93" reads "acc: 0.93".
//  - A line cut at `max_line_length`: a backspace cannot reach into a piece already handed on.
//    A piece is handed on when the next byte would not fit; a replacement that would make the
//    piece too long hands the piece on as it stands and starts the next one with the character.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "config.hpp"
#include "error.hpp"
#include "line_block.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

/// Finds the line ends of a chunk, and whether the bytes before each need rewriting, 64 bytes
/// at a time: one pass of SSE2 compares yields bit masks that serve every line in those bytes,
/// instead of a memchr call and a second scan per line. Without SSE2, plain loops do the same.
class line_end_finder {
public:
    struct line_end {
        std::size_t at;  ///< offset of the line end, or the chunk size when there is none
        bool special;    ///< a byte before it (from where the search began) needs rewriting
    };

    /// `carriage_return`: '\r' ends lines too. `special`: which bytes need rewriting (none,
    /// control bytes other than '\n', or ESC and backspace).
    enum class special_bytes : std::uint8_t { none, controls, escape_backspace };

    line_end_finder(std::string_view chunk, bool carriage_return, special_bytes special) noexcept
        : chunk_(chunk), carriage_return_(carriage_return), special_(special) {}

    /// The first line end at or after `pos`.
    line_end next(std::size_t pos) noexcept {
        bool special = false;
        const std::size_t size = chunk_.size();
        while (pos < size) {
            const std::size_t block = pos & ~std::size_t{63};
            if (block != block_) load(block);
            const unsigned shift = static_cast<unsigned>(pos - block);
            const std::uint64_t ends = ends_ >> shift;
            const std::uint64_t specials = specials_ >> shift;
            if (ends != 0) {
                const unsigned k = static_cast<unsigned>(std::countr_zero(ends));
                special |= (specials & ((std::uint64_t{1} << k) - 1)) != 0;
                return {pos + k, special};
            }
            special |= specials != 0;
            pos = block + 64;
        }
        return {size, special};
    }

private:
    static bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

    bool is_special(unsigned char c) const noexcept {
        switch (special_) {
            case special_bytes::none: return false;
            case special_bytes::controls: return is_control(c) && c != '\n';
            case special_bytes::escape_backspace: return c == 0x1B || c == 0x08;
        }
        return false;
    }

    void load(std::size_t block) noexcept {
        block_ = block;
        ends_ = specials_ = 0;
        const char* p = chunk_.data() + block;
        const std::size_t count = std::min<std::size_t>(64, chunk_.size() - block);
#if defined(__SSE2__)
        if (count == 64) {
            for (unsigned part = 0; part < 4; ++part) {
                const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * part));
                __m128i end = _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'));
                if (carriage_return_) end = _mm_or_si128(end, _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')));
                __m128i special = _mm_setzero_si128();
                if (special_ == special_bytes::controls) {  // unsigned c <= 0x1F, or 0x7F; not '\n'
                    const __m128i low = _mm_cmpeq_epi8(_mm_min_epu8(bytes, _mm_set1_epi8(0x1F)), bytes);
                    special = _mm_or_si128(low, _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x7F)));
                    special = _mm_andnot_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n')), special);
                } else if (special_ == special_bytes::escape_backspace) {
                    special = _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x1B)),
                                           _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x08)));
                }
                ends_ |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(end))} << (16 * part);
                specials_ |= std::uint64_t{static_cast<std::uint16_t>(_mm_movemask_epi8(special))} << (16 * part);
            }
            return;
        }
#endif
        for (std::size_t i = 0; i < count; ++i) {
            const auto c = static_cast<unsigned char>(p[i]);
            if (c == '\n' || (carriage_return_ && c == '\r')) ends_ |= std::uint64_t{1} << i;
            if (is_special(c)) specials_ |= std::uint64_t{1} << i;
        }
    }

    std::string_view chunk_;
    bool carriage_return_;
    special_bytes special_;
    std::size_t block_ = static_cast<std::size_t>(-1);  // the 64-byte block the masks describe
    std::uint64_t ends_ = 0;
    std::uint64_t specials_ = 0;
};

}  // namespace detail

enum class framing_mode : std::uint8_t { raw, sagemaker, terminal };

constexpr std::string_view to_string(framing_mode mode) noexcept {
    switch (mode) {
        case framing_mode::raw: return "raw";
        case framing_mode::sagemaker: return "sagemaker";
        case framing_mode::terminal: return "terminal";
    }
    return "unknown";
}

/// The smallest `framing_options::max_line_length`, in bytes. The framer writes some units into a
/// piece whole, never split across two: the `#ooo` that sagemaker mode writes for a control byte,
/// and in terminal mode a UTF-8 character (up to 4 bytes) written over another; each must fit in
/// one piece.
inline constexpr std::size_t smallest_max_line_length = 4;

/// The largest `framing_options::max_line_length`, in bytes: 4 GiB - 2 (4'294'967'294). A
/// line_block gives each line's end as a 32-bit offset (`std::uint32_t`), and a piece of L bytes
/// and the '\n' after it (L + 1 bytes, the end of the block) must stay within that range.
inline constexpr std::size_t largest_max_line_length = 0xFFFFFFFEu;

/// The default `framing_options::max_line_length`, in bytes: 256 KiB, the size of a CloudWatch
/// Logs event, so a line of a SageMaker job's log is matched as CloudWatch holds it.
inline constexpr std::size_t default_max_line_length = 256 * 1024;

struct framing_options {
    framing_mode mode = framing_mode::sagemaker;
    /// Longest line handed on in one piece, in bytes (`smallest_max_line_length` to
    /// `largest_max_line_length`); longer lines are handed on in pieces of this size.
    std::size_t max_line_length = default_max_line_length;
};

struct framer_stats {
    std::uint64_t bytes = 0;      ///< bytes fed
    std::uint64_t lines = 0;      ///< lines ended (a line cut into pieces counts once)
    std::uint64_t cut_lines = 0;  ///< lines longer than the maximum, handed on in pieces
    std::uint64_t pieces = 0;     ///< pieces handed on, whole lines included
};

class line_framer {
public:
    /// The lines a run holds at most, unless told otherwise.
    static constexpr std::size_t default_max_run_lines = 4096;

    /// `max_run_lines` (1 to 65536) bounds the lines of a run: a block matcher scans a long run in
    /// one pass; code that takes lines one by one reads short runs while they are still in cache.
    /// Throws `error(errc::invalid_argument)` for either out of range.
    explicit line_framer(framing_options options = {}, std::size_t max_run_lines = default_max_run_lines)
        : options_(options), max_run_lines_(max_run_lines) {
        if (max_run_lines_ == 0 || max_run_lines_ > 65536) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "max_run_lines must be 1 to 65536"));
        }
        if (options_.max_line_length < smallest_max_line_length) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "max_line_length must be at least 4 bytes"));
        }
        if (options_.max_line_length > largest_max_line_length) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "max_line_length must be at most 4 GiB - 2 bytes"));
        }
        run_copy_.reserve(run_copy_capacity);
        run_ends_.resize(max_run_lines_);  // written by index: no capacity check or call per line
    }

    const framing_options& options() const noexcept { return options_; }
    const framer_stats& stats() const noexcept { return stats_; }

    /// Frames `chunk`, calling `emit_block(const line_block&)` for each run of whole lines and each
    /// piece of a cut line, in order (`each_line(f)` adapts a per-line callback). The block is
    /// valid only during the call; every line ended in `chunk` is handed out before feed()
    /// returns. Bytes after the last line end are kept for the next chunk.
    template <class EmitBlock>
    void feed(std::string_view chunk, EmitBlock&& emit_block) {
        stats_.bytes += chunk.size();
        detail::line_end_finder finder(chunk, options_.mode == framing_mode::terminal, special_bytes());
        std::size_t pos = 0;
        while (pos < chunk.size()) {
            if (swallow_lf_) {  // terminal: the \n of a \r\n whose \r already ended the line
                swallow_lf_ = false;
                if (chunk[pos] == '\n') {
                    ++pos;
                    continue;
                }
            }
            const auto [end, special] = finder.next(pos);
            std::string_view segment = chunk.substr(pos, end - pos);
            if (end == chunk.size()) {  // no line end in this chunk: keep the rest
                append(segment, emit_block);
                line_open_ = true;
                break;
            }
            if (pending_.empty() && !cut_ && escape_ == escape_state::none &&
                segment.size() <= options_.max_line_length && !special) {
                if (chunk[end] == '\n') {
                    add_in_place(segment, emit_block);
                } else {
                    add_copied(segment, emit_block);
                }
            } else {
                append(segment, emit_block);
                flush_incoming(emit_block);
                add_assembled(emit_block);
            }
            end_line(chunk[end] == '\r');
            pos = end + 1;
        }
        hand_out_run(emit_block);
    }

    /// Frames `line` and a '\n' after it, as `feed(line); feed("\n")` would. A line that needs no
    /// rewriting and starts a line is handed out as it is, without a copy.
    template <class EmitBlock>
    void feed_line(std::string_view line, EmitBlock&& emit_block) {
        // Not after a \r whose \n may follow: the '\n' of an empty line would be that \n.
        const bool whole = !line_open_ && !cut_ && pending_.empty() && line.size() <= options_.max_line_length &&
                           !(swallow_lf_ && line.empty());
        if (whole) {
            detail::line_end_finder finder(line, options_.mode == framing_mode::terminal, special_bytes());
            const auto [end, special] = finder.next(0);
            if (end == line.size() && !special) {
                stats_.bytes += line.size() + 1;
                swallow_lf_ = false;
                hand_out_alone(line, false, emit_block);
                return;
            }
        }
        feed(line, emit_block);
        feed("\n", emit_block);
    }

    /// Hands on the last line if any byte followed the last line end. Call at end of input.
    template <class EmitBlock>
    void finish(EmitBlock&& emit_block) {
        flush_incoming(emit_block);
        if (line_open_ || cut_) add_assembled(emit_block);
        end_line(false);
        hand_out_run(emit_block);
    }

private:
    enum class escape_state : std::uint8_t { none, escape, csi, intermediate, string, string_escape };

    static constexpr bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

    /// The bytes that keep a line from being handed on as it is: rewritten or removed.
    detail::line_end_finder::special_bytes special_bytes() const noexcept {
        switch (options_.mode) {
            case framing_mode::raw: return detail::line_end_finder::special_bytes::none;
            case framing_mode::sagemaker: return detail::line_end_finder::special_bytes::controls;
            case framing_mode::terminal: return detail::line_end_finder::special_bytes::escape_backspace;
        }
        return detail::line_end_finder::special_bytes::none;
    }

    // Runs of whole lines (see the top of this file). In place: `run_begin_` is the first line's
    // first byte in the chunk, `run_end_` the '\n' after the last line. Copied: `run_copy_` holds
    // the lines, each followed by '\n'. `run_ends_[0, run_size_)` has each line's end, `run_first_line_` the
    // first line's number.
    enum class run_kind : std::uint8_t { none, in_place, copied };
    static constexpr std::size_t max_run_bytes = 1024 * 1024;
    static constexpr std::size_t run_copy_capacity = 64 * 1024;

    /// Adds a whole line lying in the chunk with its '\n' after it: to the run in place when it
    /// follows that run's last line, else to a run of its own (or to a copied run being gathered).
    template <class EmitBlock>
    void add_in_place(std::string_view line, EmitBlock& emit_block) {
        if (run_size_ == max_run_lines_) hand_out_run(emit_block);
        if (run_ == run_kind::in_place) {
            const char* end = line.data() + line.size();
            if (line.data() == run_end_ + 1 && static_cast<std::size_t>(end - run_begin_) < max_run_bytes) {
                run_end_ = end;
                end_run_line(static_cast<std::size_t>(end - run_begin_));
                return;
            }
            hand_out_run(emit_block);
        }
        if (run_ == run_kind::none) {
            start_run(run_kind::in_place);
            run_begin_ = line.data();
            run_end_ = line.data() + line.size();
            end_run_line(line.size());
            return;
        }
        add_copied(line, emit_block);  // a copied run takes it too, rather than being cut short
    }

    /// Adds a whole line to the copied run (handing out an in-place run first); a line too long
    /// for the run's buffer goes alone.
    template <class EmitBlock>
    void add_copied(std::string_view line, EmitBlock& emit_block) {
        if (line.size() >= run_copy_capacity) {
            hand_out_alone(line, false, emit_block);
            return;
        }
        if (run_ == run_kind::in_place || run_size_ == max_run_lines_ ||
            run_copy_.size() + line.size() + 1 > run_copy_capacity) {
            hand_out_run(emit_block);
        }
        if (run_ == run_kind::none) start_run(run_kind::copied);
        run_copy_.append(line);  // within the reserved capacity
        end_run_line(run_copy_.size());
        run_copy_.push_back('\n');
    }

    /// The line in `pending_`, complete: the last piece of a cut line goes alone (its number is
    /// that of the pieces before it); a whole line joins the copied run.
    template <class EmitBlock>
    void add_assembled(EmitBlock& emit_block) {
        if (cut_) {
            hand_out_alone(pending_, false, emit_block);
        } else {
            add_copied(pending_, emit_block);
        }
    }

    void start_run(run_kind kind) noexcept {
        run_ = kind;
        run_size_ = 0;
        run_copy_.clear();
        run_first_line_ = stats_.lines + 1;
    }

    /// Counts a line added to the run, which ends at offset `end` of the run's text.
    void end_run_line(std::size_t end) noexcept {
        run_ends_[run_size_++] = static_cast<std::uint32_t>(end);  // run_size_ < max_run_lines_ here
        ++stats_.lines;
        ++stats_.pieces;
    }

    /// Hands out the run gathered so far, if any.
    template <class EmitBlock>
    void hand_out_run(EmitBlock& emit_block) {
        if (run_ == run_kind::none) return;
        const std::string_view text =
            run_ == run_kind::in_place
                ? std::string_view(run_begin_, static_cast<std::size_t>(run_end_ - run_begin_) + 1)
                : std::string_view(run_copy_);
        run_ = run_kind::none;  // first: a callback that throws leaves a framer that can go on
        emit_block(line_block(text, {run_ends_.data(), run_size_}, run_first_line_));
    }

    /// Hands out one line or piece as a block of its own, after the run before it.
    template <class EmitBlock>
    void hand_out_alone(std::string_view text, bool continued, EmitBlock& emit_block) {
        hand_out_run(emit_block);
        ++stats_.pieces;
        if (!continued) {
            ++stats_.lines;
            if (cut_) ++stats_.cut_lines;
        }
        alone_end_ = static_cast<std::uint32_t>(text.size());
        const bool resumed = cut_;  // pieces of this line were handed on before this one
        emit_block(line_block(text, {&alone_end_, 1}, continued ? stats_.lines + 1 : stats_.lines, continued, resumed));
    }

    void end_line(bool ended_by_cr) noexcept {
        pending_.clear();
        cut_ = false;
        line_open_ = false;
        escape_ = escape_state::none;  // a line end also ends an unfinished escape sequence
        swallow_lf_ = ended_by_cr;
        after_cursor_ = 0;
    }

    /// Makes room for `size` more bytes in the current line, handing on a full piece if needed.
    template <class EmitBlock>
    void reserve_room(std::size_t size, EmitBlock& emit_block) {
        if (pending_.size() + size > options_.max_line_length && !pending_.empty()) {
            hand_on_piece(emit_block);
        }
    }

    template <class EmitBlock>
    void hand_on_piece(EmitBlock& emit_block) {
        hand_out_alone(pending_, true, emit_block);
        pending_.clear();
        cut_ = true;
        after_cursor_ = 0;
    }

    template <class EmitBlock>
    void append(std::string_view segment, EmitBlock& emit_block) {
        switch (options_.mode) {
            case framing_mode::raw: append_plain(segment, emit_block); return;
            case framing_mode::sagemaker:
                while (!segment.empty()) {  // runs of plain bytes in bulk, control bytes escaped
                    auto control = std::find_if(segment.begin(), segment.end(),
                                                [](char c) { return is_control(static_cast<unsigned char>(c)); });
                    append_plain(segment.substr(0, static_cast<std::size_t>(control - segment.begin())), emit_block);
                    segment.remove_prefix(static_cast<std::size_t>(control - segment.begin()));
                    if (segment.empty()) break;
                    append_octal_escaped(static_cast<unsigned char>(segment.front()), emit_block);
                    segment.remove_prefix(1);
                }
                return;
            case framing_mode::terminal:
                for (char c : segment) append_without_escapes(c, emit_block);
                return;
        }
    }

    /// Appends bytes that need no rewriting, handing on full pieces as the maximum is reached.
    template <class EmitBlock>
    void append_plain(std::string_view bytes, EmitBlock& emit_block) {
        while (!bytes.empty()) {
            reserve_room(1, emit_block);
            std::size_t take = std::min(bytes.size(), options_.max_line_length - pending_.size());
            pending_.append(bytes.substr(0, take));
            bytes.remove_prefix(take);
        }
    }

    template <class EmitBlock>
    void append_octal_escaped(unsigned char c, EmitBlock& emit_block) {
        reserve_room(4, emit_block);  // never split one #ooo across pieces
        const char escaped[4] = {'#', static_cast<char>('0' + ((c >> 6) & 7)), static_cast<char>('0' + ((c >> 3) & 7)),
                                 static_cast<char>('0' + (c & 7))};
        pending_.append(escaped, 4);
    }

    // ECMA-48: ESC [ params intermediates final (CSI); ESC ] P X ^ _ ... BEL or ESC \ (strings);
    // ESC intermediates final (two-byte and charset sequences). A byte that cannot continue a
    // sequence ends it and is kept as text.
    template <class EmitBlock>
    void append_without_escapes(char ch, EmitBlock& emit_block) {
        auto c = static_cast<unsigned char>(ch);
        switch (escape_) {
            case escape_state::none: break;
            case escape_state::escape:
                if (c == '[')
                    escape_ = escape_state::csi;
                else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_')
                    escape_ = escape_state::string;
                else if (c >= 0x20 && c <= 0x2F)
                    escape_ = escape_state::intermediate;
                else if (c == 0x1B)
                    escape_ = escape_state::escape;
                else if (c >= 0x30 && c <= 0x7E)
                    escape_ = escape_state::none;
                else
                    break;  // not an escape after all: drop the ESC, keep the byte
                return;
            case escape_state::csi:
                if (c >= 0x20 && c <= 0x3F) return;  // parameters and intermediates
                if (c >= 0x40 && c <= 0x7E) {
                    escape_ = escape_state::none;
                    return;
                }
                break;
            case escape_state::intermediate:
                if (c >= 0x20 && c <= 0x2F) return;
                if (c >= 0x30 && c <= 0x7E) {
                    escape_ = escape_state::none;
                    return;
                }
                break;
            case escape_state::string:
                if (c == 0x07)
                    escape_ = escape_state::none;
                else if (c == 0x1B)
                    escape_ = escape_state::string_escape;
                return;
            case escape_state::string_escape:
                if (c == '\\') {
                    escape_ = escape_state::none;
                    return;
                }
                escape_ = escape_state::escape;  // ESC inside a string starts a new sequence
                append_without_escapes(ch, emit_block);
                return;
        }
        if (c == 0x1B) {
            escape_ = escape_state::escape;
            return;
        }
        escape_ = escape_state::none;
        put_text(ch, emit_block);
    }

    // Terminal line editing, on the text left once escapes are removed (rules in the header
    // comment). The cursor is `after_cursor_` bytes before the end of `pending_`; at the end (the
    // usual case) text is appended byte by byte with no decoding at all.
    template <class EmitBlock>
    void put_text(char ch, EmitBlock& emit_block) {
        const auto c = static_cast<unsigned char>(ch);
        if (incoming_size_ != 0) {  // a UTF-8 sequence arriving over the text after the cursor
            if (continues_utf8(incoming_[0], incoming_size_, c)) {
                incoming_[incoming_size_++] = ch;
                if (incoming_size_ == utf8_length(incoming_[0])) {
                    const std::size_t size = incoming_size_;
                    incoming_size_ = 0;
                    write_character({incoming_, size}, emit_block);
                }
                return;
            }
            flush_incoming(emit_block);  // cut short: each of its bytes is one character
        }
        if (c == 0x08) {
            const std::size_t cursor = pending_.size() - after_cursor_;
            if (cursor != 0) after_cursor_ += character_length_before(pending_, cursor);
            return;
        }
        if (after_cursor_ != 0 && utf8_length(ch) > 1) {  // wait for the whole character
            incoming_[0] = ch;
            incoming_size_ = 1;
            return;
        }
        write_character({&ch, 1}, emit_block);
    }

    /// Writes the bytes of a sequence cut short, each as one character. Called when a byte that
    /// cannot continue it arrives, and at the line's end (where an escape sequence also ends).
    template <class EmitBlock>
    void flush_incoming(EmitBlock& emit_block) {
        const std::size_t size = incoming_size_;
        incoming_size_ = 0;
        for (std::size_t i = 0; i < size; ++i) write_character({incoming_ + i, 1}, emit_block);
    }

    /// Writes one character at the cursor: appended at the end, else over the one under it.
    template <class EmitBlock>
    void write_character(std::string_view character, EmitBlock& emit_block) {
        if (after_cursor_ == 0) {
            for (char b : character) {
                reserve_room(1, emit_block);
                pending_.push_back(b);
            }
            return;
        }
        const std::size_t cursor = pending_.size() - after_cursor_;
        const std::size_t replaced = character_length_at(pending_, cursor);
        if (pending_.size() - replaced + character.size() > options_.max_line_length) {
            hand_on_piece(emit_block);
            pending_.append(character);
            return;
        }
        // Within the capacity the longest line already needed: the size stays at most the maximum.
        pending_.replace(cursor, replaced, character);
        after_cursor_ -= replaced;
    }

    /// The length of the UTF-8 sequence a lead byte starts (RFC 3629), 1 for ASCII and for any
    /// byte that cannot start one.
    static constexpr std::size_t utf8_length(char lead) noexcept {
        const auto c = static_cast<unsigned char>(lead);
        if (c >= 0xC2 && c <= 0xDF) return 2;
        if (c >= 0xE0 && c <= 0xEF) return 3;
        if (c >= 0xF0 && c <= 0xF4) return 4;
        return 1;
    }

    /// Whether `c` can be byte `index` (1-3) of a well-formed sequence starting with `lead`: the
    /// second byte's range excludes overlong forms, surrogates and values above U+10FFFF.
    static constexpr bool continues_utf8(char lead, std::size_t index, unsigned char c) noexcept {
        unsigned low = 0x80, high = 0xBF;
        if (index == 1) {
            switch (static_cast<unsigned char>(lead)) {
                case 0xE0: low = 0xA0; break;
                case 0xED: high = 0x9F; break;
                case 0xF0: low = 0x90; break;
                case 0xF4: high = 0x8F; break;
                default: break;
            }
        }
        return c >= low && c <= high;
    }

    static constexpr bool well_formed_utf8(std::string_view bytes) noexcept {
        if (bytes.empty() || utf8_length(bytes[0]) != bytes.size()) return false;
        for (std::size_t i = 1; i < bytes.size(); ++i) {
            if (!continues_utf8(bytes[0], i, static_cast<unsigned char>(bytes[i]))) return false;
        }
        return true;
    }

    /// The character that starts at `at` (< text.size()): a well-formed sequence, else one byte.
    static constexpr std::size_t character_length_at(std::string_view text, std::size_t at) noexcept {
        const std::size_t length = utf8_length(text[at]);
        return length > 1 && well_formed_utf8(text.substr(at, length)) ? length : 1;
    }

    /// The character that ends at `at` (> 0): a well-formed sequence, else one byte.
    static constexpr std::size_t character_length_before(std::string_view text, std::size_t at) noexcept {
        for (std::size_t length = 2; length <= 4 && length <= at; ++length) {
            if (well_formed_utf8(text.substr(at - length, length))) return length;
        }
        return 1;
    }

    framing_options options_;
    std::size_t max_run_lines_;
    framer_stats stats_;
    std::string pending_;  // the current line so far, already rewritten
    escape_state escape_ = escape_state::none;
    bool cut_ = false;         // pieces of the current line were already handed on
    bool line_open_ = false;   // bytes arrived since the last line end
    bool swallow_lf_ = false;  // terminal mode: the last line ended at a \r
    // Terminal mode, after backspaces: the bytes of the current piece after the cursor, and the
    // first bytes of a UTF-8 sequence that will replace the character under the cursor.
    std::size_t after_cursor_ = 0;
    char incoming_[4] = {};
    std::size_t incoming_size_ = 0;

    // The run of whole lines being gathered (see hand_out_run).
    run_kind run_ = run_kind::none;
    const char* run_begin_ = nullptr;
    const char* run_end_ = nullptr;
    std::string run_copy_;
    std::vector<std::uint32_t> run_ends_;  // max_run_lines_ long
    std::size_t run_size_ = 0;
    std::uint64_t run_first_line_ = 0;
    std::uint32_t alone_end_ = 0;  // the line end of a block of one line or piece
};

LOGMETRICS_END_NAMESPACE
