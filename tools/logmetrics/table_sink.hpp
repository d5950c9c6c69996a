// SPDX-License-Identifier: MIT
#pragma once
// table_sink: samples as aligned rows for people (line, metric, value, step), and at the end the
// final value and statistics of each metric, taken from a memory_store. Each batch is formatted
// (fmt) into one reused buffer and written to the stream at once.

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/sample.hpp>
#include <logmetrics/sinks/memory_store.hpp>

namespace logmetrics::cli {

/// `--format table`. Writes its heading when made; throws logmetrics::error (io_error) when the
/// stream has gone bad. Columns are padded to their width, never cut: a wider cell pushes the
/// rest of its row to the right.
class table_sink {
public:
    static constexpr std::size_t line_width = 6;
    static constexpr std::size_t value_width = 12;
    static constexpr std::size_t step_width = 5;
    static constexpr std::size_t count_width = 5;

    /// `metric_width`: the width of the metric column. `label_streams`: begin_stream() writes a
    /// heading (there are several streams).
    table_sink(std::ostream& out, std::size_t metric_width, bool label_streams);

    void write(const sample& s);
    void write(std::span<const sample> batch);
    void flush();

    /// Called before each input is read: with several inputs, a heading names the stream.
    void begin_stream(std::string_view label);

    /// The "final values" table: per metric (in the order given) its last value, count, min, max.
    void write_final(const memory_store& store, const std::vector<std::string>& metrics);

private:
    /// Writes the buffer to the stream and empties it; throws when the stream has failed.
    void write_buffer();

    std::ostream* out_;
    std::size_t metric_width_;
    bool label_streams_;
    std::uint64_t rows_ = 0;
    fmt::memory_buffer buffer_;
};

}  // namespace logmetrics::cli
