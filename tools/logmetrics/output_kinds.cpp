// SPDX-License-Identifier: MIT
#include "output_kinds.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <memory>
#include <span>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <logmetrics/detail/io/socket_target.hpp>
#include <logmetrics/sinks/async.hpp>
#include <logmetrics/sinks/csv.hpp>
#include <logmetrics/sinks/emf.hpp>
#include <logmetrics/sinks/jsonl.hpp>
#include <logmetrics/sinks/prometheus_textfile.hpp>
#include <logmetrics/sinks/tensorboard.hpp>

#include "command.hpp"
#include "final_sink.hpp"
#include "table_sink.hpp"

namespace logmetrics::cli {

namespace {

constexpr std::string_view booleans[] = {"true", "false"};
constexpr option_rule csv_option_rules[] = {{"header", booleans}};

any_sink make_jsonl(const output_spec&, const output_context& context) {
    return any_sink(std::string(context.name), jsonl_sink(*context.out));
}

any_sink make_csv(const output_spec& spec, const output_context& context) {
    csv_options options;
    options.header = spec.option("header").value_or("true") == "true";
    return any_sink(std::string(context.name), csv_sink(*context.out, options));
}

any_sink make_table(const output_spec&, const output_context& context) {
    return any_sink(std::string(context.name), table_sink(*context.out, context.metric_names, context.several_streams));
}

any_sink make_final(const output_spec&, const output_context& context) {
    return any_sink(std::string(context.name), final_sink(*context.out, context.metric_names));
}

// emf: CloudWatch Embedded Metric Format (sinks/emf.hpp).
constexpr std::string_view resolutions[] = {"60", "1"};
constexpr option_rule emf_option_rules[] = {
    {"namespace", {}},            // the CloudWatch namespace (default logmetrics)
    {"dimensions", {}},           // constant dimensions: KEY:VALUE[,KEY:VALUE...]
    {"stream", {}},               // the stream label's dimension key (default stream; none: not one)
    {"unit", {}},                 // every metric's unit (default None; checked by emf_format)
    {"resolution", resolutions},  // storage resolution in seconds
    {"queue", {}},                // network only: samples the async queue holds (default 8192)
};

std::vector<std::pair<std::string, std::string>> parse_dimensions(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> dimensions;
    while (!text.empty()) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        const std::size_t colon = item.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            throw usage_error(fmt::format("dimensions={:?}: each is KEY:VALUE, separated by commas", text));
        }
        dimensions.emplace_back(item.substr(0, colon), item.substr(colon + 1));
        text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    }
    return dimensions;
}

/// The emf options of `spec`; throws usage_error for a malformed value.
emf_options emf_options_of(const output_spec& spec) {
    emf_options options;
    if (auto ns = spec.option("namespace")) options.metric_namespace = *ns;
    if (auto stream = spec.option("stream")) options.stream_dimension = *stream == "none" ? "" : std::string(*stream);
    if (auto dimensions = spec.option("dimensions")) options.dimensions = parse_dimensions(*dimensions);
    if (auto unit = spec.option("unit")) options.unit = *unit;
    if (spec.option("resolution") == "1") options.storage_resolution = 1;
    return options;
}

/// The async queue of a network emf output; throws usage_error for a bad `queue`.
logmetrics::async_options emf_queue_of(const output_spec& spec, std::string_view name) {
    logmetrics::async_options queue;
    queue.overflow = logmetrics::overflow_policy::drop_oldest;
    queue.name = name;
    if (auto size = spec.option("queue")) {
        const auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), queue.capacity);
        if (ec != std::errc{} || end != size->data() + size->size() || queue.capacity == 0) {
            throw usage_error(fmt::format("queue={:?}: a number of samples, at least 1", *size));
        }
    }
    return queue;
}

/// Refuses, as usage_error, what emf_format would refuse (a namespace, a dimension...).
void check_emf(const output_spec& spec) {
    emf_queue_of(spec, {});
    try {
        logmetrics::emf_format format(emf_options_of(spec));
    } catch (const logmetrics::error& e) {
        throw usage_error(e.what());
    }
}

any_sink make_emf(const output_spec& spec, const output_context& context) {
    emf_options options = emf_options_of(spec);
    if (context.out) return any_sink(std::string(context.name), emf_sink(*context.out, std::move(options)));
    // A socket: behind async_sink (drop_oldest), so a dead or slow listener never holds up
    // extraction; its drops are the queue's and the format's (NaN, too old...).
    return any_sink(std::string(context.name),
                    logmetrics::async_sink<emf_sink>(emf_sink::connect(*spec.target, std::move(options)),
                                                     emf_queue_of(spec, context.name)));
}

