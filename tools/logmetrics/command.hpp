// SPDX-License-Identifier: MIT
#pragma once
// The subcommands of the logmetrics tool and the exit statuses they share.
//
// Each subcommand is one file (scan.cpp; run, watch, test, lint and report come later):
// `add_<cmd>(app, chosen)` registers the subcommand and its options on the CLI11 app and, when the
// command line names it, sets `chosen` to the function that runs it with the parsed options;
// `run_<cmd>(options)` does the work and returns the exit status (tests call it directly).
// main() only parses, runs what was chosen and maps stray exceptions to an exit status.

#include <functional>
#include <stdexcept>

namespace CLI {
class App;
}

namespace logmetrics::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;  ///< an input could not be read, an output not written
inline constexpr int exit_usage = 2;    ///< bad options, bad metric definitions

/// A command line that cannot be run as given (exit status 2); what() says why.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The subcommand the command line chose, bound to its options; returns the exit status.
using command = std::function<int()>;

struct scan_options;

/// `logmetrics scan`: reads logs, writes samples, prints a summary.
void add_scan(CLI::App& app, command& chosen);
/// Registers `scan` and its options on `app`, bound to `options` (which must outlive `app`).
CLI::App* add_scan_options(CLI::App& app, scan_options& options);
int run_scan(const scan_options& options);

}  // namespace logmetrics::cli
