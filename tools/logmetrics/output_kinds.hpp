// SPDX-License-Identifier: MIT
#pragma once
// The registry of output kinds: what each accepts (a target, option keys and values) and how it
// makes its sink. Each kind family is a file in kinds/ (kinds/kinds.hpp); the registry in
// output_kinds.cpp lists them. `choose_outputs` turns the
// command line's specs into the checked list a scan writes to.

#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <logmetrics/sink.hpp>

#include "output_spec.hpp"

namespace logmetrics::cli {

/// What a kind accepts after ':'.
enum class target_rule {
    none,            ///< nothing: the kind writes nowhere (`none`)
    stdout_or_path,  ///< optional: a file, or stdout when absent or "-"
    path,            ///< required: a file, or "-" for stdout (`final:PATH`)
    /// optional: a file, stdout when absent or "-", or a listener `tcp://HOST[:PORT]`,
    /// `udp://HOST[:PORT]` (`emf:`)
    stdout_path_or_socket,
    /// required: a file the sink writes itself, as a whole (a temporary file renamed over it:
    /// `prometheus-textfile:`); never stdout
    own_file,
    /// required: a directory the sink makes and writes files in (`tensorboard:DIR`); never stdout
    directory,
    /// required: an `http://` or `https://` URL the sink sends to (`pushgateway:`, `remote-write:`)
    url,
    /// required: a UDP listener the sink sends datagrams to, `udp://HOST[:PORT]` (`statsd:`)
    udp,
};

/// An option a kind takes, and the values it accepts (any when `values` is empty). A key ending
/// in `.NAME` stands for a family of keys: `label.NAME` takes `label.job`, `label.host`...
struct option_rule {
    std::string_view key;
    std::span<const std::string_view> values;
};

/// What a kind's sink is made with.
struct output_context {
    std::string_view name;                         ///< the output's name (output_name), for the sink
    std::ostream* out;                             ///< stdout or the output's file; null for a socket
    const std::vector<std::string>& metric_names;  ///< the definitions' metrics, in order
    bool several_streams = false;                  ///< more than one input
};

/// One kind of output.
struct output_kind {
    std::string_view name;
    target_rule target;
    std::span<const option_rule> options;
    std::string_view help;  ///< one line for --help
    /// Makes the sink for `spec` (already checked), named `context.name`; null for a kind that
    /// writes nothing. What comes at the end of the output is written by the sink's `close()`.
    any_sink (*make)(const output_spec& spec, const output_context& context);
    /// Checks what the generic rules cannot (a value's range, what the format refuses); throws
    /// usage_error saying what is wrong. Null: nothing more to check.
    void (*check)(const output_spec& spec) = nullptr;
    /// Checks what needs the definitions' metric names or the file system, before any output is
    /// opened (check_output_at_open); throws logmetrics::error or usage_error. Null: nothing.
    void (*check_at_open)(const output_spec& spec, const std::vector<std::string>& metric_names) = nullptr;
};

/// Every kind, in the order --help lists them.
std::span<const output_kind> output_kinds() noexcept;

/// The kind called `name` in `kinds`, or null.
const output_kind* find_output_kind(std::string_view name,
                                    std::span<const output_kind> kinds = output_kinds()) noexcept;

/// A kind's target syntax: "csv[:PATH]", "final:PATH", "pushgateway:URL".
std::string output_target_syntax(const output_kind& kind);

/// A kind's options, each KEY=VALUE or KEY=one|other: "header=true|false" (empty: none).
std::string output_options_syntax(const output_kind& kind);

/// A kind's whole syntax, for messages: "csv[:PATH][?header=true|false]"; with several options
/// "emf[...][?KEY=VALUE&...] with KEY=VALUE one of namespace=VALUE, dimensions=VALUE, ...".
std::string output_syntax(const output_kind& kind);

/// Checks `spec` against its kind (known, target, option keys and values) and returns the kind;
/// throws usage_error naming what is wrong.
const output_kind& check_output_spec(const output_spec& spec, std::span<const output_kind> kinds = output_kinds());

/// Whether `spec` (of `kind`) writes to stdout: no target, "-", or /dev/stdout, /dev/fd/1 or
/// /proc/self/fd/1.
bool uses_stdout(const output_spec& spec, const output_kind& kind) noexcept;

/// Whether `spec` (of `kind`) sends to a listener (`tcp://...`, `udp://...`) rather than a file
/// (always, for a kind whose target is `udp`).
bool uses_socket(const output_spec& spec, const output_kind& kind) noexcept;

/// Whether `spec` (of `kind`) writes to a socket, a URL, a file or a directory its sink opens
/// itself: the tool neither opens nor truncates such a target (outputs.cpp).
bool owns_target(const output_spec& spec, const output_kind& kind) noexcept;

/// An output to make: its spec and its kind.
struct chosen_output {
    output_spec spec;
    const output_kind* kind;
    bool to_stdout;
};

/// Parses and checks `specs` (in order), and applies the rules of the list: `none` outputs are
/// dropped (several are one), and refused next to an output that writes samples (any but
/// final:); when no output but `final:` ones is given and none uses stdout, samples go to stdout
/// as JSON Lines (`jsonl`); at most one output may use stdout. (Two outputs on one file are
/// refused by outputs.hpp's check_output_files, which asks the file system.) Throws usage_error: `--output "SPEC": what is wrong; outputs: <syntax>`.
std::vector<chosen_output> choose_outputs(std::span<const std::string> specs,
                                          std::span<const output_kind> kinds = output_kinds());

/// Checks what an output can check only once the definitions are known (`metric_names`: e.g. two
/// metrics that one Prometheus name would merge) and against the file system (a missing
/// directory), before any output is opened. Throws usage_error: `--output "SPEC": what is wrong`.
void check_output_at_open(const chosen_output& output, const std::vector<std::string>& metric_names);

}  // namespace logmetrics::cli
