// SPDX-License-Identifier: MIT
// logmetrics: the command-line tool.
//
//     logmetrics scan --definitions metrics.json [options] [FILE...]
//
// reads training logs (files in order, or stdin), turns their lines into metric samples with
// SageMaker metric definitions, writes the samples to stdout (JSON Lines, CSV, a table, or
// nothing) and a summary to stderr. Each input is its own stream, with its own monitor (line
// numbers restart at 1); all of them share one compiled matcher and the same sinks.

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <ostream>
#include <span>
#include <streambuf>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include <logmetrics/definition.hpp>
#include <logmetrics/definitions_json.hpp>
#include <logmetrics/error.hpp>
#include <logmetrics/framer.hpp>
#include <logmetrics/matchers/pcre2.hpp>
#include <logmetrics/monitor.hpp>
#include <logmetrics/sample.hpp>
#include <logmetrics/sink.hpp>
#include <logmetrics/sinks/csv.hpp>
#include <logmetrics/sinks/jsonl.hpp>
#include <logmetrics/sinks/memory_store.hpp>
#include <logmetrics/sinks/null.hpp>
#include <logmetrics/version.hpp>
// Defined to 1 by the logmetrics::hyperscan CMake target.
#if defined(LOGMETRICS_HAS_HYPERSCAN) && LOGMETRICS_HAS_HYPERSCAN
#define LOGMETRICS_CLI_HYPERSCAN 1
#include <logmetrics/matchers/hyperscan.hpp>
#else
#define LOGMETRICS_CLI_HYPERSCAN 0
#endif

