// SPDX-License-Identifier: MIT
#pragma once
// The options of each subcommand, as the command line leaves them.

#include <cstddef>
#include <string>
#include <vector>

namespace logmetrics::cli {

/// `logmetrics scan`'s options.
struct scan_options {
    std::string definitions_path;
    std::string mode = "sagemaker";
    std::string engine;  ///< empty: the build's default (hyperscan when it has it)
    bool engine_given = false;
    std::vector<std::string> outputs;  ///< --output SPEC..., in order
    std::string format;                ///< --format X: the shorthand for --output X
    std::string final_path;            ///< --final FILE: the shorthand for --output final:FILE
    std::size_t max_line_length = 256 * 1024;
    bool no_limits = false;
    std::string stream_label;
    bool stream_given = false;
    bool quiet = false;
    std::vector<std::string> files;
};

}  // namespace logmetrics::cli
