// SPDX-License-Identifier: MIT
#include "options.hpp"

#include <cstdint>
#include <limits>
#include <type_traits>

#include "output_kinds.hpp"

namespace logmetrics::cli {

namespace {

/// Every enumerator of E by its name, found by asking `to_string` about every value of E's
/// underlying type (8 bits): the enumerators are what it does not call "unknown". So a mode added
/// to the library reaches the command line with no list here to update.
template <class E>
std::vector<std::pair<std::string, E>> names_of() {
    using underlying = std::underlying_type_t<E>;
    static_assert(sizeof(underlying) == 1, "every value of the underlying type is tried");
    std::vector<std::pair<std::string, E>> names;
    for (unsigned v = 0; v <= std::numeric_limits<underlying>::max(); ++v) {
        const auto e = static_cast<E>(v);
        if (to_string(e) != "unknown") names.emplace_back(std::string(to_string(e)), e);
    }
    return names;
}

}  // namespace

std::vector<std::pair<std::string, framing_mode>> mode_names() { return names_of<framing_mode>(); }

std::vector<std::pair<std::string, engine_kind>> engine_names() { return names_of<engine_kind>(); }

std::vector<std::pair<std::string, std::string>> format_names() {
    std::vector<std::pair<std::string, std::string>> names;
    for (const output_kind& kind : output_kinds()) {
        // --format F is --output F to stdout: the kinds that can write there.
        if (kind.target == target_rule::stdout_or_path || kind.target == target_rule::stdout_path_or_socket ||
            kind.target == target_rule::none)
            names.emplace_back(std::string(kind.name), std::string(kind.name));
    }
    return names;
}

}  // namespace logmetrics::cli