namespace {

namespace lm = logmetrics;

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;  // I/O errors, sink failures
constexpr int exit_usage = 2;    // bad options, bad definitions

#if LOGMETRICS_CLI_HYPERSCAN
constexpr bool have_hyperscan = true;
#else
constexpr bool have_hyperscan = false;
#endif

constexpr std::size_t read_chunk_size = 256 * 1024;
constexpr std::size_t stdout_buffer_size = 1024 * 1024;

std::string version_string() {
    return std::to_string(LOGMETRICS_VERSION_MAJOR) + "." + std::to_string(LOGMETRICS_VERSION_MINOR) + "." +
           std::to_string(LOGMETRICS_VERSION_PATCH);
}

/// Prints `logmetrics: <text>` on stderr.
void complain(std::string_view text) {
    std::fprintf(stderr, "logmetrics: %.*s\n", static_cast<int>(text.size()), text.data());
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

/// A stream buffer writing to a file descriptor through a large buffer with write(2). It keeps
/// the first write error (errno) instead of hiding it: the stream goes bad, the sinks writing to
/// it throw, and the exit status says so.
class fd_buffer final : public std::streambuf {
public:
    fd_buffer(int fd, std::size_t size) : fd_(fd), buffer_(size) { reset(); }
    fd_buffer(const fd_buffer&) = delete;
    fd_buffer& operator=(const fd_buffer&) = delete;
    ~fd_buffer() override { drain(); }

    /// The errno of the first failed write, 0 when all went well.
    int error() const noexcept { return error_; }

protected:
    int_type overflow(int_type ch) override {
        if (!drain()) return traits_type::eof();
        if (!traits_type::eq_int_type(ch, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(ch);
            pbump(1);
        }
        return traits_type::not_eof(ch);
    }

    std::streamsize xsputn(const char* text, std::streamsize count) override {
        std::streamsize done = 0;
        while (done < count) {
            if (pptr() == epptr() && !drain()) return done;
            const std::streamsize room = epptr() - pptr();
            const std::streamsize take = std::min(room, count - done);
            std::memcpy(pptr(), text + done, static_cast<std::size_t>(take));
            pbump(static_cast<int>(take));
            done += take;
        }
        return done;
    }

    int sync() override { return drain() ? 0 : -1; }

private:
    void reset() noexcept { setp(buffer_.data(), buffer_.data() + buffer_.size()); }

    bool drain() noexcept {
        const char* data = pbase();
        auto left = static_cast<std::size_t>(pptr() - pbase());
        reset();
        if (error_ != 0) return false;
        while (left > 0) {
            const ssize_t written = ::write(fd_, data, left);
            if (written < 0) {
                if (errno == EINTR) continue;
                error_ = errno;
                return false;
            }
            data += written;
            left -= static_cast<std::size_t>(written);
        }
        return true;
    }

    int fd_;
    std::vector<char> buffer_;
    int error_ = 0;
};

/// Values as people read them: six significant digits, integers exact, "nan" whatever its sign.
std::string human_value(double value, lm::value_type type = lm::value_type::real, std::int64_t integer = 0) {
    if (type == lm::value_type::integer) return std::to_string(integer);
    if (std::isnan(value)) return "nan";
    if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", value);
    return text;
}

void put_padded(std::ostream& out, std::string_view text, std::size_t width, bool right) {
    const std::size_t pad = text.size() < width ? width - text.size() : 0;
    if (right) out << std::string(pad, ' ');
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (!right) out << std::string(pad, ' ');
}

/// `--format table`: samples as aligned rows (line, metric, value, step), then, from the memory
/// store, the final value and statistics of each metric.
class table_sink {
public:
    static constexpr std::size_t line_width = 6;
    static constexpr std::size_t value_width = 12;
    static constexpr std::size_t step_width = 5;
    static constexpr std::size_t count_width = 5;

    table_sink(std::ostream& out, std::size_t metric_width, bool label_streams)
        : out_(&out), metric_width_(metric_width), label_streams_(label_streams) {
        put_padded(*out_, "line", line_width, true);
        *out_ << "  ";
        put_padded(*out_, "metric", metric_width_, false);
        *out_ << "  ";
        put_padded(*out_, "value", value_width, true);
        *out_ << "  ";
        put_padded(*out_, "step", step_width, true);
        *out_ << '\n'
              << rule(line_width) << "  " << rule(metric_width_) << "  " << rule(value_width) << "  "
              << rule(step_width) << '\n';
    }

    void write(const lm::sample& s) { write(std::span<const lm::sample>(&s, 1)); }

    void write(std::span<const lm::sample> batch) {
        for (const lm::sample& s : batch) {
            put_padded(*out_, std::to_string(s.line), line_width, true);
            *out_ << "  ";
            put_padded(*out_, s.name, metric_width_, false);
            *out_ << "  ";
            put_padded(*out_, human_value(s.value, s.type, s.integer), value_width, true);
            *out_ << "  ";
            put_padded(*out_, std::to_string(s.step), step_width, true);
            *out_ << '\n';
            ++rows_;
        }
        check();
    }

    void flush() {
        out_->flush();
        check();
    }

    /// Called before each input is read: with several inputs, a heading names the stream.
    void begin_stream(std::string_view label) {
        if (!label_streams_) return;
        *out_ << "==> " << label << " <==\n";
        check();
    }

    /// The "final values" table: per metric (in definition order) its last value, count, min, max.
    void write_final(const lm::memory_store& store, const std::vector<std::string>& metrics) {
        if (rows_ == 0) *out_ << "(no samples)\n";
        *out_ << "\nfinal values\n";
        put_padded(*out_, "metric", metric_width_, false);
        *out_ << "  ";
        put_padded(*out_, "last value", value_width, true);
        *out_ << "  ";
        put_padded(*out_, "count", count_width, true);
        *out_ << "  ";
        put_padded(*out_, "min", value_width, true);
        *out_ << "  ";
        put_padded(*out_, "max", value_width, true);
        *out_ << '\n'
              << rule(metric_width_) << "  " << rule(value_width) << "  " << rule(count_width) << "  "
              << rule(value_width) << "  " << rule(value_width) << '\n';
        for (const std::string& name : metrics) {
            const auto last = store.last_point(name);
            auto shown = [](std::optional<double> v) { return v ? human_value(*v) : std::string("-"); };
            put_padded(*out_, name, metric_width_, false);
            *out_ << "  ";
            put_padded(*out_, last ? human_value(last->value, last->type, last->integer) : "-", value_width, true);
            *out_ << "  ";
            put_padded(*out_, std::to_string(store.count(name)), count_width, true);
            *out_ << "  ";
            put_padded(*out_, shown((store.min)(name)), value_width, true);
            *out_ << "  ";
            put_padded(*out_, shown((store.max)(name)), value_width, true);
            *out_ << '\n';
        }
        flush();
    }

private:
    static std::string rule(std::size_t width) { return std::string(width, '-'); }

    void check() const {
        if (!*out_) throw lm::error(lm::errc::io_error, "cannot write the table to stdout");
    }

    std::ostream* out_;
    std::size_t metric_width_;
    bool label_streams_;
    std::uint64_t rows_ = 0;
};

// ---------------------------------------------------------------------------------------------
// The scan command
// ---------------------------------------------------------------------------------------------

struct scan_options {
    std::string definitions_path;
    std::string mode = "sagemaker";
    std::string engine = have_hyperscan ? "hyperscan" : "pcre2";
    bool engine_given = false;
    std::string format = "jsonl";
    std::string final_path;
    std::size_t max_line_length = 256 * 1024;
    bool no_limits = false;
    std::string stream_label;
    bool stream_given = false;
    bool quiet = false;
    std::vector<std::string> files;
};

struct input {
    std::string path;   // "-" for stdin
    std::string label;  // the stream label samples carry
    bool is_stdin() const noexcept { return path == "-"; }
};

/// Everything a scan needs once the options are checked and the definitions loaded.
struct scan_job {
    const scan_options& options;
    lm::definition_set definitions;
    lm::framing_options framing;
    std::vector<input> inputs;
};

/// What the summary reports of one definition, summed over the streams.
struct definition_totals {
    std::uint64_t samples = 0;
    std::uint64_t rejected = 0;
    std::uint64_t match_errors = 0;
    bool has_example = false;
    std::string example;
    std::string example_stream;
    std::uint64_t example_line = 0;
};

struct run_totals {
    explicit run_totals(std::size_t definitions) : per_definition(definitions) {}

    template <class Monitor>
    void add(const Monitor& monitor, const std::string& label) {
        const lm::monitor_stats s = monitor.stats();
        all.bytes += s.bytes;
        all.lines += s.lines;
        all.cut_lines += s.cut_lines;
        all.samples += s.samples;
        all.rejected += s.rejected;
        all.match_errors += s.match_errors;
        all.sink_errors += s.sink_errors;
        for (std::size_t i = 0; i < per_definition.size(); ++i) {
            const lm::definition_stats& d = monitor.stats(i);
            definition_totals& t = per_definition[i];
            t.samples += d.samples;
            t.rejected += d.rejected;
            t.match_errors += d.match_errors;
            if (!t.has_example && d.rejected > 0) {
                t.has_example = true;
                t.example = d.rejected_example;
                t.example_stream = label;
                t.example_line = d.rejected_example_line;
            }
        }
        ++streams;
    }

    lm::monitor_stats all;
    std::vector<definition_totals> per_definition;
    std::size_t streams = 0;
};

/// `text` in double quotes, with control bytes, quotes and backslashes escaped, for messages.
std::string quote_text(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += ch;
        } else if (c < 0x20 || c == 0x7F) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(c));
            out += escaped;
        } else {
            out += ch;
        }
    }
    out += '"';
    return out;
}

