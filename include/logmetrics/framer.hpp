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
//               becomes a line) and ANSI escape sequences (CSI, OSC, two-byte) are removed.
//
// No byte is lost: a line longer than `max_line_length` (after the mode's rewriting) is handed on
// in pieces of at most that length, each flagged as continued but the last. Memory is bounded by
// that maximum. Complete lines that need no rewriting are handed on without a copy.

#include <algorithm>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config.hpp"
#include "error.hpp"

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
    /// control bytes other than '\n', or ESC).
    enum class special_bytes : std::uint8_t { none, controls, escape };

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
            case special_bytes::escape: return c == 0x1B;
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
                } else if (special_ == special_bytes::escape) {
                    special = _mm_cmpeq_epi8(bytes, _mm_set1_epi8(0x1B));
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

struct framing_options {
    framing_mode mode = framing_mode::sagemaker;
    /// Longest line handed on in one piece; CloudWatch's event size limit by default.
    std::size_t max_line_length = 256 * 1024;
};

struct framer_stats {
    std::uint64_t bytes = 0;      ///< bytes fed
    std::uint64_t lines = 0;      ///< lines ended (a line cut into pieces counts once)
    std::uint64_t cut_lines = 0;  ///< lines longer than the maximum, handed on in pieces
    std::uint64_t pieces = 0;     ///< pieces handed on, whole lines included
};

class line_framer {
public:
    explicit line_framer(framing_options options = {}) : options_(options) {
        if (options_.max_line_length < 4) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "max_line_length must be at least 4 bytes"));
        }
    }

    const framing_options& options() const noexcept { return options_; }
    const framer_stats& stats() const noexcept { return stats_; }

    /// Frames `chunk`, calling `emit_line(std::string_view text, bool continued)` for each line or
    /// piece; `continued` is true when more of the same line follows. The view is valid only
    /// during the call. Bytes after the last line end are kept for the next chunk.
    template <class EmitLine>
    void feed(std::string_view chunk, EmitLine&& emit_line) {
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
                append(segment, emit_line);
                line_open_ = true;
                return;
            }
            if (pending_.empty() && !cut_ && escape_ == escape_state::none &&
                segment.size() <= options_.max_line_length && !special) {
                emit(segment, false, emit_line);
            } else {
                append(segment, emit_line);
                emit(pending_, false, emit_line);
            }
            end_line(chunk[end] == '\r');
            pos = end + 1;
        }
    }

    /// Hands on the last line if any byte followed the last line end. Call at end of input.
    template <class EmitLine>
    void finish(EmitLine&& emit_line) {
        if (line_open_ || cut_) emit(pending_, false, emit_line);
        end_line(false);
    }

private:
    enum class escape_state : std::uint8_t { none, escape, csi, intermediate, string, string_escape };

    static constexpr bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

    /// The bytes that keep a line from being handed on as it is: rewritten or removed.
    detail::line_end_finder::special_bytes special_bytes() const noexcept {
        switch (options_.mode) {
            case framing_mode::raw: return detail::line_end_finder::special_bytes::none;
            case framing_mode::sagemaker: return detail::line_end_finder::special_bytes::controls;
            case framing_mode::terminal: return detail::line_end_finder::special_bytes::escape;
        }
        return detail::line_end_finder::special_bytes::none;
    }

    template <class EmitLine>
    void emit(std::string_view text, bool continued, EmitLine& emit_line) {
        ++stats_.pieces;
        if (!continued) {
            ++stats_.lines;
            if (cut_) ++stats_.cut_lines;
        }
        emit_line(text, continued);
    }

    void end_line(bool ended_by_cr) noexcept {
        pending_.clear();
        cut_ = false;
        line_open_ = false;
        escape_ = escape_state::none;  // a line end also ends an unfinished escape sequence
        swallow_lf_ = ended_by_cr;
    }

    /// Makes room for `size` more bytes in the current line, handing on a full piece if needed.
    template <class EmitLine>
    void reserve_room(std::size_t size, EmitLine& emit_line) {
        if (pending_.size() + size > options_.max_line_length && !pending_.empty()) {
            emit(pending_, true, emit_line);
            pending_.clear();
            cut_ = true;
        }
    }

    template <class EmitLine>
    void append(std::string_view segment, EmitLine& emit_line) {
        switch (options_.mode) {
            case framing_mode::raw: append_plain(segment, emit_line); return;
            case framing_mode::sagemaker:
                while (!segment.empty()) {  // runs of plain bytes in bulk, control bytes escaped
                    auto control = std::find_if(segment.begin(), segment.end(),
                                                [](char c) { return is_control(static_cast<unsigned char>(c)); });
                    append_plain(segment.substr(0, static_cast<std::size_t>(control - segment.begin())), emit_line);
                    segment.remove_prefix(static_cast<std::size_t>(control - segment.begin()));
                    if (segment.empty()) break;
                    append_octal_escaped(static_cast<unsigned char>(segment.front()), emit_line);
                    segment.remove_prefix(1);
                }
                return;
            case framing_mode::terminal:
                for (char c : segment) append_without_escapes(c, emit_line);
                return;
        }
    }

    /// Appends bytes that need no rewriting, handing on full pieces as the maximum is reached.
    template <class EmitLine>
    void append_plain(std::string_view bytes, EmitLine& emit_line) {
        while (!bytes.empty()) {
            reserve_room(1, emit_line);
            std::size_t take = std::min(bytes.size(), options_.max_line_length - pending_.size());
            pending_.append(bytes.substr(0, take));
            bytes.remove_prefix(take);
        }
    }

    template <class EmitLine>
    void append_octal_escaped(unsigned char c, EmitLine& emit_line) {
        reserve_room(4, emit_line);  // never split one #ooo across pieces
        const char escaped[4] = {'#', static_cast<char>('0' + ((c >> 6) & 7)), static_cast<char>('0' + ((c >> 3) & 7)),
                                 static_cast<char>('0' + (c & 7))};
        pending_.append(escaped, 4);
    }

    // ECMA-48: ESC [ params intermediates final (CSI); ESC ] P X ^ _ ... BEL or ESC \ (strings);
    // ESC intermediates final (two-byte and charset sequences). A byte that cannot continue a
    // sequence ends it and is kept as text.
    template <class EmitLine>
    void append_without_escapes(char ch, EmitLine& emit_line) {
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
                append_without_escapes(ch, emit_line);
                return;
        }
        if (c == 0x1B) {
            escape_ = escape_state::escape;
            return;
        }
        escape_ = escape_state::none;
        reserve_room(1, emit_line);
        pending_.push_back(ch);
    }

    framing_options options_;
    framer_stats stats_;
    std::string pending_;  // the current line so far, already rewritten
    escape_state escape_ = escape_state::none;
    bool cut_ = false;         // pieces of the current line were already handed on
    bool line_open_ = false;   // bytes arrived since the last line end
    bool swallow_lf_ = false;  // terminal mode: the last line ended at a \r
};

LOGMETRICS_END_NAMESPACE