// prometheus-textfile: node_exporter's textfile collector (sinks/prometheus_textfile.hpp).
constexpr std::string_view colon_rules[] = {"keep", "replace"};
constexpr option_rule prometheus_textfile_option_rules[] = {
    {"interval", {}},                              // seconds between rewrites, at most (default 15)
    {"stream", {}},                                // the stream label's name (default stream; none: not one)
    {"label.NAME", {}},                            // a constant label NAME=VALUE (any number)
    {"prefix", {}},                                // put before every metric name
    {"colons", colon_rules}, {"fsync", booleans},  // fsync the temporary file before the rename
};

/// The format options of a prometheus output; throws usage_error for a malformed value (what the
/// format refuses is checked by making it: check_prometheus_textfile).
logmetrics::prometheus_options prometheus_options_of(const output_spec& spec) {
    logmetrics::prometheus_options options;
    if (auto stream = spec.option("stream")) options.stream_label = *stream == "none" ? "" : std::string(*stream);
    if (auto prefix = spec.option("prefix")) options.naming.prefix = *prefix;
    options.naming.keep_colons = spec.option("colons").value_or("keep") == "keep";
    for (const output_option& o : spec.options) {
        if (o.key.starts_with("label.")) options.labels.emplace_back(o.key.substr(6), o.value);
    }
    return options;
}

logmetrics::prometheus_textfile_options prometheus_textfile_options_of(const output_spec& spec) {
    logmetrics::prometheus_textfile_options options;
    options.fsync = spec.option("fsync") == "true";
    if (auto interval = spec.option("interval")) {
        double seconds = -1;
        const auto [end, ec] = std::from_chars(interval->data(), interval->data() + interval->size(), seconds);
        if (ec != std::errc{} || end != interval->data() + interval->size() || !(seconds >= 0 && seconds <= 86400)) {
            throw usage_error(fmt::format("interval={:?}: seconds, from 0 to 86400", *interval));
        }
        options.interval = std::chrono::milliseconds(std::llround(seconds * 1000));
    }
    return options;
}

void check_prometheus_textfile(const output_spec& spec) {
    if (!spec.target->ends_with(".prom")) {
        throw usage_error(
            fmt::format("{:?}: the file name must end in .prom, the only files node_exporter's "
                        "textfile collector reads",
                        *spec.target));
    }
    prometheus_textfile_options_of(spec);
    try {
        logmetrics::prometheus_format format({}, prometheus_options_of(spec));
    } catch (const logmetrics::error& e) {
        throw usage_error(e.message());
    }
}

any_sink make_prometheus_textfile(const output_spec& spec, const output_context& context) {
    return any_sink(std::string(context.name), logmetrics::prometheus_textfile_sink(
                                                   *spec.target, context.metric_names, prometheus_options_of(spec),
                                                   prometheus_textfile_options_of(spec)));
}

// tensorboard: event files in a directory (sinks/tensorboard.hpp); a run per input when there
// are several, so that TensorBoard draws a curve per input.
constexpr option_rule tensorboard_option_rules[] = {
    {"flush", {}},  // seconds between write-outs while running (default 5)
};

/// The tensorboard options of `spec`; throws usage_error for a bad `flush`.
tensorboard_options tensorboard_options_of(const output_spec& spec, bool several_streams) {
    tensorboard_options options;
    options.run_per_stream = several_streams;
    if (auto seconds = spec.option("flush")) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(seconds->data(), seconds->data() + seconds->size(), value);
        if (ec != std::errc{} || end != seconds->data() + seconds->size() || value == 0 || value > 86400) {
            throw usage_error(fmt::format("flush={:?}: whole seconds, 1 to 86400", *seconds));
        }
        options.flush_interval = std::chrono::seconds(value);
    }
    return options;
}

any_sink make_tensorboard(const output_spec& spec, const output_context& context) {
    return any_sink(std::string(context.name),
                    tensorboard_sink(*spec.target, tensorboard_options_of(spec, context.several_streams)));
}

