// SPDX-License-Identifier: MIT
// pushgateway: each series' last value pushed to a Prometheus Pushgateway group
// (http/pushgateway.hpp), behind async_sink (drop_oldest). Built with the HTTP component only
// (LOGMETRICS_CLI_HTTP).
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/http/pushgateway.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr std::string_view delete_values[] = {"1", "0", "true", "false"};
constexpr option_rule pushgateway_own_rules[] = {
    {"job", {}},                        // the job of the group (default logmetrics)
    {"interval", {}},                   // seconds between pushes, at most (default 15)
    {"delete_on_exit", delete_values},  // DELETE the group at the end instead of the last push
    {"timeout", {}},                    // seconds a push may take (default 10)
    {"queue", {}},                      // samples the async queue holds (default 8192)
};
constexpr auto pushgateway_option_rules = join_rules(pushgateway_own_rules, prometheus_option_rules);

/// The format options: prometheus_options_of, but `label.NAME=` are grouping labels (below), not
/// constant labels of the body.
prometheus_options format_options_of(const output_spec& spec) {
    prometheus_options options = prometheus_options_of(spec);
    options.labels.clear();
    return options;
}

/// The group and when to push. `label.NAME=VALUE` are grouping labels: each set of them is a
/// group of its own on the Pushgateway (a PUT replaces only its group, so two runs that differ
/// in a label do not overwrite each other), and the Pushgateway sets them on every series.
pushgateway_options pushgateway_options_of(const output_spec& spec) {
    pushgateway_options options;
    if (auto job = spec.option("job")) options.grouping.job = *job;
    for (const output_option& o : spec.options) {
        if (o.key.starts_with("label.")) options.grouping.labels.emplace_back(o.key.substr(6), o.value);
    }
    options.interval = seconds_option(spec, "interval", 0, 86400, options.interval);
    options.http.timeout = seconds_option(spec, "timeout", 0.1, 3600, options.http.timeout);
    options.http.connect_timeout = std::min(options.http.connect_timeout, options.http.timeout);
    const auto remove = spec.option("delete_on_exit");
    options.delete_on_exit = remove == "1" || remove == "true";
    return options;
}

pushgateway_sink make_sink(const output_spec& spec, const std::vector<std::string>& metric_names) {
    return pushgateway_sink(*spec.target, metric_names, format_options_of(spec), pushgateway_options_of(spec));
}

/// Refuses, as usage_error, what the sink would refuse without the metric names: the URL, the
/// grouping key, the labels, the options' values. Makes a sink, which sends nothing.
void check_pushgateway(const output_spec& spec) {
    queue_option(spec, {});
    try {
        make_sink(spec, {});
    } catch (const logmetrics::error& e) {
        throw usage_error(e.message());
    }
}

/// The same with the metric names (two that get one Prometheus name, a name the Pushgateway
/// keeps for itself).
void check_pushgateway_at_open(const output_spec& spec, const std::vector<std::string>& metric_names) {
    make_sink(spec, metric_names);
}

any_sink make_pushgateway(const output_spec& spec, const output_context& context) {
    // Behind async_sink (drop_oldest), so a dead or slow Pushgateway never holds up extraction;
    // its drops are the queue's and the sink's (a failed or refused push).
    return any_sink(std::string(context.name), async_sink<pushgateway_sink>(make_sink(spec, context.metric_names),
                                                                            queue_option(spec, context.name)));
}

}  // namespace

output_kind pushgateway_kind() {
    return {"pushgateway",
            target_rule::url,
            pushgateway_option_rules,
            "each series' last value pushed to a Prometheus Pushgateway (URL: its root, http://HOST:9091) every "
            "interval and at the end; label.NAME= are grouping labels",
            make_pushgateway,
            check_pushgateway,
            check_pushgateway_at_open};
}

}  // namespace logmetrics::cli
