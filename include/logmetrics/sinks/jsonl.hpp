// SPDX-License-Identifier: MIT
#pragma once
// jsonl_sink: one JSON object per sample per line (JSON Lines), keys in a fixed order:
//     {"line":12,"name":"train:loss","value":0.25,"step":3,"timestamp":"2026-11-22T01:02:03.456Z","stream":"pod-0"}
// Values follow detail/json_write.hpp (NaN and infinities as strings, integers exact); "stream"
// is left out when the sample's label is empty. Every line is valid JSON and valid UTF-8.

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <span>
#include <string>
#include <string_view>

#include "../config.hpp"
#include "../detail/text/json_escape.hpp"
#include "../detail/text/number_text.hpp"
#include "../detail/io/output_target.hpp"
#include "../detail/text/time_text.hpp"
#include "../error.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Writes one JSON object per sample and line to a stream, or to a file it owns.
/// Writing does not allocate; a failed stream is reported by write() and flush() throwing
/// `error(errc::io_error)`.
class jsonl_sink {
public:
    /// Writes to `out`, which must outlive the sink; throws `error(errc::io_error)` if `out` has
    /// failed already.
    explicit jsonl_sink(std::ostream& out) : target_(out, "the JSONL stream"), out_(&out) { check(); }

    /// Creates (or truncates) the file at `path` and writes to it; throws `error(errc::io_error)`
    /// when it cannot be opened.
    explicit jsonl_sink(const std::filesystem::path& path) : target_(path), out_(&target_.stream()) {}

    /// Writes one line; throws `error(errc::io_error)` if the stream has failed.
    void write(const sample& s) {
        write_line(s);
        check();
    }

    /// Writes one line per sample; throws `error(errc::io_error)` if the stream has failed.
    void write(std::span<const sample> batch) {
        for (const sample& s : batch) write_line(s);
        check();
    }

    /// Flushes the stream; throws `error(errc::io_error)` if it has failed.
    void flush() { target_.flush(); }

    /// How many lines were written.
    std::uint64_t lines() const noexcept { return lines_; }

private:
    void check() const { target_.check(); }

    void write_line(const sample& s) {
        detail::fixed_text<48> head;  // {"line":<20 digits>,"name":"
        head.append("{\"line\":");
        head.append_unsigned(s.line);
        head.append(",\"name\":\"");
        detail::write_text(*out_, head.view());

        detail::escape_json(s.name, [this](std::string_view chunk) { detail::write_text(*out_, chunk); });

        char number[detail::number_buffer_size];
        char time[detail::time_buffer_size];
        detail::fixed_text<160> tail;  // ","value":<32>,"step":<20>,"timestamp":"<40>"
        tail.append("\",\"value\":");
        tail.append(detail::format_json_value(number, sizeof number, s));
        tail.append(",\"step\":");
        tail.append_unsigned(s.step);
        tail.append(",\"timestamp\":\"");
        tail.append(detail::format_iso8601(time, sizeof time, s.time));
        tail.append('"');
        if (s.stream.empty()) {
            tail.append("}\n");
            detail::write_text(*out_, tail.view());
        } else {
            tail.append(",\"stream\":\"");
            detail::write_text(*out_, tail.view());
            detail::escape_json(s.stream, [this](std::string_view chunk) { detail::write_text(*out_, chunk); });
            detail::write_text(*out_, "\"}\n");
        }
        ++lines_;
    }

    detail::output_target target_;
    std::ostream* out_;  // target_.stream(), kept at hand for the per-sample writes
    std::uint64_t lines_ = 0;
};

static_assert(metric_sink<jsonl_sink>);
static_assert(batch_metric_sink<jsonl_sink>);

LOGMETRICS_END_NAMESPACE
