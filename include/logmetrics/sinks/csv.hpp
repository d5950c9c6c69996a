// SPDX-License-Identifier: MIT
#pragma once
// csv_sink: samples as CSV rows `timestamp,metric_name,value,step,line,stream` (formats/csv.hpp) to a
// stream or a file: the format, plus an output_target that writes each batch in one call.

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <span>
#include <string_view>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/io/output_target.hpp"
#include "../error.hpp"
#include "../formats/csv.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

struct csv_options {
    /// Write the header line `timestamp,metric_name,value,step,line,stream` first (at construction).
    bool header = true;
};

/// Writes one CSV row per sample to a stream, or to a file it owns. Rows end with `\n`.
/// A batch is formatted into a reused buffer and written in one call; writing does not allocate
/// once that buffer has grown. A failed stream is reported by write() and flush() throwing
/// `error(errc::io_error)`.
class csv_sink {
public:
    /// The header line, newline included.
    static constexpr std::string_view header_line = csv_format::header_line;

    /// Writes to `out`, which must outlive the sink; throws `error(errc::io_error)` if `out` has
    /// failed already.
    explicit csv_sink(std::ostream& out, csv_options options = {}) : target_(out, "the CSV stream") { start(options); }

    /// Creates (or truncates) the file at `path` and writes to it; throws `error(errc::io_error)`
    /// when it cannot be opened.
    explicit csv_sink(const std::filesystem::path& path, csv_options options = {}) : target_(path) { start(options); }

    /// Writes one row; throws `error(errc::io_error)` if the stream has failed.
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Writes one row per sample, in one write to the stream; throws `error(errc::io_error)` if
    /// the stream has failed.
    void write(std::span<const sample> batch) {
        target_.write(batch, [this](fmt::memory_buffer& out, const sample& s) {
            format_.append(out, s);
            ++rows_;
        });
    }

    /// Flushes the stream; throws `error(errc::io_error)` if it has failed.
    void flush() { target_.flush(); }

    /// How many rows were written (the header not counted).
    std::uint64_t rows() const noexcept { return rows_; }

    /// Whether `name` must be quoted in a CSV field: it holds a comma, a quote, CR or LF.
    static constexpr bool needs_quotes(std::string_view name) noexcept { return csv_format::needs_quotes(name); }

private:
    void start(const csv_options& options) {
        if (options.header) {
            target_.write(header_line);
        } else {
            target_.check();
        }
    }

    detail::output_target target_;
    csv_format format_;
    std::uint64_t rows_ = 0;
};

static_assert(metric_sink<csv_sink>);
static_assert(batch_metric_sink<csv_sink>);

LOGMETRICS_END_NAMESPACE
