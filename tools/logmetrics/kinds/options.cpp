// SPDX-License-Identifier: MIT
// Option parsers shared by several output kinds (kinds.hpp).
#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

#include "../command.hpp"
#include "kinds.hpp"

namespace logmetrics::cli {

async_options queue_option(const output_spec& spec, std::string_view name) {
    async_options queue;
    queue.overflow = overflow_policy::drop_oldest;
    queue.name = name;
    if (auto size = spec.option("queue")) {
        const auto [end, ec] = std::from_chars(size->data(), size->data() + size->size(), queue.capacity);
        if (ec != std::errc{} || end != size->data() + size->size() || queue.capacity == 0) {
            throw usage_error(fmt::format("queue={:?}: a number of samples, at least 1", *size));
        }
    }
    return queue;
}

std::chrono::milliseconds seconds_option(const output_spec& spec, std::string_view key, double min, double max,
                                         std::chrono::milliseconds fallback) {
    const auto text = spec.option(key);
    if (!text) return fallback;
    double seconds = -1;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), seconds);
    if (ec != std::errc{} || end != text->data() + text->size() || !(seconds >= min && seconds <= max)) {
        throw usage_error(fmt::format("{}={:?}: seconds, from {} to {}", key, *text, min, max));
    }
    return std::chrono::milliseconds(std::llround(seconds * 1000));
}

prometheus_options prometheus_options_of(const output_spec& spec) {
    prometheus_options options;
    if (auto stream = spec.option("stream")) {
        // An empty value is not `none`: refused rather than guessed.
        if (stream->empty()) throw usage_error("stream=: a label name, or none");
        options.stream_label = *stream == "none" ? "" : std::string(*stream);
    }
    if (auto prefix = spec.option("prefix")) options.naming.prefix = *prefix;
    options.naming.keep_colons = spec.option("colons").value_or("keep") == "keep";
    for (const output_option& o : spec.options) {
        if (o.key.starts_with("label.")) options.labels.emplace_back(o.key.substr(6), o.value);
    }
    return options;
}

}  // namespace logmetrics::cli
