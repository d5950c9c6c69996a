// SPDX-License-Identifier: MIT
// tensorboard: event files in a directory (sinks/tensorboard.hpp); a run per input when there
// are several, so that TensorBoard draws a curve per input.
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/sinks/tensorboard.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr option_rule tensorboard_option_rules[] = {
    {"flush", {}},           // seconds between write-outs while running (default 5)
    {"max_open_files", {}},  // event files open at once (default 64; the others are reopened to append)
};

/// The tensorboard options of `spec`; throws usage_error for a bad `flush` or `max_open_files`.
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
    if (auto files = spec.option("max_open_files")) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(files->data(), files->data() + files->size(), value);
        if (ec != std::errc{} || end != files->data() + files->size() || value == 0 || value > 65536) {
            throw usage_error(fmt::format("max_open_files={:?}: a number of files, 1 to 65536", *files));
        }
        options.max_open_files = value;
    }
    return options;
}

void check_tensorboard(const output_spec& spec) { tensorboard_options_of(spec, false); }

/// Refuses a DIR the sink could not make or write in, before anything is opened (the sink makes
/// the missing part of DIR only when it starts, and a failure then would be an output's failure,
/// not a usage error): the nearest part of DIR that exists must be a directory we may write in.
void check_tensorboard_at_open(const output_spec& spec, const std::vector<std::string>&) {
    namespace fs = std::filesystem;
    const fs::path dir(*spec.target);
    std::error_code ec;
    fs::path existing = dir;
    while (!existing.empty() && !fs::exists(existing, ec)) existing = existing.parent_path();
    if (existing.empty()) existing = ".";
    if (!fs::is_directory(existing, ec)) {
        throw usage_error(existing == dir ? fmt::format("{} is not a directory", dir.string())
                                          : fmt::format("cannot make directory {}: {} is not a directory", dir.string(),
                                                        existing.string()));
    }
    if (::access(existing.c_str(), W_OK | X_OK) != 0) {
        const int e = errno;
        throw usage_error(
            existing == dir
                ? fmt::format("cannot write in directory {}: {}", dir.string(), std::strerror(e))
                : fmt::format("cannot make directory {} in {}: {}", dir.string(), existing.string(), std::strerror(e)));
    }
}

any_sink make_tensorboard(const output_spec& spec, const output_context& context) {
    return any_sink(std::string(context.name),
                    tensorboard_sink(*spec.target, tensorboard_options_of(spec, context.several_streams)));
}

}  // namespace

output_kind tensorboard_kind() {
    return {"tensorboard",
            target_rule::directory,
            tensorboard_option_rules,
            "TensorBoard event files in DIR (a run directory per input when there are several)",
            make_tensorboard,
            check_tensorboard,
            check_tensorboard_at_open};
}

}  // namespace logmetrics::cli
