// SPDX-License-Identifier: MIT
#pragma once
// prometheus_textfile_sink: the last value of each series in a `.prom` file for node_exporter's
// textfile collector (`--collector.textfile.directory=DIR`), which Prometheus then scrapes with
// the machine's other metrics.
//
// Source: prometheus/node_exporter README.md, "Textfile Collector": it reads the files `*.prom`
// of the directory at each scrape, in the text format 0.0.4; a file with a timestamp or a parse
// error is skipped whole (and `node_textfile_scrape_error` is 1); write a temporary file and
// rename it, so that a scrape never reads half a file.
//
// What it writes: formats/prometheus.hpp's exposition of every series' last value (NaN and
// infinities included), without timestamps, as a whole new file (detail/io/atomic_file.hpp:
// `PATH.<pid>.tmp`, then renamed). When:
//  - by `tick(now)` (the monitor ticks about once a second while it is fed), when the file lacks
//    a value (samples came, or a rewrite failed, since the last good rewrite) and `interval` has
//    passed since the last attempt (the first one at once): while lines keep coming the file is
//    at most `interval` behind them, and a failed rewrite is tried again an interval later;
//  - by `flush()` and `close()` (the monitor's finish(), the end of a run), when the file lacks a
//    value; these throw `error(errc::io_error)` when the rewrite fails.
// A file is written only once a sample came: an earlier run's file stays until then. The sink
// writes from the caller's thread: on a file system that can stall (NFS), wrap it in async_sink.
//
// What it drops, counted by reason (`drops()`), never throwing from write() or tick():
//   "unknown metric"          formats/prometheus.hpp;
//   "textfile not written"    a rewrite failed: creating, writing or syncing the temporary file,
//                             or renaming it (`last_error()` says which, with the system's reason);
//                             counted as the samples that came since the attempt before, whose
//                             values the file did not get then (a later rewrite may show the last
//                             of them).

#include <algorithm>
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "../config.hpp"
#include "../detail/io/atomic_file.hpp"
#include "../error.hpp"
#include "../formats/prometheus.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

/// When and how prometheus_textfile_sink rewrites its file.
struct prometheus_textfile_options {
    /// At most one rewrite by tick() per interval (flush() and close() write regardless). Zero:
    /// at every tick that has news.
    std::chrono::milliseconds interval = std::chrono::seconds(15);
    /// fsync the temporary file before the rename (see detail/io/atomic_file.hpp).
    bool fsync = false;
};

/// Writes the last value of each series to a node_exporter textfile (see the top of this file).
/// Not thread-safe, like every sink. Writing and rewriting do not allocate once the series exist
/// and the text buffer has grown (a failure's message aside).
class prometheus_textfile_sink {
public:
    static constexpr std::size_t drop_reasons = prometheus_format::drop_reasons + 1;

    /// For the file at `path` (it must end in `.prom`, in a directory that exists) and the
    /// metrics that samples' `metric` indexes (a definition set's `metric_names()`). Writes
    /// nothing yet. Throws `error(errc::invalid_argument)` for a path not ending in `.prom` or bad
    /// format options (formats/prometheus.hpp), `error(errc::io_error)` when the directory is
    /// missing or the path is a directory.
    prometheus_textfile_sink(const std::filesystem::path& path, std::span<const std::string> metrics,
                             prometheus_options format = {}, prometheus_textfile_options options = {})
        : format_(metrics, std::move(format)), options_(options), file_(check_path(path), options.fsync) {
        const auto inner = format_.drops();
        std::copy(inner.begin(), inner.end(), drops_.begin());
        drops_.back() = {"textfile not written", 0};
    }

    /// Records a sample's value (the file gets it at the next rewrite).
    void write(const sample& s) { write(std::span<const sample>(&s, 1)); }

    /// Records a batch's values (the file gets them at the next rewrite).
    void write(std::span<const sample> batch) {
        const std::uint64_t before = format_.observed();
        format_.observe(batch);
        const std::uint64_t recorded = format_.observed() - before;
        pending_ += recorded;
        if (recorded > 0) dirty_ = true;
    }

