// SPDX-License-Identifier: MIT
// prometheus-textfile: each series' last value for node_exporter's textfile collector
// (sinks/prometheus_textfile.hpp).
#include <string>

#include <fmt/format.h>

#include <logmetrics/sinks/prometheus_textfile.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr option_rule textfile_own_rules[] = {
    {"interval", {}},           // seconds between rewrites, at most (default 15)
    {"fsync", boolean_values},  // fsync the temporary file before the rename
};
constexpr auto textfile_option_rules = join_rules(textfile_own_rules, prometheus_option_rules);

prometheus_textfile_options textfile_options_of(const output_spec& spec) {
    prometheus_textfile_options options;
    options.fsync = spec.option("fsync") == "true";
    options.interval = seconds_option(spec, "interval", 0, 86400, options.interval);
    return options;
}

void check_textfile(const output_spec& spec) {
    if (!spec.target->ends_with(".prom")) {
        throw usage_error(
            fmt::format("{:?}: the file name must end in .prom, the only files node_exporter's "
                        "textfile collector reads",
                        *spec.target));
    }
    textfile_options_of(spec);
    try {
        prometheus_format format({}, prometheus_options_of(spec));
    } catch (const logmetrics::error& e) {
        throw usage_error(e.message());
    }
}

/// Makes the sink, which checks the names and the directory, and writes nothing.
void check_textfile_at_open(const output_spec& spec, const std::vector<std::string>& metric_names) {
    prometheus_textfile_sink sink(*spec.target, metric_names, prometheus_options_of(spec), textfile_options_of(spec));
}

any_sink make_textfile(const output_spec& spec, const output_context& context) {
    return any_sink(std::string(context.name),
                    prometheus_textfile_sink(*spec.target, context.metric_names, prometheus_options_of(spec),
                                             textfile_options_of(spec)));
}

}  // namespace

output_kind prometheus_textfile_kind() {
    return {"prometheus-textfile",
            target_rule::own_file,
            textfile_option_rules,
            "each series' last value for node_exporter's textfile collector (PATH ends in .prom; rewritten every "
            "interval and at the end)",
            make_textfile,
            check_textfile,
            check_textfile_at_open};
}

}  // namespace logmetrics::cli
