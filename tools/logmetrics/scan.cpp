// SPDX-License-Identifier: MIT
// logmetrics scan --definitions metrics.json [options] [FILE...]
//
// Reads training logs (files in order, or stdin), turns their lines into metric samples with
// SageMaker metric definitions, writes the samples to the outputs and a summary to stderr. Each
// input is its own stream, with its own monitor (line numbers restart at 1); all of them share
// one compiled matcher and the same sinks.

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <logmetrics/definition.hpp>
#include <logmetrics/definitions_json.hpp>
#include <logmetrics/error.hpp>
#include <logmetrics/framer.hpp>

#include "command.hpp"
#include "fd_io.hpp"
#include "options.hpp"
#include "output_kinds.hpp"
#include "outputs.hpp"
#include "pipeline.hpp"
#include "progress.hpp"
#include "signals.hpp"
#include "summary.hpp"
#include "text.hpp"

namespace logmetrics::cli {

namespace {

constexpr std::size_t read_chunk_size = 256 * 1024;
constexpr std::size_t stdout_buffer_size = 1024 * 1024;

struct input {
    std::string path;   // "-" for stdin
    std::string label;  // the stream label samples carry
    bool is_stdin() const noexcept { return path == "-"; }
    std::string name() const { return is_stdin() ? "stdin" : path; }
};

/// The names, escaped where needed (text.hpp's printable_name), joined by ", ".
std::string printable_names(const std::vector<std::string>& names) {
    std::vector<std::string> shown;
    for (const std::string& name : names) shown.push_back(printable_name(name));
    return fmt::format("{}", fmt::join(shown, ", "));
}

/// A problem of the definitions as the command line puts it: the limit the library's
/// `definition_limits::unlimited()` lifts is lifted here by --no-limits.
std::string problem_text(definition_problem problem) {
    constexpr std::string_view library_words = "which unlimited limits lift";
    if (const std::size_t at = problem.message.find(library_words); at != std::string::npos) {
        problem.message.replace(at, library_words.size(), "which --no-limits lifts");
    }
    return to_string(problem);
}

/// Loads the definitions; on failure says why and returns the exit status: 2, a definitions file
/// that cannot be read being a bad option like one that is not valid.
std::optional<definition_set> load(const scan_options& options, int& status) {
    const std::string& path = options.definitions_path;
    status = exit_usage;
    const definition_limits limits =
        options.no_limits ? definition_limits::unlimited() : definition_limits::sagemaker();
    if (path == "-") {  // the definitions from stdin (then no input may be stdin: run_scan checks)
        std::string text;
        std::array<char, 64 * 1024> buffer;
        const int read_error = read_all(standard_descriptor(STDIN_FILENO), buffer, [&](std::string_view chunk) {
            text.append(chunk);
            return true;
        });
        if (read_error != 0) {
            complain("cannot read the definitions from stdin: {}", std::strerror(read_error));
            return std::nullopt;
        }
        try {
            return parse_definitions(text, limits);
        } catch (const definition_error& e) {
            for (const definition_problem& p : e.problems()) complain("stdin: {}", problem_text(p));
            if (e.problems().empty()) complain("stdin: {}", e.message());
        } catch (const error& e) {
            complain("stdin: {}", e.message());
        }
        return std::nullopt;
    }
    // Asked here first: the library's message says neither why a file cannot be opened nor that
    // a directory is one (reading it gives "unexpected end of input").
    const int fd = open_for_reading(path.c_str());
    if (fd < 0) {
        complain("cannot open definitions file {:?}: {}", path, std::strerror(errno));
        return std::nullopt;
    }
    ::close(fd);
    if (const auto file = identify_path(path.c_str()); file && file->directory) {
        complain("definitions file {:?} is a directory", path);
        return std::nullopt;
    }
    try {
        return load_definitions(path, limits);
    } catch (const definition_error& e) {
        for (const definition_problem& p : e.problems()) complain("{}: {}", printable_name(path), problem_text(p));
        if (e.problems().empty()) complain("{}: {}", printable_name(path), e.message());
    } catch (const error& e) {
        // load_definitions puts the path in invalid_json messages already.
        complain(e.message());
    }
    return std::nullopt;
}

/// The outputs the options ask for: --format X, then each --output SPEC, then --final FILE.
std::vector<std::string> output_specs(const scan_options& options) {
    std::vector<std::string> specs;
    if (!options.format.empty()) specs.push_back(options.format);
    specs.insert(specs.end(), options.outputs.begin(), options.outputs.end());
    if (!options.final_path.empty()) specs.push_back("final:" + options.final_path);
    return specs;
}

/// Feeds input `fd` to its monitor to the end, and returns 0 or the errno of the read that failed.
/// From a pipe or a terminal (`python train.py | logmetrics scan ...`), every read that produced
/// samples is flushed, so they show as their lines arrive; a regular file keeps the big buffers,
/// and shows a progress line when wanted. Stops early when every output has failed (nobody would
/// see the rest; sets `all_failed`) or a stop signal came (stop_signals: a blocking read is left
/// at once).
int feed_input(int fd, std::string_view name, stream_monitor& monitor, const outputs& out, std::span<char> buffer,
               bool quiet, int stdout_fd, bool& all_failed) {
    using clock = progress_line::clock;
    const bool live = is_live_input(fd);
    const auto opened = clock::now();
    std::optional<progress_line> progress;
    if (wants_progress(quiet, STDERR_FILENO, fd, out.uses_stdout() ? stdout_fd : -1)) {
        progress.emplace(stderr, opened, terminal_columns(STDERR_FILENO));
    }
    const std::uint64_t size = progress ? file_size(fd) : 0;
    return read_all(
        fd, buffer,
        [&](std::string_view bytes) {
            const std::uint64_t before = live ? monitor.stats().samples : 0;
            monitor.feed(bytes);
            if (live && monitor.stats().samples != before) monitor.flush();
            if (progress && progress->due(clock::now())) {
                const auto now = clock::now();
                const monitor_stats s = monitor.stats();
                const std::chrono::duration<double> seconds = now - opened;
                progress->draw(format_progress({name, s.bytes, size, s.lines, s.samples, seconds.count()}), now);
            }
            if (out.all_failed()) {
                all_failed = true;
                return false;
            }
            return stop_signals::received() == 0;
        },
        stop_signals::wake_fd());  // the progress line, if any, is blanked here
}

/// What each output lost, for the summary; sets the totals' sink errors, lost samples and drops
/// from them, and `failed` when an output lost samples because delivery failed (lost samples,
/// or drops of `drop_cause::delivery_failed`): the exit status is 1 then. Drops by a format's
/// rules (NaN where the backend has none...) are only counted. The outputs are one fanout shared
/// by every stream's monitor, so its counts (the library's, per child) are taken once, here.
std::vector<output_losses> losses_of(outputs& out, monitor_stats& totals, bool& failed) {
    std::vector<output_losses> losses;
    totals.sink_errors = out.errors();
    totals.sink_lost = 0;
    totals.sink_drops = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
        totals.sink_lost += out.lost(i);
        output_losses o{std::string(out.name(i)),
                        out.errors(i),
                        {},
                        out.left_out(i),
                        out.lost(i),
                        out.errors(i) > 0 || out.lost(i) > 0 ? out.failure_reason(i) : std::string()};
        if (o.lost > 0 || out.undelivered_drops(i) > 0) failed = true;
        for (const drop_count& d : out.drops(i)) {
            if (d.count == 0) continue;  // a sink lists every reason it may drop for
            o.drops.push_back({std::string(d.reason), d.count, d.cause == drop_cause::delivery_failed});
            totals.sink_drops += d.count;
        }
        losses.push_back(std::move(o));
    }
    return losses;
}

/// Compiles once, then reads each input with its own monitor, all writing to the same outputs.
/// Throws logmetrics::error only while compiling (before any output).
int scan(const scan_options& options, const definition_set& definitions, const framing_options& framing,
         std::vector<chosen_output> chosen, const std::vector<input>& inputs) {
    using clock = std::chrono::steady_clock;
    const auto started = clock::now();
    const pipeline compiled(definitions, options.engine);
    const auto compiled_at = clock::now();

    const int stdout_fd = standard_descriptor(STDOUT_FILENO);
    outputs out(std::move(chosen), definitions.metric_names(), inputs.size() > 1, stdout_fd, stdout_buffer_size);
    try {
        out.open();
    } catch (const usage_error& e) {
        complain(e.what());
        return exit_usage;
    }

    int status = exit_ok;
    run_totals totals(definitions.size());
    std::vector<char> buffer(read_chunk_size);
    // From here on, SIGINT, SIGTERM and SIGHUP stop the reading, and the outputs are closed and
    // the summary printed as at the end of the inputs. Without the handlers (no pipe), they kill.
    (void)stop_signals::install();
    std::string stopped;  // why reading stopped early, for the summary
    for (const input& in : inputs) {
        if (stop_signals::received() != 0) break;
        errno = EBADF;  // stdin closed at start
        const int fd = in.is_stdin() ? standard_descriptor(STDIN_FILENO) : open_for_reading(in.path.c_str());
        if (fd < 0) {
            complain("cannot read {}: {}", printable_name(in.name()), std::strerror(errno));
            status = exit_failure;
            continue;
        }
        if (const auto file = identify_descriptor(fd); file && file->directory) {
            // Opening a directory succeeds; reading it fails (EISDIR). Not scanned, as a missing file.
            complain("cannot read {}: {}", printable_name(in.name()), std::strerror(EISDIR));
            if (!in.is_stdin()) ::close(fd);
            status = exit_failure;
            continue;
        }

        monitor_options monitor_options;
        monitor_options.framing = framing;
        monitor_options.stream = in.label;
        monitor_options.step_metric = options.step_metric.value_or("");
        const auto monitor = compiled.open(std::move(monitor_options), out.sink());
        bool all_failed = false;
        const int read_error = feed_input(fd, in.name(), *monitor, out, buffer, options.quiet, stdout_fd, all_failed);
        monitor->finish();
        if (!in.is_stdin()) ::close(fd);
        if (read_error != 0) {
            complain("cannot read {}: {}", printable_name(in.name()), std::strerror(read_error));
            status = exit_failure;
        }
        totals.add(monitor->stats(), monitor->per_definition(), in.label);
        if (all_failed || out.all_failed()) {
            stopped = fmt::format("reading stopped early in {} (after {} bytes): every output had failed", in.name(),
                                  monitor->stats().bytes);
            status = exit_failure;
            break;
        }
        if (stop_signals::received() != 0) break;
    }
    const int signal = stop_signals::received();
    if (signal != 0) {
        stopped = fmt::format("interrupted by {}: reading stopped early; the outputs were closed",
                              stop_signals::name(signal));
    }

    if (!out.finish()) status = exit_failure;
    bool lost = false;
    std::vector<output_losses> losses = losses_of(out, totals.all, lost);
    if (totals.all.sink_errors > 0 || lost) status = exit_failure;
    if (!options.quiet) {
        const std::chrono::duration<double> compiling = compiled_at - started, scanning = clock::now() - compiled_at;
        const summary_facts facts{definitions,
                                  compiled.plans(),
                                  to_string(compiled.engine()),
                                  to_string(options.mode),
                                  compiling.count(),
                                  scanning.count(),
                                  std::move(losses),
                                  stopped};
        const std::string text = format_summary(facts, totals);
        std::fwrite(text.data(), 1, text.size(), stderr);
    }
    stop_signals::uninstall();
    if (signal != 0) return 128 + signal;
    return status;
}

constexpr const char* help_footer = R"(Modes (--mode): how bytes become lines before the regexes run.
  sagemaker  (default) Lines end at \n. Every other control byte is written as '#' and three
             octal digits (TAB -> #011, CR -> #015, ESC -> #033), as SageMaker's log pipeline
             does, so definitions written against CloudWatch text match here the same way.
  terminal   For your own logs: \n, \r and \r\n each end a line (every tqdm or Keras progress
             update becomes a line), ANSI escape sequences (colours) are removed, and a
             backspace moves back one character as a terminal does: the next bytes overwrite,
             so "acc: 0.91\b\b\b\b0.93" reads "acc: 0.93".
  raw        Lines end at \n; every other byte, \r included, is kept as it is.

Values: capture group 1 of the first match of a definition's Regex in a line is the value. After
trimming ASCII whitespace (space, \t, \v, \f, \r) it must be
    [+-]? ( digits [ . [digits] ] | . digits ) ( [eE] [+-]? digits )?
or  [+-]? ( nan | inf | infinity )   (any case).
So "5.", "1000." and "1.E-3" are numbers, as Python's float() reads them; anything else (".",
"3.14#011", "1,000", "0x1p3", "") is rejected: counted and shown in the summary, never a sample.
That is "Type":"float" (the default; "real" is the same). A definition with "Type":"integer"
keeps values exact as 64-bit integers: the trimmed text must be [+-]? digits, within
-9223372036854775808..9223372036854775807 ("5.", "1.0", "2e3" and "nan" are rejected).

Outputs (--output, repeatable): each sample goes to every output. A spec is
KIND[:PATH][?KEY=VALUE&...]; PATH '-' (or /dev/stdout) or left out is stdout, which one output at
most may use. Outputs are opened before the scan: one that cannot be, or that is the same file as
an input, the definitions or another output, is exit 2 and nothing is truncated. --format X is
--output X, --final FILE is --output final:FILE. final: is a summary file, not a sample output:
when every output is final: and none writes to stdout, samples also go to stdout as JSON Lines;
with --final - (stdout) alone, stdout holds the FinalMetricDataList only and samples go nowhere.
--output none alone writes no samples: only the summary (on stderr) and the exit status.
  --output table --output csv:samples.csv --output final:final.json
A FIFO (named pipe) as PATH waits for a reader to open it, as '> fifo' in a shell does, saying
so on stderr. A failing output (a full disk) stops none of the others; the summary names it with
the samples it lost (those in its buffer when a write failed included). When every output has
failed, reading stops, and the summary says so.
final: holds each metric's last finite value (CloudWatch keeps no NaN or infinity); a metric
whose values were all NaN or infinite is left out of it and named in the summary.

Steps: a sample's step counts its metric's earlier samples, unless --step-metric NAME makes it
the latest value of metric NAME (e.g. epoch).

From a pipe or a terminal, samples are written as their lines arrive; on a terminal, a long
scan of a file shows its progress on stderr (not with --quiet).

Engines (--engine): hyperscan scans each block of lines once for all definitions; pcre2 skips
the definitions whose required literal a line lacks. Both read group 1 directly for the shape
literal(class+)literal, and leave the other matches and captures to PCRE2: same samples.

Drops: an output that loses samples because delivery failed (a write error, a backend down,
refusing or timing out, a queue overflow) shows them as "undelivered" and makes the exit status
1; samples an output drops by its backend's own rules (NaN or infinity where it has none, an EMF
timestamp too old, a value beyond float range in TensorBoard) show as "dropped", exit status 0.

