// SPDX-License-Identifier: MIT
// influx: every sample, with its own timestamp, as InfluxDB line protocol POSTed to InfluxDB 1.x's
// /write or VictoriaMetrics' (http/influx.hpp). Only in a tool built with the HTTP component
// (LOGMETRICS_CLI_HTTP).
//
// The URL and the options: `influx:http://HOST:PORT/write?db=lm&precision=ms&label.job=x`. The
// spec's grammar (output_spec.hpp) makes everything after '?' the output's options, so the rule
// is: every KEY=VALUE there must be one of the options below; those that are /write's own query
// parameters (db, rp, u, p, consistency) are put back into the request's URL (percent-encoded),
// `precision` sets the format's unit and is passed on as InfluxDB spells it, and the rest
// (measurement, stream, label.NAME, batch, queue) are ours. A URL without a path gets `/write`.
#if defined(LOGMETRICS_CLI_HTTP)

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <iterator>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

#include <logmetrics/http/influx.hpp>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

namespace {

constexpr std::string_view precisions[] = {"ns", "us", "ms", "s", "n", "u"};
constexpr std::string_view consistencies[] = {"any", "one", "quorum", "all"};
/// /write's query parameters, passed on in the request's URL.
constexpr std::string_view passed_on[] = {"db", "rp", "u", "p", "consistency"};
constexpr option_rule influx_option_rules[] = {
    {"db", {}},                      // InfluxDB: the database (required by InfluxDB 1.x)
    {"rp", {}},                      // InfluxDB: the retention policy (default: the database's)
    {"u", {}},                       // InfluxDB: the user, when auth is on
    {"p", {}},                       // InfluxDB: the password
    {"consistency", consistencies},  // InfluxDB Enterprise: the write consistency
    {"precision", precisions},       // the timestamps' unit (default ns)
    {"measurement", {}},             // the measurement (default logmetrics)
    {"stream", {}},                  // the stream label's tag key (default stream; none: not one)
    {"label.NAME", {}},              // a constant tag NAME=VALUE (any number)
    {"batch", {}},                   // samples per request, at most (default 5000)
    {"queue", {}},                   // samples the async queue holds (default 8192)
};

/// `text` percent-encoded for a URL's query (RFC 3986: all but the unreserved characters).
std::string query_escaped(std::string_view text) {
    std::string out;
    for (const char c : text) {
        const auto u = static_cast<unsigned char>(c);
        const bool unreserved = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') ||
                                c == '-' || c == '.' || c == '_' || c == '~';
        if (unreserved) {
            out.push_back(c);
        } else {
            out += fmt::format("%{:02X}", u);
        }
    }
    return out;
}

}  // namespace

std::string influx_request_url(const output_spec& spec) {
    std::string url = *spec.target;
    const std::size_t host = url.find("://") + 3;
    const std::size_t path = url.find('/', host);
    if (path == std::string::npos) {
        url += "/write";
    } else if (path == url.size() - 1) {
        url += "write";
    }
    char separator = '?';
    for (const output_option& o : spec.options) {
        if (std::find(std::begin(passed_on), std::end(passed_on), o.key) == std::end(passed_on)) continue;
        url += fmt::format("{}{}={}", separator, o.key, query_escaped(o.value));
        separator = '&';
    }
    return url;
}

namespace {

/// The sink's options of `spec`; throws usage_error for a bad `batch`.
influx_sink_options influx_options_of(const output_spec& spec) {
    influx_sink_options options;
    const std::string_view precision = spec.option("precision").value_or("ns");
    using p = influx_precision;
    options.format.precision = precision == "s"                        ? p::s
                               : precision == "ms"                     ? p::ms
                               : precision == "us" || precision == "u" ? p::us
                                                                       : p::ns;
    if (auto m = spec.option("measurement")) options.format.measurement = *m;
    if (auto stream = spec.option("stream")) {
        if (stream->empty()) throw usage_error("stream=: a tag key, or none");  // not silently none
        options.format.stream_tag = *stream == "none" ? "" : std::string(*stream);
    }
    for (const output_option& o : spec.options) {
        if (o.key.starts_with("label.")) options.format.tags.emplace_back(o.key.substr(6), o.value);
    }
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

void check_influx(const output_spec& spec) {
    queue_option(spec, {});
    try {
        influx_format format(influx_options_of(spec).format);
    } catch (const logmetrics::error& e) {
        throw usage_error(e.message());
    }
}

any_sink make_influx(const output_spec& spec, const output_context& context) {
    influx_sink_options options = influx_options_of(spec);
    // The server's first refusal (a 4xx: "database not found", a field type conflict...) is
    // printed with its message, since the summary shows the count only; later ones are only
    // counted.
    options.on_rejected = [name = std::string(context.name), told = false](std::string_view message,
                                                                           std::uint64_t samples) mutable {
        if (std::exchange(told, true)) return;
        std::fprintf(
            stderr, "logmetrics: %s: the server refused %llu samples: %.*s (further refusals are only counted)\n",
            name.c_str(), static_cast<unsigned long long>(samples), static_cast<int>(message.size()), message.data());
    };
    // Behind async_sink (drop_oldest), so a dead or slow server never holds up extraction; its
    // drops are the queue's and the sink's (rejected by the server, pending requests full...).
    return any_sink(std::string(context.name),
                    async_sink<influx_sink>(influx_sink(influx_request_url(spec), std::move(options)),
                                            queue_option(spec, context.name)));
}

}  // namespace

output_kind influx_kind() {
    return {"influx",
            target_rule::url,
            influx_option_rules,
            "every sample with its timestamp as InfluxDB line protocol to InfluxDB 1.x or VictoriaMetrics: URL "
            "http://HOST:PORT/write (db=, rp=, u=, p= go to the URL)",
            make_influx,
            check_influx};
}

}  // namespace logmetrics::cli

#endif  // LOGMETRICS_CLI_HTTP
