// SPDX-License-Identifier: MIT
#pragma once
// A matcher written outside the library, over std::regex (ECMAScript), to prove that the
// regex_matcher concept is all an engine needs. It is slow and allocates per line, so it lives in
// the tests only. ECMAScript lacks lookbehind and \K: definitions using them do not compile here.

#include <regex>
#include <string_view>
#include <vector>

#include "logmetrics/definition.hpp"
#include "logmetrics/error.hpp"
#include "logmetrics/matcher.hpp"

namespace test_support {

class std_regex_matcher {
public:
    struct scratch_type {
        std::match_results<std::string_view::const_iterator> results;
    };

    explicit std_regex_matcher(const logmetrics::definition_set& definitions) : definitions_(definitions) {
        for (const auto& d : definitions_) {
            try {
                regexes_.emplace_back(d.regex, std::regex::ECMAScript);
            } catch (const std::regex_error& e) {
                throw logmetrics::error(logmetrics::errc::engine_failed, d.name + ": " + e.what());
            }
        }
    }

    const logmetrics::definition_set& definitions() const noexcept { return definitions_; }
    scratch_type make_scratch() const { return {}; }

    void match(std::string_view line, scratch_type& scratch, logmetrics::capture_list& out) const noexcept {
        out.clear();
        for (std::size_t i = 0; i < regexes_.size(); ++i) {
            try {
                if (!std::regex_search(line.begin(), line.end(), scratch.results, regexes_[i])) continue;
                const auto id = static_cast<std::uint32_t>(i);
                if (!scratch.results[1].matched) {
                    out.add(id, logmetrics::capture::status::group_unset);
                } else {
                    auto begin = static_cast<std::size_t>(scratch.results[1].first - line.begin());
                    out.add(id, logmetrics::capture::status::matched,
                            line.substr(begin, static_cast<std::size_t>(scratch.results[1].length())));
                }
            } catch (...) {
                out.add(static_cast<std::uint32_t>(i), logmetrics::capture::status::match_error);
            }
        }
    }

private:
    logmetrics::definition_set definitions_;
    std::vector<std::regex> regexes_;
};

struct std_regex_engine {
    std_regex_matcher compile(const logmetrics::definition_set& definitions) const {
        return std_regex_matcher(definitions);
    }
};

static_assert(logmetrics::regex_matcher<std_regex_matcher>);
static_assert(logmetrics::matcher_engine<std_regex_engine>);

}  // namespace test_support