Signals: SIGINT, SIGTERM or SIGHUP stops reading at once; the outputs are closed as at the end
(final:, table, textfile, TensorBoard, network pushes with their timeouts), the summary says
"interrupted by SIGTERM", and the exit status is 128+N (130 SIGINT, 143 SIGTERM). A second one
during the closing exits at once.

Exit status: 0 success, 1 an input could not be read or an output lost samples because delivery
failed, 2 bad options or bad metric definitions (an unreadable definitions file or unopenable
output included), 128+N stopped by signal N.

Example:
  logmetrics scan --definitions examples/data/metrics.json --format table examples/data/train.log)";

/// A validator that turns a name from `names` into its value with CLI11's CheckedTransformer,
/// described by the names alone ("{a,b,c}"). A name not in the table is refused with the names
/// listed, and so is the transformer's other spelling (the value's number): names only.
template <class Value>
CLI::Validator one_of(const std::vector<std::pair<std::string, Value>>& names) {
    std::vector<std::string> keys;
    for (const auto& name : names) keys.push_back(name.first);
    const CLI::CheckedTransformer transformer(names);
    return CLI::Validator(
        [transformer, keys](std::string& input) {
            const bool known = std::find(keys.begin(), keys.end(), input) != keys.end();
            const std::string given = input;
            if (known && transformer(input).empty()) return std::string();
            input = given;
            return fmt::format("{:?} is not one of {}", given, fmt::join(keys, ", "));
        },
        fmt::format("{{{}}}", fmt::join(keys, ",")));
}

