// SPDX-License-Identifier: MIT
// tensorboard: event files in a directory (sinks/tensorboard.hpp); a run per input when there
// are several, so that TensorBoard draws a curve per input.
#include <charconv>
#include <string>

#include <fmt/format.h>

#include <logmetrics/sinks/tensorboard.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

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

void check_tensorboard(const output_spec& spec) { tensorboard_options_of(spec, false); }

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
            check_tensorboard};
}

}  // namespace logmetrics::cli