std::string human_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    auto value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(units)) {
        value /= 1024;
        ++unit;
    }
    char text[48];
    if (unit == 0)
        std::snprintf(text, sizeof text, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(text, sizeof text, "%.1f %s", value, units[unit]);
    return text;
}

/// The summary on stderr: per definition, then totals.
void print_summary(const scan_job& job, const run_totals& totals, const std::vector<std::string>& plans,
                   std::string_view engine, double compile_seconds, double scan_seconds) {
    const auto& definitions = job.definitions;
    std::size_t name_width = 10;  // "definition"
    for (const auto& d : definitions) name_width = std::max(name_width, std::min<std::size_t>(d.name.size(), 40));
    std::string out;
    char cell[64];
    auto pad = [&out](std::string_view text, std::size_t width, bool right) {
        const std::size_t fill = text.size() < width ? width - text.size() : 0;
        if (right) out.append(fill, ' ');
        out.append(text);
        if (!right) out.append(fill, ' ');
    };
    auto number = [&cell](std::uint64_t n) {
        std::snprintf(cell, sizeof cell, "%llu", static_cast<unsigned long long>(n));
        return std::string(cell);
    };

    out += "logmetrics: scanned " + number(totals.streams) + (totals.streams == 1 ? " stream" : " streams") +
           " with the " + std::string(engine) + " engine in " + job.options.mode + " mode\n";
    pad("#", 4, true);
    out += "  ";
    pad("definition", name_width, false);
    out += "  ";
    pad("samples", 9, true);
    out += "  ";
    pad("rejected", 9, true);
    out += '\n';
    const std::string indent(4 + 2 + name_width + 2 + 9 + 2 + 9 + 2, ' ');
    for (std::size_t i = 0; i < definitions.size(); ++i) {
        const definition_totals& t = totals.per_definition[i];
        std::vector<std::string> notes;
        if (t.has_example) {
            std::string where = "line " + number(t.example_line);
            if (totals.streams > 1) where += " of " + t.example_stream;
            notes.push_back("first rejected: " + quote_text(t.example) + " on " + where);
        }
        if (t.match_errors > 0) {
            notes.push_back(number(t.match_errors) + " match error" + (t.match_errors == 1 ? "" : "s") +
                            " (the regex engine gave up on the line)");
        }
        if (!plans[i].empty()) notes.push_back(plans[i]);

        pad(number(i), 4, true);
        out += "  ";
        pad(definitions[i].name, name_width, false);
        out += "  ";
        pad(number(t.samples), 9, true);
        out += "  ";
        pad(number(t.rejected), 9, true);
        for (std::size_t n = 0; n < notes.size(); ++n) {
            if (n > 0)
                out += '\n' + indent;
            else
                out += "  ";
            out += notes[n];
        }
        out += '\n';
    }
    const lm::monitor_stats& all = totals.all;
    out += "total: " + number(all.bytes) + " bytes (" + human_bytes(all.bytes) + "), " + number(all.lines) +
           " lines, " + number(all.cut_lines) + " cut lines, " + number(all.samples) + " samples, " +
           number(all.rejected) + " rejected, ";
    if (all.match_errors > 0) out += number(all.match_errors) + " match errors, ";
    out += number(all.sink_errors) + " sink errors\n";
    std::snprintf(cell, sizeof cell, "time: %.3f s to compile, %.3f s to scan", compile_seconds, scan_seconds);
    out += cell;
    if (all.bytes > 0 && scan_seconds > 0) {
        out += " (" + human_bytes(static_cast<std::uint64_t>(static_cast<double>(all.bytes) / scan_seconds)) + "/s)";
    }
    out += '\n';
    std::fwrite(out.data(), 1, out.size(), stderr);
}