/// --format's validator: a kind that needs no PATH, alone; a spec with a target or options is
/// refused with a pointer to --output, which takes them.
CLI::Validator format_kind() {
    const CLI::Validator kinds = one_of(format_names());
    return CLI::Validator(
        [kinds](std::string& input) {
            std::string problem = kinds(input);
            if (!problem.empty() && input.find_first_of(":?") != std::string::npos) {
                problem += fmt::format(" (--format takes a kind only; use --output {:?})", input);
            }
            return problem;
        },
        kinds.get_description());
}

/// A validator for a whole number of bytes from `low` to `high`, which says what it expects of
/// anything else ("abc", "-1", a number out of range).
CLI::Validator byte_count(std::size_t low, std::size_t high) {
    return CLI::Validator(
        [low, high](std::string& input) {
            std::size_t value = 0;
            const char* end = input.data() + input.size();
            const auto [stop, problem] = std::from_chars(input.data(), end, value);
            if (problem == std::errc() && stop == end && value >= low && value <= high) return std::string();
            return fmt::format("{:?} is not a number of bytes from {} to {}", input, low, high);
        },
        "");
}

/// --output's help: the grammar, then each kind's syntax and what it writes.
std::string output_help() {
    std::string text =
        "Where samples go (repeatable): KIND[:PATH][?KEY=VALUE&...];\n"
        "PATH '-' or left out: stdout, for one output at most.\n"
        "Default: jsonl. The kinds:\n";
    for (const output_kind& kind : output_kinds()) {
        text += fmt::format("  {}\n      {}\n", output_target_syntax(kind), kind.help);
        if (!kind.options.empty()) text += fmt::format("      options: {}\n", output_options_syntax(kind));
    }
    text.pop_back();
    return text;
}

}  // namespace

