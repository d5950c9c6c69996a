// SPDX-License-Identifier: MIT
#pragma once
// csv_sink: samples as CSV rows `timestamp,metric_name,value,step,line`, the columns of
// SageMaker's TrainingJobAnalytics dataframe plus step and line, readable by pandas.read_csv.
// Timestamps are ISO 8601 UTC with milliseconds; names are quoted per RFC 4180 when needed;
// values are shortest round-trip numbers (`nan`, `inf`, `-inf` when not finite).

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "../config.hpp"
#include "../detail/text/number_text.hpp"
#include "../detail/io/output_target.hpp"
#include "../detail/text/time_text.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

struct csv_options {
    /// Write the header line `timestamp,metric_name,value,step,line` first (at construction).
    bool header = true;
};

/// Writes one CSV row per sample to a stream, or to a file it owns. Rows end with `\n`.
/// Writing does not allocate; a failed stream is reported by write() and flush() throwing
/// `error(errc::io_error)`.
class csv_sink {
public:
    /// The header line, newline included.
    static constexpr std::string_view header_line = "timestamp,metric_name,value,step,line\n";

    /// Writes to `out`, which must outlive the sink; throws `error(errc::io_error)` if `out` has
    /// failed already.
    explicit csv_sink(std::ostream& out, csv_options options = {}) : target_(out, "the CSV stream"), out_(&out) {
        start(options);
    }

    /// Creates (or truncates) the file at `path` and writes to it; throws `error(errc::io_error)`
    /// when it cannot be opened.
    explicit csv_sink(const std::filesystem::path& path, csv_options options = {})
        : target_(path), out_(&target_.stream()) {
        start(options);
    }

    /// Writes one row; throws `error(errc::io_error)` if the stream has failed.
    void write(const sample& s) {
        write_row(s);
        check();
    }

    /// Writes one row per sample; throws `error(errc::io_error)` if the stream has failed.
    void write(std::span<const sample> batch) {
        for (const sample& s : batch) write_row(s);
        check();
    }

    /// Flushes the stream; throws `error(errc::io_error)` if it has failed.
    void flush() { target_.flush(); }

    /// How many rows were written (the header not counted).
    std::uint64_t rows() const noexcept { return rows_; }

    /// Whether `name` must be quoted in a CSV field: it holds a comma, a quote, CR or LF.
    static constexpr bool needs_quotes(std::string_view name) noexcept {
        return name.find_first_of(",\"\r\n") != std::string_view::npos;
    }

private:
    void start(const csv_options& options) {
        if (options.header) detail::write_text(*out_, header_line);
        check();
    }

    void check() const { target_.check(); }

    void write_name(std::string_view name) {
        if (!needs_quotes(name)) {
            detail::write_text(*out_, name);
            return;
        }
        out_->put('"');
        std::size_t quote = name.find('"');
        while (quote != std::string_view::npos) {
            detail::write_text(*out_, name.substr(0, quote + 1));  // up to the quote, then its double
            out_->put('"');
            name.remove_prefix(quote + 1);
            quote = name.find('"');
        }
        detail::write_text(*out_, name);
        out_->put('"');
    }

    void write_row(const sample& s) {
        char time[detail::time_buffer_size];
        detail::fixed_text<detail::time_buffer_size + 1> head;
        head.append(detail::format_iso8601(time, sizeof time, s.time));
        head.append(',');
        detail::write_text(*out_, head.view());

        write_name(s.name);

        char number[detail::number_buffer_size];
        detail::fixed_text<3 * detail::number_buffer_size + 4> tail;
        tail.append(',');
        tail.append(detail::format_value(number, sizeof number, s));
        tail.append(',');
        tail.append_unsigned(s.step);
        tail.append(',');
        tail.append_unsigned(s.line);
        tail.append('\n');
        detail::write_text(*out_, tail.view());
        ++rows_;
    }

    detail::output_target target_;
    std::ostream* out_;  // target_.stream(), kept at hand for the per-sample writes
    std::uint64_t rows_ = 0;
};

static_assert(metric_sink<csv_sink>);
static_assert(batch_metric_sink<csv_sink>);

LOGMETRICS_END_NAMESPACE
