// SPDX-License-Identifier: MIT
#pragma once
// The output kinds, one family per file in this directory, and the option parsers they share.
// output_kinds.cpp lists them in the registry; a new kind is a file here, a line in kinds.hpp
// and a line in the registry.

#include <array>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include <logmetrics/formats/prometheus.hpp>
#include <logmetrics/sinks/async.hpp>

#include "../output_kinds.hpp"

namespace logmetrics::cli {

// Each family's kinds (their name, target, options, help and functions).
output_kind jsonl_kind();                // kinds/text.cpp
output_kind csv_kind();                  // kinds/text.cpp
output_kind table_kind();                // kinds/text.cpp
output_kind final_kind();                // kinds/text.cpp
output_kind emf_kind();                  // kinds/emf.cpp
output_kind prometheus_textfile_kind();  // kinds/prometheus.cpp
output_kind tensorboard_kind();          // kinds/tensorboard.cpp
output_kind statsd_kind();               // kinds/statsd.cpp
output_kind dogstatsd_kind();            // kinds/statsd.cpp
#if defined(LOGMETRICS_CLI_HTTP)
output_kind pushgateway_kind();   // kinds/pushgateway.cpp
output_kind remote_write_kind();  // kinds/remote_write.cpp
output_kind influx_kind();        // kinds/influx.cpp
/// The request URL of an influx output: its target (`/write` added when it has no path) and, as
/// query parameters, its options that are /write's own (db, rp, u, p, consistency),
/// percent-encoded. (The precision is added by influx_sink.)
std::string influx_request_url(const output_spec& spec);
#endif

// ---------------------------------------------------------------------------------------------
// Option parsers shared by several kinds; each throws usage_error naming the option and what it
// takes.

/// The booleans an option such as `header=` or `fsync=` takes.
inline constexpr std::string_view boolean_values[] = {"true", "false"};

/// The async queue of a network output (`queue=`, samples, default 8192), policy drop_oldest:
/// a dead or slow backend never holds up extraction; what the queue drops is counted by reason.
async_options queue_option(const output_spec& spec, std::string_view name);

/// `key=` as seconds from `min` to `max` (fractions allowed), or `fallback` when absent.
std::chrono::milliseconds seconds_option(const output_spec& spec, std::string_view key, double min, double max,
                                         std::chrono::milliseconds fallback);

/// The Prometheus naming and labels of a Prometheus-family output: `stream=` (the stream label's
/// name, `none` for none), `label.NAME=` (constant labels), `prefix=`, `colons=keep|replace`.
prometheus_options prometheus_options_of(const output_spec& spec);

/// The option rules of prometheus_options_of, for a kind's rule list (join_rules).
inline constexpr std::string_view colon_values[] = {"keep", "replace"};
inline constexpr option_rule prometheus_option_rules[] = {
    {"stream", {}},            // the stream label's name (default stream; none: not one)
    {"label.NAME", {}},        // a constant label NAME=VALUE (any number)
    {"prefix", {}},            // put before every metric name
    {"colons", colon_values},  // keep ':' in metric names (valid in Prometheus), or make it '_'
};

/// A kind's own option rules followed by shared ones (such as prometheus_option_rules).
template <std::size_t A, std::size_t B>
constexpr std::array<option_rule, A + B> join_rules(const option_rule (&own)[A], const option_rule (&shared)[B]) {
    std::array<option_rule, A + B> all{};
    for (std::size_t i = 0; i < A; ++i) all[i] = own[i];
    for (std::size_t i = 0; i < B; ++i) all[A + i] = shared[i];
    return all;
}

}  // namespace logmetrics::cli
