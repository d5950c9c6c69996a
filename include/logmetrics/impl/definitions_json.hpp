// SPDX-License-Identifier: MIT
#pragma once
// definitions_json.hpp's functions, with nlohmann/json. Included by definitions_json.hpp
// (header-only, the default) or by <logmetrics/src.hpp> alone (LOGMETRICS_SEPARATE_COMPILATION:
// config.hpp).

#include <algorithm>
#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "../config.hpp"
#include "../definition.hpp"
#include "../definitions_json.hpp"
#include "../error.hpp"

LOGMETRICS_BEGIN_NAMESPACE

namespace detail {

inline const nlohmann::json& find_definition_array(const nlohmann::json& document) {
    // A loop, not recursion: a hostile file may nest AlgorithmSpecification a million deep.
    const nlohmann::json* at = &document;
    while (true) {
        if (at->is_array()) return *at;
        if (!at->is_object()) break;
        if (auto it = at->find("MetricDefinitions"); it != at->end()) {
            if (!it->is_array()) LOGMETRICS_THROW(error(errc::invalid_json, "\"MetricDefinitions\" is not an array"));
            return *it;
        }
        auto it = at->find("AlgorithmSpecification");
        if (it == at->end() || !it->is_object()) break;
        at = &*it;
    }
    LOGMETRICS_THROW(error(errc::invalid_json,
                           "expected an array of {\"Name\", \"Regex\"} objects, or an object with "
                           "\"MetricDefinitions\" (possibly inside \"AlgorithmSpecification\")"));
}

}  // namespace detail

LOGMETRICS_DECL definition_set parse_definitions(std::string_view json_text, definition_limits limits) {
    // nlohmann/json's lexer ends the input at a NUL byte, which would drop whatever follows it
    // without a word; a raw NUL is never valid JSON anyway.
    if (auto nul = json_text.find('\0'); nul != std::string_view::npos) {
        LOGMETRICS_THROW(error(errc::invalid_json, "not valid JSON: a NUL byte at offset " + std::to_string(nul)));
    }
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(json_text);
    } catch (const nlohmann::json::exception& e) {
        LOGMETRICS_THROW(error(errc::invalid_json, std::string("not valid JSON: ") + e.what()));
    }
    const nlohmann::json& array = detail::find_definition_array(document);

    std::vector<metric_definition> definitions(array.size());
    std::vector<definition_problem> problems;
    std::vector<bool> malformed(array.size(), false);
    for (std::size_t i = 0; i < array.size(); ++i) {
        const nlohmann::json& item = array[i];
        metric_definition& definition = definitions[i];
        auto refuse = [&](std::string message) {
            problems.push_back({i, definition.name, std::move(message)});
            malformed[i] = true;
        };
        if (!item.is_object()) {
            refuse(std::string("is a JSON ") + item.type_name() + ", not an object");
            continue;
        }
        auto read_string = [&](const char* key, std::string& out) {
            auto it = item.find(key);
            if (it == item.end()) {
                // "name" or "REGEX" for "Name"/"Regex": JSON keys are case-sensitive, say so.
                std::string other;
                for (const auto& [k, v] : item.items()) {
                    const std::string_view wanted(key);
                    if (k.size() == wanted.size() && std::equal(k.begin(), k.end(), wanted.begin(), [](char x, char y) {
                            return (x >= 'A' && x <= 'Z' ? x + 32 : x) == (y >= 'A' && y <= 'Z' ? y + 32 : y);
                        })) {
                        other = k;
                        break;
                    }
                }
                refuse(std::string("has no \"") + key + "\"" +
                       (other.empty() ? std::string()
                                      : " (it has \"" + other + "\": keys are case-sensitive: Name, Regex, Type)"));
            } else if (!it->is_string()) {
                refuse(std::string("\"") + key + "\" is a JSON " + it->type_name() + ", not a string");
            } else {
                out = it->get<std::string>();
            }
        };
        read_string("Name", definition.name);
        read_string("Regex", definition.regex);
        if (auto it = item.find("Type"); it != item.end()) {
            const std::string* type = it->get_ptr<const std::string*>();
            if (type && *type == "integer")
                definition.type = value_type::integer;
            else if (!type || (*type != "float" && *type != "real"))
                refuse("\"Type\" must be \"float\" or \"integer\"");
        }
    }
    if (!problems.empty()) {
        // Also report what the checks find in the well-formed definitions, then list everything in
        // definition order (each definition's problems in the order found). The order is sorted
        // as indices, not as problems: std::stable_sort over definition_problem would compile its
        // merge machinery, about 9 KB of code, into every translation unit that loads definitions.
        for (auto& p : find_problems(definitions, limits)) {
            if (p.index >= malformed.size() || !malformed[p.index]) problems.push_back(std::move(p));
        }
        std::vector<std::size_t> order(problems.size());
        for (std::size_t k = 0; k < order.size(); ++k) order[k] = k;
        std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return problems[a].index != problems[b].index ? problems[a].index < problems[b].index : a < b;
        });
        std::vector<definition_problem> ordered;
        ordered.reserve(problems.size());
        for (std::size_t k : order) ordered.push_back(std::move(problems[k]));
        LOGMETRICS_THROW(definition_error(std::move(ordered)));
    }
    return definition_set(std::move(definitions), limits);
}

LOGMETRICS_DECL definition_set load_definitions(const std::string& path, definition_limits limits) {
    std::ifstream file(path, std::ios::binary);
    if (!file) LOGMETRICS_THROW(error(errc::io_error, "cannot open definitions file \"" + path + "\""));
    std::ostringstream text;
    text << file.rdbuf();
    if (file.bad()) LOGMETRICS_THROW(error(errc::io_error, "cannot read definitions file \"" + path + "\""));
    try {
        return parse_definitions(text.str(), limits);
    } catch (const definition_error&) {
        throw;
    } catch (const error& e) {
        LOGMETRICS_THROW(error(e.code(), path + ": " + e.message()));
    }
}

LOGMETRICS_END_NAMESPACE