    /// Rewrites the file when samples came since the last successful rewrite and `interval` has passed
    /// since the last attempt (or `now` is before it: the clock was set back). Failures are
    /// counted (drops(), last_error()), never thrown.
    void tick(timestamp now) noexcept {
        if (!news()) return;
        if (last_attempt_ && now >= *last_attempt_ && now - *last_attempt_ < options_.interval) return;
        last_attempt_ = now;
        rewrite();
    }

    /// Rewrites the file now when samples came since the last rewrite. Throws
    /// `error(errc::io_error)` (after counting it) when the rewrite fails.
    void flush() {
        if (!news()) return;
        if (!rewrite()) LOGMETRICS_THROW(error(errc::io_error, last_error_));
    }

    /// The end of the output: flush().
    void close() { flush(); }

    /// Samples dropped so far, by reason (see the top of this file); static strings.
    std::span<const drop_count> drops() const noexcept {
        drops_[0] = format_.drops()[0];
        return drops_;
    }

    /// Successful rewrites so far.
    std::uint64_t rewrites() const noexcept { return rewrites_; }

    /// Why the last failed rewrite failed ("cannot rename X to Y: Permission denied"); empty if none did.
    const std::string& last_error() const noexcept { return last_error_; }

    const prometheus_format& format() const noexcept { return format_; }
    const std::filesystem::path& path() const noexcept { return file_.path(); }

private:
    static std::filesystem::path check_path(const std::filesystem::path& path) {
        const std::string name = path.filename().string();
        if (!name.ends_with(".prom")) {
            LOGMETRICS_THROW(error(errc::invalid_argument,
                                   fmt::format("prometheus textfile {:?}: the name must end in .prom, the only files "
                                               "node_exporter's textfile collector reads",
                                               path.string())));
        }
        std::error_code ec;
        const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : ".";
        if (!std::filesystem::is_directory(directory, ec)) {
            LOGMETRICS_THROW(error(errc::io_error, fmt::format("prometheus textfile {:?}: no directory {:?}",
                                                               path.string(), directory.string())));
        }
        if (std::filesystem::is_directory(path, ec)) {
            LOGMETRICS_THROW(
                error(errc::io_error, fmt::format("prometheus textfile {:?} is a directory", path.string())));
        }
        return path;
    }

    /// Whether the file lacks some recorded value (samples came, or a rewrite failed, since the last rewrite).
    bool news() const noexcept { return dirty_; }

    /// Writes the exposition to the file; false (counted, last_error_ set) when it fails.
    bool rewrite() noexcept {
        detail::atomic_file::result outcome{detail::atomic_file::step::write, ENOMEM};
        try {
            buffer_.clear();
            format_.append(buffer_);
            outcome = file_.replace(std::string_view(buffer_.data(), buffer_.size()));
        } catch (...) {  // the buffer could not grow: outcome stays ENOMEM
        }
        if (outcome) {
            ++rewrites_;
            pending_ = 0;
            dirty_ = false;
            return true;
        }
        drops_.back().count += pending_;
        pending_ = 0;
        try {
            const bool renaming = outcome.failed == detail::atomic_file::step::rename;
            last_error_ =
                renaming ? fmt::format("cannot rename {} to {}: {}", file_.temporary_path(), file_.path().string(),
                                       std::strerror(outcome.error))
                         : fmt::format("cannot write {}: {}", file_.temporary_path(), std::strerror(outcome.error));
        } catch (...) {  // out of memory: the message stays the last one
        }
        return false;
    }

    prometheus_format format_;
    prometheus_textfile_options options_;
    detail::atomic_file file_;
    fmt::memory_buffer buffer_;
    mutable std::array<drop_count, drop_reasons> drops_{};
    std::uint64_t pending_ = 0;  // samples recorded since the last rewrite attempt
    std::uint64_t rewrites_ = 0;
    bool dirty_ = false;  // samples came since the last rewrite that succeeded
    std::optional<timestamp> last_attempt_;
    std::string last_error_;
};

static_assert(batch_metric_sink<prometheus_textfile_sink> && ticking_sink<prometheus_textfile_sink> &&
              closable_sink<prometheus_textfile_sink> && drop_counting_sink<prometheus_textfile_sink>);

LOGMETRICS_END_NAMESPACE
