// SPDX-License-Identifier: MIT
// statsd, dogstatsd: every sample as a StatsD gauge over UDP (sinks/statsd.hpp), plain (Etsy
// StatsD and the servers that speak it) or DogStatsD (the Datadog Agent: with tags).
#include <charconv>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include <logmetrics/detail/io/socket_target.hpp>
#include <logmetrics/sinks/statsd.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr option_rule statsd_option_rules[] = {
    {"prefix", {}},        // put before every metric name
    {"max_datagram", {}},  // bytes per datagram, at most (default 1432)
    {"queue", {}},         // samples the async queue holds (default 8192)
};
constexpr option_rule dogstatsd_own_rules[] = {
    {"stream", {}},      // the stream label's tag key (default stream; none: not one)
    {"label.NAME", {}},  // a constant tag NAME:VALUE (any number)
};
constexpr auto dogstatsd_option_rules = join_rules(statsd_option_rules, dogstatsd_own_rules);

/// The format options of `spec` (its kind says the dialect); throws usage_error for a bad
/// `max_datagram` (what the format refuses is checked by making it).
statsd_options statsd_options_of(const output_spec& spec) {
    statsd_options options;
    options.dialect = spec.kind == "dogstatsd" ? statsd_dialect::dogstatsd : statsd_dialect::vanilla;
    if (auto prefix = spec.option("prefix")) options.prefix = *prefix;
    if (auto bytes = spec.option("max_datagram")) {
        std::size_t value = 0;
        const auto [end, ec] = std::from_chars(bytes->data(), bytes->data() + bytes->size(), value);
        if (ec != std::errc{} || end != bytes->data() + bytes->size() || value < statsd_format::min_datagram_bytes ||
            value > statsd_format::max_udp_payload) {
            throw usage_error(fmt::format("max_datagram={:?}: bytes, {} to {}", *bytes,
                                          statsd_format::min_datagram_bytes, statsd_format::max_udp_payload));
        }
        options.max_datagram_bytes = value;
    }
    if (auto stream = spec.option("stream")) {
        if (stream->empty()) throw usage_error("stream=: a tag key, or none");  // not silently none
        options.stream_tag = *stream == "none" ? "" : std::string(*stream);
    }
    for (const output_option& o : spec.options) {
        if (o.key.starts_with("label.")) options.tags.emplace_back(o.key.substr(6), o.value);
    }
    return options;
}

void check_statsd(const output_spec& spec) {
    const auto address = detail::socket_address::parse(*spec.target, statsd_sink::default_port);
    if (!address || !address->udp) throw usage_error(fmt::format("{:?} is not udp://HOST[:PORT]", *spec.target));
    queue_option(spec, {});
    try {
        statsd_format format({}, statsd_options_of(spec));
    } catch (const logmetrics::error& e) {
        throw usage_error(e.message());
    }
}

/// Makes the format, which refuses two metrics that one StatsD name would merge.
void check_statsd_at_open(const output_spec& spec, const std::vector<std::string>& metric_names) {
    statsd_format format(metric_names, statsd_options_of(spec));
}

any_sink make_statsd(const output_spec& spec, const output_context& context) {
    // Behind async_sink (drop_oldest), so that even a slow send never holds up extraction; its
    // drops are the queue's and the sink's (non-finite value, send failed...).
    return any_sink(std::string(context.name),
                    async_sink<statsd_sink>(statsd_sink(*spec.target, context.metric_names, statsd_options_of(spec)),
                                            queue_option(spec, context.name)));
}

}  // namespace

output_kind statsd_kind() {
    return {"statsd",
            target_rule::udp,
            statsd_option_rules,
            "each sample as a StatsD gauge over UDP (port 8125), for Etsy StatsD, Telegraf, statsd_exporter",
            make_statsd,
            check_statsd,
            check_statsd_at_open};
}

output_kind dogstatsd_kind() {
    return {"dogstatsd",
            target_rule::udp,
            dogstatsd_option_rules,
            "each sample as a DogStatsD gauge with tags (stream, label.NAME) over UDP, for the Datadog Agent",
            make_statsd,
            check_statsd,
            check_statsd_at_open};
}

}  // namespace logmetrics::cli
