// SPDX-License-Identifier: MIT
#pragma once
// tensorboard_sink: samples as TensorBoard event files (formats/tensorboard.hpp), for
// `tensorboard --logdir DIR`.
//
// Layout. TensorBoard calls a directory of event files a run. With `run_per_stream` off (the
// default), every sample goes to one file in DIR: `DIR/events.out.tfevents.<time>.<host>`,
// created when the sink is made. With it on, each stream label gets a run of its own,
// `DIR/<label>/events.out.tfevents.<time>.<host>`, created at the stream's first sample, so
// TensorBoard draws one curve per stream; the label is made a safe path component (characters
// other than `A-Z a-z 0-9 . _ -` become `_`, a leading `.` gets a `_` before it, at most 200
// bytes, `-2`, `-3`... when two labels come out the same). `<time>` is the creation time in
// seconds, 10 digits (TensorFlow's events_writer.cc); a file of that name that exists already is
// never overwritten: `.1`, `.2`... is appended. Each file starts with the `file_version` event.
//
// Open files. At most `max_open_files` event files are open at once (default 64), so a scan of
// thousands of inputs does not run out of file descriptors (EMFILE). When a run needs its file
// and that many are open, the run that wrote least recently has its buffered records written out
// and its file closed; when that run writes out again its file is reopened for appending
// (O_APPEND) and the records continue it: a run is always one file, never a second one. This is
// sound because TFRecord records are self-delimiting (length, CRC, data, CRC; TensorFlow's
// record_writer.cc), so a file written in several sessions reads as one stream of records. A file
// that cannot be reopened (removed meanwhile, EMFILE from other descriptors) loses the records,
// counted as "write failed".
//
// Writing. Records are buffered per file and written (write(2)) when a file's buffer passes
// `buffer_bytes`, by `tick` once `flush_interval` has passed since the last write-out (the
// monitor ticks every second, so a growing file shows progress in TensorBoard, which reloads
// every 5 s by default), and by flush() and close(). write() and tick() never throw: a file that
// cannot be created or written loses its samples, counted by reason in drops() ("cannot create
// event file", "write failed"), and is given up (a half-written record would end TensorBoard's
// reading of it anyway); flush() and close() then throw `error(errc::io_error)` naming the file
// and the system's reason, as the other file sinks report a failed stream. The format's drops
// ("value beyond float range", "invalid tag") come first in drops().

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "../config.hpp"
#include "../error.hpp"
#include "../formats/tensorboard.hpp"
#include "../sample.hpp"
#include "../sink.hpp"

LOGMETRICS_BEGIN_NAMESPACE

struct tensorboard_options {
    /// A run directory per stream label (DIR/<label>/), else one file in DIR for every sample.
    bool run_per_stream = false;
    /// `tick` writes buffered records out once this much time has passed since the last time.
    std::chrono::milliseconds flush_interval{std::chrono::seconds(5)};
    /// A file's buffered records are written out when they reach this many bytes.
    std::size_t buffer_bytes = 64 * 1024;
    /// The host name in file names; the system's (gethostname) when empty.
    std::string host{};
    /// At most this many event files are open at once (least recently written closed first, and
    /// reopened for appending when written again; see the top of this file). At least 1.
    std::size_t max_open_files = 64;
};

/// Writes TensorBoard event files under a directory (see the top of this file). Not thread-safe,
/// like every sink. Writing does not allocate once each file's buffer has grown (a new stream
/// label allocates its run).
class tensorboard_sink {
public:
    /// The time in file names and first records; the system clock when empty.
    using clock_function = std::function<timestamp()>;

