// SPDX-License-Identifier: MIT
#pragma once
// table_sink: samples as aligned rows for people (line, metric, value, step) and, at close(), each
// metric's last value, count, min and max. Each batch is formatted (fmt) into one reused buffer
// and written to the stream at once.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/sample.hpp>
#include <logmetrics/stats.hpp>

namespace logmetrics::cli {

/// The `table` output. Writes its heading when made; throws logmetrics::error (io_error) when the
/// stream has gone bad. Columns are padded to their width, never cut: a wider cell pushes the
/// rest of its row to the right.
class table_sink {
public:
    static constexpr std::size_t line_width = 6;
    static constexpr std::size_t value_width = 12;
    static constexpr std::size_t step_width = 5;
    static constexpr std::size_t count_width = 5;

    /// `metrics`: the definitions' metric names, in order (a sample's `metric` indexes them;
    /// samples of other names are shown, and left out of the final values); the
    /// metric column is as wide as the longest, from 6 to 48 columns (text.hpp's display_width;
    /// a longer name is cut with "…"). Names with control bytes are shown escaped. `label_streams`: a heading names
    /// the stream whenever the samples' stream label changes (there are several streams).
    table_sink(std::ostream& out, std::vector<std::string> metrics, bool label_streams);

    void write(const sample& s);
    void write(std::span<const sample> batch);
    void flush();

    /// The "final values" table: per metric, in order, its last finite value (as `final:` has it;
    /// '-' when there is none), marked '*' when its last value was NaN or infinite (a footnote
    /// says so), count, min and max (NaN skipped: stats.hpp's series_summary), or "-" when it has
    /// no samples.
    void close();

private:
    /// Writes the buffer to the stream and empties it; throws when the stream has failed.
    void write_buffer();

    std::ostream* out_;
    std::vector<std::string> metrics_;
    std::vector<series_summary> summaries_;
    std::vector<std::string> padded_names_;  // each metric's name, escaped and padded to the column
    std::string other_name_;                 // the cell of a name not among the metrics
    std::size_t metric_width_;
    bool label_streams_;
    std::string stream_;  // the label of the last heading
    std::uint64_t rows_ = 0;
    fmt::memory_buffer buffer_;
};

}  // namespace logmetrics::cli
