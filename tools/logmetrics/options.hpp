// SPDX-License-Identifier: MIT
#pragma once
// The options of each subcommand, as the command line leaves them, and the name tables CLI11's
// CheckedTransformer turns enumerated options with (so a bad name is refused with the names
// listed, and the code never compares option strings).

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <logmetrics/framer.hpp>

#include "pipeline.hpp"

namespace logmetrics::cli {

/// `logmetrics scan`'s options.
struct scan_options {
    std::string definitions_path;
    framing_mode mode = framing_mode::sagemaker;
    std::optional<engine_kind> engine;       ///< empty: the build's default, with the PCRE2 fallback
    std::vector<std::string> outputs;        ///< --output SPEC..., in order
    std::string format;                      ///< --format X: the shorthand for --output X
    std::string final_path;                  ///< --final FILE: the shorthand for --output final:FILE
    std::optional<std::string> step_metric;  ///< --step-metric NAME; none: each metric counts its own steps
    std::size_t max_line_length = default_max_line_length;  ///< from the library's framer (framer.hpp)
    bool no_limits = false;
    std::optional<std::string> stream_label;  ///< --stream LABEL; empty: each input's path, or "stdin"
    bool quiet = false;
    std::vector<std::string> files;
};

/// Every framing mode by its library name (`to_string(framing_mode)`), in enumerator order.
std::vector<std::pair<std::string, framing_mode>> mode_names();

/// Every engine by name (`to_string(engine_kind)`), in enumerator order.
std::vector<std::pair<std::string, engine_kind>> engine_names();

/// The output kinds `--format` takes (those that need no PATH), each to itself.
std::vector<std::pair<std::string, std::string>> format_names();

}  // namespace logmetrics::cli
