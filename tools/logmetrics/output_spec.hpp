// SPDX-License-Identifier: MIT
#pragma once
// An output as the command line gives it (`--output SPEC`), and its grammar:
//
//     SPEC    = KIND [ ":" TARGET ] [ "?" OPTIONS ]
//     OPTIONS = KEY "=" VALUE *( "&" KEY "=" VALUE )
//
// KIND is everything before the first ':' or '?'. TARGET is everything after that ':' up to the
// first '?', so it may hold colons: `pushgateway:http://host:9091/x?job=train` is kind
// "pushgateway", target "http://host:9091/x", option job=train. A TARGET cannot contain '?'.
// What a kind accepts (its target, its option keys and values) is output_kinds.hpp's business.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace logmetrics::cli {

struct output_option {
    std::string key;
    std::string value;
    bool operator==(const output_option&) const = default;
};

/// One parsed `--output` value.
struct output_spec {
    std::string text;                    ///< the spec as given; the output's name in messages
    std::string kind;                    ///< e.g. "csv"
    std::optional<std::string> target;   ///< what follows ':', when there is one (a path, "-", a URL)
    std::vector<output_option> options;  ///< in the order given; keys are distinct

    /// The value of option `key`, if given.
    std::optional<std::string_view> option(std::string_view key) const noexcept;
};

/// The name of the output `spec` gives, for messages: "KIND:TARGET", "-" for stdout, options left
/// out ("csv:out.csv", "jsonl:-").
std::string output_name(const output_spec& spec);

/// Parses `text` by the grammar above; throws usage_error naming what is wrong (an empty kind,
/// an empty target after ':', an option without '=' or key, a key given twice).
output_spec parse_output_spec(std::string_view text);

}  // namespace logmetrics::cli
