// SPDX-License-Identifier: MIT
// remote-write: every sample, with its own timestamp, to a Prometheus remote-write receiver
// (http/remote_write.hpp): Prometheus with --web.enable-remote-write-receiver, VictoriaMetrics,
// Mimir... Only in a tool built with the HTTP component (LOGMETRICS_CLI_HTTP).
#if defined(LOGMETRICS_CLI_HTTP)

#include <charconv>
#include <cstdio>
#include <string>
#include <utility>

#include <fmt/format.h>

#include <logmetrics/http/remote_write.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr option_rule remote_write_own_rules[] = {
    {"batch", {}},  // samples per request, at most (default 2000)
    {"queue", {}},  // samples the async queue holds (default 8192)
};
constexpr auto remote_write_option_rules = join_rules(remote_write_own_rules, prometheus_option_rules);

/// The sink's options of `spec`; throws usage_error for a bad `batch`.
remote_write_options remote_write_options_of(const output_spec& spec) {
    remote_write_options options;
    const prometheus_options names = prometheus_options_of(spec);
    options.format.naming = names.naming;
    options.format.stream_label = names.stream_label;
    options.format.labels = names.labels;
    if (auto batch = spec.option("batch")) {
        std::size_t value = 0;
        const auto [end, ec] = std::from_chars(batch->data(), batch->data() + batch->size(), value);
        if (ec != std::errc{} || end != batch->data() + batch->size() || value == 0 || value > 1000000) {
            throw usage_error(fmt::format("batch={:?}: samples per request, 1 to 1000000", *batch));
        }
        options.max_samples_per_request = value;
    }
    return options;
}

void check_remote_write(const output_spec& spec) {
    queue_option(spec, {});
    try {
        remote_write_format format({}, remote_write_options_of(spec).format);
    } catch (const logmetrics::error& e) {
        throw usage_error(e.message());
    }
}

/// Makes the format, which refuses two metrics that one Prometheus name would merge.
void check_remote_write_at_open(const output_spec& spec, const std::vector<std::string>& metric_names) {
    remote_write_format format(metric_names, remote_write_options_of(spec).format);
}

any_sink make_remote_write(const output_spec& spec, const output_context& context) {
    remote_write_options options = remote_write_options_of(spec);
    // The server's first refusal (a 4xx: "out of bounds", "out of order sample"...) is printed
    // with its message, since the summary shows the count only; later ones are only counted.
    options.on_rejected = [name = std::string(context.name), told = false](std::string_view message,
                                                                           std::uint64_t samples) mutable {
        if (std::exchange(told, true)) return;
        std::fprintf(
            stderr, "logmetrics: %s: the server refused %llu samples: %.*s (further refusals are only counted)\n",
            name.c_str(), static_cast<unsigned long long>(samples), static_cast<int>(message.size()), message.data());
    };
    // Behind async_sink (drop_oldest), so a dead or slow receiver never holds up extraction; its
    // drops are the queue's and the sink's (rejected by the server, pending requests full...).
    return any_sink(
        std::string(context.name),
        async_sink<remote_write_sink>(remote_write_sink(*spec.target, context.metric_names, std::move(options)),
                                      queue_option(spec, context.name)));
}

}  // namespace

output_kind remote_write_kind() {
    return {"remote-write",
            target_rule::url,
            remote_write_option_rules,
            "every sample with its timestamp to a Prometheus remote-write receiver (Prometheus "
            "--web.enable-remote-write-receiver, VictoriaMetrics): URL http://HOST:PORT/api/v1/write",
            make_remote_write,
            check_remote_write,
            check_remote_write_at_open};
}

}  // namespace logmetrics::cli

#endif  // LOGMETRICS_CLI_HTTP