// The registry: one entry per kind.
constexpr output_kind registry[] = {
    {"jsonl", target_rule::stdout_or_path, {}, "a JSON object per sample (JSON Lines)", make_jsonl},
    {"csv", target_rule::stdout_or_path, csv_option_rules, "CSV rows (header=false: no header line)", make_csv},
    {"table", target_rule::stdout_or_path, {}, "aligned rows, then each metric's last value", make_table},
    {"final", target_rule::path, {}, "FinalMetricDataList JSON: last finite values", make_final},
    {"emf", target_rule::stdout_path_or_socket, emf_option_rules,
     "CloudWatch Embedded Metric Format events; tcp:// or udp:// (port 25888) for the CloudWatch agent", make_emf},
    {"prometheus-textfile", target_rule::own_file, prometheus_textfile_option_rules,
     "each series' last value for node_exporter's textfile collector (PATH ends in .prom; rewritten every "
     "interval and at the end)",
     make_prometheus_textfile},
    {"tensorboard", target_rule::directory, tensorboard_option_rules,
     "TensorBoard event files in DIR (a run directory per input when there are several)", make_tensorboard},
    {"none", target_rule::none, {}, "no samples (the summary still counts); with final: only", nullptr},
};

}  // namespace

std::string output_syntax(const output_kind& kind) {
    std::string text(kind.name);
    if (kind.target == target_rule::stdout_or_path) text += "[:PATH]";
    if (kind.target == target_rule::path) text += ":PATH";
    if (kind.target == target_rule::stdout_path_or_socket) text += "[:PATH|tcp://HOST[:PORT]|udp://HOST[:PORT]]";
    if (kind.target == target_rule::own_file) text += ":PATH";
    if (kind.target == target_rule::directory) text += ":DIR";
    for (const option_rule& o : kind.options) {
        text +=
            fmt::format("[?{}={}]", o.key, o.values.empty() ? "VALUE" : fmt::format("{}", fmt::join(o.values, "|")));
    }
    return text;
}

std::span<const output_kind> output_kinds() noexcept { return registry; }

const output_kind* find_output_kind(std::string_view name, std::span<const output_kind> kinds) noexcept {
    for (const output_kind& k : kinds) {
        if (k.name == name) return &k;
    }
    return nullptr;
}

std::string output_syntax(std::span<const output_kind> kinds) {
    std::vector<std::string> all;
    for (const output_kind& k : kinds) all.push_back(output_syntax(k));
    return fmt::format("{}", fmt::join(all, ", "));
}

const output_kind& check_output_spec(const output_spec& spec, std::span<const output_kind> kinds) {
    const output_kind* kind = find_output_kind(spec.kind, kinds);
    if (!kind) throw usage_error(fmt::format("unknown kind {:?}", spec.kind));
    if (kind->target == target_rule::none && spec.target) {
        throw usage_error(fmt::format("{} takes no target", kind->name));
    }
    if (kind->target == target_rule::path && !spec.target) {
        throw usage_error(fmt::format("{} needs a target: {}:PATH ('-' for stdout)", kind->name, kind->name));
    }
    if (kind->target == target_rule::own_file && (!spec.target || uses_stdout(spec, *kind))) {
        throw usage_error(fmt::format("{} needs a file: {}:PATH (not stdout: the file is replaced as a whole)",
                                      kind->name, kind->name));
    }
    if (kind->target == target_rule::directory && (!spec.target || *spec.target == "-")) {
        throw usage_error(fmt::format("{} needs a directory: {}:DIR", kind->name, kind->name));
    }
    if (uses_socket(spec, *kind) && !detail::socket_address::parse(*spec.target, emf_sink::default_port)) {
        throw usage_error(fmt::format("{:?} is not tcp://HOST[:PORT] or udp://HOST[:PORT]", *spec.target));
    }
    std::vector<std::string_view> unknown;
    for (const output_option& o : spec.options) {
        const auto rule = std::find_if(kind->options.begin(), kind->options.end(), [&o](const option_rule& r) {
            if (!r.key.ends_with(".NAME")) return r.key == o.key;
            const std::string_view family = r.key.substr(0, r.key.size() - 4);  // "label."
            return o.key.size() > family.size() && o.key.starts_with(family);
        });
        if (rule == kind->options.end()) {
            unknown.push_back(o.key);
        } else if (!rule->values.empty() &&
                   std::find(rule->values.begin(), rule->values.end(), o.value) == rule->values.end()) {
            throw usage_error(fmt::format("{}={:?}: the values are {}", o.key, o.value, fmt::join(rule->values, ", ")));
        }
    }
    if (!unknown.empty()) {
        std::vector<std::string_view> known;
        for (const option_rule& r : kind->options) known.push_back(r.key);
        throw usage_error(fmt::format(
            "{} does not take the option{} {}{}", kind->name, unknown.size() == 1 ? "" : "s", fmt::join(unknown, ", "),
            known.empty() ? std::string(" (it takes none)") : fmt::format(" (it takes {})", fmt::join(known, ", "))));
    }
    if (kind->make == make_emf) check_emf(spec);
    if (kind->make == make_prometheus_textfile) check_prometheus_textfile(spec);
    if (kind->make == make_tensorboard) tensorboard_options_of(spec, false);
    return *kind;
}

