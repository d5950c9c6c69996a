// SPDX-License-Identifier: MIT
// emf: CloudWatch Embedded Metric Format events (sinks/emf.hpp), to stdout, a file, or the
// CloudWatch agent's TCP/UDP listener.
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/detail/io/socket_target.hpp>
#include <logmetrics/sinks/emf.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr std::string_view resolutions[] = {"60", "1"};
constexpr option_rule emf_option_rules[] = {
    {"namespace", {}},            // the CloudWatch namespace (default logmetrics)
    {"dimensions", {}},           // constant dimensions: KEY:VALUE[,KEY:VALUE...]
    {"stream", {}},               // the stream label's dimension key (default stream; none: not one)
    {"unit", {}},                 // every metric's unit (default None; checked by emf_format)
    {"resolution", resolutions},  // storage resolution in seconds
    {"queue", {}},                // network only: samples the async queue holds (default 8192)
};

/// `KEY:VALUE[,KEY:VALUE...]`; an empty item (`a:b,`, `,a:b`, `a:b,,c:d`, or nothing at all) is
/// refused rather than skipped, as is an item without a KEY.
std::vector<std::pair<std::string, std::string>> parse_dimensions(const std::string_view whole) {
    std::vector<std::pair<std::string, std::string>> dimensions;
    std::string_view text = whole;
    for (;;) {
        const std::size_t comma = text.find(',');
        const std::string_view item = text.substr(0, comma);
        if (item.empty()) {
            throw usage_error(fmt::format("dimensions={:?}: an empty KEY:VALUE{}", whole,
                                          whole.empty() ? "" : " (a comma too many)"));
        }
        const std::size_t colon = item.find(':');
        if (colon == std::string_view::npos || colon == 0) {
            throw usage_error(fmt::format("dimensions={:?}: each is KEY:VALUE, separated by commas", whole));
        }
        dimensions.emplace_back(item.substr(0, colon), item.substr(colon + 1));
        if (comma == std::string_view::npos) return dimensions;
        text = text.substr(comma + 1);
    }
}

/// The emf options of `spec`; throws usage_error for a malformed value.
emf_options emf_options_of(const output_spec& spec) {
    emf_options options;
    if (auto ns = spec.option("namespace")) options.metric_namespace = *ns;
    if (auto stream = spec.option("stream")) {
        if (stream->empty()) throw usage_error("stream=: a dimension name, or none");
        options.stream_dimension = *stream == "none" ? "" : std::string(*stream);
    }
    if (auto dimensions = spec.option("dimensions")) options.dimensions = parse_dimensions(*dimensions);
    if (auto unit = spec.option("unit")) options.unit = *unit;
    if (spec.option("resolution") == "1") options.storage_resolution = 1;
    return options;
}

/// Refuses, as usage_error, a listener that is not tcp://HOST[:PORT] or udp://HOST[:PORT], and
/// what emf_format would refuse (a namespace, a dimension...).
void check_emf(const output_spec& spec) {
    const output_kind kind = emf_kind();
    if (uses_socket(spec, kind) && !detail::socket_address::parse(*spec.target, emf_sink::default_port)) {
        throw usage_error(fmt::format("{:?} is not tcp://HOST[:PORT] or udp://HOST[:PORT]", *spec.target));
    }
    queue_option(spec, {});
    try {
        emf_format format(emf_options_of(spec));
    } catch (const logmetrics::error& e) {
        throw usage_error(e.what());
    }
}

/// Refuses a metric no EMF event can carry (named `_aws` or as a dimension key...), before any
/// output is made, rather than dropping its every sample.
void check_emf_at_open(const output_spec& spec, const std::vector<std::string>& metric_names) {
    emf_format(emf_options_of(spec)).check_metric_names(metric_names);
}

any_sink make_emf(const output_spec& spec, const output_context& context) {
    emf_options options = emf_options_of(spec);
    if (context.out) return any_sink(std::string(context.name), emf_sink(*context.out, std::move(options)));
    // A socket: behind async_sink (drop_oldest), so a dead or slow listener never holds up
    // extraction; its drops are the queue's and the format's (NaN, too old...).
    return any_sink(std::string(context.name), async_sink<emf_sink>(emf_sink::connect(*spec.target, std::move(options)),
                                                                    queue_option(spec, context.name)));
}

}  // namespace

output_kind emf_kind() {
    return {"emf",
            target_rule::stdout_path_or_socket,
            emf_option_rules,
            "CloudWatch Embedded Metric Format events; tcp:// or udp:// (port 25888) for the CloudWatch agent",
            make_emf,
            check_emf,
            check_emf_at_open};
}

}  // namespace logmetrics::cli