/// The sinks every stream writes to: slot 0 is what stdout shows, slot 1 the memory store (kept
/// for `--final` and the table's final values; a null sink when neither is asked for, so a
/// `--format none` benchmark does not hold every sample in memory).
class outputs {
public:
    static constexpr const char* slot_names[2] = {"writing samples to stdout", "the memory store"};

    explicit outputs(const scan_job& job)
        : job_(job), stdout_buffer_(STDOUT_FILENO, stdout_buffer_size), stdout_(&stdout_buffer_) {}

    /// Opens the --final file and makes the sinks; false (after saying why) on failure.
    bool open() {
        const scan_options& options = job_.options;
        if (!options.final_path.empty() && options.final_path != "-") {
            final_file_.open(options.final_path, std::ios::binary | std::ios::trunc);
            if (!final_file_) {
                complain("cannot write " + options.final_path + ": " + std::strerror(errno));
                return false;
            }
        }
        const bool want_store = !options.final_path.empty() || options.format == "table";
        store_ = want_store ? lm::any_sink(lm::memory_store{}) : lm::any_sink(lm::null_sink{});
        if (options.format == "jsonl") {
            writer_ = lm::any_sink(lm::jsonl_sink(stdout_));
        } else if (options.format == "csv") {
            writer_ = lm::any_sink(lm::csv_sink(stdout_));
        } else if (options.format == "table") {
            std::size_t metric_width = 6;
            for (const auto& name : job_.definitions.metric_names()) {
                metric_width = std::max(metric_width, std::min<std::size_t>(name.size(), 48));
            }
            writer_ = lm::any_sink(table_sink(stdout_, metric_width, job_.inputs.size() > 1));
        } else {
            writer_ = lm::any_sink(lm::null_sink{});
        }
        return true;
    }

    lm::any_sink& writer() noexcept { return *writer_; }

    /// Tells the writer that the next samples come from a new stream (the table names it).
    void begin_stream(const input& in) {
        if (auto* table = writer_->target<table_sink>()) {
            try {
                table->begin_stream(in.path == "-" ? "stdin" : in.path);
            } catch (const std::exception&) {  // stdout failed: the next write reports it
            }
        }
    }
    lm::any_sink& store() noexcept { return *store_; }