bool uses_stdout(const output_spec& spec, const output_kind& kind) noexcept {
    if (kind.target == target_rule::none || kind.target == target_rule::directory) return false;
    if (kind.target == target_rule::own_file && !spec.target) return false;  // refused: needs a file
    if (!spec.target) return true;
    // The names Linux gives stdout are stdout too: written through the tool's own buffer, and
    // counted as the one output on stdout.
    for (const std::string_view name : {"-", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"}) {
        if (*spec.target == name) return true;
    }
    return false;
}

bool uses_socket(const output_spec& spec, const output_kind& kind) noexcept {
    return kind.target == target_rule::stdout_path_or_socket && spec.target &&
           (spec.target->starts_with("tcp://") || spec.target->starts_with("udp://"));
}

bool owns_target(const output_spec& spec, const output_kind& kind) noexcept {
    return uses_socket(spec, kind) || kind.target == target_rule::own_file || kind.target == target_rule::directory;
}

void check_output_at_open(const chosen_output& output, const std::vector<std::string>& metric_names) {
    if (output.kind->make != make_prometheus_textfile) return;
    try {  // makes the sink, which checks the names and the directory, and writes nothing
        logmetrics::prometheus_textfile_sink sink(*output.spec.target, metric_names, prometheus_options_of(output.spec),
                                                  prometheus_textfile_options_of(output.spec));
    } catch (const logmetrics::error& e) {
        throw usage_error(fmt::format("--output {:?}: {}", output.spec.text, e.message()));
    }
}

std::vector<chosen_output> choose_outputs(std::span<const std::string> specs, std::span<const output_kind> kinds) {
    std::vector<chosen_output> chosen;
    bool only_final = true;                // no output but final: ones (none included)
    const std::string* nothing = nullptr;  // the first `none`, if any
    for (const std::string& text : specs) {
        try {
            output_spec spec = parse_output_spec(text);
            const output_kind& kind = check_output_spec(spec, kinds);
            if (kind.name != "final") only_final = false;
            if (kind.make == nullptr) {
                nothing = &text;
                continue;
            }
            const bool to_stdout = uses_stdout(spec, kind);
            chosen.push_back({std::move(spec), &kind, to_stdout});
        } catch (const usage_error& e) {
            throw usage_error(fmt::format("--output {:?}: {}; outputs: {}", text, e.what(), output_syntax(kinds)));
        }
    }
    // `none` says no samples go anywhere: with a sample output that is a contradiction. With
    // final: outputs (summary files) it keeps the samples off stdout; twice is once.
    if (nothing != nullptr) {
        for (const chosen_output& c : chosen) {
            if (c.kind->name == "final") continue;
            throw usage_error(fmt::format("--output {:?} and {:?}: none writes no samples, {} does; give one of them",
                                          *nothing, c.spec.text, c.kind->name));
        }
    }
    const auto on_stdout = [](const chosen_output& o) { return o.to_stdout; };
    if (only_final && std::none_of(chosen.begin(), chosen.end(), on_stdout)) {
        if (const output_kind* jsonl = find_output_kind("jsonl", kinds)) {
            chosen.insert(chosen.begin(), {parse_output_spec("jsonl"), jsonl, true});
        }
    }
    for (auto a = chosen.begin(); a != chosen.end(); ++a) {
        for (auto b = std::next(a); b != chosen.end(); ++b) {
            if (a->to_stdout && b->to_stdout) {
                throw usage_error(
                    fmt::format("--output {:?} and {:?} both write to stdout; at most one may (give "
                                "the other a PATH)",
                                a->spec.text, b->spec.text));
            }
        }
    }
    return chosen;
}

}  // namespace logmetrics::cli
