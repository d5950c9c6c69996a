// SPDX-License-Identifier: MIT
#pragma once
// The progress line of a long scan: on stderr when it is a terminal, for an input whose size is
// known (a regular file), rewritten in place with '\r' a few times a second, and blanked at the
// end. Never when --quiet, nor when samples go to the same terminal (the two would mix).

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace logmetrics::cli {

/// Whether a scan of `input_fd` shows a progress line on `stderr_fd`: not `quiet`, stderr a
/// terminal, the input a regular file, and no samples written to a terminal (`stdout_fd` is the
/// descriptor samples are written to, -1 when no output uses stdout).
bool wants_progress(bool quiet, int stderr_fd, int input_fd, int stdout_fd) noexcept;

/// What the line says.
struct progress_facts {
    std::string_view input;     ///< the input's name
    std::uint64_t bytes = 0;    ///< read so far
    std::uint64_t size = 0;     ///< the input's size (0: unknown)
    std::uint64_t lines = 0;    ///< read so far
    std::uint64_t samples = 0;  ///< written so far
    double seconds = 0;         ///< since the input was opened
};

/// "logmetrics: train.log: 1.2 GiB of 3.4 GiB (35%), 1.9M lines/s, 123456 samples".
std::string format_progress(const progress_facts& facts);

/// One line on a terminal, redrawn in place.
class progress_line {
public:
    using clock = std::chrono::steady_clock;
    /// The first draw waits this long, so short scans never show a line.
    static constexpr clock::duration first_after = std::chrono::seconds(1);
    /// Then a draw at most this often.
    static constexpr clock::duration every = std::chrono::milliseconds(250);

    /// Draws on `out`, lines cut to `columns - 1` characters (0: no cut) so none wraps.
    progress_line(std::FILE* out, clock::time_point start, std::size_t columns);
    progress_line(const progress_line&) = delete;
    progress_line& operator=(const progress_line&) = delete;
    /// Blanks the line.
    ~progress_line();

    /// Whether a draw is due at `now`.
    bool due(clock::time_point now) const noexcept { return now >= next_; }

    /// Replaces the line with `text`, and schedules the next draw `every` after `now`.
    void draw(std::string_view text, clock::time_point now);

    /// Blanks the line, if one is shown, and leaves the cursor at its start.
    void clear();

private:
    std::FILE* out_;
    clock::time_point next_;
    std::size_t columns_;
    std::size_t shown_ = 0;  // characters on the line now
};

}  // namespace logmetrics::cli