    /// Creates `directory` (and its parents) if missing, and with `run_per_stream` off, its event
    /// file. Throws `error(errc::io_error)` naming the path and the reason when it cannot (a file
    /// in the way, no permission), `error(errc::invalid_argument)` for a zero `buffer_bytes` or
    /// `max_open_files`.
    explicit tensorboard_sink(std::filesystem::path directory, tensorboard_options options = {},
                              clock_function clock = {})
        : directory_(std::move(directory)), options_(std::move(options)), clock_(std::move(clock)) {
        if (options_.buffer_bytes == 0) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "tensorboard: buffer_bytes must be at least 1"));
        }
        if (options_.max_open_files == 0) {
            LOGMETRICS_THROW(error(errc::invalid_argument, "tensorboard: max_open_files must be at least 1"));
        }
        if (options_.host.empty()) options_.host = system_host_name();
        options_.host = path_component(options_.host);
        std::error_code ec;
        std::filesystem::create_directories(directory_, ec);
        if (ec || !std::filesystem::is_directory(directory_)) {
            LOGMETRICS_THROW(
                error(errc::io_error, fmt::format("tensorboard: cannot create directory {}: {}", directory_.string(),
                                                  ec ? ec.message() : "a file is in the way")));
        }
        if (!options_.run_per_stream) {
            run& only = add_run({}, directory_);
            if (only.state != run_state::open) LOGMETRICS_THROW(error(errc::io_error, first_error_));
        }
    }

    tensorboard_sink(tensorboard_sink&& other) noexcept
        : directory_(std::move(other.directory_)),
          options_(std::move(other.options_)),
          clock_(std::move(other.clock_)),
          format_(std::move(other.format_)),
          runs_(std::move(other.runs_)),
          last_(std::exchange(other.last_, nullptr)),
          last_write_out_(other.last_write_out_),
          use_clock_(other.use_clock_),
          open_files_(std::exchange(other.open_files_, 0)),
          reopens_(other.reopens_),
          failed_writes_(other.failed_writes_),
          failed_creates_(other.failed_creates_),
          first_error_(std::move(other.first_error_)) {
        other.runs_.clear();
    }
    tensorboard_sink& operator=(tensorboard_sink&&) = delete;

    /// Writes out what is buffered and closes the files; never throws (use close() to hear of
    /// failures).
    ~tensorboard_sink() { close_files(); }

    void write(const sample& s) {
        run* r = run_of(s.stream);
        if (r == nullptr || r->state != run_state::open) {
            count_lost(r, 1);
            return;
        }
        r->last_use = ++use_clock_;
        if (format_.append(r->pending, s)) ++r->pending_samples;
        if (r->pending.size() >= options_.buffer_bytes) write_out(*r);
    }

    void write(std::span<const sample> batch) {
        for (const sample& s : batch) write(s);
    }

    /// Writes out every file's buffered records once `flush_interval` has passed since the last
    /// write-out (by the monitor's clock). Never throws; failures are counted.
    void tick(timestamp now) {
        if (last_write_out_ == timestamp{}) last_write_out_ = now;
        // A clock set back starts the interval again rather than holding records until it catches up.
        if (now >= last_write_out_ && now - last_write_out_ < options_.flush_interval) return;
        last_write_out_ = now;
        write_out_all();
    }

    /// Writes out every file's buffered records; throws `error(errc::io_error)` if any file has
    /// failed (its samples are counted in drops()).
    void flush() {
        write_out_all();
        throw_if_failed();
    }

    /// Writes out what is buffered and closes the files; throws as flush() does. Samples written
    /// after close() are counted as "write failed".
    void close() {
        close_files();
        throw_if_failed();
    }

    /// Samples lost so far, by reason: the format's ("value beyond float range", "invalid tag"),
    /// then "cannot create event file", "write failed".
    drop_list<4> drops() const noexcept {
        drop_list<4> all;
        for (const drop_count& d : format_.drops()) all.push_back(d);
        all.push_back({"cannot create event file", failed_creates_});
        all.push_back({"write failed", failed_writes_});
        return all;
    }

    /// The event files made so far, in the order of their first sample (one file without
    /// `run_per_stream`).
    std::vector<std::filesystem::path> files() const {
        std::vector<std::filesystem::path> paths;
        for (const auto& r : runs_) paths.push_back(r->file);
        return paths;
    }

    /// How many event files are open now (at most `max_open_files`).
    std::size_t open_files() const noexcept { return open_files_; }

    /// How many times a closed event file was reopened for appending (see the top of this file).
    std::uint64_t reopens() const noexcept { return reopens_; }

    const std::filesystem::path& directory() const noexcept { return directory_; }
    const tensorboard_format& format() const noexcept { return format_; }

    /// `text` as a safe file name component (see the top of this file).
    static std::string path_component(std::string_view text) {
        std::string name;
        for (const char c : text.substr(0, 200)) {
            const bool safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                              c == '_' || c == '-';
            name.push_back(safe ? c : '_');
        }
        if (name.empty() || name.front() == '.') name.insert(name.begin(), '_');
        return name;
    }

