// SPDX-License-Identifier: MIT
#include "output_spec.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "command.hpp"

namespace logmetrics::cli {

std::optional<std::string_view> output_spec::option(std::string_view key) const noexcept {
    for (const output_option& o : options) {
        if (o.key == key) return o.value;
    }
    return std::nullopt;
}

std::string output_name(const output_spec& spec) { return fmt::format("{}:{}", spec.kind, spec.target.value_or("-")); }

output_spec parse_output_spec(std::string_view text) {
    output_spec spec;
    spec.text = text;
    const std::size_t query = text.find('?');
    const std::string_view head = text.substr(0, query);
    const std::size_t colon = head.find(':');
    spec.kind = head.substr(0, colon);
    if (spec.kind.empty()) throw usage_error(text.empty() ? "an empty output" : "no output kind before ':' or '?'");
    if (colon != std::string_view::npos) {
        spec.target = head.substr(colon + 1);
        if (spec.target->empty()) {
            throw usage_error(query == std::string_view::npos ? "nothing after ':'" : "nothing between ':' and '?'");
        }
    }
    if (query == std::string_view::npos) return spec;

    std::string_view rest = text.substr(query + 1);
    if (rest.empty()) throw usage_error("no options after '?'");
    for (;;) {
        const std::size_t amp = rest.find('&');
        const std::string_view pair = rest.substr(0, amp);
        const std::size_t equals = pair.find('=');
        if (equals == std::string_view::npos || equals == 0) {
            throw usage_error(fmt::format("option {:?} is not KEY=VALUE", pair));
        }
        output_option o{std::string(pair.substr(0, equals)), std::string(pair.substr(equals + 1))};
        if (spec.option(o.key)) throw usage_error(fmt::format("option {:?} is given twice", o.key));
        spec.options.push_back(std::move(o));
        if (amp == std::string_view::npos) break;
        rest = rest.substr(amp + 1);
    }
    return spec;
}

}  // namespace logmetrics::cli