int run_scan(const scan_options& options) {
    if (options.engine == engine_kind::hyperscan && !have_hyperscan()) {
        complain("--engine hyperscan: this logmetrics was built without Hyperscan; use --engine pcre2");
        return exit_usage;
    }
    std::vector<chosen_output> chosen;
    try {
        chosen = choose_outputs(output_specs(options));
    } catch (const usage_error& e) {
        complain(e.what());
        return exit_usage;
    }
    // The definitions and an input both stdin (`-d -` or `-d /dev/stdin` with the input `-`, or
    // with no file given): the first reader would take all of it and the other find nothing.
    {
        const auto stdin_file = identify_descriptor(standard_descriptor(STDIN_FILENO));
        const auto is_stdin = [&](const std::string& path) {
            if (path == "-") return true;
            const auto file = identify_path(path.c_str());
            return stdin_file && file && *file == *stdin_file;
        };
        const bool input_on_stdin =
            options.files.empty() || std::any_of(options.files.begin(), options.files.end(), is_stdin);
        if (input_on_stdin && is_stdin(options.definitions_path)) {
            complain(
                "--definitions {:?}: the definitions and the input are both stdin; give the log files as "
                "arguments",
                options.definitions_path);
            return exit_usage;
        }
    }
    int status = exit_ok;
    auto definitions = load(options, status);
    if (!definitions) return status;
    const auto& metrics = definitions->metric_names();
    if (metrics.empty())
        complain("{}: no definitions: nothing will be found", printable_name(options.definitions_path));
    if (options.step_metric) {  // given, even empty: "" is no metric's name
        if (std::find(metrics.begin(), metrics.end(), *options.step_metric) == metrics.end()) {
            complain("--step-metric {:?}: not a metric of {} ({})", *options.step_metric,
                     printable_name(options.definitions_path),
                     metrics.empty() ? std::string("the definitions define no metric")
                                     : fmt::format("its metrics: {}", printable_names(metrics)));
            return exit_usage;
        }
    }

    framing_options framing;
    framing.max_line_length = options.max_line_length;
    framing.mode = options.mode;
    std::vector<std::string> files = options.files;
    if (files.empty()) files.emplace_back("-");
    std::vector<input> inputs;
    std::vector<protected_file> reads = {{"the definitions file", options.definitions_path}};
    for (const std::string& path : files) {
        inputs.push_back({path, options.stream_label.value_or(path == "-" ? "stdin" : path)});
        reads.push_back({"the input", path});
    }
    try {
        check_output_files(chosen, reads, standard_descriptor(STDOUT_FILENO), standard_descriptor(STDIN_FILENO));
    } catch (const usage_error& e) {
        complain(e.what());
        return exit_usage;
    }

    try {
        return scan(options, *definitions, framing, std::move(chosen), inputs);
    } catch (const error& e) {
        complain(e.message());
        return exit_failure;
    }
}

