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
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "config.hpp"
#include "error.hpp"

LOGMETRICS_BEGIN_NAMESPACE

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

    /// Frames `chunk`, calling `on_line(std::string_view text, bool continued)` for each line or
    /// piece; `continued` is true when more of the same line follows. The view is valid only
    /// during the call. Bytes after the last line end are kept for the next chunk.
    template <class OnLine>
    void feed(std::string_view chunk, OnLine&& on_line) {
        stats_.bytes += chunk.size();
        std::size_t pos = 0;
        while (pos < chunk.size()) {
            if (swallow_lf_) {  // terminal: the \n of a \r\n whose \r already ended the line
                swallow_lf_ = false;
                if (chunk[pos] == '\n') {
                    ++pos;
                    continue;
                }
            }
            std::size_t end = find_line_end(chunk, pos);
            std::string_view segment = chunk.substr(pos, end - pos);
            if (end == chunk.size()) {  // no line end in this chunk: keep the rest
                append(segment, on_line);
                line_open_ = true;
                return;
            }
            if (pending_.empty() && !cut_ && escape_ == escape_state::none &&
                segment.size() <= options_.max_line_length && !needs_rewrite(segment)) {
                emit(segment, false, on_line);
            } else {
                append(segment, on_line);
                emit(pending_, false, on_line);
            }
            end_line(chunk[end] == '\r');
            pos = end + 1;
        }
    }

    /// Hands on the last line if any byte followed the last line end. Call at end of input.
    template <class OnLine>
    void finish(OnLine&& on_line) {
        if (line_open_ || cut_) emit(pending_, false, on_line);
        end_line(false);
    }

private:
    enum class escape_state : std::uint8_t { none, escape, csi, intermediate, string, string_escape };

    static constexpr bool is_control(unsigned char c) noexcept { return c < 0x20 || c == 0x7F; }

    std::size_t find_line_end(std::string_view chunk, std::size_t pos) const noexcept {
        const char* begin = chunk.data() + pos;
        std::size_t length = chunk.size() - pos;
        if (options_.mode != framing_mode::terminal) {
            const void* found = std::memchr(begin, '\n', length);
            return found ? static_cast<std::size_t>(static_cast<const char*>(found) - chunk.data())
                         : chunk.size();
        }
        for (std::size_t i = 0; i < length; ++i) {
            if (begin[i] == '\n' || begin[i] == '\r') return pos + i;
        }
        return chunk.size();
    }

    bool needs_rewrite(std::string_view segment) const noexcept {
        switch (options_.mode) {
            case framing_mode::raw: return false;
            case framing_mode::sagemaker:
                return std::any_of(segment.begin(), segment.end(),
                                   [](char c) { return is_control(static_cast<unsigned char>(c)); });
            case framing_mode::terminal: return segment.find('\x1b') != std::string_view::npos;
        }
        return true;
    }

    template <class OnLine>
    void emit(std::string_view text, bool continued, OnLine& on_line) {
        ++stats_.pieces;
        if (!continued) {
            ++stats_.lines;
            if (cut_) ++stats_.cut_lines;
        }
        on_line(text, continued);
    }

    void end_line(bool ended_by_cr) noexcept {
        pending_.clear();
        cut_ = false;
        line_open_ = false;
        escape_ = escape_state::none;  // a line end also ends an unfinished escape sequence
        swallow_lf_ = ended_by_cr;
    }

    /// Makes room for `size` more bytes in the current line, handing on a full piece if needed.
    template <class OnLine>
    void reserve_room(std::size_t size, OnLine& on_line) {
        if (pending_.size() + size > options_.max_line_length && !pending_.empty()) {
            emit(pending_, true, on_line);
            pending_.clear();
            cut_ = true;
        }
    }

    template <class OnLine>
    void append(std::string_view segment, OnLine& on_line) {
        switch (options_.mode) {
            case framing_mode::raw: append_plain(segment, on_line); return;
            case framing_mode::sagemaker:
                while (!segment.empty()) {  // runs of plain bytes in bulk, control bytes escaped
                    auto control = std::find_if(segment.begin(), segment.end(),
                                                [](char c) { return is_control(static_cast<unsigned char>(c)); });
                    append_plain(segment.substr(0, static_cast<std::size_t>(control - segment.begin())), on_line);
                    segment.remove_prefix(static_cast<std::size_t>(control - segment.begin()));
                    if (segment.empty()) break;
                    append_octal_escaped(static_cast<unsigned char>(segment.front()), on_line);
                    segment.remove_prefix(1);
                }
                return;
            case framing_mode::terminal:
                for (char c : segment) append_without_escapes(c, on_line);
                return;
        }
    }

    /// Appends bytes that need no rewriting, handing on full pieces as the maximum is reached.
    template <class OnLine>
    void append_plain(std::string_view bytes, OnLine& on_line) {
        while (!bytes.empty()) {
            reserve_room(1, on_line);
            std::size_t take = std::min(bytes.size(), options_.max_line_length - pending_.size());
            pending_.append(bytes.substr(0, take));
            bytes.remove_prefix(take);
        }
    }

    template <class OnLine>
    void append_octal_escaped(unsigned char c, OnLine& on_line) {
        reserve_room(4, on_line);  // never split one #ooo across pieces
        const char escaped[4] = {'#', static_cast<char>('0' + ((c >> 6) & 7)),
                                 static_cast<char>('0' + ((c >> 3) & 7)), static_cast<char>('0' + (c & 7))};
        pending_.append(escaped, 4);
    }

    // ECMA-48: ESC [ params intermediates final (CSI); ESC ] P X ^ _ ... BEL or ESC \ (strings);
    // ESC intermediates final (two-byte and charset sequences). A byte that cannot continue a
    // sequence ends it and is kept as text.
    template <class OnLine>
    void append_without_escapes(char ch, OnLine& on_line) {
        auto c = static_cast<unsigned char>(ch);
        switch (escape_) {
            case escape_state::none: break;
            case escape_state::escape:
                if (c == '[') escape_ = escape_state::csi;
                else if (c == ']' || c == 'P' || c == 'X' || c == '^' || c == '_') escape_ = escape_state::string;
                else if (c >= 0x20 && c <= 0x2F) escape_ = escape_state::intermediate;
                else if (c == 0x1B) escape_ = escape_state::escape;
                else if (c >= 0x30 && c <= 0x7E) escape_ = escape_state::none;
                else break;  // not an escape after all: drop the ESC, keep the byte
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
                if (c == 0x07) escape_ = escape_state::none;
                else if (c == 0x1B) escape_ = escape_state::string_escape;
                return;
            case escape_state::string_escape:
                if (c == '\\') {
                    escape_ = escape_state::none;
                    return;
                }
                escape_ = escape_state::escape;  // ESC inside a string starts a new sequence
                append_without_escapes(ch, on_line);
                return;
        }
        if (c == 0x1B) {
            escape_ = escape_state::escape;
            return;
        }
        escape_ = escape_state::none;
        reserve_room(1, on_line);
        pending_.push_back(ch);
    }

    framing_options options_;
    framer_stats stats_;
    std::string pending_;             // the current line so far, already rewritten
    escape_state escape_ = escape_state::none;
    bool cut_ = false;                // pieces of the current line were already handed on
    bool line_open_ = false;          // bytes arrived since the last line end
    bool swallow_lf_ = false;         // terminal mode: the last line ended at a \r
};

LOGMETRICS_END_NAMESPACE
