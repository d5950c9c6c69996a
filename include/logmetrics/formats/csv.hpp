// SPDX-License-Identifier: MIT
#pragma once
// csv_format: samples as CSV rows `timestamp,metric_name,value,step,line,stream`, the columns of
// SageMaker's TrainingJobAnalytics dataframe plus step, line and stream, readable by
// pandas.read_csv. The stream column is last so that readers of the first five columns by
// position keep working.
// Pure: it appends bytes to an fmt::memory_buffer and does no I/O (csv_sink writes them).
//
// - timestamp: ISO 8601 UTC with milliseconds (`2026-11-22T01:02:03.456Z`), detail/text/time_text.hpp.
// - metric_name: quoted per RFC 4180 when it holds a comma, a quote, CR or LF (quotes doubled);
//   written by hand, since fmt has no CSV quoting.
// - value: the shortest round-trip number, an integer-typed value exactly; `nan`, `inf`, `-inf`
//   when not finite (detail/text/number_text.hpp).
// - step, line: decimal.
// - stream: the sample's stream label (the input's file name in the CLI; empty when none),
//   quoted as metric_name is: file names may hold commas, quotes and newlines.
// Rows end with `\n`.

#include <cstddef>
#include <string_view>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/text/number_text.hpp"
#include "../detail/text/time_text.hpp"
#include "../sample.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Formats samples as CSV rows. Keeps the text of the last second it wrote (one object per
/// output; not thread-safe). Appending does not allocate once the buffer has grown.
class csv_format {
public:
    /// The header line, newline included.
    static constexpr std::string_view header_line = "timestamp,metric_name,value,step,line,stream\n";

    /// Whether `field` must be quoted: it holds a comma, a quote, CR or LF.
    static constexpr bool needs_quotes(std::string_view field) noexcept {
        return field.find_first_of(",\"\r\n") != std::string_view::npos;
    }

    /// Appends `field`, quoted when it needs it, its quotes doubled.
    static void append_field(fmt::memory_buffer& out, std::string_view field) {
        if (!needs_quotes(field)) return detail::append_text(out, field);
        out.push_back('"');
        for (std::size_t quote = field.find('"'); quote != std::string_view::npos; quote = field.find('"')) {
            detail::append_text(out, field.substr(0, quote + 1));  // up to the quote, then its double
            out.push_back('"');
            field.remove_prefix(quote + 1);
        }
        detail::append_text(out, field);
        out.push_back('"');
    }

    /// Appends the row of `s`, newline included.
    void append(fmt::memory_buffer& out, const sample& s) {
        time_.append(out, s.time);
        out.push_back(',');
        append_field(out, s.name);
        out.push_back(',');
        detail::append_value(out, s);
        out.push_back(',');
        detail::append_unsigned(out, s.step);
        out.push_back(',');
        detail::append_unsigned(out, s.line);
        out.push_back(',');
        append_field(out, s.stream);
        out.push_back('\n');
    }

private:
    detail::iso8601_writer time_;
};

LOGMETRICS_END_NAMESPACE