CLI::App* add_scan_options(CLI::App& app, scan_options& bound) {
    scan_options* options = &bound;  // the callbacks below hold it
    CLI::App* scan =
        app.add_subcommand("scan", "Read training logs and write the metric samples the definitions find in them");
    scan->footer(help_footer);

    scan->add_option("-d,--definitions", options->definitions_path,
                     "SageMaker metric definitions (JSON): a list of\n"
                     "{\"Name\", \"Regex\"} objects, an object with \"MetricDefinitions\",\n"
                     "or a CreateTrainingJob request; '-': stdin (the log\n"
                     "files must then be given)")
        ->required()
        ->type_name("FILE");
    // add_option_function: CLI11 2.1's add_option(name, variable) finds the library's
    // to_string(framing_mode) by ADL for the default text, and cannot use its string_view.
    scan->add_option_function<framing_mode>(
            "-m,--mode", [options](const framing_mode& mode) { options->mode = mode; },
            "How bytes become lines: sagemaker, terminal or raw\n(see Modes below)")
        ->transform(one_of(mode_names()))
        ->type_name("MODE")
        ->default_str(std::string(to_string(options->mode)));
    scan->add_option_function<engine_kind>(
            "-e,--engine", [options](const engine_kind& engine) { options->engine = engine; },
            fmt::format("Regex engine: hyperscan or pcre2 (default: {})",
                        have_hyperscan() ? "hyperscan" : "pcre2;\nthis build has no Hyperscan"))
        ->transform(one_of(engine_names()))
        ->type_name("ENGINE");
    scan->add_option("-o,--output", options->outputs, output_help())->type_name("SPEC")->allow_extra_args(false);
    std::vector<std::string> formats;  // the kinds --format takes, from the registry
    for (const auto& name : format_names()) formats.push_back(name.first);
    scan->add_option("-f,--format", options->format,
                     fmt::format("What stdout shows: {} (a kind\n"
                                 "only: --output takes a PATH and options); the\n"
                                 "shorthand for --output FORMAT",
                                 fmt::join(formats, ", ")))
        ->transform(format_kind())
        ->type_name("FORMAT");
    scan->add_option("--final", options->final_path,
                     "Also write each metric's last finite value to FILE ('-':\n"
                     "stdout) as SageMaker's FinalMetricDataList JSON; the shorthand\n"
                     "for --output final:FILE")
        ->type_name("FILE");
    scan->add_option_function<std::string>(
            "--step-metric", [options](const std::string& name) { options->step_metric = name; },
            "Each sample's step is the latest value of metric NAME\n"
            "(e.g. epoch, iteration, global_step), 0 before its first;\n"
            "samples on the line that sets it already get the new\n"
            "value. Without it, a metric's step counts its earlier\n"
            "samples")
        ->type_name("NAME");
    scan->add_option("--max-line-length", options->max_line_length,
                     "Longest line matched in one piece (at least 4); longer\n"
                     "lines are matched in pieces of this size (cut lines)")
        ->check(byte_count(smallest_max_line_length, largest_max_line_length))  // the framer's range
        ->type_name("BYTES")
        ->capture_default_str();
    scan->add_flag("--no-limits", options->no_limits,
                   "Lift SageMaker's limits on definitions (40 definitions,\n"
                   "255-character names, 500-character regexes)");
    scan->add_option_function<std::string>(
            "--stream", [options](const std::string& label) { options->stream_label = label; },
            "The stream label samples carry (default: the file's\npath, or \"stdin\")")
        ->type_name("LABEL");
    scan->add_flag("-q,--quiet", options->quiet, "No summary and no progress line on stderr");
    scan->add_option("files", options->files,
                     "Log files, read in order; each is its own stream, with\n"
                     "line numbers from 1. None, or '-': stdin")
        ->type_name("FILE");

    return scan;
}

void add_scan(CLI::App& app, command& chosen) {
    auto options = std::make_shared<scan_options>();
    CLI::App* scan = add_scan_options(app, *options);
    scan->callback([options, &chosen] { chosen = [options] { return run_scan(*options); }; });
}

}  // namespace logmetrics::cli