    /// The monitors' sink error handler: says what failed the first time, counts the rest.
    std::function<void(const lm::sink_error&)> error_handler() {
        return [this](const lm::sink_error& e) {
            // A failing stdout is reported once, with its errno, by finish().
            if (e.sink == 0 && stdout_failed()) return;
            if (e.sink < 2 && !reported_[e.sink]) {
                reported_[e.sink] = true;
                complain(std::string(slot_names[e.sink]) + " failed: " + std::string(e.message) +
                         " (further errors are only counted)");
            }
        };
    }

    /// Whether writing to stdout failed (closed, full, a pipe nobody reads): scanning stops.
    bool stdout_failed() const noexcept { return stdout_buffer_.error() != 0; }

    /// Writes the table's final values and the --final JSON; returns false on a write failure.
    bool finish() {
        bool ok = true;
        auto* store = store_->target<lm::memory_store>();
        if (job_.options.format == "table" && store && !stdout_failed()) {
            try {
                writer_->target<table_sink>()->write_final(*store, job_.definitions.metric_names());
            } catch (const std::exception&) {
                ok = false;  // the buffer's errno is reported below
            }
        }
        if (!job_.options.final_path.empty() && store) {
            std::ostream& out = job_.options.final_path == "-" ? stdout_ : final_file_;
            store->write_final_metrics(out);
            out << '\n';
            out.flush();
            if (&out == &final_file_) {
                final_file_.close();
                if (!final_file_) {
                    complain("cannot write " + job_.options.final_path + ": " + std::strerror(errno));
                    ok = false;
                }
            }
        }
        stdout_.flush();
        if (stdout_buffer_.error() != 0) {
            complain(std::string("cannot write to stdout: ") + std::strerror(stdout_buffer_.error()));
            ok = false;
        }
        return ok;
    }

private:
    const scan_job& job_;
    fd_buffer stdout_buffer_;
    std::ostream stdout_;
    std::ofstream final_file_;
    std::optional<lm::any_sink> writer_;
    std::optional<lm::any_sink> store_;
    bool reported_[2] = {false, false};
};

/// Reads `fd` to its end in large chunks and feeds the monitor; returns 0 or the read's errno.
/// Stops early when stdout has failed: nobody would see the rest.
template <class Monitor>
int feed_all(int fd, Monitor& monitor, std::vector<char>& buffer, const outputs& out) {
    for (;;) {
        const ssize_t got = ::read(fd, buffer.data(), buffer.size());
        if (got > 0) {
            monitor.feed(std::string_view(buffer.data(), static_cast<std::size_t>(got)));
            if (out.stdout_failed()) return 0;
        } else if (got == 0) {
            return 0;
        } else if (errno != EINTR) {
            return errno;
        }
    }
}

/// How the engine runs each definition, for the summary (only Hyperscan has plans to show).
template <class Matcher>
std::vector<std::string> describe_plans(const Matcher& matcher) {
    std::vector<std::string> plans(matcher.definitions().size());
#if LOGMETRICS_CLI_HYPERSCAN
    if constexpr (std::is_same_v<Matcher, lm::hyperscan_matcher>) {
        for (std::size_t i = 0; i < plans.size(); ++i) {
            if (matcher.plan(i) == lm::hyperscan_plan::exact || matcher.plan(i) == lm::hyperscan_plan::filter) continue;
            plans[i] = "runs as " + std::string(lm::to_string(matcher.plan(i)));
            if (!matcher.plan_reason(i).empty()) plans[i] += ": " + matcher.plan_reason(i);
        }
    }
#endif
    return plans;
}

/// The scan loop, for one engine: compile once, then one monitor per input, all writing to the
/// same sinks. Throws logmetrics::error only while compiling (before any output).
template <class Engine>
int scan_with(const Engine& engine, std::string_view engine_name, const scan_job& job) {
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    const auto matcher = lm::compile(job.definitions, engine);
    const std::vector<std::string> plans = describe_plans(*matcher);
    const auto compiled = clock::now();

    outputs out(job);
    if (!out.open()) return exit_failure;

    int status = exit_ok;
    run_totals totals(job.definitions.size());
    std::vector<char> buffer(read_chunk_size);
    for (const input& in : job.inputs) {
        const int fd = in.is_stdin() ? STDIN_FILENO : ::open(in.path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            complain("cannot read " + in.path + ": " + std::strerror(errno));
            status = exit_failure;
            continue;
        }
        if (!in.is_stdin()) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);

        out.begin_stream(in);
        lm::monitor_options options;
        options.framing = job.framing;
        options.stream = in.label;
        options.on_sink_error = out.error_handler();
        auto monitor = lm::make_monitor(matcher, std::move(options), out.writer(), out.store());
        const int read_error = feed_all(fd, monitor, buffer, out);
        monitor.finish();
        if (!in.is_stdin()) ::close(fd);
        if (read_error != 0) {
            complain("cannot read " + (in.is_stdin() ? std::string("stdin") : in.path) + ": " +
                     std::strerror(read_error));
            status = exit_failure;
        }
        totals.add(monitor, in.label);
        if (out.stdout_failed()) break;
    }

    if (!out.finish()) status = exit_failure;
    if (totals.all.sink_errors > 0) status = exit_failure;
    if (!job.options.quiet) {
        const std::chrono::duration<double> compiling = compiled - started, scanning = clock::now() - compiled;
        print_summary(job, totals, plans, engine_name, compiling.count(), scanning.count());
    }
    return status;
}