private:
    enum class run_state : std::uint8_t { open, cannot_create, write_failed, closed };

    struct run {
        std::string label;           // the stream label (per-stream runs)
        std::string directory_name;  // its directory under DIR (per-stream runs)
        std::filesystem::path file;
        int fd = -1;
        run_state state = run_state::open;  // open: fd may still be -1 (closed to bound open files)
        fmt::memory_buffer pending;         // records not yet written
        std::uint64_t pending_samples = 0;
        std::uint64_t last_use = 0;  // use_clock_ at its last sample or open: the least is closed first
    };

    static std::string system_host_name() {
        char name[256] = {};
        if (::gethostname(name, sizeof name - 1) != 0 || name[0] == '\0') return "localhost";
        return name;
    }

    timestamp now() const { return clock_ ? clock_() : std::chrono::system_clock::now(); }

    /// Gives `r` up (`state`), keeping the first failure's message. Never throws.
    void fail(run& r, run_state state, std::string_view what, int reason) noexcept {
        r.state = state;
        if (!first_error_.empty()) return;
        try {
            first_error_ = fmt::format("tensorboard: cannot {} {}: {}", what, r.file.string(), std::strerror(reason));
        } catch (...) {  // out of memory: the failure is still counted
        }
    }

    /// The run of `stream`, made at its first sample; null only when making it threw (memory).
    run* run_of(std::string_view stream) noexcept {
        if (!options_.run_per_stream) return runs_.front().get();
        if (last_ != nullptr && last_->label == stream) return last_;
        for (const auto& r : runs_) {
            if (r->label == stream) return last_ = r.get();
        }
        try {
            std::string name = path_component(stream);
            const std::string base = name;
            for (int k = 2; taken(name); ++k) name = fmt::format("{}-{}", base, k);
            run& made = add_run(std::string(stream), directory_ / name);
            made.directory_name = std::move(name);
            return last_ = &made;
        } catch (...) {
            return nullptr;
        }
    }

    bool taken(std::string_view name) const noexcept {
        for (const auto& r : runs_) {
            if (r->directory_name == name) return true;
        }
        return false;
    }

    /// Makes a run writing to a new event file in `directory` (created if missing), its
    /// file_version record buffered. A failure marks it failed, with the reason.
    run& add_run(std::string label, const std::filesystem::path& directory) {
        runs_.push_back(std::make_unique<run>());
        run& r = *runs_.back();
        r.label = std::move(label);
        std::error_code ec;
        std::filesystem::create_directories(directory, ec);
        const timestamp created = now();
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(created.time_since_epoch()).count();
        const std::string base = fmt::format("events.out.tfevents.{:010}.{}", seconds, options_.host);
        int reason = ec ? ec.value() : 0;
        if (!ec) make_room();
        for (int k = 0; !ec && k < 100; ++k) {
            r.file = directory / (k == 0 ? base : fmt::format("{}.{}", base, k));
            r.fd = ::open(r.file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
            reason = r.fd < 0 ? errno : 0;
            if (reason != EEXIST) break;
        }
        if (r.fd < 0) {
            r.file = directory / base;
            fail(r, run_state::cannot_create, "create", reason);
            return r;
        }
        ++open_files_;
        r.last_use = ++use_clock_;
        format_.append_file_version(r.pending, created);
        return r;
    }

    void count_lost(const run* r, std::uint64_t samples) noexcept {
        if (r != nullptr && r->state == run_state::cannot_create) {
            failed_creates_ += samples;
        } else {
            failed_writes_ += samples;
        }
    }

    /// Closes the least recently used open file (its records written out first) when
    /// `max_open_files` are open. Never throws.
    void make_room() noexcept {
        while (open_files_ >= options_.max_open_files) {
            run* oldest = nullptr;
            for (const auto& r : runs_) {
                if (r->fd >= 0 && (oldest == nullptr || r->last_use < oldest->last_use)) oldest = r.get();
            }
            if (oldest == nullptr) return;
            close_file(*oldest);
        }
    }

    /// Writes out `r`'s records and closes its file; a run still open reopens it when it writes
    /// out again. Never throws.
    void close_file(run& r) noexcept {
        if (r.fd < 0) return;
        if (r.state == run_state::open && r.pending.size() != 0) write_out(r);
        if (r.fd < 0) return;  // write_out gave it up (and closed it)
        if (::close(r.fd) != 0 && r.state == run_state::open) fail(r, run_state::write_failed, "close", errno);
        r.fd = -1;
        --open_files_;
    }

    /// Reopens `r`'s file for appending (after make_room); false, the run given up, when it cannot.
    bool reopen(run& r) noexcept {
        make_room();
        for (;;) {
            r.fd = ::open(r.file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC | O_NOCTTY);
            if (r.fd >= 0 || errno != EINTR) break;
        }
        if (r.fd < 0) {
            fail(r, run_state::write_failed, "reopen", errno);
            return false;
        }
        ++open_files_;
        ++reopens_;
        r.last_use = ++use_clock_;
        return true;
    }

    /// Writes `r`'s buffered records to its file (reopened if it was closed); on failure counts
    /// their samples lost and gives the file up (closing it).
    void write_out(run& r) noexcept {
        if (r.fd < 0 && r.state == run_state::open && !reopen(r)) {
            failed_writes_ += r.pending_samples;
            r.pending.clear();
            r.pending_samples = 0;
            return;
        }
        const char* data = r.pending.data();
        std::size_t left = r.pending.size();
        while (left > 0 && r.fd >= 0) {
            const ssize_t n = ::write(r.fd, data, left);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) {
                failed_writes_ += r.pending_samples;
                fail(r, run_state::write_failed, "write", n < 0 ? errno : EIO);
                ::close(r.fd);  // given up: its descriptor is not kept
                r.fd = -1;
                --open_files_;
                break;
            }
            data += n;
            left -= static_cast<std::size_t>(n);
        }
        r.pending.clear();
        r.pending_samples = 0;
    }

    void write_out_all() noexcept {
        for (const auto& r : runs_) {
            if (r->state == run_state::open && r->pending.size() != 0) write_out(*r);
        }
    }

    void close_files() noexcept {
        write_out_all();
        for (const auto& r : runs_) {
            if (r->fd >= 0 && ::close(r->fd) != 0 && r->state == run_state::open) {
                fail(*r, run_state::write_failed, "close", errno);
            }
            r->fd = -1;
            if (r->state == run_state::open) r->state = run_state::closed;  // later samples are lost
        }
        open_files_ = 0;
    }

    void throw_if_failed() const {
        if (!first_error_.empty()) LOGMETRICS_THROW(error(errc::io_error, first_error_));
    }

    std::filesystem::path directory_;
    tensorboard_options options_;
    clock_function clock_;
    tensorboard_format format_;
    std::vector<std::unique_ptr<run>> runs_;
    run* last_ = nullptr;  // the run of the last sample (per-stream runs)
    timestamp last_write_out_{};
    std::uint64_t use_clock_ = 0;  // counts samples and opens, for last_use
    std::size_t open_files_ = 0;   // runs whose fd is open
    std::uint64_t reopens_ = 0;
    std::uint64_t failed_writes_ = 0;
    std::uint64_t failed_creates_ = 0;
    std::string first_error_;
};

static_assert(batch_metric_sink<tensorboard_sink> && ticking_sink<tensorboard_sink> &&
              closable_sink<tensorboard_sink> && drop_counting_sink<tensorboard_sink>);

LOGMETRICS_END_NAMESPACE
