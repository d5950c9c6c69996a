// SPDX-License-Identifier: MIT
#pragma once
// jsonl_sink: one JSON object per sample per line (formats/jsonl.hpp) to a stream or a file: the
// format, plus an output_target that writes each batch in one call.

#include <cstdint>
#include <filesystem>
#include <ostream>
#include <span>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/io/output_target.hpp"
#include "../error.hpp"
#include "../formats/jsonl.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// Writes one JSON object per sample and line to a stream, or to a file it owns.
/// A batch is formatted into a reused buffer and written in one call; writing does not allocate
/// once that buffer has grown. A failed stream is reported by write() and flush() throwing
/// `error(errc::io_error)`.
class jsonl_sink {
public:
    /// Writes to `out`, which must outlive the sink; throws `error(errc::io_error)` if `out` has
    /// failed already.
    explicit jsonl_sink(std::ostream& out) : target_(out, "the JSONL stream") { target_.check(); }

    /// Creates (or truncates) the file at `path` and writes to it; throws `error(errc::io_error)`
    /// when it cannot be opened.
    explicit jsonl_sink(const std::filesystem::path& path) : target_(path) {}

    /// Writes one line; throws `error(errc::io_error)` if the stream has failed.
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Writes one line per sample, in one write to the stream; throws `error(errc::io_error)` if
    /// the stream has failed.
    void write(std::span<const sample> batch) {
        target_.write(batch, [this](fmt::memory_buffer& out, const sample& s) {
            format_.append(out, s);
            ++lines_;
        });
    }

    /// Flushes the stream; throws `error(errc::io_error)` if it has failed.
    void flush() { target_.flush(); }

    /// How many lines were written.
    std::uint64_t lines() const noexcept { return lines_; }

private:
    detail::output_target target_;
    jsonl_format format_;
    std::uint64_t lines_ = 0;
};

static_assert(metric_sink<jsonl_sink>);
static_assert(batch_metric_sink<jsonl_sink>);

LOGMETRICS_END_NAMESPACE