/// Loads the definitions; on failure says why and returns the exit status.
std::optional<lm::definition_set> load(const scan_options& options, int& status) {
    const lm::definition_limits limits =
        options.no_limits ? lm::definition_limits::unlimited() : lm::definition_limits::sagemaker();
    try {
        return lm::load_definitions(options.definitions_path, limits);
    } catch (const lm::definition_error& e) {
        for (const lm::definition_problem& p : e.problems()) {
            std::string text = options.definitions_path + ": MetricDefinitions[" + std::to_string(p.index) + "]";
            if (!p.name.empty()) text += " \"" + p.name + "\"";
            complain(text + ": " + p.message);
        }
        if (e.problems().empty()) complain(options.definitions_path + ": " + e.message());
        status = exit_usage;
    } catch (const lm::error& e) {
        // load_definitions puts the path in invalid_json messages already.
        complain(e.message());
        status = e.code() == lm::errc::io_error ? exit_failure : exit_usage;
    }
    return std::nullopt;
}

int run_scan(const scan_options& options) {
    if (options.engine == "hyperscan" && !have_hyperscan) {
        complain("--engine hyperscan: this logmetrics was built without Hyperscan; use --engine pcre2");
        return exit_usage;
    }
    int status = exit_ok;
    auto definitions = load(options, status);
    if (!definitions) return status;

    scan_job job{options, std::move(*definitions), {}, {}};
    job.framing.max_line_length = options.max_line_length;
    job.framing.mode = options.mode == "raw"        ? lm::framing_mode::raw
                       : options.mode == "terminal" ? lm::framing_mode::terminal
                                                    : lm::framing_mode::sagemaker;
    std::vector<std::string> files = options.files;
    if (files.empty()) files.emplace_back("-");
    for (const std::string& path : files) {
        input in{path, options.stream_given ? options.stream_label : path == "-" ? "stdin" : path};
        job.inputs.push_back(std::move(in));
    }

    try {
#if LOGMETRICS_CLI_HYPERSCAN
        if (options.engine == "hyperscan") {
            try {
                return scan_with(lm::hyperscan_engine{}, "hyperscan", job);
            } catch (const lm::error& e) {
                if (e.code() != lm::errc::engine_unavailable || options.engine_given) throw;
                complain(e.message() + " (falling back to the pcre2 engine)");
            }
        }
#endif
        return scan_with(lm::pcre2_engine{}, "pcre2", job);
    } catch (const lm::error& e) {
        complain(e.message());
        return exit_failure;
    }
}

// ---------------------------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------------------------

constexpr const char* help_footer = R"(Modes (--mode): how bytes become lines before the regexes run.
  sagemaker  (default) Lines end at \n. Every other control byte is written as '#' and three
             octal digits (TAB -> #011, CR -> #015, ESC -> #033), as SageMaker's log pipeline
             does, so definitions written against CloudWatch text match here the same way.
  terminal   For your own logs: \n, \r and \r\n each end a line (every tqdm or Keras progress
             update becomes a line) and ANSI escape sequences (colours) are removed.
  raw        Lines end at \n; every other byte, \r included, is kept as it is.

Values: capture group 1 of the first match of a definition's Regex in a line is the value. After
trimming ASCII spaces it must be
    [+-]? ( digits [. digits] | . digits ) ( [eE] [+-]? digits )?
or  [+-]? ( nan | inf | infinity )   (any case).
Anything else ("3.14#011", "1,000", "0x1p3", "5.", "") is rejected: counted and shown in the
summary, never a sample.

Engines (--engine): hyperscan scans each line once for all definitions and lets PCRE2 extract
the captures; pcre2 runs every definition's regex on every line. Both give the same samples.

Exit status: 0 success, 1 an input could not be read or output could not be written, 2 bad
options or bad metric definitions.

Example:
  logmetrics scan --definitions examples/data/metrics.json --format table examples/data/train.log)";

void add_scan_command(CLI::App& app, scan_options& options) {
    CLI::App* scan =
        app.add_subcommand("scan", "Read training logs and write the metric samples the definitions find in them");
    scan->footer(help_footer);

    scan->add_option("-d,--definitions", options.definitions_path,
                     "SageMaker metric definitions (JSON): a list of\n"
                     "{\"Name\", \"Regex\"} objects, an object with \"MetricDefinitions\",\n"
                     "or a CreateTrainingJob request")
        ->required()
        ->type_name("FILE");
    scan->add_option("-m,--mode", options.mode, "How bytes become lines: sagemaker, terminal or raw\n(see Modes below)")
        ->check(CLI::IsMember({"sagemaker", "terminal", "raw"}))
        ->type_name("MODE")
        ->capture_default_str();
    scan->add_option("-e,--engine", options.engine,
                     std::string("Regex engine: hyperscan or pcre2 (default: ") +
                         (have_hyperscan ? "hyperscan)" : "pcre2;\nthis build has no Hyperscan)"))
        ->check(CLI::IsMember({"hyperscan", "pcre2"}))
        ->type_name("ENGINE");
    scan->add_option("-f,--format", options.format,
                     "What stdout shows:\n"
                     "  jsonl  a JSON object per sample: line, name, value,\n"
                     "         step, timestamp, stream\n"
                     "  csv    timestamp,metric_name,value,step,line\n"
                     "  table  aligned samples, then each metric's last value,\n"
                     "         count, min and max\n"
                     "  none   nothing (the summary still counts)")
        ->check(CLI::IsMember({"jsonl", "csv", "table", "none"}))
        ->type_name("FORMAT")
        ->capture_default_str();
    scan->add_option("--final", options.final_path,
                     "Also write each metric's last value to FILE ('-': stdout)\n"
                     "as SageMaker's FinalMetricDataList JSON:\n"
                     "[{\"MetricName\", \"Value\", \"Timestamp\"}]")
        ->type_name("FILE");
    scan->add_option("--max-line-length", options.max_line_length,
                     "Longest line matched in one piece (at least 4); longer\n"
                     "lines are matched in pieces of this size (cut lines)")
        ->check(CLI::Range(std::size_t{4}, std::size_t{1} << 40).description(""))
        ->type_name("BYTES")
        ->capture_default_str();
    scan->add_flag("--no-limits", options.no_limits,
                   "Lift SageMaker's limits on definitions (40 definitions,\n"
                   "255-character names, 500-character regexes)");
    scan->add_option("--stream", options.stream_label,
                     "The stream label samples carry (default: the file's\npath, or \"stdin\")")
        ->type_name("LABEL");
    scan->add_flag("-q,--quiet", options.quiet, "Do not print the summary on stderr");
    scan->add_option("files", options.files,
                     "Log files, read in order; each is its own stream, with\n"
                     "line numbers from 1. None, or '-': stdin")
        ->type_name("FILE");

    scan->callback([scan, &options] {
        options.engine_given = scan->count("--engine") > 0;
        options.stream_given = scan->count("--stream") > 0;
    });
}

}  // namespace

int main(int argc, char** argv) {
    std::ios_base::sync_with_stdio(false);
    // A closed pipe on stdout is a write error like any other (exit status 1), not a signal.
    std::signal(SIGPIPE, SIG_IGN);

    CLI::App app(
        "logmetrics " + version_string() + ": turn training-log lines into metrics with SageMaker metric definitions",
        "logmetrics");
    app.footer(help_footer);
    app.set_version_flag("--version", "logmetrics " + version_string());
    app.require_subcommand(0, 1);

    scan_options scan;
    add_scan_command(app, scan);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e);
        return code == 0 ? exit_ok : exit_usage;
    }

    try {
        if (app.got_subcommand("scan")) return run_scan(scan);
        std::cout << app.help() << std::flush;
        return exit_ok;
    } catch (const std::exception& e) {
        complain(std::string("unexpected error: ") + e.what());
        return exit_failure;
    }
}
